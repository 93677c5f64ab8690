/**
 * Client-side caching state and real clients: `tracking-table-max-keys` eviction (random keys, so
 * asserted by shape rather than against the oracle), INFO tracking_* fields, CLIENT LIST flags t / B /
 * R and redir=, cleanup on disconnect, and ioredis using RESP2 redirection through a subscriber.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { withServer } from "../helpers/server.ts";
import { RawClient, type RespValue } from "../helpers/resp.ts";

async function info(c: RawClient, name: string): Promise<string> {
  const text = await c.call("INFO", "everything") as string;
  const m = text.match(new RegExp(`^${name}:(.*)\r$`, "m"));
  assert.ok(m, `INFO has ${name}`);
  return m[1];
}

async function clientFields(c: RawClient, id: number): Promise<Record<string, string>> {
  const v = await c.call("CLIENT", "LIST", "ID", id) as string;
  return Object.fromEntries(v.trim().split(" ").map((kv) => kv.split("=", 2) as [string, string]));
}

/** The keys of an invalidation push `>2 invalidate [keys]`. */
function invalidatedKeys(v: RespValue): string[] {
  const p = (v as { push: RespValue[] }).push;
  assert.ok(Array.isArray(p) && p[0] === "invalidate", `an invalidation push: ${JSON.stringify(v)}`);
  return p[1] as string[];
}

Deno.test("tracking-table-max-keys: over the limit, random keys are invalidated until under it", async () => {
  await withServer(async (srv, c) => {
    const t = await RawClient.connect(srv.port);
    try {
      await t.call("HELLO", 3);
      assert.equal(await t.call("CLIENT", "TRACKING", "ON"), "OK");
      const keys = Array.from({ length: 10 }, (_, i) => `key:${i}`);
      for (const k of keys) await t.call("GET", k);
      assert.equal(await info(c, "tracking_total_keys"), "10");
      assert.equal(await c.call("CONFIG", "SET", "tracking-table-max-keys", 3), "OK");
      // The next command (or cron) trims the table; each evicted key is reported like a change.
      await c.call("PING");
      const evicted: string[] = [];
      while (evicted.length < 7) evicted.push(...invalidatedKeys(await t.read()));
      assert.equal(new Set(evicted).size, 7);
      for (const k of evicted) assert.ok(keys.includes(k));
      assert.equal(await info(c, "tracking_total_keys"), "3");
      // The 3 keys left are still tracked: changing them all reports exactly those.
      await c.call("MSET", ...keys.flatMap((k) => [k, "v"]));
      const left: string[] = [];
      while (left.length < 3) left.push(...invalidatedKeys(await t.read()));
      assert.deepEqual([...left, ...evicted].sort(), [...keys].sort());
      assert.equal(await t.call("PING"), "PONG");
      // 0 means no limit.
      await c.call("CONFIG", "SET", "tracking-table-max-keys", 0);
      for (const k of keys) await t.call("GET", k);
      await c.call("PING");
      assert.equal(await info(c, "tracking_total_keys"), "10");
    } finally {
      t.close();
    }
  });
});

Deno.test("INFO tracking_* and CLIENT LIST flags t, B, R and redir=; disconnect cleans up", async () => {
  await withServer(async (srv, c) => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    const r = await RawClient.connect(srv.port);
    try {
      const ida = Number(await a.call("CLIENT", "ID"));
      const idb = Number(await b.call("CLIENT", "ID"));
      const idr = Number(await r.call("CLIENT", "ID"));
      assert.equal(await info(c, "tracking_clients"), "0");
      await a.call("CLIENT", "TRACKING", "ON", "REDIRECT", idr);
      await b.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x", "PREFIX", "y");
      await a.call("MGET", "k1", "k2");
      await c.call("CLIENT", "TRACKING", "ON");
      await c.call("GET", "k1");
      assert.equal(await info(c, "tracking_clients"), "3");
      assert.equal(await info(c, "tracking_total_keys"), "2");
      assert.equal(await info(c, "tracking_total_items"), "3");
      assert.equal(await info(c, "tracking_total_prefixes"), "2");
      let f = await clientFields(c, ida);
      assert.equal(f.flags, "t");
      assert.equal(f.redir, String(idr));
      f = await clientFields(c, idb);
      assert.equal(f.flags, "tB");
      assert.equal(f.redir, "0");
      f = await clientFields(c, idr);
      assert.equal(f.redir, "-1");
      // The redirect client disconnects: the next invalidation finds it gone.
      r.close();
      await new Promise((res) => setTimeout(res, 50));
      await c.call("SET", "k2", "v");
      f = await clientFields(c, ida);
      assert.equal(f.flags, "tR");
      // A BCAST client disconnects: its prefixes go away; tracking_clients counts it no more.
      b.close();
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(await info(c, "tracking_clients"), "2");
      assert.equal(await info(c, "tracking_total_prefixes"), "0");
      await a.call("CLIENT", "TRACKING", "OFF");
      f = await clientFields(c, ida);
      assert.equal(f.flags, "N");
      assert.equal(f.redir, "-1");
      assert.equal(await info(c, "tracking_clients"), "1");
      // Ids stay in the table until their key is invalidated (as in Redis).
      assert.equal(await info(c, "tracking_total_keys"), "1");
      await c.call("FLUSHALL");
      assert.equal(await info(c, "tracking_total_keys"), "0");
      assert.equal(await info(c, "tracking_total_items"), "0");
    } finally {
      a.close();
      b.close();
      r.close();
    }
  });
});

Deno.test("ioredis: RESP2 client-side caching through a subscriber on __redis__:invalidate", async () => {
  await withServer(async (srv) => {
    const opts = { port: srv.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 };
    const cache = new Redis(opts), sub = new Redis(opts), writer = new Redis(opts);
    await Promise.all([cache.connect(), sub.connect(), writer.connect()]);
    try {
      const messages: string[] = [];
      let wake: (() => void) | null = null;
      sub.on("message", (channel: string, message: string) => {
        assert.equal(channel, "__redis__:invalidate");
        messages.push(message);
        wake?.();
      });
      await sub.subscribe("__redis__:invalidate");
      // The subscriber's id (a subscribed RESP2 connection cannot run CLIENT ID): the one flagged P.
      const list = await writer.client("LIST") as string;
      const subLine = list.split("\n").find((l) => / flags=P /.test(l))!;
      const id = Number(subLine.match(/^id=(\d+)/)![1]);
      assert.equal(await cache.client("TRACKING", "ON", "REDIRECT", id), "OK");
      await writer.set("user:1", "alice");
      assert.equal(await cache.get("user:1"), "alice");
      const next = () => new Promise<void>((res) => wake = res);
      const arrived = next();
      await writer.set("user:1", "bob");
      await arrived;
      assert.deepEqual(messages, ["user:1"]);
      // Not read again: further writes send nothing.
      await writer.set("user:1", "carol");
      assert.equal(await cache.get("user:1"), "carol");
      const again = next();
      await writer.del("user:1");
      await again;
      assert.deepEqual(messages, ["user:1", "user:1"]);
    } finally {
      cache.disconnect();
      sub.disconnect();
      writer.disconnect();
    }
  });
});
