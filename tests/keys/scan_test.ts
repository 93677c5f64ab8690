/**
 * KEYS and SCAN: option and cursor errors (differential, plus Redis 8.2's cursor rules), complete
 * iterations, the SCAN guarantee under concurrent adds and deletes, TYPE filtering, expired keys, and
 * real clients (ioredis scanStream, node-redis scanIterator).
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { withServer } from "../helpers/server.ts";
import { assertSameReplies, differential, haveRedis, Oracle, type Script } from "../helpers/oracle.ts";
import { RawClient } from "../helpers/resp.ts";
import { startServer } from "../../src/mod.ts";
import type { RObject } from "../../src/types/value.ts";
import { parseScanCursor } from "../../src/commands/scan.ts";
import { recordEvents } from "./events.ts";

Deno.test({
  name: "scan: option errors and single-key replies match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["SCAN", "0"],
      ["KEYS", "*"],
      ["SET", "k", "v"],
      ["SCAN", "0"],
      ["SCAN", "0", "COUNT", "0"],
      ["SCAN", "0", "COUNT", "-1"],
      ["SCAN", "0", "COUNT", "abc"],
      ["SCAN", "0", "COUNT", "99999999999999999999"],
      ["SCAN", "0", "COUNT"],
      ["SCAN", "0", "MATCH"],
      ["SCAN", "0", "TYPE"],
      ["SCAN", "0", "FOO", "bar"],
      ["SCAN", "0", "count", "5", "match", "k*", "type", "string"],
      ["SCAN", "0", "MATCH", "x*", "MATCH", "k"], // the last MATCH wins
      ["SCAN", "0", "TYPE", "STRING"],
      ["SCAN", "0", "TYPE", "list"],
      ["SCAN", "0", "TYPE", "nosuchtype"], // unknown types match nothing (no error in 7.x/8.2)
      ["SCAN", "abc"],
      ["SCAN", "1.5"],
      ["SCAN", "18446744073709551616"],
      ["SCAN", "0x10"],
      ["SCAN", "5 "],
      ["SCAN"],
      ["KEYS"],
      ["KEYS", "a", "b"],
      ["KEYS", "k"],
      ["KEYS", "nomatch*"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test("scan: cursors follow Redis 8.2's string2ull", async () => {
  // Redis 8.2 parses cursors with string2ull; 7.0 used strtoul plus an isspace() check, so 7.0
  // rejects " 5" and accepts "" and "-1" (wrapping), where 8.2 does the opposite.
  assert.equal(parseScanCursor("0"), 0);
  assert.equal(parseScanCursor("+5"), 5);
  assert.equal(parseScanCursor("007"), 7);
  assert.equal(parseScanCursor("-0"), 0);
  assert.equal(parseScanCursor(" 5"), 5);
  assert.equal(parseScanCursor("\t\n12"), 12);
  assert.equal(parseScanCursor("18446744073709551615"), 18446744073709551615);
  assert.equal(parseScanCursor("5\0junk"), 5);
  assert.equal(parseScanCursor("-1"), null);
  assert.equal(parseScanCursor("-9223372036854775808"), null);
  assert.equal(parseScanCursor(""), null);
  assert.equal(parseScanCursor(" "), null);
  assert.equal(parseScanCursor("5 "), null);
  assert.equal(parseScanCursor("18446744073709551616"), null);
  assert.equal(parseScanCursor("0x10"), null);
  assert.equal(parseScanCursor("+"), null);
  await withServer(async (_srv, c) => {
    await c.call("SET", "k", "v");
    assert.deepEqual(await c.call("SCAN", " 0"), ["0", ["k"]]);
    assert.equal(await c.callRaw("SCAN", "-1"), "-ERR invalid cursor\r\n");
    assert.equal(await c.callRaw("SCAN", ""), "-ERR invalid cursor\r\n");
    // A cursor beyond the keyspace (stale, or from another server) continues from the top.
    assert.deepEqual(await c.call("SCAN", "18446744073709551615"), ["0", ["k"]]);
    // Redis 7.4+ answers NOVALUES on SCAN with a dedicated error (7.0: syntax error).
    assert.equal(await c.callRaw("SCAN", "0", "NOVALUES"), "-ERR NOVALUES option can only be used in HSCAN\r\n");
  });
});

/** Runs a full SCAN iteration with `args`; returns every key returned (with duplicates) and the calls. */
async function fullScan(c: RawClient, args: (string | number)[]): Promise<{ keys: string[]; calls: number }> {
  let cursor = "0";
  const keys: string[] = [];
  let calls = 0;
  do {
    const [next, batch] = (await c.call("SCAN", cursor, ...args)) as [string, string[]];
    keys.push(...batch);
    cursor = next;
    calls++;
  } while (cursor !== "0");
  return { keys, calls };
}

