/**
 * Exact emulation of the x87 80-bit `long double` that Redis uses for INCRBYFLOAT (and HINCRBYFLOAT):
 * parsing like glibc's `strtold` (correctly rounded, decimal and hex forms, inf/nan), addition rounded
 * to a 64-bit significand, and printing like `snprintf("%.17Lf")` followed by Redis's trimming of
 * trailing zeros (ld2string's LD_STR_HUMAN mode). Values are exact binary fractions held in BigInts,
 * so results match Redis byte for byte.
 */

/** A finite long double: (-1)^neg × mant × 2^exp, with mant < 2^64 (0n for zero). */
export interface LongDouble {
  neg: boolean;
  mant: bigint;
  exp: number;
}

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects inputs of this length or more. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
/** Significand bits of the x87 extended format (explicit integer bit). */
const MANT_BITS = 64;
/** Exponent of the least significant bit of the smallest subnormal (2^-16445). */
const MIN_EXP = -16445;
/** Largest exponent for a 64-bit significand: values reach (2^64 - 1) × 2^16320. */
const MAX_EXP = 16320;

const ZERO: LongDouble = { neg: false, mant: 0n, exp: 0 };

/** Number of significant bits of a positive bigint. */
function bitLength(n: bigint): number {
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/**
 * Rounds (n + fraction) × 2^e to the nearest long double, ties to even. `sticky` says the exact value is
 * a little above n (a discarded non-zero fraction); callers that pass it give n at least 66 bits.
 * Returns null on overflow (the result would be infinite).
 */
function roundToLongDouble(neg: boolean, n: bigint, e: number, sticky: boolean): LongDouble | null {
  if (n === 0n) return { neg, mant: 0n, exp: 0 };
  let shift = bitLength(n) - MANT_BITS;
  if (e + shift < MIN_EXP) shift = MIN_EXP - e;
  if (shift <= 0) {
    // Fits exactly (callers never pass `sticky` with so few bits).
    const exp = e;
    return exp > MAX_EXP ? null : { neg, mant: n, exp };
  }
  const big = BigInt(shift);
  let q = n >> big;
  const rem = n - (q << big);
  const half = 1n << (big - 1n);
  if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q += 1n;
  let exp = e + shift;
  if (q >> 64n !== 0n) {
    q >>= 1n;
    exp++;
  }
  if (exp > MAX_EXP) return null;
  return { neg, mant: q, exp };
}

const POW10_CACHE: bigint[] = [];

/** 10^k as a bigint (cached for small k). */
function pow10(k: number): bigint {
  if (k < 64) {
    let v = POW10_CACHE[k];
    if (v === undefined) v = POW10_CACHE[k] = 10n ** BigInt(k);
    return v;
  }
  return 10n ** BigInt(k);
}

/** Rounds the exact decimal value digits × 10^e10 (digits > 0). */
function decimalToLongDouble(neg: boolean, digits: bigint, nDigits: number, e10: number): LongDouble | null | 0 {
  // Quick range checks on the decimal magnitude, 10^(nDigits-1+e10) <= value < 10^(nDigits+e10).
  if (nDigits - 1 + e10 > 4933) return null; // > 1.19e4932: overflow
  if (nDigits + e10 < -4952) return 0; // < 10^-4952: underflows to zero (min subnormal is 3.6e-4951)
  if (e10 >= 0) return roundToLongDouble(neg, digits * pow10(e10), 0, false);
  const den = pow10(-e10);
  const k = Math.max(0, 67 + bitLength(den) - bitLength(digits));
  const num = digits << BigInt(k);
  const q = num / den;
  return roundToLongDouble(neg, q, -k, q * den !== num);
}

function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}

function hexValue(ch: number): number {
  if (ch >= 48 && ch <= 57) return ch - 48;
  const l = ch | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Parses an optional exponent's digits at `i`; returns [value clamped to ±1e9, next index] or null. */
function parseExponent(s: string, i: number): [number, number] | null {
  let sign = 1;
  const ch = s.charCodeAt(i);
  if (ch === 43 || ch === 45) {
    if (ch === 45) sign = -1;
    i++;
  }
  if (i >= s.length || !isDigit(s.charCodeAt(i))) return null;
  let v = 0;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    if (v < 1e9) v = v * 10 + s.charCodeAt(i) - 48;
    i++;
  }
  return [sign * Math.min(v, 1e9), i];
}

/**
 * Parses a long double exactly like Redis's string2ld (strtold over the whole string, no leading
 * space, no NaN, no overflow to ±inf, no underflow to zero). Returns the value, `Infinity` /
 * `-Infinity` for an explicit "inf"/"infinity", or null when Redis would reply "not a valid float".
 */
