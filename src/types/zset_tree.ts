/**
 * ZTree: the ordered half of the `skiplist` encoding of sorted sets — a counted B+tree of
 * (score, member) entries, ordered by score then member bytes, with ranks.
 *
 * Leaves hold parallel arrays of members and scores (no per-entry objects) and are linked both ways
 * for range walks. Inner nodes hold their children, the entry count under each child and separator
 * keys: `sepS[i]`/`sepM[i]` (i ≥ 1) is a lower bound of child i's keys and above every key of child
 * i−1 (index 0 is unused). Insert, delete, rank and select-by-rank are O(log n); a range of k entries
 * is walked in O(log n + k). Leaves split at the ends when appending to the last leaf or prepending to
 * the first (so sequential scores fill leaves completely), in the middle otherwise; underfull nodes
 * merge with a sibling.
 */

const LEAF_MAX = 64;
const LEAF_MIN = 16;
const INNER_MAX = 64;
const INNER_MIN = 16;

/** A leaf of entries in order. */
export class Leaf {
  prev: Leaf | null = null;
  next: Leaf | null = null;
  constructor(public m: string[], public s: number[]) {}
}

/** An inner node: children with their entry counts and separator keys. */
class Inner {
  constructor(
    public kids: Node[],
    public cnt: number[],
    public sepS: number[],
    public sepM: string[],
  ) {}
}

type Node = Leaf | Inner;

/** (s1, m1) < (s2, m2) in sorted-set order. */
export function keyLess(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

function sum(a: number[]): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i];
  return t;
}

/** Entries under `n` (a leaf when `h` is 0). */
function sizeOf(n: Node, h: number): number {
  return h === 0 ? (n as Leaf).m.length : sum((n as Inner).cnt);
}

/** Index of the child of `n` whose key range holds (s, m): the last i ≥ 1 with sep[i] ≤ key, else 0. */
function childFor(n: Inner, s: number, m: string): number {
  let lo = 1;
  let hi = n.kids.length - 1;
  let ans = 0;
  const ss = n.sepS;
  const sm = n.sepM;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keyLess(s, m, ss[mid], sm[mid])) hi = mid - 1;
    else {
      ans = mid;
      lo = mid + 1;
    }
  }
  return ans;
}

