/**
 * The list value: Redis's two encodings and their conversion rules (t_list.c, quicklist.c, 7.2+).
 *
 * - `listpack`: the value is itself one packed node (`d`, `n`, `sz`, see list_pack.ts) — one object
 *   and one flat string per small list.
 * - `quicklist`: `ql.nodes` is a deque of packed nodes. Pushes, pops, inserts (with node splits and
 *   merges), replacements and range deletions follow quicklist.c's node rules, so node boundaries —
 *   and therefore when a shrinking list converts back to listpack — match Redis.
 *
 * Conversions mirror listTypeTryConversionRaw: growing checks run before elements are added, against
 * `list-max-listpack-size` (negative: 4/8/16/32/64 KB of listpack bytes; positive: element count with
 * an 8 KB safety limit); shrinking converts back only from a single node under half the limits.
 *
 * In both encodings `n` is the list's length. Pure data structure: no RESP, no I/O.
 */
import type { RObject } from "./value.ts";
import {
  elemLen,
  elemStart,
  entryEquals,
  LP_EMPTY_BYTES,
  lpEntryBytesAt,
  newNode,
  nodeDeleteRange,
  nodeGet,
  nodeInsert,
  nodeMerge,
  nodePopHead,
  nodePopTail,
  nodePushHead,
  nodePushTail,
  nodeReplace,
  nodeSeek,
  nodeSplitAt,
  type PackNode,
  readBackward,
  readForward,
} from "./list_pack.ts";

/** quicklist.c's optimization_level: node byte limits for fill -1 … -5. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** Byte limit of a count-limited node (SIZE_SAFETY_LIMIT). */
const SIZE_SAFETY_LIMIT = 8192;
/** Bytes added to a node's size when estimating an insertion (SIZE_ESTIMATE_OVERHEAD). */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Elements this large get a node of their own (packed_threshold, 1 GB). */
const LARGE_ELEMENT = 1 << 30;
/** quicklist's fill bounds (quicklistSetFill). */
const FILL_MAX = 32767;
const FILL_MIN = -5;

/** Byte limit for a negative fill (quicklistNodeNegFillLimit). */
function negFillLimit(fill: number): number {
  const offset = Math.min(-fill - 1, OPTIMIZATION_LEVEL.length - 1);
  return OPTIMIZATION_LEVEL[offset];
}

/** quicklistNodeExceedsLimit: would a node of `sz` bytes and `count` elements exceed `fill`? */
export function exceedsLimit(fill: number, sz: number, count: number): boolean {
  if (fill < 0) return sz > negFillLimit(fill);
  if (sz > SIZE_SAFETY_LIMIT) return true;
  return count > (fill === 0 ? 1 : fill);
}

/** _quicklistNodeAllowInsert: may an element of `len` bytes join `node`? */
function allowInsert(node: PackNode | undefined, fill: number, len: number): boolean {
  if (node === undefined || len >= LARGE_ELEMENT) return false;
  return !exceedsLimit(fill, node.sz + len + SIZE_ESTIMATE_OVERHEAD, node.n + 1);
}

/** _quicklistNodeAllowMerge. */
function allowMerge(a: PackNode | undefined, b: PackNode | undefined, fill: number): boolean {
  if (a === undefined || b === undefined) return false;
  return !exceedsLimit(fill, a.sz + b.sz - LP_EMPTY_BYTES, a.n + b.n);
}

/** The quicklist part of a list: its nodes (head first) and the fill it was created with. */
export class QuickList {
  nodes: PackNode[] = [];
  readonly fill: number;

  constructor(fill: number) {
    this.fill = fill > FILL_MAX ? FILL_MAX : fill < FILL_MIN ? FILL_MIN : fill;
  }
}

/** Receives elements as slices of a packed string: element = d[start, start + len). */
export type EntrySink = (d: string, start: number, len: number) => void;

/** Node index found by `locate`, and the element's offset inside that node. */
let locNode = 0;
let locOffset = 0;

export class ListValue implements RObject {
  /** Listpack encoding: the packed elements (unused in quicklist encoding). */
  d = "";
  /** The list's length (both encodings). */
  n = 0;
  /** Listpack encoding: Redis's lpBytes() for the elements. */
  sz = LP_EMPTY_BYTES;
  /** Quicklist encoding: the nodes; null while encoded as a listpack. */
  ql: QuickList | null = null;

