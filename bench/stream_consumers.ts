/**
 * The consumer-group loop side by side (ours vs Debian's redis-server): a stream of --entries
 * entries and --clients consumers of one group, each repeating "XACK what I got last time, then
 * XREADGROUP COUNT --count >" in one write (the BullMQ / worker-queue pattern) until the stream is
 * drained. Reports messages per second and the server's CPU time per message (user + system, from
 * /proc), the figure least disturbed by the load generator sharing this machine's cores. Median of
 * --rounds alternating rounds, and the median of per-round ratios. Not a test.
 *
 *   deno run -A bench/stream_consumers.ts [--entries 200000] [--clients 50] [--count 16] [--rounds 5]
 */
import { parseArgs } from "node:util";
import {
  cpuSeconds,
  median,
  prepareQueue,
  printTable,
  ratioCell,
  resp,
  startOurs,
  startRedis,
  stopAll,
  type Target,
  waitReady,
} from "./servers.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    entries: { type: "string", default: "200000" },
    clients: { type: "string", default: "50" },
    count: { type: "string", default: "16" },
    rounds: { type: "string", default: "5" },
  },
});
const N = Number(opts.entries);
const enc = new TextEncoder();

/** Reads the decimal number at `p` up to CR; returns [value, index after CRLF] or null when cut. */
function num(b: Uint8Array, p: number, end: number): [number, number] | null {
  let neg = false, v = 0;
  if (b[p] === 45) {
    neg = true;
    p++;
  }
  for (; p < end && b[p] !== 13; p++) v = v * 10 + b[p] - 48;
  return p + 1 < end ? [neg ? -v : v, p + 2] : null;
}

/**
 * Skips one RESP2 reply at `p`, collecting the entry IDs of an XREADGROUP reply into `ids` (the first
 * bulk of each two-element array). Returns the index after the reply, or -1 when it is incomplete.
 */
function skip(b: Uint8Array, p: number, end: number, ids: string[] | null, depth = 0): number {
  if (p >= end) return -1;
  const t = b[p];
  const n = num(b, p + 1, end);
  if (n === null) return -1;
  const [v, q] = n;
  if (t === 43 || t === 45 || t === 58) return q; // + - :
  if (t === 36) { // $
    if (v < 0) return q;
    return q + v + 2 <= end ? q + v + 2 : -1;
  }
  // *: an entry is [id, fields] at depth 3 (reply → stream → entries → entry).
  let r = q;
  for (let i = 0; i < v; i++) {
    if (depth === 3 && i === 0 && ids !== null && b[r] === 36) {
      const len = num(b, r + 1, end);
      if (len === null || len[1] + len[0] + 2 > end) return -1;
      ids.push(String.fromCharCode(...b.subarray(len[1], len[1] + len[0])));
    }
    r = skip(b, r, end, ids, depth + 1);
    if (r < 0) return -1;
  }
  return r;
}

/** One consumer: XACK the last batch + XREADGROUP the next, one write per round trip, until drained. */
async function consumer(port: number, name: string, count: number): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const read = resp(["XREADGROUP", "GROUP", "g", name, "COUNT", String(count), "STREAMS", "q", ">"]);
  let buf = new Uint8Array(1 << 16);
  let ids: string[] = [];
  let got = 0;
  for (;;) {
    const acking = ids.length !== 0;
    await conn.write(enc.encode((acking ? resp(["XACK", "q", "g", ...ids]) : "") + read));
    ids = [];
    let end = 0, p = 0;
    for (let replies = acking ? 2 : 1; replies > 0;) {
      const r = await conn.read(buf.subarray(end));
      if (r === null) throw new Error("connection closed");
      end += r;
      if (end === buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      for (;;) {
        const isRead = replies === 1;
        const before = ids.length;
        const q = skip(buf, p, end, isRead ? ids : null);
        if (q < 0) {
          ids.length = before;
          break;
        }
        if (!isRead && buf[p] !== 58) throw new Error(`XACK failed: ${new TextDecoder().decode(buf.subarray(p, q))}`);
        p = q;
        if (--replies === 0) break;
      }
    }
    got += ids.length;
    if (ids.length === 0) break;
  }
  conn.close();
  return got;
}

/** One round on `t`: fills the stream, drains it with the consumers; returns [messages/s, server µs/message]. */
async function round(t: Target): Promise<[number, number]> {
  await prepareQueue(t.port, N);
  const cpu0 = cpuSeconds(t.proc.pid), t0 = performance.now();
  const counts = await Promise.all(
    Array.from({ length: Number(opts.clients) }, (_, i) => consumer(t.port, `c${i}`, Number(opts.count))),
  );
  const secs = (performance.now() - t0) / 1000, cpu = cpuSeconds(t.proc.pid) - cpu0;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== N) throw new Error(`${t.name}: consumed ${total} of ${N}`);
  return [N / secs, (cpu * 1e6) / N];
}

const ours = startOurs(), redis = startRedis();
const rate: number[][] = [[], []], cpu: number[][] = [[], []];
try {
  await waitReady(ours.port);
  await waitReady(redis.port);
  await round(ours); // warm-up
  for (let r = 0; r < Number(opts.rounds); r++) {
    for (const [side, t] of [ours, redis].entries()) {
      const [mps, us] = await round(t);
      rate[side].push(mps);
      cpu[side].push(us);
    }
  }
} finally {
  await stopAll([ours, redis]);
}
printTable([
  [
    `XREADGROUP COUNT ${opts.count} + XACK loop (messages/s)`,
    median(rate[0]),
    median(rate[1]),
    ratioCell(rate[0], rate[1]),
  ],
  ["server CPU per message (µs; ratio Redis/ours)", median(cpu[0]), median(cpu[1]), ratioCell(cpu[0], cpu[1], true)],
]);
