/**
 * BITFIELD and BITFIELD_RO against redis-server: every width of signed and unsigned fields, `#`
 * offsets, SET/INCRBY/GET with WRAP, SAT and FAIL at the 64-bit extremes, argument errors in Redis's
 * order, growth by failed writes, and long random sequences compared reply by reply (values
 * included). Redis 8.2's event/dirty rule (only writes that change something count) is checked on
 * our server alone, since 7.0 counted every write.
 */
import assert from "node:assert/strict";
import { prng, randInt, recordEvents, same, sameEncodings, type Script, withPair, withServer } from "./helpers.ts";

const EXTREMES = [
  "0",
  "1",
  "-1",
  "2",
  "-2",
  "127",
  "128",
  "-128",
  "-129",
  "255",
  "256",
  "32767",
  "-32768",
  "2147483647",
  "-2147483648",
  "4294967295",
  "4294967296",
  "9007199254740991",
  "9007199254740993",
  "-9007199254740993",
  "4611686018427387904",
  "9223372036854775807",
  "-9223372036854775808",
  "-9223372036854775807",
];

Deno.test("bitfield: argument errors and edge cases", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["RPUSH", "lst", "x"],
      ["BITFIELD", "k"],
      ["BITFIELD", "missing"],
      ["EXISTS", "missing"],
      ["BITFIELD", "k", "GET"],
      ["BITFIELD", "k", "GET", "u8"],
      ["BITFIELD", "k", "GET", "u8", "0", "extra"],
      ["BITFIELD", "k", "SET", "u8", "0"],
      ["BITFIELD", "k", "FOO", "u8", "0"],
      ["BITFIELD", "k", "OVERFLOW"],
      ["BITFIELD", "k", "OVERFLOW", "BAD", "GET", "u8", "0"],
      ["BITFIELD", "k", "GET", "u64", "0"],
      ["BITFIELD", "k", "GET", "i65", "0"],
      ["BITFIELD", "k", "GET", "i0", "0"],
      ["BITFIELD", "k", "GET", "u0", "0"],
      ["BITFIELD", "k", "GET", "x8", "0"],
      ["BITFIELD", "k", "GET", "u", "0"],
      ["BITFIELD", "k", "GET", "u08", "0"],
      ["BITFIELD", "k", "GET", "U8", "0"],
      ["BITFIELD", "k", "GET", "u8", "-1"],
      ["BITFIELD", "k", "GET", "u8", "#-1"],
      ["BITFIELD", "k", "GET", "u8", "#x"],
      ["BITFIELD", "k", "GET", "u8", "x"],
      ["BITFIELD", "k", "GET", "u8", "4294967296"],
      ["BITFIELD", "k", "GET", "u8", "4294967295"],
      ["BITFIELD", "k", "GET", "u8", "#536870912"],
      ["BITFIELD", "k", "GET", "u8", "#536870911"],
      ["BITFIELD", "k", "GET", "i64", "#1152921504606846976"],
      ["BITFIELD", "k", "SET", "u8", "0", "x"],
      ["BITFIELD", "k", "SET", "u8", "0", "9223372036854775808"],
      ["BITFIELD", "k", "INCRBY", "u8", "0", "1.5"],
      ["BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u8", "x"],
      ["EXISTS", "k"],
      ["BITFIELD", "lst", "GET", "u8", "0"],
      ["BITFIELD", "lst", "SET", "u8", "0", "1"],
      ["BITFIELD", "lst", "GET", "u8", "x"],
      ["SET", "s", "hello"],
      ["BITFIELD", "s", "GET", "u8", "0", "GET", "i8", "#1", "GET", "u4", "5", "GET", "i64", "0", "GET", "u63", "1"],
      ["BITFIELD", "s", "get", "U8", "0"],
      ["BITFIELD", "s", "get", "i1", "1", "get", "u1", "1", "get", "i1", "#100", "get", "i64", "#1000"],
      ["BITFIELD", "s", "OVERFLOW", "FAIL", "OVERFLOW", "WRAP"],
      ["BITFIELD", "s", "overflow", "fail", "incrby", "u2", "0", "100", "get", "u8", "0"],
      ["BITFIELD", "grow", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10"],
      ["GET", "grow"],
      ["STRLEN", "grow"],
      ["BITFIELD", "s", "OVERFLOW", "FAIL", "SET", "u2", "200", "10"],
      ["GET", "s"],
      ["SET", "n", "1234"],
      ["BITFIELD", "n", "GET", "u8", "0"],
      ["BITFIELD", "n", "SET", "u8", "0", "50"],
      ["GET", "n"],
      ["SET", "t", "abc", "EX", "100"],
      ["BITFIELD", "t", "INCRBY", "i8", "0", "1"],
      ["TTL", "t"],
      ["BITFIELD_RO", "s", "GET", "u8", "0", "GET", "i16", "#1"],
      ["BITFIELD_RO", "missing", "GET", "u8", "0"],
      ["BITFIELD_RO", "lst", "GET", "u8", "0"],
      ["BITFIELD_RO", "s"],
      ["BITFIELD_RO", "s", "OVERFLOW", "FAIL"],
      ["BITFIELD_RO", "s", "GET", "u8", "0", "SET", "u8", "0", "1"],
      ["BITFIELD_RO", "s", "INCRBY", "u8", "0", "1"],
      ["BITFIELD_RO", "s", "GET", "u64", "0", "INCRBY", "u8", "0", "1"],
      ["GET", "s"],
    ]);
    await sameEncodings(p, ["s", "grow", "n", "t"]);
  });
});

