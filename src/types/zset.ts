/**
 * ZSet: the sorted set value, in Redis's two encodings (t_zset.c):
 *
 * - `listpack`: two parallel arrays, members and scores, sorted by (score, member) — used while the set
 *   has at most zset-max-listpack-entries entries of at most zset-max-listpack-value bytes. Like a
 *   Redis listpack it stores an integral score as an integer, so -0 becomes 0.
 * - `skiplist`: a DenseDict member → score (O(1) lookups, random sampling, SCAN cursor) plus a counted
 *   B+tree of entries (zset_tree.ts) for O(log n) rank, select-by-rank and range bounds.
 *
 * Conversion to `skiplist` happens when a threshold is crossed; the way back happens only for the
 * results of the *STORE commands (see `fromSorted`), as in Redis. No RESP, no I/O here.
 */
import type { RObject } from "./value.ts";
import { DenseDict } from "./dict.ts";
import { keyLess, type TreeCursor, ZTree } from "./zset_tree.ts";

/** The encoding thresholds (zset-max-listpack-entries / -value). */
export interface ZsetLimits {
  maxListpackEntries: number;
  maxListpackValue: number;
}

/** zsetAdd input flags. */
export const ZADD_INCR = 1;
export const ZADD_NX = 2;
export const ZADD_XX = 4;
export const ZADD_GT = 8;
export const ZADD_LT = 16;

/** zsetAdd output flags. */
export const ZADD_ADDED = 1;
export const ZADD_UPDATED = 2;
export const ZADD_NOP = 4;
export const ZADD_NAN = 8;

/** The score an `upsert` ended with (valid when it did not return ZADD_NAN). */
export const upsertResult = { score: 0 };

/** A position in a sorted set for walking entries in rank order, whatever the encoding. */
export class ZCursor {
  private tc: TreeCursor | null;
  private lm: string[] | null;
  private ls: number[] | null;
  private i: number;

  constructor(z: ZSet, rank: number) {
    if (z.lm !== null) {
      this.tc = null;
      this.lm = z.lm;
      this.ls = z.ls;
      this.i = rank < 0 || rank >= z.lm.length ? -1 : rank;
    } else {
      this.tc = z.tree!.at(rank);
      this.lm = this.ls = null;
      this.i = 0;
    }
  }

  get valid(): boolean {
    return this.tc === null ? this.i >= 0 : this.tc.valid;
  }
  get member(): string {
    return this.tc === null ? this.lm![this.i] : this.tc.member;
  }
  get score(): number {
    return this.tc === null ? this.ls![this.i] : this.tc.score;
  }
  next(): void {
    if (this.tc !== null) this.tc.next();
    else if (++this.i >= this.lm!.length) this.i = -1;
  }
  prev(): void {
    if (this.tc !== null) this.tc.prev();
    else this.i--;
  }
}

/** Listpack score storage: Redis keeps integral scores as integers, which turns -0 into 0. */
function lpScore(s: number): number {
  return s === 0 ? 0 : s;
}

export class ZSet implements RObject {
  /** The TYPE name (a prototype getter, so it costs no memory per sorted set). */
  get type(): "zset" {
    return "zset";
  }
  /** listpack encoding: members and scores in order (null in skiplist encoding). */
  lm: string[] | null = [];
  ls: number[] | null = [];
  /** skiplist encoding: member → score, and the ordered entries (null in listpack encoding). */
  dict: DenseDict<number> | null = null;
  tree: ZTree | null = null;

  /** Redis's zsetTypeCreate: listpack unless the size or first member length hint exceeds the limits. */
  static create(sizeHint: number, lenHint: number, lim: ZsetLimits): ZSet {
    const z = new ZSet();
    if (sizeHint > lim.maxListpackEntries || lenHint > lim.maxListpackValue) z.toSkiplist();
    return z;
  }

  /**
   * A sorted set from sorted, distinct entries, encoded as Redis's zsetConvertToListpackIfNeeded
   * decides for *STORE results: listpack when within both limits, skiplist otherwise.
   */
  static fromSorted(members: string[], scores: number[], lim: ZsetLimits): ZSet {
    const z = new ZSet();
    let maxLen = 0;
    for (let i = 0; i < members.length; i++) if (members[i].length > maxLen) maxLen = members[i].length;
    if (members.length <= lim.maxListpackEntries && maxLen <= lim.maxListpackValue) {
      z.lm = members;
      z.ls = scores.map(lpScore);
    } else {
      z.lm = z.ls = null;
      z.tree = ZTree.fromSorted(members, scores);
      const d = new DenseDict<number>();
      for (let i = 0; i < members.length; i++) d.set(members[i], scores[i]);
      z.dict = d;
    }
    return z;
  }

