/**
 * LZF compression in the format Redis stores compressed strings in (RDB_ENC_LZF). Our own
 * implementation from the format description:
 *
 * - control byte `000LLLLL`: a literal run of L + 1 bytes (1–32) follows;
 * - control byte `LLLooooo` with L in 1–6: a back reference of L + 2 bytes, offset high bits `ooooo`,
 *   then one byte of low offset bits; L = 7 means one extra length byte follows first (L + that byte);
 *   the copy starts `offset + 1` bytes before the current output position.
 *
 * The compressor finds 3-byte matches through a hash table of recent positions (offsets up to 8191,
 * match lengths up to 264).
 */

const HASH_BITS = 14;
const HASH_SIZE = 1 << HASH_BITS;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const MAX_LIT = 1 << 5;

const table = new Int32Array(HASH_SIZE);

function hash3(b: Uint8Array, i: number): number {
  const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
  return (Math.imul(v, 0x9e3779b1) >>> (32 - HASH_BITS)) & (HASH_SIZE - 1);
}

/**
 * Compresses `input` into at most `maxOut` bytes. Returns the compressed bytes, or null when they would
 * not fit (the caller then stores the data uncompressed, as Redis does).
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Uint8Array | null {
  const n = input.length;
  if (n === 0 || maxOut <= 0) return null;
  const out = new Uint8Array(maxOut + MAX_LIT + 4);
  table.fill(-1);
  let op = 0;
  let ip = 0;
  let litStart = 0;
  const flushLiterals = (end: number): boolean => {
    let p = litStart;
    while (p < end) {
      const run = Math.min(MAX_LIT, end - p);
      if (op + 1 + run > maxOut) return false;
      out[op++] = run - 1;
      out.set(input.subarray(p, p + run), op);
      op += run;
      p += run;
    }
    return true;
  };
  while (ip + 2 < n) {
    const h = hash3(input, ip);
    const ref = table[h];
    table[h] = ip;
    if (
      ref >= 0 && ip - ref - 1 < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      if (!flushLiterals(ip)) return null;
      const off = ip - ref - 1;
      const l = len - 2;
      if (l < 7) {
        if (op + 2 > maxOut) return null;
        out[op++] = (l << 5) | (off >> 8);
      } else {
        if (op + 3 > maxOut) return null;
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      const end = ip + len;
      ip++;
      for (; ip < end && ip + 2 < n; ip++) table[hash3(input, ip)] = ip;
      ip = end;
      litStart = ip;
    } else {
      ip++;
    }
  }
  if (!flushLiterals(n)) return null;
  return out.slice(0, op);
}

/**
 * Decompresses `input` that must expand to exactly `outLen` bytes. Returns null when the data is
 * malformed (a reference before the start, a run past either end, or a different length).
 */
export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null {
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
