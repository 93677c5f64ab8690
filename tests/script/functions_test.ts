/**
 * Redis Functions against redis-server, byte for byte: FUNCTION LOAD (metadata, REPLACE, every
 * registration error), FCALL / FCALL_RO with keys and args, flags, FUNCTION LIST / DELETE / FLUSH /
 * STATS / KILL, and DUMP → RESTORE round trips (including Redis's own payload).
 */
import assert from "node:assert/strict";
import { assertSameReplies, differential, Oracle, type Script } from "../helpers/oracle.ts";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";

const LIB = "#!lua name=mylib\n" +
  "redis.register_function('f1', function(keys, args) return redis.call('get', keys[1]) end)\n" +
  "redis.register_function{function_name='f2', callback=function(keys, args) return {keys[1], args[1], #args} end," +
  " flags={'no-writes'}, description='desc'}\n";

async function same(script: Script): Promise<void> {
  assertSameReplies(script, await differential(script));
}

Deno.test("functions: LOAD, FCALL, FCALL_RO and their errors", async () => {
  await same([
    ["FUNCTION", "LOAD", LIB],
    ["SET", "key", "val"],
    ["FCALL", "f1", "1", "key"],
    ["FCALL", "f2", "1", "k", "a", "b"],
    ["FCALL_RO", "f2", "1", "k", "a"],
    ["FCALL_RO", "f1", "1", "key"],
    ["FCALL", "nosuch", "0"],
    ["FCALL", "f1", "5", "key"],
    ["FCALL", "f1", "-1"],
    ["FCALL", "f1", "x"],
    ["FUNCTION", "LOAD", LIB],
    ["FUNCTION", "LOAD", "REPLACE", LIB],
    ["FUNCTION", "LOAD", "return 1"],
    ["FUNCTION", "LOAD", "#!lua name=x\nreturn 1"],
    ["FUNCTION", "LOAD", "#!lua\nreturn 1"],
    ["FUNCTION", "LOAD", "#!lua name=a-b\nreturn 1"],
    ["FUNCTION", "LOAD", "#!lua name=x foo=bar\nreturn 1"],
    ["FUNCTION", "LOAD", "#!nosuch name=x\nreturn 1"],
    ["FUNCTION", "LOAD", "#!lua name=x\nredis.call('ping')"],
    ["FUNCTION", "LOAD", "#!lua name=x\nx = 1"],
    ["FUNCTION", "LOAD", "#!lua name=x\nreturn +"],
    ["FUNCTION", "LOAD", "#!lua name=y\nredis.register_function('f1', function() end)"],
    ["FUNCTION", "LOAD", "#!lua name=y\nredis.register_function('g', 1)"],
    ["FUNCTION", "LOAD", "#!lua name=y\nredis.register_function(1, function() end)"],
    ["FUNCTION", "LOAD", "#!lua name=y\nredis.register_function('g', function() end, 3)"],
    ["FUNCTION", "LOAD", "#!lua name=y\nredis.register_function{function_name='g'}"],
    ["FUNCTION", "LOAD", "#!lua name=y\nredis.register_function{callback=function() end}"],
    [
      "FUNCTION",
      "LOAD",
      "#!lua name=y\nredis.register_function{function_name='g', callback=function() end, flags={'x'}}",
    ],
    ["FUNCTION", "LOAD", "#!lua name=y\nredis.register_function{function_name='g', callback=function() end, foo=1}"],
    [
      "FUNCTION",
      "LOAD",
      "#!lua name=y\nredis.register_function('g', function() end)\nredis.register_function('g', function() end)",
    ],
    ["FUNCTION", "LOAD", "#!lua name=z\nredis.register_function('g', function(k, a) return foo end)"],
    ["FCALL", "g", "0"],
    [
      "FUNCTION",
      "LOAD",
      "#!lua name=w\nredis.register_function('w', function(k, a) return redis.call('set', k[1], a[1]) end)",
    ],
    ["FCALL", "w", "1", "wk", "wv"],
    ["GET", "wk"],
    ["FCALL_RO", "w", "1", "wk", "wv"],
    [
      "FUNCTION",
      "LOAD",
      "#!lua name=ro\nredis.register_function{function_name='rw', callback=function(k, a) return redis.call('set', k[1], 'x') end, flags={'no-writes'}}",
    ],
    ["FCALL", "rw", "1", "x"],
    ["FUNCTION", "STATS"],
    ["FUNCTION", "KILL"],
    ["FUNCTION", "DELETE", "nosuch"],
    ["FUNCTION", "DELETE", "z"],
    ["FCALL", "g", "0"],
    ["FUNCTION", "FLUSH", "bogus"],
    ["FUNCTION", "FLUSH", "SYNC"],
    ["FCALL", "f1", "1", "key"],
    ["FUNCTION", "STATS"],
  ]);
});

