/**
 * Argument helpers shared by the set and sorted-set families: Redis's `long` argument parsers with
 * their exact error texts (getLongFromObjectOrReply, getRangeLongFromObjectOrReply,
 * getPositiveLongFromObjectOrReply), the encoding limits read from the config, and the typed
 * lookups (a set, nothing, or WRONGTYPE replied).
 */
import type { Client } from "../server/client.ts";
import { NOT_INTEGER, OUT_OF_RANGE_ZERO, WRONGTYPE } from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { RSet, type SetLimits } from "../types/set.ts";
import type { ZsetLimits } from "../types/zset.ts";

export const LONG_MAX = 9223372036854775807n;

/**
 * Parses a C `long` in [min, max] like getRangeLongFromObjectOrReply: a non-integer replies `msg` or
 * "value is not an integer or out of range"; a value out of range replies `msg` or Redis's
 * "value is out of range, value must between min and max". Returns null after replying. Values beyond
 * 2^53 come back as the nearest double (the range check itself is exact).
 */
export function longInRange(c: Client, s: string, min: bigint, max: bigint, msg?: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.addError(msg ?? NOT_INTEGER);
    return null;
  }
  const b = typeof v === "bigint" ? v : null;
  if (b !== null ? b < min || b > max : v < min || v > max) {
    c.addError(msg ?? `ERR value is out of range, value must between ${min} and ${max}`);
    return null;
  }
  return Number(v);
}

/** getLongFromObjectOrReply: any signed 64-bit integer, else "value is not an integer or out of range". */
export function longArg(c: Client, s: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.addError(NOT_INTEGER);
    return null;
  }
  return Number(v);
}

/**
 * getPositiveLongFromObjectOrReply: 0…LONG_MAX; both a non-integer and a negative value reply `msg`,
 * by default "value is out of range, must be positive".
 */
export function positiveLongArg(c: Client, s: string, msg: string = OUT_OF_RANGE_ZERO): number | null {
  return longInRange(c, s, 0n, LONG_MAX, msg);
}

const SET_LIMITS: SetLimits = { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 };
const ZSET_LIMITS: ZsetLimits = { maxListpackEntries: 128, maxListpackValue: 64 };

/** The current set-max-intset-entries / set-max-listpack-entries / set-max-listpack-value. */
export function setLimits(c: Client): SetLimits {
  const cfg = c.server.config;
  SET_LIMITS.maxIntsetEntries = cfg.num("set-max-intset-entries");
  SET_LIMITS.maxListpackEntries = cfg.num("set-max-listpack-entries");
  SET_LIMITS.maxListpackValue = cfg.num("set-max-listpack-value");
  return SET_LIMITS;
}

/** The current zset-max-listpack-entries / zset-max-listpack-value. */
export function zsetLimits(c: Client): ZsetLimits {
  const cfg = c.server.config;
  ZSET_LIMITS.maxListpackEntries = cfg.num("zset-max-listpack-entries");
  ZSET_LIMITS.maxListpackValue = cfg.num("zset-max-listpack-value");
  return ZSET_LIMITS;
}

/** Lowercases a short option word (longer words cannot be options, so they are left as they are). */
export function optionWord(arg: string): string {
  return arg.length <= 12 ? arg.toLowerCase() : arg;
}

/** Looks `key` up for reading: the set, null when missing, or false after replying WRONGTYPE. */
export function readSet(c: Client, key: string): RSet | null | false {
  const v = c.db.lookupRead(key);
  if (v === undefined) return null;
  if (v instanceof RSet) return v;
  c.addError(WRONGTYPE);
  return false;
}

/** Looks `key` up for writing: the set, null when missing, or false after replying WRONGTYPE. */
export function writeSet(c: Client, key: string): RSet | null | false {
  const v = c.db.lookup(key);
  if (v === undefined) return null;
  if (v instanceof RSet) return v;
  c.addError(WRONGTYPE);
  return false;
}

/** Replies every member of `s` as a bulk string, in its iteration order (no header). */
export function replyMembers(c: Client, s: RSet): void {
  const n = s.size;
  for (let i = 0; i < n; i++) c.addBulk(s.memberAt(i));
}
