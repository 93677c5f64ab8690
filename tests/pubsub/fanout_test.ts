/**
 * Pub/Sub fan-out, differential: many subscribers (RESP2 and RESP3, channels, patterns and shard
 * channels) on several connections, a seeded random sequence of publishes and (un)subscriptions, and
 * every subscriber's raw message stream compared with redis-server's for the same sequence. Also the
 * receiver counts PUBLISH returns, pipelined bursts, cleanup when subscribers disconnect, and the
 * pubsub client-output-buffer-limit.
 */
import assert from "node:assert/strict";
import type { RawClient } from "../helpers/resp.ts";
import { callN, readUntil, type Side, sleep, withPair } from "./helpers.ts";

/** A tiny deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNELS = ["c0", "c1", "c2", "c3", "news.eu", "news.us", "x"];
/** At most one pattern per subscriber: Redis delivers several matching patterns in hash order. */
const PATTERNS = ["c*", "news.*", "?", "c[12]"];
const SUBSCRIBERS = 16;
const END = "zz-end";

interface Run {
  /** PUBLISH / SPUBLISH replies, in order. */
  publishReplies: string[];
  /** Each subscriber's frames after its initial confirmations. */
  streams: string[][];
}

/** Plays the seeded scenario on one side. */
async function play(side: Side, seed: number): Promise<Run> {
  const rand = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const pub = await side.connect();
  const subs: RawClient[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const s = await side.connect();
    if (i % 3 === 0) await s.call("HELLO", "3");
    const chans = CHANNELS.filter(() => rand() < 0.4);
    if (chans.length) await callN(s, chans.length, "SUBSCRIBE", ...chans);
    if (i % 2 === 0) await callN(s, 1, "PSUBSCRIBE", PATTERNS[i % PATTERNS.length]);
    if (i % 5 === 0) await callN(s, 1, "SSUBSCRIBE", pick(CHANNELS));
    await callN(s, 1, "SUBSCRIBE", END);
    subs.push(s);
  }
  const publishReplies: string[] = [];
  const streams: string[][] = subs.map(() => []);
  for (let step = 0; step < 300; step++) {
    const r = rand();
    if (r < 0.08) {
      // A subscriber changes its channel subscriptions: its confirmation (read before going on, so the
      // order against later publishes is fixed) becomes part of its stream.
      const i = Math.floor(rand() * subs.length);
      const verb = rand() < 0.5 ? "subscribe" : "unsubscribe";
      await subs[i].send(verb, pick(CHANNELS));
      while (true) {
        const f = await subs[i].readRaw();
        streams[i].push(f);
        if (f.includes(`$${verb.length}\r\n${verb}\r\n`)) break;
      }
    } else if (r < 0.15) {
      publishReplies.push(await pub.callRaw("SPUBLISH", pick(CHANNELS), `s${step}`));
    } else {
      publishReplies.push(await pub.callRaw("PUBLISH", pick(CHANNELS), `m${step}-${"p".repeat(step % 40)}`));
    }
  }
  await pub.callRaw("PUBLISH", END, "end");
  for (let i = 0; i < subs.length; i++) streams[i].push(...await readUntil(subs[i], END));
  return { publishReplies, streams };
}

Deno.test("pubsub fan-out: 16 mixed subscribers receive the same streams as on redis-server", async () => {
  await withPair(async (p) => {
    for (const seed of [1, 2]) {
      const ours = await play(p.sides[0], seed);
      const redis = await play(p.sides[1], seed);
      assert.deepEqual(ours.publishReplies, redis.publishReplies, `PUBLISH replies (seed ${seed})`);
      for (let i = 0; i < SUBSCRIBERS; i++) {
        assert.deepEqual(ours.streams[i], redis.streams[i], `subscriber ${i} stream (seed ${seed})`);
      }
      assert.ok(redis.streams.some((s) => s.length > 20), "the scenario delivers messages");
      for (const side of p.sides) side.closeAll();
    }
  });
});

