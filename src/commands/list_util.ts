/**
 * Helpers shared by the list command modules: typed lookups, Redis's integer argument helpers with
 * their exact error texts, LEFT/RIGHT parsing, range replies and the bookkeeping after elements are
 * removed (listElementsRemoved: events, deleting an emptied key, shrinking conversion, dirty).
 */
import type { Client } from "../server/client.ts";
import { ListValue } from "../types/list.ts";
import { LONG_RANGE, NOT_INTEGER, OUT_OF_RANGE_ZERO, SYNTAX, WRONGTYPE } from "../server/errors.ts";
import { LLONG_MIN, parseInt64 } from "../util/numbers.ts";

/** The `list-max-listpack-size` setting. */
export function listFill(c: Client): number {
  return c.server.config.num("list-max-listpack-size");
}

/**
 * Looks `key` up for writing: the list, undefined when missing, or null after replying WRONGTYPE for
 * another type.
 */
export function lookupListWrite(c: Client, key: string): ListValue | undefined | null {
  const v = c.db.lookup(key);
  if (v === undefined || v instanceof ListValue) return v;
  c.addError(WRONGTYPE);
  return null;
}

/** Like lookupListWrite for read-only commands (counts keyspace hits and misses). */
export function lookupListRead(c: Client, key: string): ListValue | undefined | null {
  const v = c.db.lookupRead(key);
  if (v === undefined || v instanceof ListValue) return v;
  c.addError(WRONGTYPE);
  return null;
}

/** getLongFromObjectOrReply: a 64-bit integer as a number (or null after replying `msg`). */
export function longArg(c: Client, s: string, msg: string = NOT_INTEGER): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.addError(msg);
    return null;
  }
  return typeof v === "number" ? v : Number(v);
}

/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): any 64-bit integer but LLONG_MIN. */
export function symmetricLongArg(c: Client, s: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.addError(NOT_INTEGER);
    return null;
  }
  if (v === LLONG_MIN) {
    c.addError(LONG_RANGE);
    return null;
  }
  return typeof v === "number" ? v : Number(v);
}

/**
 * getPositiveLongFromObjectOrReply / getRangeLongFromObjectOrReply(min, LONG_MAX): an integer >= min.
 * Every failure, not-an-integer included, replies `msg` (as Redis passes its message down).
 */
export function minLongArg(c: Client, s: string, min: number, msg: string = OUT_OF_RANGE_ZERO): number | null {
  const v = parseInt64(s);
  if (v === null || v < min) {
    c.addError(msg);
    return null;
  }
  return typeof v === "number" ? v : Number(v);
}

/** LEFT → true (head), RIGHT → false (tail); replies a syntax error and returns null otherwise. */
export function parseWhere(c: Client, s: string): boolean | null {
  if (s.length === 4 && s.toLowerCase() === "left") return true;
  if (s.length === 5 && s.toLowerCase() === "right") return false;
  c.addError(SYNTAX);
  return null;
}

/** addListRangeReply: elements start..end (negative indexes from the tail), reversed when asked. */
export function addListRange(c: Client, list: ListValue, start: number, end: number, reverse: boolean): void {
  const len = list.n;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    c.addArrayLen(0);
    return;
  }
  if (end >= len) end = len - 1;
  c.addArrayLen(end - start + 1);
  list.range(start, end, reverse, (d, s, l) => c.addBulkSlice(d, s, l));
}

/**
 * listElementsRemoved: after popping `count` elements from `key` at the head (`head`) or tail: the
 * lpop/rpop event, then deleting the emptied key (event "del") or the shrinking conversion, the
 * modification signal and the dirty counter. Returns true when the key was deleted.
 */
export function listElementsRemoved(c: Client, key: string, head: boolean, list: ListValue, count: number): boolean {
  const s = c.server;
  const db = c.db;
  s.notify("l", head ? "lpop" : "rpop", key, db.id);
  let deleted = false;
  if (list.n === 0) {
    db.delete(key);
    s.notify("g", "del", key, db.id);
    deleted = true;
  } else {
    if (list.ql !== null && list.ql.nodes.length === 1) list.shrinkCheck(listFill(c));
    s.keyModified(db, key);
  }
  s.dirty += count;
  return deleted;
}

/**
 * Pops up to `count` elements from the head (`head`) or tail and replies them as an array (head order
 * for the head, tail-first for the tail), as popGenericCommand's range branch. Returns how many.
 */
export function popRangeReply(c: Client, list: ListValue, head: boolean, count: number): number {
  const n = Math.min(count, list.n);
  const start = head ? 0 : list.n - n;
  addListRange(c, list, start, start + n - 1, !head);
  list.deleteRange(start, n);
  return n;
}

/** Creates the list at `key` (empty, listpack-encoded) and returns it. */
export function createList(c: Client, key: string): ListValue {
  const list = new ListValue();
  c.db.set(key, list);
  return list;
}
