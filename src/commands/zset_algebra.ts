/**
 * Sorted-set commands, algebra: ZUNION, ZUNIONSTORE, ZINTER, ZINTERSTORE, ZINTERCARD, ZDIFF,
 * ZDIFFSTORE (WEIGHTS, AGGREGATE SUM|MIN|MAX, WITHSCORES, LIMIT) — Redis 8.2's
 * zunionInterDiffGenericCommand (t_zset.c): plain sets are accepted as inputs with score 1; inputs are
 * visited smallest first (except for DIFF), sorted sets from their highest score down, so float sums
 * accumulate in Redis's order; weighted scores that are NaN (inf × 0) and sums of +inf and -inf count
 * as 0; DIFF picks Redis's algorithm by estimated work. Stored results are listpack-encoded when they
 * fit the limits.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { atLeastOneInputKey, LIMIT_NEGATIVE, SYNTAX, WEIGHT_NOT_FLOAT, WRONGTYPE } from "../server/errors.ts";
import { RSet } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { longArg, optionWord, positiveLongArg, zsetLimits } from "./set_args.ts";
import { parseStrtod, replyEntries } from "./zset_args.ts";

const UNION = 0;
const INTER = 1;
const DIFF = 2;
type Op = typeof UNION | typeof INTER | typeof DIFF;

const SUM = 0;
const MIN = 1;
const MAX = 2;

/** One input: a sorted set, a set (scores 1), or nothing (missing key), with its weight. */
interface Source {
  obj: ZSet | RSet | null;
  weight: number;
}

function sourceSize(src: Source): number {
  return src.obj === null ? 0 : src.obj.size;
}

/** The entries of a source in Redis's zuiNext order: a set's iteration order, a zset's descending. */
function sourceEntries(src: Source): [string[], number[]] {
  const members: string[] = [];
  const scores: number[] = [];
  const o = src.obj;
  if (o instanceof ZSet) {
    o.forEachReverse((m, s) => {
      members.push(m);
      scores.push(s);
    });
  } else if (o !== null) {
    const n = o.size;
    for (let i = 0; i < n; i++) {
      members.push(o.memberAt(i));
      scores.push(1);
    }
  }
  return [members, scores];
}

/** The score of `m` in a source (1 for set members), or undefined. */
function sourceFind(src: Source, m: string): number | undefined {
  const o = src.obj;
  if (o instanceof ZSet) return o.score(m);
  if (o !== null && o.has(m)) return 1;
  return undefined;
}

function aggregate(target: number, val: number, how: number): number {
  if (how === SUM) {
    const t = target + val;
    return t !== t ? 0 : t;
  }
  if (how === MIN) return val < target ? val : target;
  return val > target ? val : target;
}

/** Entries of `result` sorted by (score, member), as parallel arrays. */
function sortedEntries(result: Map<string, number>): [string[], number[]] {
  const m = [...result.keys()];
  const s = [...result.values()];
  const idx = m.map((_, i) => i);
  idx.sort((a, b) => (s[a] < s[b] ? -1 : s[a] > s[b] ? 1 : m[a] < m[b] ? -1 : m[a] > m[b] ? 1 : 0));
  return [idx.map((i) => m[i]), idx.map((i) => s[i])];
}

/** Redis's zdiff: members of the first source found in no other, with their unweighted scores. */
function diff(srcs: Source[], result: Map<string, number>): void {
  if (sourceSize(srcs[0]) === 0) return;
  let one = 0;
  let two = 0;
  for (let j = 0; j < srcs.length; j++) {
    if (j > 0 && srcs[j].obj === srcs[0].obj) return; // subtracting the first set from itself
    one += sourceSize(srcs[0]);
    two += sourceSize(srcs[j]);
  }
  if (Math.floor(one / 2) <= two) {
    const rest = srcs.slice(1).sort((a, b) => sourceSize(b) - sourceSize(a));
    const [members, scores] = sourceEntries(srcs[0]);
    for (let i = 0; i < members.length; i++) {
      let exists = false;
      for (const src of rest) {
        if (src.obj === srcs[0].obj || sourceFind(src, members[i]) !== undefined) {
          exists = true;
          break;
        }
      }
      if (!exists) result.set(members[i], scores[i]);
    }
    return;
  }
  for (let j = 0; j < srcs.length; j++) {
    if (sourceSize(srcs[j]) === 0) continue;
    const [members, scores] = sourceEntries(srcs[j]);
    for (let i = 0; i < members.length; i++) {
      if (j === 0) result.set(members[i], scores[i]);
      else result.delete(members[i]);
      if (result.size === 0) break;
    }
    if (result.size === 0) break;
  }
}

/**
 * Redis's zunionInterDiffGenericCommand. `dst` is the destination of the *STORE variants, `numkeysIdx`
 * the position of numkeys; `cardOnly` is ZINTERCARD.
 */
