/**
 * Keyspace events of the sorted-set commands, compared with the events redis-server publishes for the
 * same script (event and key, in order), with their class letters ("z", "g" for del); and the
 * key-modified signal (WATCH / client tracking) of each write.
 */
import assert from "node:assert/strict";
import { sameEvents, withPair } from "../set/helpers.ts";
import { withServer } from "../helpers/server.ts";

const classOf = (e: string) => (e === "del" ? "g" : "z");

Deno.test("sorted set events match redis-server", async () => {
  await withPair(async (p) => {
    await sameEvents(p, [
      ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
      ["ZADD", "z", "1", "a"],
      ["ZADD", "z", "XX", "5", "nope"],
      ["ZADD", "z", "CH", "9", "a"],
      ["ZADD", "z", "INCR", "1", "a"],
      ["ZINCRBY", "z", "1", "b"],
      ["ZADD", "z", "GT", "0", "b"],
      ["ZREM", "z", "nope"],
      ["ZREM", "z", "a"],
      ["ZREMRANGEBYRANK", "z", "5", "6"],
      ["ZREMRANGEBYRANK", "z", "0", "0"],
      ["ZREMRANGEBYSCORE", "z", "100", "200"],
      ["ZREMRANGEBYSCORE", "z", "3", "3"],
      ["ZADD", "lex", "0", "a", "0", "b", "0", "c"],
      ["ZREMRANGEBYLEX", "lex", "[a", "[a"],
      ["ZREMRANGEBYLEX", "lex", "-", "+"],
      ["ZADD", "p", "1", "a", "2", "b", "3", "c"],
      ["ZPOPMIN", "p"],
      ["ZPOPMAX", "p", "5"],
      ["ZPOPMIN", "p"],
      ["ZADD", "p", "1", "a", "2", "b"],
      ["ZMPOP", "1", "p", "MAX"],
      ["ZMPOP", "1", "p", "MIN", "COUNT", "3"],
      ["ZADD", "x", "1", "a", "2", "b"],
      ["ZADD", "y", "2", "b", "3", "c"],
      ["ZUNIONSTORE", "d", "2", "x", "y"],
      ["ZINTERSTORE", "d", "2", "x", "y"],
      ["ZDIFFSTORE", "d", "2", "x", "y"],
      ["ZINTERSTORE", "d", "2", "x", "nosuch"],
      ["ZINTERSTORE", "d", "2", "x", "nosuch"],
      ["ZRANGESTORE", "d", "x", "0", "-1"],
      ["ZRANGESTORE", "d", "x", "5", "6"],
      ["ZREM", "d", "a"],
      ["ZRANGE", "x", "0", "-1"],
      ["ZREM", "x", "a", "b"],
    ], classOf);
  });
});

Deno.test("sorted set writes signal key modifications", async () => {
  await withServer(async (srv, c) => {
    const touched: string[] = [];
    srv.server.keyModifiedHooks.push((_db, key) => touched.push(key));
    const expect = async (cmd: string[], keys: string[]) => {
      touched.length = 0;
      await c.call(...cmd);
      assert.deepEqual([...new Set(touched)].sort(), [...keys].sort(), cmd.join(" "));
    };
    await expect(["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["z"]);
    await expect(["ZADD", "z", "1", "a"], []);
    await expect(["ZADD", "z", "NX", "5", "a"], []);
    await expect(["ZINCRBY", "z", "1", "a"], ["z"]);
    await expect(["ZREM", "z", "nope"], []);
    await expect(["ZREM", "z", "a"], ["z"]);
    await expect(["ZREMRANGEBYSCORE", "z", "100", "200"], []);
    await expect(["ZPOPMIN", "z"], ["z"]);
    await expect(["ZPOPMIN", "nosuch"], []);
    await expect(["ZRANGESTORE", "d", "z", "0", "-1"], ["d"]);
    await expect(["ZUNIONSTORE", "d", "1", "nosuch"], ["d"]);
    await expect(["ZRANGE", "z", "0", "-1"], []);
  });
});
