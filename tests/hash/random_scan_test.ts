/**
 * HRANDFIELD and HSCAN: argument errors and deterministic replies against redis-server byte for byte
 * (the whole-hash case of HRANDFIELD, listpack HSCAN pages), and the properties of the random cases
 * (sizes, uniqueness, values matching fields, listpack order, every field eventually drawn), plus
 * HSCAN's guarantee on a hashtable mutated during the iteration.
 */
import assert from "node:assert/strict";
import { prng, same, withPair } from "./helpers.ts";
import { withServer } from "../helpers/server.ts";
import type { RawClient } from "../helpers/resp.ts";

Deno.test("hash: HRANDFIELD errors and deterministic replies match redis", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["HSET", "h", "a", "1", "b", "2", "c", "3"],
      ["SET", "str", "x"],
      ["HRANDFIELD", "nokey"],
      ["HRANDFIELD", "nokey", "3"],
      ["HRANDFIELD", "nokey", "-3", "WITHVALUES"],
      ["HRANDFIELD", "str"],
      ["HRANDFIELD", "str", "1"],
      ["HRANDFIELD", "h", "x"],
      ["HRANDFIELD", "h", "1.5"],
      ["HRANDFIELD", "h", "-9223372036854775808"],
      ["HRANDFIELD", "h", "9223372036854775808"],
      ["HRANDFIELD", "h", "1", "withvalue"],
      ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
      ["HRANDFIELD", "h", "x", "bad"],
      ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
      ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
      ["HRANDFIELD", "h", "0"],
      ["HRANDFIELD", "h", "0", "WITHVALUES"],
      ["HRANDFIELD", "h", "3"],
      ["HRANDFIELD", "h", "10", "WITHVALUES"],
      ["HRANDFIELD", "h", "3", "withvalues"],
      ["HRANDFIELD"],
      ["!HELLO", "3"],
      ["HRANDFIELD", "h", "5", "WITHVALUES"],
      ["HRANDFIELD", "nokey"],
      ["HRANDFIELD", "nokey", "2"],
      ["HSET", "one", "only", "v"],
      ["HRANDFIELD", "one"],
      ["HRANDFIELD", "one", "-2", "WITHVALUES"],
      ["HRANDFIELD", "one", "1", "WITHVALUES"],
    ]);
  });
});

/** Asserts a HRANDFIELD reply (RESP2 flat or RESP3 nested) against the expected hash. */
function checkSample(reply: unknown, hash: Map<string, string>, withValues: boolean, resp3: boolean): string[] {
  assert.ok(Array.isArray(reply));
  const fields: string[] = [];
  if (withValues && resp3) {
    for (const pair of reply as unknown[]) {
      assert.ok(Array.isArray(pair) && pair.length === 2);
      assert.equal(hash.get(pair[0] as string), pair[1]);
      fields.push(pair[0] as string);
    }
  } else if (withValues) {
    assert.equal(reply.length % 2, 0);
    for (let i = 0; i < reply.length; i += 2) {
      assert.equal(hash.get(reply[i] as string), reply[i + 1]);
      fields.push(reply[i] as string);
    }
  } else {
    for (const f of reply as string[]) {
      assert.ok(hash.has(f), `unknown field ${f}`);
      fields.push(f);
    }
  }
  return fields;
}

async function exerciseRandom(c: RawClient, key: string, size: number, resp3: boolean): Promise<void> {
  const hash = new Map<string, string>();
  const order: string[] = [];
  const args: string[] = [];
  for (let i = 0; i < size; i++) {
    hash.set(`f${i}`, `v${i}`);
    order.push(`f${i}`);
    args.push(`f${i}`, `v${i}`);
  }
  await c.call("HSET", key, ...args);
  const listpack = (await c.call("OBJECT", "ENCODING", key)) === "listpack";
  for (const count of [1, 2, Math.floor(size / 4) + 1, Math.floor(size / 2), size - 1, size, size + 5]) {
    for (const withValues of [false, true]) {
      const seen = new Set<string>();
      // Enough draws that missing a field of a uniform sampler is vanishingly rare (< e^-25 per field).
      const rounds = Math.max(30, Math.ceil((25 * size) / count));
      for (let round = 0; round < rounds; round++) {
        const argv = ["HRANDFIELD", key, String(count), ...(withValues ? ["WITHVALUES"] : [])];
        const fields = checkSample(await c.call(...argv), hash, withValues, resp3);
        assert.equal(fields.length, Math.min(count, size), `count ${count}`);
        assert.equal(new Set(fields).size, fields.length, `unique sample for count ${count}`);
        if (listpack || count >= size) {
          // Listpack samples (and whole-hash replies) come in the hash's own order.
          const idx = fields.map((f) => order.indexOf(f));
          if (listpack) assert.deepEqual(idx, [...idx].sort((a, b) => a - b));
        }
        for (const f of fields) seen.add(f);
      }
      assert.equal(seen.size, size, `every field drawn with count ${count}`);
    }
  }
  // Negative counts: repetitions allowed, exact length, random order.
  for (const withValues of [false, true]) {
    const argv = ["HRANDFIELD", key, String(-3 * size), ...(withValues ? ["WITHVALUES"] : [])];
    const fields = checkSample(await c.call(...argv), hash, withValues, resp3);
    assert.equal(fields.length, 3 * size);
    assert.ok(new Set(fields).size > 1);
  }
  // No count: one field as a bulk string; every field comes up eventually.
  const seen = new Set<string>();
  for (let i = 0; i < 40 * size && seen.size < size; i++) seen.add((await c.call("HRANDFIELD", key)) as string);
  assert.equal(seen.size, size);
}

