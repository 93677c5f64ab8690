/**
 * Sorted-set commands, pops and random members: ZPOPMIN, ZPOPMAX, ZMPOP and ZRANDMEMBER (count,
 * negative count, WITHSCORES), with Redis 8.2's reply shapes per protocol (t_zset.c
 * genericZpopCommand / zrandmemberWithCountCommand). `popGeneric` is exported for the blocking
 * variants (zset_blocking.ts).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { COUNT_NOT_POSITIVE, NUMKEYS_NOT_POSITIVE, SYNTAX, VALUE_OUT_OF_RANGE, WRONGTYPE } from "../server/errors.ts";
import { ZSet } from "../types/zset.ts";
import { LONG_MAX, longInRange, optionWord, positiveLongArg } from "./set_args.ts";
import { readZset } from "./zset_args.ts";
import { sampleSortedPositions } from "./set_random.ts";

/** LONG_MAX / 2: ZRANDMEMBER's count limit with WITHSCORES. */
const HALF_LONG_MAX = LONG_MAX / 2n;

/** Which end a pop takes from. */
export const ZSET_MIN = 0;
export const ZSET_MAX = 1;

/** Reply shapes of genericZpopCommand. */
export interface PopShape {
  /** Emit the key name (BZPOP*, ZMPOP, BZMPOP). */
  emitKey: boolean;
  /** Nested [member, score] pairs (RESP3 ZPOP with count, ZMPOP, BZMPOP). */
  nested: boolean;
  /** A null array instead of an empty array when nothing can be popped (ZMPOP, BZMPOP). */
  nilWhenEmpty: boolean;
}

/**
 * Redis's genericZpopCommand: pops up to `count` entries (−1: a plain single pop) from the first
 * non-empty sorted set among `keys`, replies them in `shape`, notifies "zpopmin"/"zpopmax" (and "del"
 * when the set empties). Replies WRONGTYPE at the first key of another type. Returns the key popped
 * from and how many entries were popped, or null.
 */
export function popGeneric(
  c: Client,
  keys: readonly string[],
  where: number,
  count: number,
  shape: PopShape,
): [key: string, popped: number] | null {
  const db = c.db;
  let key: string | null = null;
  let z: ZSet | null = null;
  for (const k of keys) {
    const v = db.lookup(k);
    if (v === undefined) continue;
    if (!(v instanceof ZSet)) {
      c.addError(WRONGTYPE);
      return null;
    }
    key = k;
    z = v;
    break;
  }
  if (z === null || key === null) {
    if (shape.nilWhenEmpty) c.addNullArray();
    else c.addArrayLen(0);
    return null;
  }
  if (count === 0) {
    c.addArrayLen(0);
    return null;
  }
  if (count === -1) count = 1;
  const n = Math.min(count, z.size);
  if (!shape.nested && !shape.emitKey) c.addArrayLen(n * 2);
  else if (shape.nested && !shape.emitKey) c.addArrayLen(n);
  else if (!shape.nested) {
    c.addArrayLen(n * 2 + 1);
    c.addBulk(key);
  } else {
    c.addArrayLen(2);
    c.addBulk(key);
    c.addArrayLen(n);
  }
  const s = c.server;
  for (let i = 0; i < n; i++) {
    const [m, score] = z.entryAt(where === ZSET_MAX ? z.size - 1 : 0);
    z.remove(m);
    s.dirty++;
    if (i === 0) s.notify("z", where === ZSET_MAX ? "zpopmax" : "zpopmin", key, db.id);
    if (shape.nested) c.addArrayLen(2);
    c.addBulk(m);
    c.addDouble(score);
  }
  if (z.size === 0) {
    db.delete(key);
    s.notify("g", "del", key, db.id);
  } else s.keyModified(db, key);
  return [key, n];
}

/** ZPOPMIN / ZPOPMAX key [count] */
function zpopMinMax(c: Client, argv: string[], where: number): void {
  if (argv.length > 3) {
    c.addError(SYNTAX);
    return;
  }
  let count = -1;
  if (argv.length === 3) {
    const v = positiveLongArg(c, argv[2]);
    if (v === null) return;
    count = v;
  }
  popGeneric(c, [argv[1]], where, count, {
    emitKey: false,
    nested: c.resp > 2 && count !== -1,
    nilWhenEmpty: false,
  });
}

function zpopmin(c: Client, argv: string[]): void {
  zpopMinMax(c, argv, ZSET_MIN);
}

function zpopmax(c: Client, argv: string[]): void {
  zpopMinMax(c, argv, ZSET_MAX);
}

/** Parsed ZMPOP / BZMPOP arguments. */
export interface MpopArgs {
  keys: string[];
  where: number;
  count: number;
}

