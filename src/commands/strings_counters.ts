/**
 * String counters: INCR, DECR, INCRBY, DECRBY (exact signed 64-bit arithmetic: JS numbers while safe,
 * BigInt beyond, Redis's overflow errors) and INCRBYFLOAT (x87 long double arithmetic and Redis's
 * "%.17Lf"-then-trimmed formatting, see util/longdouble.ts).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { DECREMENT_OVERFLOW, INCR_NAN, NOT_FLOAT, NOT_INTEGER, OVERFLOW, WRONGTYPE } from "../server/errors.ts";
import { LLONG_MAX, LLONG_MIN, parseInt64 } from "../util/numbers.ts";
import { addLongDouble, formatLongDouble, longDoubleFromInt, parseLongDouble } from "../util/longdouble.ts";

/**
 * Parses a 64-bit integer with Redis's string2ll rules (no sign '+', no leading zeros, no spaces).
 * A char loop handles the common short values without regex or allocation; longer ones go through
 * parseInt64. Returns null when `s` is not such an integer.
 */
export function parseLongLong(s: string): number | bigint | null {
  const len = s.length;
  if (len === 0) return null;
  if (len > 15) return parseInt64(s);
  let i = 0;
  let neg = false;
  let ch = s.charCodeAt(0);
  if (ch === 45) {
    if (len === 1) return null;
    neg = true;
    ch = s.charCodeAt(++i);
  }
  if (ch === 48) return len === 1 ? 0 : null;
  if (ch < 49 || ch > 57) return null;
  let n = ch - 48;
  for (i++; i < len; i++) {
    ch = s.charCodeAt(i);
    if (ch < 48 || ch > 57) return null;
    n = n * 10 + ch - 48;
  }
  return neg ? -n : n;
}

/** Redis's incrDecrCommand: adds `incr` to the integer at argv[1] (missing = 0), TTL kept. */
function incrDecr(c: Client, key: string, incr: number | bigint): void {
  const db = c.db;
  const o = db.lookup(key);
  let cur: number | bigint = 0;
  if (o !== undefined) {
    if (typeof o !== "string") {
      c.addError(WRONGTYPE);
      return;
    }
    const v = parseLongLong(o);
    if (v === null) {
      c.addError(NOT_INTEGER);
      return;
    }
    cur = v;
  }
  let result: number | bigint;
  if (typeof cur === "number" && typeof incr === "number" && Number.isSafeInteger(cur + incr)) {
    result = cur + incr;
  } else {
    const a = BigInt(cur);
    const b = BigInt(incr);
    if ((b < 0n && a < 0n && b < LLONG_MIN - a) || (b > 0n && a > 0n && b > LLONG_MAX - a)) {
      c.addError(OVERFLOW);
      return;
    }
    const sum = a + b;
    result = sum >= -9007199254740991n && sum <= 9007199254740991n ? Number(sum) : sum;
  }
  db.set(key, String(result), true);
  const s = c.server;
  s.notify("$", "incrby", key, db.id);
  s.dirty++;
  c.addInt(result);
}

function incr(c: Client, argv: string[]): void {
  incrDecr(c, argv[1], 1);
}

function decr(c: Client, argv: string[]): void {
  incrDecr(c, argv[1], -1);
}

function incrby(c: Client, argv: string[]): void {
  const by = parseLongLong(argv[2]);
  if (by === null) c.addError(NOT_INTEGER);
  else incrDecr(c, argv[1], by);
}

function decrby(c: Client, argv: string[]): void {
  const by = parseLongLong(argv[2]);
  if (by === null) c.addError(NOT_INTEGER);
  else if (by === LLONG_MIN) c.addError(DECREMENT_OVERFLOW); // -LLONG_MIN does not fit
  else incrDecr(c, argv[1], -by);
}

function incrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const o = db.lookup(key);
  if (o !== undefined && typeof o !== "string") {
    c.addError(WRONGTYPE);
    return;
  }
  const curText = o === undefined ? "0" : o;
  let text: string;
  // Fast path: two small integers add exactly and print as an integer.
  const ci = parseLongLong(curText);
  const ii = parseLongLong(argv[2]);
  if (typeof ci === "number" && typeof ii === "number" && Number.isSafeInteger(ci + ii)) {
    text = String(ci + ii);
  } else {
    // Explicit "inf" operands parse (as numbers) and then fail as NaN/Infinity, like in Redis.
    const cur = ci !== null ? longDoubleFromInt(ci) : parseLongDouble(curText);
    const by = ii !== null ? longDoubleFromInt(ii) : parseLongDouble(argv[2]);
    if (cur === null || by === null) {
      c.addError(NOT_FLOAT);
      return;
    }
    const sum = typeof cur === "number" || typeof by === "number" ? null : addLongDouble(cur, by);
    if (sum === null) {
      c.addError(INCR_NAN);
      return;
    }
    text = formatLongDouble(sum);
  }
  db.set(key, text, true);
  const s = c.server;
  s.notify("$", "incrbyfloat", key, db.id);
  s.dirty++;
  // Replicated as SET … KEEPTTL so float formatting differences cannot make replicas diverge.
  c.argv = ["SET", key, text, "KEEPTTL"];
  c.addBulk(text);
}

export const commands: CommandDef[] = [
  { name: "incr", handler: incr },
  { name: "decr", handler: decr },
  { name: "incrby", handler: incrby },
  { name: "decrby", handler: decrby },
  { name: "incrbyfloat", handler: incrbyfloat },
];
