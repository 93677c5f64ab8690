/**
 * ZPOPMIN, ZPOPMAX, ZMPOP against redis-server 7.0 in RESP2 and RESP3 and both encodings; ZRANDMEMBER's
 * deterministic replies and errors differentially, and its random replies by properties in every
 * strategy case (distinct members with their true scores, repetition with a negative count, rough
 * uniformity).
 */
import assert from "node:assert/strict";
import { same, withPair } from "../set/helpers.ts";
import { withServer } from "../helpers/server.ts";
import type { Script } from "../helpers/oracle.ts";
import type { RawClient } from "../helpers/resp.ts";

const POPS: Script = [
  ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
  ["ZPOPMIN", "z"],
  ["ZPOPMAX", "z"],
  ["ZPOPMIN", "z", "0"],
  ["ZPOPMIN", "z", "2"],
  ["ZPOPMAX", "z", "10"],
  ["EXISTS", "z"],
  ["ZPOPMIN", "z"],
  ["ZPOPMIN", "z", "3"],
  ["ZPOPMIN", "z", "-1"],
  ["ZPOPMIN", "z", "x"],
  ["ZPOPMIN", "z", "1", "2"],
  ["ZADD", "y", "1", "a", "2", "b", "3", "c"],
  ["ZADD", "w", "7", "q"],
  ["ZMPOP", "2", "z", "y", "MIN"],
  ["ZMPOP", "2", "z", "y", "MAX", "COUNT", "5"],
  ["ZMPOP", "2", "z", "y", "MAX", "COUNT", "5"],
  ["ZMPOP", "3", "z", "y", "w", "min", "count", "1"],
  ["ZMPOP", "1", "z", "MIN"],
  ["ZMPOP", "0", "z", "MIN"],
  ["ZMPOP", "-1", "z", "MIN"],
  ["ZMPOP", "x", "z", "MIN"],
  ["ZMPOP", "2", "z", "MIN"],
  ["ZMPOP", "1", "z", "MID"],
  ["ZMPOP", "1", "z", "MIN", "COUNT"],
  ["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
  ["ZMPOP", "1", "z", "MIN", "COUNT", "x"],
  ["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
  ["ZMPOP", "1", "z", "MIN", "FOO"],
  ["SET", "str", "v"],
  ["ZPOPMIN", "str"],
  ["ZPOPMAX", "str", "2"],
  ["ZMPOP", "2", "nosuch", "str", "MIN"],
  ["ZMPOP", "2", "str", "nosuch", "MIN"],
  ["ZADD", "v", "1", "a"],
  ["ZMPOP", "2", "v", "str", "MIN"],
];

for (const config of [{}, { "zset-max-listpack-entries": "0" }] as Record<string, string>[]) {
  Deno.test(`ZPOPMIN/ZPOPMAX/ZMPOP match redis-server (${Object.keys(config).length ? "skiplist" : "listpack"})`, async () => {
    await withPair(async (p) => {
      await same(p, POPS);
      await same(p, [["!HELLO", "3"], ...POPS.map((l) => (l[0] === "SET" ? ["DEL", "str"] : l)), ["SET", "str", "v"]]);
    }, config);
  });
}

Deno.test("ZRANDMEMBER: deterministic replies and errors match redis-server", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["ZADD", "z", "1", "a", "2.5", "b", "3", "c"],
      ["ZRANDMEMBER", "z", "0"],
      ["ZRANDMEMBER", "z", "3"],
      ["ZRANDMEMBER", "z", "10", "WITHSCORES"],
      ["ZRANDMEMBER", "z", "0", "WITHSCORES"],
      ["ZRANDMEMBER", "nosuch"],
      ["ZRANDMEMBER", "nosuch", "3"],
      ["ZRANDMEMBER", "nosuch", "-3", "WITHSCORES"],
      ["ZRANDMEMBER", "z", "x"],
      ["ZRANDMEMBER", "z", "1", "FOO"],
      ["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
      ["ZRANDMEMBER", "z", "-9223372036854775808"],
      ["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"],
      ["ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"],
      ["ZRANDMEMBER", "nosuch", "x"],
      ["SET", "str", "v"],
      ["ZRANDMEMBER", "str"],
      ["ZRANDMEMBER", "str", "2"],
      ["ZRANDMEMBER", "str", "2", "WITHSCORES"],
      ["!HELLO", "3"],
      ["ZRANDMEMBER", "z", "10", "WITHSCORES"],
      ["ZRANDMEMBER", "z", "10"],
    ]);
  });
});

async function pairs(c: RawClient, ...args: (string | number)[]): Promise<[string, string][]> {
  const flat = await c.call("ZRANDMEMBER", ...args, "WITHSCORES") as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

Deno.test("ZRANDMEMBER: every strategy case in both encodings", async () => {
  await withServer(async (_srv, c) => {
    for (const n of [100, 1000]) {
      await c.call("DEL", "z");
      const score = (i: number) => String(i / 2);
      for (let i = 0; i < n; i += 250) {
        const args: string[] = [];
        for (let j = i; j < Math.min(n, i + 250); j++) args.push(score(j), `m${j}`);
        await c.call("ZADD", "z", ...args);
      }
      assert.equal(await c.call("OBJECT", "ENCODING", "z"), n > 128 ? "skiplist" : "listpack");
      for (const count of [1, 2, Math.floor(n / 4), Math.floor(n / 2), n - 1, n, n + 7]) {
        const got = await pairs(c, "z", count);
        assert.equal(got.length, Math.min(count, n));
        assert.equal(new Set(got.map((e) => e[0])).size, got.length, `distinct, count ${count}`);
        for (const [m, s] of got) assert.equal(s, score(Number(m.slice(1))));
        const plain = await c.call("ZRANDMEMBER", "z", count) as string[];
        assert.equal(new Set(plain).size, Math.min(count, n));
      }
      const rep = await pairs(c, "z", -3 * n);
      assert.equal(rep.length, 3 * n);
      for (const [m, s] of rep) assert.equal(s, score(Number(m.slice(1))));
      assert.ok(new Set(rep.map((e) => e[0])).size < rep.length);
      const one = await c.call("ZRANDMEMBER", "z") as string;
      assert.ok(one.startsWith("m"));
    }
    // Uniformity: 10 members, 20000 draws.
    await c.call("DEL", "u");
    await c.call("ZADD", "u", ...Array.from({ length: 10 }, (_, i) => [String(i), `k${i}`]).flat());
    const hits = new Map<string, number>();
    for (const m of await c.call("ZRANDMEMBER", "u", -20000) as string[]) hits.set(m, (hits.get(m) ?? 0) + 1);
    assert.equal(hits.size, 10);
    for (const [m, k] of hits) assert.ok(k > 1500 && k < 2500, `${m}: ${k}`);
  });
});