function zsetOpGeneric(c: Client, argv: string[], dst: string | null, numkeysIdx: number, op: Op, cardOnly = false) {
  const setnum = longArg(c, argv[numkeysIdx]);
  if (setnum === null) return;
  if (setnum < 1) {
    c.addError(atLeastOneInputKey(c.cmd?.fullName ?? argv[0].toLowerCase()));
    return;
  }
  if (setnum > argv.length - (numkeysIdx + 1)) {
    c.addError(SYNTAX);
    return;
  }
  const srcs: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = c.db.lookupRead(argv[j]);
    if (v !== undefined && !(v instanceof ZSet) && !(v instanceof RSet)) {
      c.addError(WRONGTYPE);
      return;
    }
    srcs.push({ obj: v === undefined ? null : v, weight: 1 });
  }
  let how = SUM;
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = optionWord(argv[j]);
    if (op !== DIFF && !cardOnly && remaining >= setnum + 1 && opt === "weights") {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseStrtod(argv[j]);
        if (w === null) {
          c.addError(WEIGHT_NOT_FLOAT);
          return;
        }
        srcs[i].weight = w;
      }
    } else if (op !== DIFF && !cardOnly && remaining >= 2 && opt === "aggregate") {
      const a = optionWord(argv[j + 1]);
      if (a === "sum") how = SUM;
      else if (a === "min") how = MIN;
      else if (a === "max") how = MAX;
      else {
        c.addError(SYNTAX);
        return;
      }
      j += 2;
    } else if (dst === null && !cardOnly && opt === "withscores") {
      j++;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && opt === "limit") {
      const l = positiveLongArg(c, argv[j + 1], LIMIT_NEGATIVE);
      if (l === null) return;
      limit = l;
      j += 2;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  if (op !== DIFF) srcs.sort((a, b) => sourceSize(a) - sourceSize(b));

  const result = new Map<string, number>();
  let card = 0;
  if (op === INTER) {
    if (sourceSize(srcs[0]) > 0) {
      const [members, scores] = sourceEntries(srcs[0]);
      for (let i = 0; i < members.length; i++) {
        const m = members[i];
        let score = srcs[0].weight * scores[i];
        if (score !== score) score = 0;
        let k = 1;
        for (; k < srcs.length; k++) {
          let value: number;
          if (srcs[k].obj === srcs[0].obj) value = scores[i] * srcs[k].weight;
          else {
            const found = sourceFind(srcs[k], m);
            if (found === undefined) break;
            value = found * srcs[k].weight;
          }
          score = aggregate(score, value, how);
        }
        if (k < srcs.length) continue;
        if (cardOnly) {
          card++;
          if (limit && card >= limit) break;
        } else result.set(m, score);
      }
    }
  } else if (op === UNION) {
    for (const src of srcs) {
      if (sourceSize(src) === 0) continue;
      const [members, scores] = sourceEntries(src);
      for (let i = 0; i < members.length; i++) {
        let score = src.weight * scores[i];
        if (score !== score) score = 0;
        const old = result.get(members[i]);
        result.set(members[i], old === undefined ? score : aggregate(old, score, how));
      }
    }
  } else diff(srcs, result);

  if (cardOnly) {
    c.addInt(card);
    return;
  }
  const [members, scores] = sortedEntries(result);
  if (dst === null) {
    replyEntries(c, members, scores, withScores);
    return;
  }
  const db = c.db;
  const s = c.server;
  if (members.length > 0) {
    db.set(dst, ZSet.fromSorted(members, scores, zsetLimits(c)));
    c.addInt(members.length);
    s.notify("z", op === UNION ? "zunionstore" : op === INTER ? "zinterstore" : "zdiffstore", dst, db.id);
    s.dirty++;
  } else {
    c.addInt(0);
    if (db.delete(dst)) {
      s.notify("g", "del", dst, db.id);
      s.dirty++;
    }
  }
}

export const commands: CommandDef[] = [
  { name: "zunion", handler: (c, argv) => zsetOpGeneric(c, argv, null, 1, UNION) },
  { name: "zunionstore", handler: (c, argv) => zsetOpGeneric(c, argv, argv[1], 2, UNION) },
  { name: "zinter", handler: (c, argv) => zsetOpGeneric(c, argv, null, 1, INTER) },
  { name: "zinterstore", handler: (c, argv) => zsetOpGeneric(c, argv, argv[1], 2, INTER) },
  { name: "zintercard", handler: (c, argv) => zsetOpGeneric(c, argv, null, 1, INTER, true) },
  { name: "zdiff", handler: (c, argv) => zsetOpGeneric(c, argv, null, 1, DIFF) },
  { name: "zdiffstore", handler: (c, argv) => zsetOpGeneric(c, argv, argv[1], 2, DIFF) },
];
