/**
 * Sorted-set argument parsing with Redis 8.2's exact rules and errors:
 *
 * - scores, increments and weights go through string2d (util.c): the whole text must be a C `strtod`
 *   number — decimal, hexadecimal ("0x1p3") or inf/infinity — with no leading space, no NaN, and no
 *   overflow to ±HUGE_VAL or underflow to 0 (denormals are fine);
 * - range bounds go through fast_float (zslParseRange): decimal or inf/infinity with an optional
 *   sign, overflow saturating to ±inf; `(` makes a bound exclusive. Unlike Redis 7.0's strtod, 8.2
 *   accepts no leading space and no hexadecimal here;
 * - lex bounds (zslParseLexRangeItem) are "-", "+", or "(" / "[" followed by the string.
 *
 * Also the typed lookups of the family (a sorted set, nothing, or WRONGTYPE replied).
 */
import type { Client } from "../server/client.ts";
import { WRONGTYPE } from "../server/errors.ts";
import { ZSet } from "../types/zset.ts";
import type { LexBound, LexRange, ScoreRange } from "../types/zset_range.ts";

const DEC_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

/** Nonzero digits in a decimal mantissa (before any exponent): an underflow to 0 is then an error. */
function hasNonZeroDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 101 || ch === 69) return false; // e / E
    if (ch >= 49 && ch <= 57) return true;
  }
  return false;
}

/**
 * Redis's string2d: parses a double as C's strtod does, requiring the whole text; returns null for
 * anything string2d rejects (leading space, trailing junk, NaN, overflow, underflow to zero).
 */
export function parseStrtod(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  if (DEC_RE.test(s)) {
    const v = Number(s);
    if (v === Infinity || v === -Infinity) return null;
    if (v === 0 && hasNonZeroDigit(s)) return null;
    return v;
  }
  const inf = INF_RE.exec(s);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  const hex = HEX_RE.exec(s);
  if (hex) {
    const intPart = hex[2];
    const frac = hex[3] ?? "";
    if (intPart.length + frac.length === 0) return null;
    const digits = (intPart + frac).replace(/^0+/, "") || "0";
    let v = Number(BigInt("0x" + digits)) * Math.pow(2, Number(hex[4] ?? 0) - 4 * frac.length);
    if (v === Infinity) return null;
    if (v === 0 && digits !== "0") return null;
    if (hex[1] === "-") v = -v;
    return v;
  }
  return null;
}

/** A range bound as fast_float reads it (decimal or inf/infinity, optional sign), or null. */
function parseFastFloat(s: string): number | null {
  if (DEC_RE.test(s)) return Number(s);
  const inf = INF_RE.exec(s);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  return null;
}

/** Redis's zslParseRange: "min"/"max" with "(" for exclusive bounds; null when either is invalid. */
export function parseScoreRange(min: string, max: string): ScoreRange | null {
  const minex = min.charCodeAt(0) === 40; // (
  const maxex = max.charCodeAt(0) === 40;
  const lo = parseFastFloat(minex ? min.slice(1) : min);
  const hi = parseFastFloat(maxex ? max.slice(1) : max);
  if (lo === null || hi === null) return null;
  return { min: lo, max: hi, minex, maxex };
}

function parseLexBound(s: string): LexBound | null {
  const ch = s.charCodeAt(0);
  if (ch === 43 && s.length === 1) return { inf: 1, value: "", ex: true }; // +
  if (ch === 45 && s.length === 1) return { inf: -1, value: "", ex: true }; // -
  if (ch === 40) return { inf: 0, value: s.slice(1), ex: true }; // (
  if (ch === 91) return { inf: 0, value: s.slice(1), ex: false }; // [
  return null;
}

/** Redis's zslParseLexRange; null when either bound is invalid. */
export function parseLexRange(min: string, max: string): LexRange | null {
  const lo = parseLexBound(min);
  const hi = parseLexBound(max);
  return lo === null || hi === null ? null : { min: lo, max: hi };
}

/** Looks `key` up for reading: the sorted set, null when missing, or false after replying WRONGTYPE. */
export function readZset(c: Client, key: string): ZSet | null | false {
  const v = c.db.lookupRead(key);
  if (v === undefined) return null;
  if (v instanceof ZSet) return v;
  c.addError(WRONGTYPE);
  return false;
}

/** Looks `key` up for writing: the sorted set, null when missing, or false after replying WRONGTYPE. */
export function writeZset(c: Client, key: string): ZSet | null | false {
  const v = c.db.lookup(key);
  if (v === undefined) return null;
  if (v instanceof ZSet) return v;
  c.addError(WRONGTYPE);
  return false;
}

/**
 * Replies entries as ZRANGE does: RESP2 a flat array (member, score, …) with scores, RESP3 an array of
 * [member, score] pairs; members only without scores.
 */
export function replyEntries(c: Client, members: readonly string[], scores: readonly number[], withScores: boolean) {
  const n = members.length;
  if (!withScores) {
    c.addArrayLen(n);
    for (let i = 0; i < n; i++) c.addBulk(members[i]);
    return;
  }
  const nested = c.resp !== 2;
  c.addArrayLen(nested ? n : n * 2);
  for (let i = 0; i < n; i++) {
    if (nested) c.addArrayLen(2);
    c.addBulk(members[i]);
    c.addDouble(scores[i]);
  }
}
