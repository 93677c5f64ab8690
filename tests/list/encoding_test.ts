/**
 * List encodings. Redis 7.0 (the oracle) reports `quicklist` for every list, so the listpack ⇄
 * quicklist rules are asserted from Redis 7.2+'s own tests and t_list.c (growth checked before adding,
 * byte limits for negative `list-max-listpack-size`, counts for positive ones, back to listpack from a
 * single node under half the limits). The byte accounting those rules depend on (lpBytes) is compared
 * with redis-server's DEBUG OBJECT `ql_uncompressed_size` for single-node lists.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { sideBySide } from "../helpers/oracle.ts";
import type { RawClient } from "../helpers/resp.ts";
import type { RunningServer } from "../../src/mod.ts";
import { ListValue } from "../../src/types/list.ts";
import { checkList } from "./invariants.ts";

function ourList(srv: RunningServer, key: string): ListValue {
  const v = srv.server.dbs[0].dict.get(key);
  assert.ok(v instanceof ListValue, `${key} is a list`);
  return v;
}

async function encoding(c: RawClient, key: string): Promise<unknown> {
  return await c.call("OBJECT", "ENCODING", key);
}

Deno.test("list encoding: listpack byte accounting equals Redis's lpBytes", async () => {
  await sideBySide(async ({ srv, ours, redis }) => {
    const cases: string[][] = [
      ["a"],
      ["0", "1", "127", "128", "-1", "-4096", "4095", "4096", "-4097", "32767", "-32768", "32768"],
      ["8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648"],
      ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809"],
      ["01", "-0", "+1", " 1", "1.5", "", "00", "-", "12345678901234567890", "99999999999999999999"],
      ["x".repeat(63), "x".repeat(64), "x".repeat(127), "x".repeat(128), "y".repeat(4095), "y".repeat(4096)],
      ["z".repeat(16382), "\x00\xff\x80"],
      ["w".repeat(60000)],
    ];
    let compared = 0;
    for (const [i, elements] of cases.entries()) {
      const key = `l${i}`;
      await ours.call("RPUSH", key, ...elements);
      await redis.call("RPUSH", key, ...elements);
      const dbg = String(await redis.call("DEBUG", "OBJECT", key));
      const nodes = Number(/ql_nodes:(\d+)/.exec(dbg)![1]);
      const size = Number(/ql_uncompressed_size:(\d+)/.exec(dbg)![1]);
      const list = ourList(srv, key);
      checkList(list);
      if (nodes !== 1) continue;
      const sz = list.nodes().reduce((a, n) => a + n.sz, 0);
      assert.equal(sz, size, `lpBytes of ${JSON.stringify(elements).slice(0, 80)}`);
      compared++;
    }
    assert.ok(compared >= 6, `compared ${compared} single-node lists`);
  });
});

Deno.test("list encoding: listpack -> quicklist on growth (Redis 7.2+ rules)", async () => {
  await withServer(async (srv, c) => {
    for (const [max, large] of [[3, "abcd"], [-1, "x".repeat(5000)]] as const) {
      await c.call("CONFIG", "SET", "list-max-listpack-size", String(max));
      const listpack = async (key: string, items: string[]) => {
        await c.call("DEL", key);
        await c.call("RPUSH", key, ...items);
        assert.equal(await encoding(c, key), "listpack", `${key} starts as listpack`);
      };
      const quicklist = async (key: string, items: string[]) => {
        await c.call("DEL", key);
        await c.call("RPUSH", key, ...items);
        assert.equal(await encoding(c, key), "quicklist", `${key} starts as quicklist`);
      };
      const toAdd = max === 3 ? "d" : large;
      await listpack("lst", ["a", "b", "c"]);
      await c.call("RPUSH", "lst", toAdd);
      assert.equal(await encoding(c, "lst"), "quicklist", `RPUSH with ${max}`);
      await listpack("lst", ["a", "b", "c"]);
      await c.call("LINSERT", "lst", "AFTER", "b", toAdd);
      assert.equal(await encoding(c, "lst"), "quicklist", `LINSERT with ${max}`);
      await listpack("lst", ["a", "b", "c"]);
      await c.call("LSET", "lst", 0, large);
      assert.equal(await encoding(c, "lst"), "quicklist", `LSET with ${max}`);
      await quicklist("src", ["a", "b", "c", large]);
      await listpack("dst", ["d", "e", "f"]);
      await c.call("LMOVE", "src", "dst", "RIGHT", "RIGHT");
      assert.equal(await encoding(c, "dst"), "quicklist", `LMOVE with ${max}`);
      checkList(ourList(srv, "dst"));
    }
    // list-max-listpack-size 0 counts as 1; below -5 counts as -5 (64 KB).
    await c.call("CONFIG", "SET", "list-max-listpack-size", "0");
    await c.call("DEL", "lst");
    await c.call("RPUSH", "lst", "a");
    assert.equal(await encoding(c, "lst"), "listpack");
    await c.call("RPUSH", "lst", "b");
    assert.equal(await encoding(c, "lst"), "quicklist");
    await c.call("CONFIG", "SET", "list-max-listpack-size", "-6");
    await c.call("DEL", "lst");
    await c.call("RPUSH", "lst", "x".repeat(60000));
    assert.equal(await encoding(c, "lst"), "listpack");
    await c.call("RPUSH", "lst", "x".repeat(5536));
    assert.equal(await encoding(c, "lst"), "quicklist");
  });
});

Deno.test("list encoding: quicklist -> listpack when shrinking (Redis 7.2+ rules)", async () => {
  await withServer(async (srv, c) => {
    const make = async (key: string, items: string[]) => {
      await c.call("DEL", key);
      await c.call("RPUSH", key, ...items);
      assert.equal(await encoding(c, key), "quicklist");
    };
    await c.call("CONFIG", "SET", "list-max-listpack-size", "3");
    await make("lst", ["a", "b", "c", "d"]);
    await c.call("RPOP", "lst", 3);
    assert.equal(await encoding(c, "lst"), "listpack", "RPOP");
    await make("lst", ["a", "a", "a", "d"]);
    await c.call("LREM", "lst", 3, "a");
    assert.equal(await encoding(c, "lst"), "listpack", "LREM");
    await make("lst", ["a", "b", "c", "d"]);
    await c.call("LTRIM", "lst", 1, 1);
    assert.equal(await encoding(c, "lst"), "listpack", "LTRIM");

    const large = "e".repeat(5000);
    await c.call("CONFIG", "SET", "list-max-listpack-size", "-1");
    await make("lst", ["a", "b", "c", large]);
    await c.call("RPOP", "lst", 1);
    assert.equal(await encoding(c, "lst"), "listpack", "RPOP -1");
    await make("lst", ["a", large]);
    await c.call("LREM", "lst", 1, large);
    assert.equal(await encoding(c, "lst"), "listpack", "LREM -1");
    await make("lst", ["a", "b", large]);
    await c.call("LTRIM", "lst", 0, 1);
    assert.equal(await encoding(c, "lst"), "listpack", "LTRIM -1");
    await make("lst", [large, "a", "b"]);
    await c.call("RPOP", "lst", 2);
    assert.equal(await encoding(c, "lst"), "quicklist", "one big node stays");
    await c.call("LSET", "lst", -1, "c");
    assert.equal(await encoding(c, "lst"), "listpack", "LSET");
    checkList(ourList(srv, "lst"));
  });
});

Deno.test("list encoding: hysteresis — back to listpack only under half the limit", async () => {
  await withServer(async (srv, c) => {
    // Default -2: 8 KB nodes. 10-byte elements take 12 listpack bytes each.
    const el = (i: number) => `e${String(i).padStart(9, "0")}`;
    const items = Array.from({ length: 700 }, (_, i) => el(i));
    await c.call("RPUSH", "l", ...items);
    assert.equal(await encoding(c, "l"), "listpack");
    const more = Array.from({ length: 30 }, (_, i) => el(700 + i));
    await c.call("RPUSH", "l", ...more);
    assert.equal(await encoding(c, "l"), "quicklist");
    // Pop down to ~5 KB: a single node, but above 4 KB: stays quicklist.
    await c.call("RPOP", "l", 300);
    const l = ourList(srv, "l");
    assert.equal(l.nodeCount, 1);
    assert.equal(await encoding(c, "l"), "quicklist");
    // Below half the limit (4096 bytes) it converts back.
    await c.call("LPOP", "l", 100);
    assert.equal(await encoding(c, "l"), "listpack");
    assert.deepEqual(checkList(ourList(srv, "l")), items.slice(100, 430));
    // Positive fill: counts, halved.
    await c.call("CONFIG", "SET", "list-max-listpack-size", "10");
    await c.call("DEL", "n");
    await c.call("RPUSH", "n", ...Array.from({ length: 11 }, (_, i) => String(i)));
    assert.equal(await encoding(c, "n"), "quicklist");
    await c.call("RPOP", "n", 5);
    assert.equal(await encoding(c, "n"), "quicklist", "6 elements > 10/2");
    await c.call("RPOP", "n", 1);
    assert.equal(await encoding(c, "n"), "listpack", "5 elements <= 10/2");
    // LSET on a full listpack counts as an addition (as Redis does): it converts.
    await c.call("DEL", "f");
    await c.call("RPUSH", "f", ...Array.from({ length: 10 }, (_, i) => String(i)));
    assert.equal(await encoding(c, "f"), "listpack");
    await c.call("LSET", "f", 0, "x");
    assert.equal(await encoding(c, "f"), "quicklist");
  });
});

Deno.test("list encoding: quicklist node splits and merges keep contents and accounting", async () => {
  await withServer(async (srv, c) => {
    await c.call("CONFIG", "SET", "list-max-listpack-size", "4");
    const model: string[] = [];
    for (let i = 0; i < 40; i++) model.push(`v${i}`);
    await c.call("RPUSH", "q", ...model);
    const l = ourList(srv, "q");
    assert.equal(l.nodeCount, 10);
    // Inserts in the middle of full nodes split them; around them merges are tried.
    for (
      const [where, pivot, value] of [
        ["BEFORE", "v5", "a"],
        ["AFTER", "v5", "b"],
        ["AFTER", "v3", "c"],
        ["BEFORE", "v4", "d"],
        ["AFTER", "v39", "e"],
        ["BEFORE", "v0", "f"],
        ["AFTER", "v22", "g"],
        ["BEFORE", "v22", "h"],
      ]
    ) {
      await c.call("LINSERT", "q", where, pivot, value);
      const i = model.indexOf(pivot);
      model.splice(where === "BEFORE" ? i : i + 1, 0, value);
      assert.deepEqual(checkList(ourList(srv, "q")), model, `LINSERT ${where} ${pivot}`);
      for (const node of l.nodes()) assert.ok(node.n <= 4, "nodes respect the count limit");
    }
    assert.deepEqual(await c.call("LRANGE", "q", 0, -1), model);
  });
});
