/**
 * Server-wide counters reported by INFO stats / errorstats, with the instantaneous-rate samplers Redis
 * keeps (ops/sec and network kbps over the last 16 cron samples).
 */

const SAMPLES = 16;

class RateSampler {
  private samples = new Array<number>(SAMPLES).fill(0);
  private idx = 0;
  private lastTime = 0;
  private lastValue = 0;

  /** Records the counter's current value at time `nowMs`. */
  track(value: number, nowMs: number): void {
    if (this.lastTime !== 0) {
      const dt = nowMs - this.lastTime;
      if (dt > 0) this.samples[this.idx++ % SAMPLES] = ((value - this.lastValue) * 1000) / dt;
    }
    this.lastTime = nowMs;
    this.lastValue = value;
  }

  /** Average rate per second over the samples. */
  rate(): number {
    return this.samples.reduce((a, b) => a + b, 0) / SAMPLES;
  }
}

export class Stats {
  numCommands = 0;
  numConnections = 0;
  rejectedConnections = 0;
  netInput = 0;
  netOutput = 0;
  expiredKeys = 0;
  /** Hash fields deleted because their TTL passed (INFO stats expired_subkeys). */
  expiredSubkeys = 0;
  expiredStalePerc = 0;
  expiredTimeCapReached = 0;
  evictedKeys = 0;
  evictedClients = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalErrorReplies = 0;
  unexpectedErrorReplies = 0;
  clientQueryBufferLimitDisconnections = 0;
  clientOutputBufferLimitDisconnections = 0;
  ioReadsProcessed = 0;
  ioWritesProcessed = 0;
  /** errorstat_<CODE>:count */
  readonly errors = new Map<string, number>();
  readonly opsRate = new RateSampler();
  readonly inputRate = new RateSampler();
  readonly outputRate = new RateSampler();

  /** Counts an error reply under its code (the first word, e.g. "ERR", "WRONGTYPE"). */
  countError(msg: string): void {
    this.totalErrorReplies++;
    const sp = msg.indexOf(" ");
    const code = sp < 0 ? msg : msg.slice(0, sp);
    // Redis caps the table at 128 distinct codes; beyond that errors still count in the total.
    if (this.errors.has(code) || this.errors.size < 128) this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Samples the rate counters (called from cron). */
  sample(nowMs: number): void {
    this.opsRate.track(this.numCommands, nowMs);
    this.inputRate.track(this.netInput, nowMs);
    this.outputRate.track(this.netOutput, nowMs);
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    const fresh = new Stats();
    Object.assign(this, {
      ...fresh,
      errors: this.errors,
      opsRate: this.opsRate,
      inputRate: this.inputRate,
      outputRate: this.outputRate,
    });
    this.errors.clear();
  }
}
