/**
 * HSET HMSET HSETNX HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL against redis-server,
 * byte for byte (listpack order is insertion order, as in Redis; hashtable replies are compared as
 * sets): replies, errors, arity, WRONGTYPE, RESP3 maps, binary data and the listpack → hashtable
 * conversions at both limits.
 */
import { same, sameEncodings, withPair } from "./helpers.ts";

Deno.test("hash: basic commands and replies match redis", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["HSET", "h", "f1", "v1"],
      ["HSET", "h", "f1", "v1b", "f2", "v2", "f3", "v3"],
      ["HSET", "h", "f4", "v4", "f4", "v4b"],
      ["HGET", "h", "f1"],
      ["HGET", "h", "nope"],
      ["HGET", "nokey", "f1"],
      ["HMGET", "h", "f1", "nope", "f3", "f4"],
      ["HMGET", "nokey", "a", "b"],
      ["HLEN", "h"],
      ["HLEN", "nokey"],
      ["HSTRLEN", "h", "f2"],
      ["HSTRLEN", "h", "nope"],
      ["HSTRLEN", "nokey", "f"],
      ["HEXISTS", "h", "f2"],
      ["HEXISTS", "h", "nope"],
      ["HEXISTS", "nokey", "f"],
      ["HKEYS", "h"],
      ["HVALS", "h"],
      ["HGETALL", "h"],
      ["HKEYS", "nokey"],
      ["HVALS", "nokey"],
      ["HGETALL", "nokey"],
      ["HMSET", "h", "f5", "v5", "f1", "again"],
      ["HGETALL", "h"],
      ["HSETNX", "h", "f1", "x"],
      ["HSETNX", "h", "f6", "v6"],
      ["HSETNX", "new", "f", "v"],
      ["HGETALL", "new"],
      ["HDEL", "h", "f2", "nope", "f2", "f3"],
      ["HDEL", "nokey", "f"],
      ["HGETALL", "h"],
      ["HDEL", "new", "f"],
      ["EXISTS", "new"],
      ["HDEL", "h", "f1", "f4", "f5", "f6", "extra"],
      ["EXISTS", "h"],
      ["HSET", "n", "int", "12345", "neg", "-7", "big", "99999999999999999999", "zero", "0", "lz", "007"],
      ["HGETALL", "n"],
      ["HSTRLEN", "n", "int"],
      ["HSTRLEN", "n", "big"],
      ["HSTRLEN", "n", "lz"],
      ["HSET", "empty", "", ""],
      ["HGET", "empty", ""],
      ["HSTRLEN", "empty", ""],
      ["HGETALL", "empty"],
    ]);
  });
});

Deno.test("hash: errors, arity and WRONGTYPE match redis", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SET", "str", "x"],
      ["HSET", "str", "f", "v"],
      ["HMSET", "str", "f", "v"],
      ["HSETNX", "str", "f", "v"],
      ["HGET", "str", "f"],
      ["HMGET", "str", "f"],
      ["HDEL", "str", "f"],
      ["HLEN", "str"],
      ["HSTRLEN", "str", "f"],
      ["HEXISTS", "str", "f"],
      ["HKEYS", "str"],
      ["HVALS", "str"],
      ["HGETALL", "str"],
      ["HSET", "h"],
      ["HSET", "h", "f"],
      ["HSET", "h", "f", "v", "g"],
      ["HMSET", "h", "f", "v", "g"],
      ["HMSET", "h", "f"],
      ["HSETNX", "h", "f"],
      ["HGET", "h"],
      ["HMGET", "h"],
      ["HDEL", "h"],
      ["HLEN"],
      ["HLEN", "a", "b"],
      ["HSTRLEN", "h"],
      ["HEXISTS", "h"],
      ["HKEYS"],
      ["HGETALL", "a", "b"],
      ["EXISTS", "h"],
      ["hset", "h", "f", "v"],
      ["hmset", "h", "g", "w"],
      ["HgEtAlL", "h"],
    ]);
  });
});

Deno.test("hash: RESP3 replies match redis", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["!HELLO", "3"],
      ["HSET", "h", "a", "1", "b", "2"],
      ["HGETALL", "h"],
      ["HGETALL", "nokey"],
      ["HKEYS", "h"],
      ["HVALS", "nokey"],
      ["HGET", "h", "nope"],
      ["HMGET", "h", "a", "nope"],
      ["HMSET", "h", "c", "3"],
      ["HSETNX", "h", "c", "3"],
    ]);
  });
});

