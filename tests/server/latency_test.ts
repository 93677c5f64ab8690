/**
 * The latency monitor: LATENCY's replies and errors against redis-server (HELP, arity, unknown
 * subcommands, RESET counts, empty LATEST/HISTORY/GRAPH, DOCTOR's texts, RESP3 shapes), the GRAPH
 * sparkline rendered from redis-server's own samples, then our behaviour: the "command" event of a slow
 * command, one sample per second (max kept), the 160-sample ring, DOCTOR's statistics and advice,
 * LATENCY HISTOGRAM buckets and INFO latencystats percentiles (checked against values redis-server
 * printed), CONFIG RESETSTAT, and the snapshot-walk and expire-cycle hooks.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { pipeline, RawClient, type RespValue } from "../helpers/resp.ts";
import { Oracle, type Script, sideBySide } from "../helpers/oracle.ts";
import { until } from "../persist/helpers.ts";
import {
  HISTOGRAM_SLOTS,
  histogramCdf,
  histogramPercentile,
  histogramSlot,
  LATENCY_TS_LEN,
  LatencyTimeSeries,
} from "../../src/server/latency.ts";
import { latencyGraph } from "../../src/commands/latency.ts";
import type { RunningServer } from "../../src/mod.ts";

const DEBUG_ON = { config: { "enable-debug-command": "yes" } };

/** Replays `script` on both clients and asserts byte-identical replies (indexes in `skip` are not compared). */
async function sameReplies(ours: RawClient, redis: RawClient, script: Script, skip: number[] = []): Promise<void> {
  for (let i = 0; i < script.length; i++) {
    const a = await ours.callRaw(...script[i]);
    const b = await redis.callRaw(...script[i]);
    if (skip.includes(i)) continue;
    assert.equal(a, b, `reply differs for ${JSON.stringify(script[i])}`);
  }
}

Deno.test("latency: HELP, arity and subcommand errors, empty replies, RESET counts — as redis-server", async () => {
  await sideBySide(async ({ ours, redis }) => {
    await sameReplies(ours, redis, [
      ["LATENCY", "HELP"],
      ["latency", "help"],
      ["LATENCY"],
      ["LATENCY", "foo"],
      ["LATENCY", "HELP", "x"],
      ["LATENCY", "LATEST", "x"],
      ["LATENCY", "DOCTOR", "x"],
      ["LATENCY", "HISTORY"],
      ["LATENCY", "HISTORY", "a", "b"],
      ["LATENCY", "GRAPH"],
      ["LATENCY", "GRAPH", "a", "b"],
      ["LATENCY", "LATEST"],
      ["LATENCY", "HISTORY", "command"],
      ["LATENCY", "GRAPH", "command"],
      ["LATENCY", "GRAPH", "no\r\nsuch"],
      ["LATENCY", "RESET"],
      ["LATENCY", "RESET", "a", "b", "command"],
      ["LATENCY", "HISTOGRAM", "nosuch", "set", "get", "config|get"],
      // monitoring off and nothing recorded: the "I'm sorry, Dave" text; on: the "no spike" text
      ["LATENCY", "DOCTOR"],
      ["CONFIG", "SET", "latency-monitor-threshold", "100"],
      ["LATENCY", "DOCTOR"],
      ["CONFIG", "GET", "latency-monitor-threshold"],
      ["CONFIG", "SET", "latency-monitor-threshold", "-1"],
    ]);
  }, DEBUG_ON);
});

Deno.test("latency: a slow command is a 'command' spike on both servers; HISTORY is case-sensitive, RESET is not", async () => {
  await sideBySide(async ({ ours, redis }) => {
    await sameReplies(ours, redis, [
      ["CONFIG", "SET", "latency-monitor-threshold", "1"],
      ["DEBUG", "SLEEP", "0.01"],
      ["LATENCY", "HISTORY", "COMMAND"],
      ["LATENCY", "HISTORY", "nosuch"],
      ["LATENCY", "GRAPH", "Command"],
      ["LATENCY", "RESET", "nosuch"],
    ]);
    for (const c of [ours, redis]) {
      const latest = await c.call("LATENCY", "LATEST") as RespValue[][];
      assert.equal(latest.length, 1);
      assert.equal(latest[0][0], "command");
      assert.ok((latest[0][2] as number) >= 10, `latest: ${JSON.stringify(latest)}`);
    }
    // CONFIG RESETSTAT does not touch the latency events
    await sameReplies(ours, redis, [
      ["CONFIG", "RESETSTAT"],
      ["LATENCY", "RESET", "Command", "nosuch", "COMMAND"],
      ["LATENCY", "LATEST"],
      ["LATENCY", "RESET"],
      ["LATENCY", "GRAPH", "command"],
    ]);
  }, DEBUG_ON);
});

