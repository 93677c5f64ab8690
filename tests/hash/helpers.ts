/**
 * Test helpers for the hash family: our server and a real redis-server side by side (active expiry
 * off on both), byte-for-byte reply comparison with normalization of the replies whose order Redis
 * leaves unspecified (hashtable iteration), event recording, and access to our hashes' internals.
 */
import assert from "node:assert/strict";
import { type RunningServer, startServer } from "../../src/mod.ts";
import { Hash } from "../../src/types/hash.ts";
import { Oracle, type Script } from "../helpers/oracle.ts";
import { decodeReply, RawClient, type RespValue } from "../helpers/resp.ts";

export interface Pair {
  ours: RunningServer;
  oracle: Oracle;
  our: RawClient;
  redis: RawClient;
}

/** Runs `fn` with a fresh server of ours and a fresh redis-server, both with `config` applied. */
export async function withPair(
  fn: (p: Pair) => Promise<void>,
  config: Record<string, string | number> = {},
): Promise<void> {
  const ours = await startServer({ config });
  ours.server.activeExpireEnabled = false;
  const oracle = await Oracle.start();
  const our = await RawClient.connect(ours.port);
  const redis = await RawClient.connect(oracle.port);
  try {
    await redis.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    for (const [k, v] of Object.entries(config)) await redis.call("CONFIG", "SET", k, String(v));
    await fn({ ours, oracle, our, redis });
  } finally {
    our.close();
    redis.close();
    await ours.close();
    await oracle.stop();
  }
}

/** Sorts a decoded reply's elements (pairs kept together when `pairs`), maps by key. */
export function normalize(v: RespValue, pairs: boolean): RespValue {
  if (Array.isArray(v)) {
    if (pairs) {
      const chunks: string[] = [];
      for (let i = 0; i < v.length; i += 2) chunks.push(JSON.stringify([v[i], v[i + 1]], replacer));
      return chunks.sort();
    }
    return v.map((x) => JSON.stringify(x, replacer)).sort();
  }
  if (v !== null && typeof v === "object" && "map" in v) {
    return v.map.map((e) => JSON.stringify(e, replacer)).sort();
  }
  return v;
}

function replacer(_k: string, x: unknown): unknown {
  return typeof x === "bigint" ? String(x) : x;
}

/**
 * Sends each command to both servers and asserts identical raw replies. Prefixes on the command name:
 * "!" sends without comparing, "~" compares as an unordered set of elements, "~~" as unordered pairs
 * (HGETALL, HRANDFIELD … WITHVALUES under RESP2).
 */
export async function same(p: Pair, script: Script): Promise<void> {
  for (const line of script) {
    const argv = [...line];
    let name = String(argv[0]);
    let mode: "raw" | "none" | "set" | "pairs" = "raw";
    if (name.startsWith("!")) [mode, name] = ["none", name.slice(1)];
    else if (name.startsWith("~~")) [mode, name] = ["pairs", name.slice(2)];
    else if (name.startsWith("~")) [mode, name] = ["set", name.slice(1)];
    argv[0] = name;
    const [a, b] = await Promise.all([p.our.callRaw(...argv), p.redis.callRaw(...argv)]);
    if (mode === "none") continue;
    if (mode === "raw") {
      if (a !== b) {
        assert.fail(
          `reply differs for ${JSON.stringify(line)}:\n  ours:  ${JSON.stringify(a)}\n  redis: ${JSON.stringify(b)}`,
        );
      }
      continue;
    }
    assert.equal(a[0], b[0], `reply type differs for ${JSON.stringify(line)}: ${JSON.stringify([a, b])}`);
    const na = normalize(decodeReply(a), mode === "pairs");
    const nb = normalize(decodeReply(b), mode === "pairs");
    assert.deepEqual(na, nb, `unordered reply differs for ${JSON.stringify(line)}`);
  }
}

/** Our hash at `key` of db 0 (asserts it is one). */
export function ourHash(srv: RunningServer, key: string, db = 0): Hash {
  const v = srv.server.dbs[db].dict.get(key);
  assert.ok(v instanceof Hash, `${key} is not a hash`);
  return v;
}

/** Asserts both servers report the same OBJECT ENCODING for each key. */
export async function sameEncodings(p: Pair, keys: string[]): Promise<void> {
  for (const k of keys) {
    const [a, b] = await Promise.all([p.our.call("OBJECT", "ENCODING", k), p.redis.call("OBJECT", "ENCODING", k)]);
    assert.deepEqual(a, b, `encoding of ${k}`);
  }
}

/** Keyspace events recorded on our server: "type event key" strings. */
export function recordEvents(srv: RunningServer): string[] {
  const events: string[] = [];
  srv.server.notifyHooks.push((type, event, key) => events.push(`${type} ${event} ${key}`));
  return events;
}

/** Commands propagated by our server (AOF / replicas): argv joined by spaces. */
export function recordPropagated(srv: RunningServer): string[] {
  const out: string[] = [];
  srv.server.propagateHooks.push((_db, argv) => out.push(argv.join(" ")));
  return out;
}

/** Moves our server's clock forward by `ms`. */
export function advance(srv: RunningServer, ms: number): void {
  srv.server.clock.offsetMs += ms;
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
