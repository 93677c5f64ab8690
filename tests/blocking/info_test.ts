/**
 * INFO clients reports the blocking registry: blocked_clients, total_blocking_keys and
 * clients_in_timeout_table follow clients as they block and get served.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";

function field(info: string, name: string): number {
  const m = new RegExp(`${name}:(\\d+)`).exec(info);
  assert.ok(m, `${name} missing`);
  return Number(m[1]);
}

Deno.test("blocking: INFO clients counts blocked clients, their keys and timeouts", async () => {
  await withServer(async (srv, c) => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    await a.send("BLPOP", "k1", "k2", "0");
    await new Promise((r) => setTimeout(r, 30)); // a blocks first
    await b.send("BLPOP", "k2", "30");
    await new Promise((r) => setTimeout(r, 50));
    let info = await c.call("INFO", "clients") as string;
    assert.equal(field(info, "blocked_clients"), 2);
    assert.equal(field(info, "total_blocking_keys"), 2); // k1 and k2, counted once each
    assert.equal(field(info, "clients_in_timeout_table"), 1);
    assert.equal(await c.call("RPUSH", "k2", "x", "y"), 2);
    assert.deepEqual(await a.read(), ["k2", "x"]);
    assert.deepEqual(await b.read(), ["k2", "y"]);
    info = await c.call("INFO", "clients") as string;
    assert.equal(field(info, "blocked_clients"), 0);
    assert.equal(field(info, "total_blocking_keys"), 0);
    assert.equal(field(info, "clients_in_timeout_table"), 0);
    a.close();
    b.close();
  });
});
