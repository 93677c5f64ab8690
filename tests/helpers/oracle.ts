/**
 * Test helper: the oracle. Starts Debian's `redis-server` (7.0) on a free port and replays the same
 * command script against it and against our server, so replies can be compared byte for byte.
 */
import { freePort } from "./server.ts";
import { RawClient } from "./resp.ts";
import { type RunningServer, startServer } from "../../src/mod.ts";

/** True when a redis-server binary is installed (CI installs it; see .ci/run). */
export function haveRedis(): boolean {
  try {
    return new Deno.Command("redis-server", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/** A running real redis-server. */
export class Oracle {
  private constructor(readonly proc: Deno.ChildProcess, readonly port: number, readonly dir: string) {}

  static async start(extra: string[] = []): Promise<Oracle> {
    const port = freePort();
    const dir = Deno.makeTempDirSync({ prefix: "oracle-" });
    const proc = new Deno.Command("redis-server", {
      args: [
        "--port",
        String(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--enable-debug-command",
        "yes",
        ...extra,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = Date.now() + 10000;
    while (true) {
      try {
        const c = await RawClient.connect(port);
        const r = await c.call("PING");
        c.close();
        if (r === "PONG") break;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error("redis-server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
    return new Oracle(proc, port, dir);
  }

  async stop(): Promise<void> {
    try {
      this.proc.kill("SIGKILL");
    } catch {
      // gone
    }
    await this.proc.status;
    Deno.removeSync(this.dir, { recursive: true });
  }
}

export type Script = (string | number)[][];

/** Sends each command of `script` on one connection and returns the raw reply texts. */
export async function replay(port: number, script: Script): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    const out: string[] = [];
    for (const cmd of script) out.push(await c.callRaw(...cmd));
    return out;
  } finally {
    c.close();
  }
}

/** What `sideBySide` hands its callback: a fresh server of ours, the oracle, one client on each. */
export interface SideBySide {
  srv: RunningServer;
  oracle: Oracle;
  ours: RawClient;
  redis: RawClient;
}

/**
 * Runs `fn` with a fresh server of ours and a fresh redis-server, one connected client on each, and
 * closes everything afterwards (the oracle's directory may already be gone: removing it is best effort).
 */
export async function sideBySide(
  fn: (s: SideBySide) => Promise<void>,
  opts: { config?: Record<string, string | number | boolean>; oracleArgs?: string[]; load?: boolean } = {},
): Promise<void> {
  const srv = await startServer({ config: opts.config, load: opts.load });
  const oracle = await Oracle.start(opts.oracleArgs);
  const ours = await RawClient.connect(srv.port), redis = await RawClient.connect(oracle.port);
  try {
    await fn({ srv, oracle, ours, redis });
  } finally {
    ours.close();
    redis.close();
    await srv.close();
    await oracle.stop().catch(() => {});
  }
}

/**
 * Replays `script` against a fresh server of ours and against the oracle; returns both reply lists
 * (with the commands) for assertion.
 */
export async function differential(
  script: Script,
  opts: { config?: Record<string, string | number | boolean>; oracleArgs?: string[] } = {},
): Promise<{ ours: string[]; redis: string[] }> {
  const srv = await startServer({ config: opts.config });
  const oracle = await Oracle.start(opts.oracleArgs);
  try {
    const ours = await replay(srv.port, script);
    const redis = await replay(oracle.port, script);
    return { ours, redis };
  } finally {
    await srv.close();
    await oracle.stop();
  }
}

/** Asserts replies are identical, reporting the first differing command. */
export function assertSameReplies(script: Script, r: { ours: string[]; redis: string[] }): void {
  for (let i = 0; i < script.length; i++) {
    if (r.ours[i] !== r.redis[i]) {
      throw new Error(
        `reply differs for ${JSON.stringify(script[i])}:\n  ours:  ${JSON.stringify(r.ours[i])}\n  redis: ${
          JSON.stringify(r.redis[i])
        }`,
      );
    }
  }
}
