/**
 * HyperLogLog in Redis's own byte format (hyperloglog.c), so values move between redis-server and
 * us unchanged: the 16-byte header ("HYLL", encoding, 3 unused bytes, cached cardinality as a 64-bit
 * little-endian integer whose top bit marks it stale), 16384 six-bit registers packed LSB first
 * (dense) or run-length encoded (sparse, see hll_sparse.ts), MurmurHash64A with seed 0xadc83b19 and
 * Ertl's improved estimator over the register histogram. No RESP, no I/O here.
 *
 * An `HllBuf` is a value being worked on: bytes `b[0, len)` (b may have spare capacity).
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_ALPHA_INF = 0.721347520444481703680; // 0.5 / ln(2)

/** A HyperLogLog value being read or edited: bytes `b[0, len)`. */
export interface HllBuf {
  b: Uint8Array;
  len: number;
}

// ---- validation and header ---------------------------------------------------------------------------

/**
 * Redis's isHLLObjectOrReply test on a string value: at least a header, the "HYLL" magic, a known
 * encoding, and exactly the dense size when dense.
 */
export function isValidHll(s: string): boolean {
  if (s.length < HLL_HDR_SIZE) return false;
  if (s.charCodeAt(0) !== 72 || s.charCodeAt(1) !== 89 || s.charCodeAt(2) !== 76 || s.charCodeAt(3) !== 76) {
    return false;
  }
  const enc = s.charCodeAt(4);
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || s.length === HLL_DENSE_SIZE;
}

