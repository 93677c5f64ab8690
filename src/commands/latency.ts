/**
 * LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR / HISTOGRAM / HELP, with Redis's replies
 * (latency.c, sparkline.c). The samples and histograms (and INFO latencystats) are server/latency.ts;
 * see its header for which events this server records and how command times are approximated.
 *
 * Every subcommand first settles the time of the commands run earlier in the same read batch, so a
 * pipelined `DEBUG SLEEP …` followed by `LATENCY LATEST` sees the sleep, as in Redis.
 */
import type { CommandDef } from "./table.ts";
import { type Command, lookupCommandByFullName, topLevelCommands } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { histogramCdf, histogramTotal, type LatencyMonitor, type LatencyTimeSeries } from "../server/latency.ts";
import { noLatencySamples } from "../server/errors.ts";
import { replyHelp } from "./help.ts";
import { formatFixed } from "./geo_format.ts";

function monitor(c: Client): LatencyMonitor {
  c.server.settleCommandTime();
  return c.server.latency;
}

/** LATENCY LATEST: [event, time of the last sample, its latency, all-time max] per event. */
function latest(c: Client): void {
  const events = monitor(c).events;
  c.addArrayLen(events.size);
  for (const [name, ts] of events) {
    const last = ts.last();
    c.addArrayLen(4);
    c.addBulk(name);
    c.addInt(ts.time[last]);
    c.addInt(ts.latency[last]);
    c.addInt(ts.max);
  }
}

/** LATENCY HISTORY event: [time, latency] pairs, oldest first (the name is case-sensitive). */
function history(c: Client, argv: string[]): void {
  const ts = monitor(c).events.get(argv[2]);
  const samples = ts?.samples() ?? [];
  c.addArrayLen(samples.length);
  for (const [time, ms] of samples) {
    c.addArrayLen(2);
    c.addInt(time);
    c.addInt(ms);
  }
}

/** LATENCY RESET [event ...]: how many events were removed (names compared case-insensitively). */
function reset(c: Client, argv: string[]): void {
  const m = monitor(c);
  if (argv.length === 2) {
    c.addInt(m.reset());
    return;
  }
  let n = 0;
  for (let i = 2; i < argv.length; i++) n += m.reset(argv[i]);
  c.addInt(n);
}

/** LATENCY GRAPH event: the ASCII sparkline of the event's samples. */
function graph(c: Client, argv: string[]): void {
  const m = monitor(c);
  const ts = m.events.get(argv[2]);
  if (ts === undefined) {
    c.addError(noLatencySamples(argv[2]));
    return;
  }
  c.addVerbatim(latencyGraph(argv[2], ts, c.server.clock.nowSec()));
}

/** LATENCY DOCTOR: the human-readable report. */
function doctor(c: Client): void {
  c.addVerbatim(latencyReport(c.server, monitor(c)));
}

/** LATENCY HISTOGRAM [command ...]: command → {calls, histogram_usec: {µs bucket → cumulative calls}}. */
function histogram(c: Client, argv: string[]): void {
  c.server.settleCommandTime();
  const table = c.server.commands;
  const out: Command[] = [];
  const add = (cmd: Command) => {
    if (cmd.latencyHistogram !== null) out.push(cmd);
  };
  if (argv.length === 2) {
    for (const cmd of topLevelCommands(table)) {
      add(cmd);
      if (cmd.subcommands) { for (const sub of cmd.subcommands.values()) add(sub); }
    }
  } else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupCommandByFullName(table, argv[i]);
      if (cmd === undefined) continue;
      add(cmd);
      if (cmd.subcommands) { for (const sub of cmd.subcommands.values()) add(sub); }
    }
  }
  c.addMapLen(out.length);
  for (const cmd of out) {
    const h = cmd.latencyHistogram!;
    const cdf = histogramCdf(h);
    c.addBulk(cmd.fullName);
    c.addMapLen(2);
    c.addBulk("calls");
    c.addInt(histogramTotal(h));
    c.addBulk("histogram_usec");
    c.addMapLen(cdf.length);
    for (const [usec, count] of cdf) {
      c.addInt(usec);
      c.addInt(count);
    }
  }
}

