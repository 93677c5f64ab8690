/**
 * Reply writer: encodes every RESP3 type (with RESP2 downgrades) into one growable output buffer.
 *
 * A client's replies for a whole read batch accumulate here and leave in one write (DESIGN.md §1).
 */
import { writeStr } from "./bytes.ts";
import { formatDouble } from "../util/numbers.ts";

const OK = new TextEncoder().encode("+OK\r\n");

export class ReplyBuffer {
  /** Protocol version negotiated with HELLO. */
  resp: 2 | 3 = 2;
  out: Uint8Array = new Uint8Array(16 * 1024);
  outLen = 0;
  /** When set (CLIENT REPLY OFF/SKIP, or replies swallowed), replies are not buffered. */
  muted = false;
  /** Count of error replies written; the dispatcher reads it to classify failed calls. */
  errorReplies = 0;

  /** Makes room for `n` more bytes. */
  protected reserve(n: number): void {
    const need = this.outLen + n;
    if (need <= this.out.length) return;
    let cap = this.out.length * 2;
    while (cap < need) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.out.subarray(0, this.outLen));
    this.out = nb;
    this.onGrow(need);
  }

  /** Called when the output buffer had to grow to `size` bytes (output-buffer-limit checks). */
  protected onGrow(_size: number): void {}

  /** Appends raw protocol text (a binary string). */
  addRaw(s: string): void {
    if (this.muted) return;
    this.reserve(s.length);
    this.outLen += writeStr(this.out, this.outLen, s);
  }

  /** Appends raw protocol bytes. */
  addBytes(b: Uint8Array): void {
    if (this.muted) return;
    this.reserve(b.length);
    this.out.set(b, this.outLen);
    this.outLen += b.length;
  }

  addOk(): void {
    this.addBytes(OK);
  }

  /** `+status` (newlines are replaced by spaces, as Redis does). */
  addStatus(s: string): void {
    this.addRaw("+" + s + "\r\n");
  }

  /** `-ERR …`: `msg` is the full error text including its code (e.g. "ERR syntax error"). */
  addError(msg: string): void {
    this.errorReplies++;
    this.onError(msg);
    if (msg.includes("\r") || msg.includes("\n")) msg = msg.replace(/[\r\n]/g, " ");
    this.addRaw("-" + msg + "\r\n");
  }

  /** Hook for error statistics; the client overrides it. */
  protected onError(_msg: string): void {}

  addBulk(s: string): void {
    if (this.muted) return;
    const len = s.length;
    this.reserve(len + 24);
    const out = this.out;
    let p = this.outLen;
    out[p++] = 36; // $
    p += writeStr(out, p, String(len));
    out[p++] = 13;
    out[p++] = 10;
    p += writeStr(out, p, s);
    out[p++] = 13;
    out[p++] = 10;
    this.outLen = p;
  }

  /**
   * A bulk reply `<a>-<b>` of two integers in [0, 2^53) (a stream ID) written straight into the
   * output, without building the string. The digits of `a` are kept from the previous call: IDs
   * generated within one millisecond share it.
   */
  addBulkPair(a: number, b: number): void {
    if (this.muted) return;
    this.reserve(64);
    const out = this.out;
    let p = this.outLen;
    if (a !== pairA) {
      pairA = a;
      pairALen = writeSafeUint(pairADigits, 0, a);
    }
    const aLen = pairALen;
    out[p++] = 36; // $
    p = writeUint(out, p, aLen + 1 + (b < 10 ? 1 : decimalDigits(b)));
    out[p++] = 13;
    out[p++] = 10;
    for (let i = 0; i < aLen; i++) out[p + i] = pairADigits[i];
    p += aLen;
    out[p++] = 45; // -
    p = writeSafeUint(out, p, b);
    out[p++] = 13;
    out[p++] = 10;
    this.outLen = p;
  }

  /** A bulk reply of `s[start, start + len)`, without creating the substring (list ranges). */
  addBulkSlice(s: string, start: number, len: number): void {
    if (this.muted) return;
    if (len > 64) return this.addBulk(s.slice(start, start + len));
    this.reserve(len + 24);
    const out = this.out;
    let p = this.outLen;
    out[p++] = 36; // $
    p = writeUint(out, p, len);
    out[p++] = 13;
    out[p++] = 10;
    for (let i = 0; i < len; i++) out[p++] = s.charCodeAt(start + i);
    out[p++] = 13;
    out[p++] = 10;
    this.outLen = p;
  }

  /** A bulk reply, or null when `s` is undefined. */
  addBulkOrNull(s: string | undefined | null): void {
    if (s === undefined || s === null) this.addNull();
    else this.addBulk(s);
  }

  /** Null bulk (`$-1` in RESP2, `_` in RESP3). */
  addNull(): void {
    this.addRaw(this.resp === 2 ? "$-1\r\n" : "_\r\n");
  }

  /** Null array (`*-1` in RESP2, `_` in RESP3). */
  addNullArray(): void {
    this.addRaw(this.resp === 2 ? "*-1\r\n" : "_\r\n");
  }

  addInt(n: number | bigint): void {
    if (typeof n !== "number" || n < 0 || n > 0x7fffffff || this.muted) {
      this.addRaw(":" + n + "\r\n");
      return;
    }
    // Small non-negative integers (lengths, counts): digits written in place, no string built.
    this.reserve(16);
    const out = this.out;
    let p = this.outLen;
    out[p++] = 58; // :
    p = writeUint(out, p, n);
    out[p++] = 13;
    out[p++] = 10;
    this.outLen = p;
  }

  addArrayLen(n: number): void {
    this.addRaw("*" + n + "\r\n");
  }

  /** Map header: `%n` in RESP3, an array of 2n in RESP2. */
  addMapLen(n: number): void {
    this.addRaw(this.resp === 2 ? "*" + 2 * n + "\r\n" : "%" + n + "\r\n");
  }

  /** Set header: `~n` in RESP3, an array in RESP2. */
  addSetLen(n: number): void {
    this.addRaw(this.resp === 2 ? "*" + n + "\r\n" : "~" + n + "\r\n");
  }

  /** Push header: `>n` in RESP3, an array in RESP2. */
  addPushLen(n: number): void {
    this.addRaw(this.resp === 2 ? "*" + n + "\r\n" : ">" + n + "\r\n");
  }

  /** Attribute header (RESP3 only; callers skip it under RESP2). */
  addAttributeLen(n: number): void {
    this.addRaw("|" + n + "\r\n");
  }

  /** Double: `,d` in RESP3, a bulk string in RESP2 (formatted like Redis). */
  addDouble(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 2) this.addBulk(s);
    else this.addRaw("," + s + "\r\n");
  }

  /** Boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
  addBool(b: boolean): void {
    if (this.resp === 2) this.addRaw(b ? ":1\r\n" : ":0\r\n");
    else this.addRaw(b ? "#t\r\n" : "#f\r\n");
  }

  /** Big number: `(n` in RESP3, a bulk string in RESP2. */
  addBigNumber(s: string): void {
    if (this.resp === 2) this.addBulk(s);
    else this.addRaw("(" + s + "\r\n");
  }

  /** Verbatim string: `=len\r\ntxt:…` in RESP3, a bulk string in RESP2. */
  addVerbatim(s: string, format = "txt"): void {
    if (this.resp === 2) this.addBulk(s);
    else this.addRaw("=" + (s.length + 4) + "\r\n" + format + ":" + s + "\r\n");
  }

  /** An array of bulk strings. */
  addBulkArray(items: readonly string[]): void {
    this.addArrayLen(items.length);
    for (const s of items) this.addBulk(s);
  }

  /** An array of bulk strings where undefined/null entries are null bulks. */
  addBulkOrNullArray(items: readonly (string | undefined | null)[]): void {
    this.addArrayLen(items.length);
    for (const s of items) this.addBulkOrNull(s);
  }
}

