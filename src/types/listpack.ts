/**
 * Packed listpacks: a small hash's entries in ONE binary string, as Redis keeps them in one listpack
 * allocation. Each entry is `len(field) field len(value) value`, plus for `listpackex` a 6-byte
 * big-endian expire time in ms (0 = none). Lengths are LEB128 varints (one byte below 128).
 *
 * Measured on 100k hashes of 10 small fields: a flat array of strings costs ~925 B per hash in V8
 * (a 16-byte header per string, 8 bytes per array slot), this layout ~230 B. Lookups scan the string
 * (like lpFind); every change builds a new flat string through one scratch buffer (like Redis's
 * listpack realloc + memmove). Offsets of entries are positions for the Hash type.
 */

/** Bytes of an inline expire time. */
export const TTL_BYTES = 6;

/** Offset just past the last varint read by readLen. */
let after = 0;

/** Reads the varint length at `p` of `s`; the data starts at `after`. */
function readLen(s: string, p: number): number {
  let b = s.charCodeAt(p++);
  if (b < 0x80) {
    after = p;
    return b;
  }
  let len = b & 0x7f, mul = 0x80;
  do {
    b = s.charCodeAt(p++);
    len += (b & 0x7f) * mul;
    mul *= 0x80;
  } while (b >= 0x80);
  after = p;
  return len;
}

/** Reads a 6-byte big-endian time at `p`. */
function readTtl(s: string, p: number): number {
  return (
    s.charCodeAt(p) * 0x10000000000 + s.charCodeAt(p + 1) * 0x100000000 + s.charCodeAt(p + 2) * 0x1000000 +
    ((s.charCodeAt(p + 3) << 16) | (s.charCodeAt(p + 4) << 8) | s.charCodeAt(p + 5))
  );
}

/** Offset of the entry whose field is `field`, or -1. */
export function lpFind(lp: string, field: string, ex: boolean): number {
  const end = lp.length, fl = field.length, extra = ex ? TTL_BYTES : 0;
  let p = 0;
  while (p < end) {
    const flen = readLen(lp, p);
    const q = after;
    if (flen === fl && lp.startsWith(field, q)) return p;
    const vlen = readLen(lp, q + flen);
    p = after + vlen + extra;
  }
  return -1;
}

/** Offset just past the entry at `p`. */
export function lpNext(lp: string, p: number, ex: boolean): number {
  const flen = readLen(lp, p);
  const vlen = readLen(lp, after + flen);
  return after + vlen + (ex ? TTL_BYTES : 0);
}

/** The field of the entry at `p`. */
export function lpField(lp: string, p: number): string {
  const flen = readLen(lp, p);
  return lp.substring(after, after + flen);
}

/** The value of the entry at `p`. */
export function lpValue(lp: string, p: number): string {
  const flen = readLen(lp, p);
  const vlen = readLen(lp, after + flen);
  return lp.substring(after, after + vlen);
}

/** True when the entry at `p` holds `value` (no allocation). */
export function lpValueIs(lp: string, p: number, value: string): boolean {
  const flen = readLen(lp, p);
  const vlen = readLen(lp, after + flen);
  return vlen === value.length && lp.startsWith(value, after);
}

/** The expire time of the entry at `p` of a listpackex (0 = none). */
export function lpTtl(lp: string, p: number): number {
  const flen = readLen(lp, p);
  const vlen = readLen(lp, after + flen);
  return readTtl(lp, after + vlen);
}

/** Offsets of every entry, in order. */
export function lpOffsets(lp: string, ex: boolean): number[] {
  const out: number[] = [];
  for (let p = 0; p < lp.length; p = lpNext(lp, p, ex)) out.push(p);
  return out;
}

/**
 * Calls `fn(field, value, expireAt)` for each entry in order (expireAt 0 without ex). Stops early
 * when `fn` returns true.
 */
