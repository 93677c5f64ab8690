/**
 * Keyspace notifications, differential: a long mixed command script (strings, generic keyspace
 * commands, expire/expired, lists, hashes, sets, sorted sets, several databases) runs on our server and
 * on redis-server while a `PSUBSCRIBE __key*__:*` client (RESP2) and a RESP3 one listen on each; the
 * exact message streams must be identical, for several notify-keyspace-events settings.
 *
 * 7.0 vs 8.2: the oracle is Redis 7.0, which lacks the 8.2 classes `o` (overwritten) and `c`
 * (type_changed) and hash field expiration; those are checked against the 8.2 documentation in
 * flags_test.ts, and this script sticks to what both versions publish the same way.
 */
import assert from "node:assert/strict";
import type { RawClient } from "../helpers/resp.ts";
import { callN, type Pair, readUntil, sleep, withPair } from "../pubsub/helpers.ts";

type Step = (string | number)[];

/** The script: commands, and ["!sleep", ms] pauses so that PEXPIREd keys are logically expired. */
const SCRIPT: Step[] = [
  // strings
  ["SET", "s1", "v"],
  ["SET", "s1", "w"],
  ["SET", "s2", "v", "NX"],
  ["SET", "s2", "v", "NX"],
  ["SET", "s3", "v", "XX"],
  ["SET", "s3", "v", "EX", "100"],
  ["SETNX", "s4", "1"],
  ["SETEX", "s5", "100", "x"],
  ["PSETEX", "s6", "100000", "x"],
  ["GETSET", "s1", "z"],
  ["GETDEL", "s6"],
  ["GETEX", "s5", "PERSIST"],
  ["GETEX", "s1", "EX", "50"],
  ["MSET", "m1", "1", "m2", "2"],
  ["MSETNX", "m3", "1", "m4", "2"],
  ["APPEND", "s1", "tail"],
  ["APPEND", "fresh", "x"],
  ["SETRANGE", "s1", "2", "ab"],
  ["SETRANGE", "sr", "3", "x"],
  ["INCR", "n"],
  ["INCRBY", "n", "10"],
  ["DECR", "n"],
  ["DECRBY", "n", "3"],
  ["INCRBYFLOAT", "f", "1.5"],
  ["SETBIT", "bits", "7", "1"],
  ["GET", "missing"],
  ["MGET", "s1", "missing", "m1"],
  // generic keyspace commands
  ["DEL", "m1", "m2", "nothere"],
  ["UNLINK", "m3"],
  ["EXPIRE", "m4", "100"],
  ["PEXPIRE", "m4", "100000"],
  ["EXPIREAT", "s4", "4000000000"],
  ["PERSIST", "m4"],
  ["PERSIST", "m4"],
  ["EXPIRE", "s4", "-1"],
  ["PEXPIREAT", "s3", "1"],
  ["RENAME", "s1", "r1"],
  ["RENAMENX", "r1", "s2"],
  ["RENAMENX", "r1", "r2"],
  ["COPY", "r2", "c1"],
  ["MOVE", "c1", "1"],
  ["SET", "ra", "1"],
  ["RPUSH", "rb", "2"],
  ["RENAME", "ra", "rb"],
  ["SET", "rd", "x"],
  ["COPY", "rb", "rd", "REPLACE"],
  ["COPY", "rb", "re"],
  ["MOVE", "rb", "2"],
  ["SELECT", "2"],
  ["RENAME", "rb", "moved"],
  ["SELECT", "0"],
  ["EXISTS", "r2", "nope"],
  ["TYPE", "r2"],
  ["TTL", "nope"],
  ["TOUCH", "r2", "nope"],
  // expired keys, found lazily
  ["SET", "e1", "v", "PX", "1"],
  ["SET", "e2", "v"],
  ["PEXPIRE", "e2", "1"],
  ["RPUSH", "e3", "a"],
  ["PEXPIRE", "e3", "1"],
  ["!sleep", 10],
  ["GET", "e1"],
  ["SET", "e2", "again"],
  ["LLEN", "e3"],
  // lists
  ["LPUSH", "l", "a", "b", "c"],
  ["RPUSH", "l", "d"],
  ["LPUSHX", "l", "z"],
  ["RPUSHX", "nolist", "z"],
  ["LINSERT", "l", "BEFORE", "a", "x"],
  ["LSET", "l", "0", "q"],
  ["LREM", "l", "1", "x"],
  ["LTRIM", "l", "0", "3"],
  ["LPOP", "l"],
  ["RPOP", "l", "2"],
  ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
  ["RPOPLPUSH", "l2", "l3"],
  ["LMPOP", "2", "nolist", "l3", "LEFT"],
  ["LRANGE", "nolist", "0", "-1"],
  ["LINDEX", "l", "0"],
  // hashes
  ["HSET", "h", "a", "1", "b", "2"],
  ["HSETNX", "h", "a", "9"],
  ["HSETNX", "h", "c", "3"],
  ["HINCRBY", "h", "n", "5"],
  ["HINCRBYFLOAT", "h", "f", "0.5"],
  ["HDEL", "h", "a", "zz"],
  ["HMSET", "h2", "x", "1"],
  ["HDEL", "h2", "x"],
  ["HGET", "nohash", "x"],
  ["HGETALL", "nohash"],
  // sets
  ["SADD", "st", "a", "b", "c"],
  ["SADD", "st", "a"],
  ["SREM", "st", "a", "zz"],
  ["SMOVE", "st", "st2", "b"],
  ["SADD", "st3", "x", "b"],
  ["SINTERSTORE", "sdst", "st2", "st3"],
  ["SUNIONSTORE", "sdst", "st", "st3"],
  ["SDIFFSTORE", "sdst", "nope", "st"],
  ["SPOP", "st3"],
  ["SPOP", "st", "5"],
  ["SISMEMBER", "noset", "a"],
  ["SMEMBERS", "noset"],
  // sorted sets
  ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
  ["ZADD", "z", "1", "a"],
  ["ZINCRBY", "z", "5", "a"],
  ["ZREM", "z", "b", "zz"],
  ["ZADD", "z2", "1", "x", "2", "c"],
  ["ZUNIONSTORE", "zu", "2", "z", "z2"],
  ["ZINTERSTORE", "zi", "2", "z", "z2"],
  ["ZDIFFSTORE", "zd", "2", "z", "z2"],
  ["ZRANGESTORE", "zr", "z", "0", "-1"],
  ["ZPOPMIN", "z2"],
  ["ZPOPMAX", "z2", "5"],
  ["ZREMRANGEBYSCORE", "zu", "0", "1"],
  ["ZREMRANGEBYRANK", "zu", "0", "0"],
  ["ZADD", "zl", "0", "a", "0", "b", "0", "c"],
  ["ZREMRANGEBYLEX", "zl", "[a", "[b"],
  ["ZMPOP", "1", "zl", "MIN"],
  ["ZSCORE", "nozset", "a"],
  // sort store, type changes, deletes of every type
  ["RPUSH", "srt", "3", "1", "2"],
  ["SORT", "srt", "STORE", "srt2"],
  ["SORT", "srt", "BY", "w_*", "GET", "#", "GET", "o_*"],
  ["OBJECT", "ENCODING", "nope"],
  ["OBJECT", "FREQ", "nope"],
  ["SCAN", "0", "TYPE", "string"],
  ["RANDOMKEY"],
  ["DBSIZE"],
  ["SET", "h", "now-a-string"],
  ["DEL", "l2", "st2", "zr", "srt", "srt2", "bits"],
  // another database
  ["SELECT", "3"],
  ["SET", "k3", "v"],
  ["DEL", "k3"],
  ["GET", "k3"],
  ["SWAPDB", "3", "4"],
  ["SELECT", "0"],
];

