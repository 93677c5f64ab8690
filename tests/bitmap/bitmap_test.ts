/**
 * SETBIT, GETBIT, BITCOUNT and BITPOS against redis-server: offsets at the limits, argument errors in
 * Redis's order, BYTE|BIT ranges with negative and huge indexes, wrong types, binary values, encodings
 * left behind, and a long random sequence compared reply by reply (values included).
 */
import assert from "node:assert/strict";
import { prng, randBytes, randInt, same, sameEncodings, type Script, withPair, withServer } from "./helpers.ts";

Deno.test("bitmap: SETBIT and GETBIT edge cases", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["RPUSH", "lst", "x"],
      ["SETBIT", "k", "7", "1"],
      ["GET", "k"],
      ["SETBIT", "k", "7", "1"],
      ["SETBIT", "k", "7", "0"],
      ["SETBIT", "k", "100", "1"],
      ["GET", "k"],
      ["STRLEN", "k"],
      ["GETBIT", "k", "100"],
      ["GETBIT", "k", "101"],
      ["GETBIT", "k", "100000"],
      ["GETBIT", "missing", "0"],
      ["SETBIT", "k", "-1", "1"],
      ["SETBIT", "k", "abc", "1"],
      ["SETBIT", "k", "4294967296", "1"],
      ["SETBIT", "k", "4294967295", "2"],
      ["SETBIT", "k", "1", "2"],
      ["SETBIT", "k", "1", "-1"],
      ["SETBIT", "k", "1", "x"],
      ["SETBIT", "k", "1", "01"],
      ["SETBIT", "k", "+1", "1"],
      ["SETBIT", "k", "01", "1"],
      ["GETBIT", "k", "-1"],
      ["GETBIT", "k", "4294967296"],
      ["GETBIT", "lst", "x"],
      ["GETBIT", "lst", "0"],
      ["SETBIT", "lst", "0", "1"],
      ["SETBIT", "lst", "0", "5"],
      ["SET", "n", "12"],
      ["GETBIT", "n", "2"],
      ["GETBIT", "n", "3"],
      ["SETBIT", "n", "6", "1"],
      ["GET", "n"],
      ["SET", "t", "v", "EX", "100"],
      ["SETBIT", "t", "0", "1"],
      ["TTL", "t"],
      ["SETBIT", "new", "0", "0"],
      ["GET", "new"],
      ["SETBIT", "k"],
      ["GETBIT", "k"],
    ]);
    await sameEncodings(p, ["k", "n", "t", "new"]);
  });
});

Deno.test("bitmap: SETBIT at the proto-max-bulk-len boundary", async () => {
  await withServer(async (_srv, c) => {
    // 512 MB = 2^32 bits: the last valid offset is 2^32 - 1, the next one is out of range.
    assert.deepEqual(await c.call("SETBIT", "k", "4294967296", "1"), {
      error: "ERR bit offset is not an integer or out of range",
    });
    // The last 24 bytes below 512 MB exceed V8's longest string: a clean error instead (Redis can).
    const tooLong = { error: "ERR string exceeds maximum allowed size (proto-max-bulk-len)" };
    assert.deepEqual(await c.call("SETBIT", "k", "4294967295", "1"), tooLong);
    assert.deepEqual(await c.call("BITFIELD", "k", "SET", "u8", "4294967280", "1"), tooLong);
    assert.equal(await c.call("EXISTS", "k"), 0);
    assert.deepEqual(await c.call("CONFIG", "SET", "proto-max-bulk-len", "1048576"), "OK");
    assert.deepEqual(await c.call("SETBIT", "k", String(1048576 * 8), "1"), {
      error: "ERR bit offset is not an integer or out of range",
    });
    assert.equal(await c.call("SETBIT", "k", String(1048576 * 8 - 1), "1"), 0);
    assert.equal(await c.call("STRLEN", "k"), 1048576);
    assert.equal(await c.call("BITCOUNT", "k"), 1);
    assert.equal(await c.call("BITPOS", "k", "1"), 1048576 * 8 - 1);
    assert.equal(await c.call("GETBIT", "k", String(1048576 * 8 - 1)), 1);
  });
});

