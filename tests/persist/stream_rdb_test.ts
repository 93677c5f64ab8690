/**
 * Streams in RDB files and DUMP payloads (rdb_stream.ts): the codec on edge values and corrupt input;
 * SAVE + DEBUG RELOAD, BGSAVE and DUMP/RESTORE round trips of streams with deletions, trims, groups,
 * pending entries and consumers; and against Debian's redis-server 7.0: byte-identical v10 DUMP
 * payloads, its dump.rdb loaded here, our v10 dump.rdb checked by redis-check-rdb and loaded there,
 * a hand-made type 15 (5.0–6.2 layout) file read by both, and DEBUG DIGEST-VALUE.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { RawClient, type RespValue } from "../helpers/resp.ts";
import { haveRedis, Oracle } from "../helpers/oracle.ts";
import { setRdbTargetVersion } from "../../src/persist/persistence.ts";
import { ByteReader, ByteWriter, RdbError } from "../../src/persist/bytes_io.ts";
import { Crc64 } from "../../src/persist/crc64.ts";
import { lpEncode } from "../../src/persist/packed.ts";
import { readStream, writeStream } from "../../src/persist/rdb_stream.ts";
import { writeLen, writeString } from "../../src/persist/rdb_write.ts";
import { T } from "../../src/persist/rdb_format.ts";
import { Consumer, Group, newNack, Stream } from "../../src/types/stream.ts";
import { makeId, MAX_ID } from "../../src/types/stream_id.ts";
import { checkRdb, oracleWith, run, until } from "./helpers.ts";

const ignore = !haveRedis();
const RAW = { version: 12, compress: false };

// ---- datasets ---------------------------------------------------------------------------------------

/** Streams with explicit IDs (deterministic everywhere) and no consumer groups. */
function entriesScript(): string[][] {
  const s: string[][] = [];
  for (let i = 1; i <= 250; i++) {
    const f = i % 7 === 0 ? ["other", String(i), "x", "y"] : ["name", "n" + i, "num", String(i * 1000)];
    s.push(["XADD", "s", `${1000 + Math.floor(i / 3)}-${i % 3 === 0 ? 0 : i}`, ...f]);
  }
  // node-first entries, a middle one, the last one
  s.push(["XDEL", "s", "1000-1", "1033-100", "1010-31", "1083-250"]);
  for (let i = 1; i <= 320; i++) s.push(["XADD", "t", `${i}-0`, "k", "v".repeat(i % 30), "n", String(i - 160)]);
  s.push(["XTRIM", "t", "MAXLEN", "~", "150"], ["XTRIM", "t", "MAXLEN", "130"], ["XTRIM", "t", "MINID", "195"]);
  s.push(["XADD", "e", "1-1", "a", "1"], ["XDEL", "e", "1-1"]);
  s.push(["XADD", "big", "0-1", "a", "1"], ["XADD", "big", "18446744073709551615-18446744073709551614", "b", "2"]);
  s.push(["XADD", "neg", "5-10", "a", "1"], ["XADD", "neg", "6-0", "a", "2"], ["XADD", "neg", "6-1", "b", "3"]);
  s.push([
    "XADD",
    "ints",
    "1-1",
    "i",
    "-1",
    "max",
    "9223372036854775807",
    "lead",
    "007",
    "empty",
    "",
    "long",
    "L".repeat(5000),
  ]);
  return s;
}

/** Consumer groups, pending entries and consumers on top of entriesScript (times differ per run). */
function groupsScript(): string[][] {
  return [
    ["XGROUP", "CREATE", "s", "g1", "0"],
    ["XGROUP", "CREATE", "s", "g0", "$"],
    ["XGROUP", "CREATE", "s", "g2", "1010-30", "ENTRIESREAD", "7"],
    ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "s", ">"],
    ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "s", ">"],
    ["XACK", "s", "g1", "1000-2"],
    ["XGROUP", "CREATECONSUMER", "s", "g1", "carol"],
    ["XCLAIM", "s", "g1", "carol", "0", "1001-4", "RETRYCOUNT", "7"],
    ["XREADGROUP", "GROUP", "g2", "dave", "COUNT", "2", "STREAMS", "s", ">"],
    ["XDEL", "s", "1001-4"], // pending in g1 and deleted
    ["XGROUP", "CREATE", "t", "gt", "0"],
    ["XREADGROUP", "GROUP", "gt", "c1", "COUNT", "4", "STREAMS", "t", ">"],
    ["XGROUP", "CREATE", "mk", "g", "$", "MKSTREAM"],
    ["XGROUP", "CREATE", "e", "ge", "$"],
  ];
}

