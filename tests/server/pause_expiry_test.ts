/**
 * CLIENT PAUSE also pauses expiry (as Redis does): an expired key reads as missing but is not deleted
 * while the pause lasts, by lazy or active expiry; it is reclaimed once the pause ends.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";

Deno.test("client pause: expired keys are hidden but not deleted until the pause ends", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.call("SET", "k", "v", "PX", "100"), "OK");
    assert.equal(await c.call("CLIENT", "PAUSE", "60000", "WRITE"), "OK");
    srv.server.clock.offsetMs += 1000;
    const reader = await RawClient.connect(srv.port);
    assert.equal(await reader.call("GET", "k"), null); // logically expired…
    await new Promise((r) => setTimeout(r, 250)); // a couple of cron ticks
    assert.equal(srv.server.dbs[0].size, 1); // …but neither lazy nor active expiry deleted it
    assert.equal(await c.call("CLIENT", "UNPAUSE"), "OK");
    assert.equal(await reader.call("GET", "k"), null);
    assert.equal(srv.server.dbs[0].size, 0);
    reader.close();
  });
});
