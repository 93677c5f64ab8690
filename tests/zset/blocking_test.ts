/**
 * BZPOPMIN, BZPOPMAX and BZMPOP: immediate replies and errors against redis-server 7.0 byte for byte;
 * blocking flows replayed on both servers with two connections each (a blocked client served by a
 * ZADD from another, FIFO order among blocked clients, keys holding another type, several keys,
 * RESP3) comparing the blocked client's reply; timeouts.
 */
import assert from "node:assert/strict";
import { type Pair, same, withPair } from "../set/helpers.ts";
import { RawClient } from "../helpers/resp.ts";

Deno.test("BZPOPMIN/BZPOPMAX/BZMPOP: immediate replies and errors match redis-server", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
      ["ZADD", "y", "5", "q"],
      ["BZPOPMIN", "z", "0"],
      ["BZPOPMAX", "nosuch", "z", "0"],
      ["BZMPOP", "0", "2", "nosuch", "z", "MIN", "COUNT", "5"],
      ["EXISTS", "z"],
      ["BZMPOP", "1", "1", "y", "MAX"],
      ["ZADD", "z", "1", "a"],
      ["BZPOPMIN", "z", "-1"],
      ["BZPOPMIN", "z", "x"],
      ["BZMPOP", "0", "0", "z", "MIN"],
      ["BZMPOP", "0", "1", "z", "FOO"],
      ["BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"],
      ["BZMPOP", "x", "1", "z", "MIN"],
      ["BZMPOP", "-1", "1", "z", "MIN"],
      ["SET", "str", "v"],
      ["BZPOPMIN", "str", "0"],
      ["BZPOPMIN", "nosuch", "str", "0"],
      ["BZMPOP", "0", "2", "str", "z", "MIN"],
      ["!HELLO", "3"],
      ["ZADD", "r", "1.5", "a", "2", "b"],
      ["BZPOPMIN", "r", "0"],
      ["BZMPOP", "0", "1", "r", "MAX", "COUNT", "3"],
    ]);
    // Redis 8.2 checks the timeout against LLONG_MAX ms (7.0 let it overflow into "negative").
    assert.deepEqual(await p.our.call("BZPOPMIN", "z", "1e300"), { error: "ERR timeout is out of range" });
  });
});

/** A second connection to each server of the pair. */
async function others(p: Pair): Promise<[RawClient, RawClient]> {
  return [await RawClient.connect(p.ours.port), await RawClient.connect(p.oracle.port)];
}

/** Sends `argv` on both blocking connections without waiting for replies. */
async function sendBoth(a: [RawClient, RawClient], ...argv: string[]): Promise<void> {
  await Promise.all([a[0].send(...argv), a[1].send(...argv)]);
}

/** Reads one reply on both and asserts they are identical. */
async function sameReply(a: [RawClient, RawClient], what: string): Promise<string> {
  const [x, y] = await Promise.all([a[0].readRaw(), a[1].readRaw()]);
  assert.equal(x, y, what);
  return x;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("BZPOPMIN/BZMPOP: blocked clients are served by later writes, in FIFO order", async () => {
  await withPair(async (p) => {
    const b1 = await others(p);
    const b2 = await others(p);
    try {
      // Served by a ZADD on one of several keys.
      await sendBoth(b1, "BZPOPMIN", "k1", "k2", "0");
      await pause(50);
      await same(p, [["ZADD", "k2", "3", "x", "1", "y"]]);
      assert.equal(await sameReply(b1, "BZPOPMIN served"), "*3\r\n$2\r\nk2\r\n$1\r\ny\r\n$1\r\n1\r\n");
      await same(p, [["ZRANGE", "k2", "0", "-1", "WITHSCORES"]]);

      // FIFO: the first blocked client gets the first element.
      await sendBoth(b1, "BZPOPMAX", "q", "0");
      await pause(30);
      await sendBoth(b2, "BZMPOP", "0", "1", "q", "MIN", "COUNT", "2");
      await pause(50);
      await same(p, [["ZADD", "q", "1", "a", "2", "b", "3", "c"]]);
      await sameReply(b1, "first blocked client");
      await sameReply(b2, "second blocked client");
      await same(p, [["EXISTS", "q"]]);

      // A key that gets another type does not serve the client; a later sorted set does.
      await sendBoth(b1, "BZPOPMIN", "t", "0");
      await pause(50);
      await same(p, [["SET", "t", "string"], ["DEL", "t"], ["ZADD", "t", "7", "m"]]);
      await sameReply(b1, "served after a type change");

      // BZMPOP blocked on two keys is served by the second one.
      await sendBoth(b1, "BZMPOP", "0", "2", "u1", "u2", "MAX");
      await pause(50);
      await same(p, [["ZADD", "u2", "1", "a"]]);
      await sameReply(b1, "BZMPOP served");

      // RESP3 replies of a served client.
      await sendBoth(b2, "HELLO", "3");
      await Promise.all([b2[0].readRaw(), b2[1].readRaw()]);
      await sendBoth(b2, "BZPOPMIN", "v", "0");
      await pause(50);
      await same(p, [["ZADD", "v", "2.5", "m"]]);
      await sameReply(b2, "RESP3 BZPOPMIN");
    } finally {
      for (const c of [...b1, ...b2]) c.close();
    }
  });
});

Deno.test("BZPOPMIN/BZMPOP: timeouts reply a null array", async () => {
  await withPair(async (p) => {
    const b = await others(p);
    try {
      const t0 = Date.now();
      await sendBoth(b, "BZPOPMIN", "none", "0.2");
      assert.equal(await sameReply(b, "timeout"), "*-1\r\n");
      assert.ok(Date.now() - t0 >= 150, `${Date.now() - t0} ms`);
      await sendBoth(b, "BZMPOP", "0.1", "1", "none", "MIN");
      assert.equal(await sameReply(b, "BZMPOP timeout"), "*-1\r\n");
      // The connection keeps working afterwards.
      await sendBoth(b, "PING");
      await sameReply(b, "PING after timeout");
    } finally {
      for (const c of b) c.close();
    }
  });
});
