/**
 * Busy scripts. The engine runs scripts synchronously on the event loop, so other clients are served
 * after the script ends (never -BUSY) and SCRIPT KILL / FUNCTION KILL find nothing running; a script
 * slower than busy-reply-threshold logs Redis's slow-script warning once.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { RawClient } from "../helpers/resp.ts";

Deno.test("script: a slow script warns once; others wait for it; KILL finds none", async () => {
  const srv = await startServer({ config: { "busy-reply-threshold": 50 } });
  const warnings: string[] = [];
  const log = srv.server.log;
  const original = log.warning.bind(log);
  log.warning = (msg: string) => {
    warnings.push(msg);
    original(msg);
  };
  const a = await RawClient.connect(srv.port);
  const b = await RawClient.connect(srv.port);
  try {
    const slow = "local t = 0 for i = 1, 3000000 do t = t + i end return 1";
    const started = performance.now();
    const [r1, r2] = await Promise.all([
      a.call("EVAL", slow, "0"),
      new Promise((r) => setTimeout(r, 5)).then(() => b.call("PING")),
    ]);
    assert.equal(r1, 1);
    assert.equal(r2, "PONG");
    const slowWarnings = warnings.filter((w) => w.startsWith("Slow script detected"));
    if (performance.now() - started > 100) {
      assert.equal(slowWarnings.length, 1, "one warning per slow run");
      assert.match(slowWarnings[0], /Script name is: [0-9a-f]{40}\./);
    }
    assert.equal(await b.callRaw("SCRIPT", "KILL"), "-NOTBUSY No scripts in execution right now.\r\n");
    assert.equal(await b.callRaw("FUNCTION", "KILL"), "-NOTBUSY No scripts in execution right now.\r\n");
    // A fast script logs nothing.
    warnings.length = 0;
    assert.equal(await a.call("EVAL", "return 2", "0"), 2);
    assert.equal(warnings.length, 0);
  } finally {
    a.close();
    b.close();
    await srv.close();
  }
});