Deno.test("latency: RESP3 shapes (LATEST array, HISTOGRAM map, DOCTOR/GRAPH verbatim) as redis-server", async () => {
  await sideBySide(async ({ ours, redis }) => {
    await sameReplies(ours, redis, [
      ["HELLO", "3"],
      ["LATENCY", "LATEST"],
      ["LATENCY", "HISTORY", "x"],
      ["LATENCY", "HISTOGRAM", "nosuch"],
      ["LATENCY", "DOCTOR"],
      ["LATENCY", "GRAPH", "x"],
      ["LATENCY", "HELP"],
      ["CONFIG", "SET", "latency-monitor-threshold", "1"],
      ["LATENCY", "DOCTOR"],
      ["DEBUG", "SLEEP", "0.01"],
    ], [0]);
    for (const c of [ours, redis]) {
      const latest = await c.callRaw("LATENCY", "LATEST");
      assert.match(latest, /^\*1\r\n\*4\r\n\$7\r\ncommand\r\n:\d+\r\n:\d+\r\n:\d+\r\n$/);
      const graph = await c.call("LATENCY", "GRAPH", "command") as { verbatim: string };
      assert.match(graph.verbatim, /^txt:command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n/);
      const doctor = await c.call("LATENCY", "DOCTOR") as { verbatim: string };
      assert.match(doctor.verbatim, /^txt:Dave, I have observed latency spikes/);
      const histogram = await c.callRaw("LATENCY", "HISTOGRAM", "debug");
      assert.match(
        histogram,
        /^%1\r\n\$5\r\ndebug\r\n%2\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n%1\r\n:\d+\r\n:1\r\n$/,
      );
    }
  }, DEBUG_ON);
});

/** Sleeps until just past the next wall-clock second. */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 30));
}

Deno.test("latency: GRAPH draws redis-server's own samples exactly as redis-server does", async () => {
  const oracle = await Oracle.start();
  const c = await RawClient.connect(oracle.port);
  try {
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "1"), "OK");
    for (const s of ["0.01", "0.05", "0.025", "0.035"]) {
      await nextSecond();
      await c.call("DEBUG", "SLEEP", s);
    }
    const history = await c.call("LATENCY", "HISTORY", "command") as number[][];
    assert.equal(history.length, 4);
    const latest = await c.call("LATENCY", "LATEST") as RespValue[][];
    const before = Number((await c.call("TIME") as string[])[0]);
    const graph = await c.call("LATENCY", "GRAPH", "command") as string;
    const after = Number((await c.call("TIME") as string[])[0]);
    const ts = new LatencyTimeSeries();
    for (const [time, ms] of history) {
      ts.time[ts.idx] = time;
      ts.latency[ts.idx] = ms;
      ts.idx++;
    }
    ts.max = latest[0][3] as number;
    const candidates = [];
    for (let now = before; now <= after; now++) candidates.push(latencyGraph("command", ts, now));
    assert.ok(candidates.includes(graph), `redis:\n${graph}\nours:\n${candidates.join("\n")}`);
    assert.match(graph, /#/); // the samples differ enough to use every kind of cell
    assert.match(graph, /o|_/);
  } finally {
    c.close();
    await oracle.stop();
  }
});

/** This process's AnonHugePages (the server runs in it): DOCTOR then adds the THP advice, as Redis does. */
function anonHugePages(): boolean {
  try {
    return /AnonHugePages:\s+[1-9]/.test(Deno.readTextFileSync("/proc/self/smaps_rollup"));
  } catch {
    return false;
  }
}

