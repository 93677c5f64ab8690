/**
 * BITOP: AND, OR, XOR and NOT against redis-server (random binary operands of mixed lengths, missing
 * keys, wrong types, empty results deleting the destination, TTL removal, encodings); the Redis 8.2
 * operators DIFF, DIFF1, ANDOR and ONE — unknown to the 7.0 oracle — against a bit-by-bit model of
 * their documented definitions, with the documented arity errors.
 */
import assert from "node:assert/strict";
import {
  prng,
  randBytes,
  randInt,
  recordEvents,
  same,
  sameEncodings,
  type Script,
  withPair,
  withServer,
} from "./helpers.ts";
import type { RawClient } from "../helpers/resp.ts";

Deno.test("bitop: AND OR XOR NOT against redis-server", async () => {
  const rnd = prng(99);
  await withPair(async (p) => {
    const script: Script = [
      ["RPUSH", "lst", "x"],
      ["SET", "e", ""],
      ["SET", "i", "123"],
      ["BITOP", "NOT", "d", "missing"],
      ["EXISTS", "d"],
      ["SET", "d", "x", "EX", "100"],
      ["BITOP", "AND", "d", "missing", "e"],
      ["EXISTS", "d"],
      ["SET", "d", "x", "EX", "100"],
      ["BITOP", "OR", "d", "i"],
      ["TTL", "d"],
      ["GET", "d"],
      ["BITOP", "XOR", "lst", "i", "i"],
      ["TYPE", "lst"],
      ["RPUSH", "lst", "x"],
      ["BITOP", "AND", "d", "i", "lst"],
      ["BITOP", "AND", "d", "lst", "missing"],
      ["BITOP", "NOT", "d", "i", "i"],
      ["BITOP", "NOT", "d"],
      ["BITOP", "NAND", "d", "i"],
      ["BITOP", "and", "d", "i", "i", "i"],
      ["BITOP", "nOt", "d", "i"],
      ["GET", "d"],
      ["BITOP", "OR", "d", "d", "i"],
      ["GET", "d"],
    ];
    const srcs = ["a", "b", "c", "missing"];
    for (let round = 0; round < 150; round++) {
      for (const k of ["a", "b", "c"]) {
        const len = randInt(rnd, 4) === 0 ? randInt(rnd, 100) : randInt(rnd, 12);
        script.push(["SET", k, randBytes(rnd, len)]);
      }
      const op = ["AND", "OR", "XOR", "NOT"][randInt(rnd, 4)];
      const n = op === "NOT" ? 1 : 1 + randInt(rnd, 4);
      const keys = Array.from({ length: n }, () => srcs[randInt(rnd, srcs.length)]);
      script.push(["BITOP", op, "dest", ...keys], ["GET", "dest"]);
    }
    await same(p, script);
    await sameEncodings(p, ["d", "dest", "i"]);
  });
});

/** Bytes of a binary string. */
function bytes(s: string): number[] {
  return Array.from(s, (ch) => ch.charCodeAt(0));
}

/** The 8.2 operators, from their documented definitions, bit by bit. */
function model(op: string, vals: string[]): string {
  const maxlen = Math.max(...vals.map((v) => v.length));
  const srcs = vals.map(bytes);
  let out = "";
  for (let j = 0; j < maxlen; j++) {
    let byte = 0;
    for (let bit = 0; bit < 8; bit++) {
      const b = srcs.map((s) => ((s[j] ?? 0) >> bit) & 1);
      const x = b[0];
      const ys = b.slice(1).some((v) => v === 1) ? 1 : 0;
      let r: number;
      if (op === "DIFF") r = x & (ys ^ 1);
      else if (op === "DIFF1") r = (x ^ 1) & ys;
      else if (op === "ANDOR") r = x & ys;
      else r = b.filter((v) => v === 1).length === 1 ? 1 : 0; // ONE
      byte |= r << bit;
    }
    out += String.fromCharCode(byte);
  }
  return out;
}

async function get(c: RawClient, key: string): Promise<string | null> {
  return (await c.call("GET", key)) as string | null;
}

Deno.test("bitop: DIFF DIFF1 ANDOR ONE (Redis 8.2) against a model", async () => {
  const rnd = prng(7);
  await withServer(async (_srv, c) => {
    for (let round = 0; round < 300; round++) {
      const vals: string[] = [];
      const n = 1 + randInt(rnd, 5);
      const keys: string[] = [];
      for (let i = 0; i < n; i++) {
        const k = `k${i}`;
        if (randInt(rnd, 8) === 0) {
          await c.call("DEL", k);
          vals.push("");
        } else {
          const v = randBytes(rnd, randInt(rnd, 3) === 0 ? randInt(rnd, 90) : randInt(rnd, 6));
          await c.call("SET", k, v);
          vals.push(v);
        }
        keys.push(k);
      }
      const op = ["DIFF", "DIFF1", "ANDOR", "ONE"][randInt(rnd, 4)];
      if (op !== "ONE" && n < 2) {
        assert.deepEqual(await c.call("BITOP", op, "dest", ...keys), {
          error: `ERR BITOP ${op} must be called with at least two source keys.`,
        });
        continue;
      }
      const expected = model(op, vals);
      assert.equal(await c.call("BITOP", op.toLowerCase(), "dest", ...keys), expected.length, `${op} ${n}`);
      assert.equal(await get(c, "dest"), expected.length === 0 ? null : expected, `${op} result`);
    }
  });
});

Deno.test("bitop: 8.2 operators — documented examples, arity, types, events", async () => {
  await withServer(async (srv, c) => {
    const events = recordEvents(srv);
    // key1 = 11110000, key2 = 00111100, key3 = 00001111 (one byte each).
    await c.call("SET", "key1", "\xf0");
    await c.call("SET", "key2", "\x3c");
    await c.call("SET", "key3", "\x0f");
    assert.equal(await c.call("BITOP", "DIFF", "r", "key1", "key2", "key3"), 1);
    assert.equal(await get(c, "r"), "\xc0"); // 11000000
    assert.equal(await c.call("BITOP", "DIFF1", "r", "key1", "key2", "key3"), 1);
    assert.equal(await get(c, "r"), "\x0f"); // 00001111
    assert.equal(await c.call("BITOP", "ANDOR", "r", "key1", "key2", "key3"), 1);
    assert.equal(await get(c, "r"), "\x30"); // 00110000
    assert.equal(await c.call("BITOP", "ONE", "r", "key1", "key2", "key3"), 1);
    assert.equal(await get(c, "r"), "\xc3"); // 11000011
    assert.equal(await c.call("BITOP", "ONE", "r", "key1"), 1);
    assert.equal(await get(c, "r"), "\xf0");
    for (const op of ["DIFF", "diff1", "AndOr"]) {
      assert.deepEqual(await c.call("BITOP", op, "r", "key1"), {
        error: `ERR BITOP ${op.toUpperCase()} must be called with at least two source keys.`,
      });
    }
    assert.deepEqual(await c.call("BITOP", "ONE", "r"), {
      error: "ERR wrong number of arguments for 'bitop' command",
    });
    await c.call("RPUSH", "lst", "x");
    assert.deepEqual(await c.call("BITOP", "DIFF", "r", "key1", "lst"), {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    });
    assert.equal(await c.call("BITOP", "ANDOR", "r", "nokey1", "nokey2"), 0);
    assert.equal(await c.call("EXISTS", "r"), 0);
    assert.deepEqual(events.filter((e) => e.endsWith(":r")), [
      "$:set:r",
      "$:set:r",
      "$:set:r",
      "$:set:r",
      "$:set:r",
      "g:del:r",
    ]);
  });
});
