/**
 * Redis's packed blob formats as stored inside RDB values: listpack (encode + decode), ziplist and
 * zipmap (decode, for old files), intset (encode + decode). Decoders validate every header, length
 * and terminator and throw RdbError on anything inconsistent.
 *
 * listpack: u32 total bytes, u16 count (65535 = unknown), entries of encoding + data + backlen, 0xFF.
 * Integers use the smallest of 7-bit unsigned, 13-bit, 16/24/32/64-bit signed; strings a 6-bit,
 * 12-bit or 32-bit length. backlen stores encoding + data size in 7-bit groups, most significant
 * first, every group but the first flagged with 0x80 so it can be read backwards.
 */
import { ByteReader, ByteWriter, RdbError } from "./bytes_io.ts";
import { parseInt64 } from "../util/numbers.ts";

// ---- listpack -------------------------------------------------------------------------------------

/** Appends the listpack entry for integer `v` (returns the entry's encoding + data size). */
function lpWriteInt(w: ByteWriter, v: number | bigint): number {
  const n = typeof v === "bigint" ? v : BigInt(v);
  if (n >= 0n && n <= 127n) {
    w.u8(Number(n));
    return 1;
  }
  if (n >= -4096n && n <= 4095n) {
    const u = Number(n < 0n ? (1n << 13n) + n : n);
    w.u8((u >> 8) | 0xc0);
    w.u8(u & 0xff);
    return 2;
  }
  const widths: [bigint, number, number][] = [[32767n, 0xf1, 2], [8388607n, 0xf2, 3], [2147483647n, 0xf3, 4]];
  for (const [max, tag, bytes] of widths) {
    if (n >= -max - 1n && n <= max) {
      w.u8(tag);
      let u = BigInt.asUintN(bytes * 8, n);
      for (let i = 0; i < bytes; i++) {
        w.u8(Number(u & 0xffn));
        u >>= 8n;
      }
      return bytes + 1;
    }
  }
  w.u8(0xf4);
  w.i64le(n);
  return 9;
}

function lpWriteBacklen(w: ByteWriter, l: number): void {
  if (l <= 127) w.u8(l);
  else if (l < 16383) {
    w.u8(l >>> 7);
    w.u8((l & 127) | 128);
  } else if (l < 2097151) {
    w.u8(l >>> 14);
    w.u8(((l >>> 7) & 127) | 128);
    w.u8((l & 127) | 128);
  } else if (l < 268435455) {
    w.u8(l >>> 21);
    w.u8(((l >>> 14) & 127) | 128);
    w.u8(((l >>> 7) & 127) | 128);
    w.u8((l & 127) | 128);
  } else {
    w.u8(Math.floor(l / 2 ** 28));
    w.u8(((l >>> 21) & 127) | 128);
    w.u8(((l >>> 14) & 127) | 128);
    w.u8(((l >>> 7) & 127) | 128);
    w.u8((l & 127) | 128);
  }
}

/** Appends one listpack entry for element `s` (integer-encoded when it is a canonical int64). */
function lpWriteEntry(w: ByteWriter, s: string): void {
  const iv = s.length <= 20 ? parseInt64(s) : null;
  let size: number;
  if (iv !== null) size = lpWriteInt(w, iv);
  else {
    const len = s.length;
    if (len < 64) {
      w.u8(0x80 | len);
      size = 1 + len;
    } else if (len < 4096) {
      w.u8(0xe0 | (len >>> 8));
      w.u8(len & 0xff);
      size = 2 + len;
    } else {
      w.u8(0xf0);
      w.u32le(len);
      size = 5 + len;
    }
    w.str(s);
  }
  lpWriteBacklen(w, size);
}

/** The listpack blob holding `elems` in order, as lpAppend would build it. */
export function lpEncode(elems: readonly string[]): Uint8Array {
  const w = new ByteWriter(64);
  w.u32le(0);
  w.u16le(0);
  for (const s of elems) lpWriteEntry(w, s);
  w.u8(0xff);
  const out = w.view().slice();
  const total = out.length;
  out[0] = total & 0xff;
  out[1] = (total >>> 8) & 0xff;
  out[2] = (total >>> 16) & 0xff;
  out[3] = (total >>> 24) & 0xff;
  const n = Math.min(elems.length, 65535);
  out[4] = n & 0xff;
  out[5] = n >>> 8;
  return out;
}

function signExtend(u: number, bits: number): number {
  return u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
}

/** Decodes a listpack blob into its elements (integers as decimal strings). */
export function lpDecode(blob: Uint8Array): string[] {
  if (blob.length < 7) throw new RdbError("listpack too short");
  const r = new ByteReader(blob);
  const total = r.u32le();
  const count = r.u16le();
  if (total !== blob.length) throw new RdbError("listpack size mismatch");
  if (blob[total - 1] !== 0xff) throw new RdbError("listpack without terminator");
  const out: string[] = [];
  const end = total - 1;
  while (r.pos < end) {
    const start = r.pos;
    const b = r.u8();
    if (b < 0x80) out.push(String(b));
    else if ((b & 0xc0) === 0x80) out.push(r.str(b & 0x3f));
    else if ((b & 0xe0) === 0xc0) out.push(String(signExtend(((b & 0x1f) << 8) | r.u8(), 13)));
    else if ((b & 0xf0) === 0xe0) out.push(r.str(((b & 0x0f) << 8) | r.u8()));
    else if (b === 0xf0) out.push(r.str(r.u32le()));
    else if (b === 0xf1) out.push(String(signExtend(r.u16le(), 16)));
    else if (b === 0xf2) out.push(String(signExtend(r.u16le() | (r.u8() << 16), 24)));
    else if (b === 0xf3) out.push(String(r.u32le() | 0));
    else if (b === 0xf4) out.push(String(r.i64le()));
    else throw new RdbError("listpack: invalid entry encoding");
    // backlen: verify it encodes this entry's size
    const size = r.pos - start;
    const bl = size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
    r.need(bl);
    let v = 0;
    for (let i = 0; i < bl; i++) {
      const c = blob[r.pos + i];
      if ((i === 0) !== (c < 128)) throw new RdbError("listpack: bad backlen");
      v = v * 128 + (c & 127);
    }
    if (v !== size) throw new RdbError("listpack: bad backlen");
    r.pos += bl;
    if (r.pos > end) throw new RdbError("listpack: entry past the end");
  }
  if (count !== 65535 && count !== out.length) throw new RdbError("listpack: count mismatch");
  return out;
}

