/**
 * Packed list nodes: the compact storage of list elements, and Redis's listpack size accounting.
 *
 * A node holds its elements in ONE binary string, each entry laid out as
 * `varint(len) bytes reverse(varint(len))`, so it can be walked from either end (the trailing length
 * plays the role of listpack's backlen). One flat string per node costs ~2 bytes of overhead per short
 * element, against ~40 for an array of JS strings (measured: 5-element lists take 83 vs 290 bytes).
 *
 * `sz` mirrors what Redis's `lpBytes()` would report for the same elements (integer encodings, string
 * headers, backlen bytes, 7 bytes of header and terminator): the encoding conversions (listpack ⇄
 * quicklist) and quicklist node splits are decided from it, exactly as Redis decides them.
 *
 * Strings are rebuilt flat (a join, ~60 ns) while a node is small; past FLAT_LIMIT chars pushes
 * concatenate ropes (O(1)), flattened every FLATTEN_EVERY pushes so a node never keeps a long rope.
 */

/** A packed node: entries, element count and Redis's listpack byte size. */
export interface PackNode {
  d: string;
  n: number;
  sz: number;
}

/** lpBytes() of an empty listpack (6 header bytes + the terminator). */
export const LP_EMPTY_BYTES = 7;

/** Strings up to this length are built flat; longer ones as ropes. */
const FLAT_LIMIT = 1024;

const joiner: string[] = ["", ""];
const joiner3: string[] = ["", "", ""];

/** Pushes onto a large node between two flattenings (bounds the rope a node can accumulate). */
const FLATTEN_EVERY = 64;

/**
 * A flat copy of `d` (V8 keeps `a + b` as a rope — ~56 bytes per push — until the string is read;
 * slicing a rope flattens it into one sequential string, the slice then points into that).
 */
export function flatten(d: string): string {
  return (" " + d).slice(1);
}

/** a + b as a flat string when small (V8 would otherwise keep a rope of every push). */
export function cat(a: string, b: string): string {
  const len = a.length + b.length;
  if (len < 13 || len > FLAT_LIMIT || a.length === 0 || b.length === 0) return a + b;
  joiner[0] = a;
  joiner[1] = b;
  const r = joiner.join("");
  joiner[0] = joiner[1] = "";
  return r;
}

/** a + b + c, flat when small. */
export function cat3(a: string, b: string, c: string): string {
  const len = a.length + b.length + c.length;
  if (len < 13 || len > FLAT_LIMIT) return a + b + c;
  joiner3[0] = a;
  joiner3[1] = b;
  joiner3[2] = c;
  const r = joiner3.join("");
  joiner3[0] = joiner3[1] = joiner3[2] = "";
  return r;
}

// ---- entry layout ---------------------------------------------------------------------------------

/** Chars taken by the length varint of an element of `len` bytes. */
export function varintLen(len: number): number {
  return len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
}

/** The packed entry of `s`: header, bytes, trailer. */
export function encodeEntry(s: string): string {
  const len = s.length;
  if (len < 0x80) {
    const h = String.fromCharCode(len);
    return len + 2 < 13 ? h + s + h : cat3(h, s, h);
  }
  let head = "";
  let tail = "";
  let v = len;
  while (true) {
    const low = v & 0x7f;
    v = Math.floor(v / 128);
    const ch = String.fromCharCode(v > 0 ? low | 0x80 : low);
    head += ch;
    tail = ch + tail;
    if (v === 0) break;
  }
  return cat3(head, s, tail);
}

/** Start of the element read by the last `readForward`/`readBackward`. */
export let elemStart = 0;
/** Length of the element read by the last `readForward`/`readBackward`. */
export let elemLen = 0;

/** Reads the entry at `pos` (its header); sets elemStart/elemLen and returns the next entry's offset. */
export function readForward(d: string, pos: number): number {
  let c = d.charCodeAt(pos);
  if (c < 0x80) {
    elemStart = pos + 1;
    elemLen = c;
    return pos + c + 2;
  }
  let len = 0;
  let mul = 1;
  let p = pos;
  while (true) {
    c = d.charCodeAt(p++);
    len += (c & 0x7f) * mul;
    mul *= 128;
    if (c < 0x80) break;
  }
  const hl = p - pos;
  elemStart = p;
  elemLen = len;
  return p + len + hl;
}

