/**
 * SET family and GET family against redis-server: every option, option combination and error path
 * of SET, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, compared byte for byte;
 * TTLs checked against redis-server's PTTL.
 */
import assert from "node:assert/strict";
import { makeList, ourPttl, same, sameTtls, withPair } from "./helpers.ts";

Deno.test("strings: SET/GET basics, binary values, overwrite of other types", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["GET", "nokey"],
      ["SET", "k", "v"],
      ["GET", "k"],
      ["SET", "k", ""],
      ["GET", "k"],
      ["SET", "bin", "\x00\xff\r\n\x80 z"],
      ["GET", "bin"],
      ["SET", "k"],
      ["SET"],
      ["GET"],
      ["GET", "a", "b"],
      ["GET", "lst"],
      ["SET", "lst", "now-a-string"],
      ["GET", "lst"],
      ["SET", "n", "12345"],
      ["GET", "n"],
      ["set", "lower", "x"],
      ["gEt", "lower"],
    ]);
  });
});

Deno.test("strings: SET option parsing and its syntax errors", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SET", "k", "v", "FOO"],
      ["SET", "k", "v", "NX", "XX"],
      ["SET", "k", "v", "XX", "NX"],
      ["SET", "k", "v", "EX", "10", "PX", "100"],
      ["SET", "k", "v", "PX", "100", "EX", "10"],
      ["SET", "k", "v", "EX"],
      ["SET", "k", "v", "PX"],
      ["SET", "k", "v", "EXAT"],
      ["SET", "k", "v", "PXAT"],
      ["SET", "k", "v", "KEEPTTL", "EX", "10"],
      ["SET", "k", "v", "EX", "10", "KEEPTTL"],
      ["SET", "k", "v", "EXAT", "10", "PXAT", "10"],
      ["SET", "k", "v", "PERSIST"],
      ["SET", "k", "v", "NXX"],
      ["SET", "k", "v", "E"],
      ["SET", "k", "v", ""],
      ["SET", "k", "v", "EX", "10", "FOO"],
      // syntax errors win over invalid times
      ["SET", "k", "v", "EX", "0", "FOO"],
      // repeated options are accepted, the last time wins
      ["SET", "k", "v", "EX", "10", "EX", "20"],
      ["SET", "k", "v", "NX", "NX"],
      ["SET", "k", "v", "XX", "XX", "GET", "GET"],
      ["SET", "k", "v", "KEEPTTL", "KEEPTTL"],
      ["SET", "k2", "v", "nx", "Px", "100000", "gEt"],
      ["SET", "k2", "v", "xX", "eX", "100", "KeepTTL"],
      ["GET", "k"],
    ]);
    await sameTtls(p, ["k", "k2"]);
  });
});

Deno.test("strings: SET expire times, limits and overflow", async () => {
  await withPair(async (p) => {
    const script: (string | number)[][] = [];
    const cases: [string, string][] = [
      ["EX", "0"],
      ["EX", "-1"],
      ["EX", "abc"],
      ["EX", "1.5"],
      ["EX", " 10"],
      ["EX", "+10"],
      ["EX", "010"],
      ["EX", ""],
      ["EX", "9999999999999999"],
      ["EX", "9223372036854775"],
      ["EX", "9223372036854774"],
      ["EX", "9223372036854775807"],
      ["EX", "9223372036854775808"],
      ["EX", "-9223372036854775808"],
      ["PX", "0"],
      ["PX", "-100"],
      ["PX", "9223372036854775807"],
      ["PX", "9223372036854775806"],
      ["PX", "9223370000000000000"],
      ["EXAT", "0"],
      ["EXAT", "9223372036854775"],
      ["EXAT", "9223372036854776"],
      ["PXAT", "0"],
      ["PXAT", "-1"],
      ["PXAT", "9223372036854775807"],
      ["PXAT", "9223372036854775808"],
    ];
    for (const [opt, t] of cases) script.push(["SET", `k-${opt}-${t}`, "v", opt, t]);
    script.push(["SETEX", "sx", "0", "v"]);
    script.push(["SETEX", "sx", "-5", "v"]);
    script.push(["SETEX", "sx", "abc", "v"]);
    script.push(["SETEX", "sx", "9223372036854775807", "v"]);
    script.push(["PSETEX", "psx", "0", "v"]);
    script.push(["PSETEX", "psx", "x", "v"]);
    script.push(["PSETEX", "psx", "9223372036854775807", "v"]);
    script.push(["SETEX", "sx", "100", "v"]);
    script.push(["PSETEX", "psx", "100000", "v"]);
    script.push(["SETEX", "sx"]);
    await same(p, script);
    await sameTtls(p, ["k-EX-9223372036854774", "k-EXAT-9223372036854775", "sx", "psx", "k-EX-0"]);
  });
});

