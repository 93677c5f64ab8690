/**
 * Number formatting and argument helpers of the GEO commands, byte-exact with Redis: `%f`-style
 * fixed notation with correct rounding (ties to even, as glibc's printf), coordinates as
 * ld2string's human mode ("%.17Lf" with trailing zeros trimmed), distances as fixedpoint_d2string
 * with 4 decimals, units, distances and coordinate pairs parsed with Redis's error replies.
 */
import type { Client } from "../server/client.ts";
import { GEO_BAD_UNIT, geoInvalidPair, NOT_FLOAT } from "../server/errors.ts";
import { parseStrtod } from "./zset_args.ts";
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from "../types/geohash.ts";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The exact value of a finite double as mant × 2^exp (mant a non-negative BigInt) and its sign. */
function decompose(d: number): { neg: boolean; mant: bigint; exp: number } {
  f64[0] = d;
  const lo = u32[0];
  const hi = u32[1];
  const neg = (hi >>> 31) === 1;
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (e === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = e - 1075;
  }
  return { neg, mant, exp };
}

/** printf("%.<digits>f", d) for a finite double: the exact value rounded half to even. */
export function formatFixed(d: number, digits: number): string {
  const { neg, mant, exp } = decompose(d);
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * scale;
  else {
    const num = mant * scale;
    const sh = BigInt(-exp);
    q = num >> sh;
    const rem = num - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    if (s.length <= digits) s = "0".repeat(digits - s.length + 1) + s;
    s = s.slice(0, s.length - digits) + "." + s.slice(s.length - digits);
  }
  return (neg ? "-" : "") + s;
}

/** Redis's ld2string(LD_STR_HUMAN) of a double: "%.17Lf" without trailing zeros, "-0" as "0". */
export function formatHuman(d: number): string {
  let s = formatFixed(d, 17);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  s = s.slice(0, end);
  return s === "-0" ? "0" : s;
}

/** Redis's fixedpoint_d2string(d, 4): llrint(d × 10^4) laid out with 4 decimals. */
export function formatDistance(d: number): string {
  if (d === 0) return "0.0000";
  const x = d * 10000;
  let r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) r = 2 * Math.round(x / 2); // llrint: ties to even
  const neg = r < 0;
  let s = String(Math.abs(r));
  if (s.length < 5) s = "0".repeat(5 - s.length) + s;
  return (neg ? "-" : "") + s.slice(0, s.length - 4) + "." + s.slice(s.length - 4);
}

/** A coordinate as a RESP2 bulk string or a RESP3 double, in the human format (addReplyHumanLongDouble). */
export function addCoord(c: Client, d: number): void {
  const s = formatHuman(d);
  if (c.resp === 2) c.addBulk(s);
  else c.addRaw("," + s + "\r\n");
}

/** Redis's extractUnitOrReply: meters per unit (m, km, ft, mi, any case), or -1 after replying. */
export function unitArg(c: Client, u: string): number {
  const l = u.toLowerCase();
  if (l === "m") return 1;
  if (l === "km") return 1000;
  if (l === "ft") return 0.3048;
  if (l === "mi") return 1609.34;
  c.addError(GEO_BAD_UNIT);
  return -1;
}

/** A double argument (string2d), or null after replying `err`. */
export function doubleArg(c: Client, s: string, err: string = NOT_FLOAT): number | null {
  const v = parseStrtod(s);
  if (v === null) c.addError(err);
  return v;
}

/** Redis's extractLongLatOrReply: [longitude, latitude] within the limits, or null after replying. */
export function lonLatArg(c: Client, lonArg: string, latArg: string): [number, number] | null {
  const lon = doubleArg(c, lonArg);
  if (lon === null) return null;
  const lat = doubleArg(c, latArg);
  if (lat === null) return null;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    c.addError(geoInvalidPair(fixedOrSpecial(lon), fixedOrSpecial(lat)));
    return null;
  }
  return [lon, lat];
}

/** "%f" including glibc's spellings of infinities. */
function fixedOrSpecial(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  return formatFixed(d, 6);
}
