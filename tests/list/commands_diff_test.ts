/**
 * The non-blocking list commands against redis-server, byte for byte: every argument form, error
 * path and reply shape (RESP2 and RESP3 nulls) of LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX
 * LSET LRANGE LTRIM LREM LINSERT LPOS LMOVE RPOPLPUSH LMPOP, on small (listpack) and large (quicklist)
 * lists, binary elements included.
 */
import { sameAsRedis } from "./helpers.ts";
import type { Script } from "../helpers/oracle.ts";

Deno.test("list diff: pushes, lengths, pops with and without count", async () => {
  await sameAsRedis([
    ["LPUSH", "l", "a", "b", "c"],
    ["RPUSH", "l", "d", "e"],
    ["LRANGE", "l", 0, -1],
    ["LLEN", "l"],
    ["LLEN", "missing"],
    ["LPUSHX", "missing", "a"],
    ["RPUSHX", "missing", "a", "b"],
    ["EXISTS", "missing"],
    ["LPUSHX", "l", "x", "y"],
    ["RPUSHX", "l", "z"],
    ["LRANGE", "l", 0, -1],
    ["LPOP", "l"],
    ["RPOP", "l"],
    ["LPOP", "l", 2],
    ["RPOP", "l", 2],
    ["LPOP", "l", 0],
    ["RPOP", "l", 0],
    ["LPOP", "l", 100],
    ["EXISTS", "l"],
    ["LPOP", "l"],
    ["LPOP", "l", 0],
    ["LPOP", "l", 2],
    ["RPOP", "missing", 3],
    ["RPUSH", "l", "1", "2", "3"],
    ["LPOP", "l", -1],
    ["LPOP", "l", "abc"],
    ["LPOP", "l", "1.5"],
    ["LPOP", "l", 1, 2],
    ["RPOP", "l", 1, 2],
    ["LPOP", "missing", -1],
    ["LPOP"],
    ["LPUSH", "l"],
    ["RPUSH"],
    ["SET", "s", "v"],
    ["LPUSH", "s", "a"],
    ["RPUSH", "s", "a"],
    ["LPUSHX", "s", "a"],
    ["RPUSHX", "s", "a"],
    ["LPOP", "s"],
    ["RPOP", "s", 2],
    ["LLEN", "s"],
    ["LPOP", "s", -1],
    ["LPOP", "s", 0],
    ["RPUSH", "bin", "\x00\xff\r\n", "", "\x80\x81 z", "-", "0", "-0", "007"],
    ["LRANGE", "bin", 0, -1],
    ["RPOP", "bin", 10],
  ]);
});

Deno.test("list diff: LINDEX, LSET, LRANGE and LTRIM index arithmetic", async () => {
  const script: Script = [["RPUSH", "l", "a", "b", "c", "d", "e", "f"]];
  for (const i of [0, 1, 5, 6, 100, -1, -6, -7, -100, "9223372036854775807", "-9223372036854775808"]) {
    script.push(["LINDEX", "l", i]);
  }
  script.push(["LINDEX", "l", "x"], ["LINDEX", "missing", "x"], ["LINDEX", "missing", 0], ["LINDEX", "l", "1.0"]);
  for (
    const [a, b] of [[0, -1], [1, 3], [-3, -1], [-100, 100], [3, 1], [6, 10], [5, 5], [-1, -1], [0, 0], [
      "-9223372036854775808",
      "9223372036854775807",
    ]]
  ) {
    script.push(["LRANGE", "l", a, b]);
  }
  script.push(["LRANGE", "l", "a", 1], ["LRANGE", "l", 0, "b"], ["LRANGE", "missing", 0, -1], [
    "LRANGE",
    "missing",
    "x",
    1,
  ]);
  script.push(
    ["LSET", "l", 0, "A"],
    ["LSET", "l", -1, "F"],
    ["LSET", "l", 6, "x"],
    ["LSET", "l", -7, "x"],
    ["LSET", "l", "x", "x"],
    ["LSET", "missing", 0, "x"],
    ["LSET", "missing", "x", "x"],
    ["LRANGE", "l", 0, -1],
  );
  for (const [a, b] of [[1, -2], [0, 100], [-100, -1], [1, 0]]) {
    script.push(["DEL", "t"], ["RPUSH", "t", 1, 2, 3, 4, 5], ["LTRIM", "t", a, b], ["LRANGE", "t", 0, -1], [
      "EXISTS",
      "t",
    ]);
  }
  script.push(["LTRIM", "missing", 0, 1], ["LTRIM", "l", "x", 1], ["LTRIM", "l", 0, "y"], ["LTRIM", "missing", "x", 1]);
  script.push(["SET", "s", "v"], ["LINDEX", "s", 0], ["LSET", "s", 0, "x"], ["LRANGE", "s", 0, 1], [
    "LTRIM",
    "s",
    0,
    1,
  ]);
  script.push(["LINDEX", "s", "x"], ["LRANGE", "s", "x", 1]);
  await sameAsRedis(script);
});

