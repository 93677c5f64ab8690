/**
 * Hash sampling and iteration: HRANDFIELD (count, negative count, WITHVALUES, with Redis's four
 * strategies and their result orders) and HSCAN (MATCH, COUNT, NOVALUES). Both leave expired fields
 * out: HRANDFIELD deletes them all first (as Redis 8 does), HSCAN skips them.
 *
 * Sampling is O(1) per element for the hashtable encoding (DenseDict slots); a listpack hash samples
 * positions in its flat array. HSCAN returns a listpack hash whole with cursor 0, and walks a
 * hashtable's DenseDict slots with Redis's SCAN guarantee.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Hash } from "../types/hash.ts";
import { INVALID_CURSOR, LONG_RANGE, NOT_INTEGER, SYNTAX, VALUE_OUT_OF_RANGE } from "../server/errors.ts";
import { LLONG_MIN, parseInt64 } from "../util/numbers.ts";
import { compileGlob } from "../util/glob.ts";
import { expireAllDueFields } from "../db/field_expire.ts";
import { parseScanCursor, parseScanOptions } from "./scan.ts";
import { readHash } from "./hash_access.ts";

/** Beyond this many times the count, CASE 4 (random picks until enough unique) beats CASE 3. */
const SUB_STRATEGY_MUL = 3;
const HALF_LONG_MAX = 4611686018427387903n;

/** A random integer in [0, n). */
function rand(n: number): number {
  return Math.floor(Math.random() * n);
}

/** Writes the field at `pos` (and its value when `withValues`), RESP3 pairs as 2-element arrays. */
function replyEntry(c: Client, h: Hash, pos: number, withValues: boolean): void {
  if (withValues && c.resp === 3) c.addArrayLen(2);
  c.addBulk(h.fieldAt(pos));
  if (withValues) c.addBulk(h.valueAt(pos));
}

/** A uniformly random position of a non-empty hash (`offsets`: a listpack's entry positions). */
function randomPos(h: Hash, offsets: number[] | null): number {
  return offsets !== null ? offsets[rand(offsets.length)] : h.ht!.randomSlot();
}

/** HRANDFIELD key count [WITHVALUES]. */
function randomWithCount(c: Client, key: string, l: number, withValues: boolean): void {
  const h = readHash(c, key);
  if (h === null) return;
  if (h === undefined) {
    c.addArrayLen(0);
    return;
  }
  if (expireAllDueFields(c.server, c.db, key, h)) {
    c.addArrayLen(0);
    return;
  }
  const size = h.size;
  let count = Math.abs(l);
  if (count === 0) {
    c.addArrayLen(0);
    return;
  }
  const pairs = withValues && c.resp === 2;
  const offsets = h.isListpack ? h.positions() : null;
  // CASE 1: a negative count samples with repetitions, in random order (also a count of 1).
  if (l < 0 || count === 1) {
    c.addArrayLen(pairs ? count * 2 : count);
    while (count-- > 0) replyEntry(c, h, randomPos(h, offsets), withValues);
    return;
  }
  const n = Math.min(count, size);
  c.addArrayLen(pairs ? n * 2 : n);
  // CASE 2: asking for at least the whole hash returns all of it, in order.
  if (count >= size) {
    for (let i = 0; i < size; i++) replyEntry(c, h, offsets !== null ? offsets[i] : i, withValues);
    return;
  }
  // CASE 2.5: a listpack gives a uniform unique sample in listpack order (selection sampling).
  if (offsets !== null) {
    let need = count;
    for (let i = 0; i < size && need > 0; i++) {
      if (rand(size - i) < need) {
        replyEntry(c, h, offsets[i], withValues);
        need--;
      }
    }
    return;
  }
  // CASE 3: the count is close to the size: drop random entries from a copy of all positions.
  if (count * SUB_STRATEGY_MUL > size) {
    const slots: number[] = new Array(size);
    for (let i = 0; i < size; i++) slots[i] = i;
    let left = size;
    while (left > count) {
      const j = rand(left);
      slots[j] = slots[--left];
    }
    for (let i = 0; i < count; i++) replyEntry(c, h, slots[i], withValues);
    return;
  }
  // CASE 4: the hash is much bigger than the count: random picks until enough distinct ones.
  const picked = new Set<number>();
  const ht = h.ht!;
  while (picked.size < count) {
    const slot = ht.randomSlot();
    if (picked.has(slot)) continue;
    picked.add(slot);
    replyEntry(c, h, slot, withValues);
  }
}

/** HRANDFIELD key [count [WITHVALUES]]. */
function hrandfield(c: Client, argv: string[]): void {
  const key = argv[1];
  if (argv.length >= 3) {
    const v = parseInt64(argv[2]);
    if (v === null) {
      c.addError(NOT_INTEGER);
      return;
    }
    if (v === LLONG_MIN) {
      c.addError(LONG_RANGE);
      return;
    }
    if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== "withvalues")) {
      c.addError(SYNTAX);
      return;
    }
    const withValues = argv.length === 4;
    if (withValues && (BigInt(v) < -HALF_LONG_MAX || BigInt(v) > HALF_LONG_MAX)) {
      c.addError(VALUE_OUT_OF_RANGE);
      return;
    }
    randomWithCount(c, key, Number(v), withValues);
    return;
  }
  const h = readHash(c, key);
  if (h === null) return;
  if (h === undefined || expireAllDueFields(c.server, c.db, key, h)) {
    c.addNull();
    return;
  }
  c.addBulk(h.fieldAt(randomPos(h, h.isListpack ? h.positions() : null)));
}

/** HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]. */
function hscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) {
    c.addError(INVALID_CURSOR);
    return;
  }
  const key = argv[1];
  const h = readHash(c, key);
  if (h === null) return;
  if (h === undefined) {
    c.addArrayLen(2);
    c.addBulk("0");
    c.addArrayLen(0);
    return;
  }
  const opts = parseScanOptions(c, argv, 3, "hash");
  if (opts === null) return;
  const match = opts.pattern === null ? null : compileGlob(opts.pattern);
  const noValues = opts.noValues;
  const now = h.mayHaveTtls ? c.server.clock.now() : 0;
  const out: string[] = [];
  const visit = (field: string, value: string, t: number): void => {
    if (t !== 0 && t < now) return;
    if (match !== null && !match(field)) return;
    out.push(field);
    if (!noValues) out.push(value);
  };
  let next = 0;
  if (h.isListpack) {
    h.forEachEntry(visit);
  } else {
    const idx = h.ht!.ttl;
    next = h.ht!.scan(cursor, opts.count, (field, value) => visit(field, value, idx === null ? 0 : idx.get(field)));
  }
  c.addArrayLen(2);
  c.addBulk(String(next));
  c.addBulkArray(out);
}

export const commands: CommandDef[] = [
  { name: "hrandfield", handler: hrandfield },
  { name: "hscan", handler: hscan },
];
