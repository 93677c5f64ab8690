/**
 * SPOP, SRANDMEMBER and SSCAN. Their output is random or order-dependent, so they are checked by
 * properties (counts, distinctness, membership, repetition for negative counts, every member reachable,
 * rough uniformity, what remains after a pop) in every encoding and for each of Redis's strategy
 * cases, and differentially against redis-server for everything deterministic: errors, empty and
 * missing keys, counts at and beyond the size, and intset SSCAN (whole set, cursor 0).
 */
import assert from "node:assert/strict";
import { same, withPair } from "./helpers.ts";
import { withServer } from "../helpers/server.ts";
import type { RawClient } from "../helpers/resp.ts";

const strs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const ints = (n: number) => Array.from({ length: n }, (_, i) => String(i * 3 - 50));

Deno.test("SPOP/SRANDMEMBER/SSCAN: deterministic replies and errors match redis-server", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SADD", "i", "5", "1", "3"],
      ["SRANDMEMBER", "i", "0"],
      ["SRANDMEMBER", "i", "3"],
      ["SRANDMEMBER", "i", "100"],
      ["SRANDMEMBER", "nosuch"],
      ["SRANDMEMBER", "nosuch", "5"],
      ["SRANDMEMBER", "nosuch", "-5"],
      ["SRANDMEMBER", "i", "x"],
      ["SRANDMEMBER", "i", "1.5"],
      ["SRANDMEMBER", "i", "-9223372036854775808"],
      ["SRANDMEMBER", "i", "-9223372036854775807", "x"],
      ["SRANDMEMBER", "i", "1", "2"],
      ["SPOP", "i", "-1"],
      ["SPOP", "i", "x"],
      ["SPOP", "i", "1", "2"],
      ["SPOP", "nosuch"],
      ["SPOP", "nosuch", "2"],
      ["SPOP", "i", "0"],
      ["SPOP", "i", "3"],
      ["EXISTS", "i"],
      ["SADD", "j", "1"],
      ["SPOP", "j"],
      ["EXISTS", "j"],
      ["SET", "str", "x"],
      ["SPOP", "str"],
      ["SPOP", "str", "1"],
      ["SRANDMEMBER", "str"],
      ["SRANDMEMBER", "str", "2"],
      ["SADD", "s", "7", "-2", "11", "0"],
      ["SSCAN", "s", "0"],
      ["SSCAN", "s", "12345"],
      ["SSCAN", "s", "0", "MATCH", "1*"],
      ["SSCAN", "s", "0", "COUNT", "1"],
      ["SSCAN", "s", "0", "COUNT", "0"],
      ["SSCAN", "s", "0", "COUNT", "x"],
      ["SSCAN", "s", "0", "TYPE", "set"],
      ["SSCAN", "s", "0", "MATCH"],
      ["SSCAN", "s", "x"],
      ["SSCAN", "nosuch", "0"],
      ["SSCAN", "nosuch", "0", "COUNT", "0"],
      ["SSCAN", "nosuch", "x"],
      ["SSCAN", "str", "0"],
      ["SADD", "l", "a", "b", "c"],
      ["~scanSSCAN", "l", "0"],
      ["~scanSSCAN", "l", "0", "MATCH", "[ab]"],
    ]);
    // Redis 8.2's string2ull rejects negative cursors (7.0's strtoul wrapped them).
    assert.deepEqual(await p.our.call("SSCAN", "s", "-1"), { error: "ERR invalid cursor" });
    // Redis 7.4+ knows NOVALUES and rejects it outside HSCAN (7.0 says "syntax error").
    assert.deepEqual(await p.our.call("SSCAN", "s", "0", "NOVALUES"), {
      error: "ERR NOVALUES option can only be used in HSCAN",
    });
  });
});

/** Asserts `got` are distinct members of `all`. */
function assertDistinctSubset(got: string[], all: Set<string>, what: string): void {
  assert.equal(new Set(got).size, got.length, `${what}: duplicates in ${got}`);
  for (const m of got) assert.ok(all.has(m), `${what}: ${m} is not a member`);
}

async function loadSet(c: RawClient, key: string, members: string[]): Promise<Set<string>> {
  await c.call("DEL", key);
  for (let i = 0; i < members.length; i += 500) await c.call("SADD", key, ...members.slice(i, i + 500));
  return new Set(members);
}

