/**
 * Test helpers for the bitmap, HyperLogLog and GEO families: our server and a real redis-server side
 * by side (same config), scripts sent to both — pipelined, so long random scripts stay fast — and
 * compared reply by reply, byte for byte; a deterministic PRNG; keyspace-event recording.
 */
import assert from "node:assert/strict";
import { type RunningServer, startServer } from "../../src/mod.ts";
import { Oracle, type Script } from "../helpers/oracle.ts";
import { decodeReply, pipeline, RawClient, type RespValue } from "../helpers/resp.ts";

export { pipeline };
import { encodingOf } from "../../src/types/encoding.ts";

/** Our server and the oracle, each with a connected raw client. */
export interface Pair {
  ours: RunningServer;
  oracle: Oracle;
  our: RawClient;
  redis: RawClient;
}

/** Runs `fn` with a fresh server of ours and a fresh redis-server, both with `config` applied. */
export async function withPair(fn: (p: Pair) => Promise<void>, config: Record<string, string> = {}): Promise<void> {
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

/** Runs `script` on both servers (pipelined) and asserts identical raw replies; returns ours. */
export async function same(p: Pair, script: Script): Promise<string[]> {
  const [a, b] = await Promise.all([pipeline(p.our, script), pipeline(p.redis, script)]);
  for (let i = 0; i < script.length; i++) {
    if (a[i] !== b[i]) {
      assert.fail(
        `reply ${i} differs for ${JSON.stringify(script[i]).slice(0, 300)}:\n  ours:  ${
          JSON.stringify(a[i]).slice(0, 600)
        }\n  redis: ${JSON.stringify(b[i]).slice(0, 600)}`,
      );
    }
  }
  return a;
}

/** Deep equality where strings that both read as numbers compare by value ("0.1" = "0.10000000000000001"). */
function numericEqual(a: RespValue, b: RespValue): boolean {
  if (typeof a === "string" && typeof b === "string") {
    if (a === b) return true;
    const x = Number(a);
    const y = Number(b);
    return a !== "" && b !== "" && !Number.isNaN(x) && x === y;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => numericEqual(v, b[i]));
  return JSON.stringify(a, (_k, v) => typeof v === "bigint" ? String(v) : v) ===
    JSON.stringify(b, (_k, v) => typeof v === "bigint" ? String(v) : v);
}

/**
 * Like `same`, but double replies only need the same value: Redis 7.0 prints scores with %.17g where
 * 8.2 (and we) print the shortest round-trip form. For ZRANGE … WITHSCORES and ZSCORE comparisons.
 */
export async function sameValues(p: Pair, script: Script): Promise<void> {
  const [a, b] = await Promise.all([pipeline(p.our, script), pipeline(p.redis, script)]);
  for (let i = 0; i < script.length; i++) {
    const x = decodeReply(a[i]);
    const y = decodeReply(b[i]);
    if (!numericEqual(x, y)) {
      let where = "";
      if (Array.isArray(x) && Array.isArray(y)) {
        const k = x.findIndex((v, j) => !numericEqual(v, y[j]));
        where = ` (first difference at element ${k}: ours ${JSON.stringify(x[k])}, redis ${JSON.stringify(y[k])})`;
      }
      assert.fail(
        `reply ${i} differs${where} for ${JSON.stringify(script[i]).slice(0, 300)}:\n  ours:  ${
          JSON.stringify(a[i]).slice(0, 600)
        }\n  redis: ${JSON.stringify(b[i]).slice(0, 600)}`,
      );
    }
  }
}

/** Runs `script` on our server only (pipelined) and returns the raw replies. */
export function ours(p: Pair, script: Script): Promise<string[]> {
  return pipeline(p.our, script);
}

/** Asserts our OBJECT ENCODING (from the keyspace) equals redis-server's for each key. */
export async function sameEncodings(p: Pair, keys: string[]): Promise<void> {
  const db = p.ours.server.dbs[0];
  for (const k of keys) {
    const theirs = await p.redis.call("OBJECT", "ENCODING", k);
    const v = db.dict.get(k);
    const mine = v === undefined ? null : encodingOf(v, db.rawStrings.has(k));
    assert.equal(mine, theirs, `encoding of ${JSON.stringify(k)}`);
  }
}

/** Keyspace events recorded on our server as "class:event:key". */
export function recordEvents(srv: RunningServer): string[] {
  const events: string[] = [];
  srv.server.notifyHooks.push((type, event, key) => events.push(`${type}:${event}:${key}`));
  return events;
}

export { prng } from "../helpers/prng.ts";

/** A random integer in [0, n). */
export function randInt(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}

/** A random binary string of `n` bytes. */
export function randBytes(rnd: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(randInt(rnd, 256));
  return s;
}

export { withServer } from "../helpers/server.ts";
export type { Script };
