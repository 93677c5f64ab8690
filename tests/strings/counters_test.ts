/**
 * INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT against redis-server: 64-bit limits, overflow errors,
 * invalid integers, TTL preservation, and INCRBYFLOAT's long double results over many values
 * (decimal, exponent, hex, huge and tiny magnitudes), compared byte for byte.
 */
import { makeList, same, sameEncodings, sameTtls, withPair } from "./helpers.ts";

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("strings: INCR/DECR/INCRBY/DECRBY basics and errors", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["INCR", "c"],
      ["INCR", "c"],
      ["DECR", "c"],
      ["DECR", "d"],
      ["INCRBY", "c", "10"],
      ["INCRBY", "c", "-25"],
      ["DECRBY", "c", "5"],
      ["DECRBY", "c", "-5"],
      ["INCRBY", "c", "0"],
      ["GET", "c"],
      ["INCRBY", "c", "abc"],
      ["INCRBY", "c", "1.5"],
      ["INCRBY", "c", "+1"],
      ["INCRBY", "c", "01"],
      ["INCRBY", "c", "-0"],
      ["INCRBY", "c", " 1"],
      ["INCRBY", "c", ""],
      ["INCRBY", "c", "9223372036854775808"],
      ["DECRBY", "c", "-9223372036854775808"],
      ["DECRBY", "c", "-9223372036854775809"],
      ["INCR", "lst"],
      ["DECRBY", "lst", "1"],
      ["INCRBY", "lst", "x"],
      ["INCR"],
      ["INCRBY", "c"],
    ]);
    const bad = ["abc", " 1", "1 ", "+1", "01", "-0", "1.0", "", "-", "1e3", "0x10", "99999999999999999999"];
    const script: (string | number)[][] = [];
    for (const [i, v] of bad.entries()) script.push(["SET", `bad${i}`, v], ["INCR", `bad${i}`], ["GET", `bad${i}`]);
    script.push(["SET", "over", "9223372036854775808"], ["INCR", "over"], ["DECR", "over"]);
    script.push(["SET", "under", "-9223372036854775809"], ["DECR", "under"]);
    await same(p, script);
  });
});

Deno.test("strings: counters at the 64-bit and 2^53 limits", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SET", "k", "9223372036854775806"],
      ["INCR", "k"],
      ["INCR", "k"],
      ["GET", "k"],
      ["INCRBY", "k", "-9223372036854775807"],
      ["SET", "k", "-9223372036854775807"],
      ["DECR", "k"],
      ["DECR", "k"],
      ["INCRBY", "k", "9223372036854775807"],
      ["INCRBY", "k", "-9223372036854775808"],
      ["INCRBY", "k", "-9223372036854775807"],
      ["DECRBY", "k", "9223372036854775807"],
      ["SET", "k", "-2"],
      ["DECRBY", "k", "9223372036854775807"],
      ["SET", "k", "9007199254740991"],
      ["INCR", "k"],
      ["INCR", "k"],
      ["INCRBY", "k", "9007199254740993"],
      ["DECRBY", "k", "18014398509481987"],
      ["DECRBY", "k", "18014398509481987"],
      ["SET", "k", "-9007199254740991"],
      ["DECR", "k"],
      ["INCRBY", "k", "-9007199254740991"],
      ["SET", "z", "0"],
      ["INCRBY", "z", "9223372036854775807"],
      ["INCR", "z"],
      ["SET", "z", "0"],
      ["INCRBY", "z", "-9223372036854775808"],
      ["DECR", "z"],
      ["INCRBY", "z", "9223372036854775807"],
    ]);
  });
});

Deno.test("strings: INCRBY/DECRBY fuzz over mixed magnitudes", async () => {
  await withPair(async (p) => {
    const rnd = prng(42);
    const big = (): string => {
      const r = rnd();
      const sign = rnd() < 0.5 ? "-" : "";
      if (r < 0.3) return sign + String(Math.floor(rnd() * 1000));
      if (r < 0.6) return sign + String(BigInt(Math.floor(rnd() * 2 ** 53)) * BigInt(Math.floor(rnd() * 1024) + 1));
      if (r < 0.8) return sign + String(9223372036854775807n - BigInt(Math.floor(rnd() * 1000)));
      return sign + String(2 ** 53 + Math.floor(rnd() * 100) - 50);
    };
    const script: (string | number)[][] = [];
    for (let i = 0; i < 300; i++) {
      const start = big();
      script.push(["SET", "f", start.startsWith("-0") || start === "-0" ? "0" : start]);
      script.push([rnd() < 0.5 ? "INCRBY" : "DECRBY", "f", big()]);
      script.push(["GET", "f"]);
    }
    await same(p, script);
  });
});

Deno.test("strings: counters keep the TTL and store integers", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SET", "t", "5", "EX", "100"],
      ["INCR", "t"],
      ["SET", "tf", "5", "EX", "100"],
      ["INCRBYFLOAT", "tf", "1.5"],
      ["INCR", "fresh"],
      ["SET", "s", "10"],
      ["INCRBY", "s", "100000"],
    ]);
    await sameTtls(p, ["t", "tf", "fresh"]);
    await sameEncodings(p, ["t", "fresh", "s"]);
  });
});

