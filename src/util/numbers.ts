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
 * Formats a double the way Redis 7.2+ replies with it: shortest round-trip digits, `inf`/`-inf`,
 * integers without a fraction, exponent form like `%.17g` ("1e+21", "1.5e-07").
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  if (Object.is(d, -0)) return "-0";
  let s = String(d);
  const e = s.indexOf("e");
  if (e >= 0) {
    const mant = s.slice(0, e);
    let exp = s.slice(e + 1);
    const sign = exp[0] === "-" ? "-" : "+";
    exp = exp.replace(/^[+-]/, "");
    if (exp.length < 2) exp = "0" + exp;
    s = mant + "e" + sign + exp;
  } else {
    // %.17g switches to exponent form when the exponent is < -4 or >= 17 significant digits.
    const abs = Math.abs(d);
    if (abs !== 0 && (abs < 1e-4 || abs >= 1e17)) {
      s = d.toExponential();
      const i = s.indexOf("e");
      let exp = s.slice(i + 2);
      if (exp.length < 2) exp = "0" + exp;
      s = s.slice(0, i) + "e" + s[i + 1] + exp;
    }
  }
  return s;
}