const STREAMS = ["s", "t", "e", "big", "neg", "ints"];
const GROUPED = ["s", "t", "e", "big", "neg", "ints", "mk"];

/** Drops `key value` pairs named in `drop` from flat key/value replies (at any depth). */
function strip(v: RespValue, drop: Set<string>): RespValue {
  if (!Array.isArray(v)) return v;
  const out: RespValue[] = [];
  const kv = v.length % 2 === 0 && v.every((x, i) => i % 2 === 1 || typeof x === "string");
  for (let i = 0; i < v.length; i++) {
    if (kv && i % 2 === 0 && drop.has(v[i] as string)) {
      i++;
      continue;
    }
    out.push(strip(v[i], drop));
  }
  return out;
}

/**
 * What a client can see of the streams: XRANGE, XREVRANGE, XLEN, XINFO STREAM FULL (minus the
 * approximated radix-tree-nodes and, with `v70`, 7.2's active-time), XINFO GROUPS, XPENDING summary
 * and extended (without the idle time, which moves).
 */
async function views(c: RawClient, keys: string[], v70 = false): Promise<Record<string, RespValue>> {
  const drop = new Set(["radix-tree-nodes", ...(v70 ? ["active-time"] : [])]);
  const out: Record<string, RespValue> = {};
  for (const k of keys) {
    out[`${k} xrange`] = await c.call("XRANGE", k, "-", "+");
    out[`${k} xrevrange`] = await c.call("XREVRANGE", k, "+", "-", "COUNT", 3);
    out[`${k} xlen`] = await c.call("XLEN", k);
    out[`${k} full`] = strip(await c.call("XINFO", "STREAM", k, "FULL", "COUNT", 0), drop);
    const groups = (await c.call("XINFO", "GROUPS", k)) as RespValue[][];
    out[`${k} groups`] = groups;
    for (const g of groups) {
      const name = g[1] as string;
      out[`${k} ${name} xpending`] = await c.call("XPENDING", k, name);
      const ext = (await c.call("XPENDING", k, name, "-", "+", 1000)) as RespValue[][];
      out[`${k} ${name} xpending ext`] = ext.map((e) => [e[0], e[1], e[3]]);
    }
  }
  return out;
}

function tmpdir(): string {
  return Deno.makeTempDirSync({ prefix: "stream-rdb-" });
}

// ---- codec ------------------------------------------------------------------------------------------

function sample(): Stream {
  const s = new Stream();
  s.append(makeId(0, 1), ["a", "1"], 3);
  s.append(makeId(0, 2), ["a", "2", "b", ""], 3);
  s.append(makeId(5, 0), ["a", "-7"], 3);
  s.append(makeId(2n ** 64n - 1n, 0), ["a", "x"], 3); // ms delta wraps past 2^63
  s.append(makeId(2n ** 64n - 1n, 2n ** 64n - 2n), ["z", "9223372036854775807"], 3);
  s.deleteEntry(makeId(0, 1)); // a node's master entry
  s.updateFirstId();
  s.lastId = makeId(2n ** 64n - 1n, 2n ** 64n - 1n);
  return s;
}

