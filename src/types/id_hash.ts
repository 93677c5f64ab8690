/**
 * IdHash: a hash table from stream IDs, given as the three numbers IdIndex keys them by, to values —
 * the point lookups of a group PEL (XACK, XCLAIM, deliveries). Open addressing with linear probing:
 * the keys sit in one Int32Array (the ID's four 32-bit words per slot) and the values in one array,
 * so a lookup touches a line or two and adds no heap object per entry (a Map keyed by ID strings kept
 * a string and an entry per pending ID, and inserts cost several times more). Removal shifts the rest
 * of the probe run back instead of leaving tombstones. The table doubles past 3/4 full and halves
 * below 1/8. The hash is seeded per process, so clients choosing IDs (XADD takes explicit ones)
 * cannot line them up into one long probe run.
 */

const P32 = 4294967296;
const MIN_CAPACITY = 16;
const SEED = crypto.getRandomValues(new Int32Array(4));

// The key being looked up, as the ID's four big-endian 32-bit words (int32), set by `words`.
let w0 = 0;
let w1 = 0;
let w2 = 0;
let w3 = 0;

/** Sets w0…w3 from key (a, b, c): bytes 0–5, 6–11 and 12–15 of the ID. */
function words(a: number, b: number, c: number): void {
  const bh = Math.floor(b / P32);
  w0 = Math.floor(a / 65536) | 0;
  w1 = ((a % 65536) * 65536 + bh) | 0;
  w2 = (b - bh * P32) | 0;
  w3 = c | 0;
}

/** The slot hash of words (x0, x1, x2, x3). */
function hashWords(x0: number, x1: number, x2: number, x3: number): number {
  let h = Math.imul(x3 ^ SEED[3], 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ x2 ^ SEED[2], 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ x1 ^ SEED[1], 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ x0 ^ SEED[0], 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return h ^ (h >>> 15);
}

/** `n` empty value slots in a fast (packed) array: `new Array(n)` of a large n makes a dictionary. */
function emptySlots<V>(n: number): (V | undefined)[] {
  const a: (V | undefined)[] = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}

export class IdHash<V> {
  private keys = new Int32Array(4 * MIN_CAPACITY);
  private vals: (V | undefined)[] = emptySlots(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The slot holding the key in w0…w3, or -1. */
  private find(): number {
    const k = this.keys, vs = this.vals, m = this.mask;
    for (let i = hashWords(w0, w1, w2, w3) & m;; i = (i + 1) & m) {
      if (vs[i] === undefined) return -1;
      const p = 4 * i;
      if (k[p + 3] === w3 && k[p + 2] === w2 && k[p + 1] === w1 && k[p] === w0) return i;
    }
  }

  /** The value of key (a, b, c). */
  get(a: number, b: number, c: number): V | undefined {
    words(a, b, c);
    const i = this.find();
    return i < 0 ? undefined : this.vals[i];
  }

  /** Sets the value of key (a, b, c) (values are never undefined). */
  set(a: number, b: number, c: number, v: V): void {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.resize((this.mask + 1) * 2);
    words(a, b, c);
    this.put(v);
  }

  /** Sets the value of the key in w0…w3. */
  private put(v: V): void {
    const k = this.keys, vs = this.vals, m = this.mask;
    for (let i = hashWords(w0, w1, w2, w3) & m;; i = (i + 1) & m) {
      const p = 4 * i;
      if (vs[i] === undefined) {
        k[p] = w0;
        k[p + 1] = w1;
        k[p + 2] = w2;
        k[p + 3] = w3;
        vs[i] = v;
        this.count++;
        return;
      }
      if (k[p + 3] === w3 && k[p + 2] === w2 && k[p + 1] === w1 && k[p] === w0) {
        vs[i] = v;
        return;
      }
    }
  }

  /** Removes key (a, b, c) and returns its value. */
  take(a: number, b: number, c: number): V | undefined {
    words(a, b, c);
    let i = this.find();
    if (i < 0) return undefined;
    const k = this.keys, vs = this.vals, m = this.mask;
    const v = vs[i];
    // Backward shift: pull later members of the probe run into the hole when their home allows.
    for (let j = (i + 1) & m; vs[j] !== undefined; j = (j + 1) & m) {
      const q = 4 * j;
      const home = hashWords(k[q], k[q + 1], k[q + 2], k[q + 3]) & m;
      // The entry at j may move to i unless its home lies cyclically in (i, j].
      if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
        const p = 4 * i;
        k[p] = k[q];
        k[p + 1] = k[q + 1];
        k[p + 2] = k[q + 2];
        k[p + 3] = k[q + 3];
        vs[i] = vs[j];
        i = j;
      }
    }
    vs[i] = undefined;
    this.count--;
    const cap = this.mask + 1;
    if (cap > MIN_CAPACITY && this.count * 8 < cap) this.resize(cap / 2);
    return v;
  }

  private resize(capacity: number): void {
    const ok = this.keys, ov = this.vals;
    this.keys = new Int32Array(4 * capacity);
    this.vals = emptySlots(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < ov.length; i++) {
      const v = ov[i];
      if (v === undefined) continue;
      w0 = ok[4 * i];
      w1 = ok[4 * i + 1];
      w2 = ok[4 * i + 2];
      w3 = ok[4 * i + 3];
      this.put(v);
    }
  }
}
