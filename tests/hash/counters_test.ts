/**
 * HINCRBY and HINCRBYFLOAT against redis-server, byte for byte: 64-bit limits and overflow, invalid
 * increments and stored values, and HINCRBYFLOAT's long double results over many random operands.
 */
import { prng, same, withPair } from "./helpers.ts";

Deno.test("hash: HINCRBY matches redis at the 64-bit limits", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["HINCRBY", "h", "c", "1"],
      ["HINCRBY", "h", "c", "-5"],
      ["HINCRBY", "h", "c", "0"],
      ["HGET", "h", "c"],
      ["HSET", "h", "max", "9223372036854775806", "min", "-9223372036854775807"],
      ["HINCRBY", "h", "max", "1"],
      ["HINCRBY", "h", "max", "1"],
      ["HINCRBY", "h", "min", "-1"],
      ["HINCRBY", "h", "min", "-1"],
      ["HINCRBY", "h", "min", "9223372036854775807"],
      ["HSET", "h", "safe", "9007199254740991"],
      ["HINCRBY", "h", "safe", "1"],
      ["HINCRBY", "h", "safe", "9007199254740993"],
      ["HINCRBY", "h", "safe", "-18014398509481986"],
      ["HGETALL", "h"],
      ["HINCRBY", "h", "c", "abc"],
      ["HINCRBY", "h", "c", "1.5"],
      ["HINCRBY", "h", "c", "+1"],
      ["HINCRBY", "h", "c", "01"],
      ["HINCRBY", "h", "c", " 1"],
      ["HINCRBY", "h", "c", ""],
      ["HINCRBY", "h", "c", "9223372036854775808"],
      ["HSET", "h", "s", "abc", "sp", " 1", "lz", "01", "fl", "1.0", "big", "9223372036854775808", "e", ""],
      ["HINCRBY", "h", "s", "1"],
      ["HINCRBY", "h", "sp", "1"],
      ["HINCRBY", "h", "lz", "1"],
      ["HINCRBY", "h", "fl", "1"],
      ["HINCRBY", "h", "big", "1"],
      ["HINCRBY", "h", "e", "1"],
      ["SET", "str", "1"],
      ["HINCRBY", "str", "f", "1"],
      ["HINCRBY", "str", "f", "x"],
      ["HINCRBY", "h", "c"],
      ["HINCRBY", "newkey", "f", "x"],
      ["EXISTS", "newkey"],
    ]);
  });
});

Deno.test("hash: HINCRBYFLOAT matches redis on errors and special values", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["HINCRBYFLOAT", "h", "f", "1.5"],
      ["HINCRBYFLOAT", "h", "f", "-0.5"],
      ["HINCRBYFLOAT", "h", "f", "10"],
      ["HINCRBYFLOAT", "h", "f", "abc"],
      ["HINCRBYFLOAT", "h", "f", "inf"],
      ["HINCRBYFLOAT", "h", "f", "-inf"],
      ["HINCRBYFLOAT", "h", "f", "nan"],
      ["HINCRBYFLOAT", "h", "f", " 1"],
      ["HINCRBYFLOAT", "h", "f", ""],
      ["HINCRBYFLOAT", "h", "f", "1e400"],
      ["HINCRBYFLOAT", "h", "f", "0x10"],
      ["HINCRBYFLOAT", "h", "f", "1e3"],
      ["HSET", "h", "s", "abc", "i", "inf", "big", "1e308", "int", "9223372036854775807"],
      ["HINCRBYFLOAT", "h", "s", "1"],
      ["HINCRBYFLOAT", "h", "i", "1"],
      ["HINCRBYFLOAT", "h", "big", "1e308"],
      ["HINCRBYFLOAT", "h", "big", "-1e308"],
      ["HINCRBYFLOAT", "h", "int", "1"],
      ["HINCRBYFLOAT", "h", "int", "0.5"],
      ["OBJECT", "ENCODING", "h"],
      ["~~HGETALL", "h"],
      ["SET", "str", "1"],
      ["HINCRBYFLOAT", "str", "f", "1"],
      ["HINCRBYFLOAT", "str", "f", "inf"],
      ["HINCRBYFLOAT", "h", "f"],
      ["HINCRBYFLOAT", "nokey", "f", "1e-20"],
      ["HINCRBYFLOAT", "nokey", "f", "-1e-20"],
      ["HGET", "nokey", "f"],
    ]);
  });
});

Deno.test("hash: HINCRBYFLOAT long double results match redis over random operands", async () => {
  await withPair(async (p) => {
    const rnd = prng(42);
    const script: (string | number)[][] = [];
    const forms = [
      () => String(Math.floor(rnd() * 2000) - 1000),
      () => (rnd() * 1000 - 500).toFixed(Math.floor(rnd() * 12)),
      () => `${(rnd() * 10).toFixed(3)}e${Math.floor(rnd() * 40) - 20}`,
      () => String(rnd() * 1e-10),
      () => `0x${Math.floor(rnd() * 65536).toString(16)}`,
      () => String(Math.floor(rnd() * 1e15)),
    ];
    for (let i = 0; i < 200; i++) {
      const f = `f${i % 7}`;
      script.push(["HINCRBYFLOAT", "h", f, forms[Math.floor(rnd() * forms.length)]()]);
      if (i % 20 === 0) script.push(["HSET", "h", f, forms[Math.floor(rnd() * forms.length)]()]);
    }
    script.push(["HGETALL", "h"]);
    await same(p, script);
  });
});
