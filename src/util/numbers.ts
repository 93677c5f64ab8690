/**
 * Number parsing and printing with Redis's rules: strict 64-bit integers (string2ll), doubles
 * (strtod-like, inf/nan handling) and Redis's double formatting.
 */

const INT_RE = /^-?[1-9][0-9]*$/;
export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;

/**
 * Parses a signed 64-bit integer exactly as Redis's string2ll: no spaces, no '+', no leading zeros.
 * Returns a number when it is a safe integer, a bigint beyond that, or null when invalid/out of range.
 */
export function parseInt64(s: string): number | bigint | null {
  if (s === "0") return 0;
  if (s.length > 20 || !INT_RE.test(s)) return null;
  if (s.length < 16) return Number(s);
  const b = BigInt(s);
  if (b > LLONG_MAX || b < LLONG_MIN) return null;
  return Number.isSafeInteger(Number(b)) ? Number(b) : b;
}

/** Like parseInt64 but only accepts values that fit a JS safe integer (returns null otherwise). */
export function parseSafeInt(s: string): number | null {
  const v = parseInt64(s);
  return typeof v === "number" ? v : null;
}

/** True when `s` is the canonical text of a 64-bit integer (what Redis stores as encoding `int`). */
export function isInt64String(s: string): boolean {
  return s.length <= 20 && parseInt64(s) !== null;
}

const FLOAT_RE = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|0[xX][0-9a-fA-F]+)$/;

/**
 * Parses a double like Redis's string2d/strtod: accepts "inf", "+inf", "-inf", "infinity"
 * (case-insensitive); rejects nan, empty strings and surrounding spaces. Returns null when invalid.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  if (FLOAT_RE.test(s)) {
    const v = s.startsWith("0x") || s.startsWith("0X") ? parseInt(s, 16) : Number(s);
    return Number.isNaN(v) ? null : v;
  }
  const l = s.toLowerCase();
  if (l === "inf" || l === "+inf" || l === "infinity" || l === "+infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  return null;
}

/**
 * Formats a double exactly like Redis 8.2's `d2string` (util.c), which every double reply uses:
 * `nan`, `inf`/`-inf`, `0`/`-0`; integral values within ±2^62 (`double2ll`) as plain integers
 * ("100000000000000000"); everything else with the shortest round-trip digits laid out by
 * fpconv's `emit_digits`: plain integer digits when the exponent is small ("9223372036854776000"),
 * a decimal point while the value needs fewer than 7 fractional digits or its exponent is below 4
 * ("0.00001", "3.14159265358979"), scientific otherwise with an unpadded exponent ("1e-7",
 * "1.5e+300", "1.23451234567e+4").
 */
export function formatDouble(d: number): string {
  if (d !== d) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  if (d >= -4611686018427387904 && d <= 4611686018427387904 && Math.floor(d) === d) {
    return d >= -9007199254740992 && d <= 9007199254740992 ? String(d) : BigInt(d).toString();
  }
  // Shortest round-trip digits and decimal exponent of the first digit, from toExponential().
  const e = d.toExponential();
  const neg = e.charCodeAt(0) === 45;
  const epos = e.indexOf("e");
  const mant = e.slice(neg ? 1 : 0, epos);
  const digits = mant.length > 1 ? mant[0] + mant.slice(2) : mant;
  const nd = digits.length;
  const K = Number(e.slice(epos + 1)) - (nd - 1); // value = digits × 10^K
  const exp = Math.abs(K + nd - 1);
  const sign = neg ? "-" : "";
  if (K >= 0 && exp < nd + 7) return sign + digits + "0".repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const offset = nd + K;
    if (offset <= 0) return sign + "0." + "0".repeat(-offset) + digits;
    return sign + digits.slice(0, offset) + "." + digits.slice(offset);
  }
  return sign + digits[0] + (nd > 1 ? "." + digits.slice(1) : "") + "e" + (K + nd - 1 < 0 ? "-" : "+") + exp;
}

/**
 * printf("%f") with trailing zeros (and a bare dot) trimmed, as Redis's trimDoubleString does (the
 * latency-tracking-info-percentiles values: "50", "99.9"). For finite values below 1e21; toFixed
 * rounds the exact binary value like printf (a six-digit tie cannot occur in binary).
 */
export function trimDoubleString(d: number): string {
  const s = d.toFixed(6);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}
