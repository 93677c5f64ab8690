/**
 * Test helpers for the keyspace tests: record the keyspace events a server emits through
 * Server.notify (what the notifications layer will deliver) and its keyModified signals, and read
 * idle times once the cached access clock has moved.
 */
import type { Server } from "../../src/server/server.ts";
import type { RawClient } from "../helpers/resp.ts";

/** Starts recording; returns the (live) list of recorded events. */
export function recordEvents(server: Server): string[] {
  const events: string[] = [];
  server.notifyHooks.push((type, event, key, dbid) => events.push(`${type} ${event} ${key} ${dbid}`));
  return events;
}

/** Starts recording keyModified calls as "db:key" strings. */
export function recordModified(server: Server): string[] {
  const modified: string[] = [];
  server.keyModifiedHooks.push((db, key) => modified.push(`${db.id}:${key}`));
  return modified;
}

/**
 * OBJECT IDLETIME of `key` once the server's access clock (cached, refreshed by cron like Redis's
 * LRU clock) has caught up with a clock shift: polls, without touching the key, until the idle time
 * reaches `atLeast` or 3 s pass.
 */
export async function idleAfterTick(c: RawClient, key: string, atLeast: number): Promise<number> {
  const deadline = Date.now() + 3000;
  while (true) {
    const idle = (await c.call("OBJECT", "IDLETIME", key)) as number;
    if (idle >= atLeast || Date.now() > deadline) return idle;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Asserts an OBJECT IDLETIME reading: the access clock has one-second resolution and real time keeps
 * running while the test shifts the clock, so a second boundary may add one.
 */
export function assertIdle(actual: unknown, expected: number): void {
  if (actual !== expected && actual !== expected + 1) {
    throw new Error(`OBJECT IDLETIME ${actual}, expected ${expected} (or ${expected + 1} across a second boundary)`);
  }
}