const HELP = [
  "DOCTOR",
  "    Return a human readable latency analysis report.",
  "GRAPH <event>",
  "    Return an ASCII latency graph for the <event> class.",
  "HISTORY <event>",
  "    Return time-latency samples for the <event> class.",
  "LATEST",
  "    Return the latest latency samples for all events.",
  "RESET [<event> ...]",
  "    Reset latency data of one or more <event> classes.",
  "    (default: reset all data for all event classes)",
  "HISTOGRAM [COMMAND ...]",
  "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
  "    If no commands are specified then all histograms are replied.",
];

function help(c: Client): void {
  replyHelp(c, "latency", HELP);
}

// ---- GRAPH ------------------------------------------------------------------------------------------

const GRAPH_COLS = 80;
const GRAPH_ROWS = 4;
const CHARSET_FILL = "_o#";

/** latencyCommandGenSparkeline: header, a rule, then the samples oldest first, labelled by their age. */
export function latencyGraph(event: string, ts: LatencyTimeSeries, nowSec: number): string {
  const samples = ts.samples();
  let min = 0, max = 0;
  const values: number[] = [];
  const labels: string[] = [];
  for (const [time, ms] of samples) {
    if (values.length === 0) min = max = ms;
    else {
      if (ms > max) max = ms;
      if (ms < min) min = ms;
    }
    const elapsed = nowSec - time;
    labels.push(
      elapsed < 60
        ? `${elapsed}s`
        : elapsed < 3600
        ? `${Math.trunc(elapsed / 60)}m`
        : elapsed < 86400
        ? `${Math.trunc(elapsed / 3600)}h`
        : `${Math.trunc(elapsed / 86400)}d`,
    );
    values.push(ms);
  }
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n`;
  out += "-".repeat(GRAPH_COLS) + "\n";
  for (let j = 0; j < values.length; j += GRAPH_COLS) {
    if (j !== 0) out += "\n";
    out += sparklineRange(values, labels, min, max, j, Math.min(values.length - j, GRAPH_COLS));
  }
  return out;
}

/**
 * sparklineRenderRange with SPARKLINE_FILL: GRAPH_ROWS rows of bars, a blank spacer row, then each
 * label written vertically under its column.
 */
function sparklineRange(
  values: number[],
  labels: string[],
  min: number,
  max: number,
  offset: number,
  len: number,
): string {
  let relmax = max - min;
  if (relmax === 0) relmax = 1;
  const steps = CHARSET_FILL.length * GRAPH_ROWS;
  let out = "";
  for (let row = 0;; row++) {
    let loop = false;
    const chars: string[] = new Array(len).fill(" ");
    for (let j = 0; j < len; j++) {
      if (row < GRAPH_ROWS) {
        // (int)(relval*steps)/relmax, truncated again on assignment to an int
        let step = Math.trunc(Math.trunc((values[j + offset] - min) * steps) / relmax);
        if (step < 0) step = 0;
        if (step >= steps) step = steps - 1;
        const idx = step - (GRAPH_ROWS - row - 1) * CHARSET_FILL.length;
        loop = true;
        if (idx >= 0 && idx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[idx];
        else if (idx >= CHARSET_FILL.length) chars[j] = "|";
      } else {
        if (labels.length > 0 && row - GRAPH_ROWS < 1) {
          loop = true; // the spacer row between the bars and the labels
          break;
        }
        const label = labels[j + offset];
        const at = row - GRAPH_ROWS - 1;
        if (label.length > at) {
          loop = true;
          chars[j] = label[at];
        }
      }
    }
    if (!loop) return out;
    out += chars.join("") + "\n";
  }
}

// ---- DOCTOR -----------------------------------------------------------------------------------------

const DISABLED =
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
const NO_SPIKES =
  "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
const SPIKES_INTRO =
  "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
const NO_ADVICE =
  "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";

/** The pieces of advice, in the order the report prints them. */
type Advice =
  | "betterVm"
  | "slowlogEnabled"
  | "slowlogTuning"
  | "slowlogInspect"
  | "scheduler"
  | "localDisk"
  | "ssd"
  | "dataWriteback"
  | "diskContention"
  | "noAppendfsync"
  | "relaxFsyncPolicy"
  | "writeLoadInfo"
  | "hz"
  | "largeObjects"
  | "massEviction"
  | "disableThp";

/** What each event Redis knows advises (besides "command" and "fork", decided by the config). */
const EVENT_ADVICE: Record<string, Advice[]> = {
  "fast-command": ["scheduler"],
  "aof-write-pending-fsync": ["localDisk", "diskContention", "ssd", "dataWriteback"],
  "aof-write-active-child": ["noAppendfsync", "dataWriteback", "ssd"],
  "aof-write-alone": ["localDisk", "dataWriteback", "ssd"],
  "aof-fsync-always": ["relaxFsyncPolicy"],
  "aof-fstat": ["diskContention", "localDisk"],
  "rdb-unlink-temp-file": ["diskContention", "localDisk"],
  "aof-rewrite-diff-write": ["writeLoadInfo", "dataWriteback", "ssd", "localDisk"],
  "aof-rename": ["writeLoadInfo", "dataWriteback", "ssd", "localDisk"],
  "expire-cycle": ["hz", "largeObjects"],
  "eviction-del": ["largeObjects"],
  "eviction-cycle": ["massEviction"],
};

/** AnonHugePages of this process in bytes (THPGetAnonHugePagesSize), 0 when unknown. */
function anonHugePages(): number {
  try {
    const m = /AnonHugePages:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/smaps_rollup"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** createLatencyReport. */
export function latencyReport(s: Server, m: LatencyMonitor): string {
  if (m.events.size === 0 && m.threshold === 0) return DISABLED;
  const advice = new Set<Advice>();
  let advices = 0;
  const advise = (...what: Advice[]) => {
    for (const a of what) advice.add(a);
    advices += what.length;
  };
  let report = "";
  let eventnum = 0;
  for (const event of m.events.keys()) {
    eventnum++;
    if (eventnum === 1) report += SPIKES_INTRO;
    const ls = m.analyze(event);
    report += `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, ` +
      `period ${formatFixed(ls.period / ls.samples, 2)} sec). Worst all time event ${ls.allTimeHigh}ms.`;
    const name = event.toLowerCase();
    if (name === "command") {
      const slower = s.config.num("slowlog-log-slower-than");
      if (slower < 0) advise("slowlogEnabled");
      else if (Math.trunc(slower / 1000) > m.threshold) advise("slowlogTuning");
      advise("slowlogInspect", "largeObjects");
    }
    const more = EVENT_ADVICE[name];
    if (more) advise(...more);
    report += "\n";
  }
  if (anonHugePages() > 0) advise("disableThp");

  if (eventnum === 0 && advices === 0) return report + NO_SPIKES;
  if (eventnum > 0 && advices === 0) return report + NO_ADVICE;
  report += "\nI have a few advices for you:\n\n";
  const threshold = m.threshold * 1000;
  const lines: [Advice, string | (() => string | null)][] = [
    [
      "betterVm",
      "- If you are using a virtual machine, consider upgrading it with a faster one using a hypervisior that provides less latency during fork() calls. Xen is known to have poor fork() performance. Even in the context of the same VM provider, certain kinds of instances can execute fork faster than others.\n",
    ],
    [
      "slowlogEnabled",
      `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${threshold}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`,
    ],
    [
      "slowlogTuning",
      `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold}'.\n`,
    ],
    [
      "slowlogInspect",
      "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n",
    ],
    [
      "scheduler",
      "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n" +
      "  1) Lower the system load.\n" +
      "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n" +
      '  3) Check if you have a "noisy neighbour" problem.\n' +
      "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
      "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n",
    ],
    [
      "localDisk",
      "- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n",
    ],
    [
      "ssd",
      "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n",
    ],
    [
      "dataWriteback",
      "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n",
    ],
    [
      "diskContention",
      "- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n",
    ],
    [
      "noAppendfsync",
      "- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n",
    ],
    [
      "relaxFsyncPolicy",
      () =>
        s.config.str("appendfsync") === "always"
          ? "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n"
          : null,
    ],
    [
      "writeLoadInfo",
      "- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.\n",
    ],
    [
      "hz",
      () =>
        s.config.num("hz") < 100
          ? "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n"
          : null,
    ],
    [
      "largeObjects",
      "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n",
    ],
    [
      "massEviction",
      "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n",
    ],
    [
      "disableThp",
      "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n",
    ],
  ];
  for (const [a, text] of lines) {
    if (!advice.has(a)) continue;
    const t = typeof text === "string" ? text : text();
    if (t !== null) report += t;
  }
  return report;
}

export const commands: CommandDef[] = [
  { name: "latency|latest", handler: latest },
  { name: "latency|history", handler: history },
  { name: "latency|reset", handler: reset },
  { name: "latency|graph", handler: graph },
  { name: "latency|doctor", handler: doctor },
  { name: "latency|histogram", handler: histogram },
  { name: "latency|help", handler: help },
];
