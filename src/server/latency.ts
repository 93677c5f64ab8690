/**
 * The latency monitor (Redis's latency.c): per-event time series of latency spikes, and the per-command
 * latency histograms behind LATENCY HISTOGRAM and INFO latencystats. LATENCY itself is
 * commands/latency.ts.
 *
 * Events. `record(event, ms)` keeps a sample only when `latency-monitor-threshold` is on and
 * ms >= threshold (latencyAddSampleIfNeeded). Each event has 160 slots of (unix second, ms): samples
 * within one second keep the max, a new second takes the next slot (the oldest is overwritten), and the
 * all-time max is kept apart. The threshold lives in `armed` (Infinity when off), so the hook on a hot
 * path is one numeric compare; `start()`/`end()` read the clock only while monitoring is on.
 *
 * Events this server records (the hooks are one line each where the work happens):
 * - "command" / "fast-command": a top-level read batch, as Server.settleCommandTime settles it (commands
 *   are timed per batch: one clock read per batch). The batch is "fast-command" when every command in
 *   it is flagged fast, else "command" (DEBUG SLEEP, KEYS… make it "command"). Commands run by EXEC and
 *   scripts are timed one by one and recorded as themselves (dispatch `call`).
 * - "expire-cycle": one active expire cycle (cron).
 * - "aof-write" plus "aof-write-pending-fsync" / "aof-write-active-child" / "aof-write-alone": the
 *   write of the AOF buffer; "aof-fsync-always": its fsync with `appendfsync always` (persist/aof.ts).
 * - "snapshot-walk": our own event, as there is no fork: each slice of a BGSAVE/AOF-rewrite walk and
 *   every synchronous finishWalk(), i.e. the time the main thread spends producing a snapshot.
 * - "snapshot-spawn": our own event too, the start of a snapshot's writer child (persist/snapshot.ts),
 *   the nearest thing to Redis's "fork" (1–3 ms, more when the machine's cores are all busy).
 *
 * Histograms. Redis keeps an HDR histogram per command (1 ns … 1 s, 2 significant digits) of each
 * call's duration in whole microseconds × 1000. We keep the same counts layout (3072 slots, same bucket
 * boundaries), so the LATENCY HISTOGRAM buckets and the INFO percentiles are computed exactly as Redis
 * computes them. The approximation is in what is recorded: top-level commands are timed per read batch,
 * so each command of a batch records the batch time divided by the batch's command count (the same
 * split INFO commandstats uses); the bucket is computed once per batch, and the per-command cost on the
 * hot path is one array increment. EXEC/script inner commands record their own measured time.
 */
import type { Server } from "./server.ts";
import type { Clock } from "./clock.ts";
import { type Command, F, topLevelCommands } from "../commands/table.ts";
import { registerConfigApply } from "../config/apply.ts";
import { provideInfoLines } from "./info.ts";
import { trimDoubleString } from "../util/numbers.ts";

/** Samples kept per event (LATENCY_TS_LEN). */
export const LATENCY_TS_LEN = 160;

/** One event's samples: a ring of (unix second, ms); time 0 marks an empty slot. */
export class LatencyTimeSeries {
  /** Next slot to write. */
  idx = 0;
  /** Worst latency ever recorded for the event (ms). */
  max = 0;
  readonly time = new Float64Array(LATENCY_TS_LEN);
  readonly latency = new Float64Array(LATENCY_TS_LEN);

  /** The samples oldest first, as [unix second, ms] pairs. */
  samples(): [number, number][] {
    const out: [number, number][] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const i = (this.idx + j) % LATENCY_TS_LEN;
      if (this.time[i] !== 0) out.push([this.time[i], this.latency[i]]);
    }
    return out;
  }

  /** The last written slot. */
  last(): number {
    return (this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
  }
}

/** analyzeLatencyForEvent: the figures LATENCY DOCTOR prints for an event. */
export interface LatencyStats {
  samples: number;
  /** Integer average and mean absolute deviation (ms), as Redis's integer arithmetic gives them. */
  avg: number;
  mad: number;
  min: number;
  max: number;
  /** Seconds from the oldest sample to now (at least 1 when there are samples). */
  period: number;
  allTimeHigh: number;
}

/** The latency monitor of one server. */
export class LatencyMonitor {
  /** latency-monitor-threshold in ms (0: off). */
  threshold = 0;
  /** The threshold while monitoring, Infinity when off: hooks test `ms >= armed` and nothing else. */
  armed = Infinity;
  /** latency-tracking: per-command histograms are recorded. */
  tracking = true;
  /** Event name → time series, in creation order. */
  readonly events = new Map<string, LatencyTimeSeries>();

  constructor(private readonly clock: Clock) {}

