/**
 * Keyspace events of the set commands, compared with the events redis-server publishes for the same
 * script (event name and key, in order), and the class letter of each ("s" for set events, "g" for
 * del). Also WATCH-style invalidation: each write that changes a set fires keyModified for it.
 */
import assert from "node:assert/strict";
import { sameEvents, withPair } from "./helpers.ts";
import { withServer } from "../helpers/server.ts";

const classOf = (e: string) => (e === "del" ? "g" : "s");

Deno.test("set events match redis-server", async () => {
  await withPair(async (p) => {
    await sameEvents(p, [
      ["SADD", "s", "a", "b", "c"],
      ["SADD", "s", "a"],
      ["SREM", "s", "zz"],
      ["SREM", "s", "a"],
      ["SREM", "s", "b", "c", "d"],
      ["SADD", "s", "1", "2", "3", "4"],
      ["SMOVE", "s", "t", "1"],
      ["SMOVE", "s", "t", "1"],
      ["SMOVE", "s", "s", "2"],
      ["SADD", "t", "2"],
      ["SMOVE", "t", "s", "2"],
      ["SMOVE", "t", "s", "1"],
      ["SPOP", "nosuch"],
      ["!SPOP", "s"],
      ["SPOP", "s", "0"],
      ["!SPOP", "s", "1"],
      ["!SPOP", "s", "10"],
      ["SADD", "x", "1", "2", "3"],
      ["SADD", "y", "3", "4"],
      ["SINTERSTORE", "d", "x", "y"],
      ["SINTERSTORE", "d", "x", "nosuch"],
      ["SINTERSTORE", "d", "x", "nosuch"],
      ["SUNIONSTORE", "d", "x", "y"],
      ["SDIFFSTORE", "d", "x", "y"],
      ["SDIFFSTORE", "d", "x", "x"],
      ["SUNIONSTORE", "x", "x", "y"],
      ["SINTER", "x", "y"],
      ["!SRANDMEMBER", "x", "2"],
    ], classOf);
  });
});

Deno.test("set writes signal key modifications (WATCH / client tracking hook)", async () => {
  await withServer(async (srv, c) => {
    const touched: string[] = [];
    srv.server.keyModifiedHooks.push((_db, key) => touched.push(key));
    const expect = async (cmd: string[], keys: string[]) => {
      touched.length = 0;
      await c.call(...cmd);
      assert.deepEqual([...new Set(touched)].sort(), [...keys].sort(), cmd.join(" "));
    };
    await expect(["SADD", "s", "a", "b"], ["s"]);
    await expect(["SADD", "s", "a"], []);
    await expect(["SREM", "s", "zz"], []);
    await expect(["SREM", "s", "a"], ["s"]);
    await expect(["SMOVE", "s", "t", "b"], ["s", "t"]);
    await expect(["SMOVE", "s", "t", "b"], []);
    await expect(["SADD", "u", "1", "2", "3"], ["u"]);
    await expect(["SPOP", "u"], ["u"]);
    await expect(["SPOP", "u", "1"], ["u"]);
    await expect(["SINTERSTORE", "d", "t", "t"], ["d"]);
    await expect(["SINTER", "d", "t"], []);
    await expect(["SUNIONSTORE", "d", "nosuch"], ["d"]);
  });
});
