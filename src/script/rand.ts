/**
 * Redis's rand48 (rand.c), behind math.random/math.randomseed in scripts. Like Redis 7, the state
 * starts at rand48's default (it is not reseeded per script), so a fresh server produces the same
 * sequence as Redis.
 */
const A = 0x5DEECE66Dn;
const C = 0xBn;
const MASK = (1n << 48n) - 1n;

/** A rand48 generator. */
export class Rand48 {
  private x = 0x1234ABCD330En;

  /** redisSrand48: the high 32 bits of the state are the seed. */
  seed(v: number): void {
    this.x = ((BigInt(v >>> 0) << 16n) | 0x330En) & MASK;
  }

  /** redisLrand48: the next 31-bit value. */
  next(): number {
    this.x = (A * this.x + C) & MASK;
    return Number(this.x >> 17n);
  }

  /** Lua's math.random base value in [0, 1) as Redis computes it. */
  random(): number {
    return (this.next() % 2147483647) / 2147483647;
  }
}