const FLOAT_VALUES = [
  "0",
  "1",
  "-1",
  "0.1",
  "0.2",
  "0.3",
  "1.1",
  "10.5",
  "3.0e3",
  "5.0e3",
  "1e17",
  "1e18",
  "1.5e-7",
  "-0",
  "-0.0",
  "+5",
  ".5",
  "5.",
  "-.5e-3",
  "1e308",
  "1e400",
  "-1e400",
  "1e4932",
  "1.18e4932",
  "1.19e4932",
  "1e4933",
  "1e-4950",
  "3e-4951",
  "1e-4951",
  "1e-5000",
  "0e-99999",
  "0e99999",
  "0x10",
  "0x1.8p3",
  "0X.8P1",
  "0x1p-16445",
  "0x1p16384",
  "0x",
  "0x1p",
  "1e",
  "1e+",
  ".",
  "-",
  "inf",
  "-inf",
  "+INF",
  "Infinity",
  "infin",
  "nan",
  "-nan",
  " 1",
  "1 ",
  "1\x00",
  "abc",
  "",
  "123456789012345678901234567890",
  "0.000000000000000001",
  "0.00000000000000000999",
  "0.000000000000000005",
  "0.000000000000000015",
  "0.000000000000000025",
  "3.14159265358979323846",
  "-2.5",
  "2.5e-18",
  "1e-17",
  "9.99999999999999999e-18",
  "17179869184.0000000001",
  "9223372036854775807",
  "-9223372036854775808",
  "18446744073709551615",
  "18446744073709551617",
  "1.0000000000000000000000001",
  "7.62939453125e-06",
  "3.814697265625e-06",
  "9007199254740993",
  "4503599627370496.5",
];

Deno.test("strings: INCRBYFLOAT over a grid of values", async () => {
  await withPair(async (p) => {
    const script: (string | number)[][] = [];
    const n = FLOAT_VALUES.length;
    for (let i = 0; i < n; i++) {
      for (const by of [FLOAT_VALUES[i], FLOAT_VALUES[(i * 7 + 3) % n], "0.1", "1", "-0.1", "1e-17", "-1e400"]) {
        script.push(["SET", "f", FLOAT_VALUES[i]], ["INCRBYFLOAT", "f", by], ["GET", "f"]);
      }
    }
    script.push(["INCRBYFLOAT", "new", "2.5"], ["INCRBYFLOAT", "new2", "abc"], ["GET", "new2"]);
    await same(p, script);
  });
});

Deno.test("strings: INCRBYFLOAT fuzz (decimal, exponent, hex, integer operands)", async () => {
  await withPair(async (p) => {
    const rnd = prng(7);
    const digits = (n: number): string => {
      let s = "";
      for (let i = 0; i < n; i++) s += Math.floor(rnd() * 10);
      return s;
    };
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));
    const gen = (): string => {
      const k = rnd();
      const sign = rnd() < 0.4 ? "-" : "";
      if (k < 0.3) return sign + digits(int(1, 12)) + "." + digits(int(0, 30));
      if (k < 0.45) return sign + digits(int(1, 25)) + "e" + int(-40, 40);
      if (k < 0.55) {
        return "0x" + digits(int(1, 20)).replace(/[0-9]/g, () => "0123456789abcdef"[int(0, 16)]) + "p" + int(-100, 100);
      }
      if (k < 0.65) return "0." + "0".repeat(int(0, 20)) + digits(int(1, 5));
      if (k < 0.8) return sign + String(Math.floor(rnd() * 2 ** 60));
      if (k < 0.9) return digits(int(1, 4)) + "e" + int(-4500, 4500);
      return (rnd() * 1000).toFixed(int(0, 25));
    };
    const script: (string | number)[][] = [];
    for (let i = 0; i < 1500; i++) script.push(["SET", "f", gen()], ["INCRBYFLOAT", "f", gen()]);
    await same(p, script);
  });
});

Deno.test("strings: INCRBYFLOAT errors and limits", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["INCRBYFLOAT", "lst", "1"],
      ["INCRBYFLOAT", "lst", "abc"],
      ["SET", "f", "1"],
      ["INCRBYFLOAT", "f", "inf"],
      ["INCRBYFLOAT", "f", "nan"],
      ["INCRBYFLOAT", "f", "1e5000"],
      ["INCRBYFLOAT", "f", "1.1e4932"],
      ["INCRBYFLOAT", "f", "1.1e4932"],
      ["SET", "f", "1.1e4932"],
      ["INCRBYFLOAT", "f", "1.1e4932"],
      ["SET", "f", "inf"],
      ["INCRBYFLOAT", "f", "1"],
      ["SET", "f", "1".padEnd(5119, "0")],
      ["INCRBYFLOAT", "f", "0"],
      ["SET", "f", "1".padEnd(5120, "0")],
      ["INCRBYFLOAT", "f", "0"],
      ["INCRBYFLOAT", "f", "0." + "0".repeat(5117) + "1"],
      ["INCRBYFLOAT", "f", "0." + "0".repeat(5118) + "1"],
      ["INCRBYFLOAT", "f"],
    ]);
  });
});