  get size(): number {
    return this.lm !== null ? this.lm.length : this.dict!.size;
  }

  get isListpack(): boolean {
    return this.lm !== null;
  }

  encoding(): string {
    return this.lm !== null ? "listpack" : "skiplist";
  }

  clone(): ZSet {
    const z = new ZSet();
    if (this.lm !== null) {
      z.lm = this.lm.slice();
      z.ls = this.ls!.slice();
    } else {
      const [m, s] = this.tree!.toArrays();
      z.lm = z.ls = null;
      z.tree = ZTree.fromSorted(m, s);
      const d = new DenseDict<number>();
      d.keys = this.dict!.keys.slice();
      d.vals = this.dict!.vals.slice();
      d.index = this.dict!.index.clone();
      z.dict = d;
    }
    return z;
  }

  /** Drops the spare capacity of the listpack arrays (after one command added many entries). */
  compact(): void {
    if (this.lm !== null) {
      this.lm = this.lm.slice();
      this.ls = this.ls!.slice();
    }
  }

  /** Converts to the skiplist encoding (no-op when already there). */
  toSkiplist(): void {
    if (this.lm === null) return;
    const m = this.lm;
    const s = this.ls!;
    const d = new DenseDict<number>();
    for (let i = 0; i < m.length; i++) d.set(m[i], s[i]);
    this.tree = ZTree.fromSorted(m, s);
    this.dict = d;
    this.lm = this.ls = null;
  }

  /** Redis's zsetTypeMaybeConvert: a listpack about to receive `sizeHint` entries converts up front. */
  maybeConvert(sizeHint: number, lim: ZsetLimits): void {
    if (this.lm !== null && sizeHint > lim.maxListpackEntries) this.toSkiplist();
  }

  /** The score of `m`, or undefined. */
  score(m: string): number | undefined {
    if (this.lm !== null) {
      const i = this.lm.indexOf(m);
      return i < 0 ? undefined : this.ls![i];
    }
    return this.dict!.get(m);
  }

