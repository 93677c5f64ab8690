/**
 * util/longdouble.ts on its own: strtold-style parsing, rounding to a 64-bit significand, and
 * "%.17Lf" formatting with ties to even (values worked out by hand; the oracle comparisons live in
 * counters_test.ts).
 */
import assert from "node:assert/strict";
import { addLongDouble, formatLongDouble, type LongDouble, parseLongDouble } from "../../src/util/longdouble.ts";

function ld(s: string): LongDouble {
  const v = parseLongDouble(s);
  assert.ok(v !== null && typeof v !== "number", `parse ${s}`);
  return v as LongDouble;
}

function sum(a: string, b: string): string {
  const r = addLongDouble(ld(a), ld(b));
  assert.ok(r !== null);
  return formatLongDouble(r);
}

Deno.test("longdouble: parse rejects what string2ld rejects", () => {
  for (
    const s of ["", " 1", "1 ", "abc", "1e", "1e+", "0x", "0x1p", ".", "-", "nan", "-nan", "infin", "1\x00", "1e-5000"]
  ) {
    assert.equal(parseLongDouble(s), null, JSON.stringify(s));
  }
  assert.equal(parseLongDouble("1e5000"), null);
  assert.equal(parseLongDouble("1".padEnd(5120, "0")), null);
  assert.equal(parseLongDouble("1".padEnd(5119, "0")), null); // 1e5118 overflows
  assert.notEqual(parseLongDouble("1.".padEnd(5119, "0")), null);
  assert.equal(parseLongDouble("inf"), Infinity);
  assert.equal(parseLongDouble("-Infinity"), -Infinity);
});

Deno.test("longdouble: exact values and 64-bit rounding", () => {
  assert.equal(formatLongDouble(ld("0x1.8p3")), "12");
  assert.equal(formatLongDouble(ld("0x.8P1")), "1");
  assert.deepEqual(ld("-12"), { neg: true, mant: 12n, exp: 0 });
  // 2^64 + 1 needs 65 bits: rounds to even (2^64).
  assert.equal(formatLongDouble(ld("18446744073709551617")), "18446744073709551616");
  // 2^64 + 3 rounds up to 2^64 + 4.
  assert.equal(formatLongDouble(ld("18446744073709551619")), "18446744073709551620");
  // the smallest subnormal, 2^-16445, parses; half of it underflows to zero (rejected).
  assert.deepEqual(ld("0x1p-16445"), { neg: false, mant: 1n, exp: -16445 });
  assert.equal(parseLongDouble("0x1p-16446"), null);
});

Deno.test("longdouble: %.17Lf formatting, trimming and ties to even", () => {
  assert.equal(sum("0.1", "0.2"), "0.3");
  assert.equal(sum("10.5", "0.1"), "10.6");
  assert.equal(sum("1", "-1"), "0");
  assert.equal(sum("-0", "-0"), "0");
  assert.equal(sum("-0.000000000000000001", "0"), "0");
  assert.equal(sum("1e20", "0"), "100000000000000000000");
  // 2^-18 × 10^17 = 381469726562.5 → even 381469726562; 3 × 2^-18 → ...687.5 → even ...688
  assert.equal(sum("0x1p-18", "0"), "0.00000381469726562");
  assert.equal(sum("0x3p-18", "0"), "0.00001144409179688");
  assert.equal(addLongDouble(ld("1.1e4932"), ld("1.1e4932")), null);
});
