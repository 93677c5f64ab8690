/**
 * The data-structure API other families use (SORT reads sets and sorted sets through it): RSet
 * members/size/has and ZSet size/score/rangeByRank with Redis-style indexes, in every encoding, and
 * clone() independence.
 */
import assert from "node:assert/strict";
import { HASHTABLE, INTSET, LISTPACK, RSet } from "../../src/types/set.ts";
import { ZSet } from "../../src/types/zset.ts";

const SET_LIM = { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 };
const ZSET_LIM = { maxListpackEntries: 128, maxListpackValue: 64 };

Deno.test("RSet: members, size, has, clone in each encoding", () => {
  for (
    const [enc, members] of [
      [INTSET, ["3", "-1", "9223372036854775807", "2"]],
      [LISTPACK, ["b", "a", "1"]],
      [HASHTABLE, Array.from({ length: 300 }, (_, i) => `m${i}`)],
    ] as const
  ) {
    const s = new RSet(enc);
    for (const m of members) s.add(m, SET_LIM);
    assert.equal(s.enc, enc);
    assert.equal(s.size, members.length);
    assert.deepEqual(new Set(s.members()), new Set(members));
    for (const m of members) assert.ok(s.has(m));
    assert.ok(!s.has("nope"));
    const copy = s.clone();
    copy.remove(members[0]);
    assert.ok(s.has(members[0]));
    assert.equal(copy.size, members.length - 1);
  }
  const i = new RSet(INTSET);
  for (const m of ["3", "-1", "9223372036854775807", "2", "-9223372036854775808"]) i.add(m, SET_LIM);
  assert.deepEqual(i.members(), ["-9223372036854775808", "-1", "2", "3", "9223372036854775807"]);
});

Deno.test("ZSet: size, score, rangeByRank in both encodings", () => {
  for (const n of [10, 500]) {
    const z = ZSet.create(0, 0, ZSET_LIM);
    for (let i = 0; i < n; i++) z.insert(`m${i}`, i % 7, ZSET_LIM);
    assert.equal(z.encoding(), n > 128 ? "skiplist" : "listpack");
    assert.equal(z.size, n);
    assert.equal(z.score("m3"), 3);
    assert.equal(z.score("nope"), undefined);
    const all = z.rangeByRank(0, -1, false);
    assert.equal(all.length, n);
    for (let i = 1; i < n; i++) {
      const [pm, ps] = all[i - 1];
      const [m, s] = all[i];
      assert.ok(ps < s || (ps === s && pm < m));
    }
    assert.deepEqual(z.rangeByRank(0, -1, true), [...all].reverse());
    assert.deepEqual(z.rangeByRank(2, 4, false), all.slice(2, 5));
    assert.deepEqual(z.rangeByRank(-3, -1, false), all.slice(-3));
    assert.deepEqual(z.rangeByRank(1, 2, true), [all[n - 2], all[n - 3]]);
    assert.deepEqual(z.rangeByRank(5, 2, false), []);
    assert.deepEqual(z.rangeByRank(n, n + 5, false), []);
    assert.deepEqual(z.rangeByRank(-1000, 1, false), all.slice(0, 2));
    const copy = z.clone();
    copy.remove("m3");
    assert.equal(z.score("m3"), 3);
    assert.equal(copy.size, n - 1);
  }
});
