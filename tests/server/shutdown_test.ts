/**
 * SHUTDOWN: option errors like redis-server, ABORT without a shutdown in progress, and a shutdown
 * that closes every connection without a reply and stops the listener. TIME's shape.
 */
import assert from "node:assert/strict";
import { ChildServer, withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { assertSameReplies, differential, type Script } from "../helpers/oracle.ts";

Deno.test("shutdown: option errors and ABORT like redis-server", async () => {
  const script: Script = [
    ["SHUTDOWN", "ABORT"],
    ["SHUTDOWN", "NOSAVE", "SAVE"],
    ["SHUTDOWN", "ABORT", "NOW"],
    ["SHUTDOWN", "FORCE", "ABORT"],
    ["SHUTDOWN", "bogus"],
    ["SHUTDOWN", "NOW", "maybe"],
    ["PING"],
  ];
  assertSameReplies(script, await differential(script));
});

Deno.test("shutdown nosave: connections close without a reply and the server stops listening", async () => {
  await withServer(async (srv, c) => {
    const other = await RawClient.connect(srv.port);
    assert.equal(await other.call("PING"), "PONG");
    await c.send("SHUTDOWN", "NOSAVE", "NOW");
    await c.send("PING"); // pipelined after SHUTDOWN: never runs
    assert.equal(await c.waitClosed(), true);
    assert.equal(c.pending(), "");
    assert.equal(await other.waitClosed(), true);
    assert.equal(srv.server.shuttingDown, true);
    await assert.rejects(() => RawClient.connect(srv.port));
  });
});

Deno.test("time: seconds and microseconds as two bulk strings, close to the wall clock", async () => {
  await withServer(async (_srv, c) => {
    const raw = await c.callRaw("TIME");
    assert.match(raw, /^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d{1,6}\r\n$/);
    const [sec, usec] = await c.call("TIME") as string[];
    const ms = Number(sec) * 1000 + Number(usec) / 1000;
    assert.ok(Math.abs(ms - Date.now()) < 2000);
    assert.deepEqual(await c.call("TIME", "extra"), { error: "ERR wrong number of arguments for 'time' command" });
  });
});

Deno.test("shutdown: redis-server mode (a child process) exits with status 0 after SHUTDOWN", async () => {
  const child = await ChildServer.spawn(["--save", ""]);
  const c = await RawClient.connect(child.port);
  await c.send("SHUTDOWN");
  assert.equal(await c.waitClosed(10_000), true);
  c.close();
  const status = await child.status();
  assert.equal(status.code, 0);
  assert.match(child.output, /User requested shutdown/);
});