export function parseLongDouble(s: string): LongDouble | number | null {
  const len = s.length;
  if (len === 0 || len >= MAX_LONG_DOUBLE_CHARS) return null;
  let i = 0;
  let neg = false;
  let ch = s.charCodeAt(0);
  if (ch === 43 || ch === 45) {
    neg = ch === 45;
    i = 1;
  }
  if (i >= len) return null;
  ch = s.charCodeAt(i);
  // inf / infinity (nan is always rejected by string2ld)
  if ((ch | 0x20) === 105) {
    const rest = s.slice(i).toLowerCase();
    if (rest === "inf" || rest === "infinity") return neg ? -Infinity : Infinity;
    return null;
  }
  // hexadecimal form: 0x<hex>[.<hex>][p<exp>]
  if (ch === 48 && i + 1 < len && (s.charCodeAt(i + 1) | 0x20) === 120) {
    let j = i + 2;
    let mant = 0n;
    let any = false;
    let fracDigits = 0;
    let seenDot = false;
    for (; j < len; j++) {
      const c2 = s.charCodeAt(j);
      if (c2 === 46 && !seenDot) {
        seenDot = true;
        continue;
      }
      const h = hexValue(c2);
      if (h < 0) break;
      any = true;
      mant = mant * 16n + BigInt(h);
      if (seenDot) fracDigits++;
    }
    if (!any) return null; // strtold reads just "0" and stops at 'x'
    let e2 = 0;
    if (j < len && (s.charCodeAt(j) | 0x20) === 112) {
      const ex = parseExponent(s, j + 1);
      if (ex === null) return null;
      [e2, j] = ex;
    }
    if (j !== len) return null;
    if (mant === 0n) return { neg, mant: 0n, exp: 0 };
    const exp2 = e2 - 4 * fracDigits;
    const top = bitLength(mant) + exp2;
    if (top > MAX_EXP + MANT_BITS + 1) return null;
    if (top < MIN_EXP - 2) return null;
    const r = roundToLongDouble(neg, mant, exp2, false);
    if (r === null || r.mant === 0n) return null;
    return r;
  }
  // decimal form: <digits>[.<digits>][e<exp>]
  let j = i;
  let intStart = -1;
  let digits = "";
  let fracDigits = 0;
  let seenDot = false;
  let any = false;
  for (; j < len; j++) {
    const c2 = s.charCodeAt(j);
    if (c2 === 46 && !seenDot) {
      seenDot = true;
      continue;
    }
    if (!isDigit(c2)) break;
    any = true;
    if (seenDot) fracDigits++;
    if (intStart < 0 && c2 === 48) continue; // leading zeros add nothing
    if (intStart < 0) intStart = j;
    digits += s[j];
  }
  if (!any) return null;
  let e10 = 0;
  if (j < len && (s.charCodeAt(j) | 0x20) === 101) {
    const ex = parseExponent(s, j + 1);
    if (ex === null) return null;
    [e10, j] = ex;
  }
  if (j !== len) return null;
  if (digits.length === 0) return { neg, mant: 0n, exp: 0 };
  // Leading zeros after the point were skipped but still count as fraction digits (kept in fracDigits).
  const r = decimalToLongDouble(neg, BigInt(digits), digits.length, e10 - fracDigits);
  if (r === null || r === 0 || r.mant === 0n) return null;
  return r;
}

/** The long double holding the integer n exactly (every 64-bit integer fits the 64-bit significand). */
export function longDoubleFromInt(n: number | bigint): LongDouble {
  if (n === 0 || n === 0n) return ZERO;
  const b = BigInt(n);
  return b < 0n ? { neg: true, mant: -b, exp: 0 } : { neg: false, mant: b, exp: 0 };
}

/** a + b rounded to a long double; null when the sum overflows to infinity. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (b.mant === 0n) return a.mant === 0n ? { neg: a.neg && b.neg, mant: 0n, exp: 0 } : a;
  if (a.mant === 0n) return b;
  const e = Math.min(a.exp, b.exp);
  const av = a.mant << BigInt(a.exp - e);
  const bv = b.mant << BigInt(b.exp - e);
  const sum = (a.neg ? -av : av) + (b.neg ? -bv : bv);
  if (sum === 0n) return ZERO;
  return sum < 0n ? roundToLongDouble(true, -sum, e, false) : roundToLongDouble(false, sum, e, false);
}

/**
 * Formats like Redis's ld2string(LD_STR_HUMAN): `%.17Lf` (exact value rounded half-even to 17
 * decimals), then trailing zeros and a trailing point removed, and "-0" turned into "0".
 */
export function formatLongDouble(v: LongDouble): string {
  let scaled: bigint;
  if (v.mant === 0n) scaled = 0n;
  else if (v.exp >= 0) scaled = (v.mant << BigInt(v.exp)) * pow10(17);
  else {
    const sh = BigInt(-v.exp);
    const num = v.mant * pow10(17);
    scaled = num >> sh;
    const rem = num - (scaled << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  let digits = scaled.toString();
  if (digits.length < 18) digits = "0".repeat(18 - digits.length) + digits;
  const intPart = digits.slice(0, digits.length - 17);
  let end = digits.length;
  while (end > intPart.length && digits.charCodeAt(end - 1) === 48) end--;
  let s = end === intPart.length ? intPart : intPart + "." + digits.slice(intPart.length, end);
  if (v.neg) s = "-" + s;
  return s === "-0" ? "0" : s;
}