  /** Index where (s, m) goes in the listpack arrays. */
  private lpInsertPos(m: string, s: number): number {
    const lm = this.lm!;
    const ls = this.ls!;
    let lo = 0;
    let hi = lm.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keyLess(ls[mid], lm[mid], s, m)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds a member known to be absent, converting the encoding when a limit would be crossed. */
  insert(m: string, s: number, lim: ZsetLimits): void {
    if (this.lm !== null) {
      if (this.lm.length + 1 <= lim.maxListpackEntries && m.length <= lim.maxListpackValue) {
        const sc = lpScore(s);
        const pos = this.lpInsertPos(m, sc);
        this.lm.splice(pos, 0, m);
        this.ls!.splice(pos, 0, sc);
        return;
      }
      this.toSkiplist();
    }
    this.dict!.set(m, s);
    this.tree!.insert(m, s);
  }

  /** Changes the score of member `m` (present with score `old`). */
  private rescore(m: string, old: number, s: number): void {
    if (this.lm !== null) {
      const i = this.lm.indexOf(m);
      this.lm.splice(i, 1);
      this.ls!.splice(i, 1);
      const sc = lpScore(s);
      const pos = this.lpInsertPos(m, sc);
      this.lm.splice(pos, 0, m);
      this.ls!.splice(pos, 0, sc);
      return;
    }
    this.tree!.delete(m, old);
    this.tree!.insert(m, s);
    this.dict!.set(m, s);
  }

  /**
   * Redis's zsetAdd: adds or updates `m` with `score` under ZADD_* input flags; returns ZADD_* output
   * flags. The resulting score is left in `upsertResult.score`.
   */
  upsert(m: string, score: number, flags: number, lim: ZsetLimits): number {
    if (score !== score) return ZADD_NAN;
    const cur = this.score(m);
    if (cur !== undefined) {
      if (flags & ZADD_NX) return ZADD_NOP;
      if (flags & ZADD_INCR) {
        score += cur;
        if (score !== score) return ZADD_NAN;
      }
      if ((flags & ZADD_LT && score >= cur) || (flags & ZADD_GT && score <= cur)) return ZADD_NOP;
      upsertResult.score = score;
      if (score !== cur) {
        this.rescore(m, cur, score);
        return ZADD_UPDATED;
      }
      return 0;
    }
    if (flags & ZADD_XX) return ZADD_NOP;
    this.insert(m, score, lim);
    upsertResult.score = score;
    return ZADD_ADDED;
  }

  /** Removes `m`; returns false when it is not a member. */
  remove(m: string): boolean {
    if (this.lm !== null) {
      const i = this.lm.indexOf(m);
      if (i < 0) return false;
      this.lm.splice(i, 1);
      this.ls!.splice(i, 1);
      return true;
    }
    const i = this.dict!.index.get(m);
    if (i === undefined) return false;
    const s = this.dict!.vals[i];
    this.dict!.removeAt(i, m);
    this.tree!.delete(m, s);
    return true;
  }

  /** 0-based rank of `m` in ascending order, or -1. */
  rank(m: string): number {
    if (this.lm !== null) return this.lm.indexOf(m);
    const s = this.dict!.get(m);
    return s === undefined ? -1 : this.tree!.rank(m, s);
  }

  /** A cursor on the entry of rank `r` (invalid when out of range). */
  cursor(r: number): ZCursor {
    return new ZCursor(this, r);
  }

  /** How many leading entries satisfy `pred` (monotone over the order: true for a prefix). */
  countWhile(pred: (s: number, m: string) => boolean): number {
    if (this.lm !== null) {
      const lm = this.lm;
      const ls = this.ls!;
      let lo = 0;
      let hi = lm.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (pred(ls[mid], lm[mid])) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    return this.tree!.countWhile(pred);
  }

  /** Member and score of rank `r` (must be in range). */
  entryAt(r: number): [string, number] {
    if (this.lm !== null) return [this.lm[r], this.ls![r]];
    const c = this.tree!.at(r);
    return [c.member, c.score];
  }

  /** A uniformly random entry (the set must not be empty). */
  randomEntry(): [string, number] {
    if (this.lm !== null) {
      const i = Math.floor(Math.random() * this.lm.length);
      return [this.lm[i], this.ls![i]];
    }
    const d = this.dict!;
    const i = d.randomSlot();
    return [d.keys[i], d.vals[i]];
  }

  /** Removes the entries of ranks [start, end) and returns their number. */
  deleteRankRange(start: number, end: number): number {
    const n = end - start;
    if (n <= 0) return 0;
    if (this.lm !== null) {
      this.lm.splice(start, n);
      this.ls!.splice(start, n);
      return n;
    }
    if (start === 0 && end === this.size) {
      this.dict = new DenseDict<number>();
      this.tree = new ZTree();
      return n;
    }
    if (n > this.size >> 2) {
      // A large share goes: rebuilding the tree from what stays is O(size) instead of O(n log size).
      const [m, s] = this.tree!.toArrays();
      for (let i = start; i < end; i++) this.dict!.delete(m[i]);
      m.splice(start, n);
      s.splice(start, n);
      this.tree = ZTree.fromSorted(m, s);
      return n;
    }
    const members: string[] = [];
    const scores: number[] = [];
    for (const c = this.tree!.at(start); c.valid && members.length < n; c.next()) {
      members.push(c.member);
      scores.push(c.score);
    }
    for (let i = 0; i < members.length; i++) {
      this.tree!.delete(members[i], scores[i]);
      this.dict!.delete(members[i]);
    }
    return n;
  }

  /**
   * Entries of ranks start..stop (inclusive, Redis-style: negative counts from the end, out-of-range
   * clipped), in descending order when `reverse` (ranks then count from the highest score).
   */
  rangeByRank(start: number, stop: number, reverse: boolean): [member: string, score: number][] {
    const len = this.size;
    if (start < 0) start += len;
    if (stop < 0) stop += len;
    if (start < 0) start = 0;
    if (start > stop || start >= len) return [];
    if (stop >= len) stop = len - 1;
    const out: [string, number][] = [];
    const c = this.cursor(reverse ? len - 1 - start : start);
    for (let n = stop - start + 1; n > 0 && c.valid; n--) {
      out.push([c.member, c.score]);
      if (reverse) c.prev();
      else c.next();
    }
    return out;
  }

  /** Calls `fn` for every entry, from the highest to the lowest (Redis's zuiNext order for zsets). */
  forEachReverse(fn: (m: string, s: number) => void): void {
    const c = this.cursor(this.size - 1);
    for (; c.valid; c.prev()) fn(c.member, c.score);
  }

  /** Calls `fn` for every entry in ascending order. */
  forEach(fn: (m: string, s: number) => void): void {
    if (this.lm !== null) {
      for (let i = 0; i < this.lm.length; i++) fn(this.lm[i], this.ls![i]);
    } else this.tree!.forEach(fn);
  }
}
