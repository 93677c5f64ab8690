/**
 * Bit helpers for string values seen as bitmaps (bitops.c): a byte-view cache for binary strings,
 * population count, first-bit search and the BITFIELD integer get/set/overflow arithmetic with exact
 * 64-bit semantics. Bit 0 is the most significant bit of the first byte, as in Redis.
 *
 * The keyspace stores strings as immutable binary JS strings (DESIGN.md §2). Turning one into bytes
 * costs a pass over every char, so recently used values keep their bytes here: `bytesOf` returns the
 * cached bytes of a string, and a writer that edits those bytes in place must hand the new string
 * back with `rememberBytes` (which drops the stale entry). No RESP, no I/O here.
 */
import { bytesToStr } from "../resp/bytes.ts";

/**
 * The longest string V8 can hold (String::kMaxLength on 64-bit): slightly under 512 MB, so the very
 * last bits below proto-max-bulk-len's default cannot be set here (Redis can).
 */
export const MAX_STRING_LENGTH = 536870888;

// ---- byte-view cache -------------------------------------------------------------------------------

/** Strings shorter than this are converted on demand and never cached. */
const CACHE_MIN = 64;
/** Values larger than this are never cached (they would pin too much memory). */
const CACHE_MAX_ONE = 16 * 1024 * 1024;
/** Total bytes the cache may hold. */
const CACHE_BUDGET = 32 * 1024 * 1024;
const CACHE_SLOTS = 16;
let cacheTotal = 0;
const cacheStr: (string | null)[] = new Array(CACHE_SLOTS).fill(null);
const cacheBytes: (Uint8Array | null)[] = new Array(CACHE_SLOTS).fill(null);
let cacheNext = 0;

/** Copies binary string `s` into `dest` at `offset` (the caller guarantees room). */
export function copyStr(dest: Uint8Array, offset: number, s: string): void {
  const n = s.length;
  for (let i = 0; i < n; i++) dest[offset + i] = s.charCodeAt(i);
}

/** The slot holding `s`, or -1. Equal content counts as a hit (the bytes are the same). */
function cacheFind(s: string): number {
  const n = s.length;
  for (let i = 0; i < CACHE_SLOTS; i++) {
    const cs = cacheStr[i];
    if (cs !== null && cs.length === n && cs === s) return i;
  }
  return -1;
}

/**
 * The bytes of binary string `s`. The array may be shared with the cache: callers only read it,
 * unless they replace the string they got it from and call `rememberBytes(newString, bytes)` at once.
 */
export function bytesOf(s: string): Uint8Array {
  if (s.length >= CACHE_MIN) {
    const i = cacheFind(s);
    if (i >= 0) return cacheBytes[i]!;
  }
  const b = new Uint8Array(s.length);
  copyStr(b, 0, s);
  if (s.length >= CACHE_MIN) rememberBytes(s, b);
  return b;
}

/**
 * Records `b` (exactly `s.length` bytes) as the bytes of `s`. Any entry already holding the array `b`
 * (the string it was edited from) is replaced, so a stale string never maps to edited bytes.
 */
export function rememberBytes(s: string, b: Uint8Array): void {
  const fits = s.length >= CACHE_MIN && s.length <= CACHE_MAX_ONE;
  for (let i = 0; i < CACHE_SLOTS; i++) {
    if (cacheBytes[i] === b) {
      if (fits) cacheStr[i] = s;
      else drop(i);
      return;
    }
  }
  if (!fits) return;
  // Round-robin eviction, then more while over the byte budget.
  drop(cacheNext);
  for (let k = 1; k < CACHE_SLOTS && cacheTotal + b.length > CACHE_BUDGET; k++) drop((cacheNext + k) % CACHE_SLOTS);
  cacheStr[cacheNext] = s;
  cacheBytes[cacheNext] = b;
  cacheTotal += b.length;
  cacheNext = (cacheNext + 1) % CACHE_SLOTS;
}

