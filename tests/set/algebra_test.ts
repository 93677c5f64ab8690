/**
 * SINTER, SINTERCARD, SINTERSTORE, SUNION(STORE), SDIFF(STORE) against redis-server 7.0: results
 * (sorted when the order is unspecified; exact for all-intset inputs, which both servers reply in
 * numeric order), stored results, missing keys, repeated keys, WRONGTYPE and argument errors. Then a
 * randomized comparison over many small and large sets.
 */
import { prng, randInt, same, withPair } from "./helpers.ts";
import type { Script } from "../helpers/oracle.ts";

Deno.test("set algebra: results, stores, missing and repeated keys", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SADD", "a", "1", "2", "3", "4", "x"],
      ["SADD", "b", "3", "4", "5", "x", "y"],
      ["SADD", "c", "4", "x", "z"],
      ["SADD", "i1", "1", "2", "3", "10"],
      ["SADD", "i2", "2", "3", "4", "-1"],
      ["~SINTER", "a", "b"],
      ["~SINTER", "a", "b", "c"],
      ["SINTER", "a", "nosuch"],
      ["SINTER", "nosuch"],
      ["~SINTER", "a", "a"],
      ["SINTER", "i1", "i2"],
      ["~SUNION", "a", "b", "c"],
      ["SUNION", "i1", "i2"],
      ["SUNION", "i1", "nosuch", "i2"],
      ["SUNION", "nosuch"],
      ["~SDIFF", "a", "b"],
      ["~SDIFF", "a", "b", "c"],
      ["SDIFF", "i1", "i2"],
      ["~SDIFF", "a", "nosuch"],
      ["SDIFF", "nosuch", "a"],
      ["SDIFF", "a", "a"],
      ["SDIFF", "a", "b", "a"],
      ["SINTERSTORE", "d", "a", "b"],
      ["~SMEMBERS", "d"],
      ["SINTERSTORE", "d", "i1", "i2"],
      ["SMEMBERS", "d"],
      ["SINTERSTORE", "d", "a", "nosuch"],
      ["EXISTS", "d"],
      ["SUNIONSTORE", "d", "i1", "i2"],
      ["SMEMBERS", "d"],
      ["OBJECT", "ENCODING", "d"],
      ["SUNIONSTORE", "d", "a", "c"],
      ["~SMEMBERS", "d"],
      ["SDIFFSTORE", "d", "a", "b", "c"],
      ["~SMEMBERS", "d"],
      ["SDIFFSTORE", "d", "a", "a"],
      ["EXISTS", "d"],
      ["SUNIONSTORE", "d", "nosuch"],
      ["EXISTS", "d"],
      ["SET", "d", "string"],
      ["EXPIRE", "d", "100"],
      ["SUNIONSTORE", "d", "i1"],
      ["TTL", "d"],
      ["TYPE", "d"],
      ["SINTERSTORE", "a", "a", "b"],
      ["~SMEMBERS", "a"],
      ["SET", "str", "v"],
      ["SINTER", "a", "str"],
      ["SINTER", "nosuch", "str"],
      ["SUNION", "a", "str"],
      ["SDIFF", "a", "str"],
      ["SDIFF", "nosuch", "str"],
      ["SINTERSTORE", "d", "str", "a"],
      ["SUNIONSTORE", "d", "a", "str"],
      ["SINTERSTORE", "str", "a", "b"],
      ["TYPE", "str"],
    ]);
  });
});

Deno.test("set algebra: SINTERCARD", async () => {
  await withPair(async (p) => {
    await same(p, [
      ["SADD", "a", "1", "2", "3", "4", "x"],
      ["SADD", "b", "3", "4", "5", "x", "y"],
      ["SINTERCARD", "2", "a", "b"],
      ["SINTERCARD", "2", "a", "b", "LIMIT", "0"],
      ["SINTERCARD", "2", "a", "b", "LIMIT", "2"],
      ["SINTERCARD", "2", "a", "b", "limit", "100"],
      ["SINTERCARD", "1", "a"],
      ["SINTERCARD", "2", "a", "nosuch"],
      ["SINTERCARD", "0", "a"],
      ["SINTERCARD", "-1", "a"],
      ["SINTERCARD", "x", "a"],
      ["SINTERCARD", "3", "a", "b"],
      ["SINTERCARD", "2", "a", "b", "LIMIT"],
      ["SINTERCARD", "2", "a", "b", "LIMIT", "-1"],
      ["SINTERCARD", "2", "a", "b", "LIMIT", "x"],
      ["SINTERCARD", "2", "a", "b", "FOO"],
      ["SINTERCARD", "1", "a", "b"],
      ["SET", "str", "v"],
      ["SINTERCARD", "2", "a", "str"],
      ["SINTERCARD", "2", "nosuch", "str"],
    ]);
  });
});

Deno.test("set algebra: randomized against redis-server", async () => {
  const rnd = prng(7);
  await withPair(async (p) => {
    const keys = ["k0", "k1", "k2", "k3", "k4", "missing"];
    const script: Script = [];
    for (let k = 0; k < 5; k++) {
      const size = [0, 3, 20, 150, 600][randInt(rnd, 5)];
      const ints = rnd() < 0.5;
      const members: string[] = [];
      for (let i = 0; i < size; i++) members.push(ints ? String(randInt(rnd, 800) - 100) : `m${randInt(rnd, 800)}`);
      if (members.length) script.push(["SADD", keys[k], ...members]);
    }
    for (let round = 0; round < 150; round++) {
      const n = 1 + randInt(rnd, 3);
      const args = Array.from({ length: n }, () => keys[randInt(rnd, keys.length)]);
      const op = randInt(rnd, 7);
      if (op === 0) script.push(["~SINTER", ...args]);
      else if (op === 1) script.push(["~SUNION", ...args]);
      else if (op === 2) script.push(["~SDIFF", ...args]);
      else if (op === 3) script.push(["SINTERCARD", n, ...args, "LIMIT", randInt(rnd, 5)]);
      else {
        const cmd = ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"][op - 4];
        script.push([cmd, "dst", ...args], ["~SMEMBERS", "dst"], ["SCARD", "dst"]);
      }
    }
    await same(p, script);
  });
});
