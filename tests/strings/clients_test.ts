/**
 * String commands through real client libraries (ioredis and node-redis), the way applications call
 * them: option arguments, numbers coming back as numbers, pipelines, binary values as Buffers.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { startServer } from "../../src/mod.ts";

Deno.test("strings: ioredis usage", async () => {
  const srv = await startServer();
  const r = new Redis({ port: srv.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await r.connect();
    assert.equal(await r.set("user:1", "alice"), "OK");
    assert.equal(await r.get("user:1"), "alice");
    assert.equal(await r.set("user:1", "bob", "NX"), null);
    assert.equal(await r.set("user:1", "bob", "XX", "GET"), "alice");
    assert.equal(await r.set("session", "s", "EX", 60), "OK");
    assert.equal(await r.set("session", "t", "KEEPTTL"), "OK");
    const when = srv.server.dbs[0].getExpire("session")!;
    assert.ok(when - Date.now() > 55_000 && when - Date.now() <= 60_000);
    assert.equal(await r.setex("tmp", 10, "x"), "OK");
    assert.equal(await r.psetex("tmp2", 10_000, "x"), "OK");
    assert.equal(await r.setnx("once", "1"), 1);
    assert.equal(await r.setnx("once", "2"), 0);
    assert.equal(await r.getset("once", "3"), "1");
    assert.equal(await r.getdel("once"), "3");
    assert.equal(await r.getex("user:1", "EX", 100), "bob");
    assert.equal(await r.getex("user:1", "PERSIST"), "bob");
    assert.equal(await r.mset({ a: "1", b: "2" }), "OK");
    assert.deepEqual(await r.mget("a", "b", "nope"), ["1", "2", null]);
    assert.equal(await r.msetnx("a", "9", "c", "3"), 0);
    assert.equal(await r.incr("counter"), 1);
    assert.equal(await r.incrby("counter", 41), 42);
    assert.equal(await r.decrby("counter", 2), 40);
    assert.equal(await r.decr("counter"), 39);
    assert.equal(await r.incrbyfloat("price", "10.50"), "10.5");
    assert.equal(await r.incrbyfloat("price", "0.1"), "10.6");
    assert.equal(await r.incrbyfloat("price", "-5.0e0"), "5.6");
    assert.equal(await r.append("log", "a"), 1);
    assert.equal(await r.append("log", "bc"), 3);
    assert.equal(await r.strlen("log"), 3);
    assert.equal(await r.getrange("log", -2, -1), "bc");
    assert.equal(await r.setrange("log", 5, "z"), 6);
    assert.deepEqual(await r.getBuffer("log"), Buffer.from("abc\x00\x00z", "latin1"));
    assert.equal(await r.set("bin", Buffer.from([0, 255, 128, 13, 10])), "OK");
    assert.deepEqual(await r.getBuffer("bin"), Buffer.from([0, 255, 128, 13, 10]));
    await r.mset("k1", "ohmytext", "k2", "mynewtext");
    assert.equal(await r.lcs("k1", "k2"), "mytext");
    assert.equal(await r.lcs("k1", "k2", "LEN"), 6);
    assert.deepEqual(await r.lcs("k1", "k2", "IDX", "MINMATCHLEN", 4, "WITHMATCHLEN"), [
      "matches",
      [[[4, 7], [5, 8], 4]],
      "len",
      6,
    ]);
    await assert.rejects(r.incr("user:1"), /ERR value is not an integer or out of range/);
    await assert.rejects(r.set("x", "y", "EX", 0), /ERR invalid expire time in 'set' command/);
    const results = await r.pipeline().set("p", "1").incr("p").get("p").exec();
    assert.deepEqual(results, [[null, "OK"], [null, 2], [null, "2"]]);
  } finally {
    r.disconnect();
    await srv.close();
  }
});

Deno.test("strings: node-redis usage (RESP2)", async () => {
  const srv = await startServer();
  const client = createClient({ socket: { port: srv.port, host: "127.0.0.1", reconnectStrategy: false } });
  try {
    await client.connect();
    assert.equal(await client.set("k", "v", { EX: 100, NX: true }), "OK");
    assert.equal(await client.set("k", "w", { NX: true }), null);
    assert.equal(await client.set("k", "w", { XX: true, GET: true }), "v");
    assert.equal(await client.get("k"), "w");
    assert.equal(await client.getEx("k", { PERSIST: true }), "w");
    assert.equal(await client.incrBy("n", 5), 5);
    assert.equal(await client.incrByFloat("n", 0.25), "5.25");
    assert.deepEqual(await client.mGet(["k", "n", "x"]), ["w", "5.25", null]);
    assert.equal(await client.mSetNX({ n: "1", m: "2" }), false);
    assert.equal(await client.lcs("k", "n"), "");
    assert.equal(await client.lcsLen("k", "k"), 1);
  } finally {
    await client.disconnect();
    await srv.close();
  }
});
