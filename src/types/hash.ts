/**
 * The hash type: Redis's three encodings, with field expiration (hash field TTLs, Redis 7.4+).
 *
 * - `listpack`: the entries packed in one binary string (`lp`, see listpack.ts), insertion order.
 * - `listpackex`: the same with an expire time inside each entry (`ex`). As in Redis the entries are
 *   kept ordered by expire time: fields with a TTL first (earliest first), then the fields without one
 *   in insertion order. A listpack becomes listpackex the first time a field TTL command touches it and
 *   stays so, even when no TTL is left.
 * - `hashtable`: a HashTable (DenseDict: O(1) lookups, O(1) random sampling, SCAN cursor) plus, once a
 *   field TTL was set, a FieldTtlIndex.
 *
 * Conversion listpack(ex) → hashtable happens past `hash-max-listpack-entries` or when a field or value
 * is longer than `hash-max-listpack-value` (the caller passes both limits); it never goes back.
 *
 * Expired fields stay stored until lazily or actively deleted (callers compare expire times with the
 * command's time). Pure data: no replies, no events. A position (`find`) is a byte offset in the
 * listpack or a hashtable slot, valid until the next change.
 */
import type { RObject } from "./value.ts";
import { DenseDict } from "./dict.ts";
import { FieldTtlIndex } from "./hash_ttl.ts";
import {
  detach,
  lpConvert,
  lpField,
  lpFind,
  lpForEach,
  lpFromPairs,
  lpNext,
  lpOffsets,
  lpSplice,
  lpTtl,
  lpValue,
  lpValueIs,
} from "./listpack.ts";

/** A field, its value and its expire time (unix ms, 0 = none). */
export type HashEntryFn = (field: string, value: string, expireAt: number) => void;

/** The hashtable encoding: a DenseDict of values plus the field TTLs once any was set. */
export class HashTable extends DenseDict<string> {
  ttl: FieldTtlIndex | null = null;
}

export class Hash implements RObject {
  /** listpack / listpackex entries; null once hashtable. */
  lp: string | null;
  /** Number of listpack entries. */
  n: number;
  /** listpackex: entries carry an expire time. */
  ex = false;
  /** hashtable entries; null while listpack(ex). */
  ht: HashTable | null = null;

  /** An empty listpack hash. */
  constructor() {
    this.lp = "";
    this.n = 0;
  }

  /** A listpack hash of argv[start], argv[start + 1], … (the fields must be distinct). */
  static fromPairs(argv: readonly string[], start: number): Hash {
    const h = new Hash();
    h.lp = lpFromPairs(argv, start, false);
    h.n = (argv.length - start) >> 1;
    return h;
  }

  get type(): "hash" {
    return "hash";
  }

  encoding(): string {
    if (this.lp === null) return "hashtable";
    return this.ex ? "listpackex" : "listpack";
  }

  /** Number of fields, expired ones included (Redis's hashTypeLength(o, 0)). */
  get size(): number {
    return this.lp !== null ? this.n : this.ht!.keys.length;
  }

  /** True for the listpack and listpackex encodings. */
  get isListpack(): boolean {
    return this.lp !== null;
  }

  /** True when fields may carry TTLs (listpackex, or a hashtable with a TTL index). */
  get mayHaveTtls(): boolean {
    return this.ex || (this.ht !== null && this.ht.ttl !== null);
  }

  // ---- positions ---------------------------------------------------------------------------------

  /** The position of `field`, or -1. */
  find(field: string): number {
    const lp = this.lp;
    if (lp !== null) return lpFind(lp, field, this.ex);
    return this.ht!.index.get(field) ?? -1;
  }

  fieldAt(pos: number): string {
    return this.lp !== null ? lpField(this.lp, pos) : this.ht!.keys[pos];
  }

  valueAt(pos: number): string {
    return this.lp !== null ? lpValue(this.lp, pos) : this.ht!.vals[pos];
  }

  /** The expire time of the field at `pos` (0 = none). */
  expireAtPos(pos: number): number {
    if (this.lp !== null) return this.ex ? lpTtl(this.lp, pos) : 0;
    const ttl = this.ht!.ttl;
    return ttl === null ? 0 : ttl.get(this.ht!.keys[pos]);
  }

  /** Positions of every field, in iteration order. */
  positions(): number[] {
    if (this.lp !== null) return lpOffsets(this.lp, this.ex);
    return Array.from({ length: this.ht!.keys.length }, (_, i) => i);
  }

