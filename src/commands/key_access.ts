/**
 * Small helpers shared by the keyspace command modules (keys, expire, scan, object, db_admin): Redis's
 * lookup flavours that the Db does not offer directly, and the `int`-range argument parser.
 */
import type { Client } from "../server/client.ts";
import type { Value } from "../types/value.ts";
import { NOT_INTEGER, valueOutOfRange } from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Looks a key up for reading without touching its access clock (Redis's LOOKUP_NOTOUCH): lazy expiry
 * and keyspace hit/miss counting still happen. Used by EXISTS, TYPE, TTL, OBJECT, SCAN TYPE. A miss
 * fires the `keymiss` event unless `notify` is false (OBJECT: Redis's LOOKUP_NONOTIFY).
 */
export function lookupReadNoTouch(c: Client, key: string, notify = true): Value | undefined {
  return c.db.lookupRead(key, false, notify);
}

/**
 * Parses a C `int` argument like getIntFromObjectOrReply: a non-integer replies `msg` (or the generic
 * integer error), a value outside the int range replies `msg` (or Redis's range error). Returns null
 * after replying.
 */
export function intArgInRange(c: Client, s: string, msg?: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.addError(msg ?? NOT_INTEGER);
    return null;
  }
  if (typeof v !== "number" || v < INT_MIN || v > INT_MAX) {
    c.addError(msg ?? valueOutOfRange(INT_MIN, INT_MAX));
    return null;
  }
  return v;
}