function drop(i: number): void {
  const b = cacheBytes[i];
  if (b !== null) cacheTotal -= b.length;
  cacheStr[i] = null;
  cacheBytes[i] = null;
}

/** Drops every cached entry that uses array `b` (call before editing bytes you will not remember). */
export function forgetBytes(b: Uint8Array): void {
  for (let i = 0; i < CACHE_SLOTS; i++) if (cacheBytes[i] === b) drop(i);
}

/**
 * Bytes of `s` zero-padded to at least `minLen`, ready to be edited: either the cached array (when no
 * growth is needed) or a fresh one. Pair with `storeBytes` to get the new string.
 */
export function editableBytes(s: string, minLen: number): Uint8Array {
  if (minLen <= s.length) return bytesOf(s);
  const b = new Uint8Array(minLen);
  if (s.length >= CACHE_MIN) {
    const i = cacheFind(s);
    if (i >= 0) {
      b.set(cacheBytes[i]!);
      return b;
    }
  }
  copyStr(b, 0, s);
  return b;
}

/** The binary string of `b`, remembered in the cache as its bytes. */
export function storeBytes(b: Uint8Array): string {
  const s = bytesToStr(b, 0, b.length);
  rememberBytes(s, b);
  return s;
}

// ---- popcount and bit search ------------------------------------------------------------------------

const BITS_IN_BYTE = new Uint8Array(256);
for (let i = 1; i < 256; i++) BITS_IN_BYTE[i] = (i & 1) + BITS_IN_BYTE[i >> 1];

/** Number of set bits in a 32-bit integer. */
function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Number of set bits in bytes `[start, end)` of `b`. */
export function popcountBytes(b: Uint8Array, start: number, end: number): number {
  let bits = 0;
  let i = start;
  while (i < end && ((b.byteOffset + i) & 3) !== 0) bits += BITS_IN_BYTE[b[i++]];
  const words = (end - i) >> 2;
  if (words > 0) {
    const w = new Int32Array(b.buffer, b.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const v = w[k];
      if (v !== 0) bits += popcount32(v);
    }
    i += words << 2;
  }
  while (i < end) bits += BITS_IN_BYTE[b[i++]];
  return bits;
}

/** Number of set bits in chars `[start, end)` of binary string `s`. */
export function popcountStr(s: string, start: number, end: number): number {
  if (end - start < 256) {
    let bits = 0;
    for (let i = start; i < end; i++) bits += BITS_IN_BYTE[s.charCodeAt(i)];
    return bits;
  }
  return popcountBytes(bytesOf(s), start, end);
}

/** Number of set bits of byte `v`. */
export function popcountByte(v: number): number {
  return BITS_IN_BYTE[v & 255];
}

/**
 * Position of the first bit equal to `bit` within bit range `[from, to]` (inclusive) of `s`, or -1.
 * Bits past the end of the string read as 0.
 */
export function findBit(s: string, bit: 0 | 1, from: number, to: number): number {
  if (from > to) return -1;
  const skip = bit ? 0 : 255;
  let pos = from;
  // Leading partial byte, whole bytes, trailing partial byte.
  while (pos <= to && (pos & 7) !== 0) {
    if (bitAt(s, pos) === bit) return pos;
    pos++;
  }
  const lastWhole = Math.floor((to + 1) / 8); // bytes [pos/8, lastWhole) lie entirely in the range
  let byte = pos / 8;
  const len = s.length;
  while (byte < lastWhole) {
    const v = byte < len ? s.charCodeAt(byte) : 0;
    if (v !== skip) {
      for (let k = 0; k < 8; k++) if (((v >> (7 - k)) & 1) === bit) return byte * 8 + k;
    }
    byte++;
  }
  pos = Math.max(pos, lastWhole * 8);
  while (pos <= to) {
    if (bitAt(s, pos) === bit) return pos;
    pos++;
  }
  return -1;
}