/**
 * Parses `numkeys key… MIN|MAX [COUNT count]` starting at argv[numkeysIdx] like zmpopGenericCommand;
 * replies the error and returns null when invalid.
 */
export function parseMpop(c: Client, argv: string[], numkeysIdx: number): MpopArgs | null {
  const numkeys = longInRange(c, argv[numkeysIdx], 1n, LONG_MAX, NUMKEYS_NOT_POSITIVE);
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.addError(SYNTAX);
    return null;
  }
  const w = optionWord(argv[whereIdx]);
  if (w !== "min" && w !== "max") {
    c.addError(SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && optionWord(argv[j]) === "count" && j < argv.length - 1) {
      const v = longInRange(c, argv[++j], 1n, LONG_MAX, COUNT_NOT_POSITIVE);
      if (v === null) return null;
      count = v;
    } else {
      c.addError(SYNTAX);
      return null;
    }
  }
  return {
    keys: argv.slice(numkeysIdx + 1, whereIdx),
    where: w === "max" ? ZSET_MAX : ZSET_MIN,
    count: count === -1 ? 1 : count,
  };
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */
function zmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 1);
  if (a === null) return;
  const r = popGeneric(c, a.keys, a.where, a.count, { emitKey: true, nested: true, nilWhenEmpty: true });
  // Replicated as ZPOPMIN/ZPOPMAX key count (the count actually popped), as Redis does.
  if (r !== null) c.argv = [a.where === ZSET_MAX ? "ZPOPMAX" : "ZPOPMIN", r[0], String(r[1])];
}

/** One ZRANDMEMBER entry: RESP3 pairs with scores, flat otherwise. */
function replyRandomEntry(c: Client, m: string, s: number, withScores: boolean): void {
  if (withScores && c.resp > 2) c.addArrayLen(2);
  c.addBulk(m);
  if (withScores) c.addDouble(s);
}

/** ZRANDMEMBER key [count [WITHSCORES]] */
function zrandmember(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const l = longInRange(c, argv[2], -LONG_MAX, LONG_MAX);
    if (l === null) return;
    if (argv.length > 4 || (argv.length === 4 && optionWord(argv[3]) !== "withscores")) {
      c.addError(SYNTAX);
      return;
    }
    const withScores = argv.length === 4;
    const exact = BigInt(argv[2]);
    if (withScores && (exact < -HALF_LONG_MAX || exact > HALF_LONG_MAX)) {
      c.addError(VALUE_OUT_OF_RANGE);
      return;
    }
    zrandmemberWithCount(c, argv[1], l, withScores);
    return;
  }
  const z = readZset(c, argv[1]);
  if (z === false) return;
  if (z === null) c.addNull();
  else c.addBulk(z.randomEntry()[0]);
}

function zrandmemberWithCount(c: Client, key: string, l: number, withScores: boolean): void {
  const z = readZset(c, key);
  if (z === false) return;
  if (z === null || l === 0) {
    c.addArrayLen(0);
    return;
  }
  const size = z.size;
  const uniq = l > 0;
  let count = Math.abs(l);
  const flat = withScores && c.resp === 2;
  if (!uniq || count === 1) {
    c.addArrayLen(flat ? count * 2 : count);
    while (count-- > 0 && !c.closed) {
      const [m, s] = z.randomEntry();
      replyRandomEntry(c, m, s, withScores);
    }
    return;
  }
  const n = Math.min(count, size);
  c.addArrayLen(flat ? n * 2 : n);
  if (count >= size) {
    // The whole set, in Redis's iteration order for sorted sets (highest score first).
    z.forEachReverse((m, s) => replyRandomEntry(c, m, s, withScores));
    return;
  }
  if (z.isListpack) {
    const picked = sampleSortedPositions(size, count);
    for (let i = 0; i < picked.length; i++) {
      replyRandomEntry(c, z.lm![picked[i]], z.ls![picked[i]], withScores);
    }
    return;
  }
  if (count * 3 > size) {
    const members: string[] = [];
    const scores: number[] = [];
    z.forEachReverse((m, s) => {
      members.push(m);
      scores.push(s);
    });
    let left = size;
    while (left > count) {
      const i = Math.floor(Math.random() * left);
      left--;
      members[i] = members[left];
      scores[i] = scores[left];
    }
    for (let i = 0; i < count; i++) replyRandomEntry(c, members[i], scores[i], withScores);
    return;
  }
  const seen = new Set<string>();
  while (seen.size < count) {
    const [m, s] = z.randomEntry();
    if (seen.has(m)) continue;
    seen.add(m);
    replyRandomEntry(c, m, s, withScores);
  }
}

export const commands: CommandDef[] = [
  { name: "zpopmin", handler: zpopmin },
  { name: "zpopmax", handler: zpopmax },
  { name: "zmpop", handler: zmpop },
  { name: "zrandmember", handler: zrandmember },
];
