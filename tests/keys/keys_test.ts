/**
 * Generic keyspace commands (DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME, RENAMENX, RANDOMKEY, DBSIZE):
 * differential replays against redis-server, keyspace events, hit/miss counters and the access clock.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { assertSameReplies, differential, haveRedis, type Script } from "../helpers/oracle.ts";
import { ALL_COMMANDS } from "../../src/commands/index.ts";
import type { RObject } from "../../src/types/value.ts";
import { assertIdle, idleAfterTick, recordEvents, recordModified } from "./events.ts";

const implemented = new Set(ALL_COMMANDS.map((d) => d.name));

Deno.test({
  name: "keys: DEL/UNLINK/EXISTS/TYPE/TOUCH/DBSIZE/RANDOMKEY replies match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["DBSIZE"],
      ["RANDOMKEY"],
      ["SET", "a", "1"],
      ["SET", "b", "2"],
      ["SET", "c", "3"],
      ["EXISTS", "a"],
      ["EXISTS", "a", "a", "b", "nokey", "a"],
      ["EXISTS", "nokey"],
      ["TYPE", "a"],
      ["TYPE", "nokey"],
      ["TOUCH", "a", "b", "nokey", "a"],
      ["DBSIZE"],
      ["DEL", "a", "nokey", "a"],
      ["DEL", "a"],
      ["UNLINK", "b", "c", "b"],
      ["DBSIZE"],
      ["RANDOMKEY"],
      ["SET", "only", "x"],
      ["RANDOMKEY"],
      ["DEL"],
      ["UNLINK"],
      ["EXISTS"],
      ["TOUCH"],
      ["TYPE"],
      ["TYPE", "a", "b"],
      ["DBSIZE", "x"],
      ["RANDOMKEY", "x"],
      ["SET", "bin\x00\xff", "v"],
      ["EXISTS", "bin\x00\xff"],
      ["DEL", "bin\x00\xff"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test({
  name: "keys: RENAME/RENAMENX replies and errors match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["RENAME", "nokey", "x"],
      ["RENAMENX", "nokey", "x"],
      ["SET", "a", "1"],
      ["RENAME", "a", "a"],
      ["RENAMENX", "a", "a"],
      ["RENAME", "a", "b"],
      ["EXISTS", "a", "b"],
      ["GET", "b"],
      ["SET", "c", "3"],
      ["RENAMENX", "b", "c"],
      ["GET", "b"],
      ["RENAMENX", "b", "d"],
      ["RENAME", "d", "c"],
      ["GET", "c"],
      ["EXISTS", "d"],
      // the TTL moves with the key; the overwritten destination's own TTL goes away
      ["SET", "t", "v", "EX", "100"],
      ["SET", "u", "w", "EX", "5000"],
      ["RENAME", "t", "u"],
      ["TTL", "u"],
      ["SET", "p", "v"],
      ["SET", "q", "w", "EX", "100"],
      ["RENAME", "p", "q"],
      ["TTL", "q"],
      ["RENAME", "a"],
      ["RENAMENX", "a", "b", "c"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test({
  name: "keys: TYPE and RENAME across value types match redis-server",
  ignore: !haveRedis() || !["lpush", "sadd", "hset", "zadd"].every((c) => implemented.has(c)),
  async fn() {
    const script: Script = [
      ["LPUSH", "l", "a"],
      ["SADD", "s", "a"],
      ["HSET", "h", "f", "v"],
      ["ZADD", "z", "1", "a"],
      ["SET", "str", "x"],
      ["TYPE", "l"],
      ["TYPE", "s"],
      ["TYPE", "h"],
      ["TYPE", "z"],
      ["TYPE", "str"],
      ["RENAME", "l", "str"],
      ["TYPE", "str"],
      ["LRANGE", "str", "0", "-1"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test("keys: events, dirty counter and WATCH hook for DEL, UNLINK and RENAME", async () => {
  await withServer(async (srv, c) => {
    const server = srv.server;
    const events = recordEvents(server);
    const modified = recordModified(server);
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "2");
    const dirty = server.dirty;
    events.length = 0;
    modified.length = 0;
    assert.equal(await c.call("DEL", "a", "nokey", "a"), 1);
    assert.equal(await c.call("UNLINK", "b"), 1);
    assert.deepEqual(events, ["g del a 0", "g del b 0"]);
    assert.deepEqual(modified, ["0:a", "0:b"]);
    assert.equal(server.dirty, dirty + 2);

    // RENAME onto an existing key: rename_from, rename_to, then Redis 8.2's overwritten event.
    await c.call("SET", "src", "v");
    await c.call("SET", "dst", "old");
    events.length = 0;
    assert.equal(await c.call("RENAME", "src", "dst"), "OK");
    assert.deepEqual(events, ["g rename_from src 0", "g rename_to dst 0", "o overwritten dst 0"]);
    events.length = 0;
    assert.equal(await c.call("RENAMENX", "dst", "fresh"), 1);
    assert.deepEqual(events, ["g rename_from dst 0", "g rename_to fresh 0"]);
    events.length = 0;
    assert.equal(await c.call("RENAMENX", "fresh", "fresh"), 0);
    assert.equal(await c.call("RENAME", "fresh", "fresh"), "OK");
    assert.deepEqual(events, []);
  });
});

/** A minimal non-string value, to check the keyspace layer against the RObject contract. */
class Box implements RObject {
  constructor(readonly type: "list" | "hash", public items: string[]) {}
  encoding(): string {
    return "listpack";
  }
  clone(): Box {
    return new Box(this.type, [...this.items]);
  }
}

