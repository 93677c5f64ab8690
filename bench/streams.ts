/**
 * Stream throughput side by side (ours vs Debian's redis-server), with redis-benchmark:
 * - XADD s * field value (auto ids);
 * - XREADGROUP GROUP g c COUNT 1 STREAMS q > on a stream pre-filled with --entries entries (each call
 *   delivers one new entry and adds it to the PEL);
 * - XACK q g 0-<random> over those delivered ids (-r: a random pending id, some already acked).
 * Median of --rounds alternating runs per side, at each --pipelines depth, and the median of the
 * per-round ratios (each round runs both sides back to back). Each row also gives the server's CPU
 * time per request (user + system, from /proc): redis-benchmark shares this machine's cores, so the
 * CPU cost is the steadier figure. The consumer-group loop is bench/stream_consumers.ts. Not a test.
 *
 *   deno run -A bench/streams.ts [--requests 200000] [--pipelines 1,16] [--rounds 3] [--clients 50]
 */
import { parseArgs } from "node:util";
import {
  cpuSeconds,
  median,
  pipeline,
  printTable,
  redisBenchmark,
  startOurs,
  startRedis,
  stopAll,
  type Target,
  waitReady,
} from "./servers.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "200000" },
    pipelines: { type: "string", default: "1,16" },
    clients: { type: "string", default: "50" },
    rounds: { type: "string", default: "3" },
  },
});
const N = Number(opts.requests);

/** CPU time per request (µs) of the last `bench` run on each server, by port. */
const cpuPerRequest = new Map<number, number>();

/** redis-benchmark of one custom command line; returns requests/s (and records the server's CPU per request). */
async function bench(t: Target, pipeline: number, command: string[], random = 0): Promise<number> {
  const cpu0 = cpuSeconds(t.proc.pid);
  const rps = await redisBenchmark(t, { clients: opts.clients!, requests: N, pipeline, random, command });
  cpuPerRequest.set(t.port, ((cpuSeconds(t.proc.pid) - cpu0) * 1e6) / N);
  return rps;
}

/** A stream `q` of N entries with ids 0-1…0-N and a group `g` at its start. */
async function prepareQueue(t: Target): Promise<void> {
  const cmds: string[][] = [["DEL", "q"]];
  for (let i = 1; i <= N; i++) cmds.push(["XADD", "q", `0-${i}`, "field", "value"]);
  cmds.push(["XGROUP", "CREATE", "q", "g", "0"]);
  await pipeline(t.port, cmds);
}

const rows: [string, number, number, string][] = [];
const ours = startOurs(), redis = startRedis();
try {
  await waitReady(ours.port);
  await waitReady(redis.port);
  for (const p of opts.pipelines!.split(",").map(Number)) {
    const results = { xadd: [[], []], xreadgroup: [[], []], xack: [[], []] } as Record<string, number[][]>;
    const cpu = { xadd: [[], []], xreadgroup: [[], []], xack: [[], []] } as Record<string, number[][]>;
    const measure = async (name: string, side: number, t: Target, command: string[], random = 0) => {
      results[name][side].push(await bench(t, p, command, random));
      cpu[name][side].push(cpuPerRequest.get(t.port)!);
    };
    await bench(ours, p, ["XADD", "s", "*", "field", "value"]); // warm-up
    for (let r = 0; r < Number(opts.rounds); r++) {
      for (const [side, t] of [ours, redis].entries()) {
        await measure("xadd", side, t, ["XADD", "s", "*", "field", "value"]);
        await prepareQueue(t);
        await measure("xreadgroup", side, t, ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "q", ">"]);
        await measure("xack", side, t, ["XACK", "q", "g", "0-__rand_int__"], N);
      }
    }
    for (const [name, [a, b]] of Object.entries(results)) {
      const ma = median(a), mb = median(b);
      // Each round's two runs are next to each other in time: their ratio cancels most of the drift.
      const paired = median(a.map((x, i) => x / b[i]));
      const rounds = a.map((x, i) => (x / b[i]).toFixed(2)).join(" ");
      rows.push([
        `${name.toUpperCase()} -P ${p} (req/s)`,
        ma,
        mb,
        `${(ma / mb).toFixed(2)} (paired median ${paired.toFixed(2)}: ${rounds})`,
      ]);
      // CPU ratio as Redis/ours, so that above 1 still means we are ahead.
      const [ca, cb] = cpu[name];
      const cpuPaired = median(ca.map((x, i) => cb[i] / x));
      rows.push([
        `${name.toUpperCase()} -P ${p} server CPU per request (µs)`,
        median(ca),
        median(cb),
        `${(median(cb) / median(ca)).toFixed(2)} (paired median ${cpuPaired.toFixed(2)})`,
      ]);
    }
  }
} finally {
  await stopAll([ours, redis]);
}
printTable(rows);