/** Reads the entry ending at `end` (exclusive); sets elemStart/elemLen and returns the entry's start. */
export function readBackward(d: string, end: number): number {
  let c = d.charCodeAt(end - 1);
  if (c < 0x80) {
    elemStart = end - 1 - c;
    elemLen = c;
    return end - c - 2;
  }
  let len = 0;
  let mul = 1;
  let p = end;
  while (true) {
    c = d.charCodeAt(--p);
    len += (c & 0x7f) * mul;
    mul *= 128;
    if (c < 0x80) break;
  }
  const hl = end - p;
  elemStart = p - len;
  elemLen = len;
  return p - len - hl;
}

// ---- listpack size accounting ---------------------------------------------------------------------

/**
 * Bytes of a listpack integer encoding for the element d[start, start+len) when it is a canonical
 * 64-bit integer (lpStringToInt64: no sign '+', no leading zeros, at most 20 chars), else 0.
 */
function intEncodingBytes(d: string, start: number, len: number): number {
  if (len === 0 || len > 20) return 0;
  let i = start;
  const end = start + len;
  let c = d.charCodeAt(i);
  if (len === 1 && c === 48) return 1;
  let neg = false;
  if (c === 45) {
    neg = true;
    if (++i === end) return 0;
    c = d.charCodeAt(i);
  }
  if (c < 49 || c > 57) return 0;
  const digits = end - i;
  if (digits > 19) return 0;
  let v = 0;
  for (let j = i; j < end; j++) {
    c = d.charCodeAt(j);
    if (c < 48 || c > 57) return 0;
    if (digits <= 15) v = v * 10 + (c - 48);
  }
  if (digits === 19) {
    // Compare against 2^63 - 1 (or 2^63 for negatives) textually.
    const limit = neg ? "9223372036854775808" : "9223372036854775807";
    const text = d.slice(i, end);
    if (text > limit) return 0;
    return 9;
  }
  if (digits > 10) return 9;
  if (neg) v = -v;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** Bytes of listpack's backlen field for an entry of `l` bytes (lpEncodeBacklenBytes). */
function backlenBytes(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Bytes a listpack entry takes for the element d[start, start+len) (as lpInsert would encode it). */
export function lpEntryBytesAt(d: string, start: number, len: number): number {
  const ib = intEncodingBytes(d, start, len);
  if (ib !== 0) return ib + 1;
  const enc = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
  return enc + backlenBytes(enc);
}

/** Bytes a listpack entry takes for element `s`. */
export function lpEntryBytes(s: string): number {
  return lpEntryBytesAt(s, 0, s.length);
}

// ---- node operations ------------------------------------------------------------------------------

/** A fresh empty node. */
export function newNode(): PackNode {
  return { d: "", n: 0, sz: LP_EMPTY_BYTES };
}

/** Prepends element `s`. */
export function nodePushHead(node: PackNode, s: string): void {
  node.d = cat(encodeEntry(s), node.d);
  if ((++node.n & (FLATTEN_EVERY - 1)) === 0 && node.d.length > FLAT_LIMIT) node.d = flatten(node.d);
  node.sz += lpEntryBytes(s);
}

/** Appends element `s`. */
export function nodePushTail(node: PackNode, s: string): void {
  node.d = cat(node.d, encodeEntry(s));
  if ((++node.n & (FLATTEN_EVERY - 1)) === 0 && node.d.length > FLAT_LIMIT) node.d = flatten(node.d);
  node.sz += lpEntryBytes(s);
}

/**
 * d[from, to) for what stays of a node after a pop. Short remainders are copied so that a list that
 * shrank does not keep its former (up to 64 KB) string alive through a V8 sliced string.
 */
function rest(d: string, from: number, to: number): string {
  if (from === to) return "";
  const s = d.slice(from, to);
  return to - from <= 64 ? flatten(s) : s;
}

/** Removes and returns the first element (the node must not be empty). */
export function nodePopHead(node: PackNode): string {
  const d = node.d;
  const next = readForward(d, 0);
  const s = d.slice(elemStart, elemStart + elemLen);
  node.sz -= lpEntryBytesAt(d, elemStart, elemLen);
  node.d = rest(d, next, d.length);
  node.n--;
  return s;
}

/** Removes and returns the last element (the node must not be empty). */
export function nodePopTail(node: PackNode): string {
  const d = node.d;
  const start = readBackward(d, d.length);
  const s = d.slice(elemStart, elemStart + elemLen);
  node.sz -= lpEntryBytesAt(d, elemStart, elemLen);
  node.d = rest(d, 0, start);
  node.n--;
  return s;
}

/** Char offset of the entry of element `i` (0 <= i <= n; i = n gives the end), walking from the nearer end. */
export function nodeSeek(node: PackNode, i: number): number {
  const d = node.d;
  if (i <= node.n >> 1) {
    let p = 0;
    for (let k = 0; k < i; k++) p = readForward(d, p);
    return p;
  }
  let p = d.length;
  for (let k = node.n; k > i; k--) p = readBackward(d, p);
  return p;
}

/** Element `i` of the node (0 <= i < n). */
export function nodeGet(node: PackNode, i: number): string {
  const d = node.d;
  readForward(d, nodeSeek(node, i));
  return d.slice(elemStart, elemStart + elemLen);
}

/** Replaces element `i` (0 <= i < n) with `s`. */
export function nodeReplace(node: PackNode, i: number, s: string): void {
  const d = node.d;
  const pos = nodeSeek(node, i);
  const next = readForward(d, pos);
  node.sz += lpEntryBytes(s) - lpEntryBytesAt(d, elemStart, elemLen);
  node.d = cat3(d.slice(0, pos), encodeEntry(s), d.slice(next));
}

/** Inserts `s` so that it becomes element `i` (0 <= i <= n). */
export function nodeInsert(node: PackNode, i: number, s: string): void {
  if (i === 0) return nodePushHead(node, s);
  if (i === node.n) return nodePushTail(node, s);
  const d = node.d;
  const pos = nodeSeek(node, i);
  node.d = cat3(d.slice(0, pos), encodeEntry(s), d.slice(pos));
  node.n++;
  node.sz += lpEntryBytes(s);
}

/** Bytes (Redis's accounting) of the entries in d[from, to). */
export function entriesBytes(d: string, from: number, to: number): number {
  let bytes = 0;
  let p = from;
  while (p < to) {
    p = readForward(d, p);
    bytes += lpEntryBytesAt(d, elemStart, elemLen);
  }
  return bytes;
}

/** Deletes `count` elements starting at element `start` (the range must be inside the node). */
export function nodeDeleteRange(node: PackNode, start: number, count: number): void {
  if (count <= 0) return;
  if (count >= node.n) {
    node.d = "";
    node.n = 0;
    node.sz = LP_EMPTY_BYTES;
    return;
  }
  const d = node.d;
  const from = nodeSeek(node, start);
  let to = from;
  for (let k = 0; k < count; k++) to = readForward(d, to);
  node.sz -= entriesBytes(d, from, to);
  node.d = from === 0 ? d.slice(to) : to === d.length ? d.slice(0, from) : cat(d.slice(0, from), d.slice(to));
  node.n -= count;
}

/**
 * Splits off the elements from index `at` to the end into a new node (Redis's _quicklistSplitNode
 * with its two halves); the input node keeps [0, at).
 */
export function nodeSplitAt(node: PackNode, at: number): PackNode {
  const d = node.d;
  const pos = nodeSeek(node, at);
  const moved = entriesBytes(d, pos, d.length);
  const right: PackNode = { d: d.slice(pos), n: node.n - at, sz: LP_EMPTY_BYTES + moved };
  node.d = d.slice(0, pos);
  node.n = at;
  node.sz -= moved;
  return right;
}

/** Appends every element of `b` to `a` (lpMerge: one header and terminator less). */
export function nodeMerge(a: PackNode, b: PackNode): void {
  a.d = cat(a.d, b.d);
  a.n += b.n;
  a.sz += b.sz - LP_EMPTY_BYTES;
}

/** True when element d[start, start+len) equals `s`. */
export function entryEquals(d: string, start: number, len: number, s: string): boolean {
  return len === s.length && d.startsWith(s, start);
}

/** Builds a node from elements (in order). */
export function nodeFrom(items: readonly string[]): PackNode {
  const parts: string[] = new Array(items.length);
  let sz = LP_EMPTY_BYTES;
  for (let i = 0; i < items.length; i++) {
    parts[i] = encodeEntry(items[i]);
    sz += lpEntryBytes(items[i]);
  }
  return { d: parts.join(""), n: items.length, sz };
}
