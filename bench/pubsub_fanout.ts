/**
 * Pub/Sub fan-out benchmark: starts our server (as `deno run src/main.ts`) and Debian's `redis-server`
 * on free ports, connects S subscribers to one channel and one publisher, sends N PUBLISH commands
 * (P in flight at a time) and measures the messages delivered per second — from the first PUBLISH
 * until every subscriber has received every message. `redis-benchmark -t publish` has no subscribers,
 * hence this tool. Prints one table: figure, ours, Redis, ratio. Not a test: it never gates CI.
 *
 * Options: --subscribers S (default 50), --messages N (default 20000), --pipelines 1,32,
 *          --size B (payload bytes, default 16), --rounds R (best of R, default 3)
 */
import { parseArgs } from "node:util";
import { printTable, startOurs, startRedis, stopAll } from "./servers.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    subscribers: { type: "string", default: "50" },
    messages: { type: "string", default: "20000" },
    pipelines: { type: "string", default: "1,32" },
    size: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
  },
});
const SUBS = Number(opts.subscribers);
const N = Number(opts.messages);
const SIZE = Number(opts.size);
const ROUNDS = Number(opts.rounds);

const enc = new TextEncoder();

async function connect(port: number): Promise<Deno.TcpConn> {
  for (let i = 0; i < 200; i++) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.setNoDelay(true);
      return c;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`cannot connect to ${port}`);
}

async function writeAll(c: Deno.Conn, b: Uint8Array): Promise<void> {
  let off = 0;
  while (off < b.length) off += await c.write(b.subarray(off));
}

/** Reads until `bytes` bytes have arrived. */
async function readBytes(c: Deno.Conn, bytes: number, buf: Uint8Array): Promise<void> {
  let got = 0;
  while (got < bytes) {
    const n = await c.read(buf);
    if (n === null) throw new Error("connection closed");
    got += n;
  }
}

/** One measurement: messages delivered per second with `pipeline` PUBLISHes in flight. */
async function measure(port: number, pipeline: number, round: number): Promise<number> {
  const channel = `bench-${pipeline}-${round}`;
  const payload = "x".repeat(SIZE);
  const confirm = `*3\r\n$9\r\nsubscribe\r\n$${channel.length}\r\n${channel}\r\n:1\r\n`;
  const frame = `*3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${SIZE}\r\n${payload}\r\n`;
  const subs: Deno.TcpConn[] = [];
  const buf = new Uint8Array(256 * 1024);
  for (let i = 0; i < SUBS; i++) {
    const s = await connect(port);
    await writeAll(s, enc.encode(`*2\r\n$9\r\nSUBSCRIBE\r\n$${channel.length}\r\n${channel}\r\n`));
    await readBytes(s, confirm.length, buf);
    subs.push(s);
  }
  const pub = await connect(port);
  const cmd = `*3\r\n$7\r\nPUBLISH\r\n$${channel.length}\r\n${channel}\r\n$${SIZE}\r\n${payload}\r\n`;
  const reply = `:${SUBS}\r\n`;
  const batch = enc.encode(cmd.repeat(pipeline));
  const pubBuf = new Uint8Array(64 * 1024);
  const start = performance.now();
  const received = subs.map((s) => readBytes(s, frame.length * N, new Uint8Array(256 * 1024)));
  for (let sent = 0; sent < N; sent += pipeline) {
    const k = Math.min(pipeline, N - sent);
    await writeAll(pub, k === pipeline ? batch : enc.encode(cmd.repeat(k)));
    await readBytes(pub, reply.length * k, pubBuf);
  }
  await Promise.all(received);
  const secs = (performance.now() - start) / 1000;
  for (const s of [...subs, pub]) s.close();
  return (N * SUBS) / secs;
}

const rows: [string, number, number, string][] = [];
const ours = startOurs();
const redis = startRedis();
try {
  for (const pipeline of opts.pipelines!.split(",").map(Number)) {
    const best: number[] = [];
    for (const t of [ours, redis]) {
      if (t === ours) await measure(t.port, pipeline, -1); // JIT warm-up
      let top = 0;
      for (let r = 0; r < ROUNDS; r++) top = Math.max(top, await measure(t.port, pipeline, r));
      best.push(top);
    }
    rows.push([
      `fan-out 1 pub → ${SUBS} subs, ${SIZE} B, -P ${pipeline} (msg/s delivered)`,
      best[0],
      best[1],
      (best[0] / best[1]).toFixed(2),
    ]);
  }
} finally {
  await stopAll([ours, redis]);
}

printTable(rows);
