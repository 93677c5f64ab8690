/**
 * Embedding API: start a server inside your own process (tests, fixtures, tools).
 *
 * ```ts
 * await using srv = await startServer({ port: 0 });
 * console.log(srv.port); // the bound port
 * ```
 */
import { Config } from "./config/config.ts";
import { Server } from "./server/server.ts";
import { startListeners } from "./net/listener.ts";
import { installResume } from "./net/connection.ts";
import { applyCommandRenames, runStartupLoaders } from "./server/startup.ts";
import { warmUpSnapshots } from "./persist/snapshot.ts";
import "./commands/persist.ts";

export { Server } from "./server/server.ts";
export { Config } from "./config/config.ts";

export interface StartOptions {
  /** TCP port; 0 (the default here) picks a free port, unlike `port 0` in a config file. */
  port?: number;
  /** Bind address(es); default 127.0.0.1. */
  host?: string | string[];
  /** Config directives, as in redis.conf (`{ "maxmemory": "100mb", "save": "" }`). */
  config?: Record<string, string | number | boolean | string[]>;
  /** Log to stdout (default: silent when embedded). */
  log?: boolean;
  /**
   * Load the dataset from `dir` (dump.rdb, or the AOF with `appendonly yes`) before serving, as
   * redis-server does. Default: only when `appendonly` is on.
   */
  load?: boolean;
}

/** A running embedded server. */
export interface RunningServer extends AsyncDisposable {
  readonly port: number;
  readonly host: string;
  readonly server: Server;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Converts a JS config value to the directive's raw arguments: a string of a multi-argument directive
 * (save, bind…) splits on spaces like a redis.conf line; any other string is one argument.
 */
function rawArgs(v: string | number | boolean | string[], multiArg: boolean): string[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "boolean") return [v ? "yes" : "no"];
  const s = String(v);
  if (!multiArg) return [s];
  return s === "" ? [""] : s.split(" ");
}

/** Builds a Config from directives (as in redis.conf); throws on an invalid one. */
export function configFrom(directives: Record<string, string | number | boolean | string[]>): Config {
  const config = new Config();
  for (const [name, value] of Object.entries(directives)) {
    const def = config.lookup(name);
    const err = config.setRaw(name, rawArgs(value, def === undefined || def.multiArg === true));
    if (err) throw new Error(`config '${name}': ${err}`);
  }
  return config;
}

/** Starts an in-process server and resolves once it listens. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const directives = { ...(opts.config ?? {}) };
  const hosts = opts.host === undefined ? ["127.0.0.1"] : Array.isArray(opts.host) ? opts.host : [opts.host];
  directives.bind ??= hosts;
  directives.port ??= opts.port ?? 0;
  const config = configFrom(directives);
  const server = new Server(config);
  server.log.enabled = opts.log ?? false;
  installResume(server);
  applyCommandRenames(server);
  startListeners(server, true);
  if (opts.load ?? config.bool("appendonly")) {
    try {
      await runStartupLoaders(server);
    } catch (e) {
      await server.close();
      throw e;
    }
  }
  warmUpSnapshots();
  server.startCron();
  await Promise.resolve();
  const bound = server.boundTcp[0];
  // `port 0` here means "any free port": report the one bound, as CONFIG GET port does in Redis.
  if (bound && config.num("port") === 0) config.setRaw("port", [String(bound.port)], false);
  const running: RunningServer = {
    port: bound?.port ?? 0,
    host: bound?.hostname ?? "",
    server,
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
  return running;
}
