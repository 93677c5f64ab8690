/**
 * Score and lex ranges of sorted sets (ZRANGEBYSCORE, ZRANGEBYLEX, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY…)
 * and where a range walk starts, with Redis 8.2's semantics for each encoding (t_zset.c):
 *
 * - listpack: zzlFirstInRange / zzlLastInRange scan linearly from one end (so even a lex range over
 *   members whose scores differ gives Redis's exact answer), then LIMIT's offset is walked without
 *   checking the range — a negative offset walks off the end.
 * - skiplist: zslNthInRange finds the n-th entry in range by rank (negative n counts from the end of
 *   the range) in O(log n), using the tree's ordered descent.
 */
import type { ZCursor, ZSet } from "./zset.ts";

/** A score interval; `minex`/`maxex` make a bound exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** A lex bound: "-" (below everything), "+" (above everything), or a string, inclusive or not. */
export interface LexBound {
  /** -1 for "-", 1 for "+", 0 for a string. */
  inf: -1 | 0 | 1;
  value: string;
  ex: boolean;
}

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

export function scoreGteMin(s: number, r: ScoreRange): boolean {
  return r.minex ? s > r.min : s >= r.min;
}

export function scoreLteMax(s: number, r: ScoreRange): boolean {
  return r.maxex ? s < r.max : s <= r.max;
}

/** Redis's sdscmplex between a member and a bound. */
function cmpLex(v: string, b: LexBound): number {
  if (b.inf !== 0) return -b.inf;
  return v < b.value ? -1 : v > b.value ? 1 : 0;
}

export function lexGteMin(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.min);
  return r.min.ex ? c > 0 : c >= 0;
}

export function lexLteMax(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.max);
  return r.max.ex ? c < 0 : c <= 0;
}

/** True when no value can be in the range (min > max, or equal with an exclusive end). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** The lex counterpart of scoreRangeEmpty (sdscmplex of the two bounds). */
export function lexRangeEmpty(r: LexRange): boolean {
  const a = r.min;
  const b = r.max;
  let c: number;
  if (a.inf !== 0 && a.inf === b.inf) c = 0;
  else if (a.inf === -1 || b.inf === 1) c = -1;
  else if (a.inf === 1 || b.inf === -1) c = 1;
  else c = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  return c > 0 || (c === 0 && (a.ex || b.ex));
}

/** A range as two predicates on entries: at or above its start, at or below its end. */
export interface RangeTest {
  empty: boolean;
  gteMin(s: number, m: string): boolean;
  lteMax(s: number, m: string): boolean;
}

/** The predicates of a score range. */
export function scoreTest(r: ScoreRange): RangeTest {
  return {
    empty: scoreRangeEmpty(r),
    gteMin: (s) => scoreGteMin(s, r),
    lteMax: (s) => scoreLteMax(s, r),
  };
}

/** The predicates of a lex range. */
export function lexTest(r: LexRange): RangeTest {
  return {
    empty: lexRangeEmpty(r),
    gteMin: (_s, m) => lexGteMin(m, r),
    lteMax: (_s, m) => lexLteMax(m, r),
  };
}

/** Redis's zzlIsInRange / zslIsInRange: the range is non-empty and overlaps the set's ends. */
function overlaps(z: ZSet, t: RangeTest): boolean {
  const n = z.size;
  if (t.empty || n === 0) return false;
  const [lm, ls] = z.entryAt(n - 1);
  if (!t.gteMin(ls, lm)) return false;
  const [fm, fs] = z.entryAt(0);
  return t.lteMax(fs, fm);
}

/** Listpack: first index (from the start) in range, or -1 (zzlFirstInRange / zzlFirstInLexRange). */
function lpFirstInRange(z: ZSet, t: RangeTest): number {
  if (!overlaps(z, t)) return -1;
  const lm = z.lm!;
  const ls = z.ls!;
  for (let i = 0; i < lm.length; i++) {
    if (t.gteMin(ls[i], lm[i])) return t.lteMax(ls[i], lm[i]) ? i : -1;
  }
  return -1;
}

/** Listpack: last index (scanning from the end) in range, or -1 (zzlLastInRange). */
function lpLastInRange(z: ZSet, t: RangeTest): number {
  if (!overlaps(z, t)) return -1;
  const lm = z.lm!;
  const ls = z.ls!;
  for (let i = lm.length - 1; i >= 0; i--) {
    if (t.lteMax(ls[i], lm[i])) return t.gteMin(ls[i], lm[i]) ? i : -1;
  }
  return -1;
}

/**
 * Skiplist: rank of the n-th entry in range (n ≥ 0 from the start, n < 0 from the end: −1 is the
 * last), or -1 — Redis's zslNthInRange / zslNthInLexRange.
 */
function treeNthInRange(z: ZSet, t: RangeTest, n: number): number {
  if (!overlaps(z, t)) return -1;
  const len = z.size;
  if (n >= 0) {
    const edge = z.countWhile((s, m) => !t.gteMin(s, m));
    if (edge + n >= len) return -1;
    const [m, s] = z.entryAt(edge + n);
    return t.lteMax(s, m) ? edge + n : -1;
  }
  const edge = z.countWhile((s, m) => t.lteMax(s, m));
  if (edge < -n) return -1;
  const [m, s] = z.entryAt(edge + n);
  return t.gteMin(s, m) ? edge + n : -1;
}

/**
 * Rank where ZRANGEBYSCORE / ZRANGEBYLEX (and ZRANGE BY…) start walking, given LIMIT's offset, or -1
 * when nothing is in range. The walk then goes up (or down when `reverse`) while entries stay at or
 * below the end (at or above the start when reversed).
 */
export function rangeWalkStart(z: ZSet, t: RangeTest, reverse: boolean, offset: number): number {
  if (z.isListpack) {
    const start = reverse ? lpLastInRange(z, t) : lpFirstInRange(z, t);
    if (start < 0) return -1;
    if (offset < 0) return -1; // Redis walks a negative offset until it falls off the listpack.
    const i = reverse ? start - offset : start + offset;
    return i < 0 || i >= z.size ? -1 : i;
  }
  return treeNthInRange(z, t, reverse ? -offset - 1 : offset);
}

/** First and last ranks in range for ZCOUNT / ZLEXCOUNT, or null when none is. */
export function rangeBounds(z: ZSet, t: RangeTest): [number, number] | null {
  if (z.isListpack) {
    const first = lpFirstInRange(z, t);
    if (first < 0) return null;
    const lm = z.lm!;
    const ls = z.ls!;
    let last = first;
    while (last + 1 < lm.length && t.lteMax(ls[last + 1], lm[last + 1])) last++;
    return [first, last];
  }
  const first = treeNthInRange(z, t, 0);
  if (first < 0) return null;
  const last = treeNthInRange(z, t, -1);
  return [first, last < 0 ? z.size - 1 : last];
}

/**
 * Ranks [start, end) that ZREMRANGEBYSCORE / ZREMRANGEBYLEX delete: from the first entry at or above
 * the range's start, while entries stay at or below its end.
 */
export function deleteRange(z: ZSet, t: RangeTest): [number, number] {
  let start: number;
  if (z.isListpack) {
    start = lpFirstInRange(z, t);
    if (start < 0) return [0, 0];
  } else start = z.countWhile((s, m) => !t.gteMin(s, m));
  let end = start;
  for (const c: ZCursor = z.cursor(start); c.valid && t.lteMax(c.score, c.member); c.next()) end++;
  return [start, end];
}
