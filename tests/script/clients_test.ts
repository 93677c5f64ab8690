/**
 * Scripting through real clients: ioredis defineCommand (EVALSHA with its NOSCRIPT → EVAL fallback),
 * explicit evalsha/script load, script errors as rejected promises, FUNCTION LOAD + FCALL, and a
 * blocking command inside a script answering at once instead of blocking.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { startServer } from "../../src/mod.ts";

Deno.test("script: ioredis defineCommand, evalsha, errors and functions", async () => {
  const srv = await startServer();
  const r = new Redis({ port: srv.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await r.connect();
    r.defineCommand("incrCapped", {
      numberOfKeys: 1,
      lua: "local v = redis.call('incr', KEYS[1]) if v > tonumber(ARGV[1]) then " +
        "redis.call('set', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end return v",
    });
    // deno-lint-ignore no-explicit-any
    const rr = r as any;
    assert.equal(await rr.incrCapped("cnt", 2), 1);
    assert.equal(await rr.incrCapped("cnt", 2), 2);
    assert.equal(await rr.incrCapped("cnt", 2), 2);
    // After SCRIPT FLUSH, ioredis's EVALSHA gets NOSCRIPT and falls back to EVAL transparently.
    assert.equal(await r.script("FLUSH"), "OK");
    assert.equal(await rr.incrCapped("cnt", 5), 3);

    const sha = await r.script("LOAD", "return {KEYS[1], ARGV[1], 42, {ok='x'}}") as string;
    assert.deepEqual(await r.evalsha(sha, 1, "k", "a"), ["k", "a", 42, "x"]);
    assert.deepEqual(await r.script("EXISTS", sha, "0".repeat(40)), [1, 0]);
    await assert.rejects(r.eval("return redis.call('nosuch')", 0), /Unknown Redis command called from script/);
    await assert.rejects(r.evalsha("0".repeat(40), 0), /NOSCRIPT/);

    // A blocking command inside a script does not block: BLPOP on an empty list returns nil.
    assert.equal(await r.eval("return redis.call('blpop', 'empty', 0)", 0), null);
    assert.equal(
      await r.eval("redis.call('rpush', 'l', 'x') return redis.call('blpop', 'l', 0)", 0).then(String),
      "l,x",
    );

    assert.equal(
      await r.call(
        "FUNCTION",
        "LOAD",
        "#!lua name=lib\nredis.register_function('hello', function(keys, args) return 'hi ' .. args[1] end)",
      ),
      "lib",
    );
    assert.equal(await r.call("FCALL", "hello", "0", "bob"), "hi bob");
    assert.equal(
      await r.call("FCALL_RO", "hello", "0", "bob").catch((e: Error) => e.message).then(String),
      "ERR Can not execute a script with write flag using *_ro command.",
    );
  } finally {
    r.disconnect();
    await srv.close();
  }
});

Deno.test("script: scripts are atomic and see the caller's database", async () => {
  const srv = await startServer();
  const a = new Redis({ port: srv.port, host: "127.0.0.1", lazyConnect: true, db: 3 });
  try {
    await a.connect();
    await a.set("k", "in-db-3");
    assert.equal(await a.eval("return redis.call('get', 'k')", 0), "in-db-3");
    // SELECT inside a script does not change the caller's database.
    assert.equal(await a.eval("redis.call('select', 0) return redis.call('get', 'k')", 0), null);
    assert.equal(await a.get("k"), "in-db-3");
    // Many concurrent scripts: each read-modify-write is atomic.
    const script =
      "local v = tonumber(redis.call('get', KEYS[1]) or '0') redis.call('set', KEYS[1], v + 1) return v + 1";
    await Promise.all(Array.from({ length: 200 }, () => a.eval(script, 1, "counter")));
    assert.equal(await a.get("counter"), "200");
  } finally {
    a.disconnect();
    await srv.close();
  }
});