/** Records `values` (ms) for `event`, one per second, ending at the server's current second. */
/**
 * LATENCY RESET of every event, which must count at least the `injected` ones: with a 1 ms threshold a
 * real command (a cold code path on a busy machine) can add a "command" or "fast-command" event.
 */
async function resetAll(c: RawClient, injected: number): Promise<void> {
  const events = await c.call("LATENCY", "LATEST") as RespValue[][];
  assert.ok(events.length >= injected, JSON.stringify(events));
  assert.equal(await c.call("LATENCY", "RESET"), events.length);
}

function recordSeconds(srv: RunningServer, event: string, values: number[], gapAfter = 0): void {
  const clock = srv.server.clock;
  for (let i = 0; i < values.length; i++) {
    if (i > 0) clock.offsetMs += 1000;
    srv.server.latency.addSample(event, values[i]);
  }
  clock.offsetMs += gapAfter * 1000;
}

Deno.test("latency: a slow command's sample in LATEST, HISTORY, GRAPH and DOCTOR; RESET clears it", async () => {
  await withServer(async (_srv, c) => {
    assert.deepEqual(await c.call("LATENCY", "LATEST"), []);
    assert.equal(await c.call("DEBUG", "SLEEP", "0.01"), "OK");
    assert.deepEqual(await c.call("LATENCY", "LATEST"), [], "threshold 0: nothing is recorded");
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "5"), "OK");
    assert.equal(await c.call("DEBUG", "SLEEP", "0.001"), "OK"); // under the threshold
    assert.deepEqual(await c.call("LATENCY", "LATEST"), []);
    const t0 = Math.floor(Date.now() / 1000);
    assert.equal(await c.call("DEBUG", "SLEEP", "0.02"), "OK");
    const latest = await c.call("LATENCY", "LATEST") as RespValue[][];
    assert.equal(latest.length, 1);
    const [name, time, ms, max] = latest[0] as [string, number, number, number];
    assert.equal(name, "command");
    assert.ok(time >= t0 && time <= t0 + 2, `time ${time}`);
    assert.ok(ms >= 20 && ms < 1000, `ms ${ms}`);
    assert.equal(max, ms);
    assert.deepEqual(await c.call("LATENCY", "HISTORY", "command"), [[time, ms]]);
    const graph = await c.call("LATENCY", "GRAPH", "command") as string;
    assert.match(graph, new RegExp(`^command - high ${ms} ms, low ${ms} ms \\(all time high ${ms} ms\\)\\n-{80}\\n`));
    assert.match(graph, /\n \n \n \n_\n \n\d\ns\n$/); // one sample at the bottom, labelled with its age
    const doctor = await c.call("LATENCY", "DOCTOR") as string;
    assert.ok(doctor.startsWith("Dave, I have observed latency spikes in this Redis instance."), doctor);
    assert.match(
      doctor,
      new RegExp(
        `\\n\\n1\\. command: 1 latency spikes \\(average ${ms}ms, mean deviation 0ms, period 1\\.00 sec\\)\\. Worst all time event ${ms}ms\\.\\n`,
      ),
    );
    // slowlog-log-slower-than 10000 µs is above the 5 ms threshold: the tuning advice with 5000
    assert.match(doctor, /Please use 'CONFIG SET slowlog-log-slower-than 5000'\.\n/);
    assert.match(doctor, /- Check your Slow Log/);
    assert.equal(await c.call("LATENCY", "RESET", "command"), 1);
    assert.deepEqual(await c.call("LATENCY", "LATEST"), []);
    assert.equal(await c.call("LATENCY", "RESET"), 0);
  }, DEBUG_ON);
});

