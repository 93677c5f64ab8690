/** Unit test: binary-string conversions are exact for every length and byte value. */
import assert from "node:assert/strict";
import { bytesToStr, strToBytes } from "../../src/resp/bytes.ts";
import { prng } from "../helpers/prng.ts";

Deno.test("bytesToStr / strToBytes round-trip every byte at every length and offset (short and long paths)", () => {
  const rnd = prng(3);
  const buf = new Uint8Array(256 + 64);
  for (let i = 0; i < buf.length; i++) buf[i] = i < 256 ? i : Math.floor(rnd() * 256);
  for (let len = 0; len <= 64; len++) {
    for (const start of [0, 1, 7, 200, 250]) {
      const s = bytesToStr(buf, start, start + len);
      let want = "";
      for (let i = start; i < start + len; i++) want += String.fromCharCode(buf[i]);
      assert.equal(s, want, `len ${len} at ${start}`);
      assert.deepEqual(strToBytes(s), buf.subarray(start, start + len));
    }
  }
  // a view with a byte offset (the latin1 path takes another branch)
  const view = buf.subarray(5);
  assert.equal(bytesToStr(view, 3, 40), bytesToStr(buf, 8, 45));
});
