/**
 * Test helper: start our server in-process (src/mod.ts) or as a child process (src/main.ts), and
 * a free-port finder.
 */
import { type RunningServer, type StartOptions, startServer } from "../../src/mod.ts";
import { RawClient } from "./resp.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs `fn` with a fresh in-process server and a connected raw client; closes both after. */
export async function withServer(
  fn: (srv: RunningServer, client: RawClient) => Promise<void>,
  opts: StartOptions = {},
): Promise<void> {
  const srv = await startServer(opts);
  const client = await RawClient.connect(srv.port);
  try {
    await fn(srv, client);
  } finally {
    client.close();
    await srv.close();
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A server running as a child process (`deno run src/main.ts …`). */
export class ChildServer {
  private stdoutText = "";
  private readonly done: Promise<Deno.CommandStatus>;
  private reader: Promise<void>;

  private constructor(readonly proc: Deno.ChildProcess, readonly port: number) {
    this.done = proc.status;
    this.reader = (async () => {
      const dec = new TextDecoder();
      for await (const chunk of proc.stdout) this.stdoutText += dec.decode(chunk);
    })();
  }

  /** Spawns the server with `args` (config file and/or --flags). Resolves once `waitFor` is logged. */
  static async spawn(
    args: string[],
    opts: { port?: number; waitFor?: string | null; stdin?: string; cwd?: string } = {},
  ): Promise<ChildServer> {
    const port = opts.port ?? freePort();
    const full = opts.port === undefined && !args.includes("--port") ? [...args, "--port", String(port)] : args;
    const cmd = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}src/main.ts`, ...full],
      stdout: "piped",
      stderr: "piped",
      stdin: opts.stdin !== undefined ? "piped" : "null",
      // A fresh working directory by default, so a server that saves (SIGTERM with save points) never
      // leaves dump.rdb in the repository for the next server to load.
      cwd: opts.cwd ?? Deno.makeTempDirSync({ prefix: "redeno-child-" }),
    });
    const proc = cmd.spawn();
    if (opts.stdin !== undefined) {
      const w = proc.stdin.getWriter();
      await w.write(new TextEncoder().encode(opts.stdin));
      await w.close();
    }
    const child = new ChildServer(proc, port);
    // stderr is merged into our text for diagnostics
    (async () => {
      const dec = new TextDecoder();
      for await (const chunk of proc.stderr) child.stdoutText += dec.decode(chunk);
    })();
    const wait = opts.waitFor === undefined ? "Ready to accept connections" : opts.waitFor;
    if (wait !== null) await child.waitForOutput(wait);
    return child;
  }

  /** Everything the process printed so far (stdout + stderr). */
  get output(): string {
    return this.stdoutText;
  }

  /** Waits until the output contains `text`. */
  async waitForOutput(text: string, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stdoutText.includes(text)) {
      if (Date.now() > deadline) {
        throw new Error(`server never printed ${JSON.stringify(text)}; got:\n${this.stdoutText}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Resolves with the exit status. */
  async status(): Promise<Deno.CommandStatus> {
    const s = await this.done;
    await this.reader.catch(() => {});
    return s;
  }

  /** Sends a signal and waits for exit. */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<Deno.CommandStatus> {
    try {
      this.proc.kill(signal);
    } catch {
      // already gone
    }
    return await this.status();
  }
}
