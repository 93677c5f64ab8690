/**
 * Side-by-side benchmark: starts our server (as `deno run src/main.ts`) and Debian's `redis-server` on
 * free ports, runs `redis-benchmark -c 50 -n 300000 -t set,get` at -P 1 and -P 16 against each, then
 * loads 1,000,000 keys with 16-byte values (DEBUG POPULATE) into each and compares RSS.
 * Prints one table: figure, ours, Redis, ratio. Not a test: it never gates CI.
 *
 * Options: --requests N (default 300000), --keys N (default 1000000), --tests set,get
 */
import { parseArgs } from "node:util";

const ROOT = new URL("../", import.meta.url).pathname;
const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "300000" },
    keys: { type: "string", default: "1000000" },
    tests: { type: "string", default: "set,get" },
    pipelines: { type: "string", default: "1,16" },
    clients: { type: "string", default: "50" },
  },
});

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  return new TextDecoder().decode(out.stdout);
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await run("redis-cli", ["-p", String(port), "ping"])).trim() === "PONG") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on ${port} did not start`);
}

/** Resident set size in bytes of a pid (Linux). */
function rss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

interface Target {
  name: string;
  port: number;
  proc: Deno.ChildProcess;
}

function startOurs(): Target {
  const port = freePort();
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}src/main.ts`,
      "--port",
      String(port),
      "--save",
      "",
      "--enable-debug-command",
      "local",
      "--loglevel",
      "warning",
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  return { name: "ours", port, proc };
}

function startRedis(): Target {
  const port = freePort();
  const dir = Deno.makeTempDirSync();
  const proc = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir, "--enable-debug-command", "local"],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  return { name: "redis", port, proc };
}

async function benchmark(t: Target, test: string, pipeline: number): Promise<number> {
  const csv = await run("redis-benchmark", [
    "-p",
    String(t.port),
    "-c",
    opts.clients!,
    "-n",
    opts.requests!,
    "-t",
    test,
    "-P",
    String(pipeline),
    "--csv",
  ]);
  const line = csv.split("\n").find((l) => l.startsWith(`"${test.toUpperCase()}`));
  if (!line) throw new Error(`no result for ${test} in:\n${csv}`);
  return Number(JSON.parse(`[${line}]`)[1]);
}

const rows: [string, number, number, string][] = [];
const ours = startOurs();
const redis = startRedis();
try {
  await waitReady(ours.port);
  await waitReady(redis.port);
  for (const p of opts.pipelines!.split(",").map(Number)) {
    for (const test of opts.tests!.split(",")) {
      // warm up our JIT briefly, then measure each side
      await benchmark(ours, test, p);
      const a = await benchmark(ours, test, p);
      const b = await benchmark(redis, test, p);
      rows.push([`${test.toUpperCase()} -P ${p} (req/s)`, a, b, (a / b).toFixed(2)]);
    }
  }
  const keys = opts.keys!;
  for (const t of [ours, redis]) {
    await run("redis-cli", ["-p", String(t.port), "flushall"]);
    await run("redis-cli", ["-p", String(t.port), "debug", "populate", keys, "key", "16"]);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const a = rss(ours.proc.pid), b = rss(redis.proc.pid);
  const dbsize = (await run("redis-cli", ["-p", String(ours.port), "dbsize"])).trim();
  rows.push([`RSS ${keys} keys x 16 B (MB; ours dbsize ${dbsize})`, a / 1e6, b / 1e6, (a / b).toFixed(2)]);
} finally {
  for (const t of [ours, redis]) {
    try {
      t.proc.kill("SIGKILL");
    } catch {
      // gone
    }
    await t.proc.status;
  }
}

const fmt = (n: number) => n >= 1000 ? Math.round(n).toString() : n.toFixed(1);
console.log(`| figure | ours | Redis | ratio |\n|---|---:|---:|---:|`);
for (const [name, a, b, r] of rows) console.log(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${r} |`);