export function lpForEach(
  lp: string,
  ex: boolean,
  fn: (field: string, value: string, expireAt: number) => boolean | void,
): void {
  let p = 0;
  while (p < lp.length) {
    const flen = readLen(lp, p);
    const field = lp.substring(after, after + flen);
    const vlen = readLen(lp, after + flen);
    const v0 = after;
    const value = lp.substring(v0, v0 + vlen);
    p = v0 + vlen;
    let t = 0;
    if (ex) {
      t = readTtl(lp, p);
      p += TTL_BYTES;
    }
    if (fn(field, value, t) === true) return;
  }
}

// ---- building ---------------------------------------------------------------------------------------
// New listpacks are built with Array.prototype.join, which writes one flat sequential string in one
// pass (~5× faster than a byte buffer filled char by char, and unlike `+` it leaves no cons string).

/** The varint encoding of `n`. */
function lenStr(n: number): string {
  if (n < 0x80) return String.fromCharCode(n);
  let s = "";
  while (n >= 0x80) {
    s += String.fromCharCode((n & 0x7f) | 0x80);
    n = Math.floor(n / 0x80);
  }
  return s + String.fromCharCode(n);
}

/** The 6-byte big-endian encoding of a time. */
function ttlStr(t: number): string {
  const hi = Math.floor(t / 0x1000000);
  return String.fromCharCode(
    Math.floor(hi / 0x10000) & 0xff,
    (hi >> 8) & 0xff,
    hi & 0xff,
    (t >> 16) & 0xff,
    (t >> 8) & 0xff,
    t & 0xff,
  );
}

const NO_TTL = "\0\0\0\0\0\0";

/** Appends one entry's pieces to `parts`. */
function pushEntry(parts: string[], field: string, value: string, ex: boolean, ttl: number): void {
  parts.push(lenStr(field.length), field, lenStr(value.length), value);
  if (ex) parts.push(ttl === 0 ? NO_TTL : ttlStr(ttl));
}

/** A packed listpack of the pairs argv[start], argv[start + 1], … (no TTLs). */
export function lpFromPairs(argv: readonly string[], start: number, ex: boolean): string {
  const parts: string[] = [];
  for (let i = start; i < argv.length; i += 2) pushEntry(parts, argv[i], argv[i + 1], ex, 0);
  return parts.join("");
}

/**
 * `lp` with the bytes [from, to) replaced by one entry (`field` !== null) or by nothing: the one
 * primitive every insert, update, delete and move goes through.
 */
export function lpSplice(
  lp: string,
  from: number,
  to: number,
  field: string | null,
  value: string,
  ex: boolean,
  ttl: number,
): string {
  if (field === null) {
    if (from === 0) return detach(lp.substring(to));
    if (to === lp.length) return detach(lp.substring(0, from));
  }
  const pre = from > 0 ? lp.substring(0, from) : "";
  const post = to < lp.length ? lp.substring(to) : "";
  if (field === null) return [pre, post].join("");
  // Array literals of the exact size: join is the hot spot of every write to a small hash.
  const fl = lenStr(field.length), vl = lenStr(value.length);
  if (!ex) return [pre, fl, field, vl, value, post].join("");
  return [pre, fl, field, vl, value, ttl === 0 ? NO_TTL : ttlStr(ttl), post].join("");
}

/**
 * A flat copy of `s`. A substring of 13+ chars is a V8 sliced string that keeps its whole parent
 * alive (and `join` of a single non-empty part returns it as is), so anything kept from a listpack —
 * a shorter listpack, fields and values moved to a hashtable — goes through here.
 */
export function detach(s: string): string {
  if (s.length < 13) return s;
  const mid = s.length >> 1;
  return [s.substring(0, mid), s.substring(mid)].join("");
}

/** `lp` re-encoded with (ex = true, every time 0) or without (ex = false) inline expire times. */
export function lpConvert(lp: string, fromEx: boolean, toEx: boolean): string {
  const pairs: string[] = [];
  lpForEach(lp, fromEx, (f, v) => {
    pairs.push(f, v);
  });
  return lpFromPairs(pairs, 0, toEx);
}
