/**
 * DenseDict: a string-keyed dictionary with O(1) random sampling and a SCAN cursor.
 *
 * Entries live in dense parallel arrays plus a key → slot index (a SlotIndex: a Map that splits into
 * partitions when large, so growing never pauses long); delete swaps the last entry into the hole
 * (DESIGN.md §2). `scan` walks slots from high to low, which keeps Redis's SCAN guarantee: every
 * entry present for the whole scan is returned at least once, whatever is added or deleted meanwhile.
 */

import { SlotIndex } from "./slot_index.ts";

export class DenseDict<V> {
  keys: string[] = [];
  vals: V[] = [];
  index = new SlotIndex();

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): V | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.vals[i];
  }

  /** Sets `key`; returns true when the key is new. */
  set(key: string, val: V): boolean {
    const i = this.index.get(key);
    if (i !== undefined) {
      this.vals[i] = val;
      return false;
    }
    this.index.set(key, this.keys.length);
    this.keys.push(key);
    this.vals.push(val);
    return true;
  }

  /** Deletes `key`; returns true when it existed. */
  delete(key: string): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    this.removeAt(i, key);
    return true;
  }

  /** Removes the entry at slot `i` (whose key is `key`). */
  removeAt(i: number, key: string): void {
    this.index.delete(key);
    const last = this.keys.length - 1;
    if (i !== last) {
      const lk = this.keys[last];
      this.keys[i] = lk;
      this.vals[i] = this.vals[last];
      this.index.set(lk, i);
    }
    this.keys.pop();
    this.vals.pop();
  }

  clear(): void {
    this.keys = [];
    this.vals = [];
    this.index = new SlotIndex();
  }

  /** A uniformly random slot, or -1 when empty. */
  randomSlot(): number {
    const n = this.keys.length;
    return n === 0 ? -1 : Math.floor(Math.random() * n);
  }

  /**
   * One SCAN step: visits up to `count` slots below `cursor` (0 = start) calling `fn(key, val)`,
   * returns the next cursor (0 when done).
   */
  scan(cursor: number, count: number, fn: (key: string, val: V) => void): number {
    let slot = cursor === 0 || cursor > this.keys.length ? this.keys.length : cursor;
    const stop = Math.max(0, slot - count);
    while (slot > stop) {
      slot--;
      fn(this.keys[slot], this.vals[slot]);
    }
    return slot;
  }
}
