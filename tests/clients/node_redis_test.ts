/**
 * node-redis v4 (RESP2) against our server: connect (it sends CLIENT SETINFO for its library name and
 * version), basic commands, auto-pipelining, client names, passwords and ErrorReply errors. RESP3 is
 * covered with a raw HELLO 3 connection, as node-redis v4 cannot speak it.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";

type NodeRedis = ReturnType<typeof createClient>;

async function withNodeRedis(
  fn: (r: NodeRedis, port: number) => Promise<void>,
  opts: { config?: Record<string, string>; client?: Record<string, unknown> } = {},
): Promise<void> {
  await withServer(async (srv) => {
    const r = createClient({ socket: { port: srv.port, host: "127.0.0.1", reconnectStrategy: false }, ...opts.client });
    r.on("error", () => {});
    try {
      await r.connect();
      await fn(r, srv.port);
    } finally {
      if (r.isOpen) await r.disconnect();
    }
  }, { config: opts.config });
}

Deno.test("node-redis: connect, SET/GET, library info registered with CLIENT SETINFO", async () => {
  await withNodeRedis(async (r) => {
    assert.equal(await r.ping(), "PONG");
    assert.equal(await r.set("k", "v"), "OK");
    assert.equal(await r.get("k"), "v");
    assert.equal(await r.get("nope"), null);
    const info = await r.clientInfo();
    assert.equal(typeof info.id, "number");
    assert.match(await r.sendCommand(["CLIENT", "INFO"]) as string, / lib-name=node-redis lib-ver=\d+\.\d+\.\d+ /);
    assert.equal(await r.sendCommand(["CLIENT", "GETNAME"]), "node-app");
  }, { client: { name: "node-app" } });
});

Deno.test("node-redis: concurrent commands are pipelined and answered in order", async () => {
  await withNodeRedis(async (r) => {
    const sets = Array.from({ length: 500 }, (_, i) => r.set(`key${i}`, `val${i}`));
    assert.ok((await Promise.all(sets)).every((x) => x === "OK"));
    const gets = await Promise.all(Array.from({ length: 500 }, (_, i) => r.get(`key${i}`)));
    assert.deepEqual(gets, Array.from({ length: 500 }, (_, i) => `val${i}`));
    const info = await r.info("keyspace");
    assert.match(info, /db0:keys=500,expires=0,avg_ttl=0,subexpiry=0/);
  });
});

Deno.test("node-redis: errors reject with ErrorReply carrying Redis's text", async () => {
  await withNodeRedis(async (r) => {
    await assert.rejects(() => r.sendCommand(["NOSUCH", "a"]), (e: Error) => {
      assert.equal(e.constructor.name, "ErrorReply");
      assert.equal(e.message, "ERR unknown command 'NOSUCH', with args beginning with: 'a' ");
      return true;
    });
    await assert.rejects(() => r.sendCommand(["CLIENT", "KILL", "ID", "0"]), /ERR client-id should be greater than 0/);
    assert.equal(await r.ping(), "PONG"); // still usable
  });
});

Deno.test("node-redis: password in the URL authenticates; without it commands fail with NOAUTH", async () => {
  await withServer(async (srv) => {
    const ok = createClient({ url: `redis://:pw@127.0.0.1:${srv.port}`, socket: { reconnectStrategy: false } });
    ok.on("error", () => {});
    await ok.connect();
    assert.equal(await ok.set("a", "1"), "OK");
    await ok.disconnect();

    const anon = createClient({ socket: { port: srv.port, host: "127.0.0.1", reconnectStrategy: false } });
    anon.on("error", () => {});
    await anon.connect();
    await assert.rejects(() => anon.get("a"), /NOAUTH Authentication required/);
    await anon.disconnect();
  }, { config: { requirepass: "pw" } });
});

Deno.test("RESP3 over a raw connection: HELLO 3 then maps, nulls, verbatim CLIENT INFO", async () => {
  await withServer(async (srv) => {
    const c = await RawClient.connect(srv.port);
    const hello = await c.call("HELLO", "3", "SETNAME", "r3") as { map: [unknown, unknown][] };
    assert.deepEqual(hello.map.map(([k]) => k), ["server", "version", "proto", "id", "mode", "role", "modules"]);
    assert.equal(await c.callRaw("GET", "x"), "_\r\n");
    const info = await c.call("CLIENT", "INFO") as { verbatim: string };
    assert.match(info.verbatim, / name=r3 .* resp=3 /);
    c.close();
  });
});
