/**
 * Lists, blocking pops and SORT through real client libraries, the way applications use them: a work
 * queue with a blocking consumer (ioredis), a reliable queue with BLMOVE, LMPOP/BLMPOP replies parsed
 * by node-redis, SORT with BY/GET options, and redis-cli's own blocking behaviour.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { startServer } from "../../src/mod.ts";

Deno.test("lists: ioredis work queue with a blocking consumer", async () => {
  const srv = await startServer();
  const opts = { port: srv.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 };
  const producer = new Redis(opts);
  const consumer = new Redis(opts);
  try {
    await producer.connect();
    await consumer.connect();
    assert.equal(await producer.rpush("jobs", "j1", "j2"), 2);
    assert.deepEqual(await consumer.blpop("jobs", 1), ["jobs", "j1"]);
    assert.deepEqual(await consumer.blpop("jobs", 1), ["jobs", "j2"]);
    // Now the consumer waits; the producer's push wakes it.
    const waiting = consumer.brpop("jobs", "other", 5);
    await new Promise((r) => setTimeout(r, 50));
    await producer.lpush("jobs", "j3");
    assert.deepEqual(await waiting, ["jobs", "j3"]);
    assert.equal(await consumer.blpop("jobs", 0.1), null);
    // Reliable queue: move into a processing list, then acknowledge with LREM.
    await producer.rpush("q", "a", "b");
    assert.equal(await consumer.blmove("q", "processing", "LEFT", "RIGHT", 1), "a");
    assert.equal(await consumer.brpoplpush("q", "processing", 1), "b");
    assert.deepEqual(await producer.lrange("processing", 0, -1), ["b", "a"]);
    assert.equal(await producer.lrem("processing", 1, "a"), 1);
    assert.equal(await producer.lpos("processing", "b"), 0);
    assert.deepEqual(await producer.lmpop(1, "processing", "LEFT"), ["processing", ["b"]]);
    assert.equal(await producer.llen("processing"), 0);
    const results = await producer.pipeline().rpush("p", "1", "2", "3").lpop("p", 2).rpop("p").exec();
    assert.deepEqual(results, [[null, 3], [null, ["1", "2"]], [null, "3"]]);
    await producer.rpush("nums", "3", "1", "2");
    assert.deepEqual(await producer.sort("nums", "DESC"), ["3", "2", "1"]);
    assert.equal(await producer.sort("nums", "STORE", "sorted"), 3);
    assert.deepEqual(await producer.lrange("sorted", 0, -1), ["1", "2", "3"]);
  } finally {
    producer.disconnect();
    consumer.disconnect();
    await srv.close();
  }
});

Deno.test("lists: node-redis list commands and blocking pops (RESP2)", async () => {
  const srv = await startServer();
  const client = createClient({ socket: { port: srv.port, host: "127.0.0.1", reconnectStrategy: false } });
  const blocker = client.duplicate();
  try {
    await client.connect();
    await blocker.connect();
    assert.equal(await client.rPush("l", ["a", "b", "c"]), 3);
    assert.equal(await client.lInsert("l", "BEFORE", "b", "x"), 4);
    assert.deepEqual(await client.lRange("l", 0, -1), ["a", "x", "b", "c"]);
    assert.equal(await client.lIndex("l", -1), "c");
    assert.deepEqual(await client.lPopCount("l", 2), ["a", "x"]);
    assert.deepEqual(await client.lmPop("l", "RIGHT", { COUNT: 5 }), ["l", ["c", "b"]]);
    const pending = blocker.blPop("later", 5);
    await new Promise((r) => setTimeout(r, 50));
    await client.rPush("later", "v");
    assert.deepEqual(await pending, { key: "later", element: "v" });
    const pendingMove = blocker.blMove("src", "dst", "LEFT", "RIGHT", 5);
    await new Promise((r) => setTimeout(r, 50));
    await client.rPush("src", "m");
    assert.equal(await pendingMove, "m");
    assert.deepEqual(await blocker.blmPop(0.05, ["nothing"], "LEFT"), null);
    await client.hSet("user:1", { age: "30", name: "ann" });
    await client.hSet("user:2", { age: "20", name: "bob" });
    await client.rPush("users", ["1", "2"]);
    assert.deepEqual(await client.sort("users", { BY: "user:*->age", GET: ["#", "user:*->name"] }), [
      "2",
      "bob",
      "1",
      "ann",
    ]);
  } finally {
    await blocker.disconnect();
    await client.disconnect();
    await srv.close();
  }
});

Deno.test("lists: redis-cli waits on BLPOP and prints the popped element", async () => {
  const srv = await startServer();
  try {
    const cli = new Deno.Command("redis-cli", {
      args: ["-p", String(srv.port), "BLPOP", "cliq", "5"],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const feeder = new Deno.Command("redis-cli", { args: ["-p", String(srv.port), "RPUSH", "cliq", "hello"] });
    while (srv.server.blocking.blockedCount === 0) await new Promise((r) => setTimeout(r, 10));
    await feeder.output();
    const out = await cli.output();
    assert.equal(new TextDecoder().decode(out.stdout), "cliq\nhello\n");
  } finally {
    await srv.close();
  }
});