/** The cached cardinality of a valid HLL string, or -1 when the cache is stale. */
export function cachedCard(s: string): number | bigint {
  if (s.charCodeAt(15) & 0x80) return -1;
  let lo = 0;
  for (let i = 11; i >= 8; i--) lo = lo * 256 + s.charCodeAt(i);
  let hi = 0;
  for (let i = 15; i >= 12; i--) hi = hi * 256 + s.charCodeAt(i);
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Stores `card` as the cached cardinality (marking the cache valid). */
export function setCachedCard(b: Uint8Array, card: number): void {
  let lo = card % 4294967296;
  let hi = Math.floor(card / 4294967296);
  for (let i = 8; i < 12; i++) {
    b[i] = lo & 255;
    lo = Math.floor(lo / 256);
  }
  for (let i = 12; i < 16; i++) {
    b[i] = hi & 255;
    hi = Math.floor(hi / 256);
  }
}

/** HLL_INVALIDATE_CACHE: marks the cached cardinality stale. */
export function invalidateCache(b: Uint8Array): void {
  b[15] |= 0x80;
}

// ---- hashing --------------------------------------------------------------------------------------------

// 64-bit arithmetic on 32-bit halves (int32 bit patterns). Results go to a typed array: storing
// uint32-range values in plain variables outside the function would box them on every call.
const R = new Int32Array(2);
const MH = 0xc6a4a793 | 0;
const ML = 0x5bd1e995 | 0;
const ML0 = 0xe995;
const ML1 = 0x5bd1;
const SEED = 0xadc83b19 | 0;

/** (ah:al) × 0xc6a4a7935bd1e995 mod 2^64 into R[0] (high half) and R[1] (low half). */
function mulM(ah: number, al: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const p00 = a0 * ML0; // < 2^32
  const mid = a0 * ML1 + a1 * ML0 + (p00 >>> 16); // < 2^34
  R[1] = (p00 & 0xffff) | (mid << 16);
  R[0] = (a1 * ML1 + Math.floor(mid / 65536) + Math.imul(al, MH) + Math.imul(ah, ML)) | 0;
}

/** Register index and run length ("000…1" pattern length) of the last hashed element. */
export const patResult = { index: 0, count: 0 };

/** Finishes MurmurHash64A on h = (hh:hl) and stores hllPatLen's index and count. */
function finishPat(hh: number, hl: number): void {
  mulM(hh, hl ^ (hh >>> 15));
  hh = R[0];
  hl = R[1] ^ (hh >>> 15);
  patResult.index = hl & HLL_P_MASK;
  // Count the run over hash >> 14, with bit 50 forced so the run ends by Q + 1.
  const low = hl >>> HLL_P; // 18 bits
  if (low !== 0) patResult.count = 32 - Math.clz32(low & -low);
  else if (hh !== 0) patResult.count = 18 + 32 - Math.clz32(hh & -hh);
  else patResult.count = HLL_Q + 1;
}

/**
 * Redis's hllPatLen: hashes binary string `ele` with MurmurHash64A (seed 0xadc83b19) and stores the
 * register index (low 14 bits) and the length of the 0…01 run in the other 50 bits in `patResult`.
 */
export function hllPatLen(ele: string): void {
  const len = ele.length;
  mulM(0, len); // h = seed ^ (len * m)
  let hh = R[0];
  let hl = R[1] ^ SEED;
  const nblocks = len - (len & 7);
  let i = 0;
  for (; i < nblocks; i += 8) {
    const kl = ele.charCodeAt(i) | (ele.charCodeAt(i + 1) << 8) | (ele.charCodeAt(i + 2) << 16) |
      (ele.charCodeAt(i + 3) << 24);
    const kh = ele.charCodeAt(i + 4) | (ele.charCodeAt(i + 5) << 8) | (ele.charCodeAt(i + 6) << 16) |
      (ele.charCodeAt(i + 7) << 24);
    mulM(kh, kl); // k *= m; k ^= k >> r; k *= m
    mulM(R[0], R[1] ^ (R[0] >>> 15));
    mulM(hh ^ R[0], hl ^ R[1]); // h ^= k; h *= m
    hh = R[0];
    hl = R[1];
  }
  const rem = len & 7;
  if (rem !== 0) {
    let th = 0;
    let tl = 0;
    for (let j = rem - 1; j >= 0; j--) {
      const c = ele.charCodeAt(i + j);
      if (j >= 4) th |= c << ((j - 4) * 8);
      else tl |= c << (j * 8);
    }
    mulM(hh ^ th, hl ^ tl);
    hh = R[0];
    hl = R[1];
  }
  finishPat(hh, hl);
}

/** hllPatLen for an 8-byte little-endian key given as two 32-bit halves (PFSELFTEST's elements). */
export function hllPatLenU64(hi: number, lo: number): void {
  mulM(0, 8);
  const hh = R[0];
  const hl = R[1] ^ SEED;
  mulM(hi | 0, lo | 0);
  mulM(R[0], R[1] ^ (R[0] >>> 15));
  mulM(hh ^ R[0], hl ^ R[1]);
  finishPat(R[0], R[1]);
}

// ---- dense registers ----------------------------------------------------------------------------------

/** The dense register `index` of `b` (registers start after the header). */
export function denseGet(b: Uint8Array, index: number): number {
  const pos = index * HLL_BITS;
  const byte = HLL_HDR_SIZE + (pos >>> 3);
  const fb = pos & 7;
  const b1 = byte + 1 < b.length ? b[byte + 1] : 0;
  return ((b[byte] >>> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

/** The dense register `index` read straight from an HLL string. */
export function denseGetStr(s: string, index: number): number {
  const pos = index * HLL_BITS;
  const byte = HLL_HDR_SIZE + (pos >>> 3);
  const fb = pos & 7;
  const b1 = byte + 1 < s.length ? s.charCodeAt(byte + 1) : 0;
  return ((s.charCodeAt(byte) >>> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

/** Sets dense register `index` of `b` to `val`. */
export function denseSet(b: Uint8Array, index: number, val: number): void {
  const pos = index * HLL_BITS;
  const byte = HLL_HDR_SIZE + (pos >>> 3);
  const fb = pos & 7;
  const fb8 = 8 - fb;
  b[byte] = (b[byte] & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  if (byte + 1 < b.length) b[byte + 1] = (b[byte + 1] & ~(HLL_REGISTER_MAX >>> fb8)) | (val >>> fb8);
}

/** Redis's hllDenseSet: raises register `index` to `count` when lower; returns 1 when changed. */
export function denseRaise(b: Uint8Array, index: number, count: number): number {
  if (count > denseGet(b, index)) {
    denseSet(b, index, count);
    return 1;
  }
  return 0;
}

/** A new dense HLL (all registers zero, cached cardinality 0). */
export function newDense(): Uint8Array {
  const b = new Uint8Array(HLL_DENSE_SIZE);
  b[0] = 72;
  b[1] = 89;
  b[2] = 76;
  b[3] = 76;
  b[4] = HLL_DENSE;
  return b;
}

// ---- counting and merging ----------------------------------------------------------------------------

/** Adds the dense registers of `b` into histogram `h` (64 buckets). */
function denseHisto(b: Uint8Array, h: Int32Array): void {
  let r = HLL_HDR_SIZE;
  for (let j = 0; j < 1024; j++, r += 12) {
    const r0 = b[r], r1 = b[r + 1], r2 = b[r + 2], r3 = b[r + 3], r4 = b[r + 4], r5 = b[r + 5];
    const r6 = b[r + 6], r7 = b[r + 7], r8 = b[r + 8], r9 = b[r + 9], r10 = b[r + 10], r11 = b[r + 11];
    h[r0 & 63]++;
    h[((r0 >> 6) | (r1 << 2)) & 63]++;
    h[((r1 >> 4) | (r2 << 4)) & 63]++;
    h[(r2 >> 2) & 63]++;
    h[r3 & 63]++;
    h[((r3 >> 6) | (r4 << 2)) & 63]++;
    h[((r4 >> 4) | (r5 << 4)) & 63]++;
    h[(r5 >> 2) & 63]++;
    h[r6 & 63]++;
    h[((r6 >> 6) | (r7 << 2)) & 63]++;
    h[((r7 >> 4) | (r8 << 4)) & 63]++;
    h[(r8 >> 2) & 63]++;
    h[r9 & 63]++;
    h[((r9 >> 6) | (r10 << 2)) & 63]++;
    h[((r10 >> 4) | (r11 << 4)) & 63]++;
    h[(r11 >> 2) & 63]++;
  }
}

/**
 * Adds the sparse registers of `b[HDR, len)` into `h`; returns false when the encoding is invalid
 * (runs past 16384 registers, or not covering all of them).
 */
function sparseHisto(b: Uint8Array, len: number, h: Int32Array): boolean {
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < len) {
    const op = b[p];
    let runlen: number;
    let val = 0;
    if ((op & 0xc0) === 0) {
      runlen = (op & 0x3f) + 1;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      runlen = (((op & 0x3f) << 8) | (p + 1 < len ? b[p + 1] : 0)) + 1;
      p += 2;
    } else {
      runlen = (op & 3) + 1;
      val = ((op >> 2) & 0x1f) + 1;
      p++;
    }
    if (runlen + idx > HLL_REGISTERS) return false;
    idx += runlen;
    h[val] += runlen;
  }
  return idx === HLL_REGISTERS;
}

/** Ertl's sigma. */
function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** Ertl's tau. */
function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

const histo = new Int32Array(64);

/** The estimate from a register histogram (Ertl, arXiv:1702.01284), rounded like llroundl. */
function estimate(h: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - h[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += h[j];
    z *= 0.5;
  }
  z += m * hllSigma(h[0] / m);
  return Math.round(HLL_ALPHA_INF * m * m / z);
}

/** Redis's hllCount for an HLL value: the estimated cardinality, or -1 when a sparse value is invalid. */
export function hllCount(v: HllBuf): number {
  histo.fill(0);
  if (v.b[4] === HLL_DENSE) denseHisto(v.b, histo);
  else if (!sparseHisto(v.b, v.len, histo)) {
    // Redis still computes the (meaningless) estimate and reports the corruption.
    return -1;
  }
  return estimate(histo);
}

/** hllCount over raw registers (one byte per register), for multi-key PFCOUNT. */
export function hllCountRaw(max: Uint8Array): number {
  histo.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]]++;
  return estimate(histo);
}

/**
 * Redis's hllMerge: raises `max[i]` (raw registers) to each register of HLL `v`. Returns false when a
 * sparse value is invalid.
 */
export function hllMerge(max: Uint8Array, v: HllBuf): boolean {
  const b = v.b;
  if (b[4] === HLL_DENSE) {
    let r = HLL_HDR_SIZE;
    for (let i = 0; i < HLL_REGISTERS; i += 4, r += 3) {
      const b0 = b[r], b1 = b[r + 1], b2 = r + 2 < b.length ? b[r + 2] : 0;
      const v0 = b0 & 63, v1 = ((b0 >> 6) | (b1 << 2)) & 63, v2 = ((b1 >> 4) | (b2 << 4)) & 63, v3 = b2 >> 2;
      if (v0 > max[i]) max[i] = v0;
      if (v1 > max[i + 1]) max[i + 1] = v1;
      if (v2 > max[i + 2]) max[i + 2] = v2;
      if (v3 > max[i + 3]) max[i + 3] = v3;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  const len = v.len;
  while (p < len) {
    const op = b[p];
    let runlen: number;
    if ((op & 0xc0) === 0) {
      runlen = (op & 0x3f) + 1;
      if (runlen + i > HLL_REGISTERS) return false;
      i += runlen;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      runlen = (((op & 0x3f) << 8) | (p + 1 < len ? b[p + 1] : 0)) + 1;
      if (runlen + i > HLL_REGISTERS) return false;
      i += runlen;
      p += 2;
    } else {
      runlen = (op & 3) + 1;
      const val = ((op >> 2) & 0x1f) + 1;
      if (runlen + i > HLL_REGISTERS) return false;
      while (runlen--) {
        if (val > max[i]) max[i] = val;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** Writes raw registers `max` into dense HLL bytes `b` (hllDenseCompress). */
export function denseCompress(b: Uint8Array, max: Uint8Array): void {
  let r = HLL_HDR_SIZE;
  for (let i = 0; i < HLL_REGISTERS; i += 4, r += 3) {
    const v0 = max[i], v1 = max[i + 1], v2 = max[i + 2], v3 = max[i + 3];
    b[r] = v0 | (v1 << 6);
    b[r + 1] = (v1 >> 2) | (v2 << 4);
    b[r + 2] = (v2 >> 4) | (v3 << 2);
  }
}
