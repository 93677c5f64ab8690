/**
 * Side effects of the hash commands: keyspace events (the sequence redis-server publishes, with the
 * right class letters), the dirty counter (rdb_changes_since_last_save) and key-modified signals
 * (what WATCH relies on: writes signal exactly once, reads and failed or no-op writes do not).
 */
import assert from "node:assert/strict";
import { assertKeyEventsMatch } from "../helpers/keyevents.ts";
import { withServer } from "../helpers/server.ts";
import { advance, same, withPair } from "./helpers.ts";

const SCRIPT: (string | number)[][] = [
  ["HSET", "h", "a", "1", "b", "2"],
  ["HSET", "h", "a", "1"],
  ["HMSET", "h", "c", "3"],
  ["HSETNX", "h", "a", "x"],
  ["HSETNX", "h", "d", "4"],
  ["HSETNX", "n", "f", "v"],
  ["HDEL", "h", "zz"],
  ["HDEL", "h", "a", "b", "zz"],
  ["HINCRBY", "h", "i", "5"],
  ["HINCRBY", "h", "c", "1"],
  ["HINCRBY", "h", "c", "x"],
  ["HSET", "h", "s", "str"],
  ["HINCRBY", "h", "s", "1"],
  ["HINCRBYFLOAT", "h", "f", "1.5"],
  ["HINCRBYFLOAT", "h", "s", "1.5"],
  ["HINCRBYFLOAT", "h", "f", "inf"],
  ["HGET", "h", "c"],
  ["HGETALL", "h"],
  ["HDEL", "n", "f"],
  ["HDEL", "h", "c", "d", "i", "s", "f"],
  ["HSET", "big", "x", "y".repeat(100)],
  ["HDEL", "big", "x"],
  ["SET", "str", "1"],
  ["HSET", "str", "a", "b"],
  ["HRANDFIELD", "h"],
  ["HSCAN", "h", "0"],
];

const CLASS: Record<string, string> = { hset: "h", hdel: "h", hincrby: "h", hincrbyfloat: "h", del: "g", set: "$" };

Deno.test("hash: keyspace events and the dirty counter match redis-server", async () => {
  await withPair(async (p) => {
    const changes = async () => {
      const info = await p.redis.call("INFO", "persistence") as string;
      return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
    };
    const before = await changes(), ourBefore = p.ours.server.dirty;
    const pair = { redis: p.redis, oraclePort: p.oracle.port, server: p.ours.server };
    await assertKeyEventsMatch(pair, () => same(p, SCRIPT), CLASS);
    assert.equal(p.ours.server.dirty - ourBefore, (await changes()) - before);
  });
});

Deno.test("hash: writes signal key modification once; reads and no-op writes do not", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    const touched: string[] = [];
    srv.server.keyModifiedHooks.push((_db, key) => touched.push(key));
    const expectTouch = async (argv: (string | number)[], keys: string[]) => {
      touched.length = 0;
      await c.call(...argv);
      assert.deepEqual(touched, keys, JSON.stringify(argv));
    };
    await expectTouch(["HSET", "h", "a", "1"], ["h"]);
    await expectTouch(["HSET", "h", "b", "2", "c", "3"], ["h"]);
    await expectTouch(["HGET", "h", "a"], []);
    await expectTouch(["HGETALL", "h"], []);
    await expectTouch(["HSETNX", "h", "a", "x"], []);
    await expectTouch(["HSETNX", "h", "z", "x"], ["h"]);
    await expectTouch(["HDEL", "h", "nope"], []);
    await expectTouch(["HDEL", "h", "z"], ["h"]);
    await expectTouch(["HINCRBY", "h", "a", "x"], []);
    await expectTouch(["HINCRBY", "h", "a", "1"], ["h"]);
    await expectTouch(["HINCRBY", "new", "a", "1"], ["new"]);
    await expectTouch(["HEXPIRE", "h", 100, "XX", "FIELDS", 1, "a"], []);
    await expectTouch(["HEXPIRE", "h", 100, "FIELDS", 1, "a"], ["h"]);
    await expectTouch(["HPERSIST", "h", "FIELDS", 1, "b"], []);
    await expectTouch(["HPERSIST", "h", "FIELDS", 1, "a"], ["h"]);
    await expectTouch(["HGETEX", "h", "FIELDS", 1, "a"], []);
    await expectTouch(["HGETEX", "h", "EX", 10, "FIELDS", 1, "a"], ["h"]);
    await expectTouch(["HSETEX", "h", "FNX", "FIELDS", 1, "a", "x"], []);
    await expectTouch(["HSETEX", "h", "FIELDS", 1, "a", "x"], ["h"]);
    await expectTouch(["HGETDEL", "h", "FIELDS", 1, "nope"], []);
    await expectTouch(["HGETDEL", "h", "FIELDS", 1, "a"], ["h"]);
    await expectTouch(["HPEXPIRE", "h", 1, "FIELDS", 1, "b"], ["h"]);
    advance(srv, 10);
    await expectTouch(["HGET", "h", "b"], ["h"]);
    await expectTouch(["HDEL", "h", "c"], ["h"]);
    await expectTouch(["EXISTS", "h"], []);
    await expectTouch(["HSETEX", "gone", "PX", 0, "FIELDS", 1, "a", "x"], ["gone"]);
  });
});
