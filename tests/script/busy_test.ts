/**
 * Busy scripts: past busy-reply-threshold a script lets the event loop serve other clients, which get
 * -BUSY except for the allow-busy commands; SCRIPT KILL / FUNCTION KILL stop a script that has not
 * written (UNKILLABLE otherwise), SHUTDOWN NOSAVE ends the server. The script stays atomic: blocked
 * clients, timeouts and the caller's own pipeline wait for it. Reply texts are compared with
 * redis-server 7.0 when it is installed.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { encodeCommand, RawClient } from "../helpers/resp.ts";
import { ChildServer } from "../helpers/server.ts";
import { haveRedis, Oracle } from "../helpers/oracle.ts";

const LOOP = "while true do end";
const LOOP_SHA = "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7";
/** Writes a key, then runs for `s` - 1 to `s` seconds (TIME-bounded: it cannot be killed). */
const writeThenRun = (s: number) =>
  `redis.call('set', KEYS[1], 'v') local t = redis.call('time')[1] ` +
  `while redis.call('time')[1] - t < ${s} do end return 'done'`;
const LIB = [
  "#!lua name=busylib",
  "redis.register_function('spin', function(keys, args)",
  "  while true do end",
  "end)",
].join("\n");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends PING on `c` until the server answers -BUSY (the script passed the threshold). */
async function waitBusy(c: RawClient): Promise<string> {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const r = await c.callRaw("PING");
    if (r.startsWith("-BUSY")) return r;
    await sleep(10);
  }
  throw new Error("the script never became busy");
}

/** The replies of one busy-script session, for comparison with redis-server. */
async function transcript(port: number): Promise<string[]> {
  const a = await RawClient.connect(port);
  const b = await RawClient.connect(port);
  const out: string[] = [];
  const rec = (label: string, r: string) =>
    out.push(`${label} ${r.replace(/duration_ms\r\n:\d+/, "duration_ms\r\n:N")}`);
  try {
    rec("config", await b.callRaw("CONFIG", "SET", "busy-reply-threshold", "100"));
    rec("flush", await b.callRaw("FLUSHALL"));
    rec("resetstat", await b.callRaw("CONFIG", "RESETSTAT"));
    rec("load", await b.callRaw("FUNCTION", "LOAD", "REPLACE", LIB));
    rec("notbusy", await b.callRaw("SCRIPT", "KILL"));
    rec("notbusy", await b.callRaw("FUNCTION", "KILL"));

    // An EVAL busy loop, with a PING pipelined behind it on the same connection.
    await a.write(encodeCommand(["EVAL", LOOP, "0"]) + encodeCommand(["PING"]));
    rec("busy", await waitBusy(b));
    for (
      const cmd of [
        ["GET", "x"],
        ["NOSUCHCOMMAND"],
        ["GET"],
        ["FUNCTION", "KILL"],
        ["FUNCTION", "STATS"],
        ["SHUTDOWN"],
        ["SHUTDOWN", "SAVE"],
        ["SHUTDOWN", "ABORT"],
        ["SHUTDOWN", "BOGUS"],
        ["AUTH", "nopass"],
        ["CLIENT", "SETNAME", "x"],
        ["WATCH", "x"],
        ["UNWATCH"],
        ["MULTI"],
        ["SET", "x", "1"],
        ["EXEC"],
        ["DISCARD"],
      ]
    ) rec(cmd.join(" "), await b.callRaw(...cmd));
    rec("kill", await b.callRaw("SCRIPT", "KILL"));
    rec("caller", await a.readRaw());
    rec("caller pipelined", await a.readRaw());
    rec("after", await b.callRaw("PING"));
    rec("notbusy", await b.callRaw("SCRIPT", "KILL"));

    // pcall cannot swallow the kill error for long: it is raised again on the next line.
    await a.send("EVAL", `local ok, e = pcall(function() ${LOOP} end)\n${LOOP}`, "0");
    rec("busy", await waitBusy(b));
    rec("kill", await b.callRaw("SCRIPT", "KILL"));
    rec("caller", await a.readRaw());
    // … but on the same line the script goes on with the error.
    await a.send("EVAL", `local ok, e = pcall(function() ${LOOP} end) return {ok and 1 or 0, e}`, "0");
    rec("busy", await waitBusy(b));
    rec("kill", await b.callRaw("SCRIPT", "KILL"));
    rec("caller", await a.readRaw());
    // Killed inside a coroutine of the script: the error comes out of it.
    await a.send("EVAL", `local f = coroutine.wrap(function() ${LOOP} end) f() return 1`, "0");
    rec("busy", await waitBusy(b));
    rec("kill", await b.callRaw("SCRIPT", "KILL"));
    rec("caller", await a.readRaw());

    // A function: FUNCTION KILL (not SCRIPT KILL) stops it; FUNCTION STATS shows it.
    await a.send("FCALL", "spin", "1", "k", "arg");
    rec("busy", await waitBusy(b));
    rec("script kill", await b.callRaw("SCRIPT", "KILL"));
    rec("stats", await b.callRaw("FUNCTION", "STATS"));
    rec("function kill", await b.callRaw("FUNCTION", "KILL"));
    rec("caller", await a.readRaw());

    // A script that wrote cannot be killed; it finishes, then everything goes on.
    await a.send("EVAL", writeThenRun(3), "1", "w");
    rec("busy", await waitBusy(b));
    rec("script kill", await b.callRaw("SCRIPT", "KILL"));
    rec("function kill", await b.callRaw("FUNCTION", "KILL"));
    rec("caller", await a.readRaw(5000));
    rec("get", await b.callRaw("GET", "w"));
    // Each script counted once, when it ended.
    const stats = String(await b.call("INFO", "commandstats"));
    for (const name of ["eval", "fcall", "script|kill", "function|kill", "function|stats", "shutdown"]) {
      const m = stats.match(
        new RegExp(`cmdstat_${name.replace("|", "\\|")}:calls=(\\d+),usec=\\d+,usec_per_call=[\\d.]+,(.*)\r\n`),
      );
      rec(`stats ${name}`, m ? `calls=${m[1]},${m[2]}` : "none");
    }
  } finally {
    a.close();
    b.close();
  }
  return out;
}

