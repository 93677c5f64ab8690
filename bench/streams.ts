/**
 * Stream throughput side by side (ours vs Debian's redis-server), with redis-benchmark:
 * - XADD s * field value (auto ids);
 * - XREADGROUP GROUP g c COUNT 1 STREAMS q > on a stream pre-filled with --entries entries (each call
 *   delivers one new entry and adds it to the PEL);
 * - XACK q g 0-<random> over those delivered ids (-r: a random pending id, some already acked).
 * Median of --rounds alternating runs per side, at each --pipelines depth, and the median of the
 * per-round ratios (each round runs both sides back to back). Not a test.
 *
 *   deno run -A bench/streams.ts [--requests 200000] [--pipelines 1,16] [--rounds 3] [--clients 50]
 */
import { parseArgs } from "node:util";
import {
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

/** redis-benchmark of one custom command line; returns requests/s. */
function bench(t: Target, pipeline: number, command: string[], random = 0): Promise<number> {
  return redisBenchmark(t, { clients: opts.clients!, requests: N, pipeline, random, command });
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
    await bench(ours, p, ["XADD", "s", "*", "field", "value"]); // warm-up
    for (let r = 0; r < Number(opts.rounds); r++) {
      for (const [side, t] of [ours, redis].entries()) {
        results.xadd[side].push(await bench(t, p, ["XADD", "s", "*", "field", "value"]));
        await prepareQueue(t);
        results.xreadgroup[side].push(
          await bench(t, p, ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "q", ">"]),
        );
        results.xack[side].push(await bench(t, p, ["XACK", "q", "g", "0-__rand_int__"], N));
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
    }
  }
} finally {
  await stopAll([ours, redis]);
}
printTable(rows);