  get type(): "list" {
    return "list";
  }

  encoding(): string {
    return this.ql === null ? "listpack" : "quicklist";
  }

  get length(): number {
    return this.n;
  }

  clone(): ListValue {
    const c = new ListValue();
    c.n = this.n;
    if (this.ql === null) {
      c.d = this.d;
      c.sz = this.sz;
    } else {
      c.sz = 0;
      c.ql = new QuickList(this.ql.fill);
      c.ql.nodes = this.ql.nodes.map((x) => ({ d: x.d, n: x.n, sz: x.sz }));
    }
    return c;
  }

  /** A list holding `items` (in order), encoded as Redis would after building it and converting (AUTO). */
  static from(items: readonly string[], fill: number): ListValue {
    const l = new ListValue();
    if (items.length === 0) return l;
    // Built as a quicklist by tail pushes, then converted (SORT STORE, RESTORE…).
    l.toQuicklist(fill);
    for (const s of items) l.pushTail(s);
    l.tryConvertQuicklist(fill, false);
    return l;
  }

  // ---- encoding conversions ---------------------------------------------------------------------

  /** The packed nodes in order (one, the value itself, for a listpack; none when empty). */
  nodes(): readonly PackNode[] {
    if (this.ql !== null) return this.ql.nodes;
    return this.n === 0 ? [] : [this];
  }

  /** Number of quicklist nodes (1 for a non-empty listpack). */
  get nodeCount(): number {
    return this.ql !== null ? this.ql.nodes.length : this.n === 0 ? 0 : 1;
  }

  private toQuicklist(fill: number): void {
    const ql = new QuickList(fill);
    if (this.n > 0) ql.nodes.push({ d: this.d, n: this.n, sz: this.sz });
    this.ql = ql;
    this.d = "";
    this.sz = 0;
  }

  /**
   * listTypeTryConversionAppend: before adding `addCount` elements totalling `addBytes` bytes, converts a
   * listpack that would exceed the limits to a quicklist.
   */
  growFor(fill: number, addBytes: number, addCount: number): void {
    if (this.ql === null && exceedsLimit(fill, this.sz + addBytes, this.n + addCount)) this.toQuicklist(fill);
  }

  /** listTypeTryConvertQuicklist: back to listpack when a single node is under the (halved) limits. */
  tryConvertQuicklist(fill: number, shrinking: boolean): void {
    const ql = this.ql;
    if (ql === null || ql.nodes.length !== 1) return;
    let szLimit = Infinity;
    let countLimit = 4294967295;
    if (fill >= 0) countLimit = fill === 0 ? 1 : fill;
    else szLimit = negFillLimit(fill);
    if (shrinking) {
      szLimit = Math.floor(szLimit / 2);
      countLimit = Math.floor(countLimit / 2);
    }
    const head = ql.nodes[0];
    if (head.sz > szLimit || this.n > countLimit) return;
    this.d = head.d;
    this.sz = head.sz;
    this.ql = null;
  }

  /** listTypeTryConversion(LIST_CONV_SHRINKING) after removing elements. */
  shrinkCheck(fill: number): void {
    if (this.ql !== null) this.tryConvertQuicklist(fill, true);
  }

  // ---- ends ---------------------------------------------------------------------------------------

  /** Prepends `s` (callers ran `growFor` first). */
  pushHead(s: string): void {
    const ql = this.ql;
    if (ql === null) return nodePushHead(this, s);
    const nodes = ql.nodes;
    const head = nodes[0];
    if (allowInsert(head, ql.fill, s.length)) nodePushHead(head, s);
    else {
      const node = newNode();
      nodePushHead(node, s);
      nodes.unshift(node);
    }
    this.n++;
  }

  /** Appends `s` (callers ran `growFor` first). */
  pushTail(s: string): void {
    const ql = this.ql;
    if (ql === null) return nodePushTail(this, s);
    const nodes = ql.nodes;
    const tail = nodes[nodes.length - 1];
    if (allowInsert(tail, ql.fill, s.length)) nodePushTail(tail, s);
    else {
      const node = newNode();
      nodePushTail(node, s);
      nodes.push(node);
    }
    this.n++;
  }