Deno.test("busy: BUSY replies, allowed commands, SCRIPT KILL / FUNCTION KILL, UNKILLABLE", async () => {
  const srv = await startServer();
  const warnings: string[] = [];
  const log = srv.server.log;
  const original = log.warning.bind(log);
  log.warning = (msg: string) => {
    warnings.push(msg);
    original(msg);
  };
  try {
    const t = await transcript(srv.port);
    const get = (label: string) => t.filter((l) => l.startsWith(label + " "));
    assert.deepEqual(
      get("busy"),
      Array(6).fill(
        "busy -BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
      ).map((s, i) => i === 4 ? s.replace("SCRIPT KILL", "FUNCTION KILL") : s),
    );
    assert.deepEqual(get("notbusy")[0], "notbusy -NOTBUSY No scripts in execution right now.\r\n");
    assert.deepEqual(
      get("caller")[0],
      `caller -ERR Script killed by user with SCRIPT KILL... script: ${LOOP_SHA}, on @user_script:1.\r\n`,
    );
    assert.deepEqual(get("caller pipelined"), ["caller pipelined +PONG\r\n"]);
    assert.ok(t.includes("MULTI +OK\r\n"));
    assert.ok(t.includes("function kill +OK\r\n"));
    assert.ok(
      t.includes(
        "stats *4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*5\r\n" +
          "$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n1\r\n$1\r\nk\r\n$3\r\narg\r\n$11\r\nduration_ms\r\n:N\r\n" +
          "$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:1\r\n",
      ),
    );
    assert.ok(
      t.includes(
        "script kill -UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n",
      ),
    );
    assert.ok(t.includes("caller $4\r\ndone\r\n"));
    assert.ok(t.includes("get $1\r\nv\r\n"));
    const slow = warnings.filter((w) => w.startsWith("Slow script detected"));
    assert.equal(slow.length, 6);
    assert.match(
      slow[0],
      /^Slow script detected: still in execution after \d+ milliseconds\. You can try killing the script using the SCRIPT KILL command\. Script name is: [0-9a-f]{40}\.$/,
    );
    assert.match(slow[4], /using the FUNCTION KILL command\. Script name is: spin\.$/);
    assert.ok(t.includes("stats eval calls=5,rejected_calls=0,failed_calls=3"));
  } finally {
    await srv.close();
  }
});

Deno.test({
  name: "busy: replies match redis-server 7.0",
  ignore: !haveRedis(),
  fn: async () => {
    const oracle = await Oracle.start();
    const srv = await startServer();
    try {
      const theirs = await transcript(oracle.port);
      const ours = await transcript(srv.port);
      assert.deepEqual(ours, theirs);
    } finally {
      await srv.close();
      await oracle.stop();
    }
  },
});