  /** Deletes the field at `pos`. */
  deleteAt(pos: number): void {
    const lp = this.lp;
    if (lp !== null) {
      this.lp = lpSplice(lp, pos, lpNext(lp, pos, this.ex), null, "", this.ex, 0);
      this.n--;
      return;
    }
    const ht = this.ht!;
    const field = ht.keys[pos];
    ht.removeAt(pos, field);
    if (ht.ttl !== null) ht.ttl.delete(field);
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
      if (!keepTtl && ht.ttl !== null) ht.ttl.delete(field);
      return false;
    }
    const ex = this.ex;
    const pos = lpFind(lp, field, ex);
    if (pos >= 0) {
      const t = ex ? lpTtl(lp, pos) : 0;
      const dropTtl = t !== 0 && !keepTtl;
      if (!dropTtl && lpValueIs(lp, pos, value)) return false; // same bytes: nothing to rebuild
      const end = lpNext(lp, pos, ex);
      if (dropTtl) {
        // A listpackex field losing its TTL moves to the end, after the fields that keep one.
        const rest = lpSplice(lp, pos, end, null, "", true, 0);
        this.lp = lpSplice(rest, rest.length, rest.length, field, value, true, 0);
      } else {
        this.lp = lpSplice(lp, pos, end, field, value, ex, t);
      }
      return false;
    }
    this.lp = lpSplice(lp, lp.length, lp.length, field, value, ex, 0);
    if (++this.n > maxEntries) this.toHashtable();
    return true;
  }

  /**
   * HSET's loop over argv[start…] pairs (like `set` for each, TTLs dropped). A plain listpack is
   * decoded and re-encoded once instead of once per pair. Returns the number of new fields.
   */
  setPairs(argv: readonly string[], start: number, maxEntries: number, maxValue: number): number {
    let created = 0;
    if (this.lp === null || this.ex || argv.length - start <= 2) {
      for (let i = start; i < argv.length; i += 2) {
        if (this.set(argv[i], argv[i + 1], false, maxEntries, maxValue)) created++;
      }
      return created;
    }
    const pairs: string[] = [];
    lpForEach(this.lp, false, (f, v) => {
      pairs.push(f, v);
    });
    let i = start;
    for (; i < argv.length; i += 2) {
      const f = argv[i], v = argv[i + 1];
      if (f.length > maxValue || v.length > maxValue) break;
      let j = 0;
      while (j < pairs.length && pairs[j] !== f) j += 2;
      if (j < pairs.length) pairs[j + 1] = v;
      else {
        pairs.push(f, v);
        created++;
        if (pairs.length > 2 * maxEntries) {
          i += 2;
          break;
        }
      }
    }
    this.lp = lpFromPairs(pairs, 0, false);
    this.n = pairs.length >> 1;
    if (this.n > maxEntries) this.toHashtable();
    // Whatever did not fit a listpack goes through the general path (which converts first).
    for (; i < argv.length; i += 2) if (this.set(argv[i], argv[i + 1], false, maxEntries, maxValue)) created++;
    return created;
  }

  // ---- field expiration --------------------------------------------------------------------------

  /** Makes the hash able to hold field TTLs (listpack → listpackex; a hashtable gets its index). */
  enableTtl(): void {
    if (this.lp !== null) {
      if (!this.ex) {
        this.lp = lpConvert(this.lp, false, true);
        this.ex = true;
      }
    } else if (this.ht!.ttl === null) {
      this.ht!.ttl = new FieldTtlIndex();
    }
  }

  /** Sets the expire time of the field at `pos` (`when` > 0); enableTtl() must have been called. */
  setExpireAt(pos: number, when: number): void {
    if (this.lp !== null) this.moveWithExpire(pos, when);
    else this.ht!.ttl!.set(this.ht!.keys[pos], when);
  }

  /** Removes the TTL of the field at `pos`; returns true when it had one. */
  persistAt(pos: number): boolean {
    if (this.lp !== null) {
      if (!this.ex || lpTtl(this.lp, pos) === 0) return false;
      this.moveWithExpire(pos, 0);
      return true;
    }
    const ttl = this.ht!.ttl;
    return ttl !== null && ttl.delete(this.ht!.keys[pos]);
  }

  /** True when at least one field has a TTL. */
  hasTtls(): boolean {
    return this.minExpire() !== 0;
  }

  /** The earliest field expire time, or 0 when no field has a TTL. */
  minExpire(): number {
    if (this.lp !== null) return this.ex && this.lp.length !== 0 ? lpTtl(this.lp, 0) : 0;
    const ttl = this.ht!.ttl;
    return ttl === null ? 0 : ttl.min();
  }

  /** Number of fields whose expire time is before `now` (logically expired, not yet deleted). */
  countExpired(now: number): number {
    if (this.lp !== null) {
      if (!this.ex) return 0;
      let n = 0;
      lpForEach(this.lp, true, (_f, _v, t) => {
        if (t === 0 || t >= now) return true;
        n++;
      });
      return n;
    }
    const ttl = this.ht!.ttl;
    if (ttl === null || ttl.size === 0) return 0;
    let n = 0;
    for (const t of ttl.times.values()) if (t < now) n++;
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
      if (!this.ex) return 0;
      // Expired entries are the first ones: cut them in one go.
      let end = 0;
      while (n < max && end < lp.length) {
        const t = lpTtl(lp, end);
        if (t === 0 || t > now) break;
        onExpired(lpField(lp, end));
        end = lpNext(lp, end, true);
        n++;
      }
      if (n !== 0) {
        this.lp = lpSplice(lp, 0, end, null, "", true, 0);
        this.n -= n;
      }
      return n;
    }
    const ht = this.ht!, idx = ht.ttl;
    if (idx === null) return 0;
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
   * listpackex: removes the entry at `pos` and re-inserts it with expire time `when` at its place in
   * the TTL order (Redis's listpackExUpdateExpiry): before the first entry without a TTL or with a time
   * >= `when`; an entry without a TTL goes to the end.
   */
  private moveWithExpire(pos: number, when: number): void {
    const lp = this.lp!;
    const field = lpField(lp, pos), value = lpValue(lp, pos);
    const rest = lpSplice(lp, pos, lpNext(lp, pos, true), null, "", true, 0);
    let at = rest.length;
    if (when !== 0) {
      for (let p = 0; p < rest.length; p = lpNext(rest, p, true)) {
        const t = lpTtl(rest, p);
        if (t === 0 || t >= when) {
          at = p;
          break;
        }
      }
    }
    this.lp = lpSplice(rest, at, at, field, value, true, when);
  }

  // ---- conversion, iteration, copies ---------------------------------------------------------------

  /** Converts listpack(ex) to hashtable, keeping the iteration order and the field TTLs. */
  toHashtable(): void {
    const lp = this.lp;
    if (lp === null) return;
    const ht = new HashTable();
    if (this.ex) ht.ttl = new FieldTtlIndex();
    lpForEach(lp, this.ex, (f, v, t) => {
      f = detach(f);
      ht.set(f, detach(v));
      if (t !== 0) ht.ttl!.set(f, t);
    });
    this.ht = ht;
    this.lp = null;
    this.n = 0;
    this.ex = false;
  }

  /**
   * Calls `fn` for every stored field (expired ones included), in iteration order. Listpack fields and
   * values are substrings of the listpack: `detach` (listpack.ts) the ones kept for long.
   */
  forEachEntry(fn: HashEntryFn): void {
    if (this.lp !== null) {
      lpForEach(this.lp, this.ex, fn);
      return;
    }
    const ht = this.ht!, idx = ht.ttl;
    const keys = ht.keys, vals = ht.vals;
    for (let i = 0; i < keys.length; i++) fn(keys[i], vals[i], idx === null ? 0 : idx.get(keys[i]));
  }

  /** A deep copy with the same encoding (COPY, snapshots). */
  clone(): Hash {
    const h = new Hash();
    h.lp = this.lp;
    h.n = this.n;
    h.ex = this.ex;
    if (this.ht !== null) {
      const ht = new HashTable();
      ht.keys = this.ht.keys.slice();
      ht.vals = this.ht.vals.slice();
      ht.index = this.ht.index.clone();
      if (this.ht.ttl !== null) ht.ttl = this.ht.ttl.clone();
      h.ht = ht;
    }
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
  if (entries.length > maxEntries) h.toHashtable();
  if (entries.some((e) => e[2] !== 0)) h.enableTtl();
  for (const [f, v, t] of entries) {
    h.set(f, v, false, maxEntries, maxValue);
    if (t !== 0) h.setExpireAt(h.find(f), t);
  }
  return h;
}
