/**
 * RESP request parser: multibulk (`*N\r\n$len\r\n…`) and inline commands → argv of binary strings.
 *
 * Owns the client's query buffer, Redis's protocol limits and its exact protocol error texts. Parsing is
 * synchronous and incremental: a partial frame stays in the buffer (with the multibulk progress kept, so
 * a big value arriving in many reads is not re-scanned).
 */
import { bytesToStr } from "./bytes.ts";
import { splitArgs } from "../util/splitargs.ts";

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline request or count line. */
export const INLINE_MAX = 64 * 1024;
const CR = 13, LF = 10;

export class RequestParser {
  buf: Uint8Array = new Uint8Array(16 * 1024);
  /** Next byte to parse. */
  pos = 0;
  /** End of valid data. */
  len = 0;
  /** Set when a protocol error happened: the reply text (without the leading `-`). */
  error: string | null = null;
  /** Largest accepted bulk (proto-max-bulk-len). */
  maxBulk = 512 * 1024 * 1024;
  /** Unauthenticated clients get Redis's tighter limits (10 args, 16 KiB bulks). */
  strict = false;

  private argv: string[] = [];
  private mbLeft = 0;
  private bulkLen = -1;

  /** Returns a writable region of at least `min` bytes at the end of the buffer for the next read. */
  readTarget(min = 16 * 1024): Uint8Array {
    if (this.pos === this.len) this.pos = this.len = 0;
    const need = Math.max(min, this.bulkLen >= 0 ? this.bulkLen + 2 - (this.len - this.pos) : 0);
    if (this.buf.length - this.len < need) {
      const used = this.len - this.pos;
      if (this.pos > 0 && this.buf.length - used >= need && this.pos >= used) {
        this.buf.copyWithin(0, this.pos, this.len);
      } else {
        let cap = this.buf.length * 2;
        while (cap - used < need) cap *= 2;
        const nb = new Uint8Array(cap);
        nb.set(this.buf.subarray(this.pos, this.len));
        this.buf = nb;
      }
      this.pos = 0;
      this.len = used;
    }
    return this.buf.subarray(this.len);
  }

  /** Bytes buffered but not yet consumed (query buffer length for limits and CLIENT LIST). */
  pending(): number {
    return this.len - this.pos;
  }

  /** Drops everything buffered (after a protocol error). */
  reset(): void {
    this.pos = this.len = 0;
    this.argv = [];
    this.mbLeft = 0;
    this.bulkLen = -1;
    if (this.buf.length > 64 * 1024) this.buf = new Uint8Array(16 * 1024);
  }

  /**
   * Parses the next complete command. Returns its argv (possibly empty for a blank request, which the
   * caller skips), or `null` when more bytes are needed or a protocol error was set in `error`.
   */
  next(): string[] | null {
    if (this.pos >= this.len) return null;
    if (this.mbLeft === 0 && this.buf[this.pos] !== 42 /* '*' */) return this.inline();
    return this.multibulk();
  }

  private inline(): string[] | null {
    const buf = this.buf;
    const rel = buf.subarray(this.pos, this.len).indexOf(LF);
    if (rel < 0) {
      if (this.len - this.pos > INLINE_MAX) this.error = "Protocol error: too big inline request";
      return null;
    }
    const nl = this.pos + rel;
    let end = nl;
    if (end > this.pos && buf[end - 1] === CR) end--;
    const line = bytesToStr(buf, this.pos, end);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) {
      this.error = "Protocol error: unbalanced quotes in request";
      return null;
    }
    return args;
  }

  /** Reads a `<prefix><integer>\r\n` line at pos; returns the value, undefined if incomplete, null if invalid. */
  private countLine(tooBig: string): number | undefined | null {
    const buf = this.buf;
    const start = this.pos + 1;
    const len = this.len;
    let cr = start;
    while (cr < len && buf[cr] !== CR) cr++;
    if (cr >= len) {
      if (len - this.pos > INLINE_MAX) this.error = "Protocol error: " + tooBig;
      return undefined;
    }
    if (cr + 1 >= len) return undefined; // need the LF too
    if (cr - this.pos > INLINE_MAX) {
      this.error = "Protocol error: " + tooBig;
      return undefined;
    }
    const n = parseCount(buf, start, cr);
    this.pos = cr + 2;
    return n;
  }

  private multibulk(): string[] | null {
    const buf = this.buf;
    if (this.mbLeft === 0) {
      const n = this.countLine("too big mbulk count string");
      if (n === undefined) return null;
      if (n === null || n > 2147483647 || (this.strict && n > 10)) {
        this.error = "Protocol error: invalid multibulk length";
        return null;
      }
      if (n <= 0) return [];
      this.mbLeft = n;
      this.argv = new Array(n);
      this.argv.length = 0;
    }
    while (this.mbLeft > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= this.len) return null;
        if (buf[this.pos] !== 36 /* '$' */) {
          this.error = `Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos])}'`;
          return null;
        }
        const n = this.countLine("too big bulk count string");
        if (n === undefined) return null;
        if (n === null || n < 0 || n > this.maxBulk || (this.strict && n > 16384)) {
          this.error = "Protocol error: invalid bulk length";
          return null;
        }
        this.bulkLen = n;
      }
      if (this.len - this.pos < this.bulkLen + 2) return null;
      this.argv.push(bytesToStr(buf, this.pos, this.pos + this.bulkLen));
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.mbLeft--;
    }
    const argv = this.argv;
    this.argv = [];
    return argv;
  }
}

/** Parses a strict decimal integer like Redis's string2ll; null when malformed. */
function parseCount(buf: Uint8Array, start: number, end: number): number | null {
  if (start >= end) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 45 /* - */) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  if (end - i === 1 && buf[i] === 48) return neg ? null : 0;
  if (buf[i] < 49 || buf[i] > 57) return null;
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
    if (v > 1e17) return neg ? null : Number.MAX_SAFE_INTEGER;
  }
  return neg ? -v : v;
}
