/**
 * The byte-view cache of string values (types/bits.ts) never leaks an edit into another value: keys
 * holding equal strings stay independent when one of them is edited in place by SETBIT, BITFIELD,
 * PFADD or PFCOUNT (which writes its cached cardinality), including after COPY-like duplication.
 */
import assert from "node:assert/strict";
import { prng, randBytes, withServer } from "./helpers.ts";

Deno.test("bits cache: edits of one key never show through another key with the same value", async () => {
  const rnd = prng(1);
  await withServer(async (_srv, c) => {
    for (const len of [70, 500, 5000]) {
      const v = randBytes(rnd, len);
      await c.call("SET", "a", v);
      await c.call("SET", "b", v);
      const before = await c.call("BITCOUNT", "b");
      assert.equal(await c.call("BITCOUNT", "a"), before); // caches the bytes of the shared content
      const bit = (await c.call("GETBIT", "a", "3")) as number;
      await c.call("SETBIT", "a", "3", String(1 - bit));
      assert.equal(await c.call("BITCOUNT", "b"), before);
      assert.equal(await c.call("GET", "b"), v);
      await c.call("BITFIELD", "a", "INCRBY", "u8", "8", "1");
      assert.equal(await c.call("GET", "b"), v);
      assert.equal(await c.call("BITPOS", "b", "1"), await c.call("BITPOS", "b", "1", "0", "-1"));
    }
  });
});

Deno.test("bits cache: HLL edits in place never show through a copy of the value", async () => {
  await withServer(async (_srv, c) => {
    const elems = Array.from({ length: 3000 }, (_, i) => `e${i}`);
    await c.call("PFADD", "h1", ...elems); // dense
    await c.call("PFCOUNT", "h1");
    const v = (await c.call("GET", "h1")) as string;
    await c.call("SET", "h2", v);
    await c.call("SET", "h3", v);
    const card = await c.call("PFCOUNT", "h2");
    const bc = await c.call("BITCOUNT", "h2"); // reads (and caches) the bytes of the shared content
    for (let i = 0; i < 200; i++) await c.call("PFADD", "h1", `new${i}`);
    assert.equal(await c.call("GET", "h2"), v);
    assert.equal(await c.call("BITCOUNT", "h2"), bc);
    assert.equal(await c.call("PFCOUNT", "h2"), card);
    assert.equal(await c.call("PFCOUNT", "h3"), card);
    // PFCOUNT on a stale cache rewrites the header of its own key only.
    await c.call("PFADD", "h3", "zzz-new");
    await c.call("PFCOUNT", "h3");
    assert.equal(await c.call("GET", "h2"), v);
    // Sparse values: PFADD on one copy leaves the other alone.
    await c.call("PFADD", "s1", "a", "b", "c");
    const sv = (await c.call("GET", "s1")) as string;
    await c.call("SET", "s2", sv);
    await c.call("PFADD", "s1", "d", "e", "f");
    assert.equal(await c.call("GET", "s2"), sv);
    assert.equal(await c.call("PFCOUNT", "s2"), 3);
  });
});
