/**
 * Hash commands through real client libraries (ioredis, node-redis) and redis-cli, the way
 * applications use them: objects in and out, HSCAN streams/iterators over a hashtable, pipelines,
 * binary fields as Buffers, field TTL commands sent as raw commands.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { startServer } from "../../src/mod.ts";

Deno.test("hash: ioredis usage", async () => {
  const srv = await startServer();
  const r = new Redis({ port: srv.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await r.connect();
    assert.equal(await r.hset("user:1", { name: "alice", age: "30", city: "Paris" }), 3);
    assert.deepEqual(await r.hgetall("user:1"), { name: "alice", age: "30", city: "Paris" });
    assert.deepEqual(await r.hgetall("nobody"), {});
    assert.equal(await r.hget("user:1", "name"), "alice");
    assert.deepEqual(await r.hmget("user:1", "name", "zip"), ["alice", null]);
    assert.equal(await r.hmset("user:1", "zip", "75001"), "OK");
    assert.equal(await r.hincrby("user:1", "age", 1), 31);
    assert.equal(await r.hincrbyfloat("user:1", "score", 1.5), "1.5");
    assert.equal(await r.hsetnx("user:1", "name", "bob"), 0);
    assert.equal(await r.hlen("user:1"), 5);
    assert.equal(await r.hstrlen("user:1", "city"), 5);
    assert.equal(await r.hexists("user:1", "city"), 1);
    assert.deepEqual((await r.hkeys("user:1")).sort(), ["age", "city", "name", "score", "zip"]);
    assert.equal(await r.hdel("user:1", "zip", "nope"), 1);
    const f = await r.hrandfield("user:1");
    assert.ok(["name", "age", "city", "score"].includes(f as string));
    assert.equal(((await r.hrandfield("user:1", -10)) as string[]).length, 10);
    // HSCAN stream over a hashtable.
    const big: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) big[`f${i}`] = `v${i}`;
    await r.hset("big", big);
    const seen = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      const s = r.hscanStream("big", { count: 50 });
      s.on("data", (chunk: string[]) => {
        for (let i = 0; i < chunk.length; i += 2) seen.set(chunk[i], chunk[i + 1]);
      });
      s.on("end", resolve);
      s.on("error", reject);
    });
    assert.equal(seen.size, 1000);
    assert.equal(seen.get("f999"), "v999");
    // Binary fields and values.
    const bin = Buffer.from([0, 255, 13, 10, 128]);
    await r.hset("bin", bin, bin);
    assert.deepEqual(await r.hgetBuffer("bin", bin), bin);
    // Field TTLs (raw commands) and pipelines.
    assert.deepEqual(await r.call("HEXPIRE", "user:1", 100, "FIELDS", 2, "name", "nope"), [1, -2]);
    assert.deepEqual(await r.call("HTTL", "user:1", "FIELDS", 1, "name"), [100]);
    assert.deepEqual(await r.call("HPERSIST", "user:1", "FIELDS", 1, "name"), [1]);
    assert.equal(await r.call("HSETEX", "sess", "EX", 60, "FIELDS", 2, "token", "t1", "uid", "7"), 1);
    assert.deepEqual(await r.call("HGETEX", "sess", "PERSIST", "FIELDS", 1, "uid"), ["7"]);
    assert.deepEqual(await r.call("HGETDEL", "sess", "FIELDS", 2, "token", "uid"), ["t1", "7"]);
    assert.equal(await r.exists("sess"), 0);
    const res = await r.pipeline().hset("p", "a", "1").hincrby("p", "a", 2).hgetall("p").exec();
    assert.deepEqual(res, [[null, 1], [null, 3], [null, { a: "3" }]]);
    await assert.rejects(r.hincrby("user:1", "name", 1), /ERR hash value is not an integer/);
    await r.set("str", "x");
    await assert.rejects(r.hget("str", "f"), /WRONGTYPE/);
  } finally {
    r.disconnect();
    await srv.close();
  }
});

Deno.test("hash: node-redis usage (RESP2)", async () => {
  const srv = await startServer();
  const client = createClient({ socket: { port: srv.port, host: "127.0.0.1", reconnectStrategy: false } });
  try {
    await client.connect();
    assert.equal(await client.hSet("h", { a: "1", b: "2" }), 2);
    assert.equal(await client.hSet("h", "c", "3"), 1);
    assert.deepEqual({ ...(await client.hGetAll("h")) }, { a: "1", b: "2", c: "3" });
    assert.equal(await client.hGet("h", "b"), "2");
    assert.deepEqual(await client.hmGet("h", ["a", "x"]), ["1", null]);
    assert.equal(await client.hIncrBy("h", "a", 10), 11);
    assert.equal(await client.hIncrByFloat("h", "a", 0.5), "11.5");
    assert.equal(await client.hLen("h"), 3);
    assert.equal(await client.hExists("h", "c"), true);
    assert.equal(await client.hSetNX("h", "c", "9"), false);
    assert.equal(await client.hDel("h", ["c", "zz"]), 1);
    assert.deepEqual((await client.hVals("h")).sort(), ["11.5", "2"]);
    const args: Record<string, string> = {};
    for (let i = 0; i < 700; i++) args[`k${i}`] = String(i);
    await client.hSet("big", args);
    let n = 0;
    for await (const _entry of client.hScanIterator("big", { COUNT: 25 })) n++;
    assert.equal(n, 700);
    const withValues = await client.hRandFieldCountWithValues("h", 5);
    assert.equal(Object.keys(withValues).length, 2);
    assert.deepEqual(await client.sendCommand(["HPEXPIRE", "h", "5000", "FIELDS", "1", "a"]), [1]);
    const [ttl] = (await client.sendCommand(["HPTTL", "h", "FIELDS", "1", "a"])) as number[];
    assert.ok(ttl > 4900 && ttl <= 5000);
  } finally {
    await client.disconnect();
    await srv.close();
  }
});

Deno.test("hash: redis-cli usage", async () => {
  const srv = await startServer();
  try {
    const cli = async (...args: string[]) => {
      const out = await new Deno.Command("redis-cli", { args: ["-p", String(srv.port), ...args] }).output();
      return new TextDecoder().decode(out.stdout).trim();
    };
    assert.equal(await cli("HSET", "h", "name", "alice", "lang", "ts"), "2");
    assert.equal(await cli("HGETALL", "h"), "name\nalice\nlang\nts");
    assert.equal(await cli("-3", "HGETALL", "h"), "name alice\nlang ts");
    assert.equal(await cli("HEXPIRE", "h", "60", "FIELDS", "1", "lang"), "1");
    assert.equal(await cli("OBJECT", "ENCODING", "h"), "listpackex");
    assert.equal(await cli("HINCRBY", "h", "name", "1"), "ERR hash value is not an integer");
  } finally {
    await srv.close();
  }
});