Deno.test("strings: SET NX/XX/GET/KEEPTTL semantics", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["SET", "nx", "1", "NX"],
      ["SET", "nx", "2", "NX"],
      ["GET", "nx"],
      ["SET", "xx", "1", "XX"],
      ["GET", "xx"],
      ["SET", "nx", "3", "XX"],
      ["GET", "nx"],
      ["SET", "g", "a", "GET"],
      ["SET", "g", "b", "GET"],
      ["GET", "g"],
      ["SET", "g", "c", "NX", "GET"],
      ["GET", "g"],
      ["SET", "gx", "c", "XX", "GET"],
      ["GET", "gx"],
      ["SET", "gn", "c", "NX", "GET"],
      ["GET", "gn"],
      ["SET", "g", "d", "XX", "GET", "EX", "100"],
      ["GET", "g"],
      // GET on a wrong type: error and no write
      ["SET", "lst", "v", "GET"],
      ["GET", "lst"],
      ["SET", "lst", "v", "NX", "GET"],
      // the expire time is validated before GET looks at the type
      ["SET", "lst", "v", "EX", "0", "GET"],
      ["SET", "lst", "v", "EX", "zz", "GET"],
      ["SET", "lst", "v", "NX"],
      ["SET", "ttl", "a", "EX", "100"],
      ["SET", "ttl", "b", "KEEPTTL"],
      ["SET", "ttl2", "a", "PX", "50000"],
      ["SET", "ttl2", "b"],
      ["SET", "ttl3", "a", "EXAT", String(Math.floor(Date.now() / 1000) + 500)],
      ["SET", "ttl4", "a", "PXAT", String(Date.now() + 300000)],
      ["SET", "ttl5", "a", "KEEPTTL"],
    ]);
    await sameTtls(p, ["ttl", "ttl2", "ttl3", "ttl4", "ttl5", "g"]);
  });
});

Deno.test("strings: a past EXAT/PXAT makes the key expire on the next access", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SET", "old", "v", "PXAT", "1"],
      ["GET", "old"],
      ["SET", "old2", "v", "EXAT", "1", "GET"],
      ["SET", "old2", "w", "GET"],
      ["SETNX", "old", "again"],
      ["GET", "old"],
    ]);
  });
});

Deno.test("strings: SETNX, SETEX, PSETEX", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["SETNX", "a", "1"],
      ["SETNX", "a", "2"],
      ["GET", "a"],
      ["SETNX", "lst", "x"],
      ["SETNX", "a"],
      ["SETEX", "b", "100", "v"],
      ["GET", "b"],
      ["PSETEX", "c", "100000", "v"],
      ["GET", "c"],
      ["SETEX", "lst", "100", "v"],
      ["GET", "lst"],
      ["SETEX", "b", "1.5", "v"],
      ["SETEX", "b", "100"],
    ]);
    await sameTtls(p, ["a", "b", "c", "lst"]);
  });
});

Deno.test("strings: GETSET and GETDEL", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["GETSET", "a", "1"],
      ["GETSET", "a", "2"],
      ["GET", "a"],
      ["GETSET", "lst", "x"],
      ["SET", "t", "v", "EX", "100"],
      ["GETSET", "t", "w"],
      ["GETDEL", "a"],
      ["GETDEL", "a"],
      ["GET", "a"],
      ["GETDEL", "lst"],
      ["GETDEL", "missing"],
      ["GETDEL", "a", "b"],
    ]);
    await sameTtls(p, ["t", "a", "lst"]);
  });
});

