/**
 * DEBUG: POPULATE's key/value layout against redis-server (prefixes, sizes, NUL padding, existing keys,
 * errors) and its speed, OBJECT's line, PROTOCOL in RESP2/RESP3, SLEEP blocking the server,
 * SET-ACTIVE-EXPIRE, ERROR/LOG, HELP, and the subcommand errors.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { assertSameReplies, differential, type Script } from "../helpers/oracle.ts";

const DEBUG_ON = { config: { "enable-debug-command": "yes" } };

Deno.test("debug populate: the same keys and values as redis-server", async () => {
  const longPrefix = "p".repeat(200);
  const script: Script = [
    ["DEBUG", "POPULATE", "5"],
    ...[0, 1, 2, 3, 4, 5].map((j) => ["GET", `key:${j}`]),
    ["DEBUG", "POPULATE", "3", "pre", "12"],
    ...[0, 1, 2].map((j) => ["GET", `pre:${j}`]),
    ["DEBUG", "POPULATE", "2", "short", "3"],
    ["GET", "short:0"],
    ["GET", "short:1"],
    ["DEBUG", "POPULATE", "1", "zero", "0"],
    ["GET", "zero:0"],
    ["SET", "key:1", "mine"],
    ["DEBUG", "POPULATE", "3"],
    ["GET", "key:1"],
    ["DEBUG", "POPULATE", "2", longPrefix],
    ["GET", "p".repeat(127)],
    ["GET", longPrefix + ":0"],
    ["DEBUG", "POPULATE", "1", "nul\x00tail", "9"],
    ["GET", "nul:0"],
    ["DEBUG", "POPULATE", "0"],
    ["DEBUG", "POPULATE", "-1"],
    ["DEBUG", "POPULATE", "abc"],
    ["DEBUG", "POPULATE", "1", "x", "abc"],
    ["DEBUG", "POPULATE", "1", "x", "-1"],
    ["DEBUG", "POPULATE"],
    ["DEBUG", "POPULATE", "1", "x", "1", "extra"],
  ];
  assertSameReplies(script, await differential(script, DEBUG_ON));
});

Deno.test("debug populate: a million keys in a couple of seconds (or close to a bare Map's speed)", async () => {
  // This machine may be shared and loaded: compare with the same work on a plain Map, measured here.
  const t0 = performance.now();
  const plain = new Map<string, string>();
  for (let j = 0; j < 1_000_000; j++) plain.set("key:" + j, "value:" + j);
  const baseline = performance.now() - t0;
  plain.clear();
  await withServer(async (srv, c) => {
    const start = performance.now();
    await c.send("DEBUG", "POPULATE", 1_000_000);
    assert.equal(await c.readRaw(60_000), "+OK\r\n");
    const ms = performance.now() - start;
    assert.equal(srv.server.dbs[0].size, 1_000_000);
    assert.equal(await c.call("GET", "key:999999"), "value:999999");
    // A sanity bound only (timings belong to bench/): far below what a per-key slow path would take.
    assert.ok(ms < Math.max(5000, 3 * baseline), `took ${ms.toFixed(0)} ms (a plain Map: ${baseline.toFixed(0)} ms)`);
  }, DEBUG_ON);
});

Deno.test("debug object: refcount, encoding and serialized length like redis-server", async () => {
  const incompressible = Array.from({ length: 45 }, (_, i) => String.fromCharCode(48 + i)).join("");
  const script: Script = [
    ["SET", "small", "1"],
    ["SET", "shared-max", "9999"],
    ["SET", "unshared", "10000"],
    ["SET", "neg", "-5"],
    ["SET", "i16", "1000000"],
    ["SET", "big", "12345678901"],
    ["SET", "str", "hello"],
    ["SET", "raw", incompressible],
    ["SET", "empty", ""],
    ...["small", "shared-max", "unshared", "neg", "i16", "big", "str", "raw", "empty"].map((
      k,
    ) => ["DEBUG", "OBJECT", k]),
    ["DEBUG", "OBJECT", "missing"],
  ];
  const r = await differential(script, DEBUG_ON);
  const norm = (s: string) =>
    s.replace(/Value at:0x[0-9a-f]+/, "Value at:X").replace(/ lru:\d+ lru_seconds_idle:\d+/, "");
  assertSameReplies(script, { ours: r.ours.map(norm), redis: r.redis.map(norm) });
  assert.match(
    r.ours[9],
    /^\+Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\d+ lru_seconds_idle:\d+\r\n$/,
  );
});

Deno.test("debug object: lru_seconds_idle follows the clock", async () => {
  await withServer(async (srv, c) => {
    await c.call("SET", "k", "some value");
    srv.server.clock.offsetMs += 42_000;
    srv.server.refreshLruClock(); // what the next cron tick would do
    const line = await c.call("DEBUG", "OBJECT", "k") as string;
    assert.match(line, /encoding:embstr serializedlength:11 lru:\d+ lru_seconds_idle:42$/);
    const lru = Number(/ lru:(\d+)/.exec(line)![1]);
    assert.equal(lru, (Math.floor(Date.now() / 1000)) & 0xffffff);
  }, DEBUG_ON);
});

Deno.test("debug protocol: every type in RESP2 and RESP3 like redis-server", async () => {
  const types = ["string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push", "verbatim"];
  const all = [...types, "true", "false", "nosuchtype"];
  const script: Script = [
    ...all.map((t) => ["DEBUG", "PROTOCOL", t]),
    ["HELLO", "3"],
    ...all.map((t) => ["DEBUG", "PROTOCOL", t]),
  ];
  const r = await differential(script, DEBUG_ON);
  const hello = all.length;
  r.ours[hello] = r.redis[hello] = "";
  // RESP3 push: the push frame and the real reply arrive as two replies; replay reads one per command,
  // so the trailing reply shows up as the next command's. Comparing all of them byte for byte covers it.
  assertSameReplies(script, r);
});

Deno.test("debug sleep blocks the server; set-active-expire toggles the active cycle", async () => {
  await withServer(async (srv, c) => {
    const other = await RawClient.connect(srv.port);
    const start = performance.now();
    const sleeping = c.call("DEBUG", "SLEEP", "0.3");
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await other.call("PING"), "PONG");
    const pingDone = performance.now() - start;
    assert.equal(await sleeping, "OK");
    assert.ok(pingDone >= 280, `PING answered after ${pingDone.toFixed(0)} ms`);
    assert.equal(await c.call("DEBUG", "SLEEP", "0"), "OK");
    assert.equal(await c.call("DEBUG", "SLEEP", "abc"), "OK");

    assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "OK");
    assert.equal(srv.server.activeExpireEnabled, false);
    assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"), "OK");
    assert.equal(srv.server.activeExpireEnabled, true);
    other.close();
  }, DEBUG_ON);
});

Deno.test("debug: unknown subcommands and wrong argument counts like redis-server", async () => {
  const script: Script = [
    ["DEBUG", "nosuch"],
    ["DEBUG", "object"],
    ["DEBUG", "sleep"],
    ["DEBUG", "help", "extra"],
    ["DEBUG", "set-active-expire", "2"],
    ["DEBUG", "set-active-expire", "1"],
    ["DEBUG", "ERROR", "CUSTOM something\r\nbad"],
    ["DEBUG", "LOG", "hello log"],
    ["DEBUG"],
  ];
  assertSameReplies(script, await differential(script, DEBUG_ON));
});

Deno.test("debug help and the protection of enable-debug-command", async () => {
  await withServer(async (_srv, c) => {
    const help = await c.call("DEBUG", "HELP") as string[];
    assert.equal(help[0], "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (const s of ["OBJECT <key>", "POPULATE <count> [<prefix>] [<size>]", "SLEEP <seconds>", "PROTOCOL <type>"]) {
      assert.ok(help.includes(s), s);
    }
  }, DEBUG_ON);
  await withServer(async (_srv, c) => {
    const r = await c.call("DEBUG", "SLEEP", "0") as { error: string };
    assert.match(r.error, /^ERR DEBUG command not allowed/);
  }, { config: { "enable-debug-command": "no" } });
});
