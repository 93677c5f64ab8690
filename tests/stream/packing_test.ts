/**
 * Stream node packing: entries go into listpack-shaped nodes closed exactly where Redis closes them
 * (`stream-node-max-bytes` against the node's listpack size plus the new entry's bytes, or
 * `stream-node-max-entries` counting deleted entries), checked against redis-server 7.0 through
 * XINFO STREAM's radix-tree-keys and byte-identical DUMP payloads (deletions included: deleted
 * entries keep their contents, as in Redis's listpacks); closed nodes are packed into flat strings
 * and read, seeked, deleted from and appended to (after the tail node went away) like open ones; the
 * listpack size each node tracks is the size of the listpack written for it; and the B+tree of the
 * pending entries lists against a sorted model.
 */
import assert from "node:assert/strict";
import { setRdbTargetVersion } from "../../src/persist/persistence.ts";
import { ByteReader, ByteWriter } from "../../src/persist/bytes_io.ts";
import { T } from "../../src/persist/rdb_format.ts";
import { readStream, writeStream } from "../../src/persist/rdb_stream.ts";
import { Stream } from "../../src/types/stream.ts";
import { formatId, idIncr, makeId, MAX_ID, MIN_ID } from "../../src/types/stream_id.ts";
import { EntryLog } from "../../src/types/stream_log.ts";
import { IdIndex } from "../../src/types/stream_index.ts";
import { haveRedis, sideBySide } from "../helpers/oracle.ts";
import type { RespValue } from "../helpers/resp.ts";
import { withServer } from "../helpers/server.ts";
import { assertIndexMatchesModel, rng } from "./id_index_model.ts";

/** XINFO STREAM's field `name`. */
function infoField(v: RespValue, name: string): RespValue {
  const a = v as RespValue[];
  return a[a.indexOf(name) + 1];
}

const CONFIGS: Record<string, string>[] = [
  {},
  { "stream-node-max-bytes": "200", "stream-node-max-entries": "0" },
  { "stream-node-max-bytes": "0", "stream-node-max-entries": "7" },
  { "stream-node-max-bytes": "1", "stream-node-max-entries": "5" },
  { "stream-node-max-bytes": "1000", "stream-node-max-entries": "30" },
];

for (const cfg of CONFIGS) {
  Deno.test({
    name: `nodes close as in redis-server (${JSON.stringify(cfg)}): radix-tree-keys, DUMP payloads`,
    ignore: !haveRedis(),
    async fn() {
      const config = { "enable-debug-command": "yes", ...cfg };
      const oracleArgs = Object.entries(cfg).flatMap(([k, v]) => ["--" + k, v]);
      await sideBySide(async ({ srv, ours: a, redis: b }) => {
        setRdbTargetVersion(srv.server, 10);
        const n = rng(5);
        for (let i = 1; i <= 1200; i++) {
          const op = n(20);
          let cmd: string[];
          if (op < 15) {
            // small integers, long strings, integer-looking strings that are not canonical
            const v = n(10) === 0 ? "x".repeat(n(300)) : n(10) === 0 ? "0" + n(100) : String(n(100000) - 500);
            cmd = n(5) === 0
              ? ["XADD", "s", `${i}-1`, "other", v, "z", "1"]
              : ["XADD", "s", `${i * (n(50) === 0 ? 1000 : 1)}-${n(3)}`, "f", v];
          } else if (op < 18) {
            // random entries and the newest ones (emptying the tail node now and then)
            cmd = ["XDEL", "s", `${n(i)}-0`, `${n(i)}-1`, `${i - 1}-1`, `${i - 1}-0`, `${i - 1}-2`];
          } else if (op < 19) cmd = ["XTRIM", "s", "MAXLEN", n(2) ? "~" : "=", String(200 + n(500))];
          else cmd = ["XTRIM", "s", "MINID", n(2) ? "~" : "=", String(n(i))];
          assert.equal(await a.callRaw(...cmd), await b.callRaw(...cmd), cmd.join(" "));
          if (i % 100 === 0) {
            const ia = await a.call("XINFO", "STREAM", "s"), ib = await b.call("XINFO", "STREAM", "s");
            assert.equal(infoField(ia, "radix-tree-keys"), infoField(ib, "radix-tree-keys"), `nodes after ${i}`);
            assert.equal(await a.call("DUMP", "s"), await b.call("DUMP", "s"), `DUMP after ${i}`);
          }
        }
        assert.deepEqual(await a.call("XRANGE", "s", "-", "+"), await b.call("XRANGE", "s", "-", "+"));
        // Their payload loads here into the same nodes, which take new entries as theirs do.
        const theirs = (await b.call("DUMP", "s")) as string;
        assert.equal(await a.call("RESTORE", "r", 0, theirs), "OK");
        assert.equal(await b.call("RESTORE", "r", 0, theirs), "OK");
        for (let i = 0; i < 150; i++) {
          const cmd = ["XADD", "r", `${100000 + i}-0`, "f", String(i)];
          assert.equal(await a.callRaw(...cmd), await b.callRaw(...cmd));
        }
        const ia = await a.call("XINFO", "STREAM", "r"), ib = await b.call("XINFO", "STREAM", "r");
        assert.equal(infoField(ia, "radix-tree-keys"), infoField(ib, "radix-tree-keys"));
        assert.equal(await a.call("DUMP", "r"), await b.call("DUMP", "r"));
      }, { config, oracleArgs });
    },
  });
}