Deno.test("pubsub fan-out: a pipelined burst of publishes reaches every subscriber in order", async () => {
  await withPair(async (p) => {
    const N = 2000;
    const results: string[][][] = [];
    for (const side of p.sides) {
      const subs: RawClient[] = [];
      for (let i = 0; i < 10; i++) {
        const s = await side.connect();
        await callN(s, 2, "SUBSCRIBE", "burst", END);
        subs.push(s);
      }
      const pub = await side.connect();
      let text = "";
      for (let i = 0; i < N; i++) text += `*3\r\n$7\r\nPUBLISH\r\n$5\r\nburst\r\n$${String(i).length}\r\n${i}\r\n`;
      await pub.write(text);
      const replies: string[] = [];
      for (let i = 0; i < N; i++) replies.push(await pub.readRaw());
      assert.ok(replies.every((r) => r === ":10\r\n"), `${side.name}: every PUBLISH reached 10 subscribers`);
      await pub.call("PUBLISH", END, "end");
      const streams: string[][] = [];
      for (const s of subs) streams.push(await readUntil(s, END));
      results.push(streams);
    }
    for (let i = 0; i < 10; i++) {
      assert.equal(results[0][i].length, N);
      assert.deepEqual(results[0][i], results[1][i]);
    }
  });
});

Deno.test("pubsub fan-out: disconnected subscribers are forgotten everywhere", async () => {
  await withPair(async (p) => {
    const snapshots: unknown[] = [];
    for (const side of p.sides) {
      const a = await side.connect();
      const b = await side.connect();
      await callN(a, 2, "SUBSCRIBE", "one", "two");
      await callN(a, 1, "PSUBSCRIBE", "o*");
      await callN(a, 1, "SSUBSCRIBE", "three");
      await callN(b, 1, "SUBSCRIBE", "two");
      const admin = await side.connect();
      const before = [
        await admin.call("PUBLISH", "one", "x"),
        await admin.call("PUBSUB", "NUMSUB", "one", "two"),
        await admin.call("PUBSUB", "NUMPAT"),
        await admin.call("PUBSUB", "SHARDNUMSUB", "three"),
      ];
      a.close();
      await sleep(100);
      const after = [
        await admin.call("PUBLISH", "one", "x"),
        await admin.call("PUBLISH", "two", "x"),
        await admin.call("PUBSUB", "NUMSUB", "one", "two"),
        await admin.call("PUBSUB", "NUMPAT"),
        await admin.call("PUBSUB", "SHARDNUMSUB", "three"),
        await admin.call("SPUBLISH", "three", "x"),
        await admin.call("PUBSUB", "CHANNELS"),
      ];
      snapshots.push({ before, after });
    }
    assert.deepEqual(snapshots[0], snapshots[1]);
    const st = (await import("../../src/server/pubsub.ts")).pubsubOf(p.ours.server)!;
    assert.deepEqual([...st.channels.keys()], ["two"]);
    assert.equal(st.patterns.size, 0);
    assert.equal(st.shard.size, 0);
  });
});

Deno.test("pubsub fan-out: a subscriber over the pubsub output buffer limit is disconnected", async () => {
  await withPair(async (p) => {
    const outcome: unknown[] = [];
    for (const side of p.sides) {
      const admin = await side.connect();
      await admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 64kb 0 0");
      const slow = await side.connect();
      await callN(slow, 1, "SUBSCRIBE", "big");
      // The subscriber never reads; each message is 32 KiB, so the buffer passes 64 KiB quickly.
      const payload = "y".repeat(32 * 1024);
      for (let i = 0; i < 200; i++) await admin.call("PUBLISH", "big", payload);
      await sleep(200);
      outcome.push(await admin.call("PUBSUB", "NUMSUB", "big"));
      outcome.push(await slow.waitClosed(2000));
    }
    assert.deepEqual(outcome, [["big", 0], true, ["big", 0], true]);
    // 8.2 counts it (INFO stats, since 7.2; the 7.0 oracle lacks the field).
    assert.equal(p.ours.server.stats.clientOutputBufferLimitDisconnections, 1);
  });
});
