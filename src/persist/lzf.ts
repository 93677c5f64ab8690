/**
 * LZF compression in the format Redis stores compressed strings in (RDB_ENC_LZF). Our own
 * implementation from the format description:
 *
 * - control byte `000LLLLL`: a literal run of L + 1 bytes (1–32) follows;
 * - control byte `LLLooooo` with L in 1–6: a back reference of L + 2 bytes, offset high bits `ooooo`,
 *   then one byte of low offset bits; L = 7 means one extra length byte follows first (L + that byte);
 *   the copy starts `offset + 1` bytes before the current output position.
 *
 * The compressor makes the same choices as the liblzf configuration Redis ships (so files and DUMP
 * payloads come out byte-identical): see `lzfCompress`.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const MAX_LIT = 1 << 5;

/**
 * Last position seen for each hash of a rolling 4-byte window, stored as `base + position + 1`: entries
 * from earlier calls are below the current `base` and read as empty, so the table is cleared only when
 * `base` would overflow (not on every call).
 */
const table = new Int32Array(HSIZE);
let base = 0;

/** Slot of the rolling hash `h` (the 32-bit window ending at the third byte of the candidate). */
function idx(h: number): number {
  return ((h >>> (24 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * Compresses `input` into at most `maxOut` bytes. Returns the compressed bytes, or null when they would
 * not fit (the caller then stores the data uncompressed, as Redis does).
 *
 * Match search: a rolling hash of the bytes around each position indexes a table of the last position
 * seen with that hash; a candidate is used when it is within 8191 bytes, is not the very first byte,
 * and its first three bytes match. A match never covers the last two input bytes; after a match only
 * its last two positions are entered in the table. (A match of 17–19 bytes may reach the end, see below.) Output bound checks are conservative (4 bytes of
 * headroom for a back reference), so marginal inputs are left uncompressed.
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Uint8Array | null {
  const n = input.length;
  if (n === 0 || maxOut <= 0) return null;
  const out = new Uint8Array(maxOut);
  if (base + n + 2 > 0x7fff0000) {
    table.fill(0);
    base = 0;
  }
  const b0 = base;
  base += n + 1;
  let ip = 0;
  let op = 1; // the control byte of the first literal run
  let lit = 0;
  let h = n >= 2 ? (input[0] << 8) | input[1] : 0;
  while (ip < n - 2) {
    h = ((h << 8) | input[ip + 2]) >>> 0;
    const slot = idx(h);
    const ref = table[slot] - b0 - 1;
    table[slot] = b0 + ip + 1;
    let off = 0;
    if (
      ref > 0 && ref < ip && (off = ip - ref - 1) < MAX_OFF && input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = n - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= maxOut && op - (lit === 0 ? 1 : 0) + 3 + 1 >= maxOut) return null;
      out[op - lit - 1] = lit - 1; // stop the literal run
      if (lit === 0) op--; // no literal run: drop its control byte
      // liblzf unrolls the first 16 comparisons when maxlen > 16 without checking maxlen, then takes
      // one more step unchecked: a long match may run up to 19 bytes even when maxlen is 17 or 18.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) { do len++; while (len < maxlen && input[ref + len] === input[ip + len]); }
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start a new literal run
      ip += len + 1;
      if (ip >= n - 2) break;
      ip -= 2;
      h = (input[ip] << 8) | input[ip + 1];
      h = ((h << 8) | input[ip + 2]) >>> 0;
      table[idx(h)] = b0 + ip + 1;
      ip++;
      h = ((h << 8) | input[ip + 2]) >>> 0;
      table[idx(h)] = b0 + ip + 1;
      ip++;
    } else {
      if (op >= maxOut) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > maxOut) return null;
  while (ip < n) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.slice(0, op);
}

/**
 * Decompresses `input` that must expand to exactly `outLen` bytes. Returns null when the data is
 * malformed (a reference before the start, a run past either end, or a different length).
 */
export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null {
  // A 3-byte back reference yields at most 264 bytes: anything claiming more is corrupt (and must not
  // make us allocate gigabytes).
  if (outLen > input.length * 88 + 64) return null;
  const out = new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  const n = input.length;
  while (ip < n) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (ip + run > n || op + run > outLen) return null;
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= n) return null;
        len += input[ip++];
      }
      if (ip >= n) return null;
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
      len += 2;
      if (ref < 0 || op + len > outLen) return null;
      for (let k = 0; k < len; k++) out[op + k] = out[ref + k];
      op += len;
    }
  }
  return op === outLen ? out : null;
}
