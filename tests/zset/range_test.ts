/**
 * ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE, ZREVRANGE, Z[REV]RANGEBYSCORE,
 * Z[REV]RANGEBYLEX, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY{RANK,SCORE,LEX} against redis-server 7.0, once
 * with listpack-encoded sets and once with every set forced to the skiplist encoding
 * (zset-max-listpack-entries 0) — the two code paths of each command. Then a randomized sweep of
 * ranges, offsets and limits over a large set, and the 8.2-only LIMIT quirk of skiplists.
 */
import assert from "node:assert/strict";
import { prng, randInt, same, withPair } from "../set/helpers.ts";
import type { Script } from "../helpers/oracle.ts";
import { withServer } from "../helpers/server.ts";

const SETUP: Script = [
  ["ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d", "4.5", "e", "-inf", "lo", "+inf", "hi", "0", "zero"],
  ["ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f", "0", "g", "0", "aa", "0", ""],
  ["SET", "str", "v"],
];

const RANGES: Script = [
  ["ZRANGE", "z", "0", "-1"],
  ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
  ["ZRANGE", "z", "2", "4", "withscores"],
  ["ZRANGE", "z", "-3", "-1"],
  ["ZRANGE", "z", "-100", "100"],
  ["ZRANGE", "z", "5", "2"],
  ["ZRANGE", "z", "100", "200"],
  ["ZRANGE", "z", "0", "-1", "REV"],
  ["ZRANGE", "z", "1", "3", "REV", "WITHSCORES"],
  ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "-1"],
  ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
  ["ZRANGE", "z", "x", "1"],
  ["ZRANGE", "z", "0", "1.5"],
  ["ZRANGE", "z", "0", "1", "FOO"],
  ["ZRANGE", "z", "0", "1", "LIMIT", "0"],
  ["ZRANGE", "z", "0", "1", "REV", "REV"],
  ["ZRANGE", "z", "(1", "3", "BYSCORE"],
  ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "WITHSCORES"],
  ["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "WITHSCORES"],
  ["ZRANGE", "z", "2", "2", "BYSCORE"],
  ["ZRANGE", "z", "(2", "2", "BYSCORE"],
  ["ZRANGE", "z", "3", "1", "BYSCORE"],
  ["ZRANGE", "z", "1", "(4.5", "BYSCORE", "LIMIT", "1", "2"],
  ["ZRANGE", "z", "1", "4.5", "BYSCORE", "LIMIT", "1", "-1"],
  ["ZRANGE", "z", "1", "4.5", "BYSCORE", "LIMIT", "0", "0"],
  ["ZRANGE", "z", "1", "4.5", "BYSCORE", "LIMIT", "3", "10"],
  ["ZRANGE", "z", "1", "4.5", "BYSCORE", "LIMIT", "100", "10"],
  ["ZRANGE", "z", "4.5", "1", "BYSCORE", "REV", "LIMIT", "1", "2"],
  ["ZRANGE", "z", "a", "b", "BYSCORE"],
  ["ZRANGE", "z", "(a", "1", "BYSCORE"],
  ["ZRANGE", "z", "nan", "1", "BYSCORE"],
  ["ZRANGE", "z", "1", "2", "BYSCORE", "BYLEX"],
  ["ZRANGE", "z", "1", "2", "BYSCORE", "LIMIT", "x", "1"],
  ["ZRANGE", "z", "1", "2", "BYSCORE", "LIMIT", "1", "x"],
  ["ZRANGE", "lex", "-", "+", "BYLEX"],
  ["ZRANGE", "lex", "[b", "(e", "BYLEX"],
  ["ZRANGE", "lex", "(a", "[aa", "BYLEX"],
  ["ZRANGE", "lex", "+", "-", "BYLEX", "REV"],
  ["ZRANGE", "lex", "[f", "[b", "BYLEX", "REV", "LIMIT", "1", "2"],
  ["ZRANGE", "lex", "-", "+", "BYLEX", "LIMIT", "2", "3"],
  ["ZRANGE", "lex", "[", "[a", "BYLEX"],
  ["ZRANGE", "lex", "(", "+", "BYLEX"],
  ["ZRANGE", "lex", "-", "-", "BYLEX"],
  ["ZRANGE", "lex", "+", "+", "BYLEX"],
  ["ZRANGE", "lex", "[c", "[c", "BYLEX"],
  ["ZRANGE", "lex", "(c", "[c", "BYLEX"],
  ["ZRANGE", "lex", "a", "[c", "BYLEX"],
  ["ZRANGE", "lex", "[a", "", "BYLEX"],
  ["ZRANGE", "lex", "-a", "+", "BYLEX"],
  ["ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES"],
  ["ZRANGE", "nosuch", "0", "-1"],
  ["ZRANGE", "nosuch", "x", "-1"],
  ["ZRANGE", "str", "0", "-1"],
  ["ZRANGE", "str", "x", "-1"],
  ["ZREVRANGE", "z", "0", "2", "WITHSCORES"],
  ["ZREVRANGE", "z", "0", "-1"],
  ["ZREVRANGE", "z", "0", "-1", "REV"],
  ["ZREVRANGE", "z", "0", "-1", "BYSCORE"],
  ["ZRANGEBYSCORE", "z", "-inf", "+inf"],
  ["ZRANGEBYSCORE", "z", "2", "3", "WITHSCORES", "LIMIT", "0", "2"],
  ["ZRANGEBYSCORE", "z", "2", "3", "BYSCORE"],
  ["ZRANGEBYSCORE", "z", "2", "3", "REV"],
  ["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES"],
  ["ZREVRANGEBYSCORE", "z", "(3", "(1", "LIMIT", "0", "1"],
  ["ZREVRANGEBYSCORE", "z", "1", "3"],
  ["ZRANGEBYLEX", "lex", "-", "[c"],
  ["ZRANGEBYLEX", "lex", "-", "[c", "LIMIT", "1", "1"],
  ["ZRANGEBYLEX", "lex", "-", "[c", "WITHSCORES"],
  ["ZREVRANGEBYLEX", "lex", "[c", "-"],
  ["ZREVRANGEBYLEX", "lex", "+", "(b", "LIMIT", "0", "3"],
  ["ZCOUNT", "z", "-inf", "+inf"],
  ["ZCOUNT", "z", "(1", "(4.5"],
  ["ZCOUNT", "z", "2", "2"],
  ["ZCOUNT", "z", "3", "1"],
  ["ZCOUNT", "z", "x", "1"],
  ["ZCOUNT", "nosuch", "0", "1"],
  ["ZCOUNT", "str", "0", "1"],
  ["ZCOUNT", "str", "x", "1"],
  ["ZLEXCOUNT", "lex", "-", "+"],
  ["ZLEXCOUNT", "lex", "[b", "(f"],
  ["ZLEXCOUNT", "lex", "(g", "+"],
  ["ZLEXCOUNT", "lex", "b", "+"],
  ["ZLEXCOUNT", "nosuch", "-", "+"],
  ["ZLEXCOUNT", "str", "-", "+"],
  ["ZRANGESTORE", "dst", "z", "0", "2"],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "dst", "z", "(1", "+inf", "BYSCORE", "LIMIT", "1", "3"],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "dst", "z", "+inf", "-inf", "BYSCORE", "REV"],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "dst", "lex", "[b", "[d", "BYLEX"],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "dst", "z", "0", "-1", "REV"],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "dst", "z", "5", "1"],
  ["EXISTS", "dst"],
  ["ZRANGESTORE", "dst", "z", "0", "1"],
  ["ZRANGESTORE", "dst", "nosuch", "0", "1"],
  ["EXISTS", "dst"],
  ["ZRANGESTORE", "dst", "str", "0", "1"],
  ["ZRANGESTORE", "str", "z", "0", "1"],
  ["TYPE", "str"],
  ["SET", "str", "v"],
  ["ZRANGESTORE", "z", "z", "0", "3"],
  ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
];