Deno.test("hash: HRANDFIELD samples correctly on listpack and hashtable, RESP2 and RESP3", async () => {
  await withServer(async (_srv, c) => {
    await exerciseRandom(c, "small", 10, false);
    await exerciseRandom(c, "large", 60, false);
    await c.call("HELLO", "3");
    await exerciseRandom(c, "small3", 10, true);
    await exerciseRandom(c, "large3", 60, true);
    assert.equal(await c.call("OBJECT", "ENCODING", "large"), "hashtable");
  }, { config: { "hash-max-listpack-entries": 16 } });
});

Deno.test("hash: HSCAN errors and listpack pages match redis", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["HSET", "h", "foo", "1", "bar", "2", "baz", "3", "qux", "4"],
      ["SET", "str", "x"],
      ["HSCAN", "h", "0"],
      ["HSCAN", "h", "0", "MATCH", "ba*"],
      ["HSCAN", "h", "0", "MATCH", "*"],
      ["HSCAN", "h", "0", "COUNT", "1"],
      ["HSCAN", "h", "0", "MATCH", "nothing*", "COUNT", "100"],
      ["HSCAN", "h", "123"],
      ["HSCAN", "nokey", "0"],
      ["HSCAN", "str", "0"],
      ["HSCAN", "h", "abc"],
      ["HSCAN", "nokey", "abc"],
      ["HSCAN", "h", "0", "COUNT", "0"],
      ["HSCAN", "h", "0", "COUNT", "x"],
      ["HSCAN", "h", "0", "MATCH"],
      ["HSCAN", "h", "0", "TYPE", "string"],
      ["HSCAN", "h", "0", "BOGUS"],
      ["HSCAN", "h"],
      ["!HELLO", "3"],
      ["HSCAN", "h", "0"],
      ["HSCAN", "nokey", "0"],
    ]);
  });
});

Deno.test("hash: HSCAN NOVALUES (7.4+) and full hashtable iterations", async () => {
  await withServer(async (_srv, c) => {
    await c.call("HSET", "h", "a", "1", "b", "2");
    assert.deepEqual(await c.call("HSCAN", "h", "0", "NOVALUES"), ["0", ["a", "b"]]);
    assert.deepEqual(await c.call("HSCAN", "h", "0", "NOVALUES", "MATCH", "b"), ["0", ["b"]]);
    // Redis 8.2 parses cursors with string2ull: negative values are invalid (7.0 wrapped them).
    assert.deepEqual(await c.call("HSCAN", "h", "-1"), { error: "ERR invalid cursor" });
    const args: string[] = [];
    for (let i = 0; i < 600; i++) args.push(`f${i}`, `v${i}`);
    await c.call("HSET", "big", ...args);
    for (const noValues of [false, true]) {
      const got = new Map<string, string>();
      let cursor = "0", pages = 0;
      do {
        const r = (await c.call("HSCAN", "big", cursor, "COUNT", "20", ...(noValues ? ["NOVALUES"] : []))) as [
          string,
          string[],
        ];
        cursor = r[0];
        pages++;
        const step = noValues ? 1 : 2;
        for (let i = 0; i < r[1].length; i += step) got.set(r[1][i], noValues ? "" : r[1][i + 1]);
      } while (cursor !== "0");
      assert.equal(got.size, 600);
      assert.ok(pages >= 20, `paged (${pages} pages)`);
      if (!noValues) { for (const [f, v] of got) assert.equal(v, "v" + f.slice(1)); }
    }
    const m = (await c.call("HSCAN", "big", "0", "MATCH", "f1*", "COUNT", "1000")) as [string, string[]];
    assert.equal(m[0], "0");
    assert.equal(m[1].length / 2, 111);
  });
});

Deno.test("hash: HSCAN returns every field present for the whole iteration despite changes", async () => {
  await withServer(async (_srv, c) => {
    const rnd = prng(7);
    const args: string[] = [];
    for (let i = 0; i < 300; i++) args.push(`keep${i}`, "v");
    await c.call("HSET", "h", ...args);
    let cursor = "0", extra = 0, pages = 0;
    const seen = new Set<string>();
    do {
      const r = (await c.call("HSCAN", "h", cursor, "COUNT", "7")) as [string, string[]];
      cursor = r[0];
      pages++;
      for (let i = 0; i < r[1].length; i += 2) seen.add(r[1][i]);
      // Add and remove other fields while iterating.
      await c.call("HSET", "h", `tmp${extra++}`, "x", `tmp${extra++}`, "y");
      if (rnd() < 0.7) await c.call("HDEL", "h", `tmp${Math.floor(rnd() * extra)}`);
    } while (cursor !== "0");
    for (let i = 0; i < 300; i++) assert.ok(seen.has(`keep${i}`), `keep${i} missing`);
    assert.ok(pages > 40, `iterated in pages (${pages})`);
  }, { config: { "hash-max-listpack-entries": 16 } });
});