Deno.test("strings: GETEX with every option and error", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    const future = Math.floor(Date.now() / 1000) + 1000;
    await same(p, [
      ["SET", "k", "v"],
      ["GETEX", "k"],
      ["GETEX", "missing"],
      ["GETEX", "missing", "EX", "abc"],
      ["GETEX", "missing", "EX", "0"],
      ["GETEX", "k", "FOO"],
      ["GETEX", "k", "EX"],
      ["GETEX", "k", "EX", "10", "PX", "100"],
      ["GETEX", "k", "PERSIST", "EX", "10"],
      ["GETEX", "k", "EX", "10", "PERSIST"],
      ["GETEX", "k", "KEEPTTL"],
      ["GETEX", "k", "NX"],
      ["GETEX", "k", "XX"],
      ["GETEX", "k", "GET"],
      ["GETEX", "k", "EX", "0"],
      ["GETEX", "k", "EX", "-1"],
      ["GETEX", "k", "EX", "x"],
      ["GETEX", "k", "EX", "9223372036854775"],
      ["GETEX", "k", "PX", "9223372036854775807"],
      ["GETEX", "lst"],
      ["GETEX", "lst", "EX", "abc"],
      ["GETEX", "lst", "FOO"],
      ["SET", "e1", "v"],
      ["GETEX", "e1", "ex", "100"],
      ["SET", "e2", "v"],
      ["GETEX", "e2", "Px", "100000"],
      ["SET", "e3", "v"],
      ["GETEX", "e3", "EXAT", String(future)],
      ["SET", "e4", "v"],
      ["GETEX", "e4", "PXAT", String(future * 1000)],
      ["SET", "p1", "v", "EX", "100"],
      ["GETEX", "p1", "PERSIST"],
      ["GETEX", "p1", "persist"],
      ["SET", "gone", "v"],
      ["GETEX", "gone", "PXAT", "1"],
      ["GET", "gone"],
      ["SET", "gone2", "v"],
      ["GETEX", "gone2", "EXAT", "1"],
      ["GETEX", "gone2"],
      ["SET", "rep", "v"],
      ["GETEX", "rep", "EX", "100", "EX", "200"],
    ]);
    await sameTtls(p, ["k", "e1", "e2", "e3", "e4", "p1", "gone", "gone2", "rep"]);
  });
});

Deno.test("strings: MGET, MSET, MSETNX", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["MSET", "a", "1", "b", "2", "c", "3"],
      ["MGET", "a", "b", "c", "missing", "lst", "a"],
      ["MSET", "a"],
      ["MSET", "a", "1", "b"],
      ["MSETNX", "a", "1", "b"],
      ["MSET", "x", "1", "x", "2"],
      ["GET", "x"],
      ["MSETNX", "n1", "1", "a", "9"],
      ["MGET", "n1", "a"],
      ["MSETNX", "n1", "1", "n2", "2"],
      ["MGET", "n1", "n2"],
      ["MSETNX", "n3", "1", "n3", "2"],
      ["GET", "n3"],
      ["MSETNX", "lst", "v"],
      ["MSET", "lst", "v"],
      ["GET", "lst"],
      ["SET", "t", "v", "EX", "100"],
      ["MSET", "t", "w"],
      ["MGET"],
    ]);
    await sameTtls(p, ["t", "x"]);
  });
});

Deno.test("strings: RESP3 null replies", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["!HELLO", "3"],
      ["GET", "missing"],
      ["SET", "k", "v", "XX"],
      ["SET", "k", "v", "GET"],
      ["SET", "k", "v", "NX"],
      ["GETEX", "missing"],
      ["GETDEL", "missing"],
      ["GETSET", "new", "v"],
      ["MGET", "k", "missing"],
      ["SETNX", "k", "v"],
    ]);
  });
});

Deno.test("strings: SET EX relative times use the server clock", async () => {
  await withPair(async (p) => {
    p.ours.server.clock.offsetMs = 3_600_000;
    assert.equal(await p.our.call("SET", "k", "v", "EX", "10"), "OK");
    const when = p.ours.server.dbs[0].getExpire("k")!;
    const expected = Date.now() + 3_600_000 + 10_000;
    assert.ok(Math.abs(when - expected) < 1000, `expire at ${when}, expected about ${expected}`);
    assert.ok(ourPttl(p, "k") > 9000);
    p.ours.server.clock.offsetMs += 11_000;
    assert.equal(await p.our.call("GET", "k"), null);
  });
});
