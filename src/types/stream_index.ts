/**
 * IdIndex: an ordered map from stream IDs to values with O(log n) get, insert, delete and seek — the
 * pending entries lists (PELs) of consumer groups and consumers.
 *
 * A B+tree holding values in its leaves (no side Map). Keys are kept as numbers, three per ID — bytes
 * 0–5, 6–11 and 12–15 of the 16-byte big-endian ID, each exact in a double — in flat number arrays,
 * so a search compares unboxed doubles in one contiguous array per node instead of chasing a pointer
 * to a string per probe (with large PELs that pointer chase was a cache miss per comparison). IDs are
 * rebuilt as strings only for what is read out (cursors, walks). Leaves are linked both ways for range
 * walks; appending in ID order (deliveries) fills leaves completely; underfull nodes merge with a
 * sibling.
 *
 * Removal is lazy, because acknowledging a random pending entry is the hot path and a shift per removal
 * (in two trees) cost more than the search: a removed entry stays in its leaf as dead (its value
 * replaced by null, or, in a "homed" index, its value's `home` cleared) and the leaf counts it;
 * once half of a leaf is dead the leaf is compacted (and merged with a sibling when underfull). Every
 * reader skips dead entries, so a walk reads at most twice the entries it returns.
 *
 * A homed index records in each value's `home` field the leaf holding it, so `release(v)` removes v
 * without a search: a consumer PEL only counts the entry the group PEL found.
 *
 * The hot paths store only values that need no write barrier (numbers, booleans, null) into old
 * objects where they can: a barrier reads the flags in the header of the heap pages involved, one
 * more cache and TLB miss on a random leaf.
 */
import type { StreamId } from "./stream_id.ts";

const LEAF_MAX = 128;
const LEAF_MIN = 32;
/**
 * Inner nodes are wide: every node a search visits costs page walks for its objects (node, key and
 * child arrays) once the TLB is cold, and a server's TLB is cold after each syscall on machines with
 * page-table isolation and no PCID (the 2-core VM we measure on). A root of up to 2048 leaves (262k
 * entries) keeps a large PEL at two node visits instead of three.
 * Random acks over a 200k PEL with a syscall every 16 acks: 335–424 → 275–284 ns. Searches interpolate,
 * so a wide node costs one or two key lines; insertions and merges shift at most 2048 children, once
 * per leaf split or merge.
 */
const INNER_MAX = 2048;
const P32 = 4294967296;

class Leaf<V> {
  /** Keys, three numbers each. */
  k: number[] = [];
  v: V[] = [];
  prev: Leaf<V> | null = null;
  next: Leaf<V> | null = null;
  /** How many of the entries are dead (removed, not compacted away yet). */
  dead = 0;
  /** v.length, kept here so a removal reads only this object (the array is one more cache miss). */
  n = 0;
}

/** The values of a homed index: `home` is the leaf holding the value (null once removed). */
interface Homed {
  home: object | null;
}

/** Options of an IdIndex. */
export interface IdIndexOptions {
  /** Children per inner node at most (default 2048): tests use small ones to build deep trees. */
  innerMax?: number;
  /** Each value (an object with a `home` field) records its leaf there; makes `release` possible. */
  homed?: boolean;
}

/** The value of a removed entry (non-homed indexes); values are never null. */
const TOMB = null;

/** An inner node: children and their separators (three numbers per child; child 0's are unused). */
class Inner<V> {
  constructor(public k: number[], public c: Node<V>[]) {}
}

type Node<V> = Leaf<V> | Inner<V>;

// The key being searched, split by `split`.
let ka = 0;
let kb = 0;
let kc = 0;

function u32(s: string, p: number): number {
  return ((s.charCodeAt(p) << 24) | (s.charCodeAt(p + 1) << 16) | (s.charCodeAt(p + 2) << 8) | s.charCodeAt(p + 3)) >>>
    0;
}

/** Splits `id` into the search key (ka, kb, kc). */
function split(id: StreamId): void {
  ka = ((id.charCodeAt(0) << 8) | id.charCodeAt(1)) * P32 + u32(id, 2);
  kb = ((id.charCodeAt(6) << 8) | id.charCodeAt(7)) * P32 + u32(id, 8);
  kc = u32(id, 12);
}

