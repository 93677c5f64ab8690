/**
 * BITFIELD and BITFIELD_RO (bitops.c): GET, SET and INCRBY on i1..i64 / u1..u63 integers at bit or
 * `#`-scaled offsets, with OVERFLOW WRAP|SAT|FAIL applying to the operations after it. Arithmetic is
 * exact 64-bit (BigInt). All arguments are validated before anything runs; a write grows the string
 * to the farthest bit written (even when the writes then FAIL, as in Redis), and the value becomes raw.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  BIT_OFFSET_INVALID,
  BITFIELD_OVERFLOW_INVALID,
  BITFIELD_RO_GET_ONLY,
  BITFIELD_TYPE_INVALID,
  NOT_INTEGER,
  STRING_TOO_LONG,
  SYNTAX,
  WRONGTYPE,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { is } from "./args.ts";
import {
  bytesOf,
  editableBytes,
  getSignedField,
  getUnsignedField,
  MAX_STRING_LENGTH,
  OVERFLOW_FAIL,
  OVERFLOW_SAT,
  OVERFLOW_WRAP,
  setField,
  signedAdd,
  storeBytes,
  unsignedAdd,
} from "../types/bits.ts";

/**
 * Redis's getBitOffsetFromArgument: a non-negative bit offset below proto-max-bulk-len × 8. With
 * `hash` and `bits` > 0, "#n" means n × bits (BITFIELD). Replies the error and returns null when invalid.
 */
export function parseBitOffset(c: Client, arg: string, hash: boolean, bits: number): number | null {
  const useHash = hash && bits > 0 && arg.charCodeAt(0) === 35; // '#'
  let v = parseInt64(useHash ? arg.slice(1) : arg);
  if (v === null) {
    c.addError(BIT_OFFSET_INVALID);
    return null;
  }
  if (useHash) v = BigInt.asIntN(64, BigInt(v) * BigInt(bits)); // C multiplies with wrap-around
  if (v < 0 || Math.floor(Number(v) / 8) >= c.server.protoMaxBulkLen) {
    c.addError(BIT_OFFSET_INVALID);
    return null;
  }
  return Number(v);
}

const GET = 0;
const SET = 1;
const INCRBY = 2;

interface FieldOp {
  opcode: number;
  offset: number;
  bits: number;
  signed: boolean;
  owtype: number;
  arg: bigint;
}

/** Parses "i16" / "u8": signed 1..64 bits or unsigned 1..63; replies the error and returns null. */
function parseType(c: Client, t: string): { signed: boolean; bits: number } | null {
  const ch = t.charCodeAt(0);
  const signed = ch === 105; // 'i'
  if (signed || ch === 117) { // 'u'
    const n = parseInt64(t.slice(1));
    if (n !== null && n >= 1 && n <= (signed ? 64 : 63)) return { signed, bits: Number(n) };
  }
  c.addError(BITFIELD_TYPE_INVALID);
  return null;
}

/** Parses the sub-operations; replies the first error and returns null. */
function parseOps(c: Client, argv: string[]): FieldOp[] | null {
  const ops: FieldOp[] = [];
  let owtype = OVERFLOW_WRAP;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j];
    let opcode: number;
    if (is(sub, "get") && rem >= 2) opcode = GET;
    else if (is(sub, "set") && rem >= 3) opcode = SET;
    else if (is(sub, "incrby") && rem >= 3) opcode = INCRBY;
    else if (is(sub, "overflow") && rem >= 1) {
      const t = argv[++j];
      if (is(t, "wrap")) owtype = OVERFLOW_WRAP;
      else if (is(t, "sat")) owtype = OVERFLOW_SAT;
      else if (is(t, "fail")) owtype = OVERFLOW_FAIL;
      else {
        c.addError(BITFIELD_OVERFLOW_INVALID);
        return null;
      }
      continue;
    } else {
      c.addError(SYNTAX);
      return null;
    }
    const type = parseType(c, argv[j + 1]);
    if (type === null) return null;
    const offset = parseBitOffset(c, argv[j + 2], true, type.bits);
    if (offset === null) return null;
    let arg = 0n;
    if (opcode !== GET) {
      const v = parseInt64(argv[j + 3]);
      if (v === null) {
        c.addError(NOT_INTEGER);
        return null;
      }
      arg = BigInt(v);
    }
    ops.push({ opcode, offset, bits: type.bits, signed: type.signed, owtype, arg });
    j += opcode === GET ? 2 : 3;
  }
  return ops;
}

function bitfieldGeneric(c: Client, argv: string[], readOnlyCommand: boolean): void {
  const ops = parseOps(c, argv);
  if (ops === null) return;
  let highest = -1;
  for (const op of ops) {
    if (op.opcode !== GET) highest = Math.max(highest, op.offset + op.bits - 1);
  }
  const key = argv[1];
  const db = c.db;
  if (highest < 0) {
    // Only GETs: a read, on a possibly missing key.
    const o = db.lookupRead(key);
    if (o !== undefined && typeof o !== "string") return c.addError(WRONGTYPE);
    const b = o === undefined ? EMPTY : bytesOf(o);
    c.addArrayLen(ops.length);
    for (const op of ops) {
      c.addInt(op.signed ? getSignedField(b, op.offset, op.bits) : getUnsignedField(b, op.offset, op.bits));
    }
    return;
  }
  if (readOnlyCommand) return c.addError(BITFIELD_RO_GET_ONLY);
  const o = db.lookup(key);
  if (o !== undefined && typeof o !== "string") return c.addError(WRONGTYPE);
  const old = o ?? "";
  const need = Math.floor(highest / 8) + 1;
  if (need > MAX_STRING_LENGTH) return c.addError(STRING_TOO_LONG);
  const grew = o === undefined || need > old.length;
  const b = editableBytes(old, need);
  let changes = 0;
  c.addArrayLen(ops.length);
  for (const op of ops) {
    if (op.opcode === GET) {
      c.addInt(op.signed ? getSignedField(b, op.offset, op.bits) : getUnsignedField(b, op.offset, op.bits));
      continue;
    }
    const oldval = op.signed ? getSignedField(b, op.offset, op.bits) : getUnsignedField(b, op.offset, op.bits);
    let r;
    if (op.opcode === INCRBY) {
      r = op.signed ? signedAdd(oldval, op.arg, op.bits, op.owtype) : unsignedAdd(oldval, op.arg, op.bits, op.owtype);
    } else {
      r = op.signed
        ? signedAdd(op.arg, 0n, op.bits, op.owtype)
        : unsignedAdd(BigInt.asUintN(64, op.arg), 0n, op.bits, op.owtype);
    }
    if (r.overflow !== 0 && op.owtype === OVERFLOW_FAIL) {
      c.addNull();
      continue;
    }
    c.addInt(op.opcode === INCRBY ? r.value : oldval);
    setField(b, op.offset, op.bits, r.value);
    if (grew || r.value !== oldval) changes++;
  }
  if (changes > 0 || grew) {
    const s = storeBytes(b);
    if (o === undefined) db.set(key, s);
    else if (changes > 0) db.set(key, s, true);
    else db.replaceValue(key, s); // grown by failed writes only: no event, like Redis
  }
  db.rawStrings.add(key);
  if (changes > 0) {
    const srv = c.server;
    srv.notify("$", "setbit", key, db.id);
    srv.dirty += changes;
  }
}

const EMPTY = new Uint8Array(0);

export const commands: CommandDef[] = [
  { name: "bitfield", handler: (c, argv) => bitfieldGeneric(c, argv, false) },
  { name: "bitfield_ro", handler: (c, argv) => bitfieldGeneric(c, argv, true) },
];
