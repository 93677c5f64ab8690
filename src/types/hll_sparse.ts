/**
 * The sparse HyperLogLog encoding (hyperloglog.c), byte for byte: ZERO (00xxxxxx, 1–64 zero
 * registers), XZERO (01xxxxxx yyyyyyyy, 1–16384 zero registers) and VAL (1vvvvvxx, 1–4 registers of
 * value 1–32). Updates split and re-merge opcodes exactly as Redis's hllSparseSet does, so the same
 * additions produce the same bytes; a value above 32 or growth past `hll-sparse-max-bytes` promotes
 * the HLL to the dense encoding. Also the PFDEBUG DECODE text. No RESP, no I/O here.
 */
import {
  denseRaise,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  type HllBuf,
  invalidateCache,
} from "./hll.ts";

const XZERO_MAX_LEN = 16384;
const ZERO_MAX_LEN = 64;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;

const isZero = (op: number) => (op & 0xc0) === 0;
const isXzero = (op: number) => (op & 0xc0) === 0x40;
const valOp = (val: number, len: number) => ((val - 1) << 2) | (len - 1) | 0x80;

/** A new empty HLL: sparse, one XZERO covering all 16384 registers, cached cardinality 0. */
export function newSparse(capacity = 64): HllBuf {
  const b = new Uint8Array(Math.max(capacity, HLL_HDR_SIZE + 2));
  b[0] = 72; // "HYLL"
  b[1] = 89;
  b[2] = 76;
  b[3] = 76;
  b[4] = HLL_SPARSE;
  const l = XZERO_MAX_LEN - 1;
  b[HLL_HDR_SIZE] = (l >> 8) | 0x40;
  b[HLL_HDR_SIZE + 1] = l & 0xff;
  return { b, len: HLL_HDR_SIZE + 2 };
}

/**
 * Redis's hllSparseToDense: the dense form of sparse `v` (header copied, encoding switched), or null
 * when the sparse encoding is invalid.
 */
