/**
 * The HyperLogLog hash and register helpers against independent models: MurmurHash64A (seed
 * 0xadc83b19) written with BigInt from its C definition, the register index and run length derived
 * from it, and dense register get/set round trips across byte boundaries.
 */
import assert from "node:assert/strict";
import { denseGet, denseSet, hllPatLen, hllPatLenU64, newDense, patResult } from "../../src/types/hll.ts";
import { prng, randBytes, randInt } from "../bitmap/helpers.ts";

const M = 0xc6a4a7935bd1e995n;
const U = (v: bigint) => BigInt.asUintN(64, v);

/** MurmurHash64A over bytes, straight from the C code. */
function murmur(data: number[], seed: bigint): bigint {
  const len = data.length;
  let h = U(seed ^ U(BigInt(len) * M));
  const nblocks = len - (len & 7);
  for (let i = 0; i < nblocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]);
    k = U(k * M);
    k ^= k >> 47n;
    k = U(k * M);
    h ^= k;
    h = U(h * M);
  }
  const rem = len & 7;
  if (rem) {
    for (let j = rem - 1; j >= 0; j--) h ^= BigInt(data[nblocks + j]) << BigInt(8 * j);
    h = U(h * M);
  }
  h ^= h >> 47n;
  h = U(h * M);
  h ^= h >> 47n;
  return h;
}

function modelPat(data: number[]): [number, number] {
  let hash = murmur(data, 0xadc83b19n);
  const index = Number(hash & 16383n);
  hash >>= 14n;
  hash |= 1n << 50n;
  let count = 1;
  while ((hash & 1n) === 0n) {
    count++;
    hash >>= 1n;
  }
  return [index, count];
}

Deno.test("hll: MurmurHash64A register index and run length match the C definition", () => {
  const rnd = prng(11);
  for (let i = 0; i < 20000; i++) {
    const s = randBytes(rnd, randInt(rnd, 4) === 0 ? randInt(rnd, 100) : randInt(rnd, 17));
    hllPatLen(s);
    const [index, count] = modelPat(Array.from(s, (ch) => ch.charCodeAt(0)));
    assert.deepEqual([patResult.index, patResult.count], [index, count], JSON.stringify(s));
  }
  // Long runs: search for hashes with many trailing zeros above the index bits.
  let maxCount = 0;
  for (let i = 0; i < 200000; i++) {
    hllPatLen(`x${i}`);
    maxCount = Math.max(maxCount, patResult.count);
  }
  assert.ok(maxCount >= 12);
});

Deno.test("hll: 8-byte integer keys hash like their little-endian bytes", () => {
  const rnd = prng(12);
  for (let i = 0; i < 5000; i++) {
    const hi = randInt(rnd, 2 ** 32);
    const lo = randInt(rnd, 2 ** 32);
    hllPatLenU64(hi, lo);
    const bytes: number[] = [];
    for (let j = 0; j < 4; j++) bytes.push((lo >>> (8 * j)) & 255);
    for (let j = 0; j < 4; j++) bytes.push((hi >>> (8 * j)) & 255);
    assert.deepEqual([patResult.index, patResult.count], modelPat(bytes));
  }
});

Deno.test("hll: dense registers round-trip without disturbing neighbors", () => {
  const rnd = prng(13);
  const b = newDense();
  const model = new Uint8Array(16384);
  for (let i = 0; i < 100000; i++) {
    const r = randInt(rnd, 16384);
    const v = randInt(rnd, 64);
    denseSet(b, r, v);
    model[r] = v;
    if (i % 1000 === 0) { for (let j = 0; j < 16384; j++) assert.equal(denseGet(b, j), model[j]); }
  }
  assert.deepEqual(Array.from(b.subarray(0, 5)), [72, 89, 76, 76, 0]);
});
