/**
 * Test support for IdIndex (the PEL B+tree): a seeded random source and one check of every reader of
 * an index against a model Map (id → value).
 */
import assert from "node:assert/strict";
import type { IdIndex } from "../../src/types/stream_index.ts";

/** A seeded LCG: reproducible random integers below `k`. */
export function rng(seed: number): (k: number) => number {
  let s = seed >>> 0;
  return (k) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
}

/**
 * Asserts that `x` holds exactly the model's entries: size, first/last, the in-order walk, and at each
 * probe ID get/has, seekGE/seekLE (and a step back), and the ID ranges from it to the next probe.
 */
export function assertIndexMatchesModel<V>(x: IdIndex<V>, m: Map<string, V>, probes: string[]): void {
  const sorted = [...m.keys()].sort();
  assert.equal(x.size, m.size);
  assert.equal(x.first(), sorted[0]);
  assert.equal(x.last(), sorted[sorted.length - 1]);
  const walked: string[] = [];
  x.forEach((id, v) => {
    walked.push(id);
    assert.equal(v, m.get(id));
  });
  assert.deepEqual(walked, sorted);
  probes.forEach((probe, i) => {
    assert.equal(x.get(probe), m.get(probe));
    assert.equal(x.has(probe), m.has(probe));
    const ge = x.seekGE(probe);
    assert.equal(ge.valid ? ge.member : undefined, sorted.find((k) => k >= probe));
    if (ge.valid) assert.equal(ge.value, m.get(ge.member));
    const le = x.seekLE(probe);
    const atOrBelow = sorted.findLast((k) => k <= probe);
    assert.equal(le.valid ? le.member : undefined, atOrBelow);
    if (le.valid) {
      le.prev();
      assert.equal(le.valid ? le.member : undefined, sorted.findLast((k) => k < atOrBelow!));
    }
    const hi = probes[(i + 1) % probes.length];
    const want = sorted.filter((k) => k >= probe && k <= hi);
    assert.deepEqual(x.idsInRange(probe, hi), want);
    assert.deepEqual(x.idsInRange(probe, hi, 3), want.slice(0, 3));
    assert.equal(x.countRange(probe, hi), want.length);
  });
}
