/**
 * Persistence side by side with redis-server: SAVE time and load time of N keys (DEBUG POPULATE), and
 * the largest client stall while BGSAVE runs under load (redis-benchmark SET/GET + a PING probe that
 * records its worst round trip). Redis's own stall is its fork (INFO latest_fork_usec); ours runs with
 * --trace-gc, and the longest GC pause inside the BGSAVE window is reported (a PING round trip on this
 * 2-core machine also waits for the CPU the benchmark and the snapshot child take). Both servers run
 * with `latency-monitor-threshold 1` during BGSAVE, and the largest LATENCY LATEST samples (their own
 * record of main-thread blocking of 1 ms or more) are printed side by side.
 *
 *   deno run -A bench/persistence.ts [--keys 1000000] [--clients 50]
 */
import { parseArgs } from "node:util";
import { freePort, run, startTaskV8Flags, waitReady } from "./servers.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const { values } = parseArgs({
  args: Deno.args,
  options: { keys: { type: "string", default: "1000000" }, clients: { type: "string", default: "50" } },
});
const KEYS = Number(values.keys);
const CLIENTS = Number(values.clients);

interface Proc {
  port: number;
  proc: Deno.ChildProcess;
  log: () => string;
  /** performance.now() at spawn: --trace-gc times count from about then. */
  spawnedAt: number;
}

function spawn(kind: "ours" | "redis", dir: string): Proc {
  const port = freePort();
  const common = ["--port", String(port), "--dir", dir, "--save", "", "--enable-debug-command", "local"];
  const cmd = kind === "ours"
    ? new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...gcTraced(startTaskV8Flags()), `${ROOT}src/main.ts`, ...common],
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command("redis-server", { args: [...common, "--appendonly", "no"], stdout: "piped", stderr: "piped" });
  const spawnedAt = performance.now();
  const proc = cmd.spawn();
  let text = "";
  const dec = new TextDecoder();
  (async () => {
    for await (const c of proc.stdout) text += dec.decode(c);
  })();
  (async () => {
    for await (const c of proc.stderr) text += dec.decode(c);
  })();
  return { port, proc, log: () => text, spawnedAt };
}

/** The V8 flags with --trace-gc added. */
function gcTraced(flags: string[]): string[] {
  const v8 = flags.find((f) => f.startsWith("--v8-flags="));
  return [...flags.filter((f) => f !== v8), v8 ? `${v8},--trace-gc` : "--v8-flags=--trace-gc"];
}

/** GC pauses (--trace-gc lines) that started within [from, to] ms of the process start, by kind. */
function gcPauses(log: string, from: number, to: number): { scavenge: number[]; markCompact: number[] } {
  const out = { scavenge: [] as number[], markCompact: [] as number[] };
  const re = /\]\s+(\d+) ms: (Scavenge|Mark-Compact|Incremental Mark-Compact)[^\n]*?, ([\d.]+) \/ [\d.]+ ms/g;
  for (const m of log.matchAll(re)) {
    const at = Number(m[1]);
    if (at < from || at > to) continue;
    (m[2] === "Scavenge" ? out.scavenge : out.markCompact).push(Number(m[3]));
  }
  return out;
}

/**
 * The latency monitor's record (LATENCY LATEST, through redis-cli --csv): the largest sample of each
 * event, in ms. Both servers record what blocks their main thread for at least the threshold: Redis
 * its fork ("fork") and slow commands ("command"); ours its snapshot slices ("snapshot-walk") and
 * command batches ("command").
 */
async function latencyMax(port: number): Promise<Map<string, number>> {
  const csv = (await run("redis-cli", ["-p", String(port), "--csv", "LATENCY", "LATEST"])).trim();
  const out = new Map<string, number>();
  if (csv === "") return out;
  const f = csv.split(",");
  for (let i = 0; i + 3 < f.length; i += 4) out.set(f[i].replaceAll('"', ""), Number(f[i + 3]));
  return out;
}

/** A minimal RESP client for inline commands with simple replies. */
class Conn {
  private buf = "";
  private constructor(private readonly c: Deno.Conn) {}
  static async open(port: number): Promise<Conn> {
    return new Conn(await Deno.connect({ hostname: "127.0.0.1", port }));
  }
  async cmd(...argv: string[]): Promise<string> {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
    await this.c.write(new TextEncoder().encode(s));
    return await this.reply();
  }
  private async reply(): Promise<string> {
    const chunk = new Uint8Array(1 << 16);
    while (true) {
      const end = this.complete();
      if (end > 0) {
        const r = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        return r;
      }
      const n = await this.c.read(chunk);
      if (n === null) throw new Error("closed");
      this.buf += new TextDecoder().decode(chunk.subarray(0, n));
    }
  }
  private complete(): number {
    const nl = this.buf.indexOf("\r\n");
    if (nl < 0) return 0;
    if (this.buf[0] !== "$") return nl + 2;
    const len = Number(this.buf.slice(1, nl));
    if (len < 0) return nl + 2;
    return this.buf.length >= nl + 2 + len + 2 ? nl + 2 + len + 2 : 0;
  }
  close() {
    this.c.close();
  }
}

async function infoField(c: Conn, section: string, name: string): Promise<string> {
  const r = await c.cmd("INFO", section);
  return r.match(new RegExp(`${name}:([^\\r]*)`))?.[1] ?? "";
}