Deno.test("bitmap: BITCOUNT ranges, units and errors", async () => {
  await withPair(async (p) => {
    const script: Script = [
      ["RPUSH", "lst", "x"],
      ["SET", "s", "foobar"],
      ["SET", "bin", "\x00\xff\x0f\xf0\xaa\x55"],
      ["SET", "e", ""],
      ["SET", "i", "12345"],
      ["BITCOUNT", "s"],
      ["BITCOUNT", "missing"],
      ["BITCOUNT", "missing", "0", "-1"],
      ["BITCOUNT", "missing", "0", "-1", "BIT"],
      ["BITCOUNT", "lst"],
      ["BITCOUNT", "lst", "0", "1"],
      ["BITCOUNT", "s", "0"],
      ["BITCOUNT", "s", "0", "1", "BYTE", "x"],
      ["BITCOUNT", "s", "0", "1", "bits"],
      ["BITCOUNT", "s", "0", "1", "bit"],
      ["BITCOUNT", "s", "0", "1", "ByTe"],
      ["BITCOUNT", "s", "1", "x"],
      ["BITCOUNT", "s", "-9223372036854775808", "9223372036854775807"],
      ["BITCOUNT", "s", "9223372036854775807", "-9223372036854775808"],
      ["BITCOUNT", "s", "-9223372036854775808", "-9223372036854775807"],
      ["BITCOUNT", "s", "-9223372036854775807", "-9223372036854775808"],
      ["BITCOUNT", "s", "9223372036854775808", "1"],
      ["BITCOUNT", "e"],
      ["BITCOUNT", "e", "0", "-1"],
      ["BITCOUNT", "e", "0", "-1", "BIT"],
      ["BITCOUNT", "i"],
      ["BITCOUNT", "i", "1", "2"],
      ["BITCOUNT"],
    ];
    const idx = [
      "0",
      "1",
      "2",
      "3",
      "5",
      "6",
      "7",
      "8",
      "13",
      "47",
      "48",
      "100",
      "-1",
      "-2",
      "-5",
      "-6",
      "-7",
      "-48",
      "-49",
      "-100",
    ];
    for (const k of ["s", "bin"]) {
      for (const a of idx) {
        for (const b of idx) {
          script.push(["BITCOUNT", k, a, b]);
          script.push(["BITCOUNT", k, a, b, "BIT"]);
        }
      }
    }
    await same(p, script);
  });
});

Deno.test("bitmap: BITPOS ranges, units and errors", async () => {
  await withPair(async (p) => {
    const script: Script = [
      ["RPUSH", "lst", "x"],
      ["SET", "ones", "\xff\xff\xff"],
      ["SET", "zeros", "\x00\x00\x00"],
      ["SET", "mix", "\x00\xff\xf0\x0f\x00"],
      ["SET", "e", ""],
      ["SET", "i", "12345"],
      ["BITPOS", "missing", "1"],
      ["BITPOS", "missing", "0"],
      ["BITPOS", "missing", "0", "5", "10", "BIT"],
      ["BITPOS", "missing", "2"],
      ["BITPOS", "lst", "1"],
      ["BITPOS", "lst", "1", "0", "1"],
      ["BITPOS", "lst", "x"],
      ["BITPOS", "ones", "-1"],
      ["BITPOS", "ones", "x"],
      ["BITPOS", "ones", "1", "0", "1", "BIT", "x"],
      ["BITPOS", "ones", "1", "0", "1", "bits"],
      ["BITPOS", "ones", "1", "x", "1", "bits"],
      ["BITPOS", "ones", "1", "0", "x", "bits"],
      ["BITPOS", "ones", "1", "0", "x", "bit"],
      ["BITPOS", "e", "0"],
      ["BITPOS", "e", "1"],
      ["BITPOS", "e", "0", "0"],
      ["BITPOS", "e", "0", "0", "-1"],
      ["BITPOS", "i", "0"],
      ["BITPOS", "i", "1", "2"],
      ["BITPOS", "ones", "0", "-9223372036854775808", "9223372036854775807", "BIT"],
      ["BITPOS"],
    ];
    const idx = [
      "0",
      "1",
      "2",
      "3",
      "4",
      "7",
      "8",
      "9",
      "15",
      "16",
      "23",
      "24",
      "39",
      "40",
      "100",
      "-1",
      "-2",
      "-8",
      "-9",
      "-24",
      "-40",
      "-41",
    ];
    for (const k of ["ones", "zeros", "mix"]) {
      for (const bit of ["0", "1"]) {
        script.push(["BITPOS", k, bit]);
        for (const a of idx) {
          script.push(["BITPOS", k, bit, a]);
          for (const b of idx) {
            script.push(["BITPOS", k, bit, a, b]);
            script.push(["BITPOS", k, bit, a, b, "BIT"]);
            script.push(["BITPOS", k, bit, a, b, "BYTE"]);
          }
        }
      }
    }
    await same(p, script);
  });
});

