/**
 * Randomized model-based tests of the set family: long random command sequences over a few keys, with
 * small and large sets of integers, short and long strings, checked step by step against a model made
 * of JS Sets (replies, and membership after random pops), together with the encoding invariants
 * (an intset holds only canonical integers within set-max-intset-entries; a listpack respects both
 * listpack limits). A second sequence is replayed against redis-server and compared reply by reply.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import type { RawClient } from "../helpers/resp.ts";
import type { Script } from "../helpers/oracle.ts";
import { prng, randInt, same, withPair } from "./helpers.ts";
import { RSet } from "../../src/types/set.ts";
import type { RunningServer } from "../../src/mod.ts";

const INT_RE = /^(0|-?[1-9][0-9]*)$/;

function member(rnd: () => number): string {
  const r = rnd();
  if (r < 0.45) return String(randInt(rnd, 700) - 100);
  if (r < 0.9) return `m${randInt(rnd, 300)}`;
  if (r < 0.95) return "L".repeat(60 + randInt(rnd, 10));
  return ["-0", "01", "+1", "1.0", "", "9223372036854775807", "-9223372036854775808"][randInt(rnd, 7)];
}

function checkEncoding(srv: RunningServer, key: string): void {
  const v = srv.server.dbs[0].dict.get(key);
  if (v === undefined) return;
  assert.ok(v instanceof RSet);
  const members = v.members();
  if (v.encoding() === "intset") {
    assert.ok(members.length <= 512);
    for (const m of members) assert.ok(INT_RE.test(m) && BigInt.asIntN(64, BigInt(m)) === BigInt(m), m);
  } else if (v.encoding() === "listpack") {
    assert.ok(members.length <= 128);
    for (const m of members) assert.ok(m.length <= 64);
  }
}

async function bulkAdd(c: RawClient, key: string, members: string[]): Promise<void> {
  for (let i = 0; i < members.length; i += 200) await c.call("SADD", key, ...members.slice(i, i + 200));
}

Deno.test("sets: random command sequences against a model", async () => {
  const rnd = prng(2024);
  await withServer(async (srv, c) => {
    const keys = ["a", "b", "c"];
    const model = new Map<string, Set<string>>();
    const get = (k: string) => model.get(k) ?? new Set<string>();
    const put = (k: string, s: Set<string>) => (s.size ? model.set(k, s) : model.delete(k));
    for (let step = 0; step < 4000; step++) {
      const key = keys[randInt(rnd, keys.length)];
      const other = keys[randInt(rnd, keys.length)];
      const op = randInt(rnd, 13);
      const cur = get(key);
      if (op <= 2) {
        const ms = Array.from({ length: 1 + randInt(rnd, op === 0 ? 300 : 5) }, () => member(rnd));
        const next = new Set(cur);
        for (const m of ms) next.add(m);
        if (op === 0) await bulkAdd(c, key, ms);
        else assert.equal(await c.call("SADD", key, ...ms), next.size - cur.size);
        put(key, next);
      } else if (op <= 4) {
        const ms = Array.from(
          { length: 1 + randInt(rnd, 20) },
          () => (rnd() < 0.7 && cur.size ? [...cur][randInt(rnd, cur.size)] : member(rnd)),
        );
        const next = new Set(cur);
        let removed = 0;
        for (const m of ms) if (next.delete(m)) removed++;
        assert.equal(await c.call("SREM", key, ...ms), removed);
        put(key, next);
      } else if (op === 5) {
        const ms = Array.from({ length: 1 + randInt(rnd, 5) }, () => member(rnd));
        assert.deepEqual(await c.call("SMISMEMBER", key, ...ms), ms.map((m) => (cur.has(m) ? 1 : 0)));
        assert.equal(await c.call("SCARD", key), cur.size);
      } else if (op === 6) {
        const got = await c.call("SMEMBERS", key) as string[];
        assert.deepEqual(new Set(got), cur);
        assert.equal(got.length, cur.size);
      } else if (op === 7) {
        const count = randInt(rnd, 40);
        const got = await c.call("SPOP", key, count) as string[];
        assert.equal(got.length, Math.min(count, cur.size));
        const next = new Set(cur);
        for (const m of got) assert.ok(next.delete(m), `popped ${m} not in the set`);
        put(key, next);
      } else if (op === 8) {
        const m = cur.size && rnd() < 0.8 ? [...cur][randInt(rnd, cur.size)] : member(rnd);
        const moved = cur.has(m);
        assert.equal(await c.call("SMOVE", key, other, m), moved ? 1 : 0);
        if (moved && key !== other) {
          const src = new Set(cur);
          src.delete(m);
          const dst = new Set(get(other));
          dst.add(m);
          put(key, src);
          put(other, dst);
        }
      } else if (op === 9) {
        const a = get(key);
        const b = get(other);
        const inter = [...a].filter((m) => b.has(m));
        assert.equal(await c.call("SINTERCARD", 2, key, other), inter.length);
        assert.deepEqual(new Set(await c.call("SINTER", key, other) as string[]), new Set(inter));
        assert.deepEqual(new Set(await c.call("SUNION", key, other) as string[]), new Set([...a, ...b]));
        assert.deepEqual(
          new Set(await c.call("SDIFF", key, other) as string[]),
          new Set([...a].filter((m) => !b.has(m))),
        );
      } else {
        const cmd = ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"][op - 10];
        const a = get(key);
        const b = get(other);
        const res = cmd === "SINTERSTORE"
          ? [...a].filter((m) => b.has(m))
          : cmd === "SDIFFSTORE"
          ? [...a].filter((m) => !b.has(m))
          : [...new Set([...a, ...b])];
        const dst = keys[randInt(rnd, keys.length)];
        assert.equal(await c.call(cmd, dst, key, other), res.length);
        put(dst, new Set(res));
      }
      for (const k of keys) checkEncoding(srv, k);
      if (step % 500 === 0) {
        for (const k of keys) assert.equal(await c.call("SCARD", k), get(k).size);
      }
    }
  });
});

Deno.test("sets: random deterministic sequence against redis-server", async () => {
  const rnd = prng(99);
  const script: Script = [];
  const keys = ["a", "b", "c"];
  for (let step = 0; step < 1500; step++) {
    const key = keys[randInt(rnd, 3)];
    const other = keys[randInt(rnd, 3)];
    const op = randInt(rnd, 8);
    const ms = Array.from({ length: 1 + randInt(rnd, 8) }, () => member(rnd));
    if (op <= 2) script.push(["SADD", key, ...ms]);
    else if (op === 3) script.push(["SREM", key, ...ms]);
    else if (op === 4) script.push(["SMISMEMBER", key, ...ms], ["SCARD", key]);
    else if (op === 5) script.push(["SMOVE", key, other, ms[0]]);
    else if (op === 6) script.push(["~SMEMBERS", key]);
    else script.push(["SINTERCARD", 2, key, other], ["~SUNION", key, other], ["~SDIFF", key, other]);
  }
  await withPair(async (p) => {
    await same(p, script);
  });
});