Deno.test("functions: LIST with WITHCODE and LIBRARYNAME", async () => {
  const one = "#!lua name=one\nredis.register_function{function_name='only', callback=function() return 1 end," +
    " flags={'allow-oom','no-writes'}, description='d'}";
  await same([
    ["FUNCTION", "LIST"],
    ["FUNCTION", "LOAD", one],
    ["FUNCTION", "LIST"],
    ["FUNCTION", "LIST", "WITHCODE"],
    ["FUNCTION", "LIST", "LIBRARYNAME", "o*"],
    ["FUNCTION", "LIST", "LIBRARYNAME", "x*"],
    ["FUNCTION", "LIST", "LIBRARYNAME"],
    ["FUNCTION", "LIST", "BOGUS"],
  ]);
});

Deno.test("functions: DUMP and RESTORE round trip, and Redis's payload loads here", async () => {
  const oracle = await Oracle.start();
  const redis = await RawClient.connect(oracle.port);
  try {
    await redis.call("FUNCTION", "LOAD", LIB);
    const payload = await redis.call("FUNCTION", "DUMP") as string;
    await withServer(async (_srv, c) => {
      assert.equal(await c.call("FUNCTION", "RESTORE", payload), "OK");
      await c.call("SET", "key", "v1");
      assert.equal(await c.call("FCALL", "f1", "1", "key"), "v1");
      const ours = await c.call("FUNCTION", "DUMP") as string;
      assert.match(await c.callRaw("FUNCTION", "RESTORE", ours), /^-ERR Library 'mylib' already exists/);
      assert.equal(await c.call("FUNCTION", "RESTORE", ours, "REPLACE"), "OK");
      assert.equal(await c.call("FUNCTION", "RESTORE", ours, "FLUSH"), "OK");
      assert.equal(await c.callRaw("FUNCTION", "RESTORE", "garbage"), "-ERR payload version or checksum are wrong\r\n");
      assert.match(await c.callRaw("FUNCTION", "RESTORE", ours, "BAD"), /^-ERR Wrong restore policy/);
      await c.call("FUNCTION", "FLUSH");
      assert.equal(await c.call("FUNCTION", "RESTORE", ours), "OK");
      // Redis 7.0 says "Library names…" here; newer versions (our target) name functions.
      assert.equal(
        await c.callRaw("FUNCTION", "LOAD", "#!lua name=y\nredis.register_function('bad-name', function() end)"),
        "-ERR Error registering functions: ERR Function names can only contain letters, numbers, or underscores(_)" +
          " and must be at least one character long\r\n",
      );
      // (Our payload carries RDB version 12, which the 7.0 oracle refuses, as Redis 8.2's would be.)
      assert.deepEqual(await c.call("FCALL", "f2", "1", "k", "a"), ["k", "a", 1]);
    });
  } finally {
    redis.close();
    await oracle.stop();
  }
});

Deno.test("functions: the RDB persistence hooks save and restore library sources", async () => {
  const { functionsPersistence } = await import("../../src/script/loader.ts");
  await withServer(async (srv, c) => {
    assert.equal(await c.call("FUNCTION", "LOAD", LIB), "mylib");
    const codes = functionsPersistence.codes(srv.server);
    assert.deepEqual(codes, [LIB]);
    await c.call("FUNCTION", "FLUSH");
    assert.equal(functionsPersistence.restore(srv.server, codes), undefined);
    await c.call("SET", "key", "restored");
    assert.equal(await c.call("FCALL", "f1", "1", "key"), "restored");
    assert.match(functionsPersistence.restore(srv.server, ["return 1"])!, /Missing library metadata/);
  });
});

Deno.test({
  name: "SCRIPT HELP and FUNCTION HELP match redis-server",
  ignore: !(await import("../helpers/oracle.ts")).haveRedis(),
  async fn() {
    const script: Script = [["SCRIPT", "HELP"], ["FUNCTION", "HELP"], ["script", "help"], ["FUNCTION", "HELP", "x"]];
    assertSameReplies(script, await differential(script));
  },
});
