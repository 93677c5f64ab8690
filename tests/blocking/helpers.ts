/**
 * Test helpers for blocking commands: wait until the server has N blocked clients, and run a group of
 * commands atomically in-process (as EXEC or a script would: nested calls, blocked clients served
 * once the whole group is done).
 */
import type { RunningServer } from "../../src/mod.ts";
import { Client } from "../../src/server/client.ts";
import { processCommand } from "../../src/server/dispatch.ts";

/** Resolves once exactly `n` clients are blocked (polls; fails after `timeoutMs`). */
export async function waitBlocked(srv: RunningServer, n: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (srv.server.blocking.blockedCount !== n) {
    if (Date.now() > deadline) {
      throw new Error(`expected ${n} blocked clients, have ${srv.server.blocking.blockedCount}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Runs `cmds` as one atomic unit from an internal client in db `dbid`: each is a nested call, and the
 * clients blocked on keys they made ready are served after the last one (what EXEC does).
 */
export function atomically(srv: RunningServer, cmds: (string | number)[][], dbid = 0): void {
  const s = srv.server;
  const c = new Client(s, null, "internal", "", "internal");
  c.select(dbid);
  s.callDepth++;
  try {
    for (const argv of cmds) processCommand(c, argv.map(String));
  } finally {
    s.callDepth--;
  }
  if (s.blocking.readyCount !== 0) s.blocking.handleReady();
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