Deno.test("busy: blocked clients, timeouts and MULTI wait for the script", async () => {
  const srv = await startServer({ config: { "busy-reply-threshold": 100 } });
  const a = await RawClient.connect(srv.port);
  const b = await RawClient.connect(srv.port);
  const c = await RawClient.connect(srv.port);
  const d = await RawClient.connect(srv.port);
  try {
    // c waits on q; the script pushes to q and keeps running: c is served only after the script.
    // d's timeout (0.2 s) falls inside the script: its null reply also waits.
    await c.send("BLPOP", "q", "0");
    await d.send("BLPOP", "other", "0.2");
    await sleep(20);
    const arrival = (x: RawClient) => x.readRaw(5000).then((r) => [r, performance.now()] as const);
    const replies = [arrival(a), arrival(c), arrival(d)];
    await a.send("EVAL", "redis.call('lpush', KEYS[1], 'x') " + writeThenRun(3).replace("KEYS[1]", "'w'"), "1", "q");
    await waitBusy(b);
    const busyAt = performance.now();
    const [[ra, ta], [rc, tc], [rd, td]] = await Promise.all(replies);
    assert.equal(ra, "$4\r\ndone\r\n");
    assert.equal(rc, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
    assert.equal(rd, "*-1\r\n");
    // The script ran at least half a second more after it was seen busy; nobody was served before.
    assert.ok(ta - busyAt > 500, `script ended ${ta - busyAt} ms after busy`);
    assert.ok(tc >= ta - 50 && td >= ta - 50, `c at ${tc - ta} ms, d at ${td - ta} ms from the script's reply`);
    // Inside MULTI/EXEC a slow script never yields: other clients simply wait (no BUSY).
    assert.equal(await a.callRaw("MULTI"), "+OK\r\n");
    assert.equal(
      await a.callRaw("EVAL", "local t = 0 for i = 1, 1500000 do t = t + i end return 1", "0"),
      "+QUEUED\r\n",
    );
    await a.send("EXEC");
    await sleep(20);
    assert.equal(await b.callRaw("PING"), "+PONG\r\n");
    assert.equal(await a.readRaw(), "*1\r\n:1\r\n");
    // A fast script neither warns nor yields.
    assert.equal(await a.callRaw("EVAL", "return 2", "0"), ":2\r\n");
  } finally {
    for (const x of [a, b, c, d]) x.close();
    await srv.close();
  }
});

Deno.test("busy: SHUTDOWN NOSAVE stops a server whose script cannot be killed", async () => {
  const child = await ChildServer.spawn(["--save", "", "--busy-reply-threshold", "100"]);
  const a = await RawClient.connect(child.port);
  const b = await RawClient.connect(child.port);
  try {
    await a.send("EVAL", `redis.call('set', 'k', 'v') ${LOOP}`, "0");
    await waitBusy(b);
    assert.match(await b.callRaw("SCRIPT", "KILL"), /^-UNKILLABLE /);
    assert.equal(
      await b.callRaw("SHUTDOWN"),
      "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
    );
    await b.send("SHUTDOWN", "NOSAVE");
    assert.ok(await b.waitClosed(10000));
    assert.ok(await a.waitClosed(10000));
    const status = await child.status();
    assert.equal(status.code, 0);
    assert.match(child.output, /Redis is now ready to exit, bye bye/);
  } finally {
    a.close();
    b.close();
    await child.stop("SIGKILL");
  }
});

/** Scripts whose replies show how the coroutine scripts run in, pcall and the hook behave. */
const SEMANTICS: [string[], string][] = [
  [
    ["EVAL", "coroutine.yield(1)", "0"],
    "-ERR attempt to yield across metamethod/C-call boundary script: 72ff8263a9a7024a2bb6d14fdef2014006cc8c9f, on @user_script:1.\r\n",
  ],
  [["EVAL", "return tostring(coroutine.running())", "0"], "$3\r\nnil\r\n"],
  [["EVAL", "return type(coroutine.isyieldable)", "0"], "$3\r\nnil\r\n"],
  [[
    "EVAL",
    "local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end) local _, x = coroutine.resume(co, 1) local _, y = coroutine.resume(co, 10) return {x, y, coroutine.status(co)}",
    "0",
  ], "*3\r\n:2\r\n:20\r\n$4\r\ndead\r\n"],
  // Redis's pcall returns an error table's message; xpcall keeps the table.
  [
    ["EVAL", "local ok, e = pcall(function() redis.call('nosuch') end) return {type(e), e}", "0"],
    "*2\r\n$6\r\nstring\r\n$44\r\nERR Unknown Redis command called from script\r\n",
  ],
  [["EVAL", "local ok, e = pcall(function() error({err='x'}) end) return {e}", "0"], "*1\r\n$1\r\nx\r\n"],
  [
    ["EVAL", "local ok, e = xpcall(function() error({err='x'}) end, function(m) return m end) return type(e)", "0"],
    "$5\r\ntable\r\n",
  ],
  [["EVAL", "local ok, e = pcall(function() error('x') end) return e", "0"], "$16\r\nuser_script:1: x\r\n"],
  [
    ["FUNCTION", "LOAD", "#!lua name=slowload\nwhile true do end"],
    "-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
  ],
];

Deno.test("busy: the coroutine scripts run in is invisible to them; FUNCTION LOAD times out", async () => {
  const srv = await startServer();
  const oracle = haveRedis() ? await Oracle.start() : null;
  try {
    for (const port of oracle ? [srv.port, oracle.port] : [srv.port]) {
      const c = await RawClient.connect(port);
      try {
        for (const [cmd, want] of SEMANTICS) assert.equal(await c.callRaw(...cmd), want, `${port}: ${cmd.join(" ")}`);
      } finally {
        c.close();
      }
    }
  } finally {
    await srv.close();
    await oracle?.stop();
  }
});