  setThreshold(ms: number): void {
    this.threshold = ms;
    this.armed = ms > 0 ? ms : Infinity;
  }

  /** latencyAddSampleIfNeeded: keeps the sample when monitoring is on and `ms` reaches the threshold. */
  record(event: string, ms: number): void {
    if (ms >= this.armed) this.addSample(event, Math.floor(ms));
  }

  /** latencyStartMonitor: performance.now() while monitoring, else 0 (no clock read). */
  start(): number {
    return this.armed === Infinity ? 0 : performance.now();
  }

  /** latencyEndMonitor + latencyAddSampleIfNeeded for a measurement begun with `start()`. */
  end(event: string, started: number): void {
    if (started !== 0) this.record(event, performance.now() - started);
  }

  /** latencyAddSample: `ms` is whole milliseconds. */
  addSample(event: string, ms: number): void {
    let ts = this.events.get(event);
    if (ts === undefined) {
      ts = new LatencyTimeSeries();
      this.events.set(event, ts);
    }
    const now = this.clock.nowSec();
    if (ms > ts.max) ts.max = ms;
    const prev = ts.last();
    if (ts.time[prev] === now) {
      if (ms > ts.latency[prev]) ts.latency[prev] = ms;
      return;
    }
    ts.time[ts.idx] = now;
    ts.latency[ts.idx] = ms;
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
  }

  /**
   * A top-level batch of `n` commands took `ms` (already known to reach the threshold): "command"
   * unless every command of the batch is fast.
   */
  commandBatch(cmds: readonly Command[], n: number, ms: number): void {
    let fast = true;
    for (let i = 0; i < n && fast; i++) fast = cmds[i].has(F.FAST);
    this.addSample(fast ? "fast-command" : "command", Math.floor(ms));
  }

  /**
   * A command timed on its own (run by EXEC or a script, a blocked command that ended without being
   * re-executed, a script that yielded to the event loop) took `usec`: its INFO commandstats time, its
   * histogram and its latency event. (Top-level commands are timed per read batch: settleCommandTime.)
   */
  addCallTime(cmd: Command, usec: number): void {
    cmd.usec += usec;
    if (this.tracking) recordHistogram(cmd, histogramSlot(usec));
    const ms = usec / 1000;
    if (ms >= this.armed) this.addSample(cmd.has(F.FAST) ? "fast-command" : "command", Math.floor(ms));
  }

  /** latencyResetEvent: removes `event` (case-insensitive), or every event; returns how many. */
  reset(event?: string): number {
    if (event === undefined) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    const lower = event.toLowerCase();
    for (const name of [...this.events.keys()]) {
      if (name.toLowerCase() === lower) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }

  /** analyzeLatencyForEvent. */
  analyze(event: string): LatencyStats {
    const ts = this.events.get(event);
    const st: LatencyStats = { samples: 0, avg: 0, mad: 0, min: 0, max: 0, period: 0, allTimeHigh: ts?.max ?? 0 };
    if (!ts) return st;
    let sum = 0;
    let oldest = 0;
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      if (ts.time[j] === 0) continue;
      const v = ts.latency[j];
      st.samples++;
      if (st.samples === 1) st.min = st.max = v;
      else {
        if (v < st.min) st.min = v;
        if (v > st.max) st.max = v;
      }
      sum += v;
      if (oldest === 0 || ts.time[j] < oldest) oldest = ts.time[j];
    }
    if (st.samples === 0) return st;
    st.avg = Math.floor(sum / st.samples);
    st.period = this.clock.nowSec() - oldest;
    if (st.period === 0) st.period = 1;
    let dev = 0;
    for (let j = 0; j < LATENCY_TS_LEN; j++) if (ts.time[j] !== 0) dev += Math.abs(st.avg - ts.latency[j]);
    st.mad = Math.floor(dev / st.samples);
    return st;
  }
}

// ---- per-command histograms -------------------------------------------------------------------------
//
// The layout of Redis's hdr_init(1, 1_000_000_000, 2): values 0…255 ns one slot each, then buckets of
// 128 slots whose width doubles (2, 4, 8… ns); 3072 slots cover up to 2^30 ns. Counts are doubles (exact
// to 2^53).

/** Slots in a histogram. */
export const HISTOGRAM_SLOTS = 3072;
const MAX_NS = 1_000_000_000;

/** The bucket (0…22) of a value in ns. */
function bucketOf(ns: number): number {
  return 32 - Math.clz32(ns | 255) - 8;
}

/** The counts slot of a value in ns (0 … 2^30). */
function slotOf(ns: number): number {
  const b = bucketOf(ns);
  return ((b + 1) << 7) + (ns >>> b) - 128;
}

