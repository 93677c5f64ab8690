/**
 * Bitmap commands on string values (bitops.c): SETBIT, GETBIT, BITCOUNT and BITPOS with BYTE|BIT
 * ranges. Also joins BITOP (bitop.ts) and
 * BITFIELD/BITFIELD_RO (bitfield.ts) into the family's `commands`.
 *
 * Redis 8.2 semantics: SETBIT only fires the `setbit` event and bumps dirty when the string grew or
 * the bit changed; every SETBIT leaves the value with encoding `raw` (Redis unshares it first).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  BIT_VALUE_INVALID,
  BITPOS_BIT_INVALID,
  NOT_INTEGER,
  STRING_TOO_LONG,
  SYNTAX,
  WRONGTYPE,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { is } from "./args.ts";
import {
  bitAt,
  editableBytes,
  findBit,
  MAX_STRING_LENGTH,
  popcountByte,
  popcountStr,
  storeBytes,
} from "../types/bits.ts";
import { commands as bitopCommands } from "./bitop.ts";
import { commands as bitfieldCommands, parseBitOffset } from "./bitfield.ts";

/** A 64-bit range bound as a number; values beyond ±2^53 are clamped (strings are far shorter). */
function bound(v: number | bigint): number {
  if (typeof v === "number") return v;
  return v > 0n ? 2 ** 53 : -(2 ** 53);
}

function setbit(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2], false, 0);
  if (offset === null) return;
  const on = parseInt64(argv[3]);
  if (on !== 0 && on !== 1) {
    c.addError(BIT_VALUE_INVALID);
    return;
  }
  const key = argv[1];
  const db = c.db;
  const o = db.lookup(key);
  if (o !== undefined && typeof o !== "string") {
    c.addError(WRONGTYPE);
    return;
  }
  const old = o ?? "";
  const byte = Math.floor(offset / 8);
  if (byte >= MAX_STRING_LENGTH) return c.addError(STRING_TOO_LONG);
  const prev = bitAt(old, offset);
  if (o === undefined || byte >= old.length || prev !== on) {
    const b = editableBytes(old, byte + 1);
    const mask = 1 << (7 - (offset & 7));
    if (on) b[byte] |= mask;
    else b[byte] &= ~mask;
    db.set(key, storeBytes(b), o !== undefined);
    const s = c.server;
    s.notify("$", "setbit", key, db.id);
    s.dirty++;
  }
  db.rawStrings.add(key);
  c.addInt(prev);
}

function getbit(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2], false, 0);
  if (offset === null) return;
  const o = c.db.lookupRead(argv[1]);
  if (o === undefined) c.addInt(0);
  else if (typeof o !== "string") c.addError(WRONGTYPE);
  else c.addInt(bitAt(o, offset));
}

/** Parses the BYTE|BIT keyword; replies a syntax error and returns null when it is neither. */
function unitArg(c: Client, arg: string): boolean | null {
  if (is(arg, "bit")) return true;
  if (is(arg, "byte")) return false;
  c.addError(SYNTAX);
  return null;
}

function bitcount(c: Client, argv: string[]): void {
  const argc = argv.length;
  let o: string | undefined;
  let start: number;
  let end: number;
  let firstMask = 0;
  let lastMask = 0;
  if (argc === 4 || argc === 5) {
    const s0 = parseInt64(argv[2]);
    if (s0 === null) return c.addError(NOT_INTEGER);
    const e0 = parseInt64(argv[3]);
    if (e0 === null) return c.addError(NOT_INTEGER);
    let isBit = false;
    if (argc === 5) {
      const u = unitArg(c, argv[4]);
      if (u === null) return;
      isBit = u;
    }
    const v = c.db.lookupRead(argv[1]);
    if (v !== undefined && typeof v !== "string") return c.addError(WRONGTYPE);
    o = v;
    if (s0 < 0 && e0 < 0 && s0 > e0) return c.addInt(0);
    let totlen = o === undefined ? 0 : o.length;
    if (isBit) totlen *= 8;
    start = bound(s0);
    end = bound(e0);
    if (start < 0) start = totlen + start;
    if (end < 0) end = totlen + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= totlen) end = totlen - 1;
    if (isBit && start <= end) {
      firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - (end & 7))) - 1;
      start = Math.floor(start / 8);
      end = Math.floor(end / 8);
    }
  } else if (argc === 2) {
    const v = c.db.lookupRead(argv[1]);
    if (v !== undefined && typeof v !== "string") return c.addError(WRONGTYPE);
    o = v;
    start = 0;
    end = o === undefined ? -1 : o.length - 1;
  } else {
    return c.addError(SYNTAX);
  }
  if (o === undefined || start > end) return c.addInt(0);
  let count = popcountStr(o, start, end + 1);
  if (firstMask !== 0) count -= popcountByte(o.charCodeAt(start) & firstMask);
  if (lastMask !== 0) count -= popcountByte(o.charCodeAt(end) & lastMask);
  c.addInt(count);
}

function bitpos(c: Client, argv: string[]): void {
  const argc = argv.length;
  const bit = parseInt64(argv[2]);
  if (bit === null) return c.addError(NOT_INTEGER);
  if (bit !== 0 && bit !== 1) return c.addError(BITPOS_BIT_INVALID);
  let o: string | undefined;
  let from: number; // first bit of the range
  let to: number; // last bit of the range
  let endGiven = false;
  if (argc === 4 || argc === 5 || argc === 6) {
    const s0 = parseInt64(argv[3]);
    if (s0 === null) return c.addError(NOT_INTEGER);
    let isBit = false;
    if (argc === 6) {
      const u = unitArg(c, argv[5]);
      if (u === null) return;
      isBit = u;
    }
    let e0: number | bigint = 0;
    if (argc >= 5) {
      const e = parseInt64(argv[4]);
      if (e === null) return c.addError(NOT_INTEGER);
      e0 = e;
      endGiven = true;
    }
    const v = c.db.lookupRead(argv[1]);
    if (v !== undefined && typeof v !== "string") return c.addError(WRONGTYPE);
    o = v;
    let totlen = o === undefined ? 0 : o.length;
    let start = bound(s0);
    let end = endGiven ? bound(e0) : totlen - 1;
    if (isBit) totlen *= 8;
    if (start < 0) start = totlen + start;
    if (end < 0) end = totlen + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= totlen) end = totlen - 1;
    if (isBit) {
      from = start;
      to = end;
    } else {
      from = start * 8;
      to = end * 8 + 7;
    }
    if (start > end) from = 1, to = 0;
  } else if (argc === 3) {
    const v = c.db.lookupRead(argv[1]);
    if (v !== undefined && typeof v !== "string") return c.addError(WRONGTYPE);
    o = v;
    from = 0;
    to = o === undefined ? -1 : o.length * 8 - 1;
  } else {
    return c.addError(SYNTAX);
  }
  // A missing key is an endless run of zero bits.
  if (o === undefined) return c.addInt(bit ? -1 : 0);
  if (from > to) return c.addInt(-1);
  const pos = findBit(o, bit, from, to);
  if (pos >= 0) return c.addInt(pos);
  // No clear bit in the range: without an explicit end the string reads as zero-padded on the right.
  if (bit === 0 && !endGiven) return c.addInt((Math.floor(to / 8) + 1) * 8);
  c.addInt(-1);
}

export const commands: CommandDef[] = [
  { name: "setbit", handler: setbit },
  { name: "getbit", handler: getbit },
  { name: "bitcount", handler: bitcount },
  { name: "bitpos", handler: bitpos },
  ...bitopCommands,
  ...bitfieldCommands,
];