/** Streams, HyperLogLog, geo and bitmaps (the families that joined later), in a script of their own. */
const SCRIPT_MORE: Step[] = [
  ["XADD", "st", "1-1", "f", "v"],
  ["XADD", "st", "MAXLEN", "1", "2-1", "f", "v"],
  ["XTRIM", "st", "MAXLEN", "0"],
  ["XADD", "st", "3-1", "a", "b"],
  ["XGROUP", "CREATE", "st", "g", "0"],
  ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "st", ">"],
  ["XACK", "st", "g", "3-1"],
  ["XDEL", "st", "3-1"],
  ["XGROUP", "CREATECONSUMER", "st", "g", "c2"],
  ["XGROUP", "DELCONSUMER", "st", "g", "c2"],
  ["XGROUP", "SETID", "st", "g", "0"],
  ["XGROUP", "DESTROY", "st", "g"],
  ["XADD", "st2", "NOMKSTREAM", "*", "a", "b"],
  ["XLEN", "nostream"],
  ["PFADD", "hl", "a", "b"],
  ["PFADD", "hl", "a"],
  ["PFCOUNT", "nohl"],
  ["PFMERGE", "hl2", "hl", "nohl"],
  ["GEOADD", "g", "13.36", "38.11", "p"],
  ["GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "13", "38", "BYRADIUS", "200", "km"],
  ["SETBIT", "b", "1", "1"],
  ["BITOP", "AND", "b2", "b", "nob"],
  ["BITFIELD", "bf", "SET", "u8", "0", "1"],
  ["GETBIT", "nob", "0"],
  ["DEL", "st", "hl", "hl2", "g", "gs", "b", "b2", "bf"],
];