  /** Removes and returns the first element, or undefined when empty. */
  popHead(): string | undefined {
    if (this.n === 0) return undefined;
    const ql = this.ql;
    if (ql === null) return nodePopHead(this);
    const head = ql.nodes[0];
    const s = nodePopHead(head);
    if (head.n === 0) ql.nodes.shift();
    this.n--;
    return s;
  }

  /** Removes and returns the last element, or undefined when empty. */
  popTail(): string | undefined {
    if (this.n === 0) return undefined;
    const ql = this.ql;
    if (ql === null) return nodePopTail(this);
    const nodes = ql.nodes;
    const tail = nodes[nodes.length - 1];
    const s = nodePopTail(tail);
    if (tail.n === 0) nodes.pop();
    this.n--;
    return s;
  }

  // ---- positions ----------------------------------------------------------------------------------

  /** Finds the node of element `i` (0 <= i < n), seeking from the nearer end like quicklist. */
  private locate(i: number): PackNode {
    const ql = this.ql;
    if (ql === null) {
      locNode = 0;
      locOffset = i;
      return this;
    }
    const nodes = ql.nodes;
    if (i <= (this.n - 1) >> 1) {
      let acc = 0;
      for (let k = 0; k < nodes.length; k++) {
        const node = nodes[k];
        if (acc + node.n > i) {
          locNode = k;
          locOffset = i - acc;
          return node;
        }
        acc += node.n;
      }
    } else {
      let acc = this.n;
      for (let k = nodes.length - 1; k >= 0; k--) {
        const node = nodes[k];
        acc -= node.n;
        if (acc <= i) {
          locNode = k;
          locOffset = i - acc;
          return node;
        }
      }
    }
    throw new Error("list index out of bounds");
  }

  /** Element at index `i` (negative counts from the tail), or undefined when out of range. */
  get(i: number): string | undefined {
    if (i < 0) i += this.n;
    if (i < 0 || i >= this.n) return undefined;
    const node = this.locate(i);
    return nodeGet(node, locOffset);
  }

  /** Replaces element `i` (negative counts from the tail); false when out of range. */
  set(i: number, s: string): boolean {
    if (i < 0) i += this.n;
    if (i < 0 || i >= this.n) return false;
    const node = this.locate(i);
    nodeReplace(node, locOffset, s);
    return true;
  }

  /**
   * Inserts `s` next to the element at index `pivot` (before, or after when `after`), with quicklist's
   * _quicklistInsert rules: neighbour nodes with room, a new node, or a split followed by merges.
   */
  insertAt(pivot: number, s: string, after: boolean): void {
    const ql = this.ql;
    if (ql === null) {
      nodeInsert(this, after ? pivot + 1 : pivot, s);
      return;
    }
    const nodes = ql.nodes;
    const fill = ql.fill;
    const node = this.locate(pivot);
    const idx = locNode;
    const offset = locOffset;
    const len = s.length;
    this.n++;
    const full = !allowInsert(node, fill, len);
    const atTail = after && offset === node.n - 1;
    const atHead = !after && offset === 0;
    const availNext = atTail && allowInsert(nodes[idx + 1], fill, len);
    const availPrev = atHead && allowInsert(nodes[idx - 1], fill, len);
    if (len >= LARGE_ELEMENT) {
      // A large element lives in a node of its own (Redis's plain node).
      const single = newNode();
      nodePushTail(single, s);
      if ((atTail && after) || (atHead && !after)) nodes.splice(after ? idx + 1 : idx, 0, single);
      else {
        const right = nodeSplitAt(node, after ? offset + 1 : offset);
        nodes.splice(idx + 1, 0, single, right);
      }
      return;
    }
    if (!full) {
      nodeInsert(node, after ? offset + 1 : offset, s);
    } else if (atTail && availNext) {
      nodePushHead(nodes[idx + 1], s);
    } else if (atHead && availPrev) {
      nodePushTail(nodes[idx - 1], s);
    } else if (atTail || atHead) {
      const fresh = newNode();
      nodePushHead(fresh, s);
      nodes.splice(after ? idx + 1 : idx, 0, fresh);
    } else {
      // Split at the pivot (_quicklistSplitNode). After: the pivot's node keeps [0, offset] and a new
      // node after it takes the rest with `s` in front. Before: a new node before it takes [0, offset)
      // with `s` at its end. Then merges are tried around the pivot's node.
      if (after) {
        const right = nodeSplitAt(node, offset + 1);
        nodePushHead(right, s);
        nodes.splice(idx + 1, 0, right);
        this.mergeAround(idx);
      } else {
        const right = nodeSplitAt(node, offset);
        nodePushTail(node, s);
        nodes.splice(idx + 1, 0, right);
        this.mergeAround(idx + 1);
      }
    }
  }

