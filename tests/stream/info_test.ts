/**
 * XINFO STREAM (plain and FULL with COUNT), XINFO GROUPS and XINFO CONSUMERS with the Redis 7.2+
 * fields (active-time, inactive), lag and entries-read through deletions, RESP3 maps, OBJECT
 * ENCODING `stream`, and the XINFO STREAM fields that match the 7.0 oracle.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient, type RespValue } from "../helpers/resp.ts";
import { Oracle } from "../helpers/oracle.ts";

/** A flat RESP2 field list as an object. */
function obj(v: RespValue): Record<string, RespValue> {
  const a = v as RespValue[];
  const o: Record<string, RespValue> = {};
  for (let i = 0; i < a.length; i += 2) o[a[i] as string] = a[i + 1];
  return o;
}

Deno.test("XINFO STREAM/GROUPS: counters, lag and entries-read match redis-server through XDEL", async () => {
  const script: (string | number)[][] = [
    ["XADD", "s", "1-1", "a", "1"],
    ["XADD", "s", "2-1", "b", "2"],
    ["XADD", "s", "3-1", "c", "3"],
    ["XGROUP", "CREATE", "s", "g1", "0"],
    ["XGROUP", "CREATE", "s", "g2", "$"],
    ["XGROUP", "CREATE", "s", "g3", "1-1"],
    ["XREADGROUP", "GROUP", "g1", "c", "COUNT", "1", "STREAMS", "s", ">"],
    ["XDEL", "s", "2-1"],
    ["XADD", "s", "4-1", "d", "4"],
    ["XREADGROUP", "GROUP", "g3", "c", "COUNT", "1", "STREAMS", "s", ">"],
    ["XDEL", "s", "1-1"],
  ];
  const ours = await withOurs(script);
  const oracle = await Oracle.start();
  try {
    const theirs = await runOn(oracle.port, script);
    for (
      const k of ["length", "last-generated-id", "max-deleted-entry-id", "entries-added", "recorded-first-entry-id"]
    ) {
      assert.deepEqual(ours.stream[k], theirs.stream[k], k);
    }
    assert.deepEqual(ours.stream["first-entry"], theirs.stream["first-entry"]);
    assert.deepEqual(ours.stream["last-entry"], theirs.stream["last-entry"]);
    assert.deepEqual(ours.groups, theirs.groups);
  } finally {
    await oracle.stop();
  }
});

async function runOn(port: number, script: (string | number)[][]) {
  const c = await RawClient.connect(port);
  try {
    for (const cmd of script) await c.call(...cmd);
    return { stream: obj(await c.call("XINFO", "STREAM", "s")), groups: await c.call("XINFO", "GROUPS", "s") };
  } finally {
    c.close();
  }
}

async function withOurs(script: (string | number)[][]) {
  let out: Awaited<ReturnType<typeof runOn>> | undefined;
  await withServer(async (srv) => {
    out = await runOn(srv.port, script);
  });
  return out!;
}

Deno.test("XINFO STREAM FULL and XINFO CONSUMERS (8.2 fields), RESP3, OBJECT ENCODING", async () => {
  await withServer(async (srv, c) => {
    for (let i = 1; i <= 12; i++) await c.call("XADD", "s", `${i}-0`, "f", String(i));
    await c.call("XGROUP", "CREATE", "s", "g", "0");
    await c.call("XGROUP", "CREATECONSUMER", "s", "g", "idle");
    const before = Date.now();
    await c.call("XREADGROUP", "GROUP", "g", "bob", "COUNT", "3", "STREAMS", "s", ">");
    assert.equal(await c.call("OBJECT", "ENCODING", "s"), "stream");
    assert.equal(await c.call("TYPE", "s"), "stream");

    const full = obj(await c.call("XINFO", "STREAM", "s", "FULL", "COUNT", "2"));
    assert.equal(full.length, 12);
    assert.deepEqual(full.entries, [["1-0", ["f", "1"]], ["2-0", ["f", "2"]]]);
    const [g] = full.groups as RespValue[];
    const go = obj(g);
    assert.equal(go.name, "g");
    assert.equal(go["last-delivered-id"], "3-0");
    assert.equal(go["entries-read"], 3);
    assert.equal(go.lag, 9);
    assert.equal(go["pel-count"], 3);
    const pending = go.pending as RespValue[][];
    assert.equal(pending.length, 2);
    assert.equal(pending[0][0], "1-0");
    assert.equal(pending[0][1], "bob");
    assert.ok((pending[0][2] as number) >= before - 1000 && (pending[0][2] as number) <= Date.now() + 1000);
    assert.equal(pending[0][3], 1);
    const consumers = (go.consumers as RespValue[]).map(obj);
    assert.deepEqual(consumers.map((x) => x.name), ["bob", "idle"]);
    assert.equal(consumers[0]["pel-count"], 3);
    assert.ok((consumers[0]["active-time"] as number) >= before - 1000);
    assert.equal(consumers[1]["active-time"], -1);
    assert.deepEqual(full.entries, [["1-0", ["f", "1"]], ["2-0", ["f", "2"]]]);
    const all = obj(await c.call("XINFO", "STREAM", "s", "FULL", "COUNT", "0"));
    assert.equal((all.entries as RespValue[]).length, 12);

    const cons = (await c.call("XINFO", "CONSUMERS", "s", "g") as RespValue[]).map(obj);
    assert.deepEqual(cons.map((x) => [x.name, x.pending]), [["bob", 3], ["idle", 0]]);
    assert.equal(cons[1].inactive, -1);
    assert.ok((cons[0].inactive as number) >= 0 && (cons[0].idle as number) >= 0);

    // COPY deep-copies entries, groups, consumers and PELs.
    assert.equal(await c.call("COPY", "s", "s2"), 1);
    assert.equal(await c.call("XACK", "s2", "g", "1-0"), 1);
    await c.call("XADD", "s2", "13-0", "f", "13");
    assert.deepEqual((await c.call("XPENDING", "s", "g") as unknown[])[0], 3);
    assert.deepEqual((await c.call("XPENDING", "s2", "g") as unknown[]).slice(0, 3), [2, "2-0", "3-0"]);
    assert.equal(await c.call("XLEN", "s"), 12);
    assert.equal(await c.call("XLEN", "s2"), 13);
    assert.deepEqual(await c.call("XINFO", "STREAM", "nokey"), { error: "ERR no such key" });
    assert.match(
      (await c.call("XINFO", "STREAM", "s", "FULL", "COUNT") as { error: string }).error,
      /^ERR unknown subcommand/,
    );

    // RESP3: XREAD replies a map keyed by stream; XINFO replies maps.
    const r3 = await RawClient.connect(srv.port);
    try {
      await r3.call("HELLO", "3");
      const raw = await r3.callRaw("XREAD", "COUNT", "1", "STREAMS", "s", "0");
      assert.equal(raw, "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n");
      const gr = await r3.callRaw("XINFO", "GROUPS", "s");
      assert.ok(gr.startsWith("*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n"), gr);
      assert.equal(await r3.callRaw("XINFO", "STREAM", "empty"), "-ERR no such key\r\n");
      assert.equal(await r3.callRaw("XREAD", "STREAMS", "nokey", "0"), "_\r\n");
    } finally {
      r3.close();
    }
  });
});
