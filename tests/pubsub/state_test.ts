/**
 * Pub/Sub client state and server bookkeeping: CLIENT LIST sub/psub/ssub and the P flag, CLIENT
 * LIST/KILL TYPE pubsub, INFO's pubsub fields, the idle timeout exemption, unsubscribe-all over many
 * channels (hash order in Redis, so compared as sets), and the Redis 8.2 ordering of pushes a RESP3
 * client causes itself (the reply first, then the push).
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/resp.ts";
import { withServer } from "../helpers/server.ts";
import { pubsubOf } from "../../src/server/pubsub.ts";
import { callN, messageFrame, pmessageFrame, readN, sleep, withPair } from "./helpers.ts";

/** The fields of the CLIENT LIST line of the client named `name`. */
function clientFields(list: string, name: string): Record<string, string> {
  const line = list.split("\n").find((l) => l.includes(` name=${name} `));
  assert.ok(line, `client ${name} listed`);
  return Object.fromEntries(line.trim().split(" ").map((kv) => kv.split("=", 2) as [string, string]));
}

Deno.test("pubsub state: CLIENT LIST sub/psub/ssub and flags, TYPE pubsub, INFO fields match redis-server", async () => {
  await withPair(async (p) => {
    const results: unknown[] = [];
    for (const side of p.sides) {
      const admin = await side.connect();
      const a = await side.connect();
      await a.call("CLIENT", "SETNAME", "a");
      await callN(a, 3, "SUBSCRIBE", "x", "y", "z");
      await callN(a, 2, "PSUBSCRIBE", "p*", "q*");
      await callN(a, 1, "SSUBSCRIBE", "s");
      const b = await side.connect();
      await b.call("HELLO", "3", "SETNAME", "b");
      await callN(b, 1, "PSUBSCRIBE", "p*");
      const c = await side.connect();
      await c.call("CLIENT", "SETNAME", "c");
      const list = String(await admin.call("CLIENT", "LIST"));
      const pick = (f: Record<string, string>) => [f.flags, f.sub, f.psub, f.ssub];
      const info = String(await admin.call("INFO", "stats"));
      const infoField = (n: string) => new RegExp(`${n}:(\\d+)`).exec(info)?.[1];
      const typed = String(await admin.call("CLIENT", "LIST", "TYPE", "pubsub"));
      results.push({
        a: pick(clientFields(list, "a")),
        b: pick(clientFields(list, "b")),
        c: pick(clientFields(list, "c")),
        info: ["pubsub_channels", "pubsub_patterns", "pubsubshard_channels"].map(infoField),
        typed: typed.trim().split("\n").map((l) => /name=(\S*)/.exec(l)?.[1]).sort(),
      });
      // Leaving subscribed mode clears the flag; CLIENT KILL TYPE pubsub then finds only b.
      await callN(a, 3, "UNSUBSCRIBE", "x", "y", "z");
      await callN(a, 2, "PUNSUBSCRIBE", "p*", "q*");
      const stillP = clientFields(String(await admin.call("CLIENT", "LIST")), "a").flags;
      await callN(a, 1, "SUNSUBSCRIBE", "s");
      const cleared = clientFields(String(await admin.call("CLIENT", "LIST")), "a").flags;
      results.push({ stillP, cleared, killed: await admin.call("CLIENT", "KILL", "TYPE", "pubsub") });
      assert.equal(await b.waitClosed(), true, `${side.name}: the pubsub client was killed`);
    }
    assert.deepEqual(results.slice(0, 2), results.slice(2, 4));
    assert.deepEqual(results[0], {
      a: ["P", "3", "2", "1"],
      b: ["P", "0", "1", "0"],
      c: ["N", "0", "0", "0"],
      info: ["3", "2", "1"],
      typed: ["a", "b"],
    });
    assert.deepEqual(results[1], { stillP: "P", cleared: "N", killed: 1 });
  });
});

Deno.test("pubsub state: unsubscribing from everything confirms each channel once, ending at 0", async () => {
  await withPair(async (p) => {
    const chans = Array.from({ length: 30 }, (_, i) => `ch${i}`);
    const pats = Array.from({ length: 10 }, (_, i) => `p${i}*`);
    const results: unknown[] = [];
    for (const side of p.sides) {
      const c = await side.connect();
      const admin = await side.connect();
      await callN(c, chans.length, "SUBSCRIBE", ...chans);
      await callN(c, pats.length, "PSUBSCRIBE", ...pats);
      const listed = (await admin.call("PUBSUB", "CHANNELS", "ch1*") as string[]).sort();
      const unsub = (await callN(c, chans.length, "UNSUBSCRIBE")).map((f) => f.split("\r\n"));
      const punsub = (await callN(c, pats.length, "PUNSUBSCRIBE")).map((f) => f.split("\r\n"));
      results.push({
        listed,
        channels: unsub.map((f) => f[4]).sort(),
        // counts go down one by one, channels first (patterns still count), then patterns
        counts: [...unsub, ...punsub].map((f) => f[5]),
        patterns: punsub.map((f) => f[4]).sort(),
        left: await admin.call("PUBSUB", "CHANNELS"),
      });
    }
    assert.deepEqual(results[0], results[1]);
    const r = results[0] as { counts: string[] };
    assert.deepEqual(r.counts, Array.from({ length: 40 }, (_, i) => `:${39 - i}`));
  });
});