Deno.test("list diff: LREM, LINSERT, LPOS and their errors", async () => {
  await sameAsRedis([
    ["RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"],
    ["LREM", "l", 2, "a"],
    ["LRANGE", "l", 0, -1],
    ["LREM", "l", -1, "a"],
    ["LRANGE", "l", 0, -1],
    ["LREM", "l", 0, "b"],
    ["LRANGE", "l", 0, -1],
    ["LREM", "l", 0, "zz"],
    ["LREM", "l", "x", "a"],
    ["LREM", "l", "9223372036854775807", "a"],
    ["LREM", "missing", 0, "a"],
    ["LREM", "l", 0, "c"],
    ["EXISTS", "l"],
    ["RPUSH", "l", "a", "b", "c"],
    ["LINSERT", "l", "BEFORE", "b", "x"],
    ["LINSERT", "l", "after", "c", "y"],
    ["LINSERT", "l", "AFTER", "zz", "y"],
    ["LINSERT", "l", "middle", "b", "y"],
    ["LINSERT", "missing", "BEFORE", "b", "y"],
    ["LINSERT", "missing", "middle", "b", "y"],
    ["LRANGE", "l", 0, -1],
    ["DEL", "p"],
    ["RPUSH", "p", "a", "b", "c", "1", "2", "3", "c", "c"],
    ["LPOS", "p", "c"],
    ["LPOS", "p", "c", "RANK", 2],
    ["LPOS", "p", "c", "RANK", -1],
    ["LPOS", "p", "c", "RANK", -3],
    ["LPOS", "p", "c", "RANK", 4],
    ["LPOS", "p", "c", "COUNT", 0],
    ["LPOS", "p", "c", "COUNT", 2],
    ["LPOS", "p", "c", "COUNT", 2, "RANK", -1],
    ["LPOS", "p", "c", "COUNT", 0, "RANK", 2],
    ["LPOS", "p", "c", "COUNT", 0, "MAXLEN", 7],
    ["LPOS", "p", "c", "MAXLEN", 2],
    ["LPOS", "p", "c", "RANK", -1, "MAXLEN", 1],
    ["LPOS", "p", "zz"],
    ["LPOS", "p", "zz", "COUNT", 1],
    ["LPOS", "missing", "c"],
    ["LPOS", "missing", "c", "COUNT", 1],
    ["LPOS", "p", "c", "RANK", 0],
    ["LPOS", "p", "c", "RANK", "x"],
    ["LPOS", "p", "c", "COUNT", -1],
    ["LPOS", "p", "c", "COUNT", "x"],
    ["LPOS", "p", "c", "MAXLEN", -1],
    ["LPOS", "p", "c", "MAXLEN", "x"],
    ["LPOS", "p", "c", "FOO", 1],
    ["LPOS", "p", "c", "RANK"],
    ["LPOS", "missing", "c", "RANK", 0],
    ["LPOS", "p", "1"],
    ["SET", "s", "v"],
    ["LREM", "s", 0, "a"],
    ["LINSERT", "s", "BEFORE", "a", "b"],
    ["LPOS", "s", "a"],
  ]);
});

