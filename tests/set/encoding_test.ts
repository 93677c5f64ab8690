/**
 * Set encodings and conversions as Redis 8.2 does them (t_set.c). Redis 7.0 — our oracle — has no
 * listpack sets (small non-integer sets are hashtables there), so these expectations are written from
 * the 8.2 source: setTypeCreate's size hint, setTypeAdd's intset → listpack → hashtable moves with the
 * entries/value limits, SREM never converting back, and the results of SINTERSTORE, SUNIONSTORE,
 * SDIFFSTORE (which DIFF algorithm ran matters) and SPOP with a count.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import type { RawClient } from "../helpers/resp.ts";

const ints = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));
const strs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

async function enc(c: RawClient, key: string): Promise<unknown> {
  return await c.call("OBJECT", "ENCODING", key);
}

Deno.test("set encodings: intset, listpack and hashtable limits", async () => {
  await withServer(async (_srv, c) => {
    await c.call("SADD", "i", ...ints(0, 512));
    assert.equal(await enc(c, "i"), "intset");
    await c.call("SADD", "i", "512");
    assert.equal(await enc(c, "i"), "hashtable");

    await c.call("SADD", "i2", ...ints(0, 3));
    await c.call("SADD", "i2", "a");
    assert.equal(await enc(c, "i2"), "listpack");
    assert.deepEqual(await c.call("SMEMBERS", "i2"), ["0", "1", "2", "a"]);

    // An intset of 128 or more integers goes straight to hashtable on its first string.
    await c.call("SADD", "i3", ...ints(0, 128));
    await c.call("SADD", "i3", "a");
    assert.equal(await enc(c, "i3"), "hashtable");
    await c.call("SADD", "i4", ...ints(0, 127));
    await c.call("SADD", "i4", "a");
    assert.equal(await enc(c, "i4"), "listpack");

    await c.call("SADD", "l", ...strs("m", 128));
    assert.equal(await enc(c, "l"), "listpack");
    await c.call("SADD", "l", "m0");
    assert.equal(await enc(c, "l"), "listpack");
    await c.call("SADD", "l", "extra");
    assert.equal(await enc(c, "l"), "hashtable");

    await c.call("SADD", "v", "x".repeat(64));
    assert.equal(await enc(c, "v"), "listpack");
    await c.call("SADD", "v", "y".repeat(65));
    assert.equal(await enc(c, "v"), "hashtable");
    await c.call("SADD", "v2", "y".repeat(65));
    assert.equal(await enc(c, "v2"), "hashtable");
    await c.call("SADD", "v3", "1", "y".repeat(65));
    assert.equal(await enc(c, "v3"), "hashtable");
  });
});

Deno.test("set encodings: SADD's size hint decides up front", async () => {
  await withServer(async (_srv, c) => {
    // 129 arguments, one distinct member: the hint alone makes it a hashtable.
    await c.call("SADD", "a", ...Array(129).fill("x"));
    assert.equal(await c.call("SCARD", "a"), 1);
    assert.equal(await enc(c, "a"), "hashtable");
    await c.call("SADD", "b", ...Array(513).fill("1"));
    assert.equal(await enc(c, "b"), "hashtable");
    await c.call("SADD", "c", ...Array(129).fill("1"));
    assert.equal(await enc(c, "c"), "intset");
    // An existing listpack / intset converts when one SADD brings more than the limit.
    await c.call("SADD", "d", "x");
    await c.call("SADD", "d", ...Array(129).fill("x"));
    assert.equal(await enc(c, "d"), "hashtable");
    await c.call("SADD", "e", "1");
    await c.call("SADD", "e", ...Array(513).fill("1"));
    assert.equal(await enc(c, "e"), "hashtable");
  });
});

Deno.test("set encodings: SREM/SPOP never convert back; configured limits apply", async () => {
  await withServer(async (_srv, c) => {
    await c.call("SADD", "h", ...strs("m", 200));
    await c.call("SREM", "h", ...strs("m", 199));
    assert.equal(await c.call("SCARD", "h"), 1);
    assert.equal(await enc(c, "h"), "hashtable");
    await c.call("SADD", "l", "a", "b", "1");
    await c.call("SREM", "l", "a", "b");
    assert.equal(await enc(c, "l"), "listpack");
    assert.equal(await c.call("CONFIG", "SET", "set-max-intset-entries", "4"), "OK");
    await c.call("SADD", "i", "1", "2", "3", "4");
    assert.equal(await enc(c, "i"), "intset");
    await c.call("SADD", "i", "5");
    assert.equal(await enc(c, "i"), "hashtable");
    // An intset whose widest integer exceeds set-max-listpack-value cannot become a listpack.
    await c.call("CONFIG", "SET", "set-max-listpack-value", "3");
    await c.call("SADD", "w", "12345");
    await c.call("SADD", "w", "a");
    assert.equal(await enc(c, "w"), "hashtable");
    await c.call("SADD", "w2", "123");
    await c.call("SADD", "w2", "a");
    assert.equal(await enc(c, "w2"), "listpack");
    await c.call("CONFIG", "SET", "set-max-listpack-entries", "0");
    await c.call("SADD", "z", "a");
    assert.equal(await enc(c, "z"), "hashtable");
  });
});

Deno.test("set encodings: SINTERSTORE / SUNIONSTORE / SDIFFSTORE results", async () => {
  await withServer(async (_srv, c) => {
    // Integers coming out of hashtables and listpacks end as an intset.
    await c.call("SADD", "h1", ...ints(0, 300), "s");
    await c.call("SADD", "h2", ...ints(100, 300), "s");
    await c.call("SINTERSTORE", "r1", "h1", "h2");
    assert.equal(await c.call("SCARD", "r1"), 201);
    assert.equal(await enc(c, "r1"), "hashtable");
    await c.call("SADD", "h3", ...ints(0, 150), "t");
    await c.call("SINTERSTORE", "r2", "h1", "h3");
    assert.equal(await c.call("SCARD", "r2"), 150);
    assert.equal(await enc(c, "r2"), "intset");
    await c.call("SADD", "l1", "a", "b", "1", "2");
    await c.call("SADD", "l2", "1", "2", "c");
    await c.call("SINTERSTORE", "r3", "l1", "l2");
    assert.equal(await enc(c, "r3"), "intset");
    await c.call("SINTERSTORE", "r4", "l1", "l1");
    assert.equal(await enc(c, "r4"), "listpack");
    await c.call("SINTERSTORE", "r5", "h1", "h1");
    assert.equal(await enc(c, "r5"), "hashtable");

    // Unions start from an intset and convert as they grow.
    await c.call("SADD", "i1", "1", "2");
    await c.call("SADD", "i2", "3");
    await c.call("SUNIONSTORE", "u1", "i1", "i2");
    assert.equal(await enc(c, "u1"), "intset");
    await c.call("SUNIONSTORE", "u2", "i1", "l2");
    assert.equal(await enc(c, "u2"), "listpack");
    await c.call("SUNIONSTORE", "u3", "h1");
    assert.equal(await enc(c, "u3"), "hashtable");

    // SDIFFSTORE: algorithm 2 (first set much larger than the rest) adds the whole first set before
    // removing, so it ends a hashtable even though the result would fit a listpack.
    await c.call("SADD", "A", ...strs("m", 200));
    await c.call("SADD", "B", ...strs("m", 40));
    await c.call("SADD", "C", ...strs("m", 80).slice(40));
    assert.equal(await c.call("SDIFFSTORE", "d2", "A", "B", "C"), 120);
    assert.equal(await enc(c, "d2"), "hashtable");
    // Algorithm 1 only adds the result.
    await c.call("SADD", "D", ...strs("m", 200).slice(80));
    assert.equal(await c.call("SDIFFSTORE", "d1", "A", "D"), 80);
    assert.equal(await enc(c, "d1"), "listpack");
  });
});

Deno.test("set encodings: what remains after SPOP with a count", async () => {
  await withServer(async (_srv, c) => {
    // Remainder large: members are removed in place.
    await c.call("SADD", "h", ...strs("m", 200));
    await c.call("SPOP", "h", "100");
    assert.equal(await c.call("SCARD", "h"), 100);
    assert.equal(await enc(c, "h"), "hashtable");
    // Remainder small: the kept members move to a new listpack, even when they are integers.
    await c.call("SPOP", "h", "90");
    assert.equal(await enc(c, "h"), "listpack");
    assert.equal(await c.call("SCARD", "h"), 10);
    await c.call("SADD", "hi", ...ints(0, 600));
    await c.call("SPOP", "hi", "590");
    assert.equal(await enc(c, "hi"), "listpack");
    await c.call("SADD", "i", ...ints(0, 100));
    await c.call("SPOP", "i", "95");
    assert.equal(await enc(c, "i"), "intset");
    const left = await c.call("SMEMBERS", "i") as string[];
    assert.deepEqual(left, [...left].sort((a, b) => Number(a) - Number(b)));
    await c.call("SADD", "l", ...strs("m", 100));
    await c.call("SPOP", "l", "95");
    assert.equal(await enc(c, "l"), "listpack");
    assert.equal(await c.call("SCARD", "l"), 5);
  });
});