/** Writes the decimal digits of `n` (a non-negative integer below 2^31) at `p`; returns the new end. */
/** Decimal digits of an integer in [0, 2^53). */
/** The first part of the last `addBulkPair` and its decimal digits. */
let pairA = -1;
let pairALen = 0;
const pairADigits = new Uint8Array(16);

/** Decimal digits of an integer in [0, 2^53). */
function decimalDigits(n: number): number {
  let d = 1;
  for (let v = 10; v <= n && d < 16; v *= 10) d++;
  return d;
}

/** Writes an integer in [0, 2^53) in decimal (writeUint is limited to 31 bits). */
function writeSafeUint(out: Uint8Array, p: number, n: number): number {
  if (n < 0x80000000) return writeUint(out, p, n);
  const hi = Math.floor(n / 1e8);
  let lo = (n - hi * 1e8) | 0; // below 1e8: int32 arithmetic from here
  p = writeUint(out, p, hi);
  for (let i = p + 7; i >= p; i--) {
    out[i] = 48 + (lo % 10);
    lo = (lo / 10) | 0;
  }
  return p + 8;
}

/** Writes an integer in [0, 2^31) in decimal; returns the position after it. */
function writeUint(out: Uint8Array, p: number, n: number): number {
  n |= 0; // int32 arithmetic (callers may hold it as a double)
  if (n < 10) {
    out[p] = 48 + n;
    return p + 1;
  }
  if (n < 100) {
    out[p] = 48 + ((n / 10) | 0);
    out[p + 1] = 48 + (n % 10);
    return p + 2;
  }
  let digits = 3;
  for (let v = 1000; v <= n && digits < 10; v *= 10) digits++;
  for (let i = p + digits - 1; i >= p; i--) {
    out[i] = 48 + (n % 10);
    n = (n / 10) | 0;
  }
  return p + digits;
}