Deno.test("latency: a batch is 'fast-command' when all its commands are fast; LATENCY sees its own batch", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "1"), "OK");
    // LATENCY sees the commands run before it in the same read batch
    const replies = await pipeline(c, [["DEBUG", "SLEEP", "0.01"], ["LATENCY", "LATEST"]]);
    assert.match(replies[1], /^\*1\r\n\*4\r\n\$7\r\ncommand\r\n/);
    assert.equal(await c.call("LATENCY", "RESET"), 1);
    // settleCommandTime over a slow batch of fast commands, then a batch that also holds a slow one
    // (high threshold: real batches of this test never reach it)
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "50"), "OK");
    const s = srv.server;
    const get = s.commands.get("get")!, incr = s.commands.get("incr")!, keys = s.commands.get("keys")!;
    s.settleCommandTime();
    s.untimed[s.untimedCount++] = get;
    s.untimed[s.untimedCount++] = incr;
    s.timingStart = performance.now() - 55.5;
    s.settleCommandTime();
    const fast = await c.call("LATENCY", "LATEST") as RespValue[][];
    assert.deepEqual(fast.map((e) => [e[0], e[2]]), [["fast-command", 55]]);
    s.untimed[s.untimedCount++] = get;
    s.untimed[s.untimedCount++] = keys;
    s.timingStart = performance.now() - 73.2;
    s.settleCommandTime();
    const both = await c.call("LATENCY", "LATEST") as RespValue[][];
    assert.deepEqual(both.map((e) => [e[0], e[2]]), [["fast-command", 55], ["command", 73]]);
    // under the threshold: nothing more
    s.untimed[s.untimedCount++] = keys;
    s.timingStart = performance.now() - 49.9;
    s.settleCommandTime();
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "0"), "OK");
    s.untimed[s.untimedCount++] = keys;
    s.timingStart = performance.now() - 500;
    s.settleCommandTime();
    assert.deepEqual(await c.call("LATENCY", "HISTORY", "command"), [[both[1][1], 73]]);
  }, DEBUG_ON);
});

Deno.test("latency: one sample per second keeps the max; the ring holds the last 160 seconds", async () => {
  await withServer(async (srv, c) => {
    const m = srv.server.latency;
    const start = srv.server.clock.nowSec();
    m.addSample("test", 5);
    m.addSample("test", 9);
    m.addSample("test", 7); // same second: the max (9) stays
    assert.deepEqual(await c.call("LATENCY", "HISTORY", "test"), [[start, 9]]);
    recordSeconds(srv, "test", [0, 3, 12]); // the first lands in the same second again
    assert.deepEqual(await c.call("LATENCY", "HISTORY", "test"), [[start, 9], [start + 1, 3], [start + 2, 12]]);
    assert.deepEqual(await c.call("LATENCY", "LATEST"), [["test", start + 2, 12, 12]]);
    // 170 seconds of samples: the oldest 10 (and the 3 above) are overwritten
    const values = Array.from({ length: 170 }, (_, i) => i + 1);
    srv.server.clock.offsetMs += 1000;
    recordSeconds(srv, "ring", values);
    const hist = await c.call("LATENCY", "HISTORY", "ring") as number[][];
    assert.equal(hist.length, LATENCY_TS_LEN);
    const now = srv.server.clock.nowSec();
    assert.deepEqual(hist[0], [now - 159, 11]);
    assert.deepEqual(hist[159], [now, 170]);
    for (let i = 1; i < hist.length; i++) assert.equal(hist[i][0], hist[i - 1][0] + 1);
    // the graph wraps at 80 columns: two blocks separated by an empty line, labels in minutes/seconds
    const graph = await c.call("LATENCY", "GRAPH", "ring") as string;
    const lines = graph.split("\n");
    assert.equal(lines[0], "ring - high 170 ms, low 11 ms (all time high 170 ms)");
    assert.equal(lines[1], "-".repeat(80));
    const blank = lines.indexOf("", 2);
    assert.ok(blank > 2 && blank < lines.length - 2, graph);
    for (const l of [...lines.slice(2, blank), ...lines.slice(blank + 1, -1)]) assert.equal(l.length, 80, l);
    // the oldest column is 159 s old ("2m"), the newest 0 s ("0s"), written downwards
    assert.equal(lines[2 + 5][0] + lines[2 + 6][0], "2m");
    assert.equal(lines[blank + 6][79] + lines[blank + 7][79], "0s");
    assert.equal(lines[2][0], " "); // the smallest value is a bottom cell
    assert.equal(lines[blank + 1][79], "#"); // the largest is a full column
    assert.equal(await c.call("LATENCY", "RESET", "RING", "test", "ring"), 2);
  });
});

