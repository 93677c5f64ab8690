/**
 * HyperLogLog against redis-server, byte for byte: the HLL strings after the same PFADDs (through
 * the sparse encoding, its promotion to dense, and the dense encoding), cached cardinalities written
 * by PFCOUNT, PFMERGE of sparse/dense/missing inputs, multi-key PFCOUNT, PFDEBUG output, several
 * hll-sparse-max-bytes settings, errors (wrong types, invalid and corrupted HLL strings), and values
 * carried from one server to the other with GET/SET.
 */
import assert from "node:assert/strict";
import { pipeline, prng, randBytes, randInt, same, type Script, withPair, withServer } from "../bitmap/helpers.ts";

/** PFADD commands adding `n` elements named `${prefix}${i}` in batches of `batch`. */
function adds(key: string, prefix: string, n: number, batch: number): Script {
  const out: Script = [];
  for (let i = 0; i < n; i += batch) {
    const cmd = ["PFADD", key];
    for (let j = i; j < Math.min(n, i + batch); j++) cmd.push(`${prefix}${j}`);
    out.push(cmd);
  }
  return out;
}

Deno.test("hll: PFADD bytes, PFCOUNT caches and encodings match redis-server through promotion", async () => {
  await withPair(async (p) => {
    const script: Script = [["PFADD", "h"], ["GET", "h"], ["PFCOUNT", "h"], ["GET", "h"], ["PFADD", "h"]];
    let n = 0;
    for (const step of [1, 2, 5, 10, 30, 100, 300, 700, 1000, 3000, 10000]) {
      script.push(...adds("h", "el:", step, 1 + (n % 7)));
      n += step;
      script.push(["GET", "h"], ["PFDEBUG", "ENCODING", "h"], ["PFCOUNT", "h"], ["GET", "h"], ["STRLEN", "h"]);
      script.push(["PFDEBUG", "DECODE", "h"]);
    }
    script.push(["PFDEBUG", "GETREG", "h"], ["PFDEBUG", "TODENSE", "h"], ["PFDEBUG", "DECODE", "h"]);
    await same(p, script);
  });
});

Deno.test("hll: binary and long elements hash like MurmurHash64A in Redis", async () => {
  const rnd = prng(5);
  await withPair(async (p) => {
    const script: Script = [];
    for (let i = 0; i < 400; i++) {
      const len = randInt(rnd, 5) === 0 ? randInt(rnd, 300) : randInt(rnd, 20);
      script.push(["PFADD", "b", randBytes(rnd, len)]);
      if (i % 50 === 0) script.push(["GET", "b"], ["PFCOUNT", "b"]);
    }
    script.push(["PFADD", "b", ""], ["GET", "b"], ["PFADD", "d", ...Array.from({ length: 3000 }, (_, i) => `x${i}`)]);
    script.push(["GET", "d"], ["PFCOUNT", "d"], ["PFCOUNT", "b", "d"], ["PFCOUNT", "d", "b", "missing"]);
    await same(p, script);
  });
});

Deno.test("hll: the estimator on large cardinalities", async () => {
  await withPair(async (p) => {
    const script: Script = [];
    for (let round = 0; round < 6; round++) {
      script.push(...adds("big", `r${round}-`, 50000, 1000), ["PFCOUNT", "big"], ["GET", "big"]);
    }
    script.push(["PFCOUNT", "big", "missing"], ["PFMERGE", "m", "big"], ["PFCOUNT", "m"]);
    await same(p, script);
  });
});

Deno.test("hll: hll-sparse-max-bytes settings", async () => {
  for (const max of ["0", "100", "500", "10000"]) {
    await withPair(async (p) => {
      const script: Script = [];
      for (let i = 0; i < 60; i++) {
        script.push(["PFADD", "h", `a${i}`, `b${i * 7}`, `c${i * i}`], ["GET", "h"], ["PFDEBUG", "ENCODING", "h"]);
      }
      script.push(...adds("big", "z", 2500, 10), ["GET", "big"], ["PFDEBUG", "ENCODING", "big"]);
      script.push(["CONFIG", "SET", "hll-sparse-max-bytes", "3000"], ["PFADD", "big", "last"], ["GET", "big"]);
      await same(p, script);
    }, { "hll-sparse-max-bytes": max });
  }
});

