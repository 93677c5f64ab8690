/**
 * HELLO (RESP2/RESP3 negotiation, AUTH and SETNAME options), AUTH with requirepass, RESET, and the
 * RESP3 shapes replies take after HELLO 3.
 */
import assert from "node:assert/strict";
import { freePort, withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { assertSameReplies, differential, replay, type Script } from "../helpers/oracle.ts";
import { startServer } from "../../src/mod.ts";

/**
 * Runs `script` against redis-server started with `--requirepass` (Oracle.start waits for a PONG,
 * which a password-protected server never gives) and returns its replies.
 */
async function replayOnPasswordOracle(password: string, script: Script): Promise<string[]> {
  const port = freePort();
  const dir = Deno.makeTempDirSync({ prefix: "oracle-" });
  const proc = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--save", "", "--dir", dir, "--requirepass", password],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const deadline = Date.now() + 10000;
    while (true) {
      try {
        const c = await RawClient.connect(port);
        c.close();
        break;
      } catch {
        if (Date.now() > deadline) throw new Error("redis-server did not start");
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return await replay(port, script);
  } finally {
    proc.kill("SIGKILL");
    await proc.status;
    Deno.removeSync(dir, { recursive: true });
  }
}

const helloMap = (proto: number, id: number) =>
  "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n8.2.4\r\n$5\r\nproto\r\n:" + proto +
  "\r\n$2\r\nid\r\n:" + id +
  "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";

Deno.test("hello: RESP2 array and RESP3 map with server, version 8.2.4, proto, id, mode, role, modules", async () => {
  await withServer(async (_srv, c) => {
    const id = await c.call("CLIENT", "ID") as number;
    const r2 = await c.callRaw("HELLO");
    assert.equal(r2, helloMap(2, id).replace("%7", "*14"));
    assert.equal(await c.callRaw("HELLO", "3"), helloMap(3, id));
    assert.equal(await c.callRaw("HELLO", "2"), helloMap(2, id).replace("%7", "*14"));
  });
});

Deno.test("hello 3: replies use RESP3 types until HELLO 2", async () => {
  await withServer(async (_srv, c) => {
    await c.call("HELLO", "3");
    assert.equal(await c.callRaw("GET", "missing"), "_\r\n");
    assert.equal(await c.callRaw("CLIENT", "GETNAME"), "_\r\n");
    assert.equal(await c.callRaw("DEBUG", "PROTOCOL", "map"), "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
    await c.call("HELLO", "2");
    assert.equal(await c.callRaw("GET", "missing"), "$-1\r\n");
  }, { config: { "enable-debug-command": "yes" } });
});

Deno.test("hello: SETNAME option and argument errors match redis-server", async () => {
  const script: Script = [
    ["HELLO", "4"],
    ["HELLO", "1"],
    ["HELLO", "abc"],
    ["HELLO", "3", "foo"],
    ["HELLO", "2", "SETNAME"],
    ["HELLO", "2", "AUTH", "default"],
    ["HELLO", "2", "setname", "has space"],
    ["HELLO", "2", "SETNAME", "conn-a"],
    ["CLIENT", "GETNAME"],
    ["HELLO", "2", "AUTH", "default", "anything"], // no requirepass: the default user has no password
    ["HELLO", "2", "AUTH", "bob", "pw"],
    ["AUTH", "pw"],
    ["AUTH", "default", "pw"],
    ["AUTH", "bob", "pw"],
    ["AUTH", "a", "b", "c"],
    ["AUTH"],
  ];
  const r = await differential(script);
  // The HELLO replies carry the version and client id; everything else is byte for byte.
  r.ours[7] =
    r.redis[7] =
    r.ours[9] =
    r.redis[9] =
      "";
  assertSameReplies(script, r);
});

Deno.test("auth with requirepass: NOAUTH until AUTH, WRONGPASS, HELLO AUTH, RESET deauthenticates", async () => {
  const script: Script = [
    ["PING"],
    ["GET", "k"],
    ["AUTH", "wrong"],
    ["AUTH", "default", "wrong"],
    ["AUTH", "nobody", "x"],
    ["PING"],
    ["AUTH", "secret"],
    ["PING"],
    ["AUTH", "default", "secret"],
    ["CLIENT", "SETNAME", "n1"],
    ["SELECT", "2"],
    ["RESET"],
    ["PING"],
    ["CLIENT", "GETNAME"],
    ["HELLO", "2", "AUTH", "default", "wrong"],
    ["HELLO", "2", "AUTH", "default", "secret", "SETNAME", "n2"],
    ["CLIENT", "GETNAME"],
    ["INFO", "errorstats"],
  ];
  const srv = await startServer({ config: { requirepass: "secret" } });
  let ours: string[];
  try {
    ours = await replay(srv.port, script);
  } finally {
    await srv.close();
  }
  const r = { ours, redis: await replayOnPasswordOracle("secret", script) };
  r.ours[15] = r.redis[15] = ""; // HELLO map: version and id differ
  assertSameReplies(script, r);
  assert.equal(r.ours[11], "+RESET\r\n");
  assert.equal(r.ours[12], "-NOAUTH Authentication required.\r\n");
});

Deno.test("hello before auth: NOAUTH with Redis 8.2's text (7.0 words it slightly differently)", async () => {
  await withServer(async (srv, c) => {
    assert.deepEqual(await c.call("HELLO", "3"), {
      error:
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
    });
    assert.equal(await c.callRaw("HELLO", "3", "AUTH", "default", "x"), helloMap(3, 1));
    const info = await c.call("INFO", "stats") as { verbatim: string };
    assert.match(info.verbatim, /\r\nacl_access_denied_auth:0\r\n/);
    const other = await RawClient.connect(srv.port);
    assert.deepEqual(await other.call("AUTH", "nope"), {
      error: "WRONGPASS invalid username-password pair or user is disabled.",
    });
    other.close();
    const info2 = await c.call("INFO", "stats") as { verbatim: string };
    assert.match(info2.verbatim, /\r\nacl_access_denied_auth:1\r\n/);
  }, { config: { requirepass: "x" } });
});

Deno.test("reset: back to RESP2, db 0, no name, replies on, no-touch/no-evict off", async () => {
  await withServer(async (_srv, c) => {
    await c.call("HELLO", "3", "SETNAME", "x");
    await c.call("SELECT", "4");
    await c.call("CLIENT", "NO-EVICT", "on");
    await c.call("CLIENT", "NO-TOUCH", "on");
    assert.equal(await c.callRaw("RESET"), "+RESET\r\n");
    const info = await c.call("CLIENT", "INFO") as string;
    assert.match(info, / name= /);
    assert.match(info, / db=0 /);
    assert.match(info, / flags=N /);
    assert.match(info, / resp=2 /);
    assert.equal(await c.callRaw("GET", "nothing"), "$-1\r\n");
    // RESET also ends CLIENT REPLY OFF (its own +RESET is sent).
    await c.send("CLIENT", "REPLY", "OFF");
    await c.send("PING");
    assert.equal(await c.callRaw("RESET"), "+RESET\r\n");
    assert.equal(await c.callRaw("PING"), "+PONG\r\n");
  });
});

Deno.test("reset: replies like redis-server", async () => {
  const script: Script = [["SELECT", "3"], ["SET", "k", "v"], ["RESET"], ["GET", "k"], ["RESET", "extra"]];
  assertSameReplies(script, await differential(script));
});
