/**
 * String edits and slices: APPEND, STRLEN, GETRANGE, SUBSTR and SETRANGE, with Redis's index
 * clamping, the proto-max-bulk-len size limit, and `raw` encoding for values edited in place.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { NOT_INTEGER, OFFSET_OUT_OF_RANGE, STRING_TOO_LONG, WRONGTYPE } from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";

/** Redis's checkStringLength: replies the size error and returns false when size + append is too big. */
function checkStringLength(c: Client, size: number, append: number): boolean {
  if (size + append > c.server.protoMaxBulkLen) {
    c.addError(STRING_TOO_LONG);
    return false;
  }
  return true;
}

function append(c: Client, argv: string[]): void {
  const key = argv[1];
  const tail = argv[2];
  const db = c.db;
  const o = db.lookup(key);
  let total: number;
  if (o === undefined) {
    db.set(key, tail);
    total = tail.length;
  } else {
    if (typeof o !== "string") {
      c.addError(WRONGTYPE);
      return;
    }
    if (!checkStringLength(c, o.length, tail.length)) return;
    const joined = o + tail;
    db.set(key, joined, true);
    // Redis unshares the value into a raw sds before appending, even an empty tail.
    db.rawStrings.add(key);
    total = joined.length;
  }
  const s = c.server;
  s.notify("$", "append", key, db.id);
  s.dirty++;
  c.addInt(total);
}

function strlen(c: Client, argv: string[]): void {
  const o = c.db.lookupRead(argv[1]);
  if (o === undefined) c.addInt(0);
  else if (typeof o !== "string") c.addError(WRONGTYPE);
  else c.addInt(o.length);
}

/** GETRANGE and SUBSTR: the inclusive byte range [start, end], negative indexes from the end. */
function getrange(c: Client, argv: string[]): void {
  const start0 = parseInt64(argv[2]);
  if (start0 === null) {
    c.addError(NOT_INTEGER);
    return;
  }
  const end0 = parseInt64(argv[3]);
  if (end0 === null) {
    c.addError(NOT_INTEGER);
    return;
  }
  const o = c.db.lookupRead(argv[1]);
  if (o === undefined) {
    c.addBulk("");
    return;
  }
  if (typeof o !== "string") {
    c.addError(WRONGTYPE);
    return;
  }
  // Both negative and reversed: empty (compared exactly, before any conversion).
  if (start0 < 0 && end0 < 0 && start0 > end0) {
    c.addBulk("");
    return;
  }
  const len = o.length;
  let start = Number(start0);
  let end = Number(end0);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) c.addBulk("");
  else c.addBulk(start === 0 && end === len - 1 ? o : o.slice(start, end + 1));
}

/** `old` with `value` written at `offset`, zero-padded when the offset lies past the end. */
function overwrite(old: string, offset: number, value: string): string {
  if (offset >= old.length) {
    return offset === old.length ? old + value : old + "\0".repeat(offset - old.length) + value;
  }
  const end = offset + value.length;
  return old.slice(0, offset) + value + (end < old.length ? old.slice(end) : "");
}

function setrange(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = argv[3];
  const parsed = parseInt64(argv[2]);
  if (parsed === null) {
    c.addError(NOT_INTEGER);
    return;
  }
  if (parsed < 0) {
    c.addError(OFFSET_OUT_OF_RANGE);
    return;
  }
  // Offsets beyond 2^53 lose precision here but are rejected by the size check anyway.
  const offset = Number(parsed);
  const db = c.db;
  const o = db.lookup(key);
  let result: string;
  if (o === undefined) {
    if (value.length === 0) {
      c.addInt(0);
      return;
    }
    if (!checkStringLength(c, offset, value.length)) return;
    result = overwrite("", offset, value);
    db.set(key, result);
  } else {
    if (typeof o !== "string") {
      c.addError(WRONGTYPE);
      return;
    }
    if (value.length === 0) {
      c.addInt(o.length);
      return;
    }
    if (!checkStringLength(c, offset, value.length)) return;
    result = overwrite(o, offset, value);
    db.set(key, result, true);
  }
  db.rawStrings.add(key);
  const s = c.server;
  s.notify("$", "setrange", key, db.id);
  s.dirty++;
  c.addInt(result.length);
}

export const commands: CommandDef[] = [
  { name: "append", handler: append },
  { name: "strlen", handler: strlen },
  { name: "getrange", handler: getrange },
  { name: "substr", handler: getrange },
  { name: "setrange", handler: setrange },
];
