/**
 * Test helpers for the list family: a differential runner (our server and redis-server replay the same
 * script on one connection each; replies compared byte for byte) and a seeded random generator.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { Oracle, type Script } from "../helpers/oracle.ts";
import { RawClient } from "../helpers/resp.ts";

/**
 * Replays `script` on a fresh server of ours and a fresh redis-server and asserts identical replies.
 * A command whose name starts with "!" is sent to both without comparing (HELLO names the server).
 * `config` directives go to both servers.
 */
export async function sameAsRedis(script: Script, config: Record<string, string | number> = {}): Promise<void> {
  const oracleArgs: string[] = [];
  for (const [k, v] of Object.entries(config)) oracleArgs.push(`--${k}`, String(v));
  const srv = await startServer({ config });
  const oracle = await Oracle.start(oracleArgs);
  const ours = await RawClient.connect(srv.port);
  const redis = await RawClient.connect(oracle.port);
  try {
    for (const line of script) {
      const argv = [...line];
      const compare = !String(argv[0]).startsWith("!");
      if (!compare) argv[0] = String(argv[0]).slice(1);
      const [a, b] = await Promise.all([ours.callRaw(...argv), redis.callRaw(...argv)]);
      if (compare && a !== b) {
        assert.fail(
          `reply differs for ${JSON.stringify(line)}:\n  ours:  ${JSON.stringify(a)}\n  redis: ${JSON.stringify(b)}`,
        );
      }
    }
  } finally {
    ours.close();
    redis.close();
    await srv.close();
    await oracle.stop();
  }
}

export { prng as rng } from "../helpers/prng.ts";

/** Our server and a redis-server with one connection each (for side-by-side checks). */
export interface Pair {
  ours: import("../../src/mod.ts").RunningServer;
  oracle: Oracle;
  our: RawClient;
  redis: RawClient;
}

/** Runs `fn` with a fresh pair of servers. */
export async function withPair(fn: (p: Pair) => Promise<void>): Promise<void> {
  const ours = await startServer();
  const oracle = await Oracle.start();
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

/** Sends each command to both servers and asserts identical raw replies. */
export async function same(p: Pair, script: Script): Promise<void> {
  for (const line of script) {
    const [a, b] = await Promise.all([p.our.callRaw(...line), p.redis.callRaw(...line)]);
    if (a !== b) {
      assert.fail(
        `reply differs for ${JSON.stringify(line)}:\n  ours:  ${JSON.stringify(a)}\n  redis: ${JSON.stringify(b)}`,
      );
    }
  }
}