/** Sends the script on `conn`, returning each raw reply (sleep steps reply ""). */
async function run(conn: RawClient, script: Step[]): Promise<string[]> {
  const replies: string[] = [];
  for (const step of script) {
    if (step[0] === "!sleep") {
      await sleep(Number(step[1]));
      replies.push("");
      continue;
    }
    replies.push(await conn.callRaw(...step));
  }
  return replies;
}

const MARKER = "__keyevent@0__:zz-end-of-script";

/**
 * Runs the script on both servers under `flags` and returns the streams received by the RESP2 and
 * RESP3 pattern subscribers of each server.
 */
async function streams(p: Pair, flags: string, script = SCRIPT): Promise<{ ours: string[][]; redis: string[][] }> {
  const result: string[][][] = [];
  for (const side of p.sides) {
    const admin = await side.connect();
    await admin.call("FLUSHALL");
    await admin.call("CONFIG", "SET", "notify-keyspace-events", flags);
    const sub2 = await side.connect();
    await callN(sub2, 1, "PSUBSCRIBE", "__key*__:*");
    const sub3 = await side.connect();
    await sub3.call("HELLO", "3");
    await callN(sub3, 1, "PSUBSCRIBE", "__key*__:*");
    await run(admin, script);
    await admin.call("PUBLISH", MARKER, "end");
    result.push([await readUntil(sub2, MARKER), await readUntil(sub3, MARKER)]);
  }
  return { ours: result[0], redis: result[1] };
}

/** Asserts both streams are the same, reporting the first difference readably. */
function assertSameStream(ours: string[], redis: string[], label: string): void {
  const n = Math.max(ours.length, redis.length);
  for (let i = 0; i < n; i++) {
    if (ours[i] !== redis[i]) {
      assert.fail(
        `${label}: message ${i} differs\n  ours:  ${JSON.stringify(ours[i])}\n  redis: ${
          JSON.stringify(redis[i])
        }\n  previous: ${JSON.stringify(redis[i - 1])}`,
      );
    }
  }
}

for (const flags of ["KEA", "KEAnm", "Kg$x", "Elshz", "En", "Km"]) {
  Deno.test(`notify: keyspace event streams match redis-server's with notify-keyspace-events ${flags}`, async () => {
    await withPair(async (p) => {
      const { ours, redis } = await streams(p, flags);
      assert.ok(redis[0].length > 0, "the oracle published events");
      assertSameStream(ours[0], redis[0], `${flags} RESP2`);
      assertSameStream(ours[1], redis[1], `${flags} RESP3`);
    });
  });
}

Deno.test("notify: streams, HyperLogLog, geo and bitmap events match redis-server's", async () => {
  await withPair(async (p) => {
    for (const flags of ["KEAnm", "Et"]) {
      const { ours, redis } = await streams(p, flags, SCRIPT_MORE);
      assert.ok(redis[0].length > 0, "the oracle published events");
      assertSameStream(ours[0], redis[0], `${flags} RESP2`);
      assertSameStream(ours[1], redis[1], `${flags} RESP3`);
    }
  });
});

Deno.test("notify: nothing is published when notify-keyspace-events is empty or lacks K and E", async () => {
  await withPair(async (p) => {
    for (const flags of ["", "A", "KE"]) {
      const { ours, redis } = await streams(p, flags);
      assert.deepEqual(redis, [[], []], `oracle with '${flags}'`);
      assert.deepEqual(ours, [[], []], `ours with '${flags}'`);
    }
  });
});
