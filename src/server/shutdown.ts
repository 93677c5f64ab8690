/**
 * Orderly shutdown shared by SIGTERM/SIGINT and the SHUTDOWN command, with Redis's log lines and
 * order: "User requested shutdown...", the final RDB save (through a hook persistence registers, only
 * when save points exist or SAVE is asked), pid file and unix socket removal, closing, "Redis is now
 * ready to exit, bye bye...", then the process exit handler (redis-server mode only).
 */
import type { Server } from "./server.ts";

export interface ShutdownOptions {
  /** SHUTDOWN SAVE (true) / NOSAVE (false); undefined = save when save points are configured. */
  save?: boolean;
  /** Skip waiting for lagging replicas. */
  now?: boolean;
  /** Exit even when the final save fails. */
  force?: boolean;
  /** Why (for callers' bookkeeping): "user request", "signal SIGTERM"… */
  reason?: string;
}

/** Writes the final snapshot; resolves with an error text when it failed. */
export type ShutdownSaver = (server: Server) => Promise<string | undefined> | string | undefined;

const savers = new WeakMap<Server, ShutdownSaver>();
const exitHandlers = new WeakMap<Server, (code: number) => void>();
const pidFiles = new WeakMap<Server, string>();
const inProgress = new WeakSet<Server>();

/** Registers the final-save step (persistence plugs in here). Without one, nothing is saved. */
export function setShutdownSaver(server: Server, saver: ShutdownSaver): void {
  savers.set(server, saver);
}

/** Registers what ends the process once the server has shut down (main.ts: Deno.exit). */
export function setExitHandler(server: Server, fn: (code: number) => void): void {
  exitHandlers.set(server, fn);
}

/** Records the pid file written at startup so shutdown removes it. */
export function setPidFile(server: Server, path: string): void {
  pidFiles.set(server, path);
}

/** True while a shutdown of this server is running. */
export function shutdownInProgress(server: Server): boolean {
  return inProgress.has(server);
}

/**
 * Stops the server. Returns an error text when the shutdown was refused (the final save failed
 * without FORCE, or a shutdown is already running); the server then keeps running.
 */
export async function shutdownServer(server: Server, opts: ShutdownOptions): Promise<string | undefined> {
  if (inProgress.has(server) || server.shuttingDown) return "shutdown already in progress";
  inProgress.add(server);
  const log = server.log;
  log.notice("User requested shutdown...");
  const saver = savers.get(server);
  const wantSave = opts.save === true || (opts.save !== false && server.config.savePoints().length > 0);
  if (saver && wantSave) {
    log.notice("Saving the final RDB snapshot before exiting.");
    let err: string | undefined;
    try {
      err = await saver(server);
    } catch (e) {
      err = e instanceof Error ? e.message : String(e);
    }
    if (err !== undefined) {
      if (opts.force) {
        log.warning("Error trying to save the DB. Exit anyway.");
      } else {
        log.warning("Error trying to save the DB, can't exit.");
        log.warning("Errors trying to shut down the server. Check the logs for more information.");
        inProgress.delete(server);
        return err;
      }
    }
  }
  const pidfile = pidFiles.get(server);
  if (pidfile !== undefined) {
    log.notice("Removing the pid file.");
    try {
      Deno.removeSync(pidfile);
    } catch {
      // already gone
    }
  }
  if (server.config.str("unixsocket") !== "") log.notice("Removing the unix socket file.");
  await server.close();
  log.warning("Redis is now ready to exit, bye bye...");
  log.close();
  inProgress.delete(server);
  exitHandlers.get(server)?.(0);
  return undefined;
}

/** The ShutdownOptions a `shutdown-on-sigterm` / `shutdown-on-sigint` value asks for. */
export function signalShutdownOptions(flags: string, signal: string): ShutdownOptions {
  const set = new Set(flags.split(" "));
  const opts: ShutdownOptions = { reason: `signal ${signal}` };
  if (set.has("save")) opts.save = true;
  if (set.has("nosave")) opts.save = false;
  if (set.has("now")) opts.now = true;
  if (set.has("force")) opts.force = true;
  return opts;
}

/**
 * Installs SIGTERM and SIGINT handlers like Redis's: log from the handler, shut down on the next tick
 * with the `shutdown-on-sig*` flags; a second SIGINT during shutdown exits at once with status 1.
 * Returns a function that removes the handlers.
 */
export function installSignalHandlers(server: Server): () => void {
  const handlers: [Deno.Signal, () => void][] = [];
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const handler = () => {
      if (signal === "SIGINT" && inProgress.has(server)) {
        server.log.fromSignalHandler("You insist... exiting now.");
        (exitHandlers.get(server) ?? Deno.exit)(1);
        return;
      }
      server.log.fromSignalHandler(`Received ${signal} scheduling shutdown...`);
      const flags = server.config.str(signal === "SIGTERM" ? "shutdown-on-sigterm" : "shutdown-on-sigint");
      // Like serverCron's shutdown_asap: a busy script finishes first (it is one atomic command).
      const go = () => {
        if (server.busyScript !== null) setTimeout(go, 10);
        else void shutdownServer(server, signalShutdownOptions(flags, signal));
      };
      setTimeout(go, 0);
    };
    try {
      Deno.addSignalListener(signal, handler);
      handlers.push([signal, handler]);
    } catch {
      // signals unsupported on this platform
    }
  }
  return () => {
    for (const [s, h] of handlers) {
      try {
        Deno.removeSignalListener(s, h);
      } catch {
        // gone
      }
    }
  };
}
