/**
 * Test helpers for the set and sorted-set families: our server and a real redis-server side by side
 * with the same config, scripts replayed on both and compared byte for byte — or, for commands whose
 * reply order Redis leaves unspecified, compared after sorting — plus a deterministic PRNG.
 */
import assert from "node:assert/strict";
import { type RunningServer, startServer } from "../../src/mod.ts";
import { Oracle, type Script } from "../helpers/oracle.ts";
import { decodeReply, RawClient, type RespValue } from "../helpers/resp.ts";
import { encodingOf } from "../../src/types/encoding.ts";

/** Our server and the oracle, each with a connected raw client. */
export interface Pair {
  ours: RunningServer;
  oracle: Oracle;
  our: RawClient;
  redis: RawClient;
}

/** Runs `fn` with a fresh server of ours and a fresh redis-server, both with `config` applied. */
export async function withPair(
  fn: (p: Pair) => Promise<void>,
  config: Record<string, string> = {},
): Promise<void> {
  const ours = await startServer({ config });
  const args = Object.entries(config).flatMap(([k, v]) => [`--${k}`, v]);
  const oracle = await Oracle.start(args);
  const our = await RawClient.connect(ours.port);
  const redis = await RawClient.connect(oracle.port);
  try {
    await fn({ ours, oracle, our, redis });
  } finally {
    our.close();
    redis.close();
    await ours.close();
    await oracle.stop();
  }
}

/** Sorts the elements of an array or set reply (for replies whose order is unspecified). */
function sortedItems(v: RespValue): RespValue {
  const items = Array.isArray(v) ? v : v !== null && typeof v === "object" && "set" in v ? v.set : null;
  if (items === null) return v;
  const sorted = [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return Array.isArray(v) ? sorted : { set: sorted };
}

/** Normalizes a reply for comparison: "~" sorts its items, "~scan" sorts the items of [cursor, items]. */
function normalize(raw: string, mode: string): string {
  const v = decodeReply(raw);
  if (mode === "~scan" && Array.isArray(v)) return JSON.stringify([v[0], sortedItems(v[1])], replacer);
  return JSON.stringify(sortedItems(v), replacer);
}

function replacer(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}

/**
 * Sends each command to both servers and asserts identical replies. A leading marker on the command
 * name changes the comparison: "!" sends without comparing, "~" compares after sorting the reply's
 * items, "~scan" does so for the items of a [cursor, items] reply.
 */
export async function same(p: Pair, script: Script): Promise<void> {
  for (const line of script) {
    const argv = [...line];
    const name = String(argv[0]);
    const mode = name.startsWith("~scan") ? "~scan" : name.startsWith("~") ? "~" : name.startsWith("!") ? "!" : "";
    if (mode) argv[0] = name.slice(mode.length);
    const [a, b] = await Promise.all([p.our.callRaw(...argv), p.redis.callRaw(...argv)]);
    if (mode === "!") continue;
    const x = mode ? normalize(a, mode) : a;
    const y = mode ? normalize(b, mode) : b;
    if (x !== y) {
      assert.fail(
        `reply differs for ${JSON.stringify(line)}:\n  ours:  ${JSON.stringify(a)}\n  redis: ${JSON.stringify(b)}`,
      );
    }
  }
}

/** Our OBJECT ENCODING of `key` in db 0 (null when missing), read from the keyspace. */
export function ourEncoding(p: Pair | RunningServer, key: string): string | null {
  const srv = "ours" in p ? p.ours : p;
  const v = srv.server.dbs[0].dict.get(key);
  return v === undefined ? null : encodingOf(v);
}

/** Asserts OBJECT ENCODING of each key is the same on both servers. */
export async function sameEncodings(p: Pair, keys: string[]): Promise<void> {
  for (const k of keys) {
    const [a, b] = await Promise.all([p.our.call("OBJECT", "ENCODING", k), p.redis.call("OBJECT", "ENCODING", k)]);
    assert.deepEqual(a, b, `encoding of ${k}`);
  }
}

/** Keyspace events recorded on our server as "class:event:key". */
export function recordEvents(srv: RunningServer): string[] {
  const events: string[] = [];
  srv.server.notifyHooks.push((type, event, key) => events.push(`${type}:${event}:${key}`));
  return events;
}

/**
 * Runs `script` on both servers and asserts both emitted the same keyspace events ("event:key", in
 * order): the oracle's are read from a `__keyevent@0__:*` subscription, ours from the notify hook
 * (whose class letters are checked against `classOf`, which maps an event name to its class).
 */
export async function sameEvents(p: Pair, script: Script, classOf: (event: string) => string): Promise<void> {
  await p.redis.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
  const sub = await RawClient.connect(p.oracle.port);
  try {
    await sub.call("PSUBSCRIBE", "__keyevent@0__:*");
    const ours: string[] = [];
    const hook = (type: string, event: string, key: string) => {
      assert.equal(type, classOf(event), `class of ${event}`);
      ours.push(`${event}:${key}`);
    };
    p.ours.server.notifyHooks.push(hook);
    try {
      await same(p, script);
    } finally {
      p.ours.server.notifyHooks.splice(p.ours.server.notifyHooks.indexOf(hook), 1);
    }
    await sub.send("PING");
    const theirs: string[] = [];
    while (true) {
      const m = await sub.read() as RespValue[];
      if (m[0] === "pong") break;
      theirs.push(`${String(m[2]).slice("__keyevent@0__:".length)}:${m[3]}`);
    }
    assert.deepEqual(ours, theirs);
  } finally {
    sub.close();
  }
}

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random integer in [0, n). */
export function randInt(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}
