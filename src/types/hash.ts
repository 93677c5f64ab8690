/**
 * The hash type: Redis's three encodings, with field expiration (hash field TTLs, Redis 7.4+).
 *
 * - `listpack`: one flat array [f0, v0, f1, v1, …] in insertion order (`lp`), no per-entry objects.
 * - `listpackex`: the same array plus one expire time per pair (`lpTtl`, 0 = none). As in Redis the
 *   pairs are kept ordered by expire time: fields with a TTL first (earliest first), then the fields
 *   without one in insertion order. A listpack becomes listpackex the first time a field TTL command
 *   touches it and stays so, even when no TTL is left.
 * - `hashtable`: a DenseDict (O(1) lookups, O(1) random sampling, SCAN cursor) plus, once a field TTL
 *   was set, a FieldTtlIndex.
 *
 * Conversion listpack(ex) → hashtable happens past `hash-max-listpack-entries` or when a field or value
 * is longer than `hash-max-listpack-value` (the caller passes both limits); it never goes back.
 *
 * Expired fields stay stored until lazily or actively deleted (callers compare expire times with the
 * command's time). This module is pure data: no replies, no events. Positions returned by `find` are
 * valid until the next mutation.
 */
import type { RObject } from "./value.ts";
import { DenseDict } from "./dict.ts";
import { FieldTtlIndex } from "./hash_ttl.ts";

/** A field, its value and its expire time (unix ms, 0 = none). */
export type HashEntryFn = (field: string, value: string, expireAt: number) => void;

export class Hash implements RObject {
  /** listpack / listpackex pairs; null once hashtable. */
  lp: string[] | null;
  /** listpackex: one expire time per pair (0 = none), ordered as described above; null otherwise. */
  lpTtl: number[] | null = null;
  /** hashtable entries; null while listpack(ex). */
  ht: DenseDict<string> | null = null;
  /** hashtable field TTLs; null until a field TTL command touched the hashtable. */
  htTtl: FieldTtlIndex | null = null;

  /** A listpack hash holding `pairs` (taken over, not copied; must have no duplicate fields). */
  constructor(pairs: string[] = []) {
    this.lp = pairs;
  }

  get type(): "hash" {
    return "hash";
  }

  encoding(): string {
    if (this.lp === null) return "hashtable";
    return this.lpTtl === null ? "listpack" : "listpackex";
  }

  /** Number of fields, expired ones included (Redis's hashTypeLength(o, 0)). */
  get size(): number {
    return this.lp !== null ? this.lp.length >> 1 : this.ht!.keys.length;
  }

  /** True for the listpack and listpackex encodings. */
  get isListpack(): boolean {
    return this.lp !== null;
  }

  // ---- positions ---------------------------------------------------------------------------------

  /** The position of `field` (index of the field in `lp`, or its hashtable slot), or -1. */
  find(field: string): number {
    const lp = this.lp;
    if (lp !== null) {
      for (let i = 0; i < lp.length; i += 2) if (lp[i] === field) return i;
      return -1;
    }
    return this.ht!.index.get(field) ?? -1;
  }

  fieldAt(pos: number): string {
    return this.lp !== null ? this.lp[pos] : this.ht!.keys[pos];
  }

  valueAt(pos: number): string {
    return this.lp !== null ? this.lp[pos + 1] : this.ht!.vals[pos];
  }

  /** The expire time of the field at `pos` (0 = none). */
  expireAtPos(pos: number): number {
    if (this.lp !== null) return this.lpTtl === null ? 0 : this.lpTtl[pos >> 1];
    return this.htTtl === null ? 0 : this.htTtl.get(this.ht!.keys[pos]);
  }

  /** Deletes the field at `pos`. */
  deleteAt(pos: number): void {
    const lp = this.lp;
    if (lp !== null) {
      lp.splice(pos, 2);
      if (this.lpTtl !== null) this.lpTtl.splice(pos >> 1, 1);
      return;
    }
    const ht = this.ht!;
    const field = ht.keys[pos];
    ht.removeAt(pos, field);
    if (this.htTtl !== null) this.htTtl.delete(field);
  }

  // ---- field access ------------------------------------------------------------------------------

  /** The stored value of `field` (expired or not), or undefined. */
  get(field: string): string | undefined {
    const pos = this.find(field);
    return pos < 0 ? undefined : this.valueAt(pos);
  }