Deno.test("latency: DOCTOR's statistics, period rounding and per-event advice", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "1"), "OK");
    await c.call("LATENCY", "RESET"); // the CONFIG SET itself may have taken 1 ms (cold code)
    recordSeconds(srv, "expire-cycle", [10, 20, 60]);
    recordSeconds(srv, "fast-command", [1, 1, 1, 1, 1, 1, 1, 4], 2); // period 9 s / 8 samples = 1.125
    recordSeconds(srv, "aof-fsync-always", [7]);
    const doctor = await c.call("LATENCY", "DOCTOR") as string;
    const head =
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    assert.ok(doctor.startsWith(head), doctor);
    const lines = doctor.slice(head.length).split("\n");
    // expire-cycle: avg (10+20+60)/3 = 30, deviation (20+10+30)/3 = 20, oldest 11 s ago: 11/3 per sample
    assert.equal(
      lines[0],
      "1. expire-cycle: 3 latency spikes (average 30ms, mean deviation 20ms, period 3.67 sec). Worst all time event 60ms.",
    );
    // 1.125 is printed as printf does: ties to even
    assert.equal(
      lines[1],
      "2. fast-command: 8 latency spikes (average 1ms, mean deviation 0ms, period 1.12 sec). Worst all time event 4ms.",
    );
    assert.equal(
      lines[2],
      "3. aof-fsync-always: 1 latency spikes (average 7ms, mean deviation 0ms, period 1.00 sec). Worst all time event 7ms.",
    );
    assert.equal(lines[3], "");
    assert.equal(lines[4], "I have a few advices for you:");
    const advice = doctor.slice(doctor.indexOf("I have a few advices for you:\n\n") + 31);
    assert.ok(advice.startsWith("- The system is slow to execute Redis code paths"), advice); // fast-command
    assert.match(advice, /'CONFIG SET hz 100'/); // expire-cycle, hz 10
    assert.match(advice, /- Deleting, expiring or evicting/);
    assert.doesNotMatch(advice, /fsync policy is set to 'always'/); // appendfsync is everysec
    assert.equal(await c.call("CONFIG", "SET", "appendfsync", "always"), "OK");
    assert.match(await c.call("LATENCY", "DOCTOR") as string, /fsync policy is set to 'always'/);
    assert.equal(await c.call("CONFIG", "SET", "hz", "100"), "OK");
    assert.doesNotMatch(await c.call("LATENCY", "DOCTOR") as string, /CONFIG SET hz 100/);
    // with the slow log disabled, the advice is to enable it at the threshold
    await resetAll(c, 3);
    recordSeconds(srv, "command", [3]);
    assert.equal(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1"), "OK");
    assert.match(
      await c.call("LATENCY", "DOCTOR") as string,
      /Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than 1000'/,
    );
    // events with no advice of their own
    await resetAll(c, 1);
    recordSeconds(srv, "snapshot-walk", [3]);
    const last = await c.call("LATENCY", "DOCTOR") as string;
    if (anonHugePages()) assert.match(last, /- I detected a non zero amount of anonymous huge pages/);
    else assert.match(last, /\nWhile there are latency events logged, I'm not able/);
  });
});

Deno.test("latency: histogram buckets and percentiles computed as Redis's HDR histogram", () => {
  const h = new Float64Array(HISTOGRAM_SLOTS);
  for (const usec of [0, 1, 2, 3, 5, 33, 34, 541065, 541066, 2e6, 0.4]) h[histogramSlot(usec)]++;
  assert.deepEqual(histogramCdf(h), [
    [1, 3],
    [2, 4],
    [4, 5],
    [8, 6],
    [33, 7],
    [66, 8],
    [541065, 9],
    [1073741, 11],
  ]);
  // single calls whose percentiles redis-server printed (p0 is the bucket's low end, others its high end)
  const one = (usec: number) => {
    const x = new Float64Array(HISTOGRAM_SLOTS);
    x[histogramSlot(usec)]++;
    return x;
  };
  const cases: [number, number, number][] = [
    [30, 29952, 30079],
    [69, 68608, 69119],
    [2, 2000, 2007],
    [4, 4000, 4015],
    [10, 9984, 10047],
    [125, 124928, 125439],
    [600000, 599785472, 603979775],
  ];
  for (const [usec, p0, p50] of cases) {
    assert.equal(histogramPercentile(one(usec), 0), p0, `p0 of ${usec}`);
    assert.equal(histogramPercentile(one(usec), 50), p50, `p50 of ${usec}`);
  }
  const two = new Float64Array(HISTOGRAM_SLOTS);
  two[histogramSlot(6)]++;
  two[histogramSlot(19)]++;
  assert.equal(histogramPercentile(two, 50), 6015);
  assert.equal(histogramPercentile(two, 99), 19071);
  assert.equal(histogramPercentile(two, 0), 5984);
});