Deno.test("keys: RENAME onto a key of another type also emits type_changed; TYPE reports RObject types", async () => {
  await withServer(async (srv, c) => {
    const db = srv.server.dbs[0];
    db.set("l", new Box("list", ["x"]));
    db.set("h", new Box("hash", ["f", "v"]));
    assert.equal(await c.call("TYPE", "l"), "list");
    assert.equal(await c.call("TYPE", "h"), "hash");
    const events = recordEvents(srv.server);
    assert.equal(await c.call("RENAME", "l", "h"), "OK");
    assert.deepEqual(events, [
      "g rename_from l 0",
      "g rename_to h 0",
      "o overwritten h 0",
      "c type_changed h 0",
    ]);
    assert.equal(await c.call("TYPE", "h"), "list");
  });
});

Deno.test("keys: EXISTS and TYPE count hits/misses without touching; TOUCH touches", async () => {
  await withServer(async (srv, c) => {
    const server = srv.server;
    await c.call("SET", "k", "v");
    server.clock.offsetMs += 50_000;
    assertIdle(await idleAfterTick(c, "k", 50), 50);
    const hits = server.stats.keyspaceHits, misses = server.stats.keyspaceMisses;
    assert.equal(await c.call("EXISTS", "k", "k", "nope"), 2);
    assert.equal(await c.call("TYPE", "k"), "string");
    assert.equal(await c.call("TTL", "k"), -1);
    assert.equal(server.stats.keyspaceHits, hits + 4);
    assert.equal(server.stats.keyspaceMisses, misses + 1);
    assertIdle(await c.call("OBJECT", "IDLETIME", "k"), 50);
    assert.equal(await c.call("TOUCH", "k", "nope"), 1);
    assert.equal(await c.call("OBJECT", "IDLETIME", "k"), 0);
  });
});

Deno.test("keys: DEL of an expired key counts 0 and emits expired, not del", async () => {
  await withServer(async (srv, c) => {
    await c.call("SET", "k", "v", "PX", "100");
    const events = recordEvents(srv.server);
    srv.server.clock.offsetMs += 1000;
    assert.equal(await c.call("DEL", "k"), 0);
    assert.deepEqual(events, ["x expired k 0"]);
  });
});

Deno.test("keys: RANDOMKEY never returns an expired key and reclaims the ones it meets", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    for (let i = 0; i < 50; i++) await c.call("SET", `gone${i}`, "v", "PX", "100");
    await c.call("SET", "live", "v");
    srv.server.clock.offsetMs += 1000;
    for (let i = 0; i < 20; i++) assert.equal(await c.call("RANDOMKEY"), "live");
    assert.ok(((await c.call("DBSIZE")) as number) < 51);
    await c.call("DEL", "live");
    // only expired keys left: RANDOMKEY reclaims them all and answers null
    assert.equal(await c.call("RANDOMKEY"), null);
    assert.equal(await c.call("DBSIZE"), 0);
  });
});

Deno.test({
  name: "keys: arity errors of the whole keyspace family match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["EXPIRE", "k"],
      ["PEXPIRE", "k"],
      ["EXPIREAT", "k"],
      ["PEXPIREAT"],
      ["TTL"],
      ["PTTL"],
      ["EXPIRETIME"],
      ["PEXPIRETIME", "a", "b"],
      ["PERSIST", "a", "b"],
      ["MOVE", "k"],
      ["COPY", "k"],
      ["SWAPDB", "0"],
      ["SWAPDB", "0", "1", "2"],
      ["FLUSHDB", "a", "b"],
      ["KEYS"],
      ["SCAN"],
      ["OBJECT"],
      ["OBJECT", "REFCOUNT"],
      ["OBJECT", "IDLETIME", "a", "b"],
      ["OBJECT", "FREQ"],
      ["RENAME", "k"],
      ["RENAMENX", "k"],
      ["TOUCH"],
      ["EXISTS"],
      ["TYPE"],
      ["unlink"],
      ["del"],
    ];
    assertSameReplies(script, await differential(script));
  },
});
