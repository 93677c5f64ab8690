/**
 * ZADD (every option and incompatibility), ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK and
 * ZSCAN against redis-server 7.0 byte for byte, in RESP2 and RESP3, with both encodings. Scores are
 * chosen to print the same under 7.0's "%.17g" and 8.2's shortest form; 8.2-only behaviour (WITHSCORE,
 * double formatting, the ZADD size hint, fast_float range parsing) is asserted on our server alone.
 */
import assert from "node:assert/strict";
import { same, sameEncodings, withPair } from "../set/helpers.ts";
import { withServer } from "../helpers/server.ts";

Deno.test("ZADD options, replies and errors", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
      ["ZADD", "z", "1", "a"],
      ["ZADD", "z", "CH", "5", "a", "2", "b", "4", "d"],
      ["ZADD", "z", "NX", "10", "a", "10", "e"],
      ["ZADD", "z", "XX", "10", "a", "10", "f"],
      ["ZADD", "z", "XX", "CH", "11", "a", "10", "f"],
      ["ZADD", "z", "GT", "CH", "1", "a", "20", "b"],
      ["ZADD", "z", "LT", "CH", "100", "a", "1", "b", "7", "g"],
      ["ZADD", "z", "XX", "GT", "CH", "50", "a", "0", "c"],
      ["ZADD", "z", "INCR", "2.5", "a"],
      ["ZADD", "z", "INCR", "NX", "1", "a"],
      ["ZADD", "z", "INCR", "NX", "1", "new"],
      ["ZADD", "z", "INCR", "XX", "1", "missing"],
      ["ZADD", "z", "INCR", "GT", "-1", "a"],
      ["ZADD", "z", "INCR", "LT", "-1", "a"],
      ["ZADD", "z", "incr", "ch", "xx", "0", "a"],
      ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
      ["ZADD", "z", "NX", "XX", "1", "a"],
      ["ZADD", "z", "GT", "LT", "1", "a"],
      ["ZADD", "z", "GT", "NX", "1", "a"],
      ["ZADD", "z", "LT", "NX", "1", "a"],
      ["ZADD", "z", "INCR", "1", "a", "2", "b"],
      ["ZADD", "z", "1", "a", "2"],
      ["ZADD", "z", "NX"],
      ["ZADD", "z", "x", "a"],
      ["ZADD", "z", "nan", "a"],
      ["ZADD", "z", "1", "a", "bad", "b"],
      ["ZADD", "z", " 1", "a"],
      ["ZADD", "z", "1 ", "a"],
      ["ZADD", "z", "", "a"],
      ["ZADD", "z", "1e400", "a"],
      ["ZADD", "z", "1e-400", "a"],
      ["ZADD", "z", "0x10", "hex"],
      ["ZADD", "z", "0X1p3", "hexp"],
      ["ZADD", "z", "+.5e1", "plus"],
      ["ZADD", "z", "1.", "dot"],
      ["ZADD", "z", "-inf", "lo", "+inf", "hi", "infinity", "hi2"],
      ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
      ["ZADD", "z", "INCR", "-inf", "hi"],
      ["ZADD", "z", "INCR", "inf", "hi"],
      ["ZINCRBY", "z", "-inf", "hi"],
      ["ZSCORE", "z", "hi"],
      ["ZADD", "z", "XX", "1", "a", "NX"],
      ["ZADD", "nokey", "XX", "1", "a"],
      ["EXISTS", "nokey"],
      ["ZADD", "nokey", "XX", "INCR", "1", "a"],
      ["SET", "str", "v"],
      ["ZADD", "str", "1", "a"],
      ["ZADD", "str", "x", "a"],
      ["ZADD", "str", "NX", "XX", "1", "a"],
    ]);
  });
});

