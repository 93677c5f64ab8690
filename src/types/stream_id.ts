/**
 * Stream entry IDs (stream.h streamID): two unsigned 64-bit parts, milliseconds and sequence.
 *
 * An ID is held as a 16-char binary string — the big-endian bytes of ms then seq — so plain string
 * comparison is ID order, IDs are cheap Map keys, and no BigInt is needed on the hot paths. Helpers
 * convert from/to parts (numbers while below 2^53, BigInt beyond) and the "ms-seq" text form.
 */

/** An encoded ID: 16 chars, each one byte. */
export type StreamId = string;

const P32 = 4294967296;
const U64_MAX = 18446744073709551615n;

/** 0-0. */
export const MIN_ID: StreamId = "\0".repeat(16);
/** 18446744073709551615-18446744073709551615. */
export const MAX_ID: StreamId = "\xff".repeat(16);

function u64Chars(v: number | bigint): string {
  let hi: number;
  let lo: number;
  if (typeof v === "number") {
    hi = Math.floor(v / P32);
    lo = v - hi * P32;
  } else {
    hi = Number(v >> 32n);
    lo = Number(v & 0xffffffffn);
  }
  return String.fromCharCode(
    hi >>> 24,
    (hi >>> 16) & 255,
    (hi >>> 8) & 255,
    hi & 255,
    lo >>> 24,
    (lo >>> 16) & 255,
    (lo >>> 8) & 255,
    lo & 255,
  );
}

function u64At(id: StreamId, off: number): number | bigint {
  const hi = ((id.charCodeAt(off) << 24) | (id.charCodeAt(off + 1) << 16) | (id.charCodeAt(off + 2) << 8) |
    id.charCodeAt(off + 3)) >>> 0;
  const lo = ((id.charCodeAt(off + 4) << 24) | (id.charCodeAt(off + 5) << 16) | (id.charCodeAt(off + 6) << 8) |
    id.charCodeAt(off + 7)) >>> 0;
  if (hi < 0x200000) return hi * P32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The ID with parts `ms` and `seq` (non-negative, below 2^64). */
export function makeId(ms: number | bigint, seq: number | bigint): StreamId {
  return u64Chars(ms) + u64Chars(seq);
}

/** The milliseconds part (a number when below 2^53). */
export function idMs(id: StreamId): number | bigint {
  return u64At(id, 0);
}

/** The sequence part (a number when below 2^53). */
export function idSeq(id: StreamId): number | bigint {
  return u64At(id, 8);
}

/** "ms-seq". */
export function formatId(id: StreamId): string {
  return u64At(id, 0) + "-" + u64At(id, 8);
}

/** The next ID (seq + 1, carrying into ms), or null past the maximum (streamIncrID). */
export function idIncr(id: StreamId): StreamId | null {
  let i = 15;
  while (i >= 0 && id.charCodeAt(i) === 255) i--;
  if (i < 0) return null;
  return id.slice(0, i) + String.fromCharCode(id.charCodeAt(i) + 1) + "\0".repeat(15 - i);
}

/** The previous ID, or null before 0-0 (streamDecrID). */
export function idDecr(id: StreamId): StreamId | null {
  let i = 15;
  while (i >= 0 && id.charCodeAt(i) === 0) i--;
  if (i < 0) return null;
  return id.slice(0, i) + String.fromCharCode(id.charCodeAt(i) - 1) + "\xff".repeat(15 - i);
}

/** True for 0-0. */
export function idIsZero(id: StreamId): boolean {
  return id === MIN_ID;
}

/** True when the seq part is at its maximum (a `ms-*` XADD cannot add to that ms). */
export function seqIsMax(id: StreamId): boolean {
  return id.endsWith("\xff\xff\xff\xff\xff\xff\xff\xff");
}

/** True when the ms part is at its maximum. */
export function msIsMax(id: StreamId): boolean {
  return id.startsWith("\xff\xff\xff\xff\xff\xff\xff\xff");
}

/**
 * Redis's string2ull: an unsigned 64-bit decimal (strtoull's leading blanks, '+' and zeros accepted;
 * negative values rejected). Null when invalid.
 */
export function parseU64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0) return null;
  // Fast path: plain digits.
  let plain = n <= 15;
  for (let i = 0; i < n && plain; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 48 || ch > 57) plain = false;
  }
  if (plain) return Number(s);
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (m === null) return null;
  const v = BigInt(m[2]);
  if (v > U64_MAX) return null;
  if (m[1] === "-") return v === 0n ? 0 : null;
  return v <= 9007199254740991n ? Number(v) : v;
}

/** The result of parsing an ID argument. */
export interface ParsedId {
  id: StreamId;
  /** False for the `ms-*` form (XADD). */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply without the reply: "-", "+", "ms", "ms-seq" and (when `allowSeqStar`)
 * "ms-*". `missingSeq` fills a bare "ms". `strict` rejects "-" and "+". Null when invalid.
 */
export function parseIdText(
  s: string,
  missingSeq: "min" | "max",
  strict: boolean,
  allowSeqStar = false,
): ParsedId | null {
  if (s.length > 127) return null;
  const nul = s.indexOf("\0");
  if (nul >= 0) s = s.slice(0, nul);
  if (s === "-") return strict ? null : { id: MIN_ID, seqGiven: true };
  if (s === "+") return strict ? null : { id: MAX_ID, seqGiven: true };
  const dash = s.indexOf("-");
  const ms = parseU64(dash < 0 ? s : s.slice(0, dash));
  if (ms === null) return null;
  if (dash < 0) return { id: u64Chars(ms) + (missingSeq === "min" ? "\0".repeat(8) : "\xff".repeat(8)), seqGiven: true };
  const rest = s.slice(dash + 1);
  if (allowSeqStar && rest === "*") return { id: u64Chars(ms) + "\0".repeat(8), seqGiven: false };
  const seq = parseU64(rest);
  if (seq === null) return null;
  return { id: u64Chars(ms) + u64Chars(seq), seqGiven: true };
}
