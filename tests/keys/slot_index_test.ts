/**
 * SlotIndex, the key → slot map of DenseDict (keyspace, expires, big hashes and sorted sets): the same
 * answers as a Map through its split into partitions, independent clones, and partitions balanced
 * for common key shapes, so no single rehash covers much more than its share of the keys (a plain
 * Map growing past a million keys stalled for about 200 ms).
 */
import assert from "node:assert/strict";
import { SlotIndex } from "../../src/types/slot_index.ts";
import { DenseDict } from "../../src/types/dict.ts";

Deno.test("SlotIndex: get/set/has/delete/size match a Map before and after the split; clones are independent", () => {
  const x = new SlotIndex();
  const m = new Map<string, number>();
  let seed = 1;
  const rand = (k: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % k;
  };
  let snapshot: { x: SlotIndex; m: Map<string, number> } | null = null;
  for (let step = 0; step < 120_000; step++) {
    const key = `k:${rand(40_000)}`;
    const op = rand(10);
    if (op < 6) {
      x.set(key, step);
      m.set(key, step);
    } else if (op < 8) assert.equal(x.delete(key), m.delete(key));
    else {
      assert.equal(x.get(key), m.get(key));
      assert.equal(x.has(key), m.has(key));
    }
    assert.equal(x.size, m.size);
    if (step === 10_000) snapshot = { x: x.clone(), m: new Map(m) };
  }
  assert.equal(x.shape().parts, 256);
  for (const [k, v] of m) assert.equal(x.get(k), v);
  // The clone taken before the split kept its own contents; clones after the split too.
  const { x: sx, m: sm } = snapshot!;
  assert.equal(sx.size, sm.size);
  for (const [k, v] of sm) assert.equal(sx.get(k), v);
  const c = x.clone();
  c.set("new-key", 1);
  c.delete([...m.keys()][0]);
  assert.equal(x.get("new-key"), undefined);
  assert.equal(x.size, m.size);
  assert.equal(c.size, m.size);
});

Deno.test("SlotIndex: partitions stay balanced for common key shapes (bounded rehash cost)", () => {
  const shapes: [string, (i: number) => string][] = [
    ["key:N", (i) => `key:${i}`],
    ["zero-padded (redis-benchmark)", (i) => `key:${String(i).padStart(12, "0")}`],
    ["long, differing at the end", (i) => `${"tenant:42:user:".repeat(8)}${i}`],
    ["long, differing in the middle", (i) => `user:${i}:${"x".repeat(200)}`],
    ["binary", (i) => String.fromCharCode(i & 255, (i >> 8) & 255, (i >> 16) & 255)],
  ];
  for (const [name, keyOf] of shapes) {
    const x = new SlotIndex();
    const n = 200_000;
    for (let i = 0; i < n; i++) x.set(keyOf(i), i);
    const { parts, largest } = x.shape();
    assert.equal(parts, 256, name);
    assert.ok(largest < (2 * n) / parts, `${name}: largest partition ${largest} of ${n} keys`);
  }
});

Deno.test("DenseDict on a SlotIndex: swap-delete keeps every slot right past the split", () => {
  const d = new DenseDict<number>();
  for (let i = 0; i < 40_000; i++) d.set(`m${i}`, i);
  for (let i = 0; i < 40_000; i += 3) assert.ok(d.delete(`m${i}`));
  assert.equal(d.size, 40_000 - Math.ceil(40_000 / 3));
  for (let s = 0; s < d.size; s++) assert.equal(d.index.get(d.keys[s]), s);
  for (let i = 0; i < 40_000; i++) assert.equal(d.get(`m${i}`), i % 3 === 0 ? undefined : i);
});