  /** _quicklistMergeNodes around the node at `center`. */
  private mergeAround(center: number): void {
    const nodes = this.ql!.nodes;
    const fill = this.ql!.fill;
    let c = center;
    // (prev_prev, prev)
    if (c >= 2 && allowMerge(nodes[c - 1], nodes[c - 2], fill)) {
      nodeMerge(nodes[c - 2], nodes[c - 1]);
      nodes.splice(c - 1, 1);
      c--;
    }
    // (next, next_next)
    if (c + 2 < nodes.length && allowMerge(nodes[c + 1], nodes[c + 2], fill)) {
      nodeMerge(nodes[c + 1], nodes[c + 2]);
      nodes.splice(c + 2, 1);
    }
    // (prev, center)
    if (c >= 1 && allowMerge(nodes[c], nodes[c - 1], fill)) {
      nodeMerge(nodes[c - 1], nodes[c]);
      nodes.splice(c, 1);
      c--;
    }
    // (target, next)
    if (c + 1 < nodes.length && allowMerge(nodes[c], nodes[c + 1], fill)) {
      nodeMerge(nodes[c], nodes[c + 1]);
      nodes.splice(c + 1, 1);
    }
  }

  /** Deletes `count` elements from index `start` (0 <= start, clipped to the list), like quicklistDelRange. */
  deleteRange(start: number, count: number): void {
    if (count <= 0 || start >= this.n) return;
    if (start + count > this.n) count = this.n - start;
    const ql = this.ql;
    if (ql === null) {
      nodeDeleteRange(this, start, count);
      return;
    }
    const nodes = ql.nodes;
    this.locate(start);
    this.n -= count;
    let k = locNode;
    let left = count;
    const first = nodes[k];
    if (locOffset > 0 || left < first.n) {
      const del = Math.min(left, first.n - locOffset);
      nodeDeleteRange(first, locOffset, del);
      left -= del;
      k++;
    }
    let j = k;
    while (left > 0 && j < nodes.length && nodes[j].n <= left) left -= nodes[j++].n;
    if (j > k) nodes.splice(k, j - k);
    if (left > 0) nodeDeleteRange(nodes[k], 0, left);
  }

  /**
   * LREM: removes up to `limit` elements equal to `s` (0 = all), scanning from the head, or from the
   * tail when `fromTail`. Returns the number removed. Empty nodes are dropped (no merges), as in Redis.
   */
  removeMatches(s: string, limit: number, fromTail: boolean): number {
    const nodes = this.ql === null ? (this.n === 0 ? [] : [this as PackNode]) : this.ql.nodes;
    let removed = 0;
    const order = fromTail ? nodes.length - 1 : 0;
    for (let k = order; fromTail ? k >= 0 : k < nodes.length; fromTail ? k-- : k++) {
      const node = nodes[k];
      const r = removeInNode(node, s, limit === 0 ? 0 : limit - removed, fromTail);
      if (r === 0) continue;
      removed += r;
      if (node.n === 0 && this.ql !== null) {
        nodes.splice(k, 1);
        if (!fromTail) k--;
      }
      if (limit !== 0 && removed >= limit) break;
    }
    // A listpack is its own node: removeInNode already updated its count.
    if (this.ql !== null) this.n -= removed;
    return removed;
  }

  // ---- iteration ----------------------------------------------------------------------------------

