/**
 * MOVE, COPY, SWAPDB, FLUSHDB, FLUSHALL: differential replays against redis-server, keyspace events,
 * WATCH signals (keyModified) for every touched key, deep copies and encodings.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { assertSameReplies, differential, haveRedis, type Script } from "../helpers/oracle.ts";
import { ALL_COMMANDS } from "../../src/commands/index.ts";
import type { RObject } from "../../src/types/value.ts";
import { recordEvents, recordModified } from "./events.ts";

const implemented = new Set(ALL_COMMANDS.map((d) => d.name));

Deno.test({
  name: "db admin: MOVE replies and errors match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["MOVE", "nokey", "1"],
      ["SET", "k", "v", "EX", "100"],
      ["MOVE", "k", "0"],
      ["MOVE", "k", "abc"],
      ["MOVE", "k", "99999999999"],
      ["MOVE", "k", "-1"],
      ["MOVE", "k", "16"],
      ["MOVE", "k", "1"],
      ["EXISTS", "k"],
      ["SELECT", "1"],
      ["GET", "k"],
      ["TTL", "k"],
      ["SET", "k2", "other"],
      ["SELECT", "0"],
      ["SET", "k2", "mine"],
      ["MOVE", "k2", "1"],
      ["GET", "k2"],
      ["MOVE", "k"],
      ["MOVE", "k", "1", "2"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test({
  name: "db admin: COPY replies and errors match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["COPY", "nokey", "x"],
      ["SET", "a", "hello", "EX", "100"],
      ["COPY", "a", "a"],
      ["COPY", "a", "a", "DB", "0"],
      ["COPY", "a", "b"],
      ["GET", "b"],
      ["TTL", "b"],
      ["COPY", "a", "b"],
      ["SET", "a", "changed"],
      ["COPY", "a", "b", "REPLACE"],
      ["GET", "b"],
      ["TTL", "b"],
      ["COPY", "a", "a", "DB", "1"],
      ["COPY", "a", "x", "db", "2", "replace"],
      ["SELECT", "2"],
      ["GET", "x"],
      ["SELECT", "0"],
      ["COPY", "a", "x", "DB", "2"],
      ["COPY", "a", "x", "DB"],
      ["COPY", "a", "x", "DB", "abc"],
      ["COPY", "a", "x", "DB", "16"],
      ["COPY", "a", "x", "DB", "-1"],
      ["COPY", "a", "x", "DB", "4294967296"],
      ["COPY", "a", "x", "FOO"],
      ["COPY", "a", "x", "REPLACE", "FOO"],
      ["COPY", "nokey", "x", "FOO"],
      ["COPY", "a"],
      ["SET", "n", "12345"],
      ["COPY", "n", "n2"],
      ["OBJECT", "ENCODING", "n2"],
      ["SET", "long", "x".repeat(60)],
      ["COPY", "long", "long2"],
      ["OBJECT", "ENCODING", "long2"],
      ["OBJECT", "ENCODING", "b"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test({
  name: "db admin: SWAPDB, FLUSHDB, FLUSHALL replies match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["SET", "a", "db0"],
      ["SET", "t", "v", "EX", "100"],
      ["SELECT", "1"],
      ["SET", "a", "db1"],
      ["SET", "b", "only1"],
      ["SWAPDB", "0", "1"],
      ["GET", "a"],
      ["GET", "b"],
      ["TTL", "t"],
      ["DBSIZE"],
      ["SELECT", "0"],
      ["GET", "a"],
      ["DBSIZE"],
      ["SWAPDB", "0", "0"],
      ["GET", "a"],
      ["SWAPDB", "a", "1"],
      ["SWAPDB", "0", "b"],
      ["SWAPDB", "a", "b"],
      ["SWAPDB", "0", "99999999999"],
      ["SWAPDB", "99999999999", "0"],
      ["SWAPDB", "0", "16"],
      ["SWAPDB", "-1", "0"],
      ["SWAPDB", "0"],
      ["FLUSHDB", "FOO"],
      ["FLUSHDB", "ASYNC", "SYNC"],
      ["FLUSHDB", "async"],
      ["DBSIZE"],
      ["SELECT", "1"],
      ["DBSIZE"],
      ["FLUSHDB", "SYNC"],
      ["DBSIZE"],
      ["SET", "x", "1"],
      ["SELECT", "5"],
      ["SET", "y", "1"],
      ["FLUSHALL", "BAR"],
      ["FLUSHALL", "SYNC", "ASYNC"],
      ["FLUSHALL"],
      ["DBSIZE"],
      ["SELECT", "1"],
      ["DBSIZE"],
      ["FLUSHALL", "ASYNC"],
      ["FLUSHALL", "sync"],
      ["FLUSHDB"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test({
  name: "db admin: COPY of every value type matches redis-server",
  ignore: !haveRedis() || !["rpush", "lrange", "sadd", "smembers", "hset", "hgetall"].every((c) => implemented.has(c)),
  async fn() {
    const script: Script = [
      ["RPUSH", "l", "a", "b", "c"],
      ["COPY", "l", "l2"],
      ["RPUSH", "l2", "d"],
      ["LRANGE", "l", "0", "-1"],
      ["LRANGE", "l2", "0", "-1"],
      ["SADD", "s", "x"],
      ["COPY", "s", "l2", "REPLACE"],
      ["TYPE", "l2"],
      ["HSET", "h", "f", "v"],
      ["COPY", "h", "h2", "DB", "3"],
      ["SELECT", "3"],
      ["HGETALL", "h2"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test("db admin: MOVE and COPY events, dirty counter and WATCH signals", async () => {
  await withServer(async (srv, c) => {
    const server = srv.server;
    const events = recordEvents(server);
    const modified = recordModified(server);
    await c.call("SET", "k", "v");
    await c.call("SET", "dst", "old");
    events.length = 0;
    modified.length = 0;
    const dirty = server.dirty;
    assert.equal(await c.call("MOVE", "k", "3"), 1);
    assert.deepEqual(events, ["g move_from k 0", "g move_to k 3"]);
    assert.deepEqual(modified.sort(), ["0:k", "3:k"]);
    events.length = 0;
    modified.length = 0;
    assert.equal(await c.call("COPY", "dst", "c1"), 1);
    assert.equal(await c.call("COPY", "c1", "dst", "REPLACE"), 1);
    assert.equal(await c.call("COPY", "c1", "far", "DB", "7"), 1);
    assert.equal(await c.call("COPY", "c1", "dst"), 0);
    assert.deepEqual(events, [
      "g copy_to c1 0",
      "g copy_to dst 0",
      "o overwritten dst 0", // Redis 8.2: REPLACE over an existing key
      "g copy_to far 7",
    ]);
    assert.ok(modified.includes("0:c1") && modified.includes("0:dst") && modified.includes("7:far"));
    assert.equal(server.dirty, dirty + 4);
  });
});

/** A mutable non-string value, to check that COPY deep-copies through RObject.clone(). */
class Bag implements RObject {
  readonly type = "set" as const;
  constructor(public items: Set<string>) {}
  encoding(): string {
    return "listpack";
  }
  clone(): Bag {
    return new Bag(new Set(this.items));
  }
}

