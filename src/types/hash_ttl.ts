/**
 * FieldTtlIndex: the field expiration times of a `hashtable`-encoded hash (Redis keeps them in a
 * per-hash ebuckets structure). A Map gives each field's time in O(1); a binary min-heap of
 * (time, field) pairs with lazy deletion finds the earliest times for active expiry in O(log n).
 *
 * A heap entry is live only while the Map still holds the same time for its field; stale entries are
 * dropped when they reach the top, and the heap is rebuilt when they outnumber the live ones.
 */

export class FieldTtlIndex {
  /** field → absolute expire time (unix ms). */
  readonly times = new Map<string, number>();
  private heapTime: number[] = [];
  private heapField: string[] = [];

  /** Number of fields with a TTL. */
  get size(): number {
    return this.times.size;
  }

  /** The expire time of `field`, or 0 when it has none. */
  get(field: string): number {
    return this.times.get(field) ?? 0;
  }

  /** Sets (or replaces) the expire time of `field`. */
  set(field: string, when: number): void {
    if (this.times.get(field) === when) return;
    this.times.set(field, when);
    this.push(when, field);
    if (this.heapTime.length > 2 * this.times.size + 64) this.rebuild();
  }

  /** Removes the TTL of `field`; returns true when it had one. */
  delete(field: string): boolean {
    if (!this.times.delete(field)) return false;
    if (this.times.size === 0) {
      this.heapTime = [];
      this.heapField = [];
    } else if (this.heapTime.length > 2 * this.times.size + 64) this.rebuild();
    return true;
  }

  /** The earliest expire time, or 0 when no field has a TTL. */
  min(): number {
    this.dropStale();
    return this.heapTime.length === 0 ? 0 : this.heapTime[0];
  }

  /**
   * Removes and returns the field with the earliest expire time when that time is <= `now`, or
   * undefined. The field's TTL is forgotten (the caller deletes the field itself).
   */
  popDue(now: number): string | undefined {
    this.dropStale();
    if (this.heapTime.length === 0 || this.heapTime[0] > now) return undefined;
    const field = this.heapField[0];
    this.popTop();
    this.times.delete(field);
    return field;
  }

  /** A copy (for Hash.clone). */
  clone(): FieldTtlIndex {
    const c = new FieldTtlIndex();
    for (const [f, t] of this.times) c.set(f, t);
    return c;
  }

  // ---- heap ----------------------------------------------------------------------------------

  private dropStale(): void {
    const ht = this.heapTime, hf = this.heapField, times = this.times;
    while (ht.length !== 0 && times.get(hf[0]) !== ht[0]) this.popTop();
  }

  private rebuild(): void {
    const ht: number[] = [], hf: string[] = [];
    for (const [f, t] of this.times) {
      ht.push(t);
      hf.push(f);
    }
    this.heapTime = ht;
    this.heapField = hf;
    for (let i = (ht.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private push(t: number, f: string): void {
    const ht = this.heapTime, hf = this.heapField;
    let i = ht.length;
    ht.push(t);
    hf.push(f);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ht[p] <= t) break;
      ht[i] = ht[p];
      hf[i] = hf[p];
      i = p;
    }
    ht[i] = t;
    hf[i] = f;
  }

  private popTop(): void {
    const ht = this.heapTime, hf = this.heapField;
    const lastT = ht.pop()!, lastF = hf.pop()!;
    if (ht.length === 0) return;
    ht[0] = lastT;
    hf[0] = lastF;
    this.siftDown(0);
  }

  private siftDown(i: number): void {
    const ht = this.heapTime, hf = this.heapField, n = ht.length;
    const t = ht[i], f = hf[i];
    while (true) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && ht[child + 1] < ht[child]) child++;
      if (ht[child] >= t) break;
      ht[i] = ht[child];
      hf[i] = hf[child];
      i = child;
    }
    ht[i] = t;
    hf[i] = f;
  }
}
