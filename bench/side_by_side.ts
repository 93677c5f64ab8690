/**
 * Side-by-side benchmark: starts our server (as `deno run src/main.ts`) and Debian's `redis-server` on
 * free ports, runs `redis-benchmark -c 50 -n 300000 -t set,get` at -P 1 and -P 16 against each, then
 * loads 1,000,000 keys with 16-byte values (DEBUG POPULATE) into each and compares RSS.
 * Prints one table: figure, ours, Redis, ratio. Not a test: it never gates CI.
 *
 * Options: --requests N (default 300000), --keys N (default 1000000, 0 skips the memory figure),
 * --tests set,get (redis-benchmark -t names), --command "pfadd hll __rand_int__" (repeatable: custom
 * commands; --random N passes -r N to them), --pipelines 1,16, --clients 50, --rounds 3 (median of N
 * alternating runs per side), --hashes N (also compare RSS after N hashes of 10 small fields each are
 * written with pipelined HSETs; 0 = skip, the default).
 */
import { parseArgs } from "node:util";
import {
  median,
  pipeline,
  printTable,
  redisBenchmark,
  rss,
  run,
  startOurs,
  startRedis,
  stopAll,
  type Target,
  waitReady,
} from "./servers.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "300000" },
    keys: { type: "string", default: "1000000" },
    tests: { type: "string", default: "set,get" },
    pipelines: { type: "string", default: "1,16" },
    clients: { type: "string", default: "50" },
    command: { type: "string", multiple: true, default: [] },
    random: { type: "string" },
    rounds: { type: "string", default: "3" },
    hashes: { type: "string", default: "0" },
  },
});

/**
 * Samples RSS every second for `ms` and returns the last reading: V8 gives memory back when its memory
 * reducer runs on an idle heap, typically within half a minute of a burst.
 */
async function settledRss(pid: number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  while (Date.now() < until) await new Promise((r) => setTimeout(r, 1000));
  return rss(pid);
}

/** Runs one redis-benchmark test (a -t name, or a custom command line) and returns requests/s. */
function benchmark(t: Target, test: string, pipeline: number, custom = false): Promise<number> {
  const common = { clients: opts.clients!, requests: opts.requests!, pipeline };
  return redisBenchmark(t, custom ? { ...common, random: opts.random, command: test.split(" ") } : { ...common, test });
}

const rows: [string, number, number, string][] = [];
const ours = startOurs(["--enable-debug-command", "local"]);
const redis = startRedis(["--enable-debug-command", "local"]);
try {
  await waitReady(ours.port);
  await waitReady(redis.port);
  for (const p of opts.pipelines!.split(",").map(Number)) {
    const tests = [
      ...opts.tests!.split(",").filter(Boolean).map((t) => [t, false] as const),
      ...(opts.command as string[]).map((t) => [t, true] as const),
    ];
    for (const [test, custom] of tests) {
      // warm up our JIT briefly, then alternate the sides and keep each one's median
      await benchmark(ours, test, p, custom);
      const as: number[] = [], bs: number[] = [];
      for (let r = 0; r < Number(opts.rounds); r++) {
        as.push(await benchmark(ours, test, p, custom));
        bs.push(await benchmark(redis, test, p, custom));
      }
      const a = median(as), b = median(bs);
      rows.push([`${custom ? test : test.toUpperCase()} -P ${p} (req/s)`, a, b, (a / b).toFixed(2)]);
    }
  }
  const keys = opts.keys!;
  if (keys !== "0") await memoryFigures(keys);
  if (opts.hashes !== "0") await hashMemoryFigures(Number(opts.hashes));
} finally {
  await stopAll([ours, redis]);
}

/** Loads `keys` keys of 16 bytes into both servers with DEBUG POPULATE and records their RSS. */
async function memoryFigures(keys: string): Promise<void> {
  for (const t of [ours, redis]) {
    await run("redis-cli", ["-p", String(t.port), "flushall"]);
    await run("redis-cli", ["-p", String(t.port), "debug", "populate", keys, "key", "16"]);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const a = rss(ours.proc.pid), b = rss(redis.proc.pid);
  const dbsize = (await run("redis-cli", ["-p", String(ours.port), "dbsize"])).trim();
  rows.push([`RSS ${keys} keys x 16 B, 1 s after load (MB; dbsize ${dbsize})`, a / 1e6, b / 1e6, (a / b).toFixed(2)]);
  // V8 hands memory back when its memory reducer runs on an idle heap (tens of seconds after a burst);
  // the settled figure is what a server holding this data keeps.
  const settled = await settledRss(ours.proc.pid, 45_000);
  const b2 = rss(redis.proc.pid);
  rows.push([`RSS ${keys} keys x 16 B, settled (MB)`, settled / 1e6, b2 / 1e6, (settled / b2).toFixed(2)]);
}

/**
 * Writes `n` hashes (`h:<i>`, fields `field:0`…`field:9` with 8-byte values) with pipelined HSETs into
 * a fresh pair of servers (a heap grown by the throughput runs would inflate ours) and records RSS:
 * 1 s after the load, its growth over the empty server, and ours once settled.
 */
async function hashMemoryFigures(n: number): Promise<void> {
  const a = startOurs(), b = startRedis();
  try {
    await waitReady(a.port);
    await waitReady(b.port);
    await new Promise((r) => setTimeout(r, 2000));
    const a0 = rss(a.proc.pid), b0 = rss(b.proc.pid);
    for (const t of [a, b]) await pipelineHashes(t.port, n);
    await new Promise((r) => setTimeout(r, 1000));
    const a1 = rss(a.proc.pid), b1 = rss(b.proc.pid);
    rows.push([`RSS ${n} hashes x 10 fields, 1 s after load (MB)`, a1 / 1e6, b1 / 1e6, (a1 / b1).toFixed(2)]);
    rows.push([`RSS growth for them (MB)`, (a1 - a0) / 1e6, (b1 - b0) / 1e6, ((a1 - a0) / (b1 - b0)).toFixed(2)]);
    const settled = await settledRss(a.proc.pid, 30_000);
    const b2 = rss(b.proc.pid);
    rows.push([`RSS ${n} hashes x 10 fields, settled (MB)`, settled / 1e6, b2 / 1e6, (settled / b2).toFixed(2)]);
  } finally {
    await stopAll([a, b]);
  }
}

/** HSET h:i field:0 v… field:9 v… for i < n, pipelined. */
async function pipelineHashes(port: number, n: number): Promise<void> {
  const cmds: string[][] = [];
  for (let k = 0; k < n; k++) {
    const cmd = ["HSET", `h:${k}`];
    for (let f = 0; f < 10; f++) cmd.push(`field:${f}`, `v${String(k * 10 + f).padStart(7, "0")}`);
    cmds.push(cmd);
  }
  await pipeline(port, cmds);
}

printTable(rows);
