/**
 * The stream data structures without a server: ID encoding (order, text form, 64-bit edges,
 * increment/decrement carries, Redis's string2ull leniency), EntryLog seeks across deleted entries
 * and dropped blocks against a sorted-array model, and IdIndex against a Map + sort model.
 */
import assert from "node:assert/strict";
import { formatId, idDecr, idIncr, makeId, MAX_ID, MIN_ID, parseIdText, parseU64 } from "../../src/types/stream_id.ts";
import { EntryLog } from "../../src/types/stream_log.ts";
import { IdIndex } from "../../src/types/stream_index.ts";
import { assertIndexMatchesModel, rng } from "./id_index_model.ts";

Deno.test("stream IDs: text form, order, 64-bit edges, carries, parsing", () => {
  assert.equal(formatId(makeId(1, 2)), "1-2");
  assert.equal(formatId(MAX_ID), "18446744073709551615-18446744073709551615");
  assert.equal(formatId(makeId(2n ** 53n + 1n, 0)), "9007199254740993-0");
  assert.ok(makeId(1, 2 ** 40) < makeId(2, 0));
  assert.ok(makeId(255, 0) < makeId(256, 0));
  assert.equal(formatId(idIncr(makeId(1, 2n ** 64n - 1n))!), "2-0");
  assert.equal(formatId(idDecr(makeId(2, 0))!), "1-18446744073709551615");
  assert.equal(idIncr(MAX_ID), null);
  assert.equal(idDecr(MIN_ID), null);
  assert.equal(parseU64("18446744073709551615"), 18446744073709551615n);
  assert.equal(parseU64("18446744073709551616"), null);
  assert.equal(parseU64("007"), 7);
  assert.equal(parseU64("-1"), null);
  assert.equal(parseU64(""), null);
  assert.equal(formatId(parseIdText("5", "max", true)!.id), "5-18446744073709551615");
  assert.equal(parseIdText("-", "min", true), null);
  assert.equal(parseIdText("+", "min", false)!.id, MAX_ID);
  assert.deepEqual(parseIdText("5-*", "min", true, true), { id: makeId(5, 0), seqGiven: false });
  assert.equal(parseIdText("5-*", "min", true, false), null);
  assert.equal(parseIdText("1-2-3", "min", true), null);
  assert.equal(parseIdText("1".repeat(128), "min", true), null);
});

Deno.test("EntryLog: seeks and walks match a sorted-array model through deletes and block drops", () => {
  const log = new EntryLog();
  const model: number[] = [];
  let seed = 7;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let i = 1; i <= 2000; i++) {
    log.append(makeId(i, 0), ["f", String(i)], 10);
    model.push(i);
  }
  for (let k = 0; k < 1500; k++) {
    const v = 1 + rnd(2000);
    const had = model.includes(v);
    assert.equal(log.delete(makeId(v, 0)), had);
    if (had) model.splice(model.indexOf(v), 1);
  }
  assert.equal(log.size, model.length);
  for (const b of log.blocks) assert.ok(b.live > 0);
  for (let q = 0; q <= 2001; q += 7) {
    const ge = log.seekGE(makeId(q, 0));
    const want = model.find((x) => x >= q);
    assert.equal(ge.valid ? ge.member : undefined, want === undefined ? undefined : makeId(want, 0));
    const le = log.seekLE(makeId(q, 0));
    const wantLe = [...model].reverse().find((x) => x <= q);
    assert.equal(le.valid ? le.member : undefined, wantLe === undefined ? undefined : makeId(wantLe, 0));
  }
  const walked: number[] = [];
  for (const c = log.seekGE(MIN_ID); c.valid; c.next()) walked.push(Number(c.fields[1]));
  assert.deepEqual(walked, model);
  const back: number[] = [];
  for (const c = log.seekLE(MAX_ID); c.valid; c.prev()) back.push(Number(c.fields[1]));
  assert.deepEqual(back, [...model].reverse());
  assert.equal(log.first(), makeId(model[0], 0));
  assert.equal(log.last(), makeId(model[model.length - 1], 0));
});

Deno.test("IdIndex: ordered map operations match a Map + sort model", () => {
  const x = new IdIndex<number>({ innerMax: 8 });
  const m = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const id = makeId((i * 7919) % 1000, i % 3);
    if (i % 4 === 3) {
      assert.equal(x.delete(id), m.delete(id));
    } else {
      x.set(id, i);
      m.set(id, i);
    }
  }
  // Size, first/last, the walk, and the ranges between the probes (100-0 → 500-1 among them).
  assertIndexMatchesModel(x, m, [makeId(100, 0), makeId(500, 1)]);
  for (const k of m.keys()) assert.equal(x.get(k), m.get(k));
});

