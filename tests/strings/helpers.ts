/**
 * Test helper for the string family: runs the same scripts against our server and a real
 * redis-server side by side and compares raw replies byte for byte, with setup steps that do not
 * depend on other families (values of other types are injected straight into our keyspace) and
 * access to our server's internals (TTLs, encodings) where the matching command may not exist yet.
 */
import assert from "node:assert/strict";
import { type RunningServer, startServer } from "../../src/mod.ts";
import type { RObject } from "../../src/types/value.ts";
import { encodingOf } from "../../src/types/encoding.ts";
import { Oracle, type Script } from "../helpers/oracle.ts";
import { RawClient } from "../helpers/resp.ts";

/** A stand-in list value, so WRONGTYPE paths can be tested without the list family. */
export const FAKE_LIST: RObject = {
  type: "list",
  encoding: () => "listpack",
  clone: () => FAKE_LIST,
};

/** Our server and the oracle, each with a connected raw client. */
export interface Pair {
  ours: RunningServer;
  oracle: Oracle;
  our: RawClient;
  redis: RawClient;
}

/** Runs `fn` with a fresh server of ours and a fresh redis-server (active expiry off on both). */
export async function withPair(fn: (p: Pair) => Promise<void>): Promise<void> {
  const ours = await startServer();
  ours.server.activeExpireEnabled = false;
  const oracle = await Oracle.start();
  const our = await RawClient.connect(ours.port);
  const redis = await RawClient.connect(oracle.port);
  try {
    await redis.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    await fn({ ours, oracle, our, redis });
  } finally {
    our.close();
    redis.close();
    await ours.close();
    await oracle.stop();
  }
}

/**
 * Sends each command to both servers and asserts identical raw replies. A command whose name starts
 * with "!" is sent without comparing (e.g. "!HELLO" to switch protocol, whose reply names the server).
 */
export async function same(p: Pair, script: Script): Promise<void> {
  for (const line of script) {
    const argv = [...line];
    const compare = !String(argv[0]).startsWith("!");
    if (!compare) argv[0] = String(argv[0]).slice(1);
    const [a, b] = await Promise.all([p.our.callRaw(...argv), p.redis.callRaw(...argv)]);
    if (compare && a !== b) {
      assert.fail(
        `reply differs for ${JSON.stringify(line)}:\n  ours:  ${JSON.stringify(a)}\n  redis: ${JSON.stringify(b)}`,
      );
    }
  }
}

/** Makes `key` hold a list on both servers (db 0). */
export async function makeList(p: Pair, key: string): Promise<void> {
  p.ours.server.dbs[0].set(key, FAKE_LIST);
  await p.redis.call("DEL", key);
  await p.redis.call("RPUSH", key, "x");
}

/** Our OBJECT ENCODING of `key` in db 0, computed from the keyspace. */
export function ourEncoding(p: Pair, key: string): string | null {
  const db = p.ours.server.dbs[0];
  const v = db.dict.get(key);
  return v === undefined ? null : encodingOf(v, db.rawStrings.has(key));
}

/** Asserts our encoding of each key equals what redis-server's OBJECT ENCODING says. */
export async function sameEncodings(p: Pair, keys: string[]): Promise<void> {
  for (const k of keys) {
    const theirs = await p.redis.call("OBJECT", "ENCODING", k);
    assert.equal(ourEncoding(p, k), theirs, `encoding of ${JSON.stringify(k)}`);
  }
}

/** Our remaining TTL of `key` in ms: -2 missing, -1 persistent (like PTTL, without a command). */
export function ourPttl(p: Pair, key: string): number {
  const db = p.ours.server.dbs[0];
  if (!db.exists(key)) return -2;
  const when = db.getExpire(key);
  return when === undefined ? -1 : when - p.ours.server.clock.now();
}

/** Asserts both servers agree on each key's TTL state, and remaining times within `slackMs`. */
export async function sameTtls(p: Pair, keys: string[], slackMs = 1500): Promise<void> {
  for (const k of keys) {
    const theirs = Number(await p.redis.call("PTTL", k));
    const mine = ourPttl(p, k);
    if (theirs < 0 || mine < 0) assert.equal(mine, theirs, `PTTL of ${JSON.stringify(k)}`);
    else assert.ok(Math.abs(mine - theirs) <= slackMs, `PTTL of ${JSON.stringify(k)}: ours ${mine}, redis ${theirs}`);
  }
}