Deno.test("ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["ZINCRBY", "z", "5", "a"],
      ["ZINCRBY", "z", "-2.5", "a"],
      ["ZINCRBY", "z", "1", "b"],
      ["ZINCRBY", "z", "x", "b"],
      ["ZINCRBY", "z", "nx", "b"],
      ["ZINCRBY", "z", "1", "b", "c"],
      ["ZCARD", "z"],
      ["ZCARD", "nosuch"],
      ["ZSCORE", "z", "a"],
      ["ZSCORE", "z", "nope"],
      ["ZSCORE", "nosuch", "a"],
      ["ZMSCORE", "z", "a", "nope", "b"],
      ["ZMSCORE", "nosuch", "a", "b"],
      ["ZRANK", "z", "a"],
      ["ZRANK", "z", "b"],
      ["ZREVRANK", "z", "a"],
      ["ZRANK", "z", "nope"],
      ["ZRANK", "nosuch", "a"],
      ["ZREM", "z", "nope"],
      ["ZREM", "z", "a", "a", "nope"],
      ["ZREM", "nosuch", "a"],
      ["ZREM", "z", "b", "c"],
      ["EXISTS", "z"],
      ["SET", "str", "v"],
      ["ZINCRBY", "str", "1", "a"],
      ["ZREM", "str", "a"],
      ["ZCARD", "str"],
      ["ZSCORE", "str", "a"],
      ["ZMSCORE", "str", "a"],
      ["ZRANK", "str", "a"],
      ["ZREVRANK", "str", "a"],
      ["ZSCORE", "z"],
      ["ZMSCORE", "z"],
    ]);
  });
});

Deno.test("sorted sets: TYPE, COPY, RENAME keep the value and its encoding", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["ZADD", "z", "1", "a", "2", "b"],
      ["ZADD", "big", ...Array.from({ length: 300 }, (_, i) => [String(i), `m${i}`]).flat()],
      ["TYPE", "z"],
      ["COPY", "z", "z2"],
      ["ZADD", "z2", "3", "c"],
      ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "z2", "0", "-1", "WITHSCORES"],
      ["COPY", "big", "big2"],
      ["OBJECT", "ENCODING", "big2"],
      ["ZREM", "big2", "m5"],
      ["ZCARD", "big"],
      ["ZCARD", "big2"],
      ["ZRANK", "big2", "m299"],
      ["ZRANK", "big", "m299"],
      ["RENAME", "big2", "big3"],
      ["ZRANGE", "big3", "10", "12", "WITHSCORES"],
    ]);
  });
});

Deno.test("sorted sets: RESP3 doubles and nested replies", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["!HELLO", "3"],
      ["ZADD", "z", "1", "a", "2.5", "b", "-inf", "c"],
      ["ZSCORE", "z", "b"],
      ["ZSCORE", "z", "c"],
      ["ZSCORE", "z", "nope"],
      ["ZMSCORE", "z", "a", "nope"],
      ["ZINCRBY", "z", "1", "a"],
      ["ZADD", "z", "INCR", "1", "a"],
      ["ZADD", "z", "INCR", "NX", "1", "a"],
      ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "z", "0", "-1"],
      ["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"],
      ["ZPOPMIN", "z"],
      ["ZPOPMIN", "z", "1"],
      ["ZPOPMAX", "z", "5"],
      ["ZPOPMIN", "nosuch"],
      ["ZPOPMIN", "nosuch", "2"],
      ["ZADD", "z", "1", "a", "2", "b"],
      ["ZUNION", "1", "z", "WITHSCORES"],
      ["ZINTER", "1", "z", "WITHSCORES"],
      ["ZDIFF", "1", "z", "WITHSCORES"],
      ["ZRANDMEMBER", "z", "5", "WITHSCORES"],
      ["ZRANDMEMBER", "nosuch", "5", "WITHSCORES"],
      ["ZMPOP", "1", "z", "MIN"],
      ["ZMPOP", "1", "nosuch", "MIN"],
      ["ZSCAN", "z", "0"],
    ]);
  });
});