Deno.test("SRANDMEMBER: every strategy case in every encoding", async () => {
  await withServer(async (_srv, c) => {
    const shapes: [string, string[]][] = [
      ["intset", ints(100)],
      ["listpack", strs("m", 100)],
      ["hashtable", strs("m", 1000)],
    ];
    for (const [encoding, members] of shapes) {
      const all = await loadSet(c, "s", members);
      assert.equal(await c.call("OBJECT", "ENCODING", "s"), encoding);
      const n = members.length;
      for (const count of [1, 2, Math.floor(n / 4), Math.floor(n / 2), n - 1, n, n + 5]) {
        const got = await c.call("SRANDMEMBER", "s", count) as string[];
        assert.equal(got.length, Math.min(count, n), `${encoding} count ${count}`);
        assertDistinctSubset(got, all, `${encoding} count ${count}`);
      }
      const many = await c.call("SRANDMEMBER", "s", -5 * n) as string[];
      assert.equal(many.length, 5 * n);
      for (const m of many) assert.ok(all.has(m));
      // With repetition allowed, 5n draws from n members repeat some and reach most.
      assert.ok(new Set(many).size < many.length);
      assert.ok(new Set(many).size > n / 2, `${encoding}: ${new Set(many).size} distinct of ${n}`);
      const one = await c.call("SRANDMEMBER", "s");
      assert.ok(all.has(one as string));
      assert.equal(await c.call("SCARD", "s"), n);
    }
  });
});

Deno.test("SRANDMEMBER: roughly uniform", async () => {
  await withServer(async (_srv, c) => {
    await c.call("SADD", "s", ...strs("m", 10));
    const hits = new Map<string, number>();
    for (const m of await c.call("SRANDMEMBER", "s", -20000) as string[]) hits.set(m, (hits.get(m) ?? 0) + 1);
    assert.equal(hits.size, 10);
    for (const [m, n] of hits) assert.ok(n > 1500 && n < 2500, `${m} drawn ${n} times of 20000`);
    // Distinct samples: each member appears in about half of the 5-of-10 draws.
    const seen = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      for (const m of await c.call("SRANDMEMBER", "s", 5) as string[]) seen.set(m, (seen.get(m) ?? 0) + 1);
    }
    for (const [m, n] of seen) assert.ok(n > 120 && n < 280, `${m} in ${n} of 400 samples`);
  });
});

Deno.test("SPOP: every strategy case in every encoding, remainder consistent", async () => {
  await withServer(async (_srv, c) => {
    const shapes: [string, string[]][] = [
      ["intset", ints(120)],
      ["listpack", strs("m", 120)],
      ["hashtable", strs("m", 1200)],
    ];
    for (const [encoding, members] of shapes) {
      const n = members.length;
      for (const count of [1, 10, Math.floor(n / 2), n - 10, n - 1, n, n + 3]) {
        const all = await loadSet(c, "s", members);
        assert.equal(await c.call("OBJECT", "ENCODING", "s"), encoding);
        const got = await c.call("SPOP", "s", count) as string[];
        assert.equal(got.length, Math.min(count, n));
        assertDistinctSubset(got, all, `${encoding} SPOP ${count}`);
        const rest = count >= n ? [] : await c.call("SMEMBERS", "s") as string[];
        assert.equal(rest.length, n - got.length);
        const union = new Set([...got, ...rest]);
        assert.equal(union.size, n, `${encoding} SPOP ${count}: popped and remaining overlap or lose members`);
        assert.equal(await c.call("EXISTS", "s"), count >= n ? 0 : 1);
        for (const m of got) assert.equal(await c.call("SISMEMBER", "s", m), 0);
      }
      // Popping one at a time drains the set and deletes the key.
      const all = await loadSet(c, "s", members.slice(0, 30));
      const popped = new Set<string>();
      for (let i = 0; i < 30; i++) popped.add(await c.call("SPOP", "s") as string);
      assert.deepEqual(popped, all);
      assert.equal(await c.call("EXISTS", "s"), 0);
    }
  });
});

Deno.test("SSCAN: a hashtable scan returns every member, also while the set changes", async () => {
  await withServer(async (_srv, c) => {
    const members = strs("m", 1000);
    await c.call("SADD", "s", ...members);
    const seen = new Set<string>();
    let cursor = "0";
    let calls = 0;
    const removed = new Set<string>();
    do {
      const [next, batch] = await c.call("SSCAN", "s", cursor, "COUNT", "50") as [string, string[]];
      for (const m of batch) seen.add(m);
      cursor = next;
      calls++;
      // Churn: members added and removed during the scan must not hide the stable ones.
      await c.call("SADD", "s", `new${calls}`);
      await c.call("SREM", "s", `m${calls * 7}`);
      removed.add(`m${calls * 7}`);
    } while (cursor !== "0");
    assert.ok(calls >= 15, `${calls} calls`);
    for (const m of members) if (!removed.has(m)) assert.ok(seen.has(m), `${m} missed`);
    const matched: string[] = [];
    cursor = "0";
    do {
      const [next, batch] = await c.call("SSCAN", "s", cursor, "MATCH", "m1?", "COUNT", "100") as [string, string[]];
      matched.push(...batch);
      cursor = next;
    } while (cursor !== "0");
    assert.deepEqual(new Set(matched), new Set(strs("m1", 10).filter((m) => !removed.has(m))));
  });
});
