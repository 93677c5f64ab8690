/**
 * Transactions as applications use them, and their server-side state: ioredis multi/exec/watch,
 * many clients racing optimistic (WATCH) increments, CLIENT LIST flags and counters, INFO fields,
 * cleanup on disconnect, CLIENT PAUSE WRITE and EXEC, the 8.2 order of pushes produced inside a
 * transaction, and commandstats of queued commands.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";

function ioredis(port: number): Redis {
  return new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
}

/** The CLIENT LIST line of connection `id`, as a field map. */
async function clientFields(c: RawClient, id: number): Promise<Record<string, string>> {
  const v = await c.call("CLIENT", "LIST", "ID", id) as string;
  return Object.fromEntries(v.trim().split(" ").map((kv) => kv.split("=", 2) as [string, string]));
}

async function infoField(c: RawClient, name: string): Promise<string> {
  const text = await c.call("INFO", "everything") as string;
  const m = text.match(new RegExp(`^${name}:(.*)\r$`, "m"));
  assert.ok(m, `INFO has ${name}`);
  return m[1];
}

Deno.test("ioredis: multi/exec replies, exec errors per command, discard", async () => {
  await withServer(async (srv) => {
    const r = ioredis(srv.port);
    await r.connect();
    try {
      const res = await r.multi().set("a", "1").incr("a").lpush("a", "x").get("a").exec();
      assert.equal(res!.length, 4);
      assert.deepEqual(res![0], [null, "OK"]);
      assert.deepEqual(res![1], [null, 2]);
      assert.match(String(res![2][0]), /WRONGTYPE/);
      assert.deepEqual(res![3], [null, "2"]);
      // A queueing error makes ioredis's exec reject with EXECABORT.
      await assert.rejects(
        () => r.multi().set("a", "3").call("NOSUCHCOMMAND").exec(),
        /EXECABORT Transaction discarded because of previous errors/,
      );
      assert.equal(await r.get("a"), "2");
      assert.equal(await r.multi({ pipeline: false }), "OK");
      assert.equal(await r.set("a", "discarded"), "QUEUED");
      assert.equal(await r.discard(), "OK");
      assert.equal(await r.get("a"), "2");
    } finally {
      r.disconnect();
    }
  });
});

Deno.test("ioredis: watch, a concurrent write makes exec return null, unwatch", async () => {
  await withServer(async (srv) => {
    const r = ioredis(srv.port), other = ioredis(srv.port);
    await r.connect();
    await other.connect();
    try {
      await r.set("balance", "100");
      assert.equal(await r.watch("balance"), "OK");
      await other.incrby("balance", 5);
      assert.equal(await r.multi().decrby("balance", 30).exec(), null);
      assert.equal(await r.get("balance"), "105");
      assert.equal(await r.watch("balance"), "OK");
      assert.deepEqual(await r.multi().decrby("balance", 30).exec(), [[null, 75]]);
      await r.watch("balance");
      await other.set("balance", "0");
      assert.equal(await r.unwatch(), "OK");
      assert.deepEqual(await r.multi().get("balance").exec(), [[null, "0"]]);
    } finally {
      r.disconnect();
      other.disconnect();
    }
  });
});

Deno.test("concurrent clients: WATCH-based increments never lose an update", async () => {
  await withServer(async (srv) => {
    const clients = Array.from({ length: 8 }, () => ioredis(srv.port));
    await Promise.all(clients.map((c) => c.connect()));
    try {
      await clients[0].set("counter", "0");
      let aborted = 0;
      const perClient = 40;
      await Promise.all(clients.map(async (c) => {
        for (let done = 0; done < perClient;) {
          await c.watch("counter");
          const v = Number(await c.get("counter"));
          // Yield so that other clients interleave between the read and the EXEC.
          await new Promise((r) => setTimeout(r, 0));
          const res = await c.multi().set("counter", String(v + 1)).exec();
          if (res === null) aborted++;
          else done++;
        }
      }));
      assert.equal(await clients[0].get("counter"), String(clients.length * perClient));
      assert.ok(aborted > 0, "some transactions were aborted by concurrent writes");
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
});

Deno.test("CLIENT LIST: flag x and multi=, watch=, flag d when a watched key changed", async () => {
  await withServer(async (_srv, c) => {
    const id = Number(await c.call("CLIENT", "ID"));
    let f = await clientFields(c, id);
    assert.equal(f.multi, "-1");
    assert.equal(f.watch, "0");
    assert.equal(f.flags, "N");
    assert.equal(await c.call("WATCH", "a", "b", "a"), "OK");
    f = await clientFields(c, id);
    assert.equal(f.watch, "2");
    assert.ok(Number(f["multi-mem"]) > 0, "watched keys count in multi-mem");
    assert.equal(await c.call("MULTI"), "OK");
    assert.equal(await c.call("SET", "x", "1"), "QUEUED");
    assert.equal(await c.call("SET", "y", "2"), "QUEUED");
    // CLIENT LIST itself is queued inside MULTI: read it from EXEC's reply.
    const res = await c.call("CLIENT", "LIST", "ID", id);
    assert.equal(res, "QUEUED");
    const [, , line] = await c.call("EXEC") as string[];
    const inExec = Object.fromEntries(line.trim().split(" ").map((kv) => kv.split("=", 2)));
    assert.equal(inExec.flags, "x");
    assert.equal(inExec.multi, "3");
    assert.equal(inExec.watch, "0", "EXEC unwatches before running the queue");
    f = await clientFields(c, id);
    assert.equal(f.multi, "-1");
    assert.equal(f.flags, "N");

    const other = await RawClient.connect(_srv.port);
    try {
      await c.call("WATCH", "a");
      await other.call("SET", "a", "1");
      f = await clientFields(c, id);
      assert.equal(f.flags, "d");
      assert.equal(f.watch, "0", "a dirty client stops watching");
      await c.call("MULTI");
      f = await clientFields(other, id);
      assert.equal(f.flags, "xd");
      assert.equal(f.multi, "0");
      assert.equal(await c.call("EXEC"), null);
      f = await clientFields(c, id);
      assert.equal(f.flags, "N");
    } finally {
      other.close();
    }
  });
});

Deno.test("INFO watching_clients / total_watched_keys; disconnect and RESET clean up", async () => {
  await withServer(async (srv, c) => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    await a.call("WATCH", "k1", "k2");
    await b.call("WATCH", "k2", "k3");
    await b.call("SELECT", 1);
    await b.call("WATCH", "k2");
    assert.equal(await infoField(c, "watching_clients"), "2");
    assert.equal(await infoField(c, "total_watched_keys"), "4");
    a.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await infoField(c, "watching_clients"), "1");
    assert.equal(await infoField(c, "total_watched_keys"), "3");
    await b.call("MULTI");
    await b.call("SET", "k9", "v");
    assert.equal(await b.call("RESET"), "RESET");
    assert.equal(await infoField(c, "watching_clients"), "0");
    assert.equal(await infoField(c, "total_watched_keys"), "0");
    assert.deepEqual(await b.call("EXEC"), { error: "ERR EXEC without MULTI" });
    assert.equal(await b.call("EXISTS", "k9"), 0);
    // A client in MULTI that disconnects leaves nothing queued anywhere.
    await b.call("WATCH", "k1");
    await b.call("MULTI");
    await b.call("SET", "k1", "never");
    b.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await infoField(c, "watching_clients"), "0");
    assert.equal(await c.call("EXISTS", "k1"), 0);
  });
});

