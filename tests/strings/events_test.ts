/**
 * Side effects of the string commands: keyspace events (the same sequence redis-server publishes,
 * with the right class letters), the dirty counter (redis-server's rdb_changes_since_last_save)
 * and key-modified signals (what WATCH relies on).
 */
import assert from "node:assert/strict";
import { assertKeyEventsMatch } from "../helpers/keyevents.ts";
import { makeList, same, withPair } from "./helpers.ts";

/** The class letter Redis files each string-family event under. */
const EVENT_CLASS: Record<string, string> = {
  set: "$",
  setrange: "$",
  append: "$",
  incrby: "$",
  incrbyfloat: "$",
  del: "g",
  expire: "g",
  persist: "g",
  expired: "x",
};

const SCRIPT: (string | number)[][] = [
  ["SET", "a", "1"],
  ["SET", "a", "2", "NX"],
  ["SET", "b", "1", "XX"],
  ["SET", "b", "1", "EX", "100"],
  ["SET", "b", "2", "KEEPTTL", "GET"],
  ["SET", "c", "1", "PXAT", "1"],
  ["GET", "c"],
  ["SET", "lst", "x", "GET"],
  ["SETNX", "d", "1"],
  ["SETNX", "d", "2"],
  ["SETEX", "e", "100", "v"],
  ["PSETEX", "e", "100000", "v"],
  ["SETEX", "e", "0", "v"],
  ["GETSET", "e", "w"],
  ["GETDEL", "e"],
  ["GETDEL", "e"],
  ["SET", "f", "v"],
  ["GETEX", "f"],
  ["GETEX", "f", "EX", "100"],
  ["GETEX", "f", "PERSIST"],
  ["GETEX", "f", "PERSIST"],
  ["GETEX", "f", "PXAT", "1"],
  ["GETEX", "f"],
  ["MSET", "g", "1", "h", "2"],
  ["MSETNX", "g", "1", "i", "2"],
  ["MSETNX", "i", "1", "j", "2"],
  ["APPEND", "g", "x"],
  ["APPEND", "new", ""],
  ["SETRANGE", "g", "0", "y"],
  ["SETRANGE", "g", "0", ""],
  ["SETRANGE", "none", "0", ""],
  ["INCR", "k"],
  ["DECR", "k"],
  ["INCRBY", "k", "5"],
  ["DECRBY", "k", "5"],
  ["INCRBY", "g", "1"],
  ["SET", "max", "9223372036854775807"],
  ["INCR", "max"],
  ["INCRBYFLOAT", "fl", "1.5"],
  ["INCRBYFLOAT", "fl", "inf"],
  ["LCS", "g", "h"],
  ["MGET", "g", "h"],
  ["STRLEN", "g"],
  ["GETRANGE", "g", "0", "-1"],
  ["SET", "z", "1", "PX", "100000"],
  ["SET", "z", "2"],
];

Deno.test("strings: keyspace events match redis-server's, with Redis's classes", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    const pair = { redis: p.redis, oraclePort: p.oracle.port, server: p.ours.server };
    await assertKeyEventsMatch(pair, () => same(p, SCRIPT), EVENT_CLASS);
  });
});

Deno.test("strings: dirty counter moves like rdb_changes_since_last_save", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    const changes = async () => {
      const info = await p.redis.call("INFO", "persistence") as string;
      return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
    };
    const before = await changes();
    const ourBefore = p.ours.server.dirty;
    await same(p, SCRIPT);
    assert.equal(p.ours.server.dirty - ourBefore, (await changes()) - before);
  });
});

Deno.test("strings: writes signal key modification, reads and failed writes do not", async () => {
  await withPair(async (p) => {
    const touched: string[] = [];
    p.ours.server.keyModifiedHooks.push((_db, key) => touched.push(key));
    const expectTouch = async (argv: string[], keys: string[]) => {
      touched.length = 0;
      await p.our.call(...argv);
      assert.deepEqual(touched, keys, JSON.stringify(argv));
    };
    await expectTouch(["SET", "k", "v"], ["k"]);
    await expectTouch(["GET", "k"], []);
    await expectTouch(["SET", "k", "v", "NX"], []);
    await expectTouch(["GETEX", "k"], []);
    await expectTouch(["GETEX", "k", "EX", "100"], ["k"]);
    await expectTouch(["GETEX", "k", "PERSIST"], ["k"]);
    await expectTouch(["GETEX", "k", "PERSIST"], []);
    await expectTouch(["GETEX", "k", "EX", "0"], []);
    await expectTouch(["APPEND", "k", "x"], ["k"]);
    await expectTouch(["SETRANGE", "k", "0", ""], []);
    await expectTouch(["SETRANGE", "k", "0", "y"], ["k"]);
    await expectTouch(["INCR", "k"], []);
    await expectTouch(["INCR", "n"], ["n"]);
    await expectTouch(["MSET", "a", "1", "b", "2"], ["a", "b"]);
    await expectTouch(["MSETNX", "a", "1", "c", "2"], []);
    await expectTouch(["GETDEL", "a"], ["a"]);
    await expectTouch(["LCS", "b", "k"], []);
  });
});