/** The ID of key `j` of `k`. */
function idOf(k: number[], j: number): StreamId {
  const a = k[3 * j], b = k[3 * j + 1], c = k[3 * j + 2];
  const ah = Math.floor(a / P32), al = a - ah * P32;
  const bh = Math.floor(b / P32), bl = b - bh * P32;
  return String.fromCharCode(
    ah >>> 8,
    ah & 255,
    al >>> 24,
    (al >>> 16) & 255,
    (al >>> 8) & 255,
    al & 255,
    bh >>> 8,
    bh & 255,
    bl >>> 24,
    (bl >>> 16) & 255,
    (bl >>> 8) & 255,
    bl & 255,
    c >>> 24,
    (c >>> 16) & 255,
    (c >>> 8) & 255,
    c & 255,
  );
}

/** Key `j` of `k` = (a, b, c). */
function eqAt(k: number[], j: number, a: number, b: number, c: number): boolean {
  const p = 3 * j;
  return k[p] === a && k[p + 1] === b && k[p + 2] === c;
}

/** True when key `j` of `k` is below (a, b, c). */
function below(k: number[], j: number, a: number, b: number, c: number): boolean {
  const p = 3 * j;
  const x = k[p];
  if (x !== a) return x < a;
  const y = k[p + 1];
  return y !== b ? y < b : k[p + 2] < c;
}

/** 2^80: the weight of a key's first number when a key is folded into one double (interpolation). */
const P80 = 2 ** 80;

/** How far from an interpolated guess the searches step before falling back to binary search. */
const STEPS = 3;

/**
 * Whether separators bound the leaf the last descent reached on both sides, and those bounds folded
 * into doubles (key ≥ boundLo, key < boundHi): `lowerBound`, which always searches that leaf right
 * after the descent, interpolates with them. (A flag, not the leaf: storing a pointer into the module
 * scope costs a write barrier.) Any guess is safe: the search only starts there.
 */
let boundOk = false;
let boundLo = 0;
let boundHi = 0;

/**
 * First position of leaf `l` whose key is ≥ (a, b, c).
 *
 * A node's IDs are usually spread evenly (a sequence, or millisecond timestamps), so the searches
 * start where interpolating between the node's first and last keys puts the key, and step from there;
 * past STEPS places they fall back to binary search. A binary search touches five or six cache lines
 * of a node's keys, the guess one or two (random lookups in a 2M-entry PEL: 1644 ns binary, 590 ns
 * interpolated between the separators).
 */
