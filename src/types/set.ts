/**
 * RSet: the set value, in Redis 8.2's three encodings with its conversion rules (t_set.c):
 *
 * - `intset`: every member a canonical 64-bit integer, at most set-max-intset-entries of them — one
 *   sorted array of numbers (bigints beyond ±2^53, so values stay exact).
 * - `listpack`: at most set-max-listpack-entries members of at most set-max-listpack-value bytes —
 *   one array of members in insertion order (deletes keep the order, like lpDelete).
 * - `hashtable`: a DenseSet (set_dense.ts): O(1) membership, sampling and a SCAN cursor.
 *
 * An intset that receives a non-integer becomes a listpack when that fits, a hashtable otherwise; an
 * intset or listpack that grows past its limits becomes a hashtable. Nothing converts back except the
 * explicit `maybeConvertToIntset` (SINTERSTORE results). Every encoding is index-addressable
 * (`memberAt`), which is what random sampling and SPOP/SRANDMEMBER use. No RESP, no I/O here.
 */
import type { RObject } from "./value.ts";
import { DenseSet } from "./set_dense.ts";
import { parseInt64 } from "../util/numbers.ts";

/** An intset value: a number when safe, a bigint beyond ±2^53 (so equal values are identical). */
export type IntVal = number | bigint;

/** The encoding thresholds (set-max-intset-entries, set-max-listpack-entries / -value). */
export interface SetLimits {
  maxIntsetEntries: number;
  maxListpackEntries: number;
  maxListpackValue: number;
}

export const INTSET = 0;
export const LISTPACK = 1;
export const HASHTABLE = 2;
export type SetEncoding = typeof INTSET | typeof LISTPACK | typeof HASHTABLE;

const ENCODING_NAMES = ["intset", "listpack", "hashtable"];

/** Redis caps intsets at 2^30 entries whatever the configuration says. */
function intsetMax(lim: SetLimits): number {
  return Math.min(lim.maxIntsetEntries, 1 << 30);
}

/** Index of `v` in the sorted array `a`, or -(insertion point) - 1 when absent. */
function intsetSearch(a: IntVal[], v: IntVal): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = a[mid];
    if (x < v) lo = mid + 1;
    else if (x > v) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

export class RSet implements RObject {
  /** The TYPE name (a prototype getter, so it costs no memory per set). */
  get type(): "set" {
    return "set";
  }
  enc: SetEncoding;
  /** intset: sorted values. */
  ints: IntVal[] | null = null;
  /** listpack: members in insertion order. */
  list: string[] | null = null;
  /** hashtable. */
  dict: DenseSet | null = null;

  constructor(enc: SetEncoding) {
    this.enc = enc;
    if (enc === INTSET) this.ints = [];
    else if (enc === LISTPACK) this.list = [];
    else this.dict = new DenseSet();
  }

  /** Redis's setTypeCreate: the encoding a new set gets from its first member and a size hint. */
  static create(first: string, sizeHint: number, lim: SetLimits): RSet {
    if (sizeHint <= lim.maxIntsetEntries && parseInt64(first) !== null) return new RSet(INTSET);
    if (sizeHint <= lim.maxListpackEntries) return new RSet(LISTPACK);
    return new RSet(HASHTABLE);
  }

  get size(): number {
    return this.enc === INTSET ? this.ints!.length : this.enc === LISTPACK ? this.list!.length : this.dict!.size;
  }

  encoding(): string {
    return ENCODING_NAMES[this.enc];
  }

  clone(): RSet {
    const s = new RSet(this.enc);
    if (this.enc === INTSET) s.ints = this.ints!.slice();
    else if (this.enc === LISTPACK) s.list = this.list!.slice();
    else s.dict = this.dict!.clone();
    return s;
  }

  /** Redis's setTypeMaybeConvert: a small encoding about to receive `sizeHint` members goes hashtable. */
  maybeConvert(sizeHint: number, lim: SetLimits): void {
    if (
      (this.enc === LISTPACK && sizeHint > lim.maxListpackEntries) ||
      (this.enc === INTSET && sizeHint > lim.maxIntsetEntries)
    ) this.toHashtable();
  }

  /** Converts to the hashtable encoding, keeping the iteration order of the members. */
  toHashtable(): void {
    if (this.enc === HASHTABLE) return;
    const d = new DenseSet();
    for (const m of this.members()) d.add(m);
    this.dict = d;
    this.ints = this.list = null;
    this.enc = HASHTABLE;
  }

  private toListpack(): void {
    this.list = this.members();
    this.ints = null;
    this.enc = LISTPACK;
  }