export function sparseToDense(v: HllBuf): Uint8Array | null {
  const src = v.b;
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  dense.set(src.subarray(0, HLL_HDR_SIZE));
  dense[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = v.len;
  while (p < end) {
    const op = src[p];
    let runlen: number;
    if (isZero(op)) {
      runlen = (op & 0x3f) + 1;
      if (runlen + idx > HLL_REGISTERS) return null;
      idx += runlen;
      p++;
    } else if (isXzero(op)) {
      runlen = (((op & 0x3f) << 8) | (p + 1 < end ? src[p + 1] : 0)) + 1;
      if (runlen + idx > HLL_REGISTERS) return null;
      idx += runlen;
      p += 2;
    } else {
      runlen = (op & 3) + 1;
      const val = ((op >> 2) & 0x1f) + 1;
      if (runlen + idx > HLL_REGISTERS) return null;
      while (runlen--) denseRaise(dense, idx++, val);
      p++;
    }
  }
  return idx === HLL_REGISTERS ? dense : null;
}

/** Makes room for `extra` more bytes in `v`. */
function reserve(v: HllBuf, extra: number): void {
  if (v.len + extra + 1 <= v.b.length) return;
  const nb = new Uint8Array(Math.max(v.b.length * 2, v.len + extra + 64));
  nb.set(v.b.subarray(0, v.len));
  v.b = nb;
}

/**
 * Redis's hllSparseSet: raises register `index` of sparse `v` to `count`. Returns 1 when the value
 * changed, 0 when not, -1 when the encoding is invalid. May promote `v` to dense in place (v.b, v.len
 * replaced) when `count` > 32 or the result would pass `maxBytes`.
 */
export function sparseSet(v: HllBuf, index: number, count: number, maxBytes: number): number {
  if (count > VAL_MAX_VALUE) return promote(v, index, count);
  reserve(v, 3);
  const b = v.b;
  const sparse = HLL_HDR_SIZE;
  let end = v.len;
  // Step 1: find the opcode covering `index`.
  let p = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p];
    let oplen = 1;
    if (isZero(op)) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = (op & 3) + 1;
    else {
      span = (((op & 0x3f) << 8) | b[p + 1]) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = b[p];
  let next = isXzero(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const zero = isZero(op);
  const xzero = isXzero(op);
  const runlen = zero ? (op & 0x3f) + 1 : xzero ? (((op & 0x3f) << 8) | b[p + 1]) + 1 : (op & 3) + 1;

  let updated = false;
  if (!zero && !xzero) {
    // Step 2, cases A and B: a VAL opcode.
    const oldcount = ((op >> 2) & 0x1f) + 1;
    if (oldcount >= count) return 0;
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      updated = true;
    }
  }
  if (!updated && zero && runlen === 1) {
    // Case C: a ZERO opcode of length 1.
    b[p] = valOp(count, 1);
    updated = true;
  }
  if (!updated) {
    // Case D: split the opcode into up to three (at most 5 bytes).
    const seq: number[] = [];
    const last = first + span - 1;
    if (zero || xzero) {
      if (index !== first) pushZeros(seq, index - first);
      seq.push(valOp(count, 1));
      if (index !== last) pushZeros(seq, last - index);
    } else {
      const curval = ((op >> 2) & 0x1f) + 1;
      if (index !== first) seq.push(valOp(curval, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(curval, last - index));
    }
    // Step 3: substitute the new sequence for the old opcode.
    const seqlen = seq.length;
    const oldlen = xzero ? 2 : 1;
    const deltalen = seqlen - oldlen;
    if (deltalen > 0 && v.len + deltalen > maxBytes) return promote(v, index, count);
    if (deltalen !== 0 && next >= 0) b.copyWithin(next + deltalen, next, end);
    v.len += deltalen;
    for (let i = 0; i < seqlen; i++) b[p + i] = seq[i];
    end += deltalen;
    b[end] = 0; // what lies past the end reads as zero, like the sds terminator
  }
  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from `prev`.
  p = prev >= 0 ? prev : sparse;
  let scanlen = 5;
  while (p < end && scanlen--) {
    const o = b[p];
    if (isXzero(o)) {
      p += 2;
      continue;
    } else if (isZero(o)) {
      p++;
      continue;
    }
    if (p + 1 < end && (b[p + 1] & 0x80)) {
      const v1 = ((o >> 2) & 0x1f) + 1;
      const v2 = ((b[p + 1] >> 2) & 0x1f) + 1;
      if (v1 === v2) {
        const len = (o & 3) + 1 + (b[p + 1] & 3) + 1;
        if (len <= VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end);
          v.len--;
          end--;
          b[end] = 0;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(b);
  return 1;
}

/** Appends a ZERO or XZERO opcode for `len` zero registers. */
function pushZeros(seq: number[], len: number): void {
  if (len > ZERO_MAX_LEN) {
    const l = len - 1;
    seq.push((l >> 8) | 0x40, l & 0xff);
  } else seq.push(len - 1);
}

/** Promotes `v` to dense and raises register `index` to `count` there. */
function promote(v: HllBuf, index: number, count: number): number {
  const dense = sparseToDense(v);
  if (dense === null) return -1;
  v.b = dense;
  v.len = HLL_DENSE_SIZE;
  denseRaise(dense, index, count);
  return 1;
}

/**
 * True when raising register `index` to `count` would change sparse HLL string `s` (or `s` is
 * invalid there): lets PFADD skip copying a value it will not modify. Mirrors step 1 and case A of
 * hllSparseSet, reading the string directly.
 */
export function sparseWouldChange(s: string, index: number, count: number): boolean {
  if (count > VAL_MAX_VALUE) return true;
  const end = s.length;
  let p = HLL_HDR_SIZE;
  let first = 0;
  while (p < end) {
    const op = s.charCodeAt(p);
    let span: number;
    let oplen = 1;
    if (isZero(op)) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = (op & 3) + 1;
    else {
      span = (((op & 0x3f) << 8) | (p + 1 < end ? s.charCodeAt(p + 1) : 0)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) return !(op & 0x80) || ((op >> 2) & 0x1f) + 1 < count;
    p += oplen;
    first += span;
  }
  return true;
}

/** PFDEBUG DECODE: "Z:16384 v:2,1 z:19 …" for a sparse HLL. */
export function sparseDecode(v: HllBuf): string {
  const parts: string[] = [];
  const b = v.b;
  let p = HLL_HDR_SIZE;
  while (p < v.len) {
    const op = b[p];
    if (isZero(op)) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if (isXzero(op)) {
      parts.push(`Z:${(((op & 0x3f) << 8) | (p + 1 < v.len ? b[p + 1] : 0)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return parts.join(" ");
}