Deno.test({
  name: "scan: full iterations with MATCH/COUNT return the same key sets as redis-server",
  ignore: !haveRedis(),
  async fn() {
    const srv = await startServer();
    const oracle = await Oracle.start();
    try {
      const ours = await RawClient.connect(srv.port);
      const theirs = await RawClient.connect(oracle.port);
      for (const c of [ours, theirs]) {
        let batch = "";
        for (let i = 0; i < 1000; i++) batch += `*3\r\n$3\r\nSET\r\n$${`key:${i}`.length}\r\nkey:${i}\r\n$1\r\nv\r\n`;
        await c.write(batch);
        for (let i = 0; i < 1000; i++) await c.readRaw();
      }
      for (const args of [[], ["COUNT", 1], ["COUNT", 100], ["MATCH", "key:1*"], ["MATCH", "key:[0-4]?", "COUNT", 3]]) {
        const a = await fullScan(ours, args);
        const b = await fullScan(theirs, args);
        assert.deepEqual([...new Set(a.keys)].sort(), [...new Set(b.keys)].sort(), `SCAN ${args.join(" ")}`);
        assert.equal(a.keys.length, new Set(a.keys).size, "a quiet keyspace returns no duplicates");
      }
      const count1 = await fullScan(ours, ["COUNT", 1]);
      assert.ok(count1.calls >= 1000, "COUNT 1 visits one slot per call");
      ours.close();
      theirs.close();
    } finally {
      await srv.close();
      await oracle.stop();
    }
  },
});

Deno.test("scan: every key present for the whole iteration is returned despite concurrent adds and deletes", async () => {
  await withServer(async (_srv, c) => {
    const stable = new Set<string>();
    let pipeline = "";
    for (let i = 0; i < 3000; i++) {
      const k = `stable:${i}`;
      stable.add(k);
      pipeline += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1\r\nv\r\n`;
    }
    for (let i = 0; i < 3000; i++) {
      const k = `churn:${i}`;
      pipeline += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1\r\nv\r\n`;
    }
    await c.write(pipeline);
    for (let i = 0; i < 6000; i++) await c.readRaw();
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let added = 0;
    let cursor = "0";
    const seen = new Set<string>();
    let calls = 0;
    do {
      const [next, batch] = (await c.call("SCAN", cursor, "COUNT", 1 + rnd(40))) as [string, string[]];
      for (const k of batch) seen.add(k);
      cursor = next;
      calls++;
      // Between calls: delete some churn keys (holes get filled by swapping the last slot in), and
      // add new keys.
      const ops: string[][] = [];
      for (let i = 0; i < 15; i++) ops.push(["DEL", `churn:${rnd(3000)}`]);
      for (let i = 0; i < 10; i++) ops.push(["SET", `new:${added++}`, "v"]);
      for (const op of ops) await c.send(...op);
      for (let i = 0; i < ops.length; i++) await c.read();
    } while (cursor !== "0");
    const missing = [...stable].filter((k) => !seen.has(k));
    assert.deepEqual(missing, [], `${missing.length} stable keys never returned in ${calls} calls`);
  });
});

