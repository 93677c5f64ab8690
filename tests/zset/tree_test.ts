/**
 * ZTree, the counted B+tree behind the skiplist encoding, against a sorted-array model: random inserts
 * and deletes (with many equal scores), ascending and descending bulk inserts, deleting everything,
 * and after every batch: structure invariants (order, links, counts, separators), rank of every entry,
 * select by rank, cursor walks both ways, and countWhile for score bounds.
 */
import assert from "node:assert/strict";
import { keyLess, ZTree } from "../../src/types/zset_tree.ts";
import { prng, randInt } from "../set/helpers.ts";

type Entry = [string, number];

function sortModel(model: Entry[]): void {
  model.sort((a, b) => (keyLess(a[1], a[0], b[1], b[0]) ? -1 : keyLess(b[1], b[0], a[1], a[0]) ? 1 : 0));
}

function verify(t: ZTree, model: Entry[], rnd: () => number): void {
  t.check();
  assert.equal(t.size, model.length);
  const [m, s] = t.toArrays();
  assert.deepEqual(m, model.map((e) => e[0]));
  assert.deepEqual(s, model.map((e) => e[1]));
  for (let k = 0; k < Math.min(50, model.length); k++) {
    const i = randInt(rnd, model.length);
    assert.equal(t.rank(model[i][0], model[i][1]), i);
    const c = t.at(i);
    assert.equal(c.member, model[i][0]);
    // Walk a few steps both ways.
    for (let j = i + 1; j < Math.min(model.length, i + 70); j++) {
      c.next();
      assert.equal(c.member, model[j][0]);
    }
    const b = t.at(i);
    for (let j = i - 1; j >= Math.max(0, i - 70); j--) {
      b.prev();
      assert.equal(b.member, model[j][0]);
    }
    const x = randInt(rnd, 60) - 5 + (rnd() < 0.5 ? 0.5 : 0);
    assert.equal(t.countWhile((sc) => sc < x), model.filter((e) => e[1] < x).length);
    assert.equal(t.countWhile((sc) => sc <= x), model.filter((e) => e[1] <= x).length);
  }
  assert.equal(t.at(model.length).valid, false);
  assert.equal(t.at(-1).valid, false);
  if (model.length) {
    const first = t.at(0);
    first.prev();
    assert.equal(first.valid, false);
    const last = t.at(model.length - 1);
    last.next();
    assert.equal(last.valid, false);
  }
}

Deno.test("ZTree: random inserts and deletes against a sorted model", () => {
  const rnd = prng(1);
  const t = new ZTree();
  const model: Entry[] = [];
  const present = new Map<string, number>();
  for (let round = 0; round < 40; round++) {
    const ops = 200 + randInt(rnd, 400);
    const deleteBias = round % 10 >= 6 ? 0.8 : 0.35;
    for (let k = 0; k < ops; k++) {
      if (rnd() < deleteBias && present.size) {
        const keys = [...present.keys()];
        const m = keys[randInt(rnd, keys.length)];
        assert.ok(t.delete(m, present.get(m)!));
        assert.equal(t.delete(m, present.get(m)!), false);
        present.delete(m);
      } else {
        const m = `m${randInt(rnd, 5000)}`;
        if (present.has(m)) continue;
        const s = randInt(rnd, 50);
        t.insert(m, s);
        present.set(m, s);
      }
    }
    model.length = 0;
    for (const [m, s] of present) model.push([m, s]);
    sortModel(model);
    verify(t, model, rnd);
  }
});

Deno.test("ZTree: sequential bulk inserts fill leaves, deleting everything empties the tree", () => {
  const rnd = prng(2);
  for (const order of ["asc", "desc", "mid"]) {
    const t = new ZTree();
    const model: Entry[] = [];
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const v = order === "asc" ? i : order === "desc" ? n - i : (i * 7919) % n;
      t.insert(`k${v}`, v);
      model.push([`k${v}`, v]);
    }
    sortModel(model);
    verify(t, model, rnd);
    assert.ok(t.height <= 4, `height ${t.height}`);
    // Delete from the front, the back and at random until empty.
    while (model.length) {
      const pick = randInt(rnd, 3);
      const i = pick === 0 ? 0 : pick === 1 ? model.length - 1 : randInt(rnd, model.length);
      const [m, s] = model[i];
      model.splice(i, 1);
      assert.ok(t.delete(m, s));
      if (model.length % 2500 === 0) verify(t, model, rnd);
    }
    verify(t, model, rnd);
    assert.equal(t.height, 0);
  }
});

Deno.test("ZTree: fromSorted and equal scores ordered by member bytes", () => {
  const rnd = prng(3);
  const members = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(i % 256) + String(i));
  const model: Entry[] = members.map((m) => [m, 1]);
  sortModel(model);
  const t = ZTree.fromSorted(model.map((e) => e[0]), model.map((e) => e[1]));
  verify(t, model, rnd);
  t.insert("\xff", 1);
  t.insert("", 1);
  model.push(["\xff", 1], ["", 1]);
  sortModel(model);
  assert.equal(model[0][0], "");
  verify(t, model, rnd);
  for (const inf of [-Infinity, Infinity, -0]) {
    t.insert(`inf${inf}`, inf);
    model.push([`inf${inf}`, inf]);
  }
  sortModel(model);
  verify(t, model, rnd);
});
