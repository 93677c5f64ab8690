/**
 * Sets and sorted sets through real client libraries, as applications use them: ioredis (leaderboard
 * with ZADD/ZINCRBY/ZREVRANGE WITHSCORES/ZRANK, tags with SADD/SINTER/SSCAN streams, pipelines) and
 * node-redis v4 (its typed zRange/zRangeWithScores/zPopMin/zRandMember and set helpers).
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { withServer } from "../helpers/server.ts";

Deno.test("ioredis: a leaderboard and tag sets", async () => {
  await withServer(async (srv) => {
    const r = new Redis({ port: srv.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await r.connect();
      await r.zadd("board", 100, "alice", 250, "bob", 175, "carol");
      await r.zincrby("board", 100, "alice");
      assert.deepEqual(await r.zrevrange("board", 0, 1, "WITHSCORES"), ["bob", "250", "alice", "200"]);
      assert.equal(await r.zrank("board", "carol"), 0);
      assert.equal(await r.zscore("board", "alice"), "200");
      assert.deepEqual(await r.zrangebyscore("board", "(175", "+inf"), ["alice", "bob"]);
      assert.equal(await r.zcard("board"), 3);
      const res = await r.pipeline().zadd("board", "NX", 1, "dave").zcount("board", "-inf", "+inf").zpopmin("board")
        .exec();
      assert.deepEqual(res!.map(([err, v]) => (err ? String(err) : v)), [1, 4, ["dave", "1"]]);

      await r.sadd("tags:1", "red", "green", "blue");
      await r.sadd("tags:2", "green", "blue", "black");
      assert.deepEqual((await r.sinter("tags:1", "tags:2")).sort(), ["blue", "green"]);
      assert.equal(await r.sismember("tags:1", "red"), 1);
      assert.deepEqual(await r.smismember("tags:1", "red", "black"), [1, 0]);
      const many = Array.from({ length: 500 }, (_, i) => `t${i}`);
      await r.sadd("big", ...many);
      const seen = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        const stream = r.sscanStream("big", { count: 50 });
        stream.on("data", (batch: string[]) => batch.forEach((m) => seen.add(m)));
        stream.on("end", resolve);
        stream.on("error", reject);
      });
      assert.equal(seen.size, 500);
      await assert.rejects(r.zadd("tags:1", 1, "x"), /WRONGTYPE/);
    } finally {
      r.disconnect();
    }
  });
});

Deno.test("node-redis: typed sorted set and set helpers", async () => {
  await withServer(async (srv) => {
    const r = createClient({ socket: { port: srv.port, host: "127.0.0.1", reconnectStrategy: false } });
    await r.connect();
    try {
      await r.zAdd("z", [{ score: 1, value: "a" }, { score: 2.5, value: "b" }, { score: 3, value: "c" }]);
      assert.deepEqual(await r.zRange("z", 0, -1), ["a", "b", "c"]);
      assert.deepEqual(await r.zRangeWithScores("z", 0, 1), [{ value: "a", score: 1 }, { value: "b", score: 2.5 }]);
      assert.deepEqual(await r.zRange("z", "(1", "+inf", { BY: "SCORE" }), ["b", "c"]);
      assert.equal(await r.zScore("z", "b"), 2.5);
      assert.deepEqual(await r.zPopMin("z"), { value: "a", score: 1 });
      assert.deepEqual(await r.zmPop("z", "MAX"), { key: "z", elements: [{ value: "c", score: 3 }] });
      assert.equal(await r.zRandMember("z"), "b");
      await r.sAdd("s", ["x", "y", "z"]);
      assert.deepEqual((await r.sMembers("s")).sort(), ["x", "y", "z"]);
      assert.equal(await r.sCard("s"), 3);
      assert.equal(await r.sMove("s", "t", "x"), true);
      assert.deepEqual(await r.sUnion(["s", "t"]).then((v) => v.sort()), ["x", "y", "z"]);
    } finally {
      await r.disconnect();
    }
  });
});
