/**
 * Randomized differential test: long random sequences of the hash commands Redis 7.0 knows, replayed
 * on our server and on redis-server with small listpack limits so encodings convert midway; replies
 * compared byte for byte (hashtable iteration order normalized) and OBJECT ENCODING checked along.
 */
import { prng, same, withPair } from "./helpers.ts";

Deno.test("hash: random command sequences match redis", async () => {
  for (const seed of [11, 12]) {
    await withPair(async (p) => {
      const rnd = prng(seed);
      const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
      const keys = ["k1", "k2", "k3", "str"];
      const fields = ["a", "b", "c", "d", "e", "f", "", "\x00\xff"];
      const value = () =>
        pick([
          () => String(Math.floor(rnd() * 100) - 50),
          () => "v" + Math.floor(rnd() * 10),
          () => "a-rather-long-value-" + Math.floor(rnd() * 10),
          () => (rnd() * 10).toFixed(2),
          () => "",
        ])();
      const script: (string | number)[][] = [["SET", "str", "x"]];
      for (let i = 0; i < 600; i++) {
        const k = pick(keys);
        const f = pick(fields);
        const r = rnd();
        if (r < 0.2) {
          const n = 1 + Math.floor(rnd() * 3);
          const cmd = pick(["HSET", "HMSET"]);
          script.push([cmd, k, ...Array.from({ length: n }, () => [pick(fields), value()]).flat()]);
        } else if (r < 0.25) script.push(["HSETNX", k, f, value()]);
        else if (r < 0.33) script.push(["HDEL", k, f, pick(fields)]);
        else if (r < 0.40) script.push(["HINCRBY", k, f, Math.floor(rnd() * 20) - 10]);
        else if (r < 0.45) script.push(["HINCRBYFLOAT", k, f, pick(["1.5", "-0.25", "3", "1e2", "abc"])]);
        else if (r < 0.55) script.push([pick(["HGET", "HEXISTS", "HSTRLEN"]), k, f]);
        else if (r < 0.60) script.push(["HMGET", k, f, pick(fields), pick(fields)]);
        else if (r < 0.65) script.push(["HLEN", k]);
        else if (r < 0.75) script.push([pick(["~~HGETALL", "~HKEYS", "~HVALS"]), k]);
        else if (r < 0.80) script.push(["~HRANDFIELD", k, 100]);
        else if (r < 0.83) script.push(["~~HRANDFIELD", k, 100, "WITHVALUES"]);
        else if (r < 0.88) script.push(["OBJECT", "ENCODING", k]);
        else if (r < 0.95) script.push(["EXISTS", k]);
        else if (r < 0.97) script.push(["DEL", k]);
        else script.push(["TYPE", k]);
      }
      await same(p, script);
      for (const k of keys) await same(p, [["~~HGETALL", k], ["OBJECT", "ENCODING", k]]);
    }, { "hash-max-listpack-entries": 4, "hash-max-listpack-value": 12 });
  }
});