Deno.test("CONFIG SET stream-node-max-entries / -bytes apply to the next XADD; OBJECT ENCODING stream", async () => {
  await withServer(async (_srv, c) => {
    const keys = async (k: string) => infoField(await c.call("XINFO", "STREAM", k), "radix-tree-keys");
    assert.equal(await c.call("CONFIG", "SET", "stream-node-max-entries", "3"), "OK");
    for (let i = 1; i <= 10; i++) await c.call("XADD", "s", `${i}-0`, "f", "v");
    assert.equal(await keys("s"), 4);
    assert.equal(await c.call("OBJECT", "ENCODING", "s"), "stream");
    // Bytes: a node's listpack starts around 30 bytes, each entry adds about 8 here.
    assert.equal(await c.call("CONFIG", "SET", "stream-node-max-entries", "0"), "OK");
    assert.equal(await c.call("CONFIG", "SET", "stream-node-max-bytes", "60"), "OK");
    for (let i = 1; i <= 10; i++) await c.call("XADD", "b", `${i}-0`, "f", "v");
    const nodes = await keys("b") as number;
    assert.ok(nodes > 1 && nodes < 10, String(nodes));
    // A value larger than the limit gets a node of its own.
    await c.call("XADD", "b", "11-0", "f", "x".repeat(100));
    await c.call("XADD", "b", "12-0", "f", "v");
    assert.equal(await keys("b"), nodes + 2);
    const all = (await c.call("XRANGE", "b", "-", "+")) as RespValue[][];
    assert.equal(all.length, 12);
    assert.deepEqual(all[10], ["11-0", ["f", "x".repeat(100)]]);
  });
});

/** The listpack bytes of each node of `s`, as rdb_stream writes them (read back from a payload). */
function writtenNodeBytes(s: Stream): number[] {
  const w = new ByteWriter(64);
  writeStream(w, s, T.STREAM_LISTPACKS_3, { version: 12, compress: false });
  return readStream(new ByteReader(w.view().slice()), T.STREAM_LISTPACKS_3).entries.blocks.map((b) => b.lpBytes);
}

Deno.test("EntryLog: packed nodes read, seek, delete and take appends like open ones; lpBytes is exact", () => {
  const n = rng(11);
  const s = new Stream();
  const model: [string, string[]][] = [];
  let ms = 1;
  for (let i = 0; i < 3000; i++) {
    ms += n(3);
    const id = makeId(ms === 1 ? 1 : ms, i);
    const f = n(4) === 0 ? ["a", String(n(1e6) - 5000), "b", "y".repeat(n(70))] : ["f", n(5) === 0 ? "" : "v" + i];
    s.append(id, f, 0, 400);
    model.push([id, f]);
    if (n(7) === 0) {
      // delete a random entry, sometimes the newest ones (the tail node may go: the next append
      // then lands in the packed node before it)
      const k = n(3) === 0 ? model.length - 1 : n(model.length);
      if (s.deleteEntry(model[k][0])) model.splice(k, 1);
    }
  }
  const log = s.entries;
  assert.equal(log.size, model.length);
  assert.ok(log.blocks.length > 20);
  assert.ok(log.blocks.slice(0, -1).every((b) => b.packed), "closed nodes are packed");
  const walked: [string, string[]][] = [];
  log.forEach((id, f) => walked.push([id, f]));
  assert.deepEqual(walked, model);
  for (let q = 0; q < 400; q++) {
    const probe = q % 2 ? model[n(model.length)][0] : makeId(n(ms + 2), n(3000));
    const ge = log.seekGE(probe);
    const want = model.find(([id]) => id >= probe);
    assert.equal(ge.valid ? ge.member : undefined, want?.[0]);
    if (ge.valid) assert.deepEqual(ge.fields, want![1]);
    const le = log.seekLE(probe);
    const wantLe = model.findLast(([id]) => id <= probe);
    assert.equal(le.valid ? le.member : undefined, wantLe?.[0]);
    assert.deepEqual(log.get(probe), model.find(([id]) => id === probe)?.[1]);
  }
  // A consumer catching up: each seek starts just after the previous entry (the seek hints), while
  // entries and whole nodes go away under it.
  const seen: string[] = [];
  for (let c = log.seekGE(MIN_ID); c.valid; c = log.seekGE(idIncr(seen[seen.length - 1])!)) {
    seen.push(c.member);
    if (seen.length % 50 === 0) {
      const k = model.findIndex(([id]) => id > c.member);
      for (let j = 0; j < 30 && k >= 0 && k < model.length; j++) {
        s.deleteEntry(model[k][0]);
        model.splice(k, 1);
      }
    }
  }
  assert.deepEqual(seen, model.map(([id]) => id));
  const back: string[] = [];
  for (const c = log.seekLE(MAX_ID); c.valid; c.prev()) back.push(c.member);
  assert.deepEqual(back, model.map(([id]) => id).reverse());
  // Every node's tracked size is the size of its listpack as written.
  assert.deepEqual(writtenNodeBytes(s), log.blocks.map((b) => b.lpBytes));
  // Clones are independent.
  const copy = s.clone();
  copy.deleteEntry(model[0][0]);
  assert.equal(s.entries.get(model[0][0])?.length, model[0][1].length);
  // Entry-count limit, counting deleted entries.
  const e = new EntryLog();
  for (let i = 1; i <= 10; i++) e.append(makeId(i, 0), ["f", "v"], 4);
  e.delete(makeId(2, 0));
  assert.deepEqual(e.blocks.map((b) => [b.n, b.live]), [[4, 3], [4, 4], [2, 2]]);
  assert.equal(formatId(e.first()!), "1-0");
  assert.equal(e.seekGE(MIN_ID).member, makeId(1, 0));
  // The tail node goes away: the next entry lands in the (packed) node before it, as in Redis.
  e.delete(makeId(9, 0));
  e.delete(makeId(10, 0));
  assert.equal(e.blocks.length, 2);
  assert.ok(e.blocks[1].packed);
  e.append(makeId(11, 0), ["g", "w"], 10);
  assert.equal(e.blocks.length, 2);
  assert.ok(!e.blocks[1].packed);
  const tail: string[] = [];
  for (const c = e.seekGE(makeId(5, 0)); c.valid; c.next()) tail.push(formatId(c.member), ...c.fields);
  assert.deepEqual(tail, ["5-0", "f", "v", "6-0", "f", "v", "7-0", "f", "v", "8-0", "f", "v", "11-0", "g", "w"]);
});

