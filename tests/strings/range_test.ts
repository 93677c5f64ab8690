/**
 * APPEND, STRLEN, GETRANGE, SUBSTR and SETRANGE against redis-server: negative and huge indexes,
 * zero padding, the proto-max-bulk-len limit, wrong types, and the OBJECT ENCODING that in-place
 * edits leave behind (`raw`), compared with redis-server's.
 */
import assert from "node:assert/strict";
import { makeList, same, sameEncodings, sameTtls, withPair } from "./helpers.ts";

Deno.test("strings: APPEND and STRLEN", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["APPEND", "a", "hello"],
      ["APPEND", "a", " world"],
      ["GET", "a"],
      ["STRLEN", "a"],
      ["APPEND", "a", ""],
      ["APPEND", "empty", ""],
      ["GET", "empty"],
      ["STRLEN", "empty"],
      ["STRLEN", "missing"],
      ["APPEND", "lst", "x"],
      ["STRLEN", "lst"],
      ["SET", "n", "-555"],
      ["STRLEN", "n"],
      ["APPEND", "n", "1"],
      ["GET", "n"],
      ["APPEND", "bin", "\x00\xff"],
      ["APPEND", "bin", "\r\n"],
      ["GET", "bin"],
      ["SET", "t", "v", "EX", "100"],
      ["APPEND", "t", "w"],
      ["APPEND", "a"],
      ["STRLEN"],
    ]);
    await sameTtls(p, ["t"]);
  });
});

Deno.test("strings: encodings after SET, APPEND, SETRANGE and counters match Redis", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SET", "int", "12345"],
      ["SET", "neg", "-12345"],
      ["SET", "big", "9223372036854775807"],
      ["SET", "toobig", "9223372036854775808"],
      ["SET", "lead0", "0123"],
      ["SET", "short", "hello"],
      ["SET", "e44", "x".repeat(44)],
      ["SET", "e45", "x".repeat(45)],
      ["SET", "ap", "1"],
      ["APPEND", "ap", "2"],
      ["SET", "ap0", "1"],
      ["APPEND", "ap0", ""],
      ["APPEND", "apnew", "12"],
      ["APPEND", "apnew2", "abc"],
      ["SET", "sr", "1234"],
      ["SETRANGE", "sr", "0", "2"],
      ["SET", "sr0", "1234"],
      ["SETRANGE", "sr0", "0", ""],
      ["SETRANGE", "srnew", "0", "42"],
      ["SET", "re", "abc"],
      ["APPEND", "re", "d"],
      ["SET", "re", "abcd"],
      ["SET", "inc", "ab"],
      ["APPEND", "inc", "c"],
      ["SET", "inc", "5"],
      ["APPEND", "inc", "0"],
      ["INCR", "inc"],
      ["MSET", "m1", "77", "m2", "x"],
      ["GETSET", "gs", "99"],
      ["SETEX", "sx", "100", "12"],
    ]);
    await sameEncodings(p, [
      "int",
      "neg",
      "big",
      "toobig",
      "lead0",
      "short",
      "e44",
      "e45",
      "ap",
      "ap0",
      "apnew",
      "apnew2",
      "sr",
      "sr0",
      "srnew",
      "re",
      "inc",
      "m1",
      "m2",
      "gs",
      "sx",
    ]);
  });
});

Deno.test("strings: GETRANGE and SUBSTR index handling", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    const script: (string | number)[][] = [
      ["SET", "s", "Hello World"],
      ["SET", "n", "1234"],
      ["SET", "e", ""],
      ["GETRANGE", "missing", "0", "-1"],
      ["GETRANGE", "lst", "0", "-1"],
      ["GETRANGE", "s", "a", "1"],
      ["GETRANGE", "s", "0", "b"],
      ["GETRANGE", "lst", "x", "1"],
      ["GETRANGE", "s", "-0", "1"],
      ["GETRANGE", "s", "9223372036854775808", "1"],
      ["SUBSTR", "s", "0", "4"],
      ["GETRANGE", "s"],
    ];
    const idx = [
      "0",
      "1",
      "3",
      "4",
      "5",
      "10",
      "11",
      "12",
      "100",
      "4294967297",
      "-1",
      "-3",
      "-4",
      "-5",
      "-11",
      "-12",
      "-100",
      "9223372036854775807",
      "-9223372036854775807",
      "-9223372036854775808",
    ];
    for (const key of ["s", "n", "e"]) {
      for (const a of idx) for (const b of idx) script.push(["GETRANGE", key, a, b]);
    }
    for (const a of ["0", "-4", "7", "-1"]) for (const b of ["0", "-1", "-3", "8"]) script.push(["SUBSTR", "s", a, b]);
    await same(p, script);
  });
});

Deno.test("strings: SETRANGE padding, overwrite, limits and errors", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["SETRANGE", "a", "0", "foo"],
      ["GET", "a"],
      ["SETRANGE", "b", "0", ""],
      ["GET", "b"],
      ["SETRANGE", "c", "3", "foo"],
      ["GET", "c"],
      ["SET", "d", "foo"],
      ["SETRANGE", "d", "0", "b"],
      ["SETRANGE", "d", "1", "b"],
      ["SETRANGE", "d", "0", ""],
      ["SETRANGE", "d", "3", "bar"],
      ["SETRANGE", "d", "8", "!"],
      ["SETRANGE", "d", "2", "XYZXYZXYZXYZ"],
      ["GET", "d"],
      ["SETRANGE", "d", "-1", "x"],
      ["SETRANGE", "d", "x", "x"],
      ["SETRANGE", "d", "1.5", "x"],
      ["SETRANGE", "missing", "-1", "x"],
      ["SETRANGE", "lst", "0", "x"],
      ["SETRANGE", "lst", "0", ""],
      ["SETRANGE", "lst", "-1", "x"],
      ["SETRANGE", "big", String(512 * 1024 * 1024 - 4), "world"],
      ["SETRANGE", "big", String(512 * 1024 * 1024), "x"],
      ["SETRANGE", "big", "9223372036854775807", "x"],
      ["SETRANGE", "big", "9223372036854775807", ""],
      ["SETRANGE", "big", "9223372036854775808", "x"],
      ["SETRANGE", "d", String(512 * 1024 * 1024 - 4), "world"],
      ["SETRANGE", "d", "9223372036854775807", ""],
      ["SET", "n", "1234"],
      ["SETRANGE", "n", "5", "2"],
      ["GET", "n"],
      ["SET", "t", "v", "EX", "100"],
      ["SETRANGE", "t", "0", "w"],
      ["SETRANGE", "d"],
    ]);
    await sameTtls(p, ["t", "big"]);
  });
});

Deno.test("strings: APPEND and SETRANGE honour proto-max-bulk-len", async () => {
  await withPair(async (p) => {
    const limit = 1024 * 1024;
    p.ours.server.protoMaxBulkLen = limit;
    assert.equal(await p.redis.call("CONFIG", "SET", "proto-max-bulk-len", String(limit)), "OK");
    const chunk = "x".repeat(400 * 1024);
    await same(p, [
      ["APPEND", "a", chunk],
      ["APPEND", "a", chunk],
      ["APPEND", "a", chunk],
      ["STRLEN", "a"],
      ["SETRANGE", "a", String(limit - 1), "y"],
      ["SETRANGE", "a", String(limit - 1), "yz"],
      ["SETRANGE", "b", String(limit), "y"],
      ["STRLEN", "a"],
    ]);
  });
});
