/**
 * Test helper: compares the keyspace events our server emits for a command script with the keyevent
 * notifications a real redis-server publishes for the same script, and checks Redis's class letters.
 */
import assert from "node:assert/strict";
import { RawClient } from "./resp.ts";
import type { Server } from "../../src/server/server.ts";

/** What the comparison needs: a client to the oracle, its port, and our in-process server. */
export interface EventPair {
  redis: RawClient;
  oraclePort: number;
  server: Server;
}

/** Reads `__keyevent@0__:*` messages as "event key" until the marker event. */
async function readOracleEvents(sub: RawClient): Promise<string[]> {
  const out: string[] = [];
  while (true) {
    const msg = await sub.read() as string[];
    const event = msg[2].slice("__keyevent@0__:".length);
    if (event === "zz-marker") return out;
    out.push(`${event} ${msg[3]}`);
  }
}

/**
 * Runs `script` (through `run`, which replays it on both servers) with keyspace events on, and asserts
 * that our events equal redis-server's in order and that each has the class letter in `classes`.
 */
export async function assertKeyEventsMatch(
  p: EventPair,
  run: () => Promise<void>,
  classes: Record<string, string>,
): Promise<void> {
  await p.redis.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
  const sub = await RawClient.connect(p.oraclePort);
  try {
    await sub.call("PSUBSCRIBE", "__keyevent@0__:*");
    const ours: [string, string][] = [];
    p.server.notifyHooks.push((type, event, key) => ours.push([type, `${event} ${key}`]));
    await run();
    await p.redis.call("PUBLISH", "__keyevent@0__:zz-marker", "end");
    assert.deepEqual(ours.map(([, e]) => e), await readOracleEvents(sub));
    for (const [type, e] of ours) assert.equal(type, classes[e.split(" ")[0]], `class of ${e}`);
  } finally {
    sub.close();
  }
}
