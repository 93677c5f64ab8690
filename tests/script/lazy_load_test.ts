/**
 * The Lua engine loads lazily (src/script/loader.ts): a fresh server has not loaded fengari, and
 * the first command that needs it (EVAL, SCRIPT LOAD, FUNCTION LOAD…) waits for the import while
 * the client's pipeline keeps its order. Fresh servers run as child processes, since in-process the
 * test runner may have loaded the engine already through other tests.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { dataMayNeedLua, headHasFunctions } from "../../src/script/preload.ts";
import { encodeCommand, pipeline, RawClient } from "../helpers/resp.ts";
import { ChildServer } from "../helpers/server.ts";

const LIB = "#!lua name=lazylib\nredis.register_function('getk', function(keys) return redis.call('get', keys[1]) end)";
const BASE_ARGS = ["--save", "", "--enable-debug-command", "yes"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` against a fresh child server (in `cwd` when given) with one connected client. */
async function withChild(
  fn: (c: RawClient, child: ChildServer) => Promise<void>,
  opts: { cwd?: string; args?: string[] } = {},
): Promise<void> {
  const child = await ChildServer.spawn([...BASE_ARGS, ...(opts.args ?? [])], { cwd: opts.cwd });
  const c = await RawClient.connect(child.port);
  try {
    await fn(c, child);
  } finally {
    c.close();
    await child.stop();
  }
}

/** Resident set size of a process in bytes (through `ps`: reading another process's /proc needs -A). */
function rssOf(pid: number): number {
  const out = new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)], stdout: "piped" }).outputSync();
  const kb = Number(new TextDecoder().decode(out.stdout).trim());
  if (!(kb > 0)) throw new Error("no RSS for " + pid);
  return kb * 1024;
}

Deno.test("lazy Lua: a pipeline around the first EVAL keeps its order", async () => {
  await withChild(async (c) => {
    const replies = await pipeline(c, [
      ["SET", "a", "1"],
      ["EVAL", "return redis.call('get','a')", "0"],
      ["SET", "a", "2"],
      ["GET", "a"],
      ["PING"],
    ]);
    assert.deepEqual(replies, ["+OK\r\n", "$1\r\n1\r\n", "+OK\r\n", "$1\r\n2\r\n", "+PONG\r\n"]);
  });
});

Deno.test("lazy Lua: EVAL queued in MULTI runs at EXEC", async () => {
  await withChild(async (c) => {
    const replies = await pipeline(c, [
      ["MULTI"],
      ["SET", "a", "1"],
      ["EVAL", "return redis.call('incr','a')", "0"],
      ["GET", "a"],
      ["EXEC"],
      ["PING"],
    ]);
    assert.deepEqual(replies, [
      "+OK\r\n",
      "+QUEUED\r\n",
      "+QUEUED\r\n",
      "+QUEUED\r\n",
      "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n",
      "+PONG\r\n",
    ]);
  });
});

Deno.test("lazy Lua: clients issuing EVAL at the same time all get answers", async () => {
  await withChild(async (c, child) => {
    const others = await Promise.all([1, 2, 3].map(() => RawClient.connect(child.port)));
    try {
      const all = [c, ...others];
      await Promise.all(all.map((x, i) => x.write(encodeCommand(["EVAL", "return ARGV[1]", "0", `client${i}`]))));
      const replies = await Promise.all(all.map((x) => x.read(15000)));
      assert.deepEqual(replies, ["client0", "client1", "client2", "client3"]);
      // SCRIPT LOAD, EVALSHA and SCRIPT EXISTS after the engine is loaded.
      const sha = await c.call("SCRIPT", "LOAD", "return 'x'");
      assert.equal(await c.call("EVALSHA", sha as string, "0"), "x");
      assert.deepEqual(await c.call("SCRIPT", "EXISTS", sha as string), [1]);
    } finally {
      for (const x of others) x.close();
    }
  });
});

Deno.test("lazy Lua: commands that need no engine answer from empty registries", async () => {
  await withChild(async (c) => {
    assert.deepEqual(await c.call("SCRIPT", "EXISTS", "a".repeat(40)), [0]);
    assert.match(await c.callRaw("EVALSHA", "a".repeat(40), "0"), /^-NOSCRIPT /);
    assert.equal(await c.callRaw("FCALL", "nope", "0"), "-ERR Function not found\r\n");
    assert.deepEqual(await c.call("FUNCTION", "LIST"), []);
    assert.equal(await c.call("SCRIPT", "FLUSH"), "OK");
    assert.equal(await c.call("FUNCTION", "FLUSH"), "OK");
    assert.match(await c.callRaw("FUNCTION", "DELETE", "x"), /^-ERR Library not found/);
    const info = await c.call("INFO", "memory") as string;
    assert.match(info, /number_of_cached_scripts:0\r\n/);
    assert.match(info, /number_of_functions:0\r\n/);
    // A FUNCTION RESTORE of a dump from another server loads the engine first.
    const dump = await c.call("FUNCTION", "DUMP") as string;
    assert.equal(await c.call("FUNCTION", "RESTORE", dump), "OK");
  });
});