Deno.test("latency: LATENCY HISTOGRAM and INFO latencystats follow calls, latency-tracking and RESETSTAT", async () => {
  await withServer(async (_srv, c) => {
    for (let i = 0; i < 3; i++) await c.call("SET", "k", "v");
    await c.call("CONFIG", "GET", "hz");
    const h = await c.call("LATENCY", "HISTOGRAM", "set", "CONFIG", "nosuch") as RespValue[];
    assert.equal(h.length, 4);
    assert.equal(h[0], "set");
    const [calls, n, label, buckets] = h[1] as RespValue[];
    assert.deepEqual([calls, n, label], ["calls", 3, "histogram_usec"]);
    const pairs = buckets as number[];
    const allowed = [1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633];
    for (let i = 0; i < pairs.length; i += 2) {
      assert.ok(allowed.includes(pairs[i]), `bucket ${pairs[i]}`);
      if (i > 0) assert.ok(pairs[i] > pairs[i - 2] && pairs[i + 1] > pairs[i - 1]);
    }
    assert.equal(pairs[pairs.length - 1], 3);
    assert.equal(h[2], "config|get");
    // pipelined into one batch: INFO sees the SETs of its own batch
    const replies = await pipeline(c, [["GET", "k"], ["GET", "k"], ["INFO", "latencystats"]]);
    const info = replies[2];
    assert.match(info, /# Latencystats\r\n/);
    assert.match(info, /\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/);
    assert.match(info, /\r\nlatency_percentiles_usec_get:p50=/);
    assert.match(info, /\r\nlatency_percentiles_usec_config\|get:p50=/);
    assert.equal(await c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "0 50 99.99 100"), "OK");
    assert.match(
      await c.call("INFO", "latencystats") as string,
      /\r\nlatency_percentiles_usec_set:p0=\d+\.\d{3},p50=\d+\.\d{3},p99\.99=\d+\.\d{3},p100=\d+\.\d{3}\r\n/,
    );
    // a slow command lands in a high bucket
    await c.call("DEBUG", "SLEEP", "0.01");
    const debug = await c.call("LATENCY", "HISTOGRAM", "debug") as RespValue[];
    const dbuckets = (debug[1] as RespValue[])[3] as number[];
    assert.equal(dbuckets.length, 2);
    assert.ok(dbuckets[0] >= 16908 && dbuckets[0] <= 67633, `bucket ${dbuckets[0]}`);
    // EXEC's commands are timed one by one
    await pipeline(c, [["MULTI"], ["DEBUG", "SLEEP", "0"], ["INCR", "n"], ["EXEC"]]);
    const multi = await c.call("LATENCY", "HISTOGRAM", "exec", "incr", "debug") as RespValue[];
    assert.deepEqual(multi.filter((_, i) => i % 2 === 0), ["exec", "incr", "debug"]);
    assert.equal((multi[5] as RespValue[])[1], 2);
    // latency-tracking off: nothing recorded, the section is empty, existing histograms stay
    assert.equal(await c.call("CONFIG", "SET", "latency-tracking", "no"), "OK");
    await c.call("GET", "k");
    assert.equal(await c.call("INFO", "latencystats"), "# Latencystats\r\n");
    const get = await c.call("LATENCY", "HISTOGRAM", "get") as RespValue[];
    assert.equal((get[1] as RespValue[])[1], 2);
    assert.equal(await c.call("CONFIG", "SET", "latency-tracking", "yes"), "OK");
    // CONFIG RESETSTAT drops every histogram (then records itself)
    assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
    const after = await c.call("LATENCY", "HISTOGRAM") as RespValue[];
    assert.deepEqual(after.filter((_, i) => i % 2 === 0), ["config|resetstat"]);
  }, DEBUG_ON);
});