// ---- ziplist (decode only) ------------------------------------------------------------------------

/** Decodes a ziplist blob (RDB types 10, 12, 13 and quicklist v1 nodes). */
export function zlDecode(blob: Uint8Array): string[] {
  if (blob.length < 11) throw new RdbError("ziplist too short");
  const r = new ByteReader(blob);
  const total = r.u32le();
  const tail = r.u32le();
  const count = r.u16le();
  if (total !== blob.length || blob[total - 1] !== 0xff || tail >= total) throw new RdbError("ziplist header");
  const out: string[] = [];
  const end = total - 1;
  let prevStart = -1;
  let lastStart = -1;
  while (r.pos < end) {
    const start = r.pos;
    let prevlen = r.u8();
    if (prevlen === 254) prevlen = r.u32le();
    else if (prevlen === 255) throw new RdbError("ziplist: bad prevlen");
    if (prevStart >= 0 ? prevlen !== start - prevStart : prevlen !== 0) throw new RdbError("ziplist: bad prevlen");
    const b = r.u8();
    const kind = b >> 6;
    if (kind === 0) out.push(r.str(b & 0x3f));
    else if (kind === 1) out.push(r.str(((b & 0x3f) << 8) | r.u8()));
    else if (b === 0x80) out.push(r.str(r.u32be()));
    else if (b === 0xc0) out.push(String(signExtend(r.u16le(), 16)));
    else if (b === 0xd0) out.push(String(r.u32le() | 0));
    else if (b === 0xe0) out.push(String(r.i64le()));
    else if (b === 0xf0) out.push(String(signExtend(r.u16le() | (r.u8() << 16), 24)));
    else if (b === 0xfe) out.push(String(signExtend(r.u8(), 8)));
    else if (b >= 0xf1 && b <= 0xfd) out.push(String((b & 0x0f) - 1));
    else throw new RdbError("ziplist: invalid entry encoding");
    if (r.pos > end) throw new RdbError("ziplist: entry past the end");
    prevStart = start;
    lastStart = start;
  }
  if (out.length > 0 && lastStart !== tail) throw new RdbError("ziplist: bad tail offset");
  if (count !== 65535 && count !== out.length) throw new RdbError("ziplist: count mismatch");
  return out;
}

// ---- zipmap (decode only) -------------------------------------------------------------------------

/** Decodes a zipmap blob (RDB type 9) into alternating field, value. */
export function zipmapDecode(blob: Uint8Array): string[] {
  const r = new ByteReader(blob);
  r.u8(); // zmlen: a hint only
  const out: string[] = [];
  const len = (): number => {
    const b = r.u8();
    if (b < 254) return b;
    if (b === 254) return r.u32le();
    return -1;
  };
  while (true) {
    const klen = len();
    if (klen === -1) break;
    out.push(r.str(klen));
    const vlen = len();
    if (vlen === -1) throw new RdbError("zipmap: missing value");
    const free = r.u8();
    out.push(r.str(vlen));
    r.bytes(free);
  }
  if (r.pos !== blob.length) throw new RdbError("zipmap: data after the end");
  return out;
}

// ---- intset ---------------------------------------------------------------------------------------

/** The intset blob of sorted distinct integers `ints`, with the smallest width that holds them all. */
export function intsetEncode(ints: readonly (number | bigint)[]): Uint8Array {
  let width = 2;
  for (const v of ints) {
    const n = BigInt(v);
    if (n < -2147483648n || n > 2147483647n) {
      width = 8;
      break;
    }
    if (n < -32768n || n > 32767n) width = 4;
  }
  const w = new ByteWriter(8 + ints.length * width);
  w.u32le(width);
  w.u32le(ints.length);
  for (const v of ints) {
    if (width === 8) w.i64le(v);
    else if (width === 4) w.u32le(Number(v) >>> 0);
    else w.u16le(Number(v) & 0xffff);
  }
  return w.view().slice();
}

/** Decodes an intset blob; checks width, length and strict ascending order. */
export function intsetDecode(blob: Uint8Array): (number | bigint)[] {
  const r = new ByteReader(blob);
  const width = r.u32le();
  const n = r.u32le();
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbError("intset: bad encoding");
  if (blob.length !== 8 + n * width) throw new RdbError("intset: bad length");
  const out: (number | bigint)[] = [];
  for (let i = 0; i < n; i++) {
    const v = width === 2 ? signExtend(r.u16le(), 16) : width === 4 ? r.u32le() | 0 : r.i64le();
    if (i > 0 && !(out[i - 1] < v)) throw new RdbError("intset: not sorted");
    out.push(v);
  }
  return out;
}
