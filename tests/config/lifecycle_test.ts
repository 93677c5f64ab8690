/**
 * Startup and shutdown of src/main.ts as a child process: Redis 8's startup log lines in order, the
 * ASCII logo, pid file and unix socket handling, log file and log level, SIGTERM/SIGINT shutdown with
 * Redis's log lines and exit status 0, and listening failures (exit 1).
 */
import assert from "node:assert/strict";
import { ChildServer, freePort } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { configFrom, Server } from "../../src/mod.ts";
import { startServerProcess } from "../../src/server/startup.ts";

/** "pid:R dd Mon yyyy hh:mm:ss.mmm <mark> " — Redis's log line prefix. */
const PREFIX = String.raw`\d+:[CM] \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} `;

/** Asserts that `text` holds lines matching each regex source, in order. */
function assertLinesInOrder(text: string, patterns: string[]): void {
  let from = 0;
  for (const p of patterns) {
    const re = new RegExp(p, "m");
    const m = re.exec(text.slice(from));
    assert.ok(m, `no line matching /${p}/ after offset ${from} in:\n${text}`);
    from += m.index + m[0].length;
  }
}

Deno.test("lifecycle: startup lines, then SIGTERM shuts down with Redis's lines and exit 0", async () => {
  const srv = await ChildServer.spawn(["--save", "", "--appendonly", "no"]);
  const pid = srv.proc.pid;
  const c = await RawClient.connect(srv.port);
  assert.equal(await c.call("PING"), "PONG");
  c.close();
  const status = await srv.stop("SIGTERM");
  assert.equal(status.code, 0);
  assertLinesInOrder(srv.output, [
    `^${pid}:C .* \\* oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo$`,
    `^${pid}:C .* \\* Redis version=8\\.2\\.4, bits=64, commit=00000000, modified=0, pid=${pid}, just started$`,
    `^${PREFIX}\\* Configuration loaded$`,
    `^${PREFIX}\\* Running mode=standalone, port=${srv.port}\\.$`,
    `^${PREFIX}\\* Server initialized$`,
    `^${PREFIX}\\* Ready to accept connections tcp$`,
    `^${pid}:signal-handler \\(\\d+\\) Received SIGTERM scheduling shutdown\\.\\.\\.$`,
    `^${pid}:M .* \\* User requested shutdown\\.\\.\\.$`,
    `^${pid}:M .* # Redis is now ready to exit, bye bye\\.\\.\\.$`,
  ]);
  // Nothing to save (no persistence hook, no save points): no snapshot line, no pid file line.
  assert.doesNotMatch(srv.output, /Saving the final RDB snapshot/);
  assert.doesNotMatch(srv.output, /Removing the pid file/);
  assert.doesNotMatch(srv.output, /Ready to accept connections unix/);
});

