/**
 * BITOP (bitops.c): AND, OR, XOR, NOT and the Redis 8.2 operators DIFF (X ∧ ¬(Y1 ∨ Y2 …)),
 * DIFF1 (¬X ∧ (Y1 ∨ Y2 …)), ANDOR (X ∧ (Y1 ∨ Y2 …)) and ONE (bits set in exactly one source).
 * Missing sources read as empty strings, shorter ones are zero-padded; an all-empty result deletes
 * the destination ("del" event), otherwise it is stored as a raw string ("set" event).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { BITOP_NOT_ONE_KEY, bitopTwoKeys, SYNTAX, WRONGTYPE } from "../server/errors.ts";
import { bytesOf, storeBytes } from "../types/bits.ts";

const AND = 0;
const OR = 1;
const XOR = 2;
const NOT = 3;
const DIFF = 4;
const DIFF1 = 5;
const ANDOR = 6;
const ONE = 7;

const OPS: Record<string, number> = {
  and: AND,
  or: OR,
  xor: XOR,
  not: NOT,
  diff: DIFF,
  diff1: DIFF1,
  andor: ANDOR,
  one: ONE,
};

/** Computes `op` over `src` into a new array of the longest source's length. */
export function bitop(op: number, src: Uint8Array[]): Uint8Array {
  let maxlen = 0;
  for (const s of src) if (s.length > maxlen) maxlen = s.length;
  const res = new Uint8Array(maxlen);
  const n = src.length;
  const first = src[0];
  if (op === NOT) {
    for (let j = 0; j < maxlen; j++) res[j] = ~(j < first.length ? first[j] : 0) & 0xff;
    return res;
  }
  if (op === DIFF || op === DIFF1 || op === ANDOR) {
    // The disjunction of every source but the first, then combined with the first.
    for (let i = 1; i < n; i++) {
      const s = src[i];
      for (let j = 0; j < s.length; j++) res[j] |= s[j];
    }
    for (let j = 0; j < maxlen; j++) {
      const x = j < first.length ? first[j] : 0;
      const d = res[j];
      res[j] = op === DIFF ? x & ~d : op === DIFF1 ? ~x & d & 0xff : x & d;
    }
    return res;
  }
  if (op === ONE) {
    const common = new Uint8Array(maxlen);
    res.set(first);
    for (let i = 1; i < n; i++) {
      const s = src[i];
      for (let j = 0; j < s.length; j++) {
        common[j] |= res[j] & s[j];
        res[j] ^= s[j];
      }
    }
    for (let j = 0; j < maxlen; j++) res[j] &= ~common[j];
    return res;
  }
  res.set(first);
  for (let i = 1; i < n; i++) {
    const s = src[i];
    const len = s.length;
    if (op === AND) {
      for (let j = 0; j < len; j++) res[j] &= s[j];
      res.fill(0, len);
    } else if (op === OR) {
      for (let j = 0; j < len; j++) res[j] |= s[j];
    } else {
      for (let j = 0; j < len; j++) res[j] ^= s[j];
    }
  }
  return res;
}

function bitopCommand(c: Client, argv: string[]): void {
  const op = OPS[argv[1].toLowerCase()];
  if (op === undefined) return c.addError(SYNTAX);
  if (op === NOT && argv.length !== 4) return c.addError(BITOP_NOT_ONE_KEY);
  if ((op === DIFF || op === DIFF1 || op === ANDOR) && argv.length < 5) return c.addError(bitopTwoKeys(argv[1]));
  const db = c.db;
  const src: Uint8Array[] = [];
  for (let j = 3; j < argv.length; j++) {
    const v = db.lookupRead(argv[j]);
    if (v === undefined) src.push(EMPTY);
    else if (typeof v !== "string") return c.addError(WRONGTYPE);
    else src.push(bytesOf(v));
  }
  const res = bitop(op, src);
  const dest = argv[2];
  const s = c.server;
  if (res.length > 0) {
    db.set(dest, storeBytes(res));
    db.rawStrings.add(dest);
    s.notify("$", "set", dest, db.id);
    s.dirty++;
  } else if (db.delete(dest)) {
    s.notify("g", "del", dest, db.id);
    s.dirty++;
  }
  c.addInt(res.length);
}

const EMPTY = new Uint8Array(0);

export const commands: CommandDef[] = [{ name: "bitop", handler: bitopCommand }];