Deno.test("sorted set encodings: listpack limits and conversion", async () => {
  const big = (n: number) => Array.from({ length: n }, (_, i) => [String(i), `m${i}`]).flat();
  await withPair(async (p) => {
    await same(p, [
      ["ZADD", "a", ...big(128)],
      ["ZADD", "b", ...big(129)],
      ["ZADD", "c", "1", "x".repeat(64)],
      ["ZADD", "d", "1", "x".repeat(65)],
      ["ZADD", "e", "1", "a", "2", "x".repeat(65)],
      ["ZADD", "f", ...big(128)],
      ["ZADD", "f", "999", "extra"],
      ["ZREM", "f", "extra", "m1", "m2"],
      ["ZADD", "g", ...big(10)],
    ]);
    await sameEncodings(p, ["a", "b", "c", "d", "e", "f", "g"]);
    await same(p, [
      ["ZRANGE", "f", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "b", "100", "-1", "WITHSCORES"],
      ["ZRANK", "b", "m128"],
      ["ZREVRANK", "b", "m0"],
      ["ZSCORE", "b", "m77"],
      ["~scanZSCAN", "g", "0"],
    ]);
  }, {});
  await withPair(async (p) => {
    await same(p, [["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZADD", "y", "1", "abcdef"]]);
    await sameEncodings(p, ["z", "y"]);
  }, { "zset-max-listpack-entries": "2", "zset-max-listpack-value": "5" });
});

Deno.test("sorted sets: Redis 8.2-only behaviour", async () => {
  await withServer(async (srv, c) => {
    // ZRANK/ZREVRANK WITHSCORE (7.2+).
    await c.call("ZADD", "z", "1", "a", "2.5", "b");
    assert.deepEqual(await c.call("ZRANK", "z", "b", "WITHSCORE"), [1, "2.5"]);
    assert.deepEqual(await c.call("ZREVRANK", "z", "b", "withscore"), [0, "2.5"]);
    assert.equal(await c.call("ZRANK", "z", "nope", "WITHSCORE"), null);
    assert.equal(await c.callRaw("ZRANK", "z", "nope", "WITHSCORE"), "*-1\r\n");
    assert.equal(await c.callRaw("ZRANK", "nosuch", "a", "WITHSCORE"), "*-1\r\n");
    assert.deepEqual(await c.call("ZRANK", "z", "a", "FOO"), { error: "ERR syntax error" });
    assert.deepEqual(await c.call("ZRANK", "z", "a", "WITHSCORE", "x"), {
      error: "ERR wrong number of arguments for 'zrank' command",
    });
    // Doubles print as Redis 8.2's d2string: shortest digits, integers up to 2^62 in full.
    const cases: [string, string][] = [
      ["0.1", "0.1"],
      ["1e18", "1000000000000000000"],
      ["1e17", "100000000000000000"],
      ["5e18", "5e+18"],
      ["0.00001", "0.00001"],
      ["1e-7", "1e-7"],
      ["12345.1234567", "1.23451234567e+4"],
      ["3.14159265358979", "3.14159265358979"],
      ["-0", "0"],
    ];
    for (const [input, out] of cases) {
      await c.call("ZADD", "f", input, input);
      assert.equal(await c.call("ZSCORE", "f", input), out, input);
    }
    // A listpack stores an integral -0 as 0; the skiplist keeps the sign.
    assert.equal(await c.call("ZINCRBY", "neg", "-0", "m"), "-0");
    assert.equal(await c.call("ZSCORE", "neg", "m"), "0");
    await c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
    await c.call("ZADD", "neg2", "-0", "m");
    assert.equal(await c.call("ZSCORE", "neg2", "m"), "-0");
    await c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
    // The ZADD size hint: more pairs than the listpack limit convert up front (7.0 did not).
    await c.call("ZADD", "hint", ...Array(129).fill(["1", "same"]).flat());
    assert.equal(await c.call("ZCARD", "hint"), 1);
    assert.equal(await c.call("OBJECT", "ENCODING", "hint"), "skiplist");
    await c.call("ZADD", "hint2", "1", "a");
    await c.call("ZADD", "hint2", ...Array(129).fill(["1", "a"]).flat());
    assert.equal(await c.call("OBJECT", "ENCODING", "hint2"), "skiplist");
    // Range bounds use fast_float: no leading space, no hex (7.0's strtod accepted both).
    assert.deepEqual(await c.call("ZCOUNT", "z", "( 1", "10"), { error: "ERR min or max is not a float" });
    assert.deepEqual(await c.call("ZCOUNT", "z", "0x1", "10"), { error: "ERR min or max is not a float" });
    assert.equal(await c.call("ZCOUNT", "z", "(1e400", "+1e400"), 0);
    assert.equal(await c.call("ZCOUNT", "z", "-1e400", "+infinity"), 2);
    assert.equal(srv.server.dbs[0].size > 0, true);
  });
});