Deno.test("IdIndex: lazy removal (tombstones, homed release, compaction, merges) matches a model", () => {
  // Random sets, releases and takes on a homed index (and a plain one), checked against Map models.
  interface Rec {
    n: number;
    home: object | null;
  }
  const rand = rng(7);
  const space = 6000;
  const idAt = (i: number) => makeId(1_700_000_000_000 + Math.floor(i / 3) * 7, i % 3);
  const probes = () => Array.from({ length: 20 }, () => idAt(rand(space)));
  const homed = new IdIndex<Rec>({ homed: true, innerMax: 8 });
  const hm = new Map<string, Rec>();
  const plain = new IdIndex<number>({ innerMax: 8 });
  const pm = new Map<string, number>();
  for (let step = 0; step < 30_000; step++) {
    const id = idAt(rand(space));
    const op = rand(10);
    if (op < 4) {
      // Insert when absent (a homed value is never set twice while live).
      if (!hm.has(id)) {
        const r = { n: step, home: null };
        assert.equal(homed.set(id, r), undefined);
        hm.set(id, r);
      }
      assert.equal(plain.set(id, step), pm.get(id));
      pm.set(id, step);
    } else if (op < 7) {
      const r = hm.get(id);
      if (r !== undefined) {
        homed.release(r);
        hm.delete(id);
        assert.equal(r.home, null);
      }
      assert.equal(plain.take(id), pm.get(id));
      pm.delete(id);
    } else if (op < 8) {
      assert.equal(homed.take(id), hm.get(id));
      hm.delete(id);
      assert.equal(plain.delete(id), pm.delete(id));
    } else if (op === 8 && step % 97 === 0) {
      // Drain a whole run, in order, as in-order acknowledgements do.
      for (const k of [...hm.keys()].sort().slice(0, 500)) {
        homed.release(hm.get(k)!);
        hm.delete(k);
      }
    }
    if (step % 100 === 0) {
      homed.checkInvariants();
      plain.checkInvariants();
    }
    if (step % 5000 === 0) {
      assertIndexMatchesModel(homed, hm, probes());
      assertIndexMatchesModel(plain, pm, probes());
    }
  }
  assertIndexMatchesModel(homed, hm, probes());
  assertIndexMatchesModel(plain, pm, probes());
  // Emptied completely (every merge and root collapse), then reused.
  let left = 0;
  for (const r of hm.values()) {
    homed.release(r);
    if (++left % 50 === 0) homed.checkInvariants();
  }
  hm.clear();
  assertIndexMatchesModel(homed, hm, probes());
  for (let i = 0; i < 3000; i++) {
    const r = { n: i, home: null };
    homed.set(idAt(i), r);
    hm.set(idAt(i), r);
  }
  assertIndexMatchesModel(homed, hm, probes());
});

Deno.test("IdIndex: interpolated searches stay exact on skewed ID distributions", () => {
  const r = rng(11);
  // Each distribution puts the interpolated guess far from the answer somewhere: clusters at the
  // ends of the ID space, exponential gaps, IDs differing only in their top or bottom bytes, and
  // duplicates of a node's first or last key as probes.
  const shapes: [string, (i: number) => StreamIdParts][] = [
    ["two clusters", (i) => i % 2 === 0 ? [1, i] : [2n ** 47n + BigInt(i), 0]],
    ["exponential gaps", (i) => [0, Math.floor(1.0005 ** i * 1000)]],
    ["top bytes only", (i) => [BigInt(i) << 40n, 0]],
    ["sequence with a far outlier", (i) => i === 3000 ? [2n ** 63n, 2n ** 63n] : [5, i]],
    ["dense then sparse", (i) => i < 2500 ? [7, i] : [7, i * 1_000_003]],
    ["64-bit edges", (i) => [2n ** 64n - 1n - BigInt(r(1000)), 2n ** 64n - 1n - BigInt(i)]],
  ];
  for (const [name, at] of shapes) {
    const x = new IdIndex<number>();
    const m = new Map<string, number>();
    const ids: string[] = [];
    for (let i = 0; i < 3001; i++) {
      const [ms, seq] = at(i);
      const id = makeId(ms, seq);
      ids.push(id);
      x.set(id, i);
      m.set(id, i);
    }
    // Holes so probes fall between keys too.
    for (let i = 0; i < 600; i++) {
      const id = ids[r(ids.length)];
      assert.equal(x.delete(id), m.delete(id), name);
    }
    const probes = [...ids.filter((_, i) => i % 97 === 0), MIN_ID, MAX_ID];
    for (let i = 0; i < 40; i++) probes.push(idIncr(ids[r(ids.length)]) ?? MAX_ID);
    x.checkInvariants();
    assertIndexMatchesModel(x, m, probes);
    for (const id of ids) assert.equal(x.get(id), m.get(id), `${name}: ${formatId(id)}`);
  }
});

/** An ID's two parts, as numbers or (past 2^53) BigInts. */
type StreamIdParts = [number | bigint, number | bigint];