async function measure(kind: "ours" | "redis") {
  const dir = Deno.makeTempDirSync({ prefix: `bench-persist-${kind}-` });
  let s = spawn(kind, dir);
  await waitReady(s.port);
  const c = await Conn.open(s.port);
  await c.cmd("DEBUG", "POPULATE", String(KEYS));
  let t = performance.now();
  await c.cmd("SAVE");
  const saveMs = performance.now() - t;
  const rdbBytes = Deno.statSync(`${dir}/dump.rdb`).size;

  // BGSAVE under load: redis-benchmark plus a PING probe
  const bench = new Deno.Command("redis-benchmark", {
    args: ["-p", String(s.port), "-t", "set,get", "-n", "100000000", "-r", String(KEYS), "-c", String(CLIENTS), "-q"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const probe = await Conn.open(s.port);
  let worst = 0, worstBefore = 0, samples = 0;
  const probeState = { phase: "before" as "before" | "during" | "done" };
  const probing = (async () => {
    while (probeState.phase !== "done") {
      const p0 = performance.now();
      await probe.cmd("PING");
      const rtt = performance.now() - p0;
      if (probeState.phase === "during") {
        worst = Math.max(worst, rtt);
        samples++;
      } else worstBefore = Math.max(worstBefore, rtt);
    }
  })();
  await new Promise((r) => setTimeout(r, 1500));
  await c.cmd("CONFIG", "SET", "latency-monitor-threshold", "1");
  await c.cmd("LATENCY", "RESET");
  probeState.phase = "during";
  t = performance.now();
  await c.cmd("BGSAVE");
  while ((await infoField(c, "persistence", "rdb_bgsave_in_progress")) === "1") {
    await new Promise((r) => setTimeout(r, 20));
  }
  const bgsaveMs = performance.now() - t;
  // The BGSAVE window in the server's --trace-gc clock, with 100 ms of slack for the start offset.
  const gc = kind === "ours" ? gcPauses(s.log(), t - s.spawnedAt - 100, t + bgsaveMs - s.spawnedAt + 100) : null;
  probeState.phase = "done";
  const latency = await latencyMax(s.port);
  await probing;
  const forkUsec = kind === "redis" ? Number(await infoField(c, "stats", "latest_fork_usec")) : 0;
  bench.kill("SIGKILL");
  await bench.status;
  probe.close();
  c.close();
  s.proc.kill("SIGKILL");
  await s.proc.status;

  // load time: restart on the same dump
  s = spawn(kind, dir);
  t = performance.now();
  await waitReady(s.port);
  const readyMs = performance.now() - t;
  await new Promise((r) => setTimeout(r, 100));
  const loaded = Number(s.log().match(/DB loaded from disk: ([\d.]+) seconds/)?.[1] ?? NaN) * 1000;
  s.proc.kill("SIGKILL");
  await s.proc.status;
  Deno.removeSync(dir, { recursive: true });
  return { saveMs, rdbBytes, bgsaveMs, worstBefore, worst, samples, forkUsec, loaded, readyMs, gc, latency };
}

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const kind of ["redis", "ours"] as const) results[kind] = await measure(kind);
const r = results.redis, o = results.ours;
const row = (name: string, a: number, b: number, unit = "ms") =>
  console.log(`${name.padEnd(44)} ${a.toFixed(1).padStart(10)} ${b.toFixed(1).padStart(10)} ${unit}`);
console.log(`${KEYS} keys (DEBUG POPULATE), ${CLIENTS} redis-benchmark clients during BGSAVE`);
console.log(`${"".padEnd(44)} ${"redis".padStart(10)} ${"ours".padStart(10)}`);
row("SAVE", r.saveMs, o.saveMs);
row("dump.rdb size", r.rdbBytes / 1e6, o.rdbBytes / 1e6, "MB");
row("load at startup (log: DB loaded from disk)", r.loaded, o.loaded);
row("start to first PONG with the dump", r.readyMs, o.readyMs);
row("BGSAVE duration under load", r.bgsaveMs, o.bgsaveMs);
row("worst PING round trip before BGSAVE", r.worstBefore, o.worstBefore);
row("worst PING round trip during BGSAVE", r.worst, o.worst);
row("redis fork (latest_fork_usec)", r.forkUsec / 1000, 0);
const lat = (x: typeof r, e: string) => x.latency.get(e) ?? 0;
row("LATENCY max, fork (redis) / snapshot-walk (ours), 0 = none", lat(r, "fork"), lat(o, "snapshot-walk"));
row("LATENCY max, ours: snapshot-spawn", 0, lat(o, "snapshot-spawn"));
row("LATENCY max during BGSAVE, command", lat(r, "command"), lat(o, "command"));
const g = o.gc!;
row("ours: longest GC pause during BGSAVE", 0, Math.max(0, ...g.scavenge, ...g.markCompact));
console.log(
  `ours during BGSAVE: ${g.scavenge.length} scavenges (longest ${Math.max(0, ...g.scavenge).toFixed(1)} ms), ` +
    `${g.markCompact.length} mark-compacts (${g.markCompact.map((x) => x.toFixed(1)).join(", ") || "none"} ms)`,
);
console.log(`probe samples during BGSAVE: redis ${r.samples}, ours ${o.samples}`);