Deno.test("list diff: LMOVE, RPOPLPUSH, LMPOP", async () => {
  await sameAsRedis([
    ["RPUSH", "src", "a", "b", "c", "d"],
    ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
    ["LMOVE", "src", "dst", "right", "left"],
    ["LMOVE", "src", "dst", "LEFT", "LEFT"],
    ["LMOVE", "src", "dst", "RIGHT", "RIGHT"],
    ["LRANGE", "dst", 0, -1],
    ["EXISTS", "src"],
    ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
    ["LMOVE", "dst", "dst", "LEFT", "RIGHT"],
    ["LRANGE", "dst", 0, -1],
    ["LMOVE", "dst", "dst", "RIGHT", "LEFT"],
    ["LRANGE", "dst", 0, -1],
    ["LMOVE", "src", "dst", "UP", "RIGHT"],
    ["LMOVE", "src", "dst", "LEFT", "DOWN"],
    ["RPOPLPUSH", "dst", "other"],
    ["RPOPLPUSH", "missing", "other"],
    ["RPUSH", "one", "x"],
    ["RPOPLPUSH", "one", "one"],
    ["LRANGE", "one", 0, -1],
    ["SET", "s", "v"],
    ["LMOVE", "s", "dst", "LEFT", "LEFT"],
    ["LMOVE", "dst", "s", "LEFT", "LEFT"],
    ["LRANGE", "dst", 0, -1],
    ["RPOPLPUSH", "missing", "s"],
    ["RPUSH", "m1", "a", "b", "c"],
    ["RPUSH", "m2", "d", "e"],
    ["LMPOP", 2, "none", "m1", "LEFT"],
    ["LMPOP", 2, "none", "m1", "RIGHT", "COUNT", 10],
    ["LMPOP", 3, "none", "m1", "m2", "LEFT", "COUNT", 1],
    ["LMPOP", 1, "none", "LEFT"],
    ["LMPOP", 0, "m2", "LEFT"],
    ["LMPOP", -1, "m2", "LEFT"],
    ["LMPOP", "x", "m2", "LEFT"],
    ["LMPOP", 2, "m2", "LEFT"],
    ["LMPOP", 1, "m2", "MIDDLE"],
    ["LMPOP", 1, "m2", "LEFT", "COUNT"],
    ["LMPOP", 1, "m2", "LEFT", "COUNT", 0],
    ["LMPOP", 1, "m2", "LEFT", "COUNT", -1],
    ["LMPOP", 1, "m2", "LEFT", "COUNT", "x"],
    ["LMPOP", 1, "m2", "LEFT", "COUNT", 1, "COUNT", 1],
    ["LMPOP", 1, "m2", "LEFT", "FOO"],
    ["LMPOP", 2, "s", "m2", "LEFT"],
    ["LMPOP", 2, "m2", "s", "LEFT"],
    ["LMPOP", "9223372036854775807", "m2", "LEFT"],
    ["RPUSH", "orig", "a", "b", "c"],
    ["COPY", "orig", "copy"],
    ["RPUSH", "copy", "d"],
    ["LSET", "copy", 0, "z"],
    ["LRANGE", "orig", 0, -1],
    ["LRANGE", "copy", 0, -1],
    ["TYPE", "copy"],
  ]);
});

Deno.test("list diff: RESP3 null shapes, blocking commands served at once", async () => {
  await sameAsRedis([
    ["!HELLO", 3],
    ["LPOP", "missing"],
    ["LPOP", "missing", 1],
    ["LPOP", "missing", 0],
    ["RPOP", "missing", 2],
    ["LINDEX", "missing", 0],
    ["LPOS", "missing", "a"],
    ["LMPOP", 1, "missing", "LEFT"],
    ["RPOPLPUSH", "missing", "x"],
    ["LMOVE", "missing", "x", "LEFT", "LEFT"],
    ["RPUSH", "l", "a", "b", "c"],
    ["LPOP", "l", 0],
    ["LPOS", "l", "zz"],
    ["LINDEX", "l", 5],
    ["BLPOP", "missing", "l", 0],
    ["BRPOP", "l", 0],
    ["BLMPOP", 0, 2, "missing", "l", "LEFT", "COUNT", 5],
    ["RPUSH", "l", "a", "b", "c"],
    ["BLMOVE", "l", "m", "LEFT", "RIGHT", 0],
    ["BRPOPLPUSH", "l", "m", 0],
    ["LRANGE", "m", 0, -1],
  ]);
});