Deno.test("hll: PFMERGE and multi-key PFCOUNT over sparse, dense and missing keys", async () => {
  await withPair(async (p) => {
    const script: Script = [
      ...adds("s1", "a", 50, 5),
      ...adds("s2", "b", 80, 8),
      ...adds("s3", "a", 30, 3),
      ...adds("dn", "c", 5000, 50),
      ["PFMERGE", "m1", "s1", "s2"],
      ["GET", "m1"],
      ["PFCOUNT", "m1"],
      ["PFMERGE", "m1", "s3"],
      ["GET", "m1"],
      ["PFMERGE", "m2", "s1", "dn"],
      ["GET", "m2"],
      ["PFDEBUG", "ENCODING", "m2"],
      ["PFMERGE", "s1", "dn"],
      ["GET", "s1"],
      ["PFMERGE", "m3", "missing1", "missing2"],
      ["GET", "m3"],
      ["PFMERGE", "m4"],
      ["GET", "m4"],
      ["PFMERGE", "m4", "m4"],
      ["GET", "m4"],
      ["PFCOUNT", "s2", "s3", "dn"],
      ["PFCOUNT", "s2", "s2"],
      ["PFCOUNT", "missing", "nothing"],
      ["PFCOUNT", "m1", "m2", "m3", "m4"],
      ["SET", "t", "x", "EX", "100"],
      ["DEL", "t"],
      ...adds("t", "q", 20, 4),
      ["EXPIRE", "t", "100"],
      ["PFMERGE", "t", "s2"],
      ["TTL", "t"],
      ["PFADD", "t", "zz"],
      ["TTL", "t"],
    ];
    // Many sparse sources: the merged sparse result depends on Redis's exact opcode handling.
    for (let k = 0; k < 20; k++) script.push(...adds(`src${k}`, `k${k}-`, 10 + k * 13, 7));
    script.push(["PFMERGE", "all", ...Array.from({ length: 20 }, (_, k) => `src${k}`)], ["GET", "all"]);
    script.push(["PFCOUNT", ...Array.from({ length: 20 }, (_, k) => `src${k}`)], ["PFCOUNT", "all"]);
    await same(p, script);
  });
});

Deno.test("hll: errors, wrong types and corrupted values", async () => {
  await withPair(async (p) => {
    // A valid sparse header whose opcodes do not cover 16384 registers, and one that runs past them.
    const hdr = "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80";
    const short = hdr + "\x7f\x00"; // XZERO:16128 — too short
    const long = hdr + "\x7f\xff\x80"; // XZERO:16384 then VAL — too long
    const stale = "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80" + "\x00".repeat(12288);
    await same(p, [
      ["RPUSH", "lst", "x"],
      ["SET", "str", "hello"],
      ["SET", "num", "12345"],
      ["SET", "hdr", "HYLL"],
      ["SET", "bad-enc", "HYLL\x02" + "\x00".repeat(20)],
      ["SET", "bad-dense", "HYLL\x00" + "\x00".repeat(100)],
      ["SET", "short", short],
      ["SET", "long", long],
      ["SET", "stale", stale],
      ["PFADD", "lst", "a"],
      ["PFADD", "str", "a"],
      ["PFADD", "num", "a"],
      ["PFADD", "hdr", "a"],
      ["PFADD", "bad-enc", "a"],
      ["PFADD", "bad-dense", "a"],
      ["PFCOUNT", "lst"],
      ["PFCOUNT", "str"],
      ["PFCOUNT", "str", "missing"],
      ["PFCOUNT", "missing", "lst"],
      ["PFCOUNT", "short"],
      ["PFCOUNT", "long"],
      ["PFCOUNT", "short", "missing"],
      ["PFCOUNT", "missing", "long"],
      ["PFMERGE", "dst", "short"],
      ["EXISTS", "dst"],
      ["PFMERGE", "dst", "str"],
      ["PFMERGE", "lst", "missing"],
      ["PFMERGE", "str"],
      ["PFCOUNT", "stale"],
      ["GET", "stale"],
      ["PFADD", "stale", "a", "b"],
      ["PFCOUNT", "stale"],
      ["PFDEBUG", "ENCODING", "missing"],
      ["PFDEBUG", "NOPE", "missing"],
      ["PFDEBUG", "NOPE", "stale"],
      ["PFDEBUG", "ENCODING", "lst"],
      ["PFDEBUG", "ENCODING", "str"],
      ["PFDEBUG", "DECODE", "stale"],
      ["PFDEBUG", "getreg", "short"],
      ["PFDEBUG", "todense", "long"],
      ["PFDEBUG", "decode", "short"],
      ["PFDEBUG", "ENCODING"],
      ["PFDEBUG", "ENCODING", "stale", "x"],
      ["PFADD"],
      ["PFCOUNT"],
      ["PFMERGE"],
    ]);
  });
});

