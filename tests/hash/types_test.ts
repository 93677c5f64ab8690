/**
 * The data structures on their own: FieldTtlIndex (heap with lazy deletion) against a brute-force
 * model, the Hash type's listpackex ordering invariant under random operations, conversions, clone
 * independence, and the entry iteration / construction used by persistence.
 */
import assert from "node:assert/strict";
import { FieldTtlIndex } from "../../src/types/hash_ttl.ts";
import { Hash, hashFromEntries } from "../../src/types/hash.ts";
import {
  detach,
  lpField,
  lpFind,
  lpForEach,
  lpFromPairs,
  lpNext,
  lpOffsets,
  lpSplice,
  lpTtl,
  lpValue,
} from "../../src/types/listpack.ts";
import { prng } from "./helpers.ts";

Deno.test("FieldTtlIndex: min and popDue agree with a brute-force model", () => {
  const rnd = prng(5);
  const idx = new FieldTtlIndex();
  const model = new Map<string, number>();
  for (let i = 0; i < 20000; i++) {
    const f = "f" + Math.floor(rnd() * 200);
    const r = rnd();
    if (r < 0.5) {
      const t = 1 + Math.floor(rnd() * 1000);
      idx.set(f, t);
      model.set(f, t);
    } else if (r < 0.75) {
      assert.equal(idx.delete(f), model.delete(f));
    } else if (r < 0.9) {
      const now = Math.floor(rnd() * 1000);
      const got = idx.popDue(now);
      let best: string | undefined, bestT = Infinity;
      for (const [k, t] of model) if (t < bestT) [best, bestT] = [k, t];
      if (bestT <= now) {
        assert.ok(got !== undefined);
        assert.equal(model.get(got), bestT, "pops an earliest field");
        model.delete(got);
      } else {
        assert.equal(got, undefined);
        void best;
      }
    } else {
      const min = model.size === 0 ? 0 : Math.min(...model.values());
      assert.equal(idx.min(), min);
    }
    assert.equal(idx.size, model.size);
    assert.equal(idx.get(f), model.get(f) ?? 0);
  }
});

/** Asserts listpackex order: TTL fields first by time (ties in any order), then the others. */
function assertTtlOrder(h: Hash): void {
  const ttl: number[] = [];
  h.forEachEntry((_f, _v, t) => ttl.push(t));
  let sawZero = false, last = 0;
  for (const t of ttl) {
    if (t === 0) sawZero = true;
    else {
      assert.ok(!sawZero, "a TTL field after a field without TTL");
      assert.ok(t >= last, "TTL fields in time order");
      last = t;
    }
  }
}

Deno.test("Hash: listpackex keeps Redis's TTL order under random operations", () => {
  const rnd = prng(9);
  const h = new Hash();
  h.enableTtl();
  const model = new Map<string, [string, number]>();
  for (let i = 0; i < 5000; i++) {
    const f = "f" + Math.floor(rnd() * 30);
    const r = rnd();
    if (r < 0.35) {
      const v = "v" + i;
      const keep = rnd() < 0.5;
      const isNew = h.set(f, v, keep, 1000, 64);
      assert.equal(isNew, !model.has(f));
      model.set(f, [v, keep ? model.get(f)?.[1] ?? 0 : 0]);
    } else if (r < 0.55) {
      assert.equal(h.delete(f), model.delete(f));
    } else if (r < 0.85) {
      const pos = h.find(f);
      if (pos >= 0) {
        const t = 1 + Math.floor(rnd() * 100);
        h.setExpireAt(pos, t);
        model.get(f)![1] = t;
      }
    } else if (r < 0.95) {
      const pos = h.find(f);
      if (pos >= 0) {
        assert.equal(h.persistAt(pos), model.get(f)![1] !== 0);
        model.get(f)![1] = 0;
      }
    } else {
      const now = Math.floor(rnd() * 100);
      const gone: string[] = [];
      h.deleteExpired(now, 3, (x) => gone.push(x));
      for (const g of gone) {
        const t = model.get(g)![1];
        assert.ok(t !== 0 && t <= now);
        model.delete(g);
      }
    }
    assertTtlOrder(h);
    assert.equal(h.size, model.size);
  }
  const seen = new Map<string, [string, number]>();
  h.forEachEntry((f, v, t) => seen.set(f, [v, t]));
  assert.deepEqual(seen, model);
  assert.equal(h.encoding(), "listpackex");
  // Converting keeps everything, TTLs included.
  const copy = h.clone();
  h.toHashtable();
  assert.equal(h.encoding(), "hashtable");
  const after = new Map<string, [string, number]>();
  h.forEachEntry((f, v, t) => after.set(f, [v, t]));
  assert.deepEqual(after, model);
  const min = [...model.values()].map((e) => e[1]).filter((t) => t !== 0);
  assert.equal(h.minExpire(), min.length === 0 ? 0 : Math.min(...min));
  assert.equal(copy.encoding(), "listpackex", "the clone kept its own encoding");
});

