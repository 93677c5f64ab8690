/**
 * DenseSet: the `hashtable` encoding of sets — a string set with O(1) add/delete/lookup, O(1) uniform
 * random sampling and a SCAN cursor with Redis's guarantee.
 *
 * Members live in one dense array plus a `Map<member, slot>` (DESIGN.md §2); delete swaps the last
 * member into the hole. `scan` walks slots from high to low like DenseDict.scan, so every member present
 * for the whole scan is returned at least once whatever is added or removed meanwhile.
 */

export class DenseSet {
  keys: string[] = [];
  index: Map<string, number> = new Map();

  get size(): number {
    return this.keys.length;
  }

  has(m: string): boolean {
    return this.index.has(m);
  }

  /** Adds `m`; returns true when it was not a member. */
  add(m: string): boolean {
    const index = this.index;
    if (index.has(m)) return false;
    index.set(m, this.keys.length);
    this.keys.push(m);
    return true;
  }

  /** Removes `m`; returns true when it was a member. */
  delete(m: string): boolean {
    const i = this.index.get(m);
    if (i === undefined) return false;
    this.removeAt(i);
    return true;
  }

  /** Removes the member at slot `i`. */
  removeAt(i: number): void {
    const keys = this.keys;
    this.index.delete(keys[i]);
    const last = keys.length - 1;
    if (i !== last) {
      const lk = keys[last];
      keys[i] = lk;
      this.index.set(lk, i);
    }
    keys.pop();
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.keys[Math.floor(Math.random() * this.keys.length)];
  }

  /**
   * One SCAN step: visits up to `count` slots below `cursor` (0 = start) calling `fn(member)`, returns
   * the next cursor (0 when done).
   */
  scan(cursor: number, count: number, fn: (m: string) => void): number {
    const keys = this.keys;
    let slot = cursor === 0 || cursor > keys.length ? keys.length : cursor;
    const stop = Math.max(0, slot - count);
    while (slot > stop) fn(keys[--slot]);
    return slot;
  }

  clone(): DenseSet {
    const d = new DenseSet();
    d.keys = this.keys.slice();
    d.index = new Map(this.index);
    return d;
  }
}
