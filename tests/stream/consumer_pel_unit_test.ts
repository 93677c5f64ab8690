/** ConsumerPel against a sorted-map model: random adds, replacements, acks and deletions. */
import assert from "node:assert/strict";
import { ConsumerPel } from "../../src/types/consumer_pel.ts";
import { makeId, type StreamId } from "../../src/types/stream_id.ts";
import { prng } from "../helpers/prng.ts";

interface N {
  acked: boolean;
  tag: number;
}

Deno.test("consumer PEL: lazy acks match a model, and stale entries stay bounded", () => {
  const r = prng(11);
  const n = (k: number) => Math.floor(r() * k);
  const pel = new ConsumerPel<N>();
  const model = new Map<StreamId, N>();
  const id = () => makeId(n(3000), n(2));
  for (let step = 0; step < 40000; step++) {
    const op = n(10);
    const k = id();
    if (op < 4) {
      const v = { acked: false, tag: step };
      pel.set(k, v);
      const old = model.get(k);
      if (old !== undefined) old.acked = true; // replaced: the old record is gone from both
      model.set(k, v);
    } else if (op < 8) {
      const v = model.get(k);
      if (v !== undefined) {
        v.acked = true;
        model.delete(k);
        pel.acked();
      }
    } else {
      assert.equal(pel.delete(k), model.delete(k));
    }
    assert.equal(pel.size, model.size);
    assert.ok(pel.stored - pel.size <= Math.max(64, pel.size) + 1, `stale ${pel.stored - pel.size} live ${pel.size}`);
    if (step % 997 === 0) {
      const ids = [...model.keys()].sort();
      const seen: StreamId[] = [];
      pel.forEach((i, v) => {
        seen.push(i);
        assert.equal(v, model.get(i));
      });
      assert.deepEqual(seen, ids);
      const lo = id(), hi = id();
      assert.deepEqual(pel.idsInRange(lo, hi, 5), ids.filter((i) => i >= lo && i <= hi).slice(0, 5));
      assert.equal(pel.get(k), model.get(k));
    }
  }
  // Acknowledge everything: the stale copies are dropped as they come to outnumber the live ones.
  for (const [k, v] of model) {
    v.acked = true;
    pel.acked();
    model.delete(k);
    assert.ok(pel.stored - pel.size <= Math.max(64, pel.size) + 1, `stale ${pel.stored - pel.size} live ${pel.size}`);
  }
  assert.equal(pel.size, 0);
  assert.ok(pel.stored <= 65);
});
