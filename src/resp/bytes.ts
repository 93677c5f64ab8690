/**
 * Binary strings: the byte ⇄ string conversions used everywhere.
 *
 * Keys and values are JS strings holding one byte per char (0–255), see DESIGN.md §2. This module owns
 * the only exact conversions between those strings and bytes (never `TextDecoder("latin1")`).
 */
import { Buffer } from "node:buffer";

const encoder = new TextEncoder();

/** Decodes `bytes[start, end)` as a binary string (one char per byte). */
export function bytesToStr(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const len = end - start;
  if (len <= 24) return shortStr(bytes, start, len);
  if (bytes.buffer !== lastAb || bytes.byteOffset !== 0) {
    if (bytes.byteOffset !== 0) {
      return (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as Latin1).latin1Slice(
        start,
        end,
      );
    }
    lastAb = bytes.buffer;
    lastBuf = Buffer.from(bytes.buffer) as unknown as Latin1;
  }
  return lastBuf!.latin1Slice(start, end);
}

/**
 * Short strings (up to 24 bytes: most keys, fields and numbers) in one call with the bytes as
 * arguments: 2–4× faster than appending char by char, ~1.6× faster than a Buffer latin1 slice, and
 * faster than `fromCharCode.apply` on a reused array (measured). Deliberately unrolled.
 */
// deno-fmt-ignore
function shortStr(b: Uint8Array, i: number, len: number): string {
  switch (len) {
    case 0: return "";
    case 1: return String.fromCharCode(b[i]);
    case 2: return String.fromCharCode(b[i], b[i + 1]);
    case 3: return String.fromCharCode(b[i], b[i + 1], b[i + 2]);
    case 4: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);
    case 5: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4]);
    case 6: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5]);
    case 7: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6]);
    case 8: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    case 9: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8]);
    case 10: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9]);
    case 11: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10]);
    case 12: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11]);
    case 13: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12]);
    case 14: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13]);
    case 15: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14]);
    case 16: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15]);
    case 17: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15], b[i + 16]);
    case 18: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15], b[i + 16], b[i + 17]);
    case 19: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15], b[i + 16], b[i + 17], b[i + 18]);
    case 20: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15], b[i + 16], b[i + 17], b[i + 18], b[i + 19]);
    case 21: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15], b[i + 16], b[i + 17], b[i + 18], b[i + 19], b[i + 20]);
    case 22: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15], b[i + 16], b[i + 17], b[i + 18], b[i + 19], b[i + 20], b[i + 21]);
    case 23: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15], b[i + 16], b[i + 17], b[i + 18], b[i + 19], b[i + 20], b[i + 21], b[i + 22]);
    case 24: return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11], b[i + 12], b[i + 13], b[i + 14], b[i + 15], b[i + 16], b[i + 17], b[i + 18], b[i + 19], b[i + 20], b[i + 21], b[i + 22], b[i + 23]);
    default: throw new RangeError("shortStr: length over 24");
  }
}

interface Latin1 {
  latin1Slice(start: number, end: number): string;
}
let lastAb: ArrayBufferLike | null = null;
let lastBuf: Latin1 | null = null;

/**
 * Writes binary string `s` into `dest` at `offset` (the caller guarantees room for `s.length` bytes).
 * Returns the number of bytes written (always `s.length`).
 */
export function writeStr(dest: Uint8Array, offset: number, s: string): number {
  const len = s.length;
  if (len > 48) {
    // ASCII is the common case and the native UTF-8 encoder writes it byte-exact.
    const r = encoder.encodeInto(s, dest.subarray(offset, offset + len));
    if (r.read === len) return len;
  }
  for (let i = 0; i < len; i++) dest[offset + i] = s.charCodeAt(i);
  return len;
}

/** Encodes a binary string as a fresh byte array. */
export function strToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  writeStr(out, 0, s);
  return out;
}

/** Converts UTF-8 text (for example a file name or a log message) to a binary string of its bytes. */
export function utf8ToBin(text: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  const b = encoder.encode(text);
  return bytesToStr(b, 0, b.length);
}

const decoder = new TextDecoder();

/** Interprets a binary string's bytes as UTF-8 text (for file names, config values, log output). */
export function binToUtf8(s: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return decoder.decode(strToBytes(s));
}

let scratch = new Uint8Array(256);

/**
 * Returns `s` as a flat (sequential) string. Concatenations of 13+ chars are V8 cons strings (a node
 * pointing at both halves, ~3× the memory); values stored in the keyspace for long should be flat.
 */
export function flatten(s: string): string {
  if (s.length < 13) return s;
  if (scratch.length < s.length) scratch = new Uint8Array(s.length * 2);
  writeStr(scratch, 0, s);
  return bytesToStr(scratch, 0, s.length);
}
