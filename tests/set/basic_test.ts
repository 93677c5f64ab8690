/**
 * SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS, SCARD, SMOVE against redis-server 7.0, byte for byte
 * (unordered replies sorted first), in RESP2 and RESP3, plus WRONGTYPE and arity errors. Intsets reply
 * in sorted order on both servers, so those replies are compared exactly.
 */
import { same, withPair } from "./helpers.ts";

Deno.test("sets: SADD/SREM/SCARD/SISMEMBER/SMISMEMBER basics", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SADD", "s", "a", "b", "c", "a"],
      ["SADD", "s", "c", "d"],
      ["SCARD", "s"],
      ["SCARD", "nosuch"],
      ["SISMEMBER", "s", "a"],
      ["SISMEMBER", "s", "zz"],
      ["SISMEMBER", "nosuch", "a"],
      ["SMISMEMBER", "s", "a", "zz", "d"],
      ["SMISMEMBER", "nosuch", "a", "b"],
      ["SREM", "s", "a", "zz", "a"],
      ["SREM", "nosuch", "a"],
      ["~SMEMBERS", "s"],
      ["SMEMBERS", "nosuch"],
      ["SREM", "s", "b", "c", "d", "e"],
      ["EXISTS", "s"],
      ["SADD", "bin", "\x00\xff", "", "\r\n"],
      ["SISMEMBER", "bin", ""],
      ["SISMEMBER", "bin", "\x00\xff"],
      ["~SMEMBERS", "bin"],
      ["SET", "str", "x"],
      ["SADD", "str", "a"],
      ["SREM", "str", "a"],
      ["SCARD", "str"],
      ["SISMEMBER", "str", "a"],
      ["SMISMEMBER", "str", "a"],
      ["SMEMBERS", "str"],
      ["SADD", "s"],
      ["SREM", "s"],
      ["SMISMEMBER", "s"],
      ["SISMEMBER", "s"],
    ]);
  });
});

Deno.test("sets: intsets reply in numeric order, with 64-bit and canonical-integer edges", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SADD", "i", "5", "-3", "100", "0", "9223372036854775807", "-9223372036854775808", "7"],
      ["SMEMBERS", "i"],
      ["SADD", "i", "9007199254740993", "9007199254740992", "-9007199254740993"],
      ["SMEMBERS", "i"],
      ["SISMEMBER", "i", "9007199254740993"],
      ["SISMEMBER", "i", "9007199254740994"],
      ["SISMEMBER", "i", "007"],
      ["SISMEMBER", "i", "+7"],
      ["SISMEMBER", "i", "7"],
      ["SREM", "i", "07", "-0", "7 "],
      ["SREM", "i", "9007199254740993", "-3"],
      ["SMEMBERS", "i"],
      ["OBJECT", "ENCODING", "i"],
      // "-0", "01" and "+1" are not integers for Redis: the set stops being an intset.
      ["SADD", "j", "1", "2"],
      ["OBJECT", "ENCODING", "j"],
      ["SADD", "j", "01"],
      ["SISMEMBER", "j", "01"],
      ["SISMEMBER", "j", "1"],
      ["SCARD", "j"],
    ]);
  });
});

Deno.test("sets: SMOVE", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SADD", "a", "x", "y"],
      ["SADD", "b", "y", "z"],
      ["SMOVE", "a", "b", "x"],
      ["~SMEMBERS", "a"],
      ["~SMEMBERS", "b"],
      ["SMOVE", "a", "b", "y"],
      ["EXISTS", "a"],
      ["~SMEMBERS", "b"],
      ["SMOVE", "a", "b", "q"],
      ["SMOVE", "b", "b", "z"],
      ["SMOVE", "b", "b", "nope"],
      ["SMOVE", "b", "new", "z"],
      ["~SMEMBERS", "new"],
      ["SMOVE", "b", "new", "nope"],
      ["SADD", "n", "1"],
      ["SMOVE", "n", "m", "1"],
      ["OBJECT", "ENCODING", "m"],
      ["SMEMBERS", "m"],
      ["SET", "str", "v"],
      ["SMOVE", "str", "m", "1"],
      ["SMOVE", "m", "str", "1"],
      ["SMOVE", "missing", "str", "1"],
      ["SMEMBERS", "m"],
    ]);
  });
});

Deno.test("sets: TYPE, COPY, RENAME keep the value and its encoding", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SADD", "i", "1", "2", "3"],
      ["SADD", "h", ...Array.from({ length: 600 }, (_, i) => String(i))],
      ["TYPE", "i"],
      ["COPY", "i", "i2"],
      ["SADD", "i2", "4"],
      ["SMEMBERS", "i"],
      ["SMEMBERS", "i2"],
      ["OBJECT", "ENCODING", "i2"],
      ["COPY", "h", "h2"],
      ["OBJECT", "ENCODING", "h2"],
      ["SREM", "h2", "5"],
      ["SCARD", "h"],
      ["SCARD", "h2"],
      ["RENAME", "h2", "h3"],
      ["SCARD", "h3"],
      ["SISMEMBER", "h3", "599"],
    ]);
  });
});

Deno.test("sets: RESP3 set replies", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["!HELLO", "3"],
      ["SADD", "i", "3", "1", "2"],
      ["SMEMBERS", "i"],
      ["SMEMBERS", "nosuch"],
      ["SMISMEMBER", "i", "1", "9"],
      ["SINTER", "i", "i"],
      ["SUNION", "i", "nosuch"],
      ["SDIFF", "i", "nosuch"],
      ["SINTER", "i", "nosuch"],
      ["SPOP", "nosuch", "3"],
      ["SPOP", "i", "0"],
      ["SRANDMEMBER", "nosuch", "3"],
      ["SRANDMEMBER", "nosuch"],
      ["SPOP", "nosuch"],
      ["SPOP", "i", "10"],
      ["EXISTS", "i"],
    ]);
  });
});
