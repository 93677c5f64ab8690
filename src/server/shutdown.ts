/**
 * Orderly shutdown shared by SIGTERM/SIGINT and the SHUTDOWN command: Redis's log lines, the save
 * hooks (persistence plugs in later), pidfile/unix socket removal, then close.
 */
import type { Server } from "./server.ts";

export interface ShutdownOptions {
  /** SHUTDOWN SAVE / NOSAVE (undefined = use the configured save points). */
  save?: boolean;
  now?: boolean;
  force?: boolean;
  /** Why: "signal SIGTERM" / "user request". */
  reason: string;
}

/** Stops the server. Returns an error text when the shutdown was refused (e.g. save failed). */
export async function shutdownServer(server: Server, opts: ShutdownOptions): Promise<string | undefined> {
  server.log.warning(
    opts.reason === "user request" ? "User requested shutdown..." : `Received ${opts.reason} scheduling shutdown...`,
  );
  await server.close();
  return undefined;
}