const REMOVALS: Script = [
  ["ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"],
  ["ZREMRANGEBYRANK", "r", "0", "0"],
  ["ZREMRANGEBYRANK", "r", "-2", "-1"],
  ["ZREMRANGEBYRANK", "r", "5", "10"],
  ["ZREMRANGEBYRANK", "r", "2", "1"],
  ["ZRANGE", "r", "0", "-1"],
  ["ZREMRANGEBYRANK", "r", "x", "1"],
  ["ZREMRANGEBYRANK", "nosuch", "0", "1"],
  ["ZREMRANGEBYRANK", "str", "0", "1"],
  ["ZREMRANGEBYRANK", "r", "0", "-1"],
  ["EXISTS", "r"],
  ["ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"],
  ["ZREMRANGEBYSCORE", "r", "(1", "2"],
  ["ZREMRANGEBYSCORE", "r", "10", "20"],
  ["ZREMRANGEBYSCORE", "r", "5", "4"],
  ["ZREMRANGEBYSCORE", "r", "x", "4"],
  ["ZREMRANGEBYSCORE", "str", "x", "4"],
  ["ZREMRANGEBYSCORE", "str", "1", "4"],
  ["ZRANGE", "r", "0", "-1"],
  ["ZREMRANGEBYSCORE", "r", "-inf", "+inf"],
  ["EXISTS", "r"],
  ["ZADD", "r", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"],
  ["ZREMRANGEBYLEX", "r", "(a", "[c"],
  ["ZREMRANGEBYLEX", "r", "[x", "+"],
  ["ZREMRANGEBYLEX", "r", "a", "+"],
  ["ZREMRANGEBYLEX", "nosuch", "-", "+"],
  ["ZREMRANGEBYLEX", "str", "-", "+"],
  ["ZRANGE", "r", "0", "-1"],
  ["ZREMRANGEBYLEX", "r", "-", "+"],
  ["EXISTS", "r"],
];

for (const [name, config] of [["listpack", {}], ["skiplist", { "zset-max-listpack-entries": "0" }]] as const) {
  Deno.test(`sorted set ranges match redis-server (${name})`, async () => {
    await withPair(async (p) => {
      await same(p, [...SETUP, ["OBJECT", "ENCODING", "z"], ...RANGES, ...REMOVALS]);
    }, config);
  });
}

Deno.test("sorted set ranges: lex ranges over mixed scores (listpack, Redis's linear scans)", async () => {
  await withPair(async (p) => {
    const script: Script = [["ZADD", "m", "1", "d", "2", "a", "3", "c", "4", "b", "5", "e"]];
    const bounds = ["-", "+", "[a", "(a", "[b", "(b", "[c", "(c", "[d", "[e", "(e"];
    for (const lo of bounds) {
      for (const hi of bounds) {
        script.push(["ZRANGEBYLEX", "m", lo, hi], ["ZREVRANGEBYLEX", "m", hi, lo], ["ZLEXCOUNT", "m", lo, hi]);
        script.push(["ZRANGEBYLEX", "m", lo, hi, "LIMIT", "1", "2"]);
      }
    }
    script.push(["ZREMRANGEBYLEX", "m", "[b", "[d"], ["ZRANGE", "m", "0", "-1"]);
    await same(p, script);
  });
});

Deno.test("sorted set ranges: randomized sweep over a large set", async () => {
  const rnd = prng(5);
  await withPair(async (p) => {
    const script: Script = [];
    const pairs: string[] = [];
    for (let i = 0; i < 3000; i++) pairs.push(String(randInt(rnd, 400) / 4 - 20), `m${i}`);
    for (let i = 0; i < pairs.length; i += 400) script.push(["ZADD", "big", ...pairs.slice(i, i + 400)]);
    for (let i = 0; i < 600; i++) script.push(["ZADD", "lexbig", "7", `w${randInt(rnd, 100000)}`]);
    const score = () => {
      const r = rnd();
      const v = String(randInt(rnd, 440) / 4 - 25);
      return r < 0.1 ? "-inf" : r < 0.2 ? "+inf" : r < 0.5 ? `(${v}` : v;
    };
    const lexb = () => {
      const r = rnd();
      const v = `w${randInt(rnd, 100000)}`;
      return r < 0.1 ? "-" : r < 0.2 ? "+" : r < 0.5 ? `(${v}` : `[${v}`;
    };
    for (let i = 0; i < 250; i++) {
      const lim = rnd() < 0.5 ? [] : ["LIMIT", String(randInt(rnd, 40)), String(randInt(rnd, 30) - 3)];
      const a = randInt(rnd, 3200) - 100;
      const b = randInt(rnd, 3200) - 100;
      script.push(["ZRANGE", "big", String(a), String(b), ...(rnd() < 0.5 ? ["REV"] : []), "WITHSCORES"]);
      const [lo, hi] = [score(), score()];
      script.push(["ZRANGEBYSCORE", "big", lo, hi, "WITHSCORES", ...lim]);
      script.push(["ZREVRANGEBYSCORE", "big", hi, lo, ...lim]);
      script.push(["ZCOUNT", "big", lo, hi]);
      const [llo, lhi] = [lexb(), lexb()];
      script.push(["ZRANGEBYLEX", "lexbig", llo, lhi, ...lim], ["ZREVRANGEBYLEX", "lexbig", lhi, llo, ...lim]);
      script.push(["ZLEXCOUNT", "lexbig", llo, lhi]);
      script.push(["ZRANK", "big", `m${randInt(rnd, 3100)}`], ["ZREVRANK", "big", `m${randInt(rnd, 3100)}`]);
      if (i % 10 === 0) {
        script.push(["ZREMRANGEBYSCORE", "big", lo, hi], ["ZREMRANGEBYRANK", "big", String(a), String(b)]);
        script.push(["ZREMRANGEBYLEX", "lexbig", llo, lhi], ["ZCARD", "big"], ["ZCARD", "lexbig"]);
      }
    }
    await same(p, script);
  });
});

Deno.test("sorted set ranges: a negative LIMIT offset (8.2: listpack walks off, skiplist counts back)", async () => {
  await withServer(async (_srv, c) => {
    await c.call("ZADD", "lp", "1", "a", "2", "b", "3", "c");
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "lp", "-inf", "+inf", "LIMIT", "-1", "5"), []);
    await c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
    await c.call("ZADD", "sl", "1", "a", "2", "b", "3", "c");
    assert.equal(await c.call("OBJECT", "ENCODING", "sl"), "skiplist");
    // zslNthInRange(-1) is the last entry in range; the walk then continues forward.
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "sl", "-inf", "+inf", "LIMIT", "-1", "5"), ["c"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "sl", "-inf", "2", "LIMIT", "-2", "5"), ["a", "b"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "sl", "-inf", "+inf", "LIMIT", "-4", "5"), []);
    assert.deepEqual(await c.call("ZREVRANGEBYSCORE", "sl", "+inf", "-inf", "LIMIT", "-1", "5"), ["a"]);
  });
});
