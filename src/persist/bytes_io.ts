/**
 * Byte-level I/O for the RDB codecs: a growable little-endian byte writer and a bounds-checked
 * reader whose every failure is an `RdbError` (never an out-of-range read or a silent zero).
 */
import { bytesToStr, writeStr } from "../resp/bytes.ts";

/** A malformed or truncated RDB / DUMP payload. */
export class RdbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RdbError";
  }
}

/** Growable output buffer. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initial = 4096) {
    this.buf = new Uint8Array(initial);
  }

  /** Ensures room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u16le(v: number): void {
    this.reserve(2);
    this.buf[this.pos++] = v & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
  }

  u32le(v: number): void {
    this.reserve(4);
    for (let i = 0; i < 4; i++) this.buf[this.pos++] = (v >>> (8 * i)) & 0xff;
  }

  u32be(v: number): void {
    this.reserve(4);
    for (let i = 3; i >= 0; i--) this.buf[this.pos++] = (v >>> (8 * i)) & 0xff;
  }

  /** A signed or unsigned 64-bit integer, little-endian. */
  i64le(v: number | bigint): void {
    let b = BigInt.asUintN(64, BigInt(v));
    this.reserve(8);
    for (let i = 0; i < 8; i++) {
      this.buf[this.pos++] = Number(b & 0xffn);
      b >>= 8n;
    }
  }

  /** An unsigned 64-bit integer, big-endian (RDB 64-bit lengths). */
  u64be(v: number | bigint): void {
    let b = BigInt.asUintN(64, BigInt(v));
    this.reserve(8);
    for (let i = 7; i >= 0; i--) {
      this.buf[this.pos + i] = Number(b & 0xffn);
      b >>= 8n;
    }
    this.pos += 8;
  }

  f64le(d: number): void {
    this.reserve(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).setFloat64(0, d, true);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes a binary string's bytes. */
  str(s: string): void {
    this.reserve(s.length);
    this.pos += writeStr(this.buf, this.pos, s);
  }

  /** The bytes written so far (a view). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Drops everything written. */
  reset(): void {
    this.pos = 0;
  }
}

/** Bounds-checked reader over a byte array. */
export class ByteReader {
  pos: number;

  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new RdbError("Unexpected EOF reading RDB file");
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16le(): number {
    this.need(2);
    const b = this.buf, p = this.pos;
    this.pos += 2;
    return b[p] | (b[p + 1] << 8);
  }

  u32le(): number {
    this.need(4);
    const b = this.buf, p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  u32be(): number {
    this.need(4);
    const b = this.buf, p = this.pos;
    this.pos += 4;
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  /** A signed 64-bit little-endian integer (a number when safe, else a bigint). */
  i64le(): number | bigint {
    this.need(8);
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(this.buf[this.pos + i]);
    this.pos += 8;
    const s = BigInt.asIntN(64, v);
    return s >= -9007199254740991n && s <= 9007199254740991n ? Number(s) : s;
  }

  /** An unsigned 64-bit big-endian integer as a bigint. */
  u64be(): bigint {
    this.need(8);
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this.buf[this.pos + i]);
    this.pos += 8;
    return v;
  }

  f64le(): number {
    this.need(8);
    const d = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return d;
  }

  /** `n` bytes as a view. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** `n` bytes as a binary string. */
  str(n: number): string {
    this.need(n);
    const s = bytesToStr(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