/** First index of `l` whose entry is ≥ (s, m). */
function leafLowerBound(l: Leaf, s: number, m: string): number {
  let lo = 0;
  let hi = l.m.length;
  const ls = l.s;
  const lm = l.m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyLess(ls[mid], lm[mid], s, m)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A position in the tree for walking entries in order. */
export class TreeCursor {
  constructor(public leaf: Leaf | null, public pos: number) {}

  get valid(): boolean {
    return this.leaf !== null;
  }
  get member(): string {
    return this.leaf!.m[this.pos];
  }
  get score(): number {
    return this.leaf!.s[this.pos];
  }
  next(): void {
    const l = this.leaf!;
    if (++this.pos >= l.m.length) {
      this.leaf = l.next;
      this.pos = 0;
    }
  }
  prev(): void {
    if (--this.pos < 0) {
      const l = this.leaf!.prev;
      this.leaf = l;
      this.pos = l === null ? 0 : l.m.length - 1;
    }
  }
}

export class ZTree {
  root: Node;
  /** Levels of inner nodes above the leaves (0: the root is a leaf). */
  height = 0;
  head: Leaf;
  tail: Leaf;
  size = 0;
  // Reused descent path (inner nodes and child indexes per level).
  private pathN: Inner[] = [];
  private pathI: number[] = [];

  constructor() {
    const l = new Leaf([], []);
    this.root = this.head = this.tail = l;
  }

  /** A tree holding the given entries, which must be sorted and distinct. */
  static fromSorted(members: readonly string[], scores: readonly number[]): ZTree {
    const t = new ZTree();
    const n = members.length;
    if (n === 0) return t;
    const fill = (LEAF_MAX * 3) >> 2;
    let level: Node[] = [];
    let counts: number[] = [];
    let prev: Leaf | null = null;
    for (let i = 0; i < n; i += fill) {
      const l = new Leaf(members.slice(i, i + fill), scores.slice(i, i + fill));
      l.prev = prev;
      if (prev) prev.next = l;
      prev = l;
      level.push(l);
      counts.push(l.m.length);
    }
    t.head = level[0] as Leaf;
    t.tail = prev!;
    let height = 0;
    const innerFill = (INNER_MAX * 3) >> 2;
    while (level.length > 1) {
      const up: Node[] = [];
      const upCounts: number[] = [];
      for (let i = 0; i < level.length; i += innerFill) {
        const kids = level.slice(i, i + innerFill);
        const cnt = counts.slice(i, i + innerFill);
        const sepS: number[] = [];
        const sepM: string[] = [];
        for (let k = 0; k < kids.length; k++) {
          const first = ZTree.firstOf(kids[k], height);
          sepS.push(first.s[0]);
          sepM.push(first.m[0]);
        }
        up.push(new Inner(kids, cnt, sepS, sepM));
        upCounts.push(sum(cnt));
      }
      level = up;
      counts = upCounts;
      height++;
    }
    t.root = level[0];
    t.height = height;
    t.size = n;
    return t;
  }

  private static firstOf(n: Node, h: number): Leaf {
    while (h-- > 0) n = (n as Inner).kids[0];
    return n as Leaf;
  }

  /** Inserts (s, m), which must not be present. */
  insert(m: string, s: number): void {
    let node = this.root;
    const h = this.height;
    for (let lv = 0; lv < h; lv++) {
      const inner = node as Inner;
      const i = childFor(inner, s, m);
      this.pathN[lv] = inner;
      this.pathI[lv] = i;
      inner.cnt[i]++;
      node = inner.kids[i];
    }
    const leaf = node as Leaf;
    const pos = leafLowerBound(leaf, s, m);
    leaf.m.splice(pos, 0, m);
    leaf.s.splice(pos, 0, s);
    this.size++;
    if (leaf.m.length > LEAF_MAX) this.splitLeaf(leaf, pos);
  }

  private splitLeaf(leaf: Leaf, pos: number): void {
    const len = leaf.m.length;
    let cut = len >> 1;
    if (pos === len - 1 && leaf.next === null) cut = len - 1;
    else if (pos === 0 && leaf.prev === null) cut = 1;
    const right = new Leaf(leaf.m.splice(cut), leaf.s.splice(cut));
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next) leaf.next.prev = right;
    else this.tail = right;
    leaf.next = right;
    this.addSibling(this.height - 1, leaf.m.length, right, right.m.length, right.s[0], right.m[0]);
  }

  /**
   * Puts `right` (split from the child at pathI[lv] of pathN[lv], which keeps `leftCount` entries) just
   * after that child; grows a new root when the split node was the root (lv = −1).
   */
  private addSibling(lv: number, leftCount: number, right: Node, rightCount: number, sepS: number, sepM: string) {
    if (lv < 0) {
      const left = this.root;
      this.root = new Inner([left, right], [leftCount, rightCount], [0, sepS], ["", sepM]);
      this.height++;
      return;
    }
    const p = this.pathN[lv];
    const i = this.pathI[lv] + 1;
    p.cnt[i - 1] = leftCount;
    p.kids.splice(i, 0, right);
    p.cnt.splice(i, 0, rightCount);
    p.sepS.splice(i, 0, sepS);
    p.sepM.splice(i, 0, sepM);
    if (p.kids.length > INNER_MAX) {
      const cut = p.kids.length >> 1;
      const r = new Inner(p.kids.splice(cut), p.cnt.splice(cut), p.sepS.splice(cut), p.sepM.splice(cut));
      this.addSibling(lv - 1, sum(p.cnt), r, sum(r.cnt), r.sepS[0], r.sepM[0]);
    }
  }

  /** Deletes (s, m); returns false when it is not present. */
  delete(m: string, s: number): boolean {
    let node = this.root;
    const h = this.height;
    for (let lv = 0; lv < h; lv++) {
      const inner = node as Inner;
      const i = childFor(inner, s, m);
      this.pathN[lv] = inner;
      this.pathI[lv] = i;
      node = inner.kids[i];
    }
    const leaf = node as Leaf;
    const pos = leafLowerBound(leaf, s, m);
    if (pos >= leaf.m.length || leaf.m[pos] !== m || leaf.s[pos] !== s) return false;
    for (let lv = 0; lv < h; lv++) this.pathN[lv].cnt[this.pathI[lv]]--;
    leaf.m.splice(pos, 1);
    leaf.s.splice(pos, 1);
    this.size--;
    if (h > 0 && leaf.m.length < LEAF_MIN) this.fixLeaf(leaf);
    return true;
  }

  /** Removes an empty leaf or merges an underfull one with a sibling under the same parent. */
  private fixLeaf(leaf: Leaf): void {
    const lv = this.height - 1;
    const p = this.pathN[lv];
    const i = this.pathI[lv];
    if (leaf.m.length === 0) {
      this.unlinkLeaf(leaf);
      this.removeChild(lv, i);
      return;
    }
    if (i + 1 < p.kids.length) {
      const r = p.kids[i + 1] as Leaf;
      if (r.m.length + leaf.m.length <= LEAF_MAX) {
        for (let k = 0; k < r.m.length; k++) {
          leaf.m.push(r.m[k]);
          leaf.s.push(r.s[k]);
        }
        p.cnt[i] += p.cnt[i + 1];
        this.unlinkLeaf(r);
        this.removeChild(lv, i + 1);
      }
    } else if (i > 0) {
      const l = p.kids[i - 1] as Leaf;
      if (l.m.length + leaf.m.length <= LEAF_MAX) {
        for (let k = 0; k < leaf.m.length; k++) {
          l.m.push(leaf.m[k]);
          l.s.push(leaf.s[k]);
        }
        p.cnt[i - 1] += p.cnt[i];
        this.unlinkLeaf(leaf);
        this.removeChild(lv, i);
      }
    }
  }

  private unlinkLeaf(l: Leaf): void {
    if (l.prev) l.prev.next = l.next;
    else this.head = l.next!;
    if (l.next) l.next.prev = l.prev;
    else this.tail = l.prev!;
    l.prev = l.next = null;
  }

  /** Removes child `i` of pathN[lv] (its entries are gone or moved), then fixes that node. */
  private removeChild(lv: number, i: number): void {
    const p = this.pathN[lv];
    p.kids.splice(i, 1);
    p.cnt.splice(i, 1);
    p.sepS.splice(i, 1);
    p.sepM.splice(i, 1);
    if (lv === 0) {
      // The root: collapse while it has a single child.
      while (this.height > 0 && (this.root as Inner).kids.length === 1) {
        this.root = (this.root as Inner).kids[0];
        this.height--;
      }
      return;
    }
    if (p.kids.length >= INNER_MIN) return;
    const gp = this.pathN[lv - 1];
    const gi = this.pathI[lv - 1];
    if (p.kids.length === 0) {
      this.removeChild(lv - 1, gi);
      return;
    }
    if (gi + 1 < gp.kids.length) {
      const r = gp.kids[gi + 1] as Inner;
      if (r.kids.length + p.kids.length <= INNER_MAX) {
        this.mergeInner(p, r, gp.sepS[gi + 1], gp.sepM[gi + 1]);
        gp.cnt[gi] += gp.cnt[gi + 1];
        this.removeChild(lv - 1, gi + 1);
      }
    } else if (gi > 0) {
      const l = gp.kids[gi - 1] as Inner;
      if (l.kids.length + p.kids.length <= INNER_MAX) {
        this.mergeInner(l, p, gp.sepS[gi], gp.sepM[gi]);
        gp.cnt[gi - 1] += gp.cnt[gi];
        this.removeChild(lv - 1, gi);
      }
    }
  }

  /** Appends the children of `r` to `l`; (sepS, sepM) is `r`'s separator in their parent. */
  private mergeInner(l: Inner, r: Inner, sepS: number, sepM: string): void {
    for (let k = 0; k < r.kids.length; k++) {
      l.kids.push(r.kids[k]);
      l.cnt.push(r.cnt[k]);
      l.sepS.push(k === 0 ? sepS : r.sepS[k]);
      l.sepM.push(k === 0 ? sepM : r.sepM[k]);
    }
  }

  /** 0-based rank of (s, m), which must be present. */
  rank(m: string, s: number): number {
    let node = this.root;
    let r = 0;
    for (let lv = 0; lv < this.height; lv++) {
      const inner = node as Inner;
      const i = childFor(inner, s, m);
      const cnt = inner.cnt;
      for (let k = 0; k < i; k++) r += cnt[k];
      node = inner.kids[i];
    }
    return r + leafLowerBound(node as Leaf, s, m);
  }

  /** A cursor on the entry of 0-based rank `r` (invalid when out of range). */
  at(r: number): TreeCursor {
    if (r < 0 || r >= this.size) return new TreeCursor(null, 0);
    let node = this.root;
    for (let lv = 0; lv < this.height; lv++) {
      const inner = node as Inner;
      const cnt = inner.cnt;
      let i = 0;
      while (r >= cnt[i]) r -= cnt[i++];
      node = inner.kids[i];
    }
    return new TreeCursor(node as Leaf, r);
  }

  /**
   * How many leading entries satisfy `pred`, which must hold for a prefix of the key order (e.g.
   * "score < x"). O(log n).
   */
  countWhile(pred: (s: number, m: string) => boolean): number {
    let node = this.root;
    let r = 0;
    for (let lv = 0; lv < this.height; lv++) {
      const inner = node as Inner;
      let lo = 1;
      let hi = inner.kids.length - 1;
      let i = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (pred(inner.sepS[mid], inner.sepM[mid])) {
          i = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let k = 0; k < i; k++) r += inner.cnt[k];
      node = inner.kids[i];
    }
    const leaf = node as Leaf;
    let lo = 0;
    let hi = leaf.m.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(leaf.s[mid], leaf.m[mid])) lo = mid + 1;
      else hi = mid;
    }
    return r + lo;
  }

  /** Calls `fn` for every entry in order. */
  forEach(fn: (m: string, s: number) => void): void {
    for (let l: Leaf | null = this.head; l !== null; l = l.next) {
      for (let i = 0; i < l.m.length; i++) fn(l.m[i], l.s[i]);
    }
  }

  /** All entries in order, as parallel arrays. */
  toArrays(): [string[], number[]] {
    const m: string[] = [];
    const s: number[] = [];
    for (let l: Leaf | null = this.head; l !== null; l = l.next) {
      for (let i = 0; i < l.m.length; i++) {
        m.push(l.m[i]);
        s.push(l.s[i]);
      }
    }
    return [m, s];
  }

  /** Checks the structure's invariants (tests); throws on the first violation. */
  check(): void {
    let count = 0;
    let prevS = -Infinity;
    let prevM: string | null = null;
    for (let l: Leaf | null = this.head; l !== null; l = l.next) {
      if (l !== this.root && l.m.length === 0) throw new Error("empty leaf");
      for (let i = 0; i < l.m.length; i++) {
        if (prevM !== null && !keyLess(prevS, prevM, l.s[i], l.m[i])) throw new Error("order");
        prevS = l.s[i];
        prevM = l.m[i];
        count++;
      }
      if (l.next && l.next.prev !== l) throw new Error("links");
    }
    if (count !== this.size) throw new Error(`size ${this.size} != ${count}`);
    const walk = (n: Node, h: number, lo: [number, string] | null): number => {
      if (h === 0) {
        const l = n as Leaf;
        if (lo && l.m.length && keyLess(l.s[0], l.m[0], lo[0], lo[1])) throw new Error("separator");
        return l.m.length;
      }
      const inner = n as Inner;
      let t = 0;
      for (let i = 0; i < inner.kids.length; i++) {
        const sub = walk(inner.kids[i], h - 1, i === 0 ? lo : [inner.sepS[i], inner.sepM[i]]);
        if (sub !== inner.cnt[i]) throw new Error("count");
        t += sub;
      }
      return t;
    };
    if (walk(this.root, this.height, null) !== this.size) throw new Error("root count");
    if (sizeOf(this.root, this.height) !== this.size) throw new Error("root size");
  }
}