  /** The expire time of `field`: undefined when missing, 0 when it has no TTL. */
  expireAt(field: string): number | undefined {
    const pos = this.find(field);
    return pos < 0 ? undefined : this.expireAtPos(pos);
  }

  /** Deletes `field` (expired or not); returns true when it existed. */
  delete(field: string): boolean {
    const pos = this.find(field);
    if (pos < 0) return false;
    this.deleteAt(pos);
    return true;
  }

  /**
   * Redis's hashTypeSet: sets `field` to `value`, converting to a hashtable first when either is longer
   * than `maxValue` and afterwards when the listpack holds more than `maxEntries` fields. Overwriting
   * drops the field's TTL unless `keepTtl`. Returns true when the field is new.
   */
  set(field: string, value: string, keepTtl: boolean, maxEntries: number, maxValue: number): boolean {
    if (this.lp !== null && (field.length > maxValue || value.length > maxValue)) this.toHashtable();
    const lp = this.lp;
    if (lp === null) {
      const ht = this.ht!;
      const slot = ht.index.get(field);
      if (slot === undefined) {
        ht.set(field, value);
        return true;
      }
      ht.vals[slot] = value;
      if (!keepTtl && this.htTtl !== null) this.htTtl.delete(field);
      return false;
    }
    let pos = -1;
    for (let i = 0; i < lp.length; i += 2) {
      if (lp[i] === field) {
        pos = i;
        break;
      }
    }
    if (pos >= 0) {
      lp[pos + 1] = value;
      // A listpackex field losing its TTL moves to the end, after the fields that keep one.
      if (!keepTtl && this.lpTtl !== null && this.lpTtl[pos >> 1] !== 0) this.moveWithExpire(pos, 0);
      return false;
    }
    if (this.lpTtl === null) {
      // A fresh exact-size array: push would over-allocate by 50 % on every small hash.
      this.lp = lp.concat(field, value);
    } else {
      lp.push(field, value);
      this.lpTtl.push(0);
    }
    if (this.lp.length > 2 * maxEntries) this.toHashtable();
    return true;
  }

  // ---- field expiration --------------------------------------------------------------------------

  /** Makes the hash able to hold field TTLs (listpack → listpackex; a hashtable gets its index). */
  enableTtl(): void {
    if (this.lp !== null) {
      if (this.lpTtl === null) this.lpTtl = new Array<number>(this.lp.length >> 1).fill(0);
    } else if (this.htTtl === null) {
      this.htTtl = new FieldTtlIndex();
    }
  }

  /** Sets the expire time of the field at `pos` (`when` > 0); enableTtl() must have been called. */
  setExpireAt(pos: number, when: number): void {
    if (this.lp !== null) this.moveWithExpire(pos, when);
    else this.htTtl!.set(this.ht!.keys[pos], when);
  }

  /** Removes the TTL of the field at `pos`; returns true when it had one. */
  persistAt(pos: number): boolean {
    if (this.lp !== null) {
      if (this.lpTtl === null || this.lpTtl[pos >> 1] === 0) return false;
      this.moveWithExpire(pos, 0);
      return true;
    }
    return this.htTtl !== null && this.htTtl.delete(this.ht!.keys[pos]);
  }

  /** True when at least one field has a TTL. */
  hasTtls(): boolean {
    if (this.lpTtl !== null) return this.lpTtl.length !== 0 && this.lpTtl[0] !== 0;
    return this.htTtl !== null && this.htTtl.size !== 0;
  }

  /** The earliest field expire time, or 0 when no field has a TTL. */
  minExpire(): number {
    if (this.lpTtl !== null) return this.lpTtl.length === 0 ? 0 : this.lpTtl[0];
    return this.htTtl === null ? 0 : this.htTtl.min();
  }

  /** Number of fields whose expire time is before `now` (logically expired, not yet deleted). */
  countExpired(now: number): number {
    const ttl = this.lpTtl;
    if (ttl !== null) {
      let n = 0;
      while (n < ttl.length && ttl[n] !== 0 && ttl[n] < now) n++;
      return n;
    }
    if (this.htTtl === null || this.htTtl.size === 0) return 0;
    let n = 0;
    for (const t of this.htTtl.times.values()) if (t < now) n++;
    return n;
  }

