/**
 * SlotIndex: the string → slot map behind DenseDict (the keyspace, expires, big hashes and sorted
 * sets), kept free of long rehash pauses. A JS Map rehashes all its entries at once when it grows or
 * shrinks past a power of two: measured, one `set` that grew a million-key Map stalled for about
 * 200 ms (Redis rehashes incrementally and never does). So past SPLIT_AT entries the index splits once
 * into PARTS Maps chosen by a hash of the key, and each of them rehashes only its own share: about
 * 1 ms at a million keys.
 */

const SPLIT_AT = 16384;
const PARTS = 256;

/**
 * A hash of `key` for choosing a partition: FNV-1a over its first and last 32 characters and a sample
 * of 32 from the middle (keys usually differ near one end).
 */
export function partitionHash(key: string): number {
  const len = key.length;
  let h = 0x811c9dc5;
  if (len <= 64) {
    for (let i = 0; i < len; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  } else {
    const end = len - 32;
    const step = Math.max(1, Math.floor((end - 32) / 32));
    for (let i = 0; i < 32; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
    for (let i = 32; i < end; i += step) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
    for (let i = end; i < len; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  }
  h = Math.imul(h ^ len, 16777619);
  return (h ^ (h >>> 15)) >>> 0;
}

export class SlotIndex {
  /** The single Map while small, else null. */
  private one: Map<string, number> | null = new Map();
  /** The partitions once split, else null. */
  private parts: Map<string, number>[] | null = null;
  /** Entries (kept while split). */
  private count = 0;

  get size(): number {
    return this.one !== null ? this.one.size : this.count;
  }

  private part(key: string): Map<string, number> {
    return this.parts![partitionHash(key) & (PARTS - 1)];
  }

  get(key: string): number | undefined {
    return this.one !== null ? this.one.get(key) : this.part(key).get(key);
  }

  has(key: string): boolean {
    return this.one !== null ? this.one.has(key) : this.part(key).has(key);
  }

  set(key: string, slot: number): void {
    const one = this.one;
    if (one !== null) {
      one.set(key, slot);
      if (one.size > SPLIT_AT) this.split();
      return;
    }
    const p = this.part(key);
    const n = p.size;
    p.set(key, slot);
    this.count += p.size - n;
  }

  delete(key: string): boolean {
    if (this.one !== null) return this.one.delete(key);
    if (!this.part(key).delete(key)) return false;
    this.count--;
    return true;
  }

  /** Number of partitions (1 before the split) and the size of the largest: what one rehash can cost. */
  shape(): { parts: number; largest: number } {
    if (this.one !== null) return { parts: 1, largest: this.one.size };
    return { parts: PARTS, largest: Math.max(...this.parts!.map((p) => p.size)) };
  }

  /** An independent copy. */
  clone(): SlotIndex {
    const c = new SlotIndex();
    if (this.one !== null) c.one = new Map(this.one);
    else {
      c.one = null;
      c.parts = this.parts!.map((p) => new Map(p));
      c.count = this.count;
    }
    return c;
  }

  /** Moves the single Map's entries into the partitions (once, at SPLIT_AT entries: about 2 ms). */
  private split(): void {
    const one = this.one!;
    this.parts = Array.from({ length: PARTS }, () => new Map<string, number>());
    for (const [k, v] of one) this.part(k).set(k, v);
    this.count = one.size;
    this.one = null;
  }
}