Deno.test("db admin: COPY clones RObjects; MOVE and RENAME move them; type_changed on REPLACE", async () => {
  await withServer(async (srv, c) => {
    const db0 = srv.server.dbs[0];
    const bag = new Bag(new Set(["x"]));
    db0.set("bag", bag);
    assert.equal(await c.call("COPY", "bag", "bag2"), 1);
    const copy = db0.dict.get("bag2") as Bag;
    assert.notEqual(copy, bag);
    copy.items.add("y");
    assert.deepEqual([...bag.items], ["x"]);
    await c.call("SET", "str", "v");
    const events = recordEvents(srv.server);
    assert.equal(await c.call("COPY", "bag", "str", "REPLACE"), 1);
    assert.deepEqual(events, ["g copy_to str 0", "o overwritten str 0", "c type_changed str 0"]);
    assert.equal(await c.call("TYPE", "str"), "set");
    assert.equal(await c.call("MOVE", "bag", "1"), 1);
    assert.equal(srv.server.dbs[1].dict.get("bag"), bag);
  });
});

Deno.test("db admin: SWAPDB exchanges data but not clients, and signals every key of both dbs", async () => {
  await withServer(async (srv, c) => {
    const server = srv.server;
    await c.call("SET", "a", "zero");
    await c.call("SET", "both", "zero");
    await c.call("SET", "ttl", "v", "EX", "100");
    await c.call("SELECT", "1");
    await c.call("SET", "b", "one");
    await c.call("SET", "both", "one");
    const modified = recordModified(server);
    const db0 = server.dbs[0], db1 = server.dbs[1];
    assert.equal(await c.call("SWAPDB", "0", "1"), "OK");
    assert.equal(server.dbs[0], db0, "the Db objects stay in place");
    assert.deepEqual(
      modified.sort(),
      ["0:a", "0:b", "0:both", "0:ttl", "1:a", "1:b", "1:both", "1:ttl"],
    );
    // this client is still on index 1, which now holds db0's data
    assert.equal(await c.call("GET", "a"), "zero");
    assert.equal(await c.call("GET", "both"), "zero");
    assert.equal(await c.call("TTL", "ttl"), 100);
    assert.equal(await c.call("GET", "b"), null);
    assert.equal(db1.size, 3);
    // expiry keeps working on the swapped data
    server.activeExpireEnabled = false;
    server.clock.offsetMs += 200_000;
    assert.equal(await c.call("GET", "ttl"), null);
    assert.equal(db1.size, 2);
  });
});

Deno.test("db admin: FLUSHDB and FLUSHALL signal every removed key and count them as changes", async () => {
  await withServer(async (srv, c) => {
    const server = srv.server;
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "1");
    await c.call("SELECT", "2");
    await c.call("SET", "c", "1");
    const modified = recordModified(server);
    const events = recordEvents(server);
    let dirty = server.dirty;
    assert.equal(await c.call("FLUSHDB"), "OK");
    assert.deepEqual(modified, ["2:c"]);
    assert.equal(server.dirty, dirty + 1);
    await c.call("SET", "d", "1");
    modified.length = 0;
    dirty = server.dirty;
    assert.equal(await c.call("FLUSHALL", "ASYNC"), "OK");
    assert.deepEqual(modified.sort(), ["0:a", "0:b", "2:d"]);
    assert.equal(server.dirty, dirty + 3);
    assert.deepEqual(events.filter((e) => !e.includes(" set ")), []); // flushes emit no keyspace events
    assert.equal(server.dbs.reduce((n, db) => n + db.size, 0), 0);
  });
});