  /**
   * Deletes up to `max` fields whose expire time is <= `now`, earliest first, calling `onExpired` with
   * each deleted field. Returns the number deleted.
   */
  deleteExpired(now: number, max: number, onExpired: (field: string) => void): number {
    let n = 0;
    const lp = this.lp;
    if (lp !== null) {
      const ttl = this.lpTtl;
      if (ttl === null) return 0;
      while (n < max && n < ttl.length && ttl[n] !== 0 && ttl[n] <= now) onExpired(lp[2 * n++]);
      if (n !== 0) {
        lp.splice(0, 2 * n);
        ttl.splice(0, n);
      }
      return n;
    }
    const idx = this.htTtl;
    if (idx === null) return 0;
    const ht = this.ht!;
    while (n < max) {
      const field = idx.popDue(now);
      if (field === undefined) break;
      ht.delete(field);
      onExpired(field);
      n++;
    }
    return n;
  }

  /**
   * listpackex: removes the pair at `pos` and re-inserts it with expire time `when` at its place in the
   * TTL order (Redis's listpackExUpdateExpiry): before the first pair without a TTL or with a time >=
   * `when`; a pair without a TTL goes to the end.
   */
  private moveWithExpire(pos: number, when: number): void {
    const lp = this.lp!, ttl = this.lpTtl!;
    const field = lp[pos], value = lp[pos + 1];
    lp.splice(pos, 2);
    ttl.splice(pos >> 1, 1);
    let at = ttl.length;
    if (when !== 0) {
      for (let i = 0; i < ttl.length; i++) {
        if (ttl[i] === 0 || ttl[i] >= when) {
          at = i;
          break;
        }
      }
    }
    if (at === ttl.length) {
      lp.push(field, value);
      ttl.push(when);
    } else {
      lp.splice(2 * at, 0, field, value);
      ttl.splice(at, 0, when);
    }
  }

  // ---- conversion, iteration, copies ---------------------------------------------------------------

  /** Converts listpack(ex) to hashtable, keeping the iteration order and the field TTLs. */
  toHashtable(): void {
    const lp = this.lp;
    if (lp === null) return;
    const ht = new DenseDict<string>();
    for (let i = 0; i < lp.length; i += 2) ht.set(lp[i], lp[i + 1]);
    const ttl = this.lpTtl;
    if (ttl !== null) {
      const idx = new FieldTtlIndex();
      for (let i = 0; i < ttl.length; i++) if (ttl[i] !== 0) idx.set(lp[2 * i], ttl[i]);
      this.htTtl = idx;
    }
    this.ht = ht;
    this.lp = null;
    this.lpTtl = null;
  }

  /** Calls `fn` for every stored field (expired ones included), in iteration order. */
  forEachEntry(fn: HashEntryFn): void {
    const lp = this.lp;
    if (lp !== null) {
      const ttl = this.lpTtl;
      for (let i = 0; i < lp.length; i += 2) fn(lp[i], lp[i + 1], ttl === null ? 0 : ttl[i >> 1]);
      return;
    }
    const ht = this.ht!, idx = this.htTtl;
    const keys = ht.keys, vals = ht.vals;
    for (let i = 0; i < keys.length; i++) fn(keys[i], vals[i], idx === null ? 0 : idx.get(keys[i]));
  }

  /** A deep copy with the same encoding (COPY, snapshots). */
  clone(): Hash {
    const h = new Hash(this.lp === null ? [] : this.lp.slice());
    if (this.lpTtl !== null) h.lpTtl = this.lpTtl.slice();
    if (this.ht !== null) {
      const ht = new DenseDict<string>();
      ht.keys = this.ht.keys.slice();
      ht.vals = this.ht.vals.slice();
      ht.index = new Map(this.ht.index);
      h.ht = ht;
      h.lp = null;
    }
    if (this.htTtl !== null) h.htTtl = this.htTtl.clone();
    return h;
  }
}

/**
 * Builds a hash from field/value/expire triples as a loader would (RDB, RESTORE): listpack while the
 * limits allow, listpackex when some field has a TTL, hashtable beyond the limits.
 */
export function hashFromEntries(
  entries: readonly (readonly [string, string, number])[],
  maxEntries: number,
  maxValue: number,
): Hash {
  const h = new Hash();
  const withTtl = entries.some((e) => e[2] !== 0);
  if (entries.length > maxEntries) h.toHashtable();
  if (withTtl) h.enableTtl();
  for (const [f, v, t] of entries) {
    h.set(f, v, false, maxEntries, maxValue);
    if (t !== 0) h.setExpireAt(h.find(f), t);
  }
  return h;
}
