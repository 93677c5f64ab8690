/**
 * The one clock: milliseconds and microseconds for expiry, stats and logs. Tests and DEBUG can shift it
 * (`offsetMs`) so TTL behaviour is tested without sleeping.
 */

export class Clock {
  /** Added to the wall clock; DEBUG and tests move time with it. */
  offsetMs = 0;

  /** Unix time in milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Unix time in microseconds (fractional ms precision from the monotonic timer). */
  nowUs(): number {
    return Math.floor((performance.timeOrigin + performance.now() + this.offsetMs) * 1000);
  }

  /** Unix time in whole seconds. */
  nowSec(): number {
    return Math.floor(this.now() / 1000);
  }
}
