/**
 * ZUNION, ZINTER, ZDIFF, their STORE variants and ZINTERCARD against redis-server 7.0: WEIGHTS,
 * AGGREGATE, WITHSCORES, sets as inputs (score 1), missing and repeated keys, inf/NaN arithmetic,
 * errors, stored encodings; then a randomized comparison over mixed inputs in both encodings.
 */
import { prng, randInt, same, sameEncodings, withPair } from "../set/helpers.ts";
import type { Script } from "../helpers/oracle.ts";

Deno.test("sorted set algebra: options, sets as inputs, errors", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["ZADD", "a", "1", "x", "2", "y", "3", "z"],
      ["ZADD", "b", "10", "y", "20", "z", "30", "w"],
      ["SADD", "s", "x", "w", "q"],
      ["SADD", "i", "1", "2"],
      ["ZADD", "inf", "+inf", "x", "-inf", "y"],
      ["ZUNION", "2", "a", "b"],
      ["ZUNION", "2", "a", "b", "WITHSCORES"],
      ["ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"],
      ["ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"],
      ["ZUNION", "2", "a", "b", "aggregate", "max", "withscores"],
      ["ZUNION", "3", "a", "b", "s", "WITHSCORES"],
      ["ZUNION", "2", "s", "i", "WITHSCORES"],
      ["ZUNION", "2", "a", "nosuch", "WITHSCORES"],
      ["ZUNION", "2", "a", "a", "WITHSCORES"],
      ["ZINTER", "2", "a", "b", "WITHSCORES"],
      ["ZINTER", "2", "a", "b", "WEIGHTS", "1", "-1", "AGGREGATE", "SUM", "WITHSCORES"],
      ["ZINTER", "2", "a", "s", "WITHSCORES"],
      ["ZINTER", "2", "a", "a", "WEIGHTS", "2", "3", "WITHSCORES"],
      ["ZINTER", "2", "a", "nosuch"],
      ["ZINTER", "2", "inf", "inf", "WITHSCORES"],
      ["ZINTER", "2", "inf", "a", "WEIGHTS", "1", "0", "WITHSCORES"],
      ["ZUNION", "2", "inf", "a", "WEIGHTS", "0", "1", "WITHSCORES"],
      ["ZUNION", "2", "inf", "a", "WEIGHTS", "-1", "1", "AGGREGATE", "SUM", "WITHSCORES"],
      ["ZUNION", "1", "inf", "WEIGHTS", "inf", "WITHSCORES"],
      ["ZDIFF", "2", "a", "b", "WITHSCORES"],
      ["ZDIFF", "3", "a", "b", "s", "WITHSCORES"],
      ["ZDIFF", "2", "a", "a"],
      ["ZDIFF", "2", "nosuch", "a"],
      ["ZDIFF", "1", "a"],
      ["ZDIFF", "2", "s", "a", "WITHSCORES"],
      ["ZINTERCARD", "2", "a", "b"],
      ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
      ["ZINTERCARD", "2", "a", "b", "LIMIT", "0"],
      ["ZINTERCARD", "3", "a", "b", "s"],
      ["ZINTERCARD", "2", "a", "b", "LIMIT", "-1"],
      ["ZINTERCARD", "2", "a", "b", "WITHSCORES"],
      ["ZINTERCARD", "2", "a", "b", "WEIGHTS", "1", "1"],
      ["ZUNIONSTORE", "d", "2", "a", "b"],
      ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
      ["ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2", "AGGREGATE", "MAX"],
      ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
      ["ZINTERSTORE", "d", "2", "a", "b"],
      ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
      ["ZINTERSTORE", "d", "2", "a", "nosuch"],
      ["EXISTS", "d"],
      ["ZDIFFSTORE", "d", "2", "a", "b"],
      ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
      ["ZDIFFSTORE", "d", "2", "a", "a"],
      ["EXISTS", "d"],
      ["ZUNIONSTORE", "a", "2", "a", "b"],
      ["ZRANGE", "a", "0", "-1", "WITHSCORES"],
      ["ZUNIONSTORE", "d", "2", "a", "b", "WITHSCORES"],
      ["ZUNION", "0", "a"],
      ["ZUNIONSTORE", "d", "0", "a"],
      ["ZINTER", "-1", "a"],
      ["ZDIFF", "x", "a"],
      ["ZUNION", "3", "a", "b"],
      ["ZUNION", "2", "a", "b", "WEIGHTS", "1"],
      ["ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"],
      ["ZUNION", "2", "a", "b", "WEIGHTS", "1", "nan"],
      ["ZUNION", "2", "a", "b", "AGGREGATE"],
      ["ZUNION", "2", "a", "b", "AGGREGATE", "AVG"],
      ["ZUNION", "2", "a", "b", "FOO"],
      ["ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"],
      ["ZDIFF", "2", "a", "b", "AGGREGATE", "SUM"],
      ["ZDIFFSTORE", "d", "2", "a", "b", "WITHSCORES"],
      ["SET", "str", "v"],
      ["ZUNION", "2", "a", "str"],
      ["ZUNION", "2", "str", "a", "FOO"],
      ["ZINTER", "2", "nosuch", "str"],
      ["ZDIFF", "2", "a", "str"],
      ["ZUNIONSTORE", "d", "1", "str"],
      ["ZINTERCARD", "2", "a", "str"],
    ]);
  });
});

