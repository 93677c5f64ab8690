/**
 * Pub/Sub through real client libraries (ioredis and node-redis), the way applications use it:
 * subscriber connections with message / pmessage / smessage events, unsubscribing, binary payloads
 * as Buffers, publish counts, keyspace notifications, and the subscriber connection coming back to
 * normal use after leaving subscribed mode.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { startServer } from "../../src/mod.ts";

/** Resolves with the first `n` values `register` reports. */
function collect<T>(n: number, register: (push: (v: T) => void) => void, timeoutMs = 3000): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const got: T[] = [];
    const timer = setTimeout(() => reject(new Error(`got only ${JSON.stringify(got)}`)), timeoutMs);
    register((v) => {
      got.push(v);
      if (got.length === n) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

Deno.test("pubsub: ioredis subscriber, pattern and shard subscriptions", async () => {
  const srv = await startServer();
  const opts = { port: srv.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 };
  const sub = new Redis(opts);
  const pub = new Redis(opts);
  try {
    await sub.connect();
    await pub.connect();
    assert.equal(await sub.subscribe("news", "sport"), 2);
    assert.equal(await sub.psubscribe("news.*"), 3);
    assert.equal(await sub.ssubscribe("shard"), 1);
    const messages = collect<string>(4, (push) => {
      sub.on("message", (ch: string, msg: string) => push(`message ${ch} ${msg}`));
      sub.on("pmessage", (pat: string, ch: string, msg: string) => push(`pmessage ${pat} ${ch} ${msg}`));
      sub.on("smessage", (ch: string, msg: string) => push(`smessage ${ch} ${msg}`));
    });
    assert.equal(await pub.publish("news", "hello"), 1);
    assert.equal(await pub.publish("news.eu", "bonjour"), 1);
    assert.equal(await pub.spublish("shard", "s1"), 1);
    assert.equal(await pub.publish("sport", "goal"), 1);
    assert.deepEqual(await messages, [
      "message news hello",
      "pmessage news.* news.eu bonjour",
      "smessage shard s1",
      "message sport goal",
    ]);
    const buffers = collect<Buffer>(1, (push) => sub.on("messageBuffer", (_ch: Buffer, m: Buffer) => push(m)));
    const bin = Buffer.from([0, 1, 0xff, 0x80, 13, 10]);
    assert.equal(await pub.publish("news", bin), 1);
    assert.deepEqual([...(await buffers)[0]], [...bin]);
    assert.deepEqual(await pub.pubsub("NUMSUB", "news", "none"), ["news", 1, "none", 0]);
    assert.equal(await pub.pubsub("NUMPAT"), 1);
    assert.deepEqual(((await pub.pubsub("CHANNELS")) as string[]).sort(), ["news", "sport"]);
    // (ioredis 5.4's argument-less UNSUBSCRIBE never resolves, against redis-server too: name them)
    assert.equal(await sub.sunsubscribe("shard"), 0);
    assert.equal(await sub.unsubscribe("news", "sport"), 1);
    assert.equal(await sub.punsubscribe(), 0);
    // out of subscribed mode, the connection is an ordinary one again
    assert.equal(await sub.set("k", "v"), "OK");
    assert.equal(await pub.publish("news", "nobody"), 0);
  } finally {
    sub.disconnect();
    pub.disconnect();
    await srv.close();
  }
});

Deno.test("pubsub: ioredis receives keyspace notifications", async () => {
  const srv = await startServer({ config: { "notify-keyspace-events": "KEA" } });
  const opts = { port: srv.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 };
  const sub = new Redis(opts);
  const r = new Redis(opts);
  try {
    await sub.connect();
    await r.connect();
    await sub.psubscribe("__keyspace@0__:user:*");
    await sub.subscribe("__keyevent@0__:del");
    const events = collect<string>(4, (push) => {
      sub.on("pmessage", (_p: string, ch: string, ev: string) => push(`${ch} ${ev}`));
      sub.on("message", (ch: string, key: string) => push(`${ch} ${key}`));
    });
    await r.set("user:1", "a");
    await r.expire("user:1", 100);
    await r.del("user:1");
    assert.deepEqual(await events, [
      "__keyspace@0__:user:1 set",
      "__keyspace@0__:user:1 expire",
      "__keyspace@0__:user:1 del",
      "__keyevent@0__:del user:1",
    ]);
  } finally {
    sub.disconnect();
    r.disconnect();
    await srv.close();
  }
});

Deno.test("pubsub: node-redis subscriber connection with listeners", async () => {
  const srv = await startServer();
  const url = `redis://127.0.0.1:${srv.port}`;
  const pub = createClient({ url });
  const sub = pub.duplicate();
  try {
    await pub.connect();
    await sub.connect();
    const got = collect<string>(3, (push) => {
      sub.subscribe("orders", (msg, ch) => push(`${ch}:${msg}`));
      sub.pSubscribe("orders.*", (msg, ch) => push(`p ${ch}:${msg}`));
    });
    // wait until both subscriptions are registered server-side
    while (Number(await pub.pubSubNumPat()) !== 1 || Number((await pub.pubSubNumSub("orders")).orders) !== 1) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await pub.publish("orders", "o1"), 1);
    assert.equal(await pub.publish("orders.new", "o2"), 1);
    assert.equal(await pub.publish("orders", "o3"), 1);
    assert.deepEqual(await got, ["orders:o1", "p orders.new:o2", "orders:o3"]);
    assert.deepEqual(await pub.pubSubChannels(), ["orders"]);
    await sub.unsubscribe("orders");
    await sub.pUnsubscribe();
    assert.equal(await pub.publish("orders", "gone"), 0);
    assert.equal(await sub.ping(), "PONG");
  } finally {
    await sub.quit().catch(() => {});
    await pub.quit().catch(() => {});
    await srv.close();
  }
});
