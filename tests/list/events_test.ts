/**
 * Side effects of the list commands and SORT: keyspace events (the sequence redis-server publishes,
 * with Redis's class letters), the dirty counter (rdb_changes_since_last_save) and key-modified
 * signals (what WATCH relies on).
 */
import assert from "node:assert/strict";
import { assertKeyEventsMatch } from "../helpers/keyevents.ts";
import type { RawClient } from "../helpers/resp.ts";
import type { Script } from "../helpers/oracle.ts";
import { same, withPair } from "./helpers.ts";

const EVENT_CLASS: Record<string, string> = {
  lpush: "l",
  rpush: "l",
  lpop: "l",
  rpop: "l",
  linsert: "l",
  lset: "l",
  lrem: "l",
  ltrim: "l",
  sortstore: "l",
  del: "g",
  set: "$",
};

const SCRIPT: Script = [
  ["RPUSH", "a", "1", "2", "3", "4", "5", "6"],
  ["LPUSH", "a", "0"],
  ["LPUSHX", "none", "x"],
  ["RPUSHX", "a", "7"],
  ["LPOP", "a"],
  ["RPOP", "a", 2],
  ["LPOP", "a", 0],
  ["LPOP", "none"],
  ["LINSERT", "a", "BEFORE", "3", "x"],
  ["LINSERT", "a", "BEFORE", "zz", "x"],
  ["LSET", "a", 0, "first"],
  ["LSET", "a", 100, "x"],
  ["LREM", "a", 0, "x"],
  ["LREM", "a", 0, "x"],
  ["LTRIM", "a", 0, -1],
  ["LTRIM", "a", 1, 2],
  ["LMOVE", "a", "b", "LEFT", "RIGHT"],
  ["RPOPLPUSH", "a", "b"],
  ["RPOPLPUSH", "b", "b"],
  ["LMPOP", 2, "none", "b", "LEFT", "COUNT", 10],
  ["RPUSH", "c", "x", "y"],
  ["BLPOP", "none", "c", 0],
  ["BLMPOP", 0, 1, "c", "RIGHT", "COUNT", 5],
  ["RPUSH", "c", "q"],
  ["BLMOVE", "c", "d", "RIGHT", "LEFT", 0],
  ["BRPOPLPUSH", "d", "c", 0],
  ["LTRIM", "c", 5, 10],
  ["RPUSH", "e", "1", "1"],
  ["LREM", "e", 0, "1"],
  ["RPUSH", "s", "3", "1", "2"],
  ["SORT", "s", "STORE", "dst"],
  ["SORT", "s", "LIMIT", 0, 0, "STORE", "dst"],
  ["SORT", "s", "LIMIT", 0, 0, "STORE", "dst"],
  ["SORT", "s"],
  ["LRANGE", "s", 0, -1],
  ["LLEN", "s"],
  ["LINDEX", "s", 0],
  ["LPOS", "s", "1"],
];

Deno.test("list events: keyspace events match redis-server's, with Redis's classes", async () => {
  await withPair(async (p) => {
    const pair = { redis: p.redis, oraclePort: p.oracle.port, server: p.ours.server };
    await assertKeyEventsMatch(pair, () => same(p, SCRIPT), EVENT_CLASS);
  });
});

Deno.test("list events: dirty counter moves like rdb_changes_since_last_save", async () => {
  await withPair(async (p) => {
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

Deno.test("list events: writes signal key modification, reads and no-op writes do not", async () => {
  await withPair(async (p) => {
    const touched: string[] = [];
    p.ours.server.keyModifiedHooks.push((_db, key) => touched.push(key));
    const expectTouch = async (argv: (string | number)[], keys: string[]) => {
      touched.length = 0;
      await p.our.call(...argv);
      assert.deepEqual([...new Set(touched)], keys, JSON.stringify(argv));
    };
    await expectTouch(["RPUSH", "l", "a", "b", "c"], ["l"]);
    await expectTouch(["RPUSH", "l", "d"], ["l"]);
    await expectTouch(["LRANGE", "l", 0, -1], []);
    await expectTouch(["LINDEX", "l", 0], []);
    await expectTouch(["LPUSHX", "none", "x"], []);
    await expectTouch(["LSET", "l", 0, "x"], ["l"]);
    await expectTouch(["LSET", "l", 99, "x"], []);
    await expectTouch(["LINSERT", "l", "AFTER", "zz", "y"], []);
    await expectTouch(["LINSERT", "l", "AFTER", "x", "y"], ["l"]);
    await expectTouch(["LREM", "l", 0, "zz"], []);
    await expectTouch(["LREM", "l", 0, "y"], ["l"]);
    await expectTouch(["LPOP", "l", 0], []);
    await expectTouch(["LPOP", "l"], ["l"]);
    await expectTouch(["LMOVE", "l", "m", "LEFT", "LEFT"], ["m", "l"]);
    await expectTouch(["LTRIM", "l", 0, -1], ["l"]);
    await expectTouch(["RPOP", "l", 10], ["l"]);
    await expectTouch(["SORT", "m", "STORE", "n"], []); // "b" is not a number: nothing stored
    await expectTouch(["SORT", "m", "ALPHA", "STORE", "n"], ["n"]);
    await expectTouch(["SORT", "m"], []);
  });
});

Deno.test("list events: keyspace hits and misses counted like redis-server", async () => {
  await withPair(async (p) => {
    const stats = async (c: RawClient) => {
      const info = await c.call("INFO", "stats") as string;
      return [/keyspace_hits:(\d+)/.exec(info)![1], /keyspace_misses:(\d+)/.exec(info)![1]];
    };
    await same(p, SCRIPT);
    await same(p, [["RPUSH", "ids", "1", "2"], ["SET", "w_1", "5"], ["SORT", "ids", "BY", "w_*", "GET", "w_*"]]);
    assert.deepEqual(await stats(p.our), await stats(p.redis));
  });
});