Deno.test("stream codec: edge IDs, wrapping deltas, deleted master entries, types 19/21, corrupt input", () => {
  const s = sample();
  s.entriesAdded = 2 ** 40;
  s.maxDeletedId = makeId(0, 1);
  const g = new Group("grp", makeId(5, 0), -1);
  const alice = new Consumer("alice", 1700000000123);
  alice.activeTime = 1700000000456;
  g.consumers.set("alice", alice);
  g.consumers.set("idle", new Consumer("idle", 42));
  for (const id of [makeId(0, 1), makeId(5, 0)]) {
    const n = newNack(1700000000999, 2 ** 33, alice);
    g.pel.set(id, n);
    alice.pel.set(id, n);
  }
  s.groups.set("grp", g);
  s.groups.set("empty", new Group("empty", MAX_ID, 9));

  for (const type of [T.STREAM_LISTPACKS_2, T.STREAM_LISTPACKS_3]) {
    const w = new ByteWriter(64);
    writeStream(w, s, type, RAW);
    const data = w.view().slice();
    const r = new ByteReader(data);
    const back = readStream(r, type);
    assert.equal(r.remaining, 0);
    const w2 = new ByteWriter(64);
    writeStream(w2, back, type, RAW);
    assert.deepEqual(w2.view(), data, "re-encoding is identical");
    const flat: string[] = [];
    back.entries.forEach((id, f) => flat.push(id, ...f));
    const want: string[] = [];
    s.entries.forEach((id, f) => want.push(id, ...f));
    assert.deepEqual(flat, want);
    assert.deepEqual(back.entries.blocks.map((b) => b.ids), s.entries.blocks.map((b) => b.ids));
    assert.equal(back.lastId, s.lastId);
    assert.equal(back.firstId, s.firstId);
    assert.equal(back.maxDeletedId, s.maxDeletedId);
    assert.equal(back.entriesAdded, 2 ** 40);
    const bg = back.groups.get("grp")!;
    assert.equal(bg.entriesRead, -1);
    assert.equal(bg.lastId, makeId(5, 0));
    const ba = bg.consumers.get("alice")!;
    assert.equal(ba.seenTime, 1700000000123);
    assert.equal(ba.activeTime, type === T.STREAM_LISTPACKS_3 ? 1700000000456 : 1700000000123);
    assert.equal(bg.pel.get(makeId(0, 1))!.consumer, ba);
    assert.equal(ba.pel.get(makeId(5, 0)), bg.pel.get(makeId(5, 0)));
    assert.equal(bg.pel.get(makeId(5, 0))!.deliveryCount, 2 ** 33);
    assert.equal(back.groups.get("empty")!.lastId, MAX_ID);

    // Every single-byte corruption and every truncation: a value or an RdbError, nothing else.
    for (let i = 0; i < data.length; i++) {
      for (const delta of [1, 0x40, 0x80]) {
        const bad = data.slice();
        bad[i] ^= delta;
        try {
          readStream(new ByteReader(bad), type);
        } catch (e) {
          if (!(e instanceof RdbError)) throw new Error(`byte ${i} ^ ${delta}: ${e}`);
        }
      }
      try {
        readStream(new ByteReader(data.subarray(0, i)), type);
        assert.fail("truncated input loaded");
      } catch (e) {
        if (!(e instanceof RdbError)) throw e;
      }
    }
  }
});

// ---- our server -------------------------------------------------------------------------------------