Deno.test("hash: binary-safe fields and values", async () => {
  await withPair(async (p) => {
    const bin = "\x00\x01\xff\r\n\x80\x9f" + "é";
    await same(p, [
      ["HSET", "b", bin, bin + bin, "k\x00", "\x00"],
      ["HGET", "b", bin],
      ["HGETALL", "b"],
      ["HSTRLEN", "b", bin],
      ["HEXISTS", "b", "k"],
      ["HDEL", "b", "k\x00"],
      ["HKEYS", "b"],
    ]);
  });
});

Deno.test("hash: listpack converts to hashtable past the entries limit", async () => {
  await withPair(async (p) => {
    const script: (string | number)[][] = [];
    for (let i = 0; i < 8; i++) script.push(["HSET", "small", `f${i}`, `v${i}`]);
    script.push(["HGETALL", "small"]);
    script.push(["HSET", "small", "f8", "v8"]);
    script.push(["~~HGETALL", "small"], ["~HKEYS", "small"], ["~HVALS", "small"], ["HLEN", "small"]);
    // A multi-field HSET beyond the limit converts at once.
    const big = ["HSET", "big"];
    for (let i = 0; i < 12; i++) big.push(`k${i}`, `${i}`);
    script.push(big, ["~~HGETALL", "big"], ["HGET", "big", "k11"]);
    // Updates never count as new entries; deleting never converts back.
    const upd = ["HSET", "upd"];
    for (let i = 0; i < 8; i++) upd.push(`k${i}`, `${i}`);
    script.push(upd, ["HSET", "upd", "k0", "x", "k7", "y"], ["HGETALL", "upd"]);
    script.push(["HDEL", "small", "f0", "f1", "f2", "f3", "f4", "f5"], ["~~HGETALL", "small"]);
    // HSETNX and HINCRBY also convert.
    for (let i = 0; i < 9; i++) script.push(["HSETNX", "nx", `f${i}`, "v"]);
    for (let i = 0; i < 9; i++) script.push(["HINCRBY", "incr", `f${i}`, i]);
    for (let i = 0; i < 9; i++) script.push(["HINCRBYFLOAT", "fl", `f${i}`, "0.5"]);
    await same(p, script);
    await sameEncodings(p, ["small", "big", "upd", "nx", "incr", "fl"]);
  }, { "hash-max-listpack-entries": 8 });
});

Deno.test("hash: listpack converts to hashtable past the value limit", async () => {
  await withPair(async (p) => {
    const long = "x".repeat(17);
    const edge = "y".repeat(16);
    await same(p, [
      ["HSET", "edge", "f", edge, edge, "v"],
      ["HSET", "lv", "f", long],
      ["HSET", "lf", long, "v"],
      ["HSET", "later", "a", "1", "b", "2"],
      ["HGETALL", "edge"],
      ["HSET", "later", "c", long],
      ["~~HGETALL", "later"],
      ["HSETNX", "nx", long, "v"],
      ["HSET", "inc", "f", "1"],
      ["HINCRBYFLOAT", "inc", "f", "0.00000000000000001"],
      ["HSET", "incf", "a", "1"],
      ["HINCRBY", "incf", long, "5"],
    ]);
    await sameEncodings(p, ["edge", "lv", "lf", "later", "nx", "inc", "incf"]);
  }, { "hash-max-listpack-value": 16 });
});

Deno.test("hash: zero limits make every hash a hashtable", async () => {
  await withPair(async (p) => {
    await same(p, [["HSET", "h", "a", "1"], ["HGETALL", "h"], ["HSETNX", "h2", "a", "1"]]);
    await sameEncodings(p, ["h", "h2"]);
  }, { "hash-max-listpack-entries": 0 });
});

Deno.test("hash: default limits are Redis's compiled-in ones", async () => {
  await withPair(async (p) => {
    const big = ["HSET", "h"];
    for (let i = 0; i < 512; i++) big.push(`f${i}`, "v");
    const val = "z".repeat(64);
    await same(p, [big, ["HSET", "v", "f", val]]);
    await sameEncodings(p, ["h", "v"]);
    await same(p, [["HSET", "h", "one-more", "v"], ["HSET", "v", "g", val + "z"]]);
    await sameEncodings(p, ["h", "v"]);
  });
});