Deno.test("IdIndex: a B+tree of pending entries against a sorted model (appends, acks, seeks, 64-bit IDs)", () => {
  const n = rng(3);
  const x = new IdIndex<number>();
  const m = new Map<string, number>();
  const ids: string[] = [];
  // Deliveries in ID order, acks mostly of the oldest, some random; a few IDs with huge parts.
  for (let i = 0; i < 60000; i++) {
    const op = n(10);
    if (op < 6 || m.size === 0) {
      const id = i % 997 === 0 ? makeId(2n ** 64n - 1n - BigInt(n(5)), 2n ** 63n + BigInt(i)) : makeId(1000 + i, n(3));
      x.set(id, i);
      m.set(id, i);
      ids.push(id);
    } else {
      const id = op < 8 ? ids[n(Math.min(ids.length, 50))] : ids[n(ids.length)];
      assert.equal(x.take(id), m.get(id));
      m.delete(id);
    }
    if (i % 5000 === 0) {
      x.checkInvariants();
      assertIndexMatchesModel(x, m, [ids[n(ids.length)]]);
    }
  }
  const probes = Array.from(
    { length: 300 },
    (_, q) => q % 3 === 0 ? ids[n(ids.length)] : makeId(1000 + n(70000), n(3)),
  );
  assertIndexMatchesModel(x, m, probes);
  const sorted = [...m.keys()].sort();
  // Empty it in random order: every merge and root collapse path.
  for (const [j, id] of [...sorted].sort(() => n(3) - 1).entries()) {
    assert.ok(x.delete(id));
    if (j % 100 === 0) x.checkInvariants();
  }
  assert.equal(x.size, 0);
  assert.equal(x.first(), undefined);
  assert.equal(x.seekGE(MIN_ID).valid, false);
  x.set(makeId(1, 1), 7);
  assert.deepEqual(x.idsInRange(MIN_ID, MAX_ID), [makeId(1, 1)]);
});

Deno.test({
  name: "CONFIG SET of stream-node-max-entries/-bytes applies to the next XADD (as in redis-server)",
  ignore: !haveRedis(),
  async fn() {
    await sideBySide(async ({ srv, ours: a, redis: b }) => {
      setRdbTargetVersion(srv.server, 10);
      const both = async (...cmd: string[]) =>
        assert.equal(await a.callRaw(...cmd), await b.callRaw(...cmd), cmd.join(" "));
      for (let i = 1; i <= 40; i++) await both("XADD", "s", `${i}-1`, "f", "v");
      await both("CONFIG", "SET", "stream-node-max-entries", "5");
      for (let i = 41; i <= 80; i++) await both("XADD", "s", `${i}-1`, "f", "v");
      await both("CONFIG", "SET", "stream-node-max-entries", "0", "stream-node-max-bytes", "120");
      for (let i = 81; i <= 120; i++) await both("XADD", "s", `${i}-1`, "f", "value");
      const ia = await a.call("XINFO", "STREAM", "s"), ib = await b.call("XINFO", "STREAM", "s");
      assert.equal(infoField(ia, "radix-tree-keys"), infoField(ib, "radix-tree-keys"));
      assert.equal(await a.call("DUMP", "s"), await b.call("DUMP", "s"));
    }, { config: { "enable-debug-command": "yes" } });
  },
});