Deno.test("hll: values carried between redis-server and us with GET/SET behave the same", async () => {
  await withPair(async (p) => {
    const setup: Script = [...adds("sp", "s", 200, 10), ...adds("dn", "d", 4000, 100), ["PFCOUNT", "dn"]];
    await pipeline(p.redis, setup);
    await pipeline(p.our, [...adds("sp2", "t", 150, 10), ...adds("dn2", "u", 5000, 100)]);
    // Redis → ours and ours → Redis.
    for (
      const [from, to, key] of [[p.redis, p.our, "sp"], [p.redis, p.our, "dn"], [p.our, p.redis, "sp2"], [
        p.our,
        p.redis,
        "dn2",
      ]] as const
    ) {
      const v = await from.call("GET", key);
      assert.equal(typeof v, "string");
      await to.call("SET", key, v as string);
    }
    await same(p, [
      ["PFCOUNT", "sp"],
      ["PFCOUNT", "dn"],
      ["PFCOUNT", "sp2"],
      ["PFCOUNT", "dn2"],
      ["GET", "sp"],
      ["GET", "dn2"],
      ["PFCOUNT", "sp", "dn", "sp2", "dn2"],
      ["PFADD", "sp", "new1", "new2", "s1"],
      ["PFADD", "dn2", "new1", "new2", "u1"],
      ["PFMERGE", "m", "sp", "sp2"],
      ["GET", "m"],
      ["PFMERGE", "m", "dn"],
      ["GET", "m"],
      ["GET", "sp"],
      ["GET", "dn2"],
      ["PFCOUNT", "sp"],
      ["PFCOUNT", "dn2"],
      ["GET", "sp"],
      ["GET", "dn2"],
    ]);
  });
});

Deno.test("hll: random PFADD/PFCOUNT/PFMERGE sequence against redis-server", async () => {
  const rnd = prng(31337);
  await withPair(async (p) => {
    const keys = ["h1", "h2", "h3", "h4"];
    const script: Script = [];
    for (let i = 0; i < 2500; i++) {
      const r = randInt(rnd, 10);
      const k = keys[randInt(rnd, keys.length)];
      if (r < 6) {
        const n = randInt(rnd, 6) === 0 ? randInt(rnd, 300) : randInt(rnd, 4);
        const cmd = ["PFADD", k];
        for (let j = 0; j < n; j++) cmd.push(`e${randInt(rnd, 20000)}`);
        script.push(cmd);
      } else if (r === 6) script.push(["PFCOUNT", k]);
      else if (r === 7) script.push(["PFCOUNT", k, keys[randInt(rnd, keys.length)]]);
      else if (r === 8 && randInt(rnd, 4) === 0) script.push(["PFMERGE", k, keys[randInt(rnd, keys.length)]]);
      else script.push(["GET", k]);
    }
    for (const k of keys) script.push(["GET", k], ["PFCOUNT", k], ["GET", k]);
    await same(p, script);
  });
});

Deno.test("hll: events, dirty and encoding", async () => {
  await withServer(async (srv, c) => {
    const events: string[] = [];
    srv.server.notifyHooks.push((type, event, key) => events.push(`${type}:${event}:${key}`));
    const s = srv.server;
    let d = s.dirty;
    assert.equal(await c.call("PFADD", "h", "a", "b"), 1);
    assert.equal(s.dirty - d, 3); // created + two registers
    d = s.dirty;
    assert.equal(await c.call("PFADD", "h", "a"), 0);
    assert.equal(s.dirty, d);
    assert.equal(await c.call("PFCOUNT", "h"), 2);
    assert.equal(s.dirty - d, 1); // the cached cardinality was written
    assert.equal(await c.call("PFCOUNT", "h"), 2);
    assert.equal(s.dirty - d, 1);
    assert.equal(await c.call("PFMERGE", "m", "h"), "OK");
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "raw");
    assert.equal(await c.call("OBJECT", "ENCODING", "m"), "raw");
    assert.deepEqual(events, ["$:pfadd:h", "$:pfadd:m"]);
  });
});

Deno.test("hll: PFSELFTEST", async () => {
  await withServer(async (_srv, c) => {
    assert.equal(await c.call("PFSELFTEST"), "OK");
  });
});
