/**
 * The one clock: milliseconds and microseconds for expiry, stats and logs. Tests and DEBUG can shift it
 * (`offsetMs`) so TTL behaviour is tested without sleeping.
 */

export class Clock {
  /** Added to the wall clock; DEBUG and tests move time with it. */
  offsetMs = 0;
  /**
   * While a command runs, the first read is cached and reused (Redis's command time snapshot: one
   * consistent "now" per command, and reading the clock costs ~130 ns in Deno).
   */
  private snapshot = 0;
  private frozen = false;

  /** Unix time in milliseconds (the command's snapshot while a command runs). */
  now(): number {
    if (this.frozen) {
      if (this.snapshot === 0) this.snapshot = Date.now() + this.offsetMs;
      return this.snapshot;
    }
    return Date.now() + this.offsetMs;
  }

  /** Starts a command: later `now()` calls share one reading until `endCommand()`. */
  beginCommand(): void {
    this.frozen = true;
    this.snapshot = 0;
  }

  /** Ends the command's time snapshot. */
  endCommand(): void {
    this.frozen = false;
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