/** A minimal non-string value, to check SCAN TYPE against the RObject contract. */
class Box implements RObject {
  constructor(readonly type: "list" | "hash" | "ReJSON-RL") {}
  encoding(): string {
    return "listpack";
  }
  clone(): Box {
    return new Box(this.type);
  }
}

Deno.test("scan: TYPE filters by type name case-insensitively, module names included", async () => {
  await withServer(async (srv, c) => {
    const db = srv.server.dbs[0];
    db.set("l1", new Box("list"));
    db.set("l2", new Box("list"));
    db.set("h1", new Box("hash"));
    db.set("j1", new Box("ReJSON-RL"));
    await c.call("SET", "s1", "v");
    const scanType = async (t: string) => {
      const r = (await c.call("SCAN", "0", "COUNT", "100", "TYPE", t)) as [string, string[]];
      return r[1].sort();
    };
    assert.deepEqual(await scanType("list"), ["l1", "l2"]);
    assert.deepEqual(await scanType("LIST"), ["l1", "l2"]);
    assert.deepEqual(await scanType("hash"), ["h1"]);
    assert.deepEqual(await scanType("string"), ["s1"]);
    assert.deepEqual(await scanType("rejson-rl"), ["j1"]);
    assert.deepEqual(await scanType("zset"), []);
    const r = (await c.call("SCAN", "0", "COUNT", "100", "TYPE", "list", "MATCH", "*2")) as [string, string[]];
    assert.deepEqual(r[1], ["l2"]);
  });
});

Deno.test("scan: expired keys met by SCAN are reclaimed and not returned; KEYS only hides them", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    for (let i = 0; i < 20; i++) await c.call("SET", `t${i}`, "v", "PX", "100");
    for (let i = 0; i < 5; i++) await c.call("SET", `p${i}`, "v");
    srv.server.clock.offsetMs += 1000;
    assert.equal(((await c.call("KEYS", "*")) as string[]).length, 5);
    assert.equal(await c.call("DBSIZE"), 25);
    const events = recordEvents(srv.server);
    const r = (await c.call("SCAN", "0", "COUNT", "1000")) as [string, string[]];
    assert.deepEqual(r[1].sort(), ["p0", "p1", "p2", "p3", "p4"]);
    assert.equal(await c.call("DBSIZE"), 5);
    assert.equal(events.length, 20);
    assert.ok(events.every((e) => e.startsWith("x expired t")));
  });
});

Deno.test("scan: ioredis scanStream and node-redis scanIterator walk the whole keyspace", async () => {
  await withServer(async (srv, c) => {
    let pipeline = "";
    for (let i = 0; i < 500; i++) {
      const k = i % 2 === 0 ? `user:${i}` : `order:${i}`;
      pipeline += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1\r\nv\r\n`;
    }
    await c.write(pipeline);
    for (let i = 0; i < 500; i++) await c.readRaw();

    const io = new Redis({ port: srv.port, host: "127.0.0.1", lazyConnect: true });
    await io.connect();
    try {
      const found = new Set<string>();
      const stream = io.scanStream({ match: "user:*", count: 17 });
      for await (const batch of stream) for (const k of batch as string[]) found.add(k);
      assert.equal(found.size, 250);
      assert.ok([...found].every((k) => k.startsWith("user:")));
      const all = new Set<string>();
      for await (const batch of io.scanStream({ count: 50 })) for (const k of batch as string[]) all.add(k);
      assert.equal(all.size, 500);
    } finally {
      io.disconnect();
    }

    const nr = createClient({ socket: { port: srv.port, host: "127.0.0.1" } });
    await nr.connect();
    try {
      const found = new Set<string>();
      for await (const k of nr.scanIterator({ MATCH: "order:*", COUNT: 33 })) found.add(k);
      assert.equal(found.size, 250);
      const keys = await nr.keys("order:1*");
      assert.deepEqual(keys.sort(), [...found].filter((k) => k.startsWith("order:1")).sort());
    } finally {
      await nr.disconnect();
    }
  });
});
