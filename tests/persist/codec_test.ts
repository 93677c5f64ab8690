/**
 * Unit tests: CRC-64/Jones (Redis's check value, incremental feeding) and LZF round trips, plus
 * rejection of malformed LZF input.
 */
import assert from "node:assert/strict";
import { Crc64, crc64 } from "../../src/persist/crc64.ts";
import { lzfCompress, lzfDecompress } from "../../src/persist/lzf.ts";

const enc = new TextEncoder();

Deno.test("crc64: Redis's check vector", () => {
  assert.equal(crc64(enc.encode("123456789")), 0xe9c6d914c4b8d9can);
  assert.equal(crc64(new Uint8Array(0)), 0n);
});

Deno.test("crc64: incremental equals one-shot; little-endian output", () => {
  const data = new Uint8Array(1000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  const c = new Crc64();
  c.update(data, 0, 333).update(data, 333, 1000);
  assert.equal(c.value(), crc64(data));
  const out = new Uint8Array(8);
  const v = new Crc64().update(enc.encode("123456789"));
  v.writeLE(out, 0);
  assert.deepEqual([...out], [0xca, 0xd9, 0xb8, 0xc4, 0x14, 0xd9, 0xc6, 0xe9]);
  assert.ok(v.matchesLE(out, 0));
  out[3] ^= 1;
  assert.ok(!v.matchesLE(out, 0));
});

function roundTrip(data: Uint8Array): Uint8Array | null {
  const c = lzfCompress(data, data.length + 64);
  if (c === null) return null;
  const d = lzfDecompress(c, data.length);
  assert.ok(d !== null);
  assert.deepEqual(d, data);
  return c;
}

Deno.test("lzf: round trips of repetitive, random and mixed data", () => {
  const rep = enc.encode("abcabcabcabcabcabcabcabcabcabcabcabc".repeat(100));
  const c = roundTrip(rep)!;
  assert.ok(c.length < rep.length / 10, `compressed ${c.length}`);
  assert.ok(roundTrip(new Uint8Array(100000))!.length < 2000);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(Math.random() * 5000);
    const d = new Uint8Array(n);
    const alphabet = 1 + Math.floor(Math.random() * 256);
    for (let i = 0; i < n; i++) d[i] = Math.floor(Math.random() * alphabet);
    if (Math.random() < 0.5) { for (let i = 100; i < n; i += 50) d.copyWithin(i, i - 90, i - 60); }
    roundTrip(d);
  }
  for (let n = 1; n < 70; n++) roundTrip(enc.encode("x".repeat(n)));
});

Deno.test("lzf: refuses output that does not fit; decompressor rejects malformed input", () => {
  const rnd = new Uint8Array(64);
  crypto.getRandomValues(rnd);
  assert.equal(lzfCompress(rnd, 60), null);
  // back reference before the start
  assert.equal(lzfDecompress(new Uint8Array([0x20, 0x05]), 3), null);
  // literal run past the input
  assert.equal(lzfDecompress(new Uint8Array([0x05, 1, 2]), 6), null);
  // wrong final length
  assert.equal(lzfDecompress(new Uint8Array([0x01, 1, 2]), 3), null);
  // a valid hand-made stream: "abc" then copy 6 from offset 3
  const ok = lzfDecompress(new Uint8Array([0x02, 97, 98, 99, (4 << 5) | 0, 2]), 9);
  assert.equal(new TextDecoder().decode(ok!), "abcabcabc");
});
