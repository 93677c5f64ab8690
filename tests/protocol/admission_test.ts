/**
 * Connection admission: maxclients over TCP (Redis's error, then close) and protected mode's decision
 * (a non-loopback peer cannot be produced on this machine's loopback-only network, so the rule itself is
 * checked; the DENIED text is Redis's).
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { protectedModeDenies } from "../../src/net/connection.ts";
import { configFrom, Server } from "../../src/mod.ts";
import { PROTECTED_MODE } from "../../src/server/errors.ts";

Deno.test("admission: the client past maxclients gets Redis's error and is closed", async () => {
  await withServer(async (srv, c) => {
    const second = await RawClient.connect(srv.port);
    assert.equal(await second.callRaw("PING"), "+PONG\r\n");
    const third = await RawClient.connect(srv.port);
    assert.equal(await third.readRaw(), "-ERR max number of clients reached\r\n");
    assert.equal(await third.waitClosed(), true);
    second.close();
    await new Promise((r) => setTimeout(r, 50));
    const again = await RawClient.connect(srv.port);
    assert.equal(await again.callRaw("PING"), "+PONG\r\n");
    again.close();
    const info = await c.call("INFO", "stats") as string;
    assert.match(info, /rejected_connections:1\r\n/);
  }, { config: { maxclients: 2 } });
});

Deno.test("admission: protected mode denies remote peers only without a password", () => {
  const open = new Server(configFrom({}));
  assert.equal(protectedModeDenies(open, "10.1.2.3:5555", "tcp"), true);
  assert.equal(protectedModeDenies(open, "[2001:db8::1]:5555", "tcp"), true);
  assert.equal(protectedModeDenies(open, "127.0.0.1:5555", "tcp"), false);
  assert.equal(protectedModeDenies(open, "[::1]:5555", "tcp"), false);
  assert.equal(protectedModeDenies(open, "/tmp/redis.sock:0", "unix"), false);
  const withPass = new Server(configFrom({ requirepass: "secret" }));
  assert.equal(protectedModeDenies(withPass, "10.1.2.3:5555", "tcp"), false);
  const off = new Server(configFrom({ "protected-mode": "no" }));
  assert.equal(protectedModeDenies(off, "10.1.2.3:5555", "tcp"), false);
  assert.ok(PROTECTED_MODE.startsWith("-DENIED Redis is running in protected mode"));
});