/** The bit at `pos` of `s` (0 past the end). */
export function bitAt(s: string, pos: number): 0 | 1 {
  const byte = Math.floor(pos / 8);
  if (byte >= s.length) return 0;
  return ((s.charCodeAt(byte) >> (7 - (pos & 7))) & 1) as 0 | 1;
}

// ---- BITFIELD integers --------------------------------------------------------------------------------

/** Reads a `bits`-wide unsigned integer at bit `offset` of `b` (bytes past the end read as 0). */
export function getUnsignedField(b: Uint8Array, offset: number, bits: number): bigint {
  if (bits <= 32) {
    let v = 0;
    for (let j = 0; j < bits; j++) {
      const pos = offset + j;
      const byte = Math.floor(pos / 8);
      const bv = byte < b.length ? (b[byte] >> (7 - (pos & 7))) & 1 : 0;
      v = v * 2 + bv;
    }
    return BigInt(v);
  }
  let v = 0n;
  for (let j = 0; j < bits; j++) {
    const pos = offset + j;
    const byte = Math.floor(pos / 8);
    const bv = byte < b.length ? (b[byte] >> (7 - (pos & 7))) & 1 : 0;
    v = (v << 1n) | BigInt(bv);
  }
  return v;
}

/** Reads a `bits`-wide two's complement integer at bit `offset` of `b`. */
export function getSignedField(b: Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsignedField(b, offset, bits));
}

/** Writes the low `bits` bits of `value` at bit `offset` of `b` (which must be long enough). */
export function setField(b: Uint8Array, offset: number, bits: number, value: bigint): void {
  let v = BigInt.asUintN(bits, value);
  for (let j = bits - 1; j >= 0; j--) {
    const pos = offset + j;
    const byte = Math.floor(pos / 8);
    const mask = 1 << (7 - (pos & 7));
    if (v & 1n) b[byte] |= mask;
    else b[byte] &= ~mask;
    v >>= 1n;
  }
}

export const OVERFLOW_WRAP = 0;
export const OVERFLOW_SAT = 1;
export const OVERFLOW_FAIL = 2;

/** Result of an overflow check: 0 none, 1 overflow, -1 underflow, and the value to store. */
export interface FieldResult {
  overflow: number;
  value: bigint;
}

const I64 = (v: bigint) => BigInt.asIntN(64, v);

/**
 * Redis's checkUnsignedBitfieldOverflow + the new value: `value` (an unsigned 64-bit quantity) plus
 * `incr` as a `bits`-wide unsigned integer, wrapped or saturated per `owtype` (with FAIL the overflow
 * is reported and the value unused). The checks use C's 64-bit wrap-around, as Redis does.
 */
export function unsignedAdd(value: bigint, incr: bigint, bits: number, owtype: number): FieldResult {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = I64(max - value);
  const minincr = I64(-value);
  const wrapped = () => BigInt.asUintN(bits, value + incr);
  if (value > max || (incr > 0n && incr > maxincr)) {
    return { overflow: 1, value: owtype === OVERFLOW_SAT ? max : wrapped() };
  }
  if (incr < 0n && incr < minincr) return { overflow: -1, value: owtype === OVERFLOW_SAT ? 0n : wrapped() };
  return { overflow: 0, value: value + incr };
}

/**
 * Redis's checkSignedBitfieldOverflow + the new value: `value + incr` as a `bits`-wide signed integer,
 * wrapped (two's complement) or saturated per `owtype`. The bounds checks reproduce C's int64
 * wrap-around exactly (e.g. SET i1 to -2^63 saturates to 0, as in Redis).
 */
export function signedAdd(value: bigint, incr: bigint, bits: number, owtype: number): FieldResult {
  const max = bits === 64 ? (1n << 63n) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = I64(max - value);
  const minincr = I64(min - value);
  const wrapped = () => BigInt.asIntN(bits, value + incr);
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return { overflow: 1, value: owtype === OVERFLOW_SAT ? max : wrapped() };
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return { overflow: -1, value: owtype === OVERFLOW_SAT ? min : wrapped() };
  }
  return { overflow: 0, value: value + incr };
}
