/**
 * ioredis (RESP2) against our server as an application would use it: connect with its INFO ready
 * check, basic commands, pipelines, connection names, passwords, errors as ReplyError, CLIENT and
 * INFO helpers.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { withServer } from "../helpers/server.ts";

async function withIoredis(
  fn: (r: Redis, port: number) => Promise<void>,
  opts: { config?: Record<string, string>; client?: Record<string, unknown> } = {},
): Promise<void> {
  await withServer(async (srv) => {
    const r = new Redis({
      port: srv.port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      ...opts.client,
    });
    try {
      await r.connect();
      await fn(r, srv.port);
    } finally {
      r.disconnect();
    }
  }, { config: opts.config });
}

Deno.test("ioredis: connects (INFO ready check), SET/GET, binary-safe values", async () => {
  await withIoredis(async (r) => {
    assert.equal(r.status, "ready");
    assert.equal(await r.ping(), "PONG");
    assert.equal(await r.set("greeting", "hello"), "OK");
    assert.equal(await r.get("greeting"), "hello");
    assert.equal(await r.get("missing"), null);
    const bin = Buffer.from([0, 1, 2, 255, 128, 10, 13]);
    await r.set("bin", bin);
    assert.deepEqual(await r.getBuffer("bin"), bin);
    assert.equal(await r.echo("é"), "é");
  });
});

Deno.test("ioredis: pipelines keep order and report per-command errors", async () => {
  await withIoredis(async (r) => {
    const p = r.pipeline();
    for (let i = 0; i < 200; i++) p.set(`k${i}`, String(i));
    p.get("k199");
    p.call("NOSUCHCOMMAND");
    p.client("ID");
    const res = await p.exec();
    assert.ok(res);
    assert.equal(res.length, 203);
    assert.deepEqual(res[0], [null, "OK"]);
    assert.deepEqual(res[200], [null, "199"]);
    const [err] = res[201];
    assert.ok(err instanceof Error);
    assert.match(err.message, /^ERR unknown command 'NOSUCHCOMMAND'/);
    assert.equal(typeof res[202][1], "number");
  });
});

Deno.test("ioredis: connectionName sets CLIENT SETNAME; CLIENT LIST/INFO and INFO parse", async () => {
  await withIoredis(async (r) => {
    assert.equal(await r.client("GETNAME"), "app-worker");
    const list = await r.client("LIST") as string;
    assert.match(list, /name=app-worker /);
    const me = await r.client("INFO") as string;
    assert.match(me, /^id=\d+ addr=127\.0\.0\.1:\d+ /);
    const info = await r.info("server");
    assert.match(info, /^# Server\r\nredis_version:8\.2\.4\r\n/);
    const time = await r.time();
    assert.equal(time.length, 2);
    assert.ok(Math.abs(Number(time[0]) - Date.now() / 1000) < 5);
    // A killed connection reconnects on its own, keeping its name.
    const id = await r.client("ID") as number;
    const other = new Redis({ port: r.options.port, lazyConnect: true });
    await other.connect();
    assert.equal(await other.client("KILL", "ID", String(id)), 1);
    other.disconnect();
    assert.equal(await r.ping(), "PONG");
    assert.notEqual(await r.client("ID"), id);
    assert.equal(await r.client("GETNAME"), "app-worker");
  }, { client: { connectionName: "app-worker", maxRetriesPerRequest: 5 } });
});

Deno.test("ioredis: password option authenticates; a wrong one surfaces WRONGPASS", async () => {
  await withIoredis(async (r) => {
    assert.equal(await r.set("a", "1"), "OK");
    assert.equal(await r.get("a"), "1");
  }, { config: { requirepass: "s3cret" }, client: { password: "s3cret" } });

  await withServer(async (srv) => {
    const bad = new Redis({
      port: srv.port,
      lazyConnect: true,
      password: "wrong",
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const errors: Error[] = [];
    bad.on("error", (e: Error) => errors.push(e));
    // ioredis reports the AUTH failure as an "error" event, then gives up (no retry strategy).
    await assert.rejects(() => bad.connect());
    bad.disconnect();
    assert.ok(errors.some((e) => /^WRONGPASS invalid username-password pair/.test(e.message)), String(errors));
    const none = new Redis({ port: srv.port, lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });
    await none.connect();
    await assert.rejects(() => none.get("a"), /NOAUTH Authentication required/);
    none.disconnect();
  }, { config: { requirepass: "s3cret" } });
});

Deno.test("ioredis: errors reject as ReplyError with Redis's text", async () => {
  await withIoredis(async (r) => {
    await assert.rejects(() => r.call("GET"), (e: Error) => {
      assert.equal(e.name, "ReplyError");
      assert.equal(e.message, "ERR wrong number of arguments for 'get' command");
      return true;
    });
    await assert.rejects(() => r.client("SETNAME", "bad name"), /ERR Client names cannot contain spaces/);
    await assert.rejects(() => r.call("HELLO", "4"), /NOPROTO unsupported protocol version/);
  });
});
