/**
 * OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP: differential replays against redis-server,
 * under the default policy and under LRU/LFU maxmemory policies, plus the idle clock.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { assertSameReplies, differential, haveRedis, type Script } from "../helpers/oracle.ts";
import { assertIdle, idleAfterTick } from "./events.ts";

Deno.test({
  name: "object: ENCODING/REFCOUNT/IDLETIME/FREQ/HELP and errors match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["OBJECT", "ENCODING", "nokey"],
      ["OBJECT", "REFCOUNT", "nokey"],
      ["OBJECT", "IDLETIME", "nokey"],
      ["OBJECT", "FREQ", "nokey"],
      ["SET", "i", "12345"],
      ["SET", "neg", "-42"],
      ["SET", "zero", "0"],
      ["SET", "lead", "012"],
      ["SET", "max", "9223372036854775807"],
      ["SET", "over", "9223372036854775808"],
      ["SET", "e44", "x".repeat(44)],
      ["SET", "r45", "x".repeat(45)],
      ["SET", "empty", ""],
      ["SET", "small", "9999"],
      ["SET", "big", "10000"],
      ["OBJECT", "ENCODING", "i"],
      ["OBJECT", "ENCODING", "neg"],
      ["OBJECT", "ENCODING", "lead"],
      ["OBJECT", "ENCODING", "max"],
      ["OBJECT", "ENCODING", "over"],
      ["OBJECT", "ENCODING", "e44"],
      ["OBJECT", "ENCODING", "r45"],
      ["OBJECT", "ENCODING", "empty"],
      ["object", "encoding", "i"],
      // Redis shares the objects of 0…9999 (refcount INT_MAX); everything else is referenced once.
      ["OBJECT", "REFCOUNT", "zero"],
      ["OBJECT", "REFCOUNT", "small"],
      ["OBJECT", "REFCOUNT", "big"],
      ["OBJECT", "REFCOUNT", "neg"],
      ["OBJECT", "REFCOUNT", "e44"],
      ["OBJECT", "REFCOUNT", "lead"],
      ["OBJECT", "IDLETIME", "i"],
      ["OBJECT", "FREQ", "i"],
      ["OBJECT", "HELP"],
      ["object", "help"],
      ["OBJECT"],
      ["OBJECT", "FOO"],
      ["OBJECT", "FOO", "k"],
      ["OBJECT", "ENCODING"],
      ["OBJECT", "ENCODING", "a", "b"],
      ["OBJECT", "HELP", "extra"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test({
  name: "object: under an LFU policy IDLETIME errors and FREQ answers (fresh keys) like redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["SET", "k", "v"],
      ["SET", "n", "1"],
      ["OBJECT", "IDLETIME", "k"],
      ["OBJECT", "FREQ", "k"],
      ["OBJECT", "FREQ", "nokey"],
      ["OBJECT", "IDLETIME", "nokey"],
      ["OBJECT", "REFCOUNT", "n"], // no maxmemory: sharing still allowed
    ];
    const r = await differential(script, {
      config: { "maxmemory-policy": "allkeys-lfu" },
      oracleArgs: ["--maxmemory-policy", "allkeys-lfu"],
    });
    assertSameReplies(script, r);
  },
});

Deno.test({
  name: "object: an LRU policy with a maxmemory limit disables shared integers, like redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["SET", "n", "1"],
      ["OBJECT", "REFCOUNT", "n"],
      ["OBJECT", "ENCODING", "n"],
    ];
    const r = await differential(script, {
      config: { "maxmemory-policy": "allkeys-lru", maxmemory: "100mb" },
      oracleArgs: ["--maxmemory-policy", "allkeys-lru", "--maxmemory", "100mb"],
    });
    assertSameReplies(script, r);
  },
});

Deno.test("object: IDLETIME follows the access clock; OBJECT itself does not touch", async () => {
  await withServer(async (srv, c) => {
    await c.call("SET", "k", "v");
    srv.server.clock.offsetMs += 125_000;
    assertIdle(await idleAfterTick(c, "k", 125), 125);
    assert.equal(await c.call("OBJECT", "ENCODING", "k"), "embstr");
    assertIdle(await c.call("OBJECT", "IDLETIME", "k"), 125);
    assert.equal(await c.call("GET", "k"), "v");
    assert.equal(await c.call("OBJECT", "IDLETIME", "k"), 0);
    const hits = srv.server.stats.keyspaceHits;
    await c.call("OBJECT", "REFCOUNT", "k");
    await c.call("OBJECT", "REFCOUNT", "nokey");
    assert.equal(srv.server.stats.keyspaceHits, hits + 1);
  });
});

Deno.test("object: a missing key is a RESP3 null", async () => {
  await withServer(async (_srv, c) => {
    await c.call("HELLO", "3");
    assert.equal(await c.callRaw("OBJECT", "ENCODING", "nokey"), "_\r\n");
    assert.equal(await c.callRaw("OBJECT", "FREQ", "nokey"), "_\r\n");
  });
});