Deno.test("bitfield: SET and INCRBY at the extremes of every width", async () => {
  await withPair(async (p) => {
    const script: Script = [];
    const widths: string[] = [];
    for (const b of [1, 2, 3, 7, 8, 9, 15, 16, 31, 32, 33, 52, 53, 54, 62, 63]) widths.push(`u${b}`, `i${b}`);
    widths.push("i64");
    for (const t of widths) {
      for (const ow of ["WRAP", "SAT", "FAIL"]) {
        for (const v of EXTREMES) {
          script.push(["BITFIELD", "k", "OVERFLOW", ow, "SET", t, "3", v, "GET", t, "3"]);
          for (const inc of ["1", "-1", "9223372036854775807", "-9223372036854775808", "255", "-300"]) {
            script.push(["BITFIELD", "k", "OVERFLOW", ow, "INCRBY", t, "3", inc, "GET", t, "3"]);
          }
        }
      }
    }
    script.push(["GET", "k"]);
    await same(p, script);
  });
});

Deno.test("bitfield: random sequences against redis-server", async () => {
  const rnd = prng(2024);
  await withPair(async (p) => {
    const script: Script = [];
    for (let i = 0; i < 3000; i++) {
      const k = ["a", "b"][randInt(rnd, 2)];
      const args: string[] = [randInt(rnd, 10) === 0 ? "BITFIELD_RO" : "BITFIELD", k];
      const nops = 1 + randInt(rnd, 4);
      for (let j = 0; j < nops; j++) {
        if (randInt(rnd, 4) === 0) args.push("OVERFLOW", ["WRAP", "SAT", "FAIL"][randInt(rnd, 3)]);
        const signed = randInt(rnd, 2) === 1;
        const bits = 1 + randInt(rnd, signed ? 64 : 63);
        const type = (signed ? "i" : "u") + bits;
        const off = randInt(rnd, 3) === 0 ? "#" + randInt(rnd, 8) : String(randInt(rnd, 200));
        const r = randInt(rnd, 3);
        const val = randInt(rnd, 3) === 0 ? EXTREMES[randInt(rnd, EXTREMES.length)] : String(randInt(rnd, 2000) - 1000);
        if (r === 0) args.push("GET", type, off);
        else if (r === 1) args.push("SET", type, off, val);
        else args.push("INCRBY", type, off, val);
      }
      script.push(args);
      if (randInt(rnd, 20) === 0) script.push(["GET", k]);
    }
    script.push(["GET", "a"], ["GET", "b"]);
    await same(p, script);
    await sameEncodings(p, ["a", "b"]);
  });
});

Deno.test("bitfield: events and dirty only for writes that change something (Redis 8.2)", async () => {
  await withServer(async (srv, c) => {
    const events = recordEvents(srv);
    const dirty = () => srv.server.dirty;
    let d = dirty();
    assert.deepEqual(await c.call("BITFIELD", "k", "SET", "u8", "0", "5", "SET", "u8", "8", "0"), [0, 0]);
    assert.equal(dirty() - d, 2); // the key was created: both writes count
    d = dirty();
    assert.deepEqual(await c.call("BITFIELD", "k", "SET", "u8", "0", "5", "INCRBY", "u8", "8", "0"), [5, 0]);
    assert.equal(dirty(), d); // nothing changed
    assert.deepEqual(await c.call("BITFIELD", "k", "INCRBY", "u8", "0", "1", "SET", "u8", "8", "0"), [6, 0]);
    assert.equal(dirty() - d, 1);
    d = dirty();
    assert.deepEqual(await c.call("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1000"), [null]);
    assert.equal(dirty(), d);
    assert.deepEqual(await c.call("SETBIT", "k", "7", "0"), 0);
    assert.equal(dirty(), d); // SETBIT without a change: no dirty, no event (8.2)
    assert.deepEqual(await c.call("SETBIT", "k", "7", "1"), 0);
    assert.equal(dirty() - d, 1);
    assert.deepEqual(await c.call("SETBIT", "k", "100", "0"), 0); // grows: counts
    assert.equal(dirty() - d, 2);
    assert.deepEqual(events, ["$:setbit:k", "$:setbit:k", "$:setbit:k", "$:setbit:k"]);
  });
});
