/**
 * The embedding API (src/mod.ts): start in-process on a free port fast, serve real clients, close cleanly,
 * and run several independent servers in one process.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { startServer } from "../../src/mod.ts";
import { RawClient } from "../helpers/resp.ts";

Deno.test("embed: startServer binds a free port in well under 100 ms and closes", async () => {
  await startServer().then((s) => s.close()); // warm module loading
  const t0 = performance.now();
  const srv = await startServer({ port: 0 });
  const elapsed = performance.now() - t0;
  assert.ok(srv.port > 0, "bound port reported");
  assert.equal(srv.host, "127.0.0.1");
  assert.ok(elapsed < 100, `startServer took ${elapsed.toFixed(1)} ms`);
  const c = await RawClient.connect(srv.port);
  assert.equal(await c.callRaw("PING"), "+PONG\r\n");
  c.close();
  await srv.close();
  await assert.rejects(() => Deno.connect({ port: srv.port, hostname: "127.0.0.1" }));
});

Deno.test("embed: `await using` disposes the server", async () => {
  let port = 0;
  {
    await using srv = await startServer({ port: 0 });
    port = srv.port;
    const c = await RawClient.connect(port);
    assert.equal(await c.callRaw("ECHO", "hi"), "$2\r\nhi\r\n");
    c.close();
  }
  await assert.rejects(() => Deno.connect({ port, hostname: "127.0.0.1" }));
});

Deno.test("embed: two servers in one process keep separate keyspaces", async () => {
  await using a = await startServer();
  await using b = await startServer();
  const ra = new Redis({ port: a.port, lazyConnect: true });
  const rb = new Redis({ port: b.port, lazyConnect: true });
  await ra.connect();
  await rb.connect();
  try {
    await ra.set("k", "from-a");
    assert.equal(await ra.get("k"), "from-a");
    assert.equal(await rb.get("k"), null);
  } finally {
    ra.disconnect();
    rb.disconnect();
  }
});

Deno.test("embed: config directives are applied and invalid ones rejected", async () => {
  await using srv = await startServer({ config: { databases: 4 } });
  assert.equal(srv.server.dbs.length, 4);
  await assert.rejects(() => startServer({ config: { databases: "many" } }), /databases/);
  await assert.rejects(() => startServer({ config: { "no-such-directive": "1" } }), /no-such-directive/);
});
