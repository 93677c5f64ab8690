/**
 * shutdownServer() in-process (the path SIGTERM/SIGINT and the SHUTDOWN command share): the final
 * save hook runs only when asked or when save points exist, a failed save refuses the shutdown unless
 * forced, and the log lines come in Redis's order.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { setExitHandler, setShutdownSaver, shutdownServer, signalShutdownOptions } from "../../src/server/shutdown.ts";
import { RawClient } from "../helpers/resp.ts";

/** Starts a server logging into a temp file; returns it with a reader for the log. */
async function serverWithLog(config: Record<string, string> = {}) {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-shutdown-" });
  const srv = await startServer({ config });
  srv.server.log.enabled = true;
  srv.server.log.file = `${dir}/log`;
  const read = () => {
    try {
      return Deno.readTextFileSync(`${dir}/log`);
    } catch {
      return "";
    }
  };
  const cleanup = async () => {
    await srv.close();
    Deno.removeSync(dir, { recursive: true });
  };
  return { srv, read, cleanup };
}

Deno.test("shutdown: no save points and no SAVE: the saver is not called", async () => {
  const { srv, read, cleanup } = await serverWithLog({ save: "" });
  try {
    let saves = 0, exitCode = -1;
    setShutdownSaver(srv.server, () => {
      saves++;
      return undefined;
    });
    setExitHandler(srv.server, (code) => exitCode = code);
    assert.equal(await shutdownServer(srv.server, { reason: "user request" }), undefined);
    assert.equal(saves, 0);
    assert.equal(exitCode, 0);
    assert.ok(srv.server.shuttingDown);
    const log = read();
    assert.match(log, /\* User requested shutdown\.\.\.\n.*# Redis is now ready to exit, bye bye\.\.\.\n$/);
    assert.doesNotMatch(log, /Saving the final RDB snapshot/);
    await assert.rejects(() => RawClient.connect(srv.port));
  } finally {
    await cleanup();
  }
});

Deno.test("shutdown: save points trigger the final save; NOSAVE skips it", async () => {
  for (const [opts, expectSave] of [[{}, true], [{ save: false }, false], [{ save: true }, true]] as const) {
    const { srv, read, cleanup } = await serverWithLog({ save: "3600 1" });
    try {
      let saves = 0;
      setShutdownSaver(srv.server, () => {
        saves++;
        return undefined;
      });
      assert.equal(await shutdownServer(srv.server, opts), undefined);
      assert.equal(saves, expectSave ? 1 : 0, JSON.stringify(opts));
      assert.equal(/\* Saving the final RDB snapshot before exiting\.\n/.test(read()), expectSave);
    } finally {
      await cleanup();
    }
  }
});

Deno.test("shutdown: a failed save refuses the shutdown unless FORCE", async () => {
  const { srv, read, cleanup } = await serverWithLog({ save: "3600 1" });
  try {
    setShutdownSaver(srv.server, () => "disk full");
    assert.equal(await shutdownServer(srv.server, {}), "disk full");
    assert.equal(srv.server.shuttingDown, false);
    const c = await RawClient.connect(srv.port);
    assert.equal(await c.call("PING"), "PONG");
    c.close();
    assert.match(
      read(),
      /# Error trying to save the DB, can't exit\.\n.*# Errors trying to shut down the server\. Check the logs for more information\.\n/,
    );
    assert.equal(await shutdownServer(srv.server, { force: true }), undefined);
    assert.match(
      read(),
      /# Error trying to save the DB\. Exit anyway\.\n[^\n]*# Redis is now ready to exit, bye bye\.\.\.\n$/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("shutdown: shutdown-on-sig* flags map to shutdown options", () => {
  assert.deepEqual(signalShutdownOptions("default", "SIGTERM"), { reason: "signal SIGTERM" });
  assert.deepEqual(signalShutdownOptions("nosave now", "SIGINT"), { reason: "signal SIGINT", save: false, now: true });
  assert.deepEqual(signalShutdownOptions("save force", "SIGTERM"), {
    reason: "signal SIGTERM",
    save: true,
    force: true,
  });
});
