/**
 * XADD `*` IDs and their replies: the auto ID steps from the last generated one without decoding it,
 * and the reply's millisecond digits are reused between replies, so both must follow every other way
 * the last ID changes (explicit IDs, XSETID, other streams, huge parts) and always match XRANGE.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import type { RawClient } from "../helpers/resp.ts";

/** The last entry's ID of `key` as XRANGE reports it. */
async function lastId(c: RawClient, key: string): Promise<string> {
  const r = await c.call("XREVRANGE", key, "+", "-", "COUNT", "1") as [string, string[]][];
  return r[0][0];
}

/** Splits "ms-seq" into BigInts. */
function parts(id: string): [bigint, bigint] {
  const [ms, seq] = id.split("-");
  return [BigInt(ms), BigInt(seq)];
}

Deno.test("XADD *: replies match the stored IDs across explicit IDs, XSETID and other streams", async () => {
  await withServer(async (_srv, c) => {
    // A burst within (mostly) one millisecond: strictly increasing, each reply the stored ID.
    const burst: string[] = [];
    for (let i = 0; i < 300; i++) burst.push(await c.call("XADD", "s", "*", "f", String(i)) as string);
    for (let i = 1; i < burst.length; i++) {
      const [am, as] = parts(burst[i - 1]), [bm, bs] = parts(burst[i]);
      assert.ok(bm > am || (bm === am && bs === as + 1n), `${burst[i - 1]} then ${burst[i]}`);
    }
    assert.equal(burst.at(-1), await lastId(c, "s"));

    // An explicit ID far in the future: `*` continues from it (sequence + 1), whatever was cached.
    const future = "99999999999999-5";
    assert.equal(await c.call("XADD", "s", future, "f", "x"), future);
    assert.equal(await c.call("XADD", "s", "*", "f", "y"), "99999999999999-6");
    assert.equal(await lastId(c, "s"), "99999999999999-6");

    // Another stream in between (the reply cache is shared): its own clock-based IDs.
    const t = await c.call("XADD", "t", "*", "f", "1") as string;
    assert.ok(parts(t)[0] < 99999999999999n);
    assert.equal(await c.call("XADD", "s", "*", "f", "z"), "99999999999999-7");
    assert.equal(await lastId(c, "t"), t);

    // XSETID moves the last ID (same ms, larger seq, then a sequence past 2^53).
    assert.equal(await c.call("XSETID", "s", "99999999999999-1000"), "OK");
    assert.equal(await c.call("XADD", "s", "*", "f", "w"), "99999999999999-1001");
    assert.equal(await c.call("XSETID", "s", "99999999999999-18446744073709551614"), "OK");
    assert.equal(await c.call("XADD", "s", "*", "f", "v"), "99999999999999-18446744073709551615");
    assert.equal(await c.call("XADD", "s", "*", "f", "u"), "100000000000000-0");
    assert.equal(await lastId(c, "s"), "100000000000000-0");

    // Replies with ms parts of every digit count stay exact (digits cached per ms value).
    for (const ms of ["1", "9", "10", "2147483647", "2147483648", "4294967296", "9007199254740991"]) {
      await c.call("DEL", "d");
      assert.equal(await c.call("XADD", "d", `${ms}-*`, "f", "1"), `${ms}-0`);
      assert.equal(await c.call("XADD", "d", `${ms}-*`, "f", "2"), `${ms}-1`);
      const auto = await c.call("XADD", "d", "*", "f", "3") as string;
      assert.equal(auto, await lastId(c, "d"));
      // Above the clock (the last two), `*` steps the sequence; below it, it takes the clock's ms.
      if (BigInt(ms) > BigInt(Date.now()) + 1000000n) assert.equal(auto, `${ms}-2`);
      else assert.equal(parts(auto)[1], 0n);
    }
  });
});