function lowerBound<V>(l: Leaf<V>, a: number, b: number, c: number): number {
  const k = l.k;
  const n = l.n;
  let lo = 0;
  let hi = n;
  if (n > 8) {
    let g: number;
    if (boundOk) {
      // The separators around the leaf (read during the descent, so no cache miss) bound its keys:
      // no need to read its first and last keys (two more cold lines on a random lookup).
      const off = (a * P80 + b * P32 + c) - boundLo;
      const span = boundHi - boundLo;
      g = off <= 0 ? 0 : off >= span ? n - 1 : Math.min(n - 1, Math.floor((off / span) * n));
    } else {
      const last = 3 * (n - 1);
      const a0 = k[0], b0 = k[1], c0 = k[2];
      const span = (k[last] - a0) * P80 + (k[last + 1] - b0) * P32 + (k[last + 2] - c0);
      const off = (a - a0) * P80 + (b - b0) * P32 + (c - c0);
      g = off <= 0 ? 0 : off >= span ? n - 1 : Math.floor((off / span) * (n - 1));
    }
    if (below(k, g, a, b, c)) {
      lo = g + 1;
      for (let s = 0; s < STEPS && lo < n && below(k, lo, a, b, c); s++) lo++;
      if (lo >= n || !below(k, lo, a, b, c)) return lo;
    } else {
      for (let s = 0; s < STEPS && g > 0 && !below(k, g - 1, a, b, c); s++) g--;
      if (g === 0 || below(k, g - 1, a, b, c)) return g;
      hi = g;
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (below(k, mid, a, b, c)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when separator `i` of `k` is ≤ (a, b, c). */
function sepAtMost(k: number[], i: number, a: number, b: number, c: number): boolean {
  const p = 3 * i;
  const x = k[p];
  if (x !== a) return x < a;
  const y = k[p + 1];
  return y !== b ? y < b : k[p + 2] <= c;
}

/**
 * The child of `n` whose range holds (a, b, c): the last i ≥ 1 with separator ≤ key, else 0.
 * Interpolated first, like `lowerBound`.
 */
function childFor<V>(n: Inner<V>, a: number, b: number, c: number): number {
  const k = n.k;
  const m = n.c.length - 1;
  let lo = 1;
  let hi = m;
  let ans = 0;
  if (m > 8) {
    const last = 3 * m;
    const a0 = k[3], b0 = k[4], c0 = k[5];
    const span = (k[last] - a0) * P80 + (k[last + 1] - b0) * P32 + (k[last + 2] - c0);
    const off = (a - a0) * P80 + (b - b0) * P32 + (c - c0);
    let g = off <= 0 ? 1 : off >= span ? m : 1 + Math.floor((off / span) * (m - 1));
    if (sepAtMost(k, g, a, b, c)) {
      for (let s = 0; s < STEPS && g < m && sepAtMost(k, g + 1, a, b, c); s++) g++;
      if (g === m || !sepAtMost(k, g + 1, a, b, c)) return g;
      ans = g + 1;
      lo = g + 2;
    } else {
      for (let s = 0; s < STEPS && g > 1 && !sepAtMost(k, g - 1, a, b, c); s++) g--;
      if (g === 1) return 0;
      if (sepAtMost(k, g - 1, a, b, c)) return g - 1;
      hi = g - 2;
    }
  }
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sepAtMost(k, mid, a, b, c)) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Inserts key (ka, kb, kc) with value `v` at position `pos` of leaf `l`. */
function leafInsert<V>(l: Leaf<V>, pos: number, v: V, ka: number, kb: number, kc: number): void {
  const k = l.k, vs = l.v;
  const n = vs.length;
  if (pos === n) {
    k.push(ka, kb, kc);
    vs.push(v);
    return;
  }
  k.push(0, 0, 0);
  vs.push(v);
  for (let j = n; j > pos; j--) {
    vs[j] = vs[j - 1];
    k[3 * j] = k[3 * j - 3];
    k[3 * j + 1] = k[3 * j - 2];
    k[3 * j + 2] = k[3 * j - 1];
  }
  vs[pos] = v;
  k[3 * pos] = ka;
  k[3 * pos + 1] = kb;
  k[3 * pos + 2] = kc;
}

/** A position in an IdIndex, for walking its live entries in order. */
export class IdCursor<V> {
  constructor(private readonly index: IdIndex<V>, public leaf: Leaf<V> | null, public pos: number) {}

  get valid(): boolean {
    return this.leaf !== null;
  }

  get member(): StreamId {
    return idOf(this.leaf!.k, this.pos);
  }

  get value(): V {
    return this.leaf!.v[this.pos];
  }

  next(): void {
    this.pos++;
    this.forward();
  }

  prev(): void {
    this.pos--;
    this.backward();
  }

  /** Moves to the first live entry at or after the position (invalid when none). */
  forward(): void {
    let l = this.leaf;
    let p = this.pos;
    while (l !== null) {
      const vs = l.v;
      if (l.dead === 0) {
        if (p < vs.length) break;
      } else {
        while (p < vs.length && this.index.isDead(vs[p])) p++;
        if (p < vs.length) break;
      }
      l = l.next;
      p = 0;
    }
    this.leaf = l;
    this.pos = l === null ? 0 : p;
  }

  /** Moves to the last live entry at or before the position (invalid when none). */
  backward(): void {
    let l = this.leaf;
    let p = this.pos;
    while (l !== null) {
      if (p >= 0) {
        if (l.dead !== 0) { while (p >= 0 && this.index.isDead(l.v[p])) p--; }
        if (p >= 0) break;
      }
      l = l.prev;
      p = l === null ? 0 : l.v.length - 1;
    }
    this.leaf = l;
    this.pos = l === null ? 0 : p;
  }
}

export class IdIndex<V> {
  private root: Node<V>;
  /** Levels of inner nodes above the leaves (0: the root is a leaf). */
  private height = 0;
  private head: Leaf<V>;
  private tail: Leaf<V>;
  /** Live entries. */
  private count = 0;
  /** The inner nodes and child indexes of the last descent. */
  private pathN: Inner<V>[] = [];
  private pathI: number[] = [];

  /** Values record their leaf in `home`. */
  private readonly homed: boolean;
  /** Children per inner node: at most, and at least (except the root) once merging is possible. */
  private readonly innerMax: number;
  private readonly innerMin: number;

  constructor(options: IdIndexOptions = {}) {
    const l = new Leaf<V>();
    this.root = this.head = this.tail = l;
    this.homed = options.homed ?? false;
    this.innerMax = options.innerMax ?? INNER_MAX;
    this.innerMin = this.innerMax >> 2;
  }

  get size(): number {
    return this.count;
  }

  /** True when `v` is the value of a removed entry. */
  isDead(v: V): boolean {
    return v === TOMB || (this.homed && (v as Homed).home === null);
  }

  /** Records in `v` (homed indexes) that leaf `l` holds it. */
  private place(v: V, l: Leaf<V>): void {
    if (this.homed) (v as Homed).home = l;
  }

  /** The leaf that holds (or would hold) key (a, b, c), recording the path to it. */
  private descend(a: number, b: number, c: number): Leaf<V> {
    let node = this.root;
    const h = this.height;
    let lo = NaN, hi = NaN;
    for (let lv = 0; lv < h; lv++) {
      const inner = node as Inner<V>;
      const i = childFor(inner, a, b, c);
      this.pathN[lv] = inner;
      this.pathI[lv] = i;
      const k = inner.k;
      if (i > 0) lo = k[3 * i] * P80 + k[3 * i + 1] * P32 + k[3 * i + 2];
      if (i + 1 < inner.c.length) hi = k[3 * i + 3] * P80 + k[3 * i + 4] * P32 + k[3 * i + 5];
      node = inner.c[i];
    }
    // Both bounds known and apart (NaN compares false): interpolate with them.
    boundOk = hi > lo;
    boundLo = lo;
    boundHi = hi;
    return node as Leaf<V>;
  }

  /** True when (a, b, c) is above every key, live or dead (or the index is empty). */
  private afterLast(a: number, b: number, c: number): boolean {
    const t = this.tail;
    return t.v.length === 0 || below(t.k, t.v.length - 1, a, b, c);
  }

  /** The position of live key (a, b, c) in `leaf`, or -1. */
  private liveAt(leaf: Leaf<V>, a: number, b: number, c: number): number {
    const pos = lowerBound(leaf, a, b, c);
    if (pos >= leaf.v.length || !eqAt(leaf.k, pos, a, b, c)) return -1;
    return leaf.dead !== 0 && this.isDead(leaf.v[pos]) ? -1 : pos;
  }

  get(id: StreamId): V | undefined {
    split(id);
    const a = ka, b = kb, c = kc;
    // Above every key: new deliveries ask this, and it needs no lookup.
    if (this.afterLast(a, b, c)) return undefined;
    const leaf = this.descend(a, b, c);
    const pos = this.liveAt(leaf, a, b, c);
    return pos < 0 ? undefined : leaf.v[pos];
  }

  has(id: StreamId): boolean {
    return this.get(id) !== undefined;
  }

  /** Adds or replaces the value of `id`; returns the live value it replaced, if any. */
  set(id: StreamId, v: V): V | undefined {
    split(id);
    const a = ka, b = kb, c = kc;
    const t = this.tail;
    if (t.v.length < LEAF_MAX && this.afterLast(a, b, c)) {
      // Appending (deliveries come in ID order): straight into the last leaf.
      t.k.push(a, b, c);
      t.v.push(v);
      t.n++;
      this.place(v, t);
      this.count++;
      return undefined;
    }
    const leaf = this.descend(a, b, c);
    let pos = lowerBound(leaf, a, b, c);
    if (pos < leaf.v.length && eqAt(leaf.k, pos, a, b, c)) {
      const old = leaf.v[pos];
      const wasDead = this.isDead(old);
      leaf.v[pos] = v;
      this.place(v, leaf);
      if (!wasDead) return old;
      // Reviving a dead entry.
      leaf.dead--;
      this.count++;
      return undefined;
    }
    if (leaf.v.length === LEAF_MAX && leaf.dead !== 0) {
      this.squeeze(leaf);
      pos = lowerBound(leaf, a, b, c);
    }
    leafInsert(leaf, pos, v, a, b, c);
    leaf.n++;
    this.place(v, leaf);
    this.count++;
    if (leaf.v.length > LEAF_MAX) this.splitLeaf(leaf, pos);
    return undefined;
  }

  /** Removes `id`; true when it was present. */
  delete(id: StreamId): boolean {
    return this.take(id) !== undefined;
  }

  /** Removes `id` and returns its value (undefined when absent; values are never undefined). */
  take(id: StreamId): V | undefined {
    split(id);
    const a = ka, b = kb, c = kc;
    const h = this.head;
    const n = h.v.length;
    let leaf: Leaf<V>;
    let pathReady: boolean;
    if (n !== 0 && !below(h.k, n - 1, a, b, c)) {
      // In the first leaf (acknowledging the oldest pending entries is the usual order): no descent.
      leaf = h;
      boundOk = false;
      pathReady = this.height === 0;
    } else {
      if (this.afterLast(a, b, c)) return undefined;
      leaf = this.descend(a, b, c);
      pathReady = true;
    }
    const pos = this.liveAt(leaf, a, b, c);
    if (pos < 0) return undefined;
    const v = leaf.v[pos];
    leaf.v[pos] = TOMB as V;
    if (this.homed) (v as Homed).home = null;
    this.count--;
    if (++leaf.dead * 2 >= leaf.n) this.compact(leaf, pathReady);
    return v;
  }

  /** Removes the entry whose value is `v` (homed indexes; v is live here) without a search. */
  release(v: V): void {
    const leaf = (v as Homed).home as Leaf<V>;
    (v as Homed).home = null;
    this.count--;
    if (++leaf.dead * 2 >= leaf.n) this.compact(leaf, this.height === 0);
  }

  /** The smallest live ID, or undefined when empty. */
  first(): StreamId | undefined {
    if (this.count === 0) return undefined;
    const cur = new IdCursor(this, this.head, 0);
    cur.forward();
    return cur.member;
  }

  /** The largest live ID, or undefined when empty. */
  last(): StreamId | undefined {
    if (this.count === 0) return undefined;
    const t = this.tail;
    const cur = new IdCursor(this, t, t.v.length - 1);
    cur.backward();
    return cur.member;
  }

  /** A cursor on the first live ID ≥ `id` (invalid when none). */
  seekGE(id: StreamId): IdCursor<V> {
    split(id);
    const a = ka, b = kb, c = kc;
    const leaf = this.descend(a, b, c);
    const cur = new IdCursor(this, leaf, lowerBound(leaf, a, b, c));
    cur.forward();
    return cur;
  }

  /** A cursor on the last live ID ≤ `id` (invalid when none). */
  seekLE(id: StreamId): IdCursor<V> {
    split(id);
    const a = ka, b = kb, c = kc;
    const leaf = this.descend(a, b, c);
    let pos = lowerBound(leaf, a, b, c);
    if (!(pos < leaf.v.length && eqAt(leaf.k, pos, a, b, c))) pos--;
    const cur = pos >= 0
      ? new IdCursor(this, leaf, pos)
      : new IdCursor(this, leaf.prev, leaf.prev === null ? 0 : leaf.prev.v.length - 1);
    cur.backward();
    return cur;
  }

  /** Number of IDs in [lo, hi]. */
  countRange(lo: StreamId, hi: StreamId): number {
    let n = 0;
    for (const cur = this.seekGE(lo); cur.valid && cur.member <= hi; cur.next()) n++;
    return n;
  }

  /** IDs in [lo, hi] in order (at most `count` when > 0). */
  idsInRange(lo: StreamId, hi: StreamId, count = 0): StreamId[] {
    const out: StreamId[] = [];
    for (const cur = this.seekGE(lo); cur.valid; cur.next()) {
      const id = cur.member;
      if (id > hi) break;
      out.push(id);
      if (count > 0 && out.length >= count) break;
    }
    return out;
  }

  /** Every live (id, value) in ID order. */
  forEach(fn: (id: StreamId, v: V) => void): void {
    for (let l: Leaf<V> | null = this.head; l !== null; l = l.next) {
      const vs = l.v;
      for (let j = 0; j < vs.length; j++) if (l.dead === 0 || !this.isDead(vs[j])) fn(idOf(l.k, j), vs[j]);
    }
  }

  /** Drops the dead entries of `leaf` in place (no change to the tree's shape). */
  private squeeze(leaf: Leaf<V>): void {
    const k = leaf.k, vs = leaf.v, n = vs.length;
    let w = 0;
    for (let j = 0; j < n; j++) {
      const v = vs[j];
      if (this.isDead(v)) continue;
      if (w !== j) {
        vs[w] = v;
        k[3 * w] = k[3 * j];
        k[3 * w + 1] = k[3 * j + 1];
        k[3 * w + 2] = k[3 * j + 2];
      }
      w++;
    }
    vs.length = w;
    k.length = 3 * w;
    leaf.n = w;
    leaf.dead = 0;
  }

  /**
   * Drops the dead entries of `leaf`, then merges it with a sibling when underfull. `pathReady`: the
   * last descent led to this leaf (else one is made, by the leaf's first key).
   */
  private compact(leaf: Leaf<V>, pathReady: boolean): void {
    if (!pathReady) this.descend(leaf.k[0], leaf.k[1], leaf.k[2]);
    this.squeeze(leaf);
    if (this.height > 0 && leaf.v.length < LEAF_MIN) this.fixLeaf(leaf);
  }

  /**
   * Throws when the structure is inconsistent (for tests): leaf sizes and dead counts, keys in order
   * across leaves, homes of live values, and the live count.
   */
  checkInvariants(): void {
    const fail = (what: string) => {
      throw new Error(`IdIndex invariant: ${what}`);
    };
    let live = 0;
    let prev: number[] | null = null;
    for (let l: Leaf<V> | null = this.head; l !== null; l = l.next) {
      if (l.n !== l.v.length || l.k.length !== 3 * l.n) fail("leaf size");
      let dead = 0;
      for (let j = 0; j < l.n; j++) {
        const v: V = l.v[j];
        if (this.isDead(v)) dead++;
        else {
          live++;
          if (this.homed && (v as Homed).home !== l) fail("home of a live value");
        }
        const key = [l.k[3 * j], l.k[3 * j + 1], l.k[3 * j + 2]];
        if (prev !== null && !below(prev, 0, key[0], key[1], key[2])) fail("key order");
        prev = key;
      }
      if (dead !== l.dead) fail("dead count");
      if (l.next !== null && l.next.prev !== l) fail("leaf links");
    }
    if (live !== this.count) fail("live count");
  }

  // ---- structure --------------------------------------------------------------------------------------

  private splitLeaf(leaf: Leaf<V>, pos: number): void {
    const len = leaf.v.length;
    let cut = len >> 1;
    if (pos === len - 1 && leaf.next === null) cut = len - 1;
    else if (pos === 0 && leaf.prev === null) cut = 1;
    const right = new Leaf<V>();
    right.k = leaf.k.splice(3 * cut);
    right.v = leaf.v.splice(cut);
    right.n = right.v.length;
    leaf.n = leaf.v.length;
    if (this.homed) { for (const v of right.v) this.place(v, right); }
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next) leaf.next.prev = right;
    else this.tail = right;
    leaf.next = right;
    this.addSibling(this.height - 1, right, right.k[0], right.k[1], right.k[2]);
  }

  /**
   * Puts `right` (split from the child at pathI[lv] of pathN[lv]) just after that child, with
   * separator (a, b, c); grows a new root when the split node was the root (lv = −1).
   */
  private addSibling(lv: number, right: Node<V>, a: number, b: number, c: number): void {
    if (lv < 0) {
      this.root = new Inner<V>([0, 0, 0, a, b, c], [this.root, right]);
      this.height++;
      return;
    }
    const p = this.pathN[lv];
    const i = this.pathI[lv] + 1;
    p.c.splice(i, 0, right);
    p.k.splice(3 * i, 0, a, b, c);
    if (p.c.length > this.innerMax) {
      // Growing at the right end (IDs arrive in order) leaves full nodes behind, as leaves do.
      const cut = i === p.c.length - 1 ? i : p.c.length >> 1;
      const r = new Inner<V>(p.k.splice(3 * cut), p.c.splice(cut));
      this.addSibling(lv - 1, r, r.k[0], r.k[1], r.k[2]);
    }
  }

  /** Removes an empty leaf or merges an underfull one with a sibling under the same parent. */
  private fixLeaf(leaf: Leaf<V>): void {
    const lv = this.height - 1;
    const p = this.pathN[lv];
    const i = this.pathI[lv];
    if (leaf.v.length === 0) {
      this.unlinkLeaf(leaf);
      this.removeChild(lv, i);
      return;
    }
    if (i + 1 < p.c.length) {
      const r = p.c[i + 1] as Leaf<V>;
      if (r.v.length + leaf.v.length <= LEAF_MAX) {
        this.moveEntries(r, leaf);
        this.unlinkLeaf(r);
        this.removeChild(lv, i + 1);
      }
    } else if (i > 0) {
      const l = p.c[i - 1] as Leaf<V>;
      if (l.v.length + leaf.v.length <= LEAF_MAX) {
        this.moveEntries(leaf, l);
        this.unlinkLeaf(leaf);
        this.removeChild(lv, i);
      }
    }
  }

  /** Appends the entries of `from` to `to`, its left neighbour. */
  private moveEntries(from: Leaf<V>, to: Leaf<V>): void {
    for (let j = 0; j < from.v.length; j++) {
      const v = from.v[j];
      to.v.push(v);
      if (this.homed && !this.isDead(v)) (v as Homed).home = to;
    }
    for (let j = 0; j < from.k.length; j++) to.k.push(from.k[j]);
    to.dead += from.dead;
    to.n += from.n;
  }

  private unlinkLeaf(l: Leaf<V>): void {
    if (l.prev) l.prev.next = l.next;
    else this.head = l.next!;
    if (l.next) l.next.prev = l.prev;
    else this.tail = l.prev!;
    l.prev = l.next = null;
  }

  /** Removes child `i` of pathN[lv] (its entries are gone or moved), then fixes that node. */
  private removeChild(lv: number, i: number): void {
    const p = this.pathN[lv];
    p.c.splice(i, 1);
    p.k.splice(3 * i, 3);
    if (lv === 0) {
      // The root: collapse while it has a single child.
      while (this.height > 0 && (this.root as Inner<V>).c.length === 1) {
        this.root = (this.root as Inner<V>).c[0];
        this.height--;
      }
      return;
    }
    if (p.c.length >= this.innerMin) return;
    const gp = this.pathN[lv - 1];
    const gi = this.pathI[lv - 1];
    if (p.c.length === 0) {
      this.removeChild(lv - 1, gi);
      return;
    }
    if (gi + 1 < gp.c.length) {
      const r = gp.c[gi + 1] as Inner<V>;
      if (r.c.length + p.c.length <= this.innerMax) {
        this.mergeInner(p, r, gp.k, gi + 1);
        this.removeChild(lv - 1, gi + 1);
      }
    } else if (gi > 0) {
      const l = gp.c[gi - 1] as Inner<V>;
      if (l.c.length + p.c.length <= this.innerMax) {
        this.mergeInner(l, p, gp.k, gi);
        this.removeChild(lv - 1, gi);
      }
    }
  }

  /** Appends the children of `r` to `l`; `r`'s separator is entry `ri` of `sep` (their parent's). */
  private mergeInner(l: Inner<V>, r: Inner<V>, sep: number[], ri: number): void {
    for (let j = 0; j < r.c.length; j++) {
      l.c.push(r.c[j]);
      if (j === 0) l.k.push(sep[3 * ri], sep[3 * ri + 1], sep[3 * ri + 2]);
      else l.k.push(r.k[3 * j], r.k[3 * j + 1], r.k[3 * j + 2]);
    }
  }
}