Deno.test("SAVE + DEBUG RELOAD, BGSAVE and DUMP/RESTORE keep streams with deletions, trims, groups, PELs", async () => {
  const dir = tmpdir();
  const srv = await startServer({ config: { dir, "enable-debug-command": "yes" } });
  const c = await RawClient.connect(srv.port);
  try {
    await run(c, entriesScript());
    await run(c, groupsScript());
    const before = await views(c, GROUPED);
    assert.equal(before["s xlen"], 245);
    assert.deepEqual((before["s g1 xpending"] as RespValue[]).slice(0, 3), [7, "1001-0", "1003-0"]);
    assert.equal(before["t xlen"], 126);
    const digests = [];
    for (const k of GROUPED) digests.push(await c.call("DEBUG", "DIGEST-VALUE", k));
    const digest = await c.call("DEBUG", "DIGEST");

    assert.equal(await c.call("SAVE"), "OK");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.deepEqual(await views(c, GROUPED), before);
    assert.equal(await c.call("DEBUG", "DIGEST"), digest);
    assert.equal(await c.call("DEBUG", "RELOAD"), "OK");
    assert.deepEqual(await views(c, GROUPED), before);

    assert.equal(await c.call("BGSAVE"), "Background saving started");
    await until(async () => /rdb_bgsave_in_progress:0/.test((await c.call("INFO", "persistence")) as string));
    assert.match((await c.call("INFO", "persistence")) as string, /rdb_last_bgsave_status:ok/);
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.deepEqual(await views(c, GROUPED), before);
    const after = [];
    for (const k of GROUPED) after.push(await c.call("DEBUG", "DIGEST-VALUE", k));
    assert.deepEqual(after, digests);

    // DUMP (type 21, v12) / RESTORE, and the payload of the restored copy is the same bytes
    for (const k of GROUPED) {
      const p = (await c.call("DUMP", k)) as string;
      assert.equal(p.charCodeAt(0), T.STREAM_LISTPACKS_3, k);
      assert.equal(p.charCodeAt(p.length - 10), 12);
      assert.equal(await c.call("RESTORE", "copy", 0, p), "OK");
      assert.equal(await c.call("DUMP", "copy"), p, k);
      const mine = await views(c, [k]);
      const copy = await views(c, ["copy"]);
      assert.deepEqual(Object.values(copy), Object.values(mine), k);
      await c.call("DEL", "copy");
    }
    setRdbTargetVersion(srv.server, 10);
    const p10 = (await c.call("DUMP", "s")) as string;
    assert.equal(p10.charCodeAt(0), T.STREAM_LISTPACKS_2);
    assert.equal(p10.charCodeAt(p10.length - 10), 10);
    assert.equal(await c.call("RESTORE", "s10", 0, p10), "OK");
    assert.deepEqual(
      Object.values(await views(c, ["s10"], true)),
      Object.values(await views(c, ["s"], true)),
    );
    setRdbTargetVersion(srv.server, 12);

    // The reloaded streams keep working as before: nodes fill up, groups deliver the next entries.
    const grown = (await c.call("XADD", "s", "*", "name", "new")) as string;
    assert.match(grown, /^\d+-\d+$/);
    const next = (await c.call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", 1, "STREAMS", "s", ">")) as RespValue[][];
    assert.equal((next[0][1] as RespValue[][])[0][0], "1003-10");
    assert.deepEqual(await c.call("XADD", "e", "1-1", "a", "b"), {
      error: "ERR The ID specified in XADD is equal or smaller than the target stream top item",
    });
    // a corrupt payload is refused cleanly
    const bad = p10.slice(0, 20) + "\xff" + p10.slice(21);
    const r = await c.call("RESTORE", "bad", 0, bad);
    assert.ok(typeof r === "object" && r !== null && "error" in r);
  } finally {
    c.close();
    await srv.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

// ---- redis-server 7.0 -------------------------------------------------------------------------------

Deno.test({
  name: "v10 DUMP payloads of streams are byte-identical to redis-server 7.0's; DIGEST-VALUE matches",
  ignore,
  async fn() {
    const srv = await startServer({ config: { "enable-debug-command": "yes" } });
    setRdbTargetVersion(srv.server, 10);
    // deep validation of every payload RESTOREd there (our DELETED entries carry no fields)
    const o = await Oracle.start(["--sanitize-dump-payload", "yes"]);
    const a = await RawClient.connect(srv.port), b = await RawClient.connect(o.port);
    try {
      for (const cmd of entriesScript()) {
        assert.deepEqual(await a.call(...cmd), await b.call(...cmd), cmd.join(" ").slice(0, 60));
      }
      for (const k of STREAMS) {
        assert.deepEqual(await a.call("DEBUG", "DIGEST-VALUE", k), await b.call("DEBUG", "DIGEST-VALUE", k), k);
      }
      // Streams without deletions: everything is determined by the commands. (XDEL'd entries keep
      // their fields in 7.0's listpacks but not here, so those payloads differ.)
      for (const k of ["big", "neg", "ints"]) assert.equal(await a.call("DUMP", k), await b.call("DUMP", k), k);
      // Every payload restores on the other side to the same stream.
      for (const k of STREAMS) {
        const theirs = (await b.call("DUMP", k)) as string;
        assert.equal(await a.call("RESTORE", "r:" + k, 0, theirs), "OK", k);
        assert.equal(await b.call("RESTORE", "r:" + k, 0, (await a.call("DUMP", k)) as string), "OK", k);
      }
      for (const k of STREAMS) {
        const want = Object.values(await views(b, [k], true));
        assert.deepEqual(Object.values(await views(a, ["r:" + k], true)), want, "ours from 7.0's " + k);
        assert.deepEqual(Object.values(await views(b, ["r:" + k], true)), want, "7.0's from ours " + k);
      }
      assert.equal(await a.call("DEBUG", "DIGEST"), await b.call("DEBUG", "DIGEST"));
    } finally {
      a.close();
      b.close();
      await srv.close();
      await o.stop();
    }
  },
});

Deno.test({
  name: "a dump.rdb with streams written by redis-server 7.0 loads here with the same replies",
  ignore,
  async fn() {
    const o = await Oracle.start();
    const b = await RawClient.connect(o.port);
    const dir = tmpdir();
    try {
      await run(b, entriesScript());
      await run(b, groupsScript());
      // one more stream with groups and no deletions, to compare DUMP payloads byte for byte
      await run(b, [
        ["XADD", "nd", "1-1", "f", "v"],
        ["XADD", "nd", "1-2", "f", "w"],
        ["XADD", "nd", "2-0", "g", "x"],
        ["XGROUP", "CREATE", "nd", "gr", "0"],
        ["XREADGROUP", "GROUP", "gr", "zed", "COUNT", "2", "STREAMS", "nd", ">"],
        ["XGROUP", "CREATECONSUMER", "nd", "gr", "amy"],
      ]);
      assert.equal(await b.call("SAVE"), "OK");
      Deno.copyFileSync(`${o.dir}/dump.rdb`, `${dir}/dump.rdb`);
      const srv = await startServer({ config: { dir, "enable-debug-command": "yes" } });
      const a = await RawClient.connect(srv.port);
      try {
        assert.equal(await a.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
        const keys = [...GROUPED, "nd"];
        assert.deepEqual(await views(a, keys, true), await views(b, keys, true));
        for (const k of keys) {
          assert.deepEqual(await a.call("DEBUG", "DIGEST-VALUE", k), await b.call("DEBUG", "DIGEST-VALUE", k), k);
        }
        // 7.0 has no active time: it loads as the seen time.
        const full = (await a.call("XINFO", "STREAM", "nd", "FULL")) as RespValue[];
        const group = ((full[full.indexOf("groups") + 1] as RespValue[])[0]) as RespValue[];
        const cons = (group[group.indexOf("consumers") + 1] as RespValue[][]).map((x) => [x[3], x[5]]);
        for (const [seen, active] of cons) assert.equal(active, seen);
        setRdbTargetVersion(srv.server, 10);
        for (const k of ["nd", "big", "neg", "ints", "mk"]) {
          assert.equal(await a.call("DUMP", k), await b.call("DUMP", k), k);
        }
      } finally {
        a.close();
        await srv.close();
      }
    } finally {
      b.close();
      await o.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "our v10 dump.rdb with streams passes redis-check-rdb and loads in redis-server 7.0 identically",
  ignore,
  async fn() {
    const dir = tmpdir();
    const srv = await startServer({ config: { dir, "enable-debug-command": "yes" } });
    setRdbTargetVersion(srv.server, 10);
    const a = await RawClient.connect(srv.port);
    try {
      await run(a, entriesScript());
      await run(a, groupsScript());
      assert.equal(await a.call("SAVE"), "OK");
      checkRdb(`${dir}/dump.rdb`);
      const { o, b } = await oracleWith(`${dir}/dump.rdb`);
      try {
        assert.deepEqual(await views(b, GROUPED, true), await views(a, GROUPED, true));
        assert.equal(await b.call("DEBUG", "DIGEST"), await a.call("DEBUG", "DIGEST"));
        // and 7.0 writes it back in a form we load to the same state
        assert.equal(await b.call("SAVE"), "OK");
        Deno.copyFileSync(`${o.dir}/dump.rdb`, `${dir}/dump.rdb`);
        const before = await views(a, GROUPED);
        assert.equal(await a.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
        assert.deepEqual(await views(a, GROUPED), before);
      } finally {
        b.close();
        await o.stop();
      }
    } finally {
      a.close();
      await srv.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

/** A v9 file holding one type-15 stream (the 5.0–6.2 layout): 5 entries in 2 nodes, 1 deleted, a group. */
function type15File(): Uint8Array {
  const w = new ByteWriter();
  w.str("REDIS0009");
  w.u8(0xfe);
  writeLen(w, 0);
  w.u8(T.STREAM_LISTPACKS);
  writeString(w, "old", RAW);
  writeLen(w, 2);
  // node 1: 10-1 (deleted), 10-2 same fields, 11-0 other fields
  writeString(w, makeId(10, 1), RAW);
  // deno-fmt-ignore
  const n1 = lpEncode([
    "2", "1", "1", "f", "0", // master: count, deleted, #fields, fields, 0
    "3", "0", "0", "a", "4", // 10-1 deleted + samefields
    "2", "0", "1", "b", "4", // 10-2
    "0", "1", "-1", "2", "c", "g", "d", "8", "8", // 11-0: not the master fields
  ]);
  writeLen(w, n1.length);
  w.bytes(n1);
  writeString(w, makeId(12, 0), RAW);
  const n2 = lpEncode(["2", "0", "1", "f", "0", "2", "0", "0", "e", "4", "2", "3", "3", "x", "4"]);
  writeLen(w, n2.length);
  w.bytes(n2);
  writeLen(w, 4); // length
  writeLen(w, 20); // last id 20-0
  writeLen(w, 0);
  writeLen(w, 1); // one group
  writeString(w, "grp", RAW);
  writeLen(w, 11); // last delivered 11-0
  writeLen(w, 0);
  writeLen(w, 2); // PEL: 10-2, 11-0
  for (const id of [makeId(10, 2), makeId(11, 0)]) {
    w.str(id);
    w.i64le(1600000000000);
    writeLen(w, 3);
  }
  writeLen(w, 1);
  writeString(w, "cons", RAW);
  w.i64le(1600000000500);
  writeLen(w, 2);
  w.str(makeId(10, 2));
  w.str(makeId(11, 0));
  w.u8(0xff);
  const out = new Uint8Array(w.pos + 8);
  out.set(w.view());
  new Crc64().update(out, 0, w.pos).writeLE(out, w.pos);
  return out;
}

Deno.test({
  name: "a type 15 stream (Redis 5.0–6.2 layout) loads here as in redis-server 7.0",
  ignore,
  async fn() {
    const dir = tmpdir();
    try {
      Deno.writeFileSync(`${dir}/dump.rdb`, type15File());
      checkRdb(`${dir}/dump.rdb`);
      const srv = await startServer({ config: { dir, "enable-debug-command": "yes" } });
      const a = await RawClient.connect(srv.port);
      const { o, b } = await oracleWith(`${dir}/dump.rdb`);
      try {
        assert.equal(await a.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
        const ours = await views(a, ["old"], true);
        assert.deepEqual(ours, await views(b, ["old"], true));
        assert.deepEqual(ours["old xrange"], [
          ["10-2", ["f", "b"]],
          ["11-0", ["c", "g", "d", "8"]],
          ["12-0", ["f", "e"]],
          ["15-3", ["f", "x"]],
        ]);
        const info = (await a.call("XINFO", "STREAM", "old")) as RespValue[];
        assert.equal(info[info.indexOf("entries-added") + 1], 4);
        assert.equal(info[info.indexOf("max-deleted-entry-id") + 1], "0-0");
        assert.equal(info[info.indexOf("recorded-first-entry-id") + 1], "10-2");
        assert.deepEqual(await a.call("DEBUG", "DIGEST-VALUE", "old"), await b.call("DEBUG", "DIGEST-VALUE", "old"));
      } finally {
        a.close();
        b.close();
        await srv.close();
        await o.stop();
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
