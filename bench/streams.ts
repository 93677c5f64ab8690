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
  prepareQueue,
  printTable,
  ratioCell,
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

/** redis-benchmark of one custom command line; returns requests/s and the server's CPU µs per request. */
async function bench(t: Target, pipeline: number, command: string[], random = 0): Promise<[number, number]> {
  const cpu0 = cpuSeconds(t.proc.pid);
  const rps = await redisBenchmark(t, { clients: opts.clients!, requests: N, pipeline, random, command });
  return [rps, ((cpuSeconds(t.proc.pid) - cpu0) * 1e6) / N];
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
      const [rps, us] = await bench(t, p, command, random);
      results[name][side].push(rps);
      cpu[name][side].push(us);
    };
    await bench(ours, p, ["XADD", "s", "*", "field", "value"]); // warm-up
    for (let r = 0; r < Number(opts.rounds); r++) {
      for (const [side, t] of [ours, redis].entries()) {
        await measure("xadd", side, t, ["XADD", "s", "*", "field", "value"]);
        await prepareQueue(t.port, N);
        await measure("xreadgroup", side, t, ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "q", ">"]);
        await measure("xack", side, t, ["XACK", "q", "g", "0-__rand_int__"], N);
      }
    }
    for (const [name, [a, b]] of Object.entries(results)) {
      rows.push([`${name.toUpperCase()} -P ${p} (req/s)`, median(a), median(b), ratioCell(a, b)]);
      const [ca, cb] = cpu[name];
      rows.push([
        `${name.toUpperCase()} -P ${p} server CPU per request (µs; ratio Redis/ours)`,
        median(ca),
        median(cb),
        ratioCell(ca, cb, true),
      ]);
    }
  }
} finally {
  await stopAll([ours, redis]);
}
printTable(rows);