Deno.test("latency: BGSAVE slices record 'snapshot-walk'; a synchronous finish is one sample", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "latency-" });
  try {
    await withServer(async (_srv, c) => {
      assert.equal(await c.call("DEBUG", "POPULATE", "300000", "key", "50"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "1"), "OK");
      await c.call("LATENCY", "RESET");
      assert.equal(await c.call("BGSAVE"), "Background saving started");
      const done = async () => /rdb_bgsave_in_progress:0/.test(await c.call("INFO", "persistence") as string);
      await until(done, 30000);
      const walk = await c.call("LATENCY", "HISTORY", "snapshot-walk") as number[][];
      assert.ok(walk.length >= 1, "2 ms slices reach a 1 ms threshold");
      assert.ok(walk.every(([, ms]) => ms >= 1));
      // one key per tick (rdb-key-save-delay): slices are tiny, then SWAPDB finishes the walk at once
      assert.ok((await c.call("LATENCY", "RESET") as number) >= 1);
      assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", "1000"), "OK");
      assert.equal(await c.call("BGSAVE"), "Background saving started");
      await new Promise((r) => setTimeout(r, 50));
      const slices = await c.call("LATENCY", "HISTORY", "snapshot-walk") as number[][];
      assert.ok(slices.every(([, ms]) => ms < 10), JSON.stringify(slices)); // one key at a time
      assert.equal(await c.call("SWAPDB", "0", "1"), "OK");
      const sync = await c.call("LATENCY", "HISTORY", "snapshot-walk") as number[][];
      assert.equal(sync.length, 1);
      assert.ok(sync[0][1] >= 10, `walking ~300000 keys at once takes a while: ${sync[0][1]} ms`);
      await until(done, 30000);
    }, { config: { dir, "enable-debug-command": "yes" } });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("latency: an active expire cycle deleting many keys records 'expire-cycle'", async () => {
  await withServer(async (_srv, c) => {
    assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "OK");
    const cmds: string[][] = [];
    for (let i = 0; i < 60000; i++) cmds.push(["SET", `e${i}`, "v", "PX", "1"]);
    await pipeline(c, cmds);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "1"), "OK");
    assert.equal(await c.call("LATENCY", "RESET"), 0);
    assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"), "OK");
    await until(async () => (await c.call("DBSIZE")) === 0, 20000);
    const hist = await c.call("LATENCY", "HISTORY", "expire-cycle") as number[][];
    assert.ok(hist.length >= 1, "deleting 60000 keys takes cycles of more than 1 ms");
  }, DEBUG_ON);
});

Deno.test("latency: a busy script that yielded to the event loop is recorded (histogram and 'command')", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "50"), "OK");
    assert.equal(await c.call("CONFIG", "SET", "busy-reply-threshold", "100"), "OK");
    const a = await RawClient.connect(srv.port);
    await a.send("EVAL", "while true do end", "0");
    // Past the threshold the server answers -BUSY; then the script is killed.
    for (let i = 0; i < 500 && !(await c.callRaw("PING")).startsWith("-BUSY"); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await c.call("SCRIPT", "KILL"), "OK");
    assert.match(String((await a.read() as { error: string }).error), /^ERR Script killed by user/);
    a.close();
    const latest = await c.call("LATENCY", "LATEST") as RespValue[][];
    const command = latest.find((e) => e[0] === "command");
    assert.ok(command !== undefined && (command[3] as number) >= 100, JSON.stringify(latest));
    const hist = await c.call("LATENCY", "HISTOGRAM", "eval") as RespValue[];
    assert.equal(hist[0], "eval");
    assert.deepEqual((hist[1] as RespValue[]).slice(0, 2), ["calls", 1]);
  });
});
