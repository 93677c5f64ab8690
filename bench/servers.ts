/**
 * What the side-by-side benchmarks share: starting our server (`deno run src/main.ts`, with the same
 * V8 flags as `deno task start`) and Debian's `redis-server` on free ports, waiting for them, reading
 * their RSS, running tools (redis-benchmark), loading data with pipelined commands, stopping them, and
 * printing the comparison table.
 */

const ROOT = new URL("../", import.meta.url).pathname;

/** A server under benchmark. */
export interface Target {
  name: string;
  port: number;
  proc: Deno.ChildProcess;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

/** The V8 flags of `deno task start` (read from deno.json so the bench runs what users run). */
export function startTaskV8Flags(): string[] {
  const json = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)) as { tasks: Record<string, string> };
  return json.tasks.start.split(" ").filter((a) => a.startsWith("--v8-flags="));
}

/** Starts our server with extra directives (e.g. ["--enable-debug-command", "local"]). */
export function startOurs(extra: string[] = []): Target {
  const port = freePort();
  const args = ["run", "-A", ...startTaskV8Flags(), `${ROOT}src/main.ts`, "--port", String(port), "--save", ""];
  const proc = new Deno.Command(Deno.execPath(), {
    args: [...args, "--loglevel", "warning", ...extra],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  return { name: "ours", port, proc };
}

/** Starts Debian's redis-server with extra directives. */
export function startRedis(extra: string[] = []): Target {
  const port = freePort();
  const dir = Deno.makeTempDirSync();
  const proc = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir, ...extra],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  return { name: "redis", port, proc };
}

/** Waits until the server answers PING. */
export async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      await c.write(new TextEncoder().encode("PING\r\n"));
      const buf = new Uint8Array(16);
      const n = await c.read(buf);
      c.close();
      if (n && new TextDecoder().decode(buf.subarray(0, n)) === "+PONG\r\n") return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on ${port} did not start`);
}

/** Resident set size in bytes of a pid (Linux). */
export function rss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** CPU time (user + system) a process has used so far, in seconds (Linux /proc, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Kills the servers and waits for them. */
export async function stopAll(targets: Target[]): Promise<void> {
  for (const t of targets) {
    try {
      t.proc.kill("SIGKILL");
    } catch {
      // gone
    }
    await t.proc.status;
  }
}

/** Prints the comparison table: figure, ours, Redis, ratio. */
export function printTable(rows: [string, number, number, string][]): void {
  const fmt = (n: number) => n >= 1000 ? Math.round(n).toString() : n.toFixed(1);
  console.log(`| figure | ours | Redis | ratio |\n|---|---:|---:|---:|`);
  for (const [name, a, b, r] of rows) console.log(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${r} |`);
}

/** Runs a tool and returns its stdout (plus the start of its stderr, where redis-benchmark reports errors). */
export async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder();
  return text.decode(out.stdout) + text.decode(out.stderr).slice(0, 500);
}

/** The median of `xs`. */
export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/**
 * The ratio cell of a side-by-side row from per-round figures (round i of each side ran back to back):
 * the ratio of the medians, then the median of the per-round ratios and each round's, which cancel
 * most of this machine's drift. `lowerIsBetter` (costs such as CPU time) puts Redis over ours, so that
 * above 1 always means we are ahead.
 */
export function ratioCell(ours: number[], redis: number[], lowerIsBetter = false): string {
  const r = (a: number, b: number) => lowerIsBetter ? b / a : a / b;
  const per = ours.map((x, i) => r(x, redis[i]));
  return `${r(median(ours), median(redis)).toFixed(2)} (paired median ${median(per).toFixed(2)}: ${
    per.map((x) => x.toFixed(2)).join(" ")
  })`;
}

/** One command in RESP (a multibulk of its arguments). */
export function resp(args: string[]): string {
  return `*${args.length}\r\n` + args.map((s) => `$${s.length}\r\n${s}\r\n`).join("");
}

/** A stream `q` of `n` entries with IDs 0-1…0-n and a group `g` at its start (the stream benches' queue). */
export function prepareQueue(port: number, n: number): Promise<void> {
  const cmds: string[][] = [["DEL", "q"]];
  for (let i = 1; i <= n; i++) cmds.push(["XADD", "q", `0-${i}`, "field", "value"]);
  cmds.push(["XGROUP", "CREATE", "q", "g", "0"]);
  return pipeline(port, cmds);
}

/** Sends commands in batches of 1000 over one connection, each batch ended by a PING whose +PONG ends its replies. */
export async function pipeline(port: number, commands: string[][]): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const enc = new TextEncoder(), dec = new TextDecoder();
  const buf = new Uint8Array(1 << 16);
  for (let i = 0; i < commands.length; i += 1000) {
    const batch = [...commands.slice(i, i + 1000), ["PING"]];
    const text = batch.map(resp).join("");
    await conn.write(enc.encode(text));
    let tail = "";
    while (!tail.endsWith("+PONG\r\n")) {
      const r = await conn.read(buf);
      if (r === null) throw new Error("connection closed");
      tail = (tail + dec.decode(buf.subarray(0, r))).slice(-16);
    }
  }
  conn.close();
}

/** A redis-benchmark run: `-t` test names (e.g. ["set"]) or one custom command line. */
export interface BenchmarkRun {
  clients: number | string;
  requests: number | string;
  pipeline: number;
  /** -r: keyspace size for __rand_int__ (0 = none). */
  random?: number | string;
  test?: string;
  command?: string[];
}

/** Runs redis-benchmark against `t` and returns its requests per second (from --csv). */
export async function redisBenchmark(t: Target, r: BenchmarkRun): Promise<number> {
  const csv = await run("redis-benchmark", [
    "-p",
    String(t.port),
    "-c",
    String(r.clients),
    "-n",
    String(r.requests),
    ...(r.random ? ["-r", String(r.random)] : []),
    "-P",
    String(r.pipeline),
    "--csv",
    ...(r.command ?? ["-t", r.test!]),
  ]);
  const lines = csv.split("\n").filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
  const line = r.command ? lines[0] : lines.find((l) => l.startsWith(`"${r.test!.toUpperCase()}`));
  if (!line) throw new Error(`no result for ${t.name} ${r.command?.join(" ") ?? r.test}:\n${csv}`);
  return Number(JSON.parse(`[${line}]`)[1]);
}