  /**
   * Calls `sink` for elements start..end inclusive (0 <= start <= end < n), head to tail, or end..start
   * when `reverse`.
   */
  range(start: number, end: number, reverse: boolean, sink: EntrySink): void {
    let left = end - start + 1;
    if (left <= 0) return;
    const nodes = this.nodes();
    if (!reverse) {
      let node = this.locate(start);
      let k = locNode;
      let p = nodeSeek(node, locOffset);
      while (true) {
        const d = node.d;
        const stop = d.length;
        while (p < stop) {
          p = readForward(d, p);
          sink(d, elemStart, elemLen);
          if (--left === 0) return;
        }
        node = nodes[++k];
        p = 0;
      }
    } else {
      let node = this.locate(end);
      let k = locNode;
      let p = nodeSeek(node, locOffset + 1);
      while (true) {
        const d = node.d;
        while (p > 0) {
          p = readBackward(d, p);
          sink(d, elemStart, elemLen);
          if (--left === 0) return;
        }
        node = nodes[--k];
        p = node.d.length;
      }
    }
  }

  /**
   * Walks the list head to tail (or tail to head) calling `visit(d, start, len)` for each element until
   * it returns false. Used by LPOS and LINSERT's pivot search.
   */
  scan(fromTail: boolean, visit: (d: string, start: number, len: number) => boolean): void {
    const nodes = this.nodes();
    if (!fromTail) {
      for (let k = 0; k < nodes.length; k++) {
        const d = nodes[k].d;
        let p = 0;
        while (p < d.length) {
          p = readForward(d, p);
          if (!visit(d, elemStart, elemLen)) return;
        }
      }
    } else {
      for (let k = nodes.length - 1; k >= 0; k--) {
        const d = nodes[k].d;
        let p = d.length;
        while (p > 0) {
          p = readBackward(d, p);
          if (!visit(d, elemStart, elemLen)) return;
        }
      }
    }
  }

  /** Index of the first element equal to `s`, or -1. */
  indexOf(s: string): number {
    let i = 0;
    let found = -1;
    this.scan(false, (d, start, len) => {
      if (entryEquals(d, start, len, s)) {
        found = i;
        return false;
      }
      i++;
      return true;
    });
    return found;
  }

  /** All elements, head to tail. */
  toArray(): string[] {
    const out: string[] = new Array(this.n);
    let i = 0;
    if (this.n > 0) this.range(0, this.n - 1, false, (d, start, len) => out[i++] = d.slice(start, start + len));
    return out;
  }
}

/** Removes up to `limit` (0 = all) elements equal to `s` from one node; returns how many. */
function removeInNode(node: PackNode, s: string, limit: number, fromTail: boolean): number {
  const d = node.d;
  const len = s.length;
  // Collect the [from, to) spans of matching entries in the scan order.
  const spans: number[] = [];
  let removedBytes = 0;
  if (!fromTail) {
    let p = 0;
    while (p < d.length) {
      const next = readForward(d, p);
      if (elemLen === len && d.startsWith(s, elemStart)) {
        spans.push(p, next);
        if (limit !== 0 && spans.length / 2 >= limit) break;
      }
      p = next;
    }
  } else {
    let p = d.length;
    while (p > 0) {
      const start = readBackward(d, p);
      if (elemLen === len && d.startsWith(s, elemStart)) {
        spans.push(start, p);
        if (limit !== 0 && spans.length / 2 >= limit) break;
      }
      p = start;
    }
  }
  const removed = spans.length / 2;
  if (removed === 0) return 0;
  if (fromTail) {
    // Put spans in ascending order.
    const asc: number[] = [];
    for (let i = spans.length - 2; i >= 0; i -= 2) asc.push(spans[i], spans[i + 1]);
    spans.length = 0;
    spans.push(...asc);
  }
  const parts: string[] = [];
  let last = 0;
  for (let i = 0; i < spans.length; i += 2) {
    if (spans[i] > last) parts.push(d.slice(last, spans[i]));
    readForward(d, spans[i]);
    removedBytes += lpEntryBytesOf(d);
    last = spans[i + 1];
  }
  if (last < d.length) parts.push(d.slice(last));
  node.d = parts.length === 1 ? parts[0] : parts.join("");
  node.n -= removed;
  node.sz -= removedBytes;
  return removed;
}

/** Listpack bytes of the element just read (elemStart/elemLen) from `d`. */
function lpEntryBytesOf(d: string): number {
  return lpEntryBytesAt(d, elemStart, elemLen);
}
