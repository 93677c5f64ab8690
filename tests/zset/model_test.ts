/**
 * Randomized model-based tests of the sorted-set family: long random command sequences (adds with
 * every option, increments, removals, pops, range removals, stores) checked step by step against a
 * model (a Map member → score, sorted on demand) — ranks, ranges by rank/score/lex, counts, scores —
 * with the encoding invariants (a listpack within both limits) and the skiplist's internal structure
 * checked as it goes. A second random sequence is replayed against redis-server with small listpack
 * limits, so conversions happen all the time, and compared reply by reply.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import type { Script } from "../helpers/oracle.ts";
import { prng, randInt, same, withPair } from "../set/helpers.ts";
import { ZSet } from "../../src/types/zset.ts";
import type { RunningServer } from "../../src/mod.ts";

type Entry = [string, number];

function sorted(model: Map<string, number>): Entry[] {
  return [...model].sort((a, b) => (a[1] !== b[1] ? a[1] - b[1] : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function fmt(s: number): string {
  return s === Infinity ? "inf" : s === -Infinity ? "-inf" : String(s);
}

function check(srv: RunningServer, key: string, model: Map<string, number>): void {
  const v = srv.server.dbs[0].dict.get(key);
  if (model.size === 0) {
    assert.equal(v, undefined);
    return;
  }
  assert.ok(v instanceof ZSet);
  assert.equal(v.size, model.size);
  if (v.isListpack) {
    assert.ok(v.size <= 32);
    for (const m of v.lm!) assert.ok(m.length <= 20);
  } else v.tree!.check();
}

Deno.test("sorted sets: random command sequences against a model", async () => {
  const rnd = prng(77);
  await withServer(async (srv, c) => {
    const model = new Map<string, number>();
    const member = () => (rnd() < 0.05 ? "long".repeat(6) + randInt(rnd, 5) : `m${randInt(rnd, 400)}`);
    const score = () => (rnd() < 0.03 ? [Infinity, -Infinity][randInt(rnd, 2)] : randInt(rnd, 80) / 4 - 5);
    for (let step = 0; step < 5000; step++) {
      const op = randInt(rnd, 12);
      if (op <= 2) {
        const n = 1 + randInt(rnd, op === 0 ? 60 : 4);
        const flag = ["", "NX", "XX", "GT", "LT"][randInt(rnd, 5)];
        const args: string[] = [];
        let changed = 0;
        for (let i = 0; i < n; i++) {
          const m = member();
          const s = score();
          args.push(fmt(s), m);
          const cur = model.get(m);
          if (cur === undefined) {
            if (flag !== "XX") {
              model.set(m, s);
              changed++;
            }
          } else if (flag !== "NX" && !(flag === "GT" && s <= cur) && !(flag === "LT" && s >= cur) && s !== cur) {
            model.set(m, s);
            changed++;
          }
        }
        const res = await c.call("ZADD", "z", ...(flag ? [flag] : []), "CH", ...args);
        assert.equal(res, changed, `ZADD ${flag} ${args.join(" ")}`);
      } else if (op === 3) {
        const m = member();
        const inc = randInt(rnd, 9) - 4;
        const cur = model.get(m) ?? 0;
        model.set(m, cur + inc);
        assert.equal(await c.call("ZINCRBY", "z", inc, m), fmt(cur + inc));
      } else if (op === 4) {
        const ms = Array.from({ length: 1 + randInt(rnd, 6) }, member);
        let n = 0;
        for (const m of new Set(ms)) if (model.delete(m)) n++;
        assert.equal(await c.call("ZREM", "z", ...ms), n);
      } else if (op === 5) {
        const all = sorted(model);
        const a = randInt(rnd, all.length + 10) - 5;
        const b = randInt(rnd, all.length + 10) - 5;
        const rev = rnd() < 0.5;
        const got = await c.call("ZRANGE", "z", a, b, ...(rev ? ["REV"] : []), "WITHSCORES") as string[];
        const list = rev ? [...all].reverse() : all;
        const len = list.length;
        let s = a < 0 ? a + len : a;
        let e = b < 0 ? b + len : b;
        if (s < 0) s = 0;
        if (e >= len) e = len - 1;
        const want = s > e || s >= len ? [] : list.slice(s, e + 1).flatMap(([m, sc]) => [m, fmt(sc)]);
        assert.deepEqual(got, want);
      } else if (op === 6) {
        const all = sorted(model);
        const lo = randInt(rnd, 80) / 4 - 6;
        const hi = lo + randInt(rnd, 40) / 4;
        const ex = rnd() < 0.5;
        const off = randInt(rnd, 5);
        const cnt = randInt(rnd, 20) - 2;
        const inRange = all.filter(([, s]) => (ex ? s > lo : s >= lo) && s <= hi);
        const got = await c.call("ZRANGEBYSCORE", "z", `${ex ? "(" : ""}${lo}`, hi, "LIMIT", off, cnt);
        assert.deepEqual(got, inRange.slice(off, cnt < 0 ? undefined : off + cnt).map((e) => e[0]));
        assert.equal(await c.call("ZCOUNT", "z", `${ex ? "(" : ""}${lo}`, hi), inRange.length);
        const rgot = await c.call("ZREVRANGEBYSCORE", "z", hi, `${ex ? "(" : ""}${lo}`, "LIMIT", off, cnt);
        const rev = [...inRange].reverse();
        assert.deepEqual(rgot, rev.slice(off, cnt < 0 ? undefined : off + cnt).map((e) => e[0]));
      } else if (op === 7) {
        const all = sorted(model);
        const m = rnd() < 0.8 && all.length ? all[randInt(rnd, all.length)][0] : member();
        const i = all.findIndex((e) => e[0] === m);
        assert.equal(await c.call("ZRANK", "z", m), i < 0 ? null : i);
        assert.equal(await c.call("ZREVRANK", "z", m), i < 0 ? null : all.length - 1 - i);
        assert.equal(await c.call("ZSCORE", "z", m), i < 0 ? null : fmt(all[i][1]));
        assert.equal(await c.call("ZCARD", "z"), all.length);
      } else if (op === 8) {
        const all = sorted(model);
        const max = rnd() < 0.5;
        const n = randInt(rnd, 5);
        const got = await c.call(max ? "ZPOPMAX" : "ZPOPMIN", "z", n) as string[];
        const taken = (max ? [...all].reverse() : all).slice(0, n);
        assert.deepEqual(got, taken.flatMap(([m, s]) => [m, fmt(s)]));
        for (const [m] of taken) model.delete(m);
      } else if (op === 9) {
        const all = sorted(model);
        const lo = randInt(rnd, 80) / 4 - 6;
        const hi = lo + randInt(rnd, 8) / 4;
        const victims = all.filter(([, s]) => s >= lo && s <= hi);
        assert.equal(await c.call("ZREMRANGEBYSCORE", "z", lo, hi), victims.length);
        for (const [m] of victims) model.delete(m);
      } else if (op === 10) {
        const all = sorted(model);
        const a = randInt(rnd, all.length + 4);
        const b = a + randInt(rnd, 6);
        const victims = all.slice(a, b + 1);
        assert.equal(await c.call("ZREMRANGEBYRANK", "z", a, b), victims.length);
        for (const [m] of victims) model.delete(m);
      } else {
        // Same-score lex ranges on a second key.
        const got = await c.call("ZRANGEBYLEX", "z", "-", "+", "LIMIT", 0, 3);
        assert.equal((got as string[]).length, Math.min(3, model.size));
        const all = sorted(model);
        await c.call("ZUNIONSTORE", "copy", 1, "z");
        assert.deepEqual(await c.call("ZRANGE", "copy", 0, -1, "WITHSCORES"), all.flatMap(([m, s]) => [m, fmt(s)]));
      }
      check(srv, "z", model);
    }
  }, { config: { "zset-max-listpack-entries": "32", "zset-max-listpack-value": "20" } });
});

Deno.test("sorted sets: random sequence against redis-server with small listpack limits", async () => {
  const rnd = prng(123);
  const script: Script = [];
  const keys = ["a", "b"];
  const member = () => (rnd() < 0.1 ? "x".repeat(9 + randInt(rnd, 3)) : `m${randInt(rnd, 60)}`);
  const score = () => String(randInt(rnd, 40) / 2 - 5);
  for (let step = 0; step < 1500; step++) {
    const k = keys[randInt(rnd, 2)];
    const op = randInt(rnd, 10);
    if (op <= 2) {
      const flag = ["", "NX", "XX", "GT", "LT", "CH"][randInt(rnd, 6)];
      const args = Array.from({ length: 1 + randInt(rnd, 6) }, () => [score(), member()]).flat();
      script.push(["ZADD", k, ...(flag ? [flag] : []), ...args]);
    } else if (op === 3) script.push(["ZINCRBY", k, score(), member()]);
    else if (op === 4) script.push(["ZREM", k, member(), member()]);
    else if (op === 5) script.push(["ZRANGE", k, "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", k]);
    else if (op === 6) {
      script.push(["ZRANGEBYSCORE", k, `(${score()}`, score(), "WITHSCORES"], ["ZCOUNT", k, score(), score()]);
    } else if (op === 7) {
      script.push(["ZRANK", k, member()], ["ZREVRANK", k, member()], ["ZMSCORE", k, member(), member()]);
    } else if (op === 8) script.push([["ZPOPMIN", "ZPOPMAX"][randInt(rnd, 2)], k, String(randInt(rnd, 4))]);
    else script.push(["ZREMRANGEBYRANK", k, String(randInt(rnd, 10)), String(randInt(rnd, 10))]);
  }
  await withPair(async (p) => {
    await same(p, script);
  }, { "zset-max-listpack-entries": "8", "zset-max-listpack-value": "10" });
});
