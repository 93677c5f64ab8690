/**
 * CRC-64/Jones as Redis uses it (crc64.c): reflected, polynomial 0xad93d23594c935a9, initial value 0,
 * no final xor. Check value of "123456789" is 0xe9c6d914c4b8d9ca. Used for the RDB footer and the
 * DUMP payload trailer.
 *
 * The 64-bit state is kept as two unsigned 32-bit halves (no BigInt on the hot path), with a
 * byte-at-a-time table for the reflected polynomial.
 */

/** The reflected form of 0xad93d23594c935a9. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (bit) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/** A running CRC-64 state (two 32-bit halves). */
export class Crc64 {
  hi = 0;
  lo = 0;

  /** Feeds `data[start, end)`. */
  update(data: Uint8Array, start = 0, end = data.length): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx];
      hi = (hi >>> 8) ^ TABLE_HI[idx];
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** The CRC as a bigint. */
  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** Writes the CRC little-endian (as Redis stores it) into `out` at `off`. */
  writeLE(out: Uint8Array, off: number): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < 4; i++) {
      out[off + i] = lo & 0xff;
      lo >>>= 8;
      out[off + 4 + i] = hi & 0xff;
      hi >>>= 8;
    }
  }

  /** True when `data[off, off + 8)` holds this CRC little-endian. */
  matchesLE(data: Uint8Array, off: number): boolean {
    const lo = (data[off] | (data[off + 1] << 8) | (data[off + 2] << 16) | (data[off + 3] << 24)) >>> 0;
    const hi = (data[off + 4] | (data[off + 5] << 8) | (data[off + 6] << 16) | (data[off + 7] << 24)) >>> 0;
    return lo === this.lo && hi === this.hi;
  }
}

/** CRC-64/Jones of `data[start, end)`. */
export function crc64(data: Uint8Array, start = 0, end = data.length): bigint {
  return new Crc64().update(data, start, end).value();
}
