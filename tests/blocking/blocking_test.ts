/**
 * Blocking list commands over TCP with several concurrent connections: wake-up by pushes from other
 * clients, FIFO order between clients blocked on the same key, priority between the keys of one
 * client, timeouts (RESP2/RESP3 null shapes), disconnection while blocked, CLIENT UNBLOCK, BLMOVE
 * chains, pipelined input resumed after the wake-up, fairness with pipelines, atomic groups (as EXEC
 * runs them: a key pushed then popped wakes nobody), commandstats counted once, and the bookkeeping
 * (flags=b, INFO blocked_clients, registry empty afterwards).
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { atomically, sleep, waitBlocked } from "./helpers.ts";

Deno.test("blocking: BLPOP is woken by a push from another client", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      await b.send("BLPOP", "k1", "k2", 0);
      await waitBlocked(srv, 1);
      const list = String(await c.call("CLIENT", "LIST"));
      assert.match(list, /flags=b .*cmd=blpop/);
      assert.match(String(await c.call("INFO", "clients")), /blocked_clients:1\r\n/);
      assert.equal(await c.call("RPUSH", "k2", "a", "b"), 2);
      assert.deepEqual(await b.read(), ["k2", "a"]);
      assert.deepEqual(await c.call("LRANGE", "k2", 0, -1), ["b"]);
      await waitBlocked(srv, 0);
      assert.match(String(await c.call("INFO", "clients")), /blocked_clients:0\r\n/);
      assert.equal(srv.server.blocking.totalBlockingKeys, 0);
      // Served from the tail for BRPOP, and the key is deleted once empty.
      await b.send("BRPOP", "k3", 0);
      await waitBlocked(srv, 1);
      await c.call("RPUSH", "k3", "x", "y");
      assert.deepEqual(await b.read(), ["k3", "y"]);
      await b.send("BRPOP", "k3", 0);
      assert.deepEqual(await b.read(), ["k3", "x"]);
      assert.equal(await c.call("EXISTS", "k3"), 0);
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: clients blocked on one key are served first come, first served", async () => {
  await withServer(async (srv, c) => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => RawClient.connect(srv.port)));
    try {
      for (const [i, cl] of clients.entries()) {
        await cl.send(i % 2 === 0 ? "BLPOP" : "BRPOP", "q", 0);
        await waitBlocked(srv, i + 1);
      }
      // One push of 2 elements serves the first two clients only.
      await c.call("RPUSH", "q", "a", "b");
      assert.deepEqual(await clients[0].read(), ["q", "a"]);
      assert.deepEqual(await clients[1].read(), ["q", "b"]);
      await waitBlocked(srv, 2);
      await c.call("RPUSH", "q", "c");
      assert.deepEqual(await clients[2].read(), ["q", "c"]);
      await c.call("LPUSH", "q", "d");
      assert.deepEqual(await clients[3].read(), ["q", "d"]);
      await waitBlocked(srv, 0);
    } finally {
      for (const cl of clients) cl.close();
    }
  });
});

Deno.test("blocking: a client blocked on several keys takes its first listed key when both are ready", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      await b.send("BLPOP", "first", "second", 0);
      await waitBlocked(srv, 1);
      // Both keys become ready in one atomic unit; the command re-runs and checks its keys in order.
      atomically(srv, [["RPUSH", "second", "s"], ["RPUSH", "first", "f"]]);
      assert.deepEqual(await b.read(), ["first", "f"]);
      assert.deepEqual(await c.call("LRANGE", "second", 0, -1), ["s"]);
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: timeouts reply a null array (RESP2 and RESP3), 0 blocks forever", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      let t = Date.now();
      assert.equal(await b.callRaw("BLPOP", "none", 0.2), "*-1\r\n");
      let elapsed = Date.now() - t;
      assert.ok(elapsed >= 150 && elapsed < 2000, `timed out after ${elapsed} ms`);
      t = Date.now();
      assert.equal(await b.callRaw("BRPOPLPUSH", "none", "dst", 0.1), "*-1\r\n");
      assert.equal(await b.callRaw("BLMOVE", "none", "dst", "LEFT", "LEFT", 0.1), "*-1\r\n");
      assert.equal(await b.callRaw("BLMPOP", 0.1, 2, "none", "other", "LEFT"), "*-1\r\n");
      elapsed = Date.now() - t;
      assert.ok(elapsed >= 250, `three 100 ms timeouts took ${elapsed} ms`);
      await b.call("HELLO", 3);
      assert.equal(await b.callRaw("BRPOP", "none", 0.05), "_\r\n");
      await b.call("HELLO", 2);
      // 0 = forever: still blocked well after a short while, then served.
      await b.send("BLPOP", "none", 0);
      await sleep(300);
      assert.equal(srv.server.blocking.blockedCount, 1);
      await c.call("RPUSH", "none", "x");
      assert.deepEqual(await b.read(), ["none", "x"]);
      // A timeout under 1 ms rounds up to 1 ms, not forever.
      assert.equal(await b.callRaw("BLPOP", "none", "0.0001"), "*-1\r\n");
      assert.equal(srv.server.blocking.clientsWithTimeout, 0);
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: disconnecting while blocked cleans up; the next push is not consumed", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    const d = await RawClient.connect(srv.port);
    await b.send("BLPOP", "k", 0);
    await waitBlocked(srv, 1);
    await d.send("BLPOP", "k", 5);
    await waitBlocked(srv, 2);
    b.close();
    d.close();
    await waitBlocked(srv, 0);
    assert.equal(srv.server.blocking.totalBlockingKeys, 0);
    assert.equal(srv.server.blocking.clientsWithTimeout, 0);
    assert.equal(await c.call("RPUSH", "k", "v"), 1);
    assert.deepEqual(await c.call("LRANGE", "k", 0, -1), ["v"]);
  });
});

Deno.test("blocking: CLIENT UNBLOCK with TIMEOUT and ERROR", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      const id = Number(await b.call("CLIENT", "ID"));
      assert.equal(await c.call("CLIENT", "UNBLOCK", id), 0, "not blocked");
      await b.send("BLPOP", "k", 0);
      await waitBlocked(srv, 1);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id), 1);
      assert.equal(await b.readRaw(), "*-1\r\n");
      await b.send("BRPOPLPUSH", "k", "d", 0);
      await waitBlocked(srv, 1);
      assert.deepEqual(await c.call("CLIENT", "UNBLOCK", id, "ERROR"), 1);
      assert.equal(await b.readRaw(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
      await b.send("BLMPOP", 0, 1, "k", "LEFT");
      await waitBlocked(srv, 1);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id, "timeout"), 1);
      assert.equal(await b.readRaw(), "*-1\r\n");
      assert.equal(await c.call("CLIENT", "UNBLOCK", 999999), 0);
      assert.deepEqual(await c.call("CLIENT", "UNBLOCK", id, "FOO"), {
        error: "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
      });
      assert.deepEqual(await c.call("CLIENT", "UNBLOCK", "abc"), {
        error: "ERR value is not an integer or out of range",
      });
      await waitBlocked(srv, 0);
      // The client works normally afterwards.
      assert.equal(await b.call("PING"), "PONG");
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: BLMOVE chains cascade within one wake-up", async () => {
  await withServer(async (srv, c) => {
    const [b1, b2, b3] = await Promise.all([1, 2, 3].map(() => RawClient.connect(srv.port)));
    try {
      await b1.send("BLMOVE", "a", "b", "LEFT", "RIGHT", 0);
      await waitBlocked(srv, 1);
      await b2.send("BRPOPLPUSH", "b", "c", 0);
      await waitBlocked(srv, 2);
      await b3.send("BLPOP", "c", 0);
      await waitBlocked(srv, 3);
      assert.equal(await c.call("RPUSH", "a", "payload"), 1);
      assert.equal(await b1.read(), "payload");
      assert.equal(await b2.read(), "payload");
      assert.deepEqual(await b3.read(), ["c", "payload"]);
      await waitBlocked(srv, 0);
      assert.equal(await c.call("DBSIZE"), 0);
    } finally {
      b1.close();
      b2.close();
      b3.close();
    }
  });
});

Deno.test("blocking: pipelined commands after a blocking one run once it is served", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      await b.write("BLPOP k 0\r\nPING\r\nLLEN k\r\n");
      await waitBlocked(srv, 1);
      assert.equal(b.pending(), "");
      await c.call("RPUSH", "k", "1", "2");
      assert.deepEqual(await b.read(), ["k", "1"]);
      assert.equal(await b.read(), "PONG");
      assert.equal(await b.read(), 1);
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: fairness is kept while pipelining (a push then a blocking pop)", async () => {
  await withServer(async (srv, c) => {
    const rd1 = await RawClient.connect(srv.port);
    const rd2 = await RawClient.connect(srv.port);
    try {
      await rd1.send("BLPOP", "mylist", 0);
      await waitBlocked(srv, 1);
      await rd2.write("LPUSH mylist 1\r\nBLPOP mylist 0\r\n");
      assert.deepEqual(await rd1.read(), ["mylist", "1"]);
      assert.equal(await rd2.read(), 1);
      await waitBlocked(srv, 1);
      await c.call("LPUSH", "mylist", "2");
      assert.deepEqual(await rd2.read(), ["mylist", "2"]);
      await waitBlocked(srv, 0);
    } finally {
      rd1.close();
      rd2.close();
    }
  });
});

Deno.test("blocking: fairness is kept during nested unblocks", async () => {
  await withServer(async (srv, _c) => {
    const [rd1, rd2, rd3] = await Promise.all([1, 2, 3].map(() => RawClient.connect(srv.port)));
    try {
      await rd1.send("BRPOPLPUSH", "l1", "l3", 0);
      await waitBlocked(srv, 1);
      await rd2.send("BLPOP", "l2", 0);
      await waitBlocked(srv, 2);
      await rd3.send("BLMPOP", 0, 2, "l2", "l3", "LEFT", "COUNT", 1);
      await waitBlocked(srv, 3);
      atomically(srv, [["LPUSH", "l1", "1"], ["LPUSH", "l2", "2"]]);
      await waitBlocked(srv, 0);
      assert.equal(await rd1.read(), "1");
      assert.deepEqual(await rd2.read(), ["l2", "2"]);
      assert.deepEqual(await rd3.read(), ["l3", ["1"]]);
    } finally {
      rd1.close();
      rd2.close();
      rd3.close();
    }
  });
});

Deno.test("blocking: a key pushed then popped in the same atomic unit wakes nobody", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      await b.send("BLPOP", "k", 0);
      await waitBlocked(srv, 1);
      atomically(srv, [["RPUSH", "k", "x"], ["LPOP", "k"]]);
      await sleep(50);
      assert.equal(srv.server.blocking.blockedCount, 1);
      // Another type at the key does not serve a list waiter either.
      await c.call("SET", "k", "string");
      await sleep(50);
      assert.equal(srv.server.blocking.blockedCount, 1);
      await c.call("DEL", "k");
      await c.call("RPUSH", "k", "y");
      assert.deepEqual(await b.read(), ["k", "y"]);
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: lists created by LMOVE, SORT STORE and RENAME wake waiters; other dbs do not", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      await c.call("RPUSH", "src", "1", "2", "3");
      await b.send("BLPOP", "dst", 0);
      await waitBlocked(srv, 1);
      await c.call("LMOVE", "src", "dst", "LEFT", "LEFT");
      assert.deepEqual(await b.read(), ["dst", "1"]);
      await b.send("BLPOP", "dst", 0);
      await waitBlocked(srv, 1);
      await c.call("SORT", "src", "DESC", "STORE", "dst");
      assert.deepEqual(await b.read(), ["dst", "3"]);
      await c.call("DEL", "dst");
      await b.send("BLPOP", "dst", 0);
      await waitBlocked(srv, 1);
      await c.call("RENAME", "src", "dst");
      assert.deepEqual(await b.read(), ["dst", "2"]);
      // Blocked in db 1: a push in db 0 does not serve it.
      await b.call("SELECT", 1);
      await b.send("BLPOP", "x", 0);
      await waitBlocked(srv, 1);
      await c.call("RPUSH", "x", "db0");
      await sleep(30);
      assert.equal(srv.server.blocking.blockedCount, 1);
      await c.call("SELECT", 1);
      await c.call("RPUSH", "x", "db1");
      assert.deepEqual(await b.read(), ["x", "db1"]);
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: BLMPOP woken by a push pops up to COUNT", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      await b.send("BLMPOP", 0, 2, "a", "b", "RIGHT", "COUNT", 3);
      await waitBlocked(srv, 1);
      await c.call("RPUSH", "b", "1", "2", "3", "4", "5");
      assert.deepEqual(await b.read(), ["b", ["5", "4", "3"]]);
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: commands that must not block answer like a timeout (MULTI flag, scripts)", async () => {
  await withServer(async (srv, c) => {
    const id = Number(await c.call("CLIENT", "ID"));
    const client = srv.server.clients.get(id)!;
    client.flags.add("x");
    try {
      assert.equal(await c.callRaw("BLPOP", "none", 0), "*-1\r\n");
      assert.equal(await c.callRaw("BLMOVE", "none", "d", "LEFT", "LEFT", 0), "$-1\r\n");
      assert.equal(await c.callRaw("BRPOPLPUSH", "none", "d", 0), "$-1\r\n");
      assert.equal(await c.callRaw("BLMPOP", 0, 1, "none", "LEFT"), "*-1\r\n");
    } finally {
      client.flags.delete("x");
    }
    srv.server.blocking.denyBlocking++;
    try {
      assert.equal(await c.callRaw("BRPOP", "none", 0), "*-1\r\n");
    } finally {
      srv.server.blocking.denyBlocking--;
    }
    assert.equal(srv.server.blocking.blockedCount, 0);
  });
});

Deno.test("blocking: a blocked command is counted once in commandstats", async () => {
  await withServer(async (srv, c) => {
    const b = await RawClient.connect(srv.port);
    try {
      const id = Number(await b.call("CLIENT", "ID"));
      await c.call("CONFIG", "RESETSTAT");
      await b.send("BLPOP", "mylist", 0);
      await waitBlocked(srv, 1);
      assert.doesNotMatch(String(await c.call("INFO", "commandstats")), /cmdstat_blpop/);
      await c.call("LPUSH", "mylist", "1");
      await b.read();
      assert.match(
        String(await c.call("INFO", "commandstats")),
        /cmdstat_blpop:calls=1,.*rejected_calls=0,failed_calls=0/,
      );
      await c.call("CONFIG", "RESETSTAT");
      await b.send("BLPOP", "mylist", 0);
      await waitBlocked(srv, 1);
      await c.call("CLIENT", "UNBLOCK", id, "TIMEOUT");
      await b.read();
      assert.match(
        String(await c.call("INFO", "commandstats")),
        /cmdstat_blpop:calls=1,.*rejected_calls=0,failed_calls=0/,
      );
      await b.send("BLPOP", "mylist", 0);
      await waitBlocked(srv, 1);
      await c.call("CLIENT", "UNBLOCK", id, "ERROR");
      await b.read();
      assert.match(
        String(await c.call("INFO", "commandstats")),
        /cmdstat_blpop:calls=2,.*rejected_calls=0,failed_calls=1/,
      );
    } finally {
      b.close();
    }
  });
});

Deno.test("blocking: many clients on many keys, served exactly once each", async () => {
  await withServer(async (srv, c) => {
    const n = 30;
    const clients = await Promise.all(Array.from({ length: n }, () => RawClient.connect(srv.port)));
    try {
      for (const [i, cl] of clients.entries()) await cl.send("BRPOP", `k${i % 5}`, `k${(i + 1) % 5}`, 10);
      await waitBlocked(srv, n);
      for (let i = 0; i < n; i++) await c.call("LPUSH", `k${i % 5}`, `v${i}`);
      const got = (await Promise.all(clients.map((cl) => cl.read()))) as string[][];
      const values = got.map((g) => g[1]).sort();
      assert.deepEqual(values, Array.from({ length: n }, (_, i) => `v${i}`).sort());
      await waitBlocked(srv, 0);
      assert.equal(await c.call("DBSIZE"), 0);
    } finally {
      for (const cl of clients) cl.close();
    }
  });
});