Deno.test("Hash: clones are independent; hashFromEntries picks the encoding", () => {
  const a = Hash.fromPairs(["f", "1", "g", "2"], 0);
  const b = a.clone();
  b.set("f", "changed", false, 128, 64);
  assert.equal(a.get("f"), "1");
  a.toHashtable();
  a.enableTtl();
  a.setExpireAt(a.find("g"), 500);
  const c = a.clone();
  c.setExpireAt(c.find("g"), 900);
  c.delete("f");
  assert.equal(a.expireAt("g"), 500);
  assert.equal(a.get("f"), "1");
  assert.equal(c.size, 1);
  assert.equal(hashFromEntries([["a", "1", 0]], 128, 64).encoding(), "listpack");
  const ex = hashFromEntries([["a", "1", 0], ["b", "2", 77]], 128, 64);
  assert.equal(ex.encoding(), "listpackex");
  assert.equal(ex.expireAt("b"), 77);
  const order: string[] = [];
  ex.forEachEntry((f, v) => order.push(f, v));
  assert.deepEqual(order, ["b", "2", "a", "1"]);
  const big = hashFromEntries([["a", "1", 5], ["b", "2", 0], ["c", "3", 0]], 2, 64);
  assert.equal(big.encoding(), "hashtable");
  assert.equal(big.expireAt("a"), 5);
  assert.equal(hashFromEntries([["a", "x".repeat(65), 0]], 128, 64).encoding(), "hashtable");
});

Deno.test("listpack: varint lengths, binary bytes and inline times round-trip", () => {
  const long = "L".repeat(200), huge = "H".repeat(20000), bin = "\x00\x80\xff\x7f";
  for (const ex of [false, true]) {
    let lp = lpFromPairs(["a", long, huge, bin, "", ""], 0, ex);
    assert.equal(lpValue(lp, lpFind(lp, "a", ex)), long);
    assert.equal(lpValue(lp, lpFind(lp, huge, ex)), bin);
    assert.equal(lpField(lp, lpFind(lp, "", ex)), "");
    assert.equal(lpFind(lp, "zz", ex), -1);
    assert.equal(lpOffsets(lp, ex).length, 3);
    if (ex) {
      for (const t of [1, 255, 256, 65536, 2 ** 32 - 1, 2 ** 32, 1_700_000_000_123, 2 ** 46 - 1]) {
        const p = lpFind(lp, huge, true);
        lp = lpSplice(lp, p, lpNext(lp, p, true), huge, bin, true, t);
        assert.equal(lpTtl(lp, lpFind(lp, huge, true)), t);
        assert.equal(lpTtl(lp, lpFind(lp, "a", true)), 0);
      }
    }
    const entries: string[] = [];
    lpForEach(lp, ex, (f, v) => {
      entries.push(f, v);
    });
    assert.deepEqual(entries, ["a", long, huge, bin, "", ""]);
    // Deleting the first and the last entries leaves the middle one.
    const first = lpSplice(lp, 0, lpNext(lp, 0, ex), null, "", ex, 0);
    const p = lpFind(first, "", ex);
    const mid = lpSplice(first, p, first.length, null, "", ex, 0);
    assert.equal(lpOffsets(mid, ex).length, 1);
    assert.equal(lpValue(mid, 0), bin);
    assert.equal(detach(huge.substring(5)), huge.substring(5));
  }
});

Deno.test("Hash: listpack with large values and TTLs (hash-max-listpack-value raised)", () => {
  const h = new Hash();
  const big = "v3".repeat(1024), big2 = "v1".repeat(1024);
  for (const [f, v] of [["f1", big2], ["f2", "v2"], ["f3", big], ["f4", "v4"]]) h.set(f, v, false, 128, 2048);
  h.enableTtl();
  h.setExpireAt(h.find("f3"), 100000);
  assert.equal(h.persistAt(h.find("f3")), true);
  assert.equal(h.persistAt(h.find("f3")), false);
  h.setExpireAt(h.find("f1"), 10);
  const gone: string[] = [];
  h.deleteExpired(20, 10, (f) => gone.push(f));
  assert.deepEqual(gone, ["f1"]);
  const rest: string[] = [];
  h.forEachEntry((f, v) => rest.push(f, v));
  assert.deepEqual(rest, ["f2", "v2", "f4", "v4", "f3", big]);
  assert.equal(h.encoding(), "listpackex");
});