Deno.test("list diff: blocking command argument errors", async () => {
  await sameAsRedis([
    ["RPUSH", "l", "a", "b", "c"],
    ["SET", "s", "v"],
    ["BLPOP", "l", "x"],
    ["BLPOP", "l", -1],
    ["BLPOP", "l", "-0.5"],
    ["BLPOP", "l", " 1"],
    ["BLPOP", "l", "1 "],
    ["BLPOP", "l", ""],
    ["BLPOP", "l", "nan"],
    ["BLPOP", "s", 0],
    ["BLPOP", "missing", "s", 0],
    ["BLPOP", "l", "s", 0],
    ["RPUSH", "l", "a", "b", "c", "d", "e", "f", "g", "h"],
    ["BRPOP", "l", "0.01"],
    ["BRPOP", "l", "1e-3"],
    ["BRPOP", "l", "0x10"],
    ["BRPOP", "l", "+1"],
    ["BRPOP", "l", "-0"],
    ["BRPOP", "l", "-0.0001"],
    ["BLMOVE", "l", "m", "UP", "LEFT", 0],
    ["BLMOVE", "l", "m", "LEFT", "UP", "x"],
    ["BLMOVE", "l", "m", "LEFT", "LEFT", "x"],
    ["BLMOVE", "l", "m", "LEFT", "LEFT", -1],
    ["BLMOVE", "s", "m", "LEFT", "LEFT", 0],
    ["BLMOVE", "l", "s", "LEFT", "LEFT", 0],
    ["BRPOPLPUSH", "l", "m", "x"],
    ["BRPOPLPUSH", "s", "m", 0],
    ["BLMPOP", "x", 1, "l", "LEFT"],
    ["BLMPOP", 0, 0, "l", "LEFT"],
    ["BLMPOP", 0, "x", "l", "LEFT"],
    ["BLMPOP", 0, 1, "l", "UP"],
    ["BLMPOP", -1, 1, "l", "LEFT"],
    ["BLMPOP", 0, 2, "l", "LEFT"],
    ["BLMPOP", 0, 1, "l", "LEFT", "COUNT", 0],
    ["BLMPOP", 0, 1, "s", "LEFT"],
    ["BLMPOP", "x", 1, "l", "LEFT", "COUNT", 0],
    ["BLPOP", "l"],
    ["BLMOVE", "l", "m", "LEFT", "LEFT"],
    ["BLMPOP", 0, 1, "l"],
  ]);
});

Deno.test("list diff: large lists (quicklist) — ranges, inserts, removals, trims", async () => {
  const script: Script = [];
  const big: string[] = [];
  for (let i = 0; i < 3000; i++) big.push(i % 7 === 0 ? "x".repeat(i % 300) : `e${i}`);
  for (let i = 0; i < big.length; i += 500) script.push(["RPUSH", "big", ...big.slice(i, i + 500)]);
  script.push(
    ["LLEN", "big"],
    ["LRANGE", "big", 0, 50],
    ["LRANGE", "big", 1400, 1600],
    ["LRANGE", "big", -300, -1],
    ["LINDEX", "big", 1777],
    ["LINDEX", "big", -1234],
    ["LSET", "big", 1500, "y".repeat(5000)],
    ["LINDEX", "big", 1500],
    ["LINSERT", "big", "BEFORE", "e1001", "ins1"],
    ["LINSERT", "big", "AFTER", "e2999", "ins2"],
    ["LINSERT", "big", "AFTER", "e1", "z".repeat(9000)],
    ["LPOS", "big", "e2500"],
    ["LPOS", "big", "x", "RANK", -2],
    ["LPOS", "big", "", "COUNT", 0],
    ["LREM", "big", 5, ""],
    ["LREM", "big", -3, "x".repeat(7)],
    ["LRANGE", "big", 990, 1010],
    ["LTRIM", "big", 100, -100],
    ["LLEN", "big"],
    ["LRANGE", "big", 0, 10],
    ["LPOP", "big", 700],
    ["RPOP", "big", 700],
    ["LRANGE", "big", 0, -1],
    ["LMPOP", 1, "big", "RIGHT", "COUNT", 100000],
    ["EXISTS", "big"],
  );
  await sameAsRedis(script);
});