  /** Adds `m` (Redis's setTypeAdd with its conversions); returns true when it was not a member. */
  add(m: string, lim: SetLimits): boolean {
    if (this.enc === LISTPACK) {
      const list = this.list!;
      if (list.indexOf(m) >= 0) return false;
      if (list.length < lim.maxListpackEntries && m.length <= lim.maxListpackValue) list.push(m);
      else {
        this.toHashtable();
        this.dict!.add(m);
      }
      return true;
    }
    if (this.enc === HASHTABLE) return this.dict!.add(m);
    const ints = this.ints!;
    const v = parseInt64(m);
    if (v !== null) {
      const pos = intsetSearch(ints, v);
      if (pos >= 0) return false;
      ints.splice(-pos - 1, 0, v);
      if (ints.length > intsetMax(lim)) this.toHashtable();
      return true;
    }
    // A non-integer: listpack when it and the widest integer fit its limits, else hashtable.
    const n = ints.length;
    const widest = n === 0 ? 0 : Math.max(String(ints[0]).length, String(ints[n - 1]).length);
    if (n < lim.maxListpackEntries && m.length <= lim.maxListpackValue && widest <= lim.maxListpackValue) {
      this.toListpack();
      this.list!.push(m);
    } else {
      this.toHashtable();
      this.dict!.add(m);
    }
    return true;
  }

  /** Removes `m`; returns true when it was a member. Never converts. */
  remove(m: string): boolean {
    if (this.enc === LISTPACK) {
      const i = this.list!.indexOf(m);
      if (i < 0) return false;
      this.list!.splice(i, 1);
      return true;
    }
    if (this.enc === HASHTABLE) return this.dict!.delete(m);
    const v = parseInt64(m);
    if (v === null) return false;
    const pos = intsetSearch(this.ints!, v);
    if (pos < 0) return false;
    this.ints!.splice(pos, 1);
    return true;
  }

  has(m: string): boolean {
    if (this.enc === LISTPACK) return this.list!.indexOf(m) >= 0;
    if (this.enc === HASHTABLE) return this.dict!.has(m);
    const v = parseInt64(m);
    return v !== null && intsetSearch(this.ints!, v) >= 0;
  }

  /** The member at position `i` of the iteration order (0 ≤ i < size). */
  memberAt(i: number): string {
    if (this.enc === LISTPACK) return this.list![i];
    if (this.enc === HASHTABLE) return this.dict!.keys[i];
    return String(this.ints![i]);
  }

  /** Removes the member at position `i` of the iteration order. */
  removeAt(i: number): void {
    if (this.enc === LISTPACK) this.list!.splice(i, 1);
    else if (this.enc === HASHTABLE) this.dict!.removeAt(i);
    else this.ints!.splice(i, 1);
  }

  /** Removes the members at the given ascending positions in one pass (listpack/intset batch delete). */
  removeSortedPositions(positions: readonly number[]): void {
    if (this.enc === HASHTABLE) {
      for (let k = positions.length - 1; k >= 0; k--) this.dict!.removeAt(positions[k]);
      return;
    }
    const a: unknown[] = this.enc === LISTPACK ? this.list! : this.ints!;
    let w = 0;
    let p = 0;
    for (let r = 0; r < a.length; r++) {
      if (p < positions.length && positions[p] === r) {
        p++;
        continue;
      }
      a[w++] = a[r];
    }
    a.length = w;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.memberAt(Math.floor(Math.random() * this.size));
  }

  /** Removes and returns a uniformly random member (the set must not be empty). */
  popRandom(): string {
    const i = Math.floor(Math.random() * this.size);
    const m = this.memberAt(i);
    this.removeAt(i);
    return m;
  }

  /** Every member, in the encoding's iteration order (sorted for intsets, insertion for listpacks). */
  members(): string[] {
    if (this.enc === LISTPACK) return this.list!.slice();
    if (this.enc === HASHTABLE) return this.dict!.keys.slice();
    return this.ints!.map(String);
  }

  /**
   * Drops the spare capacity arrays keep after growing (V8 grows by half), for sets built by one
   * multi-member command.
   */
  compact(): void {
    if (this.ints !== null) this.ints = this.ints.slice();
    else if (this.list !== null) this.list = this.list.slice();
  }

  /** True when every member is a canonical 64-bit integer. */
  allIntegers(): boolean {
    if (this.enc === INTSET) return true;
    const n = this.size;
    for (let i = 0; i < n; i++) if (parseInt64(this.memberAt(i)) === null) return false;
    return true;
  }

  /**
   * Redis's maybeConvertToIntset: a set known to hold only integers becomes an intset when it is
   * small enough.
   */
  maybeConvertToIntset(lim: SetLimits): void {
    if (this.enc === INTSET || this.size > intsetMax(lim)) return;
    const ints: IntVal[] = [];
    const n = this.size;
    for (let i = 0; i < n; i++) ints.push(parseInt64(this.memberAt(i))!);
    ints.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.ints = ints;
    this.list = null;
    this.dict = null;
    this.enc = INTSET;
  }

  /**
   * One SSCAN step. The hashtable walks `count` slots below `cursor` and returns the next cursor; the
   * small encodings return every member and cursor 0, as Redis does.
   */
  scan(cursor: number, count: number, fn: (m: string) => void): number {
    if (this.enc === HASHTABLE) return this.dict!.scan(cursor, count, fn);
    const n = this.size;
    for (let i = 0; i < n; i++) fn(this.memberAt(i));
    return 0;
  }
}