Deno.test("CLIENT PAUSE WRITE holds an EXEC that writes, not one that only reads", async () => {
  await withServer(async (srv, c) => {
    const w = await RawClient.connect(srv.port);
    const r = await RawClient.connect(srv.port);
    try {
      await w.call("MULTI");
      assert.equal(await w.call("INCR", "n"), "QUEUED");
      await r.call("MULTI");
      assert.equal(await r.call("GET", "n"), "QUEUED");
      assert.equal(await c.call("CLIENT", "PAUSE", 300, "WRITE"), "OK");
      const t0 = Date.now();
      assert.deepEqual(await r.call("EXEC"), [null]);
      assert.ok(Date.now() - t0 < 200, "a read-only EXEC is not paused");
      await w.send("EXEC");
      assert.deepEqual(await w.read(2000), [1]);
      assert.ok(Date.now() - t0 >= 250, "the writing EXEC waited for the pause to end");
    } finally {
      w.close();
      r.close();
    }
  });
});

Deno.test("RESP3 (Redis 7.2+): pushes a transaction produces for its own client follow the EXEC reply", async () => {
  // Redis 7.0 (the oracle) interleaves them inside the EXEC array; 8.2 delivers them after it.
  await withServer(async (srv, c) => {
    await c.call("HELLO", 3);
    await c.call("SUBSCRIBE", "ch"); // RESP3: a push confirms it, no reply
    assert.deepEqual(await c.call("MULTI"), "OK");
    assert.equal(await c.call("PUBLISH", "ch", "m1"), "QUEUED");
    assert.equal(await c.call("PING"), "QUEUED");
    assert.deepEqual(await c.call("EXEC"), [1, "PONG"]);
    assert.deepEqual(await c.read(), { push: ["message", "ch", "m1"] });
    // And a tracking invalidation of a key the transaction changed comes after it as well.
    const other = await RawClient.connect(srv.port);
    try {
      await c.call("CLIENT", "TRACKING", "ON");
      await c.call("GET", "k");
      await c.call("MULTI");
      await c.call("SET", "k", "1");
      await c.call("GET", "k");
      assert.deepEqual(await c.call("EXEC"), ["OK", "1"]);
      assert.deepEqual(await c.read(), { push: ["invalidate", ["k"]] });
      assert.equal(await c.call("PING"), "PONG");
    } finally {
      other.close();
    }
  });
});

Deno.test("commandstats: queued commands are counted when EXEC runs them; EXECABORT in errorstats", async () => {
  await withServer(async (_srv, c) => {
    await c.call("CONFIG", "RESETSTAT");
    await c.call("MULTI");
    await c.call("SET", "a", "1");
    await c.call("INCR", "a");
    await c.call("INCR", "a");
    let stats = await c.call("INFO", "commandstats") as string;
    assert.doesNotMatch(stats, /cmdstat_incr/);
    await c.call("EXEC");
    stats = await c.call("INFO", "commandstats") as string;
    assert.match(stats, /cmdstat_incr:calls=2,/);
    assert.match(stats, /cmdstat_exec:calls=1,/);
    assert.match(stats, /cmdstat_multi:calls=1,/);
    await c.call("MULTI");
    await c.call("GET");
    assert.deepEqual(await c.call("EXEC"), { error: "EXECABORT Transaction discarded because of previous errors." });
    const errs = await c.call("INFO", "errorstats") as string;
    assert.match(errs, /errorstat_EXECABORT:count=1/);
    stats = await c.call("INFO", "commandstats") as string;
    assert.match(stats, /cmdstat_get:calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,failed_calls=0/);
  });
});
