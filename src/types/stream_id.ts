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

function u64At(id: StreamId, off: number): number | bigint {
  const hi = ((id.charCodeAt(off) << 24) | (id.charCodeAt(off + 1) << 16) | (id.charCodeAt(off + 2) << 8) |
    id.charCodeAt(off + 3)) >>> 0;
  const lo = ((id.charCodeAt(off + 4) << 24) | (id.charCodeAt(off + 5) << 16) | (id.charCodeAt(off + 6) << 8) |
    id.charCodeAt(off + 7)) >>> 0;
  if (hi < 0x200000) return hi * P32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The ID with parts `ms` and `seq` (non-negative, below 2^64), as one flat string. */
export function makeId(ms: number | bigint, seq: number | bigint): StreamId {
  const c = new Array<number>(16);
  putU64(c, 0, ms);
  putU64(c, 8, seq);
  return String.fromCharCode(...c);
}

function putU64(c: number[], off: number, v: number | bigint): void {
  let hi: number;
  let lo: number;
  if (typeof v === "number") {
    hi = Math.floor(v / P32);
    lo = v - hi * P32;
  } else {
    hi = Number(v >> 32n);
    lo = Number(v & 0xffffffffn);
  }
  c[off] = hi >>> 24;
  c[off + 1] = (hi >>> 16) & 255;
  c[off + 2] = (hi >>> 8) & 255;
  c[off + 3] = hi & 255;
  c[off + 4] = lo >>> 24;
  c[off + 5] = (lo >>> 16) & 255;
  c[off + 6] = (lo >>> 8) & 255;
  c[off + 7] = lo & 255;
}

/** The ID `ms`-0 for a millisecond time (below 2^53), built in one step (the XADD `*` hot path). */
export function msOnlyId(ms: number): StreamId {
  const hi = Math.floor(ms / P32);
  const lo = ms - hi * P32;
  return String.fromCharCode(
    hi >>> 24,
    (hi >>> 16) & 255,
    (hi >>> 8) & 255,
    hi & 255,
    lo >>> 24,
    (lo >>> 16) & 255,
    (lo >>> 8) & 255,
    lo & 255,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  );
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

/** The char codes of an ID. */
function codes(id: StreamId): number[] {
  const c = new Array<number>(16);
  for (let i = 0; i < 16; i++) c[i] = id.charCodeAt(i);
  return c;
}

/** The next ID (seq + 1, carrying into ms), or null past the maximum (streamIncrID). */
export function idIncr(id: StreamId): StreamId | null {
  const c = codes(id);
  let i = 15;
  while (i >= 0 && c[i] === 255) c[i--] = 0;
  if (i < 0) return null;
  c[i]++;
  return String.fromCharCode(...c);
}

/** The previous ID, or null before 0-0 (streamDecrID). */
export function idDecr(id: StreamId): StreamId | null {
  const c = codes(id);
  let i = 15;
  while (i >= 0 && c[i] === 0) c[i--] = 255;
  if (i < 0) return null;
  c[i]--;
  return String.fromCharCode(...c);
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
  if (dash < 0) return { id: makeId(ms, missingSeq === "min" ? 0 : U64_MAX), seqGiven: true };
  const rest = s.slice(dash + 1);
  if (allowSeqStar && rest === "*") return { id: makeId(ms, 0), seqGiven: false };
  const seq = parseU64(rest);
  if (seq === null) return null;
  return { id: makeId(ms, seq), seqGiven: true };
}
