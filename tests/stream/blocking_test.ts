/**
 * XREAD BLOCK and XREADGROUP BLOCK on the blocking framework: woken by XADD (on one of several keys,
 * FIFO among blocked clients), `$` pinned at blocking time, timeouts, MULTI never blocks, and the
 * 7.2+ errors given to blocked group readers when the key is deleted, the group destroyed or the key
 * changes type (the command is re-executed, as Redis 8.2 does).
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("XREAD BLOCK: served by XADD on one of several keys, `$` pinned, FIFO, timeout", async () => {
  await withServer(async (srv, c) => {
    const b1 = await RawClient.connect(srv.port);
    const b2 = await RawClient.connect(srv.port);
    try {
      await c.call("XADD", "s1", "1-1", "old", "x");
      await b1.send("XREAD", "BLOCK", "0", "STREAMS", "s1", "s2", "$", "$");
      await pause(30);
      // An unrelated write to s1 with an older-looking command does not wake with stale data.
      await c.call("XADD", "s2", "5-1", "f", "v");
      assert.deepEqual(await b1.read(), [["s2", [["5-1", ["f", "v"]]]]]);

      // `$` is pinned: entries added while blocked count, older ones do not.
      await b1.send("XREAD", "BLOCK", "0", "COUNT", "10", "STREAMS", "s1", "$");
      await b2.send("XREAD", "BLOCK", "0", "STREAMS", "s1", "$");
      await pause(30);
      await c.call("XADD", "s1", "2-1", "new", "y");
      assert.deepEqual(await b1.read(), [["s1", [["2-1", ["new", "y"]]]]]);
      assert.deepEqual(await b2.read(), [["s1", [["2-1", ["new", "y"]]]]]);

      // Timeout: a null array after roughly the given milliseconds.
      const t0 = Date.now();
      assert.equal(await c.callRaw("XREAD", "BLOCK", "100", "STREAMS", "s1", "$"), "*-1\r\n");
      const took = Date.now() - t0;
      assert.ok(took >= 90 && took < 2000, `timeout took ${took} ms`);

      // Data already there: no blocking at all.
      assert.deepEqual(await c.call("XREAD", "BLOCK", "0", "STREAMS", "s1", "1-1"), [["s1", [["2-1", ["new", "y"]]]]]);

      // MULTI never blocks.
      await c.call("MULTI");
      await c.call("XREAD", "BLOCK", "0", "STREAMS", "s1", "$");
      assert.deepEqual(await c.call("EXEC"), [null]);

      // XREAD + (7.4): the last entry.
      assert.deepEqual(await c.call("XREAD", "STREAMS", "s1", "+"), [["s1", [["2-1", ["new", "y"]]]]]);
      assert.equal(await c.callRaw("XREAD", "STREAMS", "nokey", "+"), "*-1\r\n");
    } finally {
      b1.close();
      b2.close();
    }
  });
});

Deno.test("XREADGROUP BLOCK: woken by XADD, delivers and adds to the PEL; NOGROUP/WRONGTYPE when the key goes", async () => {
  await withServer(async (srv, c) => {
    const b1 = await RawClient.connect(srv.port);
    const b2 = await RawClient.connect(srv.port);
    try {
      await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
      await b1.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
      await b2.send("XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">");
      await pause(30);
      await c.call("XADD", "s", "1-1", "f", "1");
      // FIFO: alice gets the entry; bob stays blocked (nothing new for him).
      assert.deepEqual(await b1.read(), [["s", [["1-1", ["f", "1"]]]]]);
      await pause(30);
      assert.equal(b2.pending(), "");
      await c.call("XADD", "s", "2-1", "f", "2");
      assert.deepEqual(await b2.read(), [["s", [["2-1", ["f", "2"]]]]]);
      const summary = await c.call("XPENDING", "s", "g");
      assert.deepEqual(summary, [2, "1-1", "2-1", [["alice", "1"], ["bob", "1"]]]);

      // Key deleted while blocked: the re-executed command reports NOGROUP.
      await b1.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
      await pause(30);
      await c.call("DEL", "s");
      const e1 = await b1.read() as { error: string };
      assert.match(e1.error, /^NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option/);

      // Group destroyed while blocked.
      await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
      await b1.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
      await pause(30);
      assert.equal(await c.call("XGROUP", "DESTROY", "s", "g"), 1);
      const e2 = await b1.read() as { error: string };
      assert.match(e2.error, /^NOGROUP/);

      // Key replaced by another type while blocked.
      await c.call("XGROUP", "CREATE", "s", "g", "$");
      await b1.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
      await pause(30);
      await c.call("SET", "s", "str");
      const e3 = await b1.read() as { error: string };
      assert.match(e3.error, /^WRONGTYPE/);

      // Timeout for a group reader.
      await c.call("DEL", "s");
      await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
      assert.equal(await c.callRaw("XREADGROUP", "GROUP", "g", "x", "BLOCK", "50", "STREAMS", "s", ">"), "*-1\r\n");
      // CLIENT UNBLOCK ends the wait with a null array.
      const b1id = await b1.call("CLIENT", "ID");
      await b1.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
      await pause(30);
      assert.equal(await c.call("CLIENT", "UNBLOCK", String(b1id)), 1);
      assert.equal(await b1.readRaw(), "*-1\r\n");
    } finally {
      b1.close();
      b2.close();
    }
  });
});
