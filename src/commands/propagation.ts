/**
 * Helpers for what a write command propagates to the AOF and replicas (server.propagate via
 * dispatch's call()): Redis's forceCommandPropagation and alsoPropagate, and the DEL-or-UNLINK choice
 * of the lazyfree settings. A command rewrites its own propagated form by assigning `c.argv`.
 */
import type { Client } from "../server/client.ts";

/**
 * Redis's forceCommandPropagation: propagates the command's current argv even though it did not
 * change the dataset (FLUSHDB on an empty database, FUNCTION commands…). Call it after any rewrite.
 */
export function forcePropagation(c: Client): void {
  c.server.propagate(c.db.id, c.argv);
  c.preventPropagation = true;
}

/**
 * Redis's alsoPropagate for a command that replaces its own argv by several operations: records `ops`
 * (in the client's database) and suppresses the command's own propagation.
 */
export function propagateInstead(c: Client, ops: string[][]): void {
  const s = c.server;
  for (const op of ops) s.propagate(c.db.id, op);
  c.preventPropagation = true;
}

/** The deletion command replicated for a key removed by an expire time in the past. */
export function expireDelCommand(c: Client): string {
  return c.server.expiredKeyDeletion();
}

/** The deletion command replicated for a key emptied or dropped by the server itself. */
export function serverDelCommand(c: Client): string {
  return c.server.config.bool("lazyfree-lazy-server-del") ? "UNLINK" : "DEL";
}

/**
 * Redis's mustObeyClient: the command comes from the AOF being loaded (or a master), so limits meant
 * for users (XADD/XTRIM LIMIT without ~) are not enforced.
 */
export function mustObeyClient(c: Client): boolean {
  return c.server.loading || c.flags.has("M");
}