Deno.test("pubsub state: subscribed clients are exempt from the idle timeout, like Redis", async () => {
  await withPair(async (p) => {
    const alive: boolean[][] = [];
    for (const side of p.sides) {
      const admin = await side.connect();
      await admin.call("CONFIG", "SET", "timeout", "1");
      const sub = await side.connect();
      await callN(sub, 1, "SUBSCRIBE", "keepalive");
      const idle = await side.connect();
      await idle.call("PING");
      alive.push([]);
      (async () => alive[alive.length - 1].push(!(await idle.waitClosed(3500))))();
    }
    await sleep(3000);
    const results: unknown[] = [];
    for (const side of p.sides) {
      const admin = await side.connect();
      results.push(await admin.call("PUBLISH", "keepalive", "still-here"));
      await admin.call("CONFIG", "SET", "timeout", "0");
    }
    await sleep(600);
    assert.deepEqual(results, [1, 1]);
    assert.deepEqual(alive, [[false], [false]], "the idle normal client was closed on both servers");
  });
});

Deno.test("pubsub state (8.2): a RESP3 client's own PUBLISH replies first, then receives the push", async () => {
  // Redis 7.0 writes the push before the reply; 8.2 (since 7.2) holds pushes a command produces for its
  // own client until the reply is written, also inside pipelines and for keyspace events.
  await withServer(async (srv, c) => {
    await c.call("HELLO", "3");
    await callN(c, 1, "SUBSCRIBE", "self");
    await callN(c, 1, "PSUBSCRIBE", "s*");
    assert.deepEqual(await callN(c, 3, "PUBLISH", "self", "m"), [
      ":2\r\n",
      messageFrame("self", "m", 3),
      pmessageFrame("s*", "self", "m", 3),
    ]);
    // pipelined: each reply is followed by the pushes its own command produced
    await c.write("*3\r\n$7\r\nPUBLISH\r\n$4\r\nself\r\n$1\r\na\r\n*2\r\n$4\r\nECHO\r\n$1\r\nz\r\n");
    assert.deepEqual(await readN(c, 4), [
      ":2\r\n",
      messageFrame("self", "a", 3),
      pmessageFrame("s*", "self", "a", 3),
      "$1\r\nz\r\n",
    ]);
    await c.call("CONFIG", "SET", "notify-keyspace-events", "KE$");
    await callN(c, 1, "PSUBSCRIBE", "__key*__:*");
    assert.deepEqual(await callN(c, 3, "SET", "k", "v"), [
      "+OK\r\n",
      pmessageFrame("__key*__:*", "__keyspace@0__:k", "set", 3),
      pmessageFrame("__key*__:*", "__keyevent@0__:set", "k", 3),
    ]);
    // another client's publish is delivered without waiting for anything
    const other = await RawClient.connect(srv.port);
    assert.equal(await other.call("PUBLISH", "self", "x"), 2);
    assert.deepEqual(await readN(c, 2), [messageFrame("self", "x", 3), pmessageFrame("s*", "self", "x", 3)]);
    other.close();
  });
});

Deno.test("pubsub state: disconnect and RESET drop every subscription from the registries", async () => {
  await withServer(async (srv, c) => {
    await callN(c, 2, "SUBSCRIBE", "a", "b");
    await callN(c, 1, "PSUBSCRIBE", "a*");
    await callN(c, 1, "SSUBSCRIBE", "s");
    const st = pubsubOf(srv.server)!;
    assert.deepEqual([st.channels.size, st.patterns.size, st.shard.size], [2, 1, 1]);
    assert.equal(await c.call("RESET"), "RESET");
    assert.deepEqual([st.channels.size, st.patterns.size, st.shard.size], [0, 0, 0]);
    const d = await RawClient.connect(srv.port);
    await callN(d, 1, "SUBSCRIBE", "a");
    await callN(d, 1, "PSUBSCRIBE", "*");
    assert.equal(await c.call("PUBLISH", "a", "x"), 2);
    d.close();
    await sleep(100);
    assert.deepEqual([st.channels.size, st.patterns.size, st.shard.size], [0, 0, 0]);
    assert.equal(await c.call("PUBLISH", "a", "x"), 0);
    const info = String(await c.call("INFO", "clients"));
    assert.match(info, /pubsub_clients:0/);
  });
});

Deno.test("pubsub state (8.2): SUBSCRIBE inside MULTI/EXEC; SSUBSCRIBE refused; own messages after EXEC's reply", async () => {
  // Redis 7.0 writes the PUBLISH-to-self message inside EXEC's array; 8.2 sends it after the reply.
  await withServer(async (_srv, c) => {
    assert.equal(await c.call("MULTI"), "OK");
    for (const argv of [["SUBSCRIBE", "q"], ["SSUBSCRIBE", "q"], ["PUBLISH", "q", "hi"], ["PSUBSCRIBE", "q*"]]) {
      assert.equal(await c.call(...argv), "QUEUED");
    }
    assert.deepEqual(await callN(c, 2, "EXEC"), [
      "*4\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nq\r\n:1\r\n" +
      "-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n" +
      ":1\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\nq*\r\n:2\r\n",
      messageFrame("q", "hi"),
    ]);
    // now in RESP2 subscribed mode
    assert.deepEqual(await c.call("GET", "k"), {
      error:
        "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
    });
  });
});
