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

  /**
   * Where the line at pos ends (its CR, with the LF buffered too), or -1 while it is incomplete (the
   * error is set when it grew past Redis's inline limit). Searched from pos itself, as Redis does.
   */
  private lineEnd(tooBig: string): number {
    const buf = this.buf;
    const len = this.len;
    let cr = this.pos;
    while (cr < len && buf[cr] !== CR) cr++;
    if (cr >= len) {
      if (len - this.pos > INLINE_MAX) this.error = "Protocol error: " + tooBig;
      return -1;
    }
    if (cr + 1 >= len) return -1; // need the LF too
    if (cr - this.pos > INLINE_MAX) {
      this.error = "Protocol error: " + tooBig;
      return -1;
    }
    return cr;
  }

  /** Reads a `<prefix><integer>\r\n` line at pos; returns the value, undefined if incomplete, null if invalid. */
  private countLine(tooBig: string): number | undefined | null {
    const cr = this.lineEnd(tooBig);
    if (cr < 0) return undefined;
    const n = parseCount(this.buf, this.pos + 1, cr);
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
      const whole = this.wholeFrame(n);
      if (whole !== null) return whole;
      this.mbLeft = n;
      this.argv = [];
    }
    while (this.mbLeft > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= this.len) return null;
        // Like Redis, the first byte is checked only once the whole line is buffered.
        const cr = this.lineEnd("too big bulk count string");
        if (cr < 0) return null;
        if (buf[this.pos] !== 36 /* '$' */) {
          this.error = `Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos])}'`;
          return null;
        }
        const n = parseCount(buf, this.pos + 1, cr);
        this.pos = cr + 2;
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

  /**
   * The fast path of multibulk, with pos just past the `*n` line: when all `n` bulks are buffered and
   * well-formed, consumes them and returns argv (a packed array of exact size); otherwise returns null
   * with pos unchanged, and the incremental path takes over (it also produces the protocol errors).
   */
  private wholeFrame(n: number): string[] | null {
    const buf = this.buf, len = this.len;
    if (n > bulkStart.length) {
      if (n > 1024 * 1024) return null;
      bulkStart = new Int32Array(n);
      bulkLength = new Int32Array(n);
    }
    const max = this.strict ? 16384 : this.maxBulk;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      if (p >= len || buf[p] !== 36 /* '$' */) return null;
      let q = p + 1, v = 0;
      // Plain positive decimal lengths only; anything else goes the careful way.
      while (q < len) {
        const d = buf[q] - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
        q++;
      }
      if (q === p + 1 || q + 1 >= len || buf[q] !== CR || buf[q + 1] !== LF || q - p > 12 || v > max) return null;
      if (buf[p + 1] === 48 && q - p > 2) return null; // leading zero
      const start = q + 2;
      if (len - start < v + 2) return null;
      bulkStart[i] = start;
      bulkLength[i] = v;
      p = start + v + 2;
    }
    this.pos = p;
    const name = commandName(buf, bulkStart[0], bulkLength[0]);
    switch (n) {
      case 1:
        return [name];
      case 2:
        return [name, this.bulk(1)];
      case 3:
        return [name, this.bulk(1), this.bulk(2)];
      case 4:
        return [name, this.bulk(1), this.bulk(2), this.bulk(3)];
    }
    const argv = [name, this.bulk(1), this.bulk(2), this.bulk(3), this.bulk(4)];
    for (let i = 5; i < n; i++) argv.push(this.bulk(i));
    return argv;
  }

  /** The i-th bulk located by wholeFrame. */
  private bulk(i: number): string {
    const start = bulkStart[i];
    return bytesToStr(this.buf, start, start + bulkLength[i]);
  }
}

/** Offsets and lengths of the bulks of the frame being parsed by wholeFrame (reused). */
let bulkStart = new Int32Array(64);
let bulkLength = new Int32Array(64);

/**
 * Recently seen command names (argv[0]), by a hash of their length and first/last bytes: a repeated
 * command name reuses one string (no allocation, and its hash is already computed for the command
 * table lookup).
 */
const NAME_SLOTS = 64;
const nameCache: string[] = new Array(NAME_SLOTS).fill("");

/** argv[0] of `len` bytes at `start`: the cached string when the bytes match, else a new one (cached). */
function commandName(buf: Uint8Array, start: number, len: number): string {
  if (len === 0 || len > 24) return bytesToStr(buf, start, start + len);
  const slot = (len * 31 + buf[start] * 7 + buf[start + len - 1]) & (NAME_SLOTS - 1);
  const cached = nameCache[slot];
  if (cached.length === len) {
    let k = 0;
    while (k < len && cached.charCodeAt(k) === buf[start + k]) k++;
    if (k === len) return cached;
  }
  const name = bytesToStr(buf, start, start + len);
  nameCache[slot] = name;
  return name;
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