Deno.test("lazy Lua: CLIENT PAUSE still holds a first EVAL, which runs after it", async () => {
  await withChild(async (c, child) => {
    const b = await RawClient.connect(child.port);
    try {
      assert.equal(await b.call("CLIENT", "PAUSE", "300", "ALL"), "OK");
      const t0 = Date.now();
      assert.deepEqual(await pipeline(c, [["EVAL", "return 7", "0"], ["PING"]]), [":7\r\n", "+PONG\r\n"]);
      assert.ok(Date.now() - t0 >= 250, "the EVAL waited for the pause");
    } finally {
      b.close();
    }
  });
});

Deno.test("lazy Lua: FUNCTION LOAD, DEBUG RELOAD, FCALL; a restart on the RDB serves FCALL", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "redeno-lazy-" });
  try {
    await withChild(async (c) => {
      assert.deepEqual(await pipeline(c, [["FUNCTION", "LOAD", LIB], ["SET", "k", "v"]]), [
        "$7\r\nlazylib\r\n",
        "+OK\r\n",
      ]);
      assert.equal(await c.call("DEBUG", "RELOAD"), "OK");
      assert.equal(await c.call("FCALL", "getk", "1", "k"), "v");
      assert.equal(await c.call("SAVE"), "OK");
    }, { cwd: dir });
    // The RDB holds a FUNCTION2 record: startup loads the engine before loading it.
    await withChild(async (c) => {
      assert.equal(await c.call("FCALL", "getk", "1", "k"), "v");
      const info = await c.call("INFO", "memory") as string;
      assert.match(info, /number_of_functions:1\r\n/);
      assert.match(info, /number_of_libraries:1\r\n/);
    }, { cwd: dir });
    // A server started without the file, then DEBUG RELOAD NOSAVE of it: the engine is not loaded,
    // so the reload fails (data untouched) and starts loading it; a retry works.
    const other = Deno.makeTempDirSync({ prefix: "redeno-lazy-" });
    try {
      await withChild(async (c, child) => {
        assert.equal(await c.call("SET", "keep", "1"), "OK");
        Deno.copyFileSync(`${dir}/dump.rdb`, `${other}/dump.rdb`);
        assert.equal(
          await c.callRaw("DEBUG", "RELOAD", "NOSAVE"),
          "-ERR Error trying to load the RDB dump, check server logs.\r\n",
        );
        assert.equal(await c.call("GET", "keep"), "1");
        assert.match(child.output, /Failed loading library: ERR the Lua engine was not loaded yet/);
        let r = "";
        for (let i = 0; i < 100; i++) {
          r = await c.callRaw("DEBUG", "RELOAD", "NOSAVE");
          if (r === "+OK\r\n") break;
          await sleep(50);
        }
        assert.equal(r, "+OK\r\n");
        assert.equal(await c.call("FCALL", "getk", "1", "k"), "v");
      }, { cwd: other });
    } finally {
      Deno.removeSync(other, { recursive: true });
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("lazy Lua: a fresh server loads fengari only at the first EVAL", async () => {
  await withChild(async (c, child) => {
    // Let startup settle, and run a few ordinary commands first.
    await sleep(1500);
    for (let i = 0; i < 50; i++) await c.call("SET", `k${i}`, "v");
    await sleep(300);
    const before = rssOf(child.proc.pid);
    assert.equal(await c.call("EVAL", "return 1", "0"), 1);
    await sleep(300);
    const after = rssOf(child.proc.pid);
    assert.ok(
      after - before >= 5 * 1024 * 1024,
      `RSS grew by ${((after - before) / 1048576).toFixed(1)} MB at the first EVAL (expected >= 5 MB)`,
    );
  });
});

Deno.test("lazy Lua: startup preloads the engine only for data that may need it", async () => {
  assert.equal(headHasFunctions(new TextEncoder().encode("REDIS0012\xff")), false);
  assert.equal(headHasFunctions(new TextEncoder().encode("REDIS0012")), null);
  const dir = Deno.makeTempDirSync({ prefix: "redeno-lazy-" });
  try {
    const srv = await startServer({ config: { dir, save: "" } });
    const c = await RawClient.connect(srv.port);
    try {
      assert.equal(dataMayNeedLua(srv.server), false); // no dump.rdb
      await c.call("SET", "a", "1");
      await c.call("SAVE");
      assert.equal(dataMayNeedLua(srv.server), false); // keys only
      await c.call("FUNCTION", "LOAD", LIB);
      await c.call("SAVE");
      assert.equal(dataMayNeedLua(srv.server), true); // a FUNCTION2 record
    } finally {
      c.close();
      await srv.close();
    }
    const aofDir = Deno.makeTempDirSync({ prefix: "redeno-lazy-" });
    try {
      const aof = await startServer({ config: { dir: aofDir, save: "", appendonly: "yes" } });
      const d = await RawClient.connect(aof.port);
      try {
        assert.equal(dataMayNeedLua(aof.server), false); // empty base, empty incr
        await d.call("SET", "a", "1");
        assert.equal(dataMayNeedLua(aof.server), true); // commands are not scanned
      } finally {
        d.close();
        await aof.close();
      }
    } finally {
      Deno.removeSync(aofDir, { recursive: true });
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