Deno.test("lifecycle: logo, pid file and unix socket, SIGINT exits 0 and removes both", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-life-" });
  const pidfile = `${dir}/redis.pid`, sock = `${dir}/redis.sock`;
  const srv = await ChildServer.spawn([
    "--always-show-logo",
    "yes",
    "--pidfile",
    pidfile,
    "--unixsocket",
    sock,
    "--unixsocketperm",
    "700",
  ], { waitFor: "Ready to accept connections unix" });
  try {
    const pid = srv.proc.pid;
    assert.equal(Deno.readTextFileSync(pidfile), `${pid}\n`);
    assert.equal(Deno.statSync(sock).mode! & 0o777, 0o700);
    const conn = await Deno.connect({ transport: "unix", path: sock });
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(16);
    const n = await conn.read(buf);
    assert.equal(new TextDecoder().decode(buf.subarray(0, n!)), "+PONG\r\n");
    conn.close();
    assert.match(srv.output, /Redis Open Source {12}\n/);
    assert.match(srv.output, new RegExp(String.raw`''-._      8\.2\.4 \(00000000/0\) 64 bit\n`));
    assert.match(srv.output, new RegExp(String.raw`\|     Port: ${srv.port}\n`));
    assert.match(srv.output, new RegExp(String.raw`\|     PID: ${pid}\n`));
    assert.doesNotMatch(srv.output, /Running mode=/);
    assertLinesInOrder(srv.output, ["Ready to accept connections tcp$", "Ready to accept connections unix$"]);
    const status = await srv.stop("SIGINT");
    assert.equal(status.code, 0);
    assertLinesInOrder(srv.output, [
      "Received SIGINT scheduling shutdown\\.\\.\\.$",
      "User requested shutdown\\.\\.\\.$",
      "Removing the pid file\\.$",
      "Removing the unix socket file\\.$",
      "Redis is now ready to exit, bye bye\\.\\.\\.$",
    ]);
    assert.throws(() => Deno.statSync(pidfile), Deno.errors.NotFound);
    assert.throws(() => Deno.statSync(sock), Deno.errors.NotFound);
  } finally {
    await srv.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("lifecycle: logfile receives the log, loglevel filters it, daemonize yes stays in front", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-log-" });
  const logfile = `${dir}/server.log`;
  const srv = await ChildServer.spawn(["--logfile", logfile, "--daemonize", "yes", "--pidfile", `${dir}/p.pid`], {
    waitFor: null,
  });
  try {
    const deadline = Date.now() + 15000;
    while (!(readOr(logfile)).includes("Ready to accept connections")) {
      assert.ok(Date.now() < deadline, "server never got ready");
      await new Promise((r) => setTimeout(r, 50));
    }
    const c = await RawClient.connect(srv.port);
    assert.equal(await c.call("CONFIG", "SET", "loglevel", "warning"), "OK");
    c.close();
    assert.equal((await srv.stop("SIGTERM")).code, 0);
    const log = readOr(logfile);
    assert.equal(srv.output, ""); // nothing on stdout
    assertLinesInOrder(log, [
      "\\* Configuration loaded$",
      "# daemonize yes is not supported",
      "Ready to accept connections tcp$",
      "Received SIGTERM scheduling shutdown",
      "# Redis is now ready to exit, bye bye\\.\\.\\.$",
    ]);
    // loglevel warning: the notice-level shutdown lines were not written.
    assert.doesNotMatch(log, /User requested shutdown/);
    assert.doesNotMatch(log, /Removing the pid file/);
  } finally {
    await srv.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

function readOr(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

Deno.test("lifecycle: a port in use, or nothing to listen on, exits 1 with Redis's lines", async () => {
  const busy = Deno.listen({ hostname: "127.0.0.1", port: freePort() });
  try {
    const port = (busy.addr as Deno.NetAddr).port;
    const srv2 = await ChildServer.spawn(["--bind", "127.0.0.1", "--port", String(port)], { port, waitFor: null });
    assert.equal((await srv2.status()).code, 1);
    assert.match(
      srv2.output,
      new RegExp(
        `# Warning: Could not create server TCP listening socket 127\\.0\\.0\\.1:${port}: bind: Address already in use\n`,
      ),
    );
    assert.match(srv2.output, new RegExp(`# Failed listening on port ${port} \\(tcp\\), aborting\\.\n`));
    const srv3 = await ChildServer.spawn(["--port", "0"], { port: 0, waitFor: null });
    assert.equal((await srv3.status()).code, 1);
    assert.match(srv3.output, /# Configured to not listen anywhere, exiting\.\n/);
  } finally {
    busy.close();
  }
});

Deno.test("lifecycle: the SHUTDOWN command goes through the same path and exits 0", async () => {
  const srv = await ChildServer.spawn([]);
  const c = await RawClient.connect(srv.port);
  await c.send("SHUTDOWN", "NOSAVE");
  assert.ok(await c.waitClosed());
  c.close();
  assert.equal((await srv.status()).code, 0);
  assertLinesInOrder(srv.output, [
    "\\* User requested shutdown\\.\\.\\.$",
    "# Redis is now ready to exit, bye bye\\.\\.\\.$",
  ]);
  assert.doesNotMatch(srv.output, /signal-handler/);
});

Deno.test("lifecycle: without any argument Redis warns that no config file is used", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-noconf-" });
  const server = new Server(configFrom({ port: freePort(), bind: "127.0.0.1", logfile: `${dir}/log` }));
  try {
    await startServerProcess(server, { noConfig: true, program: "./redis-server" });
    const log = Deno.readTextFileSync(`${dir}/log`);
    assert.match(
      log,
      /:C .* # Warning: no config file specified, using the default config\. In order to specify a config file use \.\/redis-server \/path\/to\/redis\.conf\n/,
    );
    assert.doesNotMatch(log, /Configuration loaded/);
  } finally {
    await server.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