Deno.test("bitmap: a missing key with bad range arguments is an error (Redis 7.2+, not 7.0)", async () => {
  // Redis 7.0 looked the key up first and replied 0; since 7.2 (#11734) arguments are validated first.
  await withServer(async (_srv, c) => {
    const notInt = { error: "ERR value is not an integer or out of range" };
    assert.deepEqual(await c.call("BITCOUNT", "missing", "x", "1"), notInt);
    assert.deepEqual(await c.call("BITCOUNT", "missing", "0", "1", "x"), { error: "ERR syntax error" });
    assert.deepEqual(await c.call("BITPOS", "missing", "0", "x"), notInt);
    assert.deepEqual(await c.call("BITPOS", "missing", "1", "0", "1", "x"), { error: "ERR syntax error" });
    assert.deepEqual(await c.call("BITPOS", "missing", "5"), { error: "ERR The bit argument must be 1 or 0." });
    assert.equal(await c.call("BITPOS", "missing", "0", "1", "2", "BIT"), 0);
    await c.call("RPUSH", "lst", "x");
    assert.deepEqual(await c.call("BITCOUNT", "lst", "a", "1"), notInt);
    assert.deepEqual(await c.call("BITCOUNT", "lst", "0", "1"), {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    });
  });
});

Deno.test("bitmap: random SETBIT/GETBIT/BITCOUNT/BITPOS sequence against redis-server", async () => {
  const rnd = prng(4242);
  await withPair(async (p) => {
    const keys = ["a", "b", "c"];
    const script: Script = [];
    const idx = () => String(randInt(rnd, 2) ? randInt(rnd, 80) - 40 : randInt(rnd, 400) - 200);
    for (let i = 0; i < 4000; i++) {
      const k = keys[randInt(rnd, keys.length)];
      const r = randInt(rnd, 10);
      if (r < 4) script.push(["SETBIT", k, String(randInt(rnd, randInt(rnd, 2) ? 64 : 2000)), String(randInt(rnd, 2))]);
      else if (r === 4) script.push(["GETBIT", k, String(randInt(rnd, 2100))]);
      else if (r === 5) script.push(["BITCOUNT", k, idx(), idx(), randInt(rnd, 2) ? "BIT" : "BYTE"]);
      else if (r === 6) {
        const args = ["BITPOS", k, String(randInt(rnd, 2)), idx(), idx()];
        if (randInt(rnd, 2)) args.push(randInt(rnd, 2) ? "BIT" : "BYTE");
        script.push(args.slice(0, 3 + randInt(rnd, args.length - 2)));
      } else if (r === 7) script.push(["GET", k]);
      else if (r === 8 && randInt(rnd, 20) === 0) script.push(["SET", k, randBytes(rnd, randInt(rnd, 40))]);
      else script.push(["BITCOUNT", k]);
    }
    await same(p, script);
    await sameEncodings(p, keys);
  });
});
