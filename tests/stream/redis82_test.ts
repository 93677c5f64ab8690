/**
 * Redis 8.2 stream additions (not in the 7.0 oracle, asserted from the 8.2 command docs): XDELEX and
 * XACKDEL with KEEPREF / DELREF / ACKED, and the same reference policies on XADD / XTRIM trimming.
 * An entry is "referenced" while some group has not been delivered it yet or holds it in its PEL.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import type { RawClient } from "../helpers/resp.ts";

async function setup(c: RawClient): Promise<void> {
  for (let i = 1; i <= 5; i++) await c.call("XADD", "s", `${i}-1`, "f", String(i));
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  // 1-1 and 2-1 delivered (pending), 3-1..5-1 not delivered yet.
  await c.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">");
}

Deno.test("XDELEX: KEEPREF (default), DELREF, ACKED and argument errors", async () => {
  await withServer(async (_srv, c) => {
    await setup(c);
    assert.deepEqual(await c.call("XDELEX", "s", "ACKED", "IDS", "3", "1-1", "3-1", "9-9"), [2, 2, -1]);
    assert.equal(await c.call("XACK", "s", "g", "1-1"), 1);
    assert.deepEqual(await c.call("XDELEX", "s", "ACKED", "IDS", "1", "1-1"), [1]);
    // KEEPREF: deleted, the PEL keeps its reference (a dangling one).
    assert.deepEqual(await c.call("XDELEX", "s", "IDS", "1", "2-1"), [1]);
    assert.deepEqual(await c.call("XPENDING", "s", "g"), [1, "2-1", "2-1", [["c1", "1"]]]);
    // History read shows the dangling reference as a nil entry.
    assert.equal(
      await c.callRaw("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"),
      "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*-1\r\n",
    );
    // DELREF: deleted and removed from every PEL.
    await c.call("XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", "s", ">"); // 3-1 to c2
    assert.deepEqual(await c.call("XDELEX", "s", "DELREF", "IDS", "2", "3-1", "3-1"), [1, -1]);
    assert.deepEqual(await c.call("XPENDING", "s", "g", "-", "+", "10", "c2"), []);
    assert.equal(await c.call("XLEN", "s"), 2);
    const info = await c.call("XINFO", "STREAM", "s") as unknown[];
    assert.equal(info[info.indexOf("max-deleted-entry-id") + 1], "3-1");
    assert.equal(info[info.indexOf("recorded-first-entry-id") + 1], "4-1");
    // A missing key: every ID is -1.
    assert.deepEqual(await c.call("XDELEX", "nokey", "IDS", "2", "1-1", "2-2"), [-1, -1]);
    // Errors.
    assert.deepEqual(await c.call("XDELEX", "s", "IDS", "0", "1-1"), {
      error: "ERR Number of IDs must be a positive integer",
    });
    assert.deepEqual(await c.call("XDELEX", "s", "IDS", "2", "1-1"), {
      error: "ERR The `numids` parameter must match the number of arguments",
    });
    assert.deepEqual(await c.call("XDELEX", "s", "FOO", "IDS", "1", "1-1"), { error: "ERR syntax error" });
    assert.deepEqual(await c.call("XDELEX", "s", "IDS", "1", "bad"), {
      error: "ERR Invalid stream ID specified as stream command argument",
    });
    await c.call("SET", "str", "x");
    assert.match((await c.call("XDELEX", "str", "IDS", "1", "1-1") as { error: string }).error, /^WRONGTYPE/);
  });
});

Deno.test("XACKDEL: acknowledges in the group then deletes per policy", async () => {
  await withServer(async (_srv, c) => {
    await setup(c);
    await c.call("XGROUP", "CREATE", "s", "other", "0");
    // ACKED: acked in g, but group `other` has not read 1-1 yet → kept (2).
    assert.deepEqual(await c.call("XACKDEL", "s", "g", "ACKED", "IDS", "1", "1-1"), [2]);
    assert.deepEqual(await c.call("XPENDING", "s", "g"), [1, "2-1", "2-1", [["c1", "1"]]]);
    assert.equal(await c.call("XLEN", "s"), 5);
    // KEEPREF (default): acked in g and deleted even though `other` still needs it.
    assert.deepEqual(await c.call("XACKDEL", "s", "g", "IDS", "2", "2-1", "9-9"), [1, -1]);
    assert.deepEqual(await c.call("XPENDING", "s", "g"), [0, null, null, null]);
    // DELREF: also removes other groups' references.
    await c.call("XREADGROUP", "GROUP", "other", "o1", "STREAMS", "s", ">");
    assert.deepEqual(await c.call("XACKDEL", "s", "g", "DELREF", "IDS", "1", "4-1"), [1]);
    const p = await c.call("XPENDING", "s", "other", "-", "+", "10") as string[][];
    assert.deepEqual(p.map((r) => r[0]), ["1-1", "3-1", "5-1"]);
    assert.match(
      (await c.call("XACKDEL", "s", "nog", "IDS", "1", "1-1") as { error: string }).error,
      /^NOGROUP No such key 's' or consumer group 'nog'/,
    );
    assert.deepEqual(await c.call("XACKDEL", "s", "g", "IDS", "x", "1-1"), {
      error: "ERR Number of IDs must be a positive integer",
    });
  });
});

Deno.test("XADD/XTRIM reference policies: ACKED keeps referenced entries, DELREF clears PELs", async () => {
  await withServer(async (_srv, c) => {
    await setup(c);
    // ACKED: 1-1, 2-1 pending, 3-1.. not delivered → nothing can go.
    assert.equal(await c.call("XTRIM", "s", "MAXLEN", "0", "ACKED"), 0);
    assert.equal(await c.call("XACK", "s", "g", "1-1"), 1);
    assert.equal(await c.call("XTRIM", "s", "MAXLEN", "0", "ACKED"), 1);
    assert.deepEqual((await c.call("XRANGE", "s", "-", "+") as string[][]).map((e) => e[0]), [
      "2-1",
      "3-1",
      "4-1",
      "5-1",
    ]);
    // Deliver everything and ack 3-1 and 4-1: ACKED trimming skips the pending 2-1.
    await c.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">");
    assert.equal(await c.call("XACK", "s", "g", "3-1", "4-1"), 2);
    assert.equal(await c.call("XTRIM", "s", "MAXLEN", "1", "ACKED"), 2);
    assert.deepEqual((await c.call("XRANGE", "s", "-", "+") as string[][]).map((e) => e[0]), ["2-1", "5-1"]);
    // XADD with MINID and DELREF: trims 2-1 and drops its PEL reference.
    assert.equal(await c.call("XADD", "s", "MINID", "5", "DELREF", "6-1", "f", "6"), "6-1");
    assert.deepEqual((await c.call("XRANGE", "s", "-", "+") as string[][]).map((e) => e[0]), ["5-1", "6-1"]);
    assert.deepEqual((await c.call("XPENDING", "s", "g", "-", "+", "10") as unknown[][]).map((r) => [r[0], r[3]]), [
      ["5-1", 1],
    ]);
    // KEEPREF (default) trimming leaves the dangling reference.
    assert.equal(await c.call("XTRIM", "s", "MAXLEN", "0"), 2);
    assert.deepEqual(await c.call("XPENDING", "s", "g"), [1, "5-1", "5-1", [["c1", "1"]]]);
    // 8.2 lets a policy word be the only option: still no trimming strategy.
    assert.deepEqual(await c.call("XTRIM", "s", "KEEPREF", "ACKED"), {
      error: "ERR syntax error, XTRIM must be called with a trimming strategy",
    });
    // Without groups ACKED trims like KEEPREF.
    for (let i = 1; i <= 3; i++) await c.call("XADD", "t", `${i}-1`, "f", "v");
    assert.equal(await c.call("XTRIM", "t", "MAXLEN", "1", "ACKED"), 2);
  });
});

// Redis 7.2+ (t_stream.c xclaimCommand / xautoclaimCommand): the claiming consumer is looked up and
// created before anything is claimed (after argument errors); 7.0 created it only when
// an entry was claimed, so this is asserted here rather than against the oracle.
Deno.test("XCLAIM / XAUTOCLAIM create the claiming consumer even when nothing is claimed (7.2+)", async () => {
  await withServer(async (_srv, c) => {
    await setup(c);
    const names = async () =>
      ((await c.call("XINFO", "CONSUMERS", "s", "g")) as unknown[][]).map((r) => r[r.indexOf("name") + 1]);
    assert.deepEqual(await names(), ["c1"]);
    // Nothing claimable: 1-1 is far from idle enough, 9-9 is not pending.
    assert.deepEqual(await c.call("XCLAIM", "s", "g", "newc", "3600000", "1-1", "9-9"), []);
    assert.deepEqual(await names(), ["c1", "newc"]);
    assert.deepEqual(await c.call("XAUTOCLAIM", "s", "g", "auto", "3600000", "0", "JUSTID"), ["0-0", [], []]);
    assert.deepEqual(await names(), ["auto", "c1", "newc"]);
    // Errors come first: a bad option creates nobody.
    assert.match(await c.callRaw("XCLAIM", "s", "g", "bad", "0", "1-1", "RETRYCOUNT", "x"), /^-ERR /);
    assert.deepEqual(await names(), ["auto", "c1", "newc"]);
    assert.equal((await c.call("XPENDING", "s", "g"))?.toString(), [2, "1-1", "2-1", [["c1", "2"]]].toString());
  });
});