/** The counts slot of a duration in (possibly fractional) microseconds, recorded as Redis does. */
export function histogramSlot(usec: number): number {
  let ns = Math.floor(usec) * 1000;
  if (ns < 1) ns = 1;
  else if (ns > MAX_NS) ns = MAX_NS;
  return slotOf(ns);
}

/** Adds one call in `slot` to the command's histogram (created on its first call). */
export function recordHistogram(cmd: Command, slot: number): void {
  let h = cmd.latencyHistogram;
  if (h === null) h = cmd.latencyHistogram = new Float64Array(HISTOGRAM_SLOTS);
  h[slot]++;
}

/** The lowest value (ns) a slot stands for. */
function valueAtSlot(slot: number): number {
  let b = (slot >> 7) - 1;
  let sub = (slot & 127) + 128;
  if (b < 0) {
    sub -= 128;
    b = 0;
  }
  return sub * 2 ** b;
}

function lowestEquivalent(ns: number): number {
  const b = bucketOf(ns);
  return Math.floor(ns / 2 ** b) * 2 ** b;
}

function highestEquivalent(ns: number): number {
  return lowestEquivalent(ns) + 2 ** bucketOf(ns) - 1;
}

/** The number of calls a histogram holds. */
export function histogramTotal(h: Float64Array): number {
  let n = 0;
  for (let i = 0; i < h.length; i++) n += h[i];
  return n;
}

/**
 * fillCommandCDF's buckets: what hdr_iter_log (first bucket 1024 ns, base 2) reports, as
 * [µs, cumulative calls] pairs, only where the count grows.
 */
export function histogramCdf(h: Float64Array): [number, number][] {
  const total = histogramTotal(h);
  const out: [number, number][] = [];
  let cum = 0, prev = 0, i = 0;
  for (let level = 1024; level <= 2 ** 29 && cum < total; level *= 2) {
    const last = slotOf(level);
    for (; i <= last; i++) cum += h[i];
    if (cum > prev) {
      out.push([Math.floor(highestEquivalent(level) / 1000), cum]);
      prev = cum;
    }
  }
  // Past the last level the iterator runs off the end of the counts: the last slot's upper bound.
  if (cum < total) out.push([Math.floor(highestEquivalent(valueAtSlot(HISTOGRAM_SLOTS - 1)) / 1000), total]);
  return out;
}

/** hdr_value_at_percentile, in ns. */
export function histogramPercentile(h: Float64Array, percentile: number, total = histogramTotal(h)): number {
  const requested = percentile < 100 ? percentile : 100;
  let countAt = Math.trunc((requested / 100) * total + 0.5);
  if (countAt < 1) countAt = 1;
  let cum = 0;
  let value = 0;
  for (let i = 0; i < h.length; i++) {
    cum += h[i];
    if (cum >= countAt) {
      value = valueAtSlot(i);
      break;
    }
  }
  return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
}

// ---- INFO latencystats -----------------------------------------------------------------------------

/**
 * latency_percentiles_usec_<command>:p50=…,p99=…,p99.9=… (latency-tracking-info-percentiles) for every
 * command with a histogram; nothing while latency-tracking is off.
 */
function latencyStatsLines(s: Server): string[] {
  if (!s.latency.tracking) return [];
  s.settleCommandTime();
  const percentiles = s.config.get("latency-tracking-info-percentiles") as number[];
  const names = percentiles.map(trimDoubleString);
  const lines: string[] = [];
  const line = (cmd: Command) => {
    const h = cmd.latencyHistogram;
    if (h === null) return;
    const total = histogramTotal(h);
    const parts = percentiles.map((p, i) => `p${names[i]}=${(histogramPercentile(h, p, total) / 1000).toFixed(3)}`);
    lines.push(`latency_percentiles_usec_${cmd.fullName}:${parts.join(",")}`);
  };
  for (const cmd of topLevelCommands(s.commands)) {
    line(cmd);
    if (cmd.subcommands) { for (const sub of cmd.subcommands.values()) line(sub); }
  }
  return lines;
}

// ---- configuration ----------------------------------------------------------------------------------

let registered = false;

/** Reads the monitor's settings from the config (startup) and follows CONFIG SET. */
export function installLatency(server: Server): void {
  if (!registered) {
    registered = true;
    registerConfigApply("latency-monitor-threshold", (s, v) => s.latency.setThreshold(Number(v)));
    registerConfigApply("latency-tracking", (s, v) => {
      s.latency.tracking = v === true;
    });
    provideInfoLines("latencystats", latencyStatsLines);
  }
  server.latency.setThreshold(server.config.num("latency-monitor-threshold"));
  server.latency.tracking = server.config.bool("latency-tracking");
}