Deno.test("sorted set algebra: stored encodings", async () => {
  const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => [String(i), `${prefix}${i}`]).flat();
  await withPair(async (p) => {
    await same(p, [
      ["ZADD", "small", "1", "a", "2", "b"],
      ["ZADD", "big", ...many(200, "m")],
      ["ZADD", "long", "1", "x".repeat(80), "2", "b"],
      ["ZUNIONSTORE", "u1", "1", "small"],
      ["ZUNIONSTORE", "u2", "2", "small", "big"],
      ["ZINTERSTORE", "u3", "2", "small", "big"],
      ["ZINTERSTORE", "u4", "2", "big", "big"],
      ["ZDIFFSTORE", "u5", "2", "big", "small"],
      ["ZUNIONSTORE", "u6", "2", "long", "small"],
      ["ZINTERSTORE", "u7", "2", "long", "small"],
      ["ZRANGESTORE", "u8", "big", "0", "9"],
      ["ZRANGESTORE", "u9", "big", "0", "199"],
    ]);
    await sameEncodings(p, ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"]);
  });
});

Deno.test("sorted set algebra: randomized against redis-server", async () => {
  const rnd = prng(11);
  const configs: Record<string, string>[] = [{}, { "zset-max-listpack-entries": "0" }];
  for (const config of configs) {
    await withPair(async (p) => {
      const script: Script = [];
      const keys = ["z0", "z1", "z2", "s0", "s1", "none"];
      for (const k of keys.slice(0, 5)) {
        const n = [2, 10, 60, 300][randInt(rnd, 4)];
        const isSet = k.startsWith("s");
        const args: string[] = [];
        for (let i = 0; i < n; i++) {
          const m = rnd() < 0.3 ? String(randInt(rnd, 500)) : `m${randInt(rnd, 500)}`;
          if (isSet) args.push(m);
          else args.push(String(randInt(rnd, 64) / 8 - 2), m);
        }
        script.push([isSet ? "SADD" : "ZADD", k, ...args]);
      }
      for (let i = 0; i < 120; i++) {
        const n = 1 + randInt(rnd, 3);
        const ks = Array.from({ length: n }, () => keys[randInt(rnd, keys.length)]);
        const w = rnd() < 0.4 ? ["WEIGHTS", ...ks.map(() => String(randInt(rnd, 9) / 2 - 1))] : [];
        const agg = rnd() < 0.4 ? ["AGGREGATE", ["SUM", "MIN", "MAX"][randInt(rnd, 3)]] : [];
        const op = randInt(rnd, 6);
        if (op === 0) script.push(["ZUNION", n, ...ks, ...w, ...agg, "WITHSCORES"]);
        else if (op === 1) script.push(["ZINTER", n, ...ks, ...w, ...agg, "WITHSCORES"]);
        else if (op === 2) script.push(["ZDIFF", n, ...ks, "WITHSCORES"]);
        else if (op === 3) script.push(["ZINTERCARD", n, ...ks, "LIMIT", randInt(rnd, 20)]);
        else {
          const cmd = ["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"][randInt(rnd, 3)];
          const opts = cmd === "ZDIFFSTORE" ? [] : [...w, ...agg];
          script.push([cmd, "dst", n, ...ks, ...opts], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
          script.push(["OBJECT", "ENCODING", "dst"]);
        }
      }
      await same(p, script);
    }, config);
  }
});
