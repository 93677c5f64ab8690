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
  const hi = word(id, off);
  const lo = word(id, off + 4);
  if (hi < 0x200000) return hi * P32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The ID with parts `ms` and `seq` (non-negative, below 2^64), as one flat string. */
export function makeId(ms: number | bigint, seq: number | bigint): StreamId {
  let mh: number, ml: number, sh: number, sl: number;
  if (typeof ms === "number") {
    mh = Math.floor(ms / P32);
    ml = ms - mh * P32;
  } else {
    mh = Number(ms >> 32n);
    ml = Number(ms & 0xffffffffn);
  }
  if (typeof seq === "number") {
    sh = Math.floor(seq / P32);
    sl = seq - sh * P32;
  } else {
    sh = Number(seq >> 32n);
    sl = Number(seq & 0xffffffffn);
  }
  return fromWords(mh, ml, sh, sl);
}

/** The ID of four 32-bit words (ms high, ms low, seq high, seq low), built in one step. */
function fromWords(mh: number, ml: number, sh: number, sl: number): StreamId {
  return String.fromCharCode(
    mh >>> 24,
    (mh >>> 16) & 255,
    (mh >>> 8) & 255,
    mh & 255,
    ml >>> 24,
    (ml >>> 16) & 255,
    (ml >>> 8) & 255,
    ml & 255,
    sh >>> 24,
    (sh >>> 16) & 255,
    (sh >>> 8) & 255,
    sh & 255,
    sl >>> 24,
    (sl >>> 16) & 255,
    (sl >>> 8) & 255,
    sl & 255,
  );
}

/** The 32-bit big-endian word at char `off` of an ID. */
function word(id: StreamId, off: number): number {
  return ((id.charCodeAt(off) << 24) | (id.charCodeAt(off + 1) << 16) | (id.charCodeAt(off + 2) << 8) |
    id.charCodeAt(off + 3)) >>> 0;
}

/** The ID `ms`-`seq` for parts below 2^53 (no BigInt). */
export function numId(ms: number, seq: number): StreamId {
  const mh = Math.floor(ms / P32);
  const sh = Math.floor(seq / P32);
  return fromWords(mh, ms - mh * P32, sh, seq - sh * P32);
}

/** The ID `ms`-0 for a millisecond time (below 2^53), built in one step (the XADD `*` hot path). */
export function msOnlyId(ms: number): StreamId {
  const hi = Math.floor(ms / P32);
  return fromWords(hi, ms - hi * P32, 0, 0);
}

/** The milliseconds part (a number when below 2^53). */
export function idMs(id: StreamId): number | bigint {
  return u64At(id, 0);
}

/** The sequence part (a number when below 2^53). */
export function idSeq(id: StreamId): number | bigint {
  return u64At(id, 8);
}

let lastFormatted: StreamId = "";
let lastText = "";

/** "ms-seq" (the last one is remembered: a reply and its propagation often format the same ID). */
export function formatId(id: StreamId): string {
  if (id === lastFormatted) return lastText;
  const t = u64At(id, 0) + "-" + u64At(id, 8);
  lastFormatted = id;
  lastText = t;
  return t;
}

/** The next ID (seq + 1, carrying into ms), or null past the maximum (streamIncrID). */
export function idIncr(id: StreamId): StreamId | null {
  let mh = word(id, 0), ml = word(id, 4), sh = word(id, 8), sl = word(id, 12);
  if (sl !== 0xffffffff) sl++;
  else {
    sl = 0;
    if (sh !== 0xffffffff) sh++;
    else {
      sh = 0;
      if (ml !== 0xffffffff) ml++;
      else {
        ml = 0;
        if (mh === 0xffffffff) return null;
        mh++;
      }
    }
  }
  return fromWords(mh, ml, sh, sl);
}

/** The previous ID, or null before 0-0 (streamDecrID). */
export function idDecr(id: StreamId): StreamId | null {
  let mh = word(id, 0), ml = word(id, 4), sh = word(id, 8), sl = word(id, 12);
  if (sl !== 0) sl--;
  else {
    sl = 0xffffffff;
    if (sh !== 0) sh--;
    else {
      sh = 0xffffffff;
      if (ml !== 0) ml--;
      else {
        ml = 0xffffffff;
        if (mh === 0) return null;
        mh--;
      }
    }
  }
  return fromWords(mh, ml, sh, sl);
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

/**
 * The common forms "ms" and "ms-seq" with parts of at most 15 digits, parsed without allocating;
 * undefined for anything else (the caller falls back to parseIdText).
 */
export function parseIdSimple(s: string, missingSeq: "min" | "max"): StreamId | undefined {
  const n = s.length;
  if (n === 0 || n > 31) return undefined;
  let ms = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 45) break;
    if (c < 48 || c > 57) return undefined;
    ms = ms * 10 + (c - 48);
  }
  if (i === 0 || i > 15) return undefined;
  if (i === n) return missingSeq === "min" ? numId(ms, 0) : undefined;
  const st = ++i;
  let seq = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    seq = seq * 10 + (c - 48);
  }
  if (i === st || i - st > 15) return undefined;
  return numId(ms, seq);
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
