/**
 * client-output-buffer-limit: a client whose pending replies pass its class's hard limit is closed
 * (and counted in INFO stats); without a limit, big replies are delivered whole.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { encodeCommand, RawClient } from "../helpers/resp.ts";

const value = "v".repeat(200 * 1024);

Deno.test("output limit: passing the normal hard limit closes the client, others keep working", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.callRaw("SET", "big", value), "+OK\r\n");
    const greedy = await RawClient.connect(srv.port);
    await greedy.write(encodeCommand(["GET", "big"]).repeat(20)); // ~4 MB of replies in one batch
    assert.equal(await greedy.waitClosed(), true);
    assert.ok(greedy.pending().length < 1024 * 1024, "nothing past the limit was sent");
    const info = await c.call("INFO", "stats") as string;
    assert.match(info, /client_output_buffer_limit_disconnections:1\r\n/);
    assert.equal(await c.callRaw("PING"), "+PONG\r\n");
    greedy.close();
  }, { config: { "client-output-buffer-limit": "normal 1mb 0 0" } });
});

Deno.test("output limit: with the default (no normal limit) big pipelined replies arrive whole", async () => {
  await withServer(async (_srv, c) => {
    assert.equal(await c.callRaw("SET", "big", value), "+OK\r\n");
    await c.write(encodeCommand(["GET", "big"]).repeat(20));
    for (let i = 0; i < 20; i++) assert.equal(await c.readRaw(), `$${value.length}\r\n${value}\r\n`);
  });
});
