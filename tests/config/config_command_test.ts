/**
 * CONFIG GET / SET / RESETSTAT / HELP over TCP against an in-process server: patterns, aliases,
 * hidden directives, formatting of every value type, atomic multi-parameter SET with rollback,
 * runtime effects (loglevel, protocol limits, port rebinding) and Redis's error texts.
 */
import assert from "node:assert/strict";
import { freePort, withServer } from "../helpers/server.ts";
import { RawClient, type RespValue } from "../helpers/resp.ts";

/** CONFIG GET reply (RESP2 flat array) as a Map. */
async function getMap(c: RawClient, ...patterns: string[]): Promise<Map<string, string>> {
  const r = await c.call("CONFIG", "GET", ...patterns) as RespValue[];
  const m = new Map<string, string>();
  for (let i = 0; i < r.length; i += 2) m.set(r[i] as string, r[i + 1] as string);
  return m;
}

async function getOne(c: RawClient, name: string): Promise<string> {
  return (await getMap(c, name)).get(name)!;
}

Deno.test("config get: exact names echo the spelling asked, patterns are case-insensitive globs", async () => {
  await withServer(async (_srv, c) => {
    assert.equal(await c.callRaw("CONFIG", "GET", "MAXMEMORY"), "*2\r\n$9\r\nMAXMEMORY\r\n$1\r\n0\r\n");
    assert.equal(await c.callRaw("CONFIG", "GET", "nosuch"), "*0\r\n");
    const max = await getMap(c, "MAX*");
    for (const k of ["maxmemory", "maxclients", "maxmemory-policy", "maxmemory-samples", "maxmemory-clients"]) {
      assert.ok(max.has(k), k);
    }
    for (const k of max.keys()) assert.ok(k.startsWith("max"), k);
    // Several patterns, each directive once, aliases listed alongside canonical names.
    const m = await getMap(c, "*max-*-entries*", "maxmemory", "MAXMEMORY");
    assert.deepEqual(
      [...m.keys()].sort(),
      [
        "hash-max-listpack-entries",
        "hash-max-ziplist-entries",
        "maxmemory",
        "set-max-intset-entries",
        "set-max-listpack-entries",
        "zset-max-listpack-entries",
        "zset-max-ziplist-entries",
      ],
    );
    assert.equal(m.get("hash-max-ziplist-entries"), "512");
  });
});

Deno.test("config get: hidden directives answer only to their exact name", async () => {
  await withServer(async (_srv, c) => {
    assert.equal(await getOne(c, "key-load-delay"), "0");
    assert.equal((await getMap(c, "key-load*")).size, 0);
    assert.ok(!(await getMap(c, "*")).has("rdb-key-save-delay"));
  });
});

Deno.test("config get *: Redis 8.2 directives are all listed with their compiled-in defaults", async () => {
  await withServer(async (_srv, c) => {
    const all = await getMap(c, "*");
    assert.ok(all.size > 200, `only ${all.size} directives`);
    const expect: Record<string, string> = {
      save: "3600 1 300 100 60 10000",
      "client-output-buffer-limit": "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
      "oom-score-adj-values": "0 200 800",
      "latency-tracking-info-percentiles": "50 99 99.9",
      "notify-keyspace-events": "",
      "proto-max-bulk-len": "536870912",
      "unixsocketperm": "0",
      "shutdown-on-sigterm": "default",
      // Added after 7.0:
      "set-max-listpack-entries": "128",
      "set-max-listpack-value": "64",
      "locale-collate": "",
      "hide-user-data-from-log": "no",
      "max-new-connections-per-cycle": "10",
      "server-cpulist": "",
      "server_cpulist": "",
      "replica-full-sync-buffer-limit": "0",
      "cluster-compatibility-sample-ratio": "0",
    };
    for (const [k, v] of Object.entries(expect)) assert.equal(all.get(k), v, k);
    // io-threads-do-reads is no longer a directive in 8.x (a config file may still carry it).
    assert.ok(!all.has("io-threads-do-reads"));
    assert.equal(all.get("dir"), Deno.cwd());
  });
});

Deno.test("config set: values of every type read back in Redis's canonical form", async () => {
  await withServer(async (_srv, c) => {
    const cases: [string, string, string][] = [
      ["maxmemory", "10mb", "10485760"],
      ["maxmemory", "1GB", "1073741824"],
      ["maxmemory", "5K", "5000"],
      ["maxmemory-clients", "10%", "10%"],
      ["appendfsync", "Always", "always"],
      ["loglevel", "WARNING", "warning"],
      ["loglevel", "nothing", "nothing"], // 8.2 (7.0 refuses "nothing")
      ["hz", "600", "500"],
      ["hz", "0", "1"],
      ["repl-backlog-size", "1", "16384"],
      ["notify-keyspace-events", "KEA", "AKE"],
      ["notify-keyspace-events", "KEAmn", "AKEm"],
      ["notify-keyspace-events", "Kgx", "gxK"],
      ["save", "100 10 50 5", "100 10 50 5"],
      ["save", "", ""],
      ["shutdown-on-sigterm", "now nosave", "nosave now"],
      ["shutdown-on-sigterm", "default now", "now"],
      ["latency-tracking-info-percentiles", "50 99.99", "50 99.99"],
      ["latency-tracking-info-percentiles", "", ""],
      ["oom-score-adj-values", "100 50 800", "100 50 800"],
      ["list-max-listpack-size", "-6", "-6"],
      ["hash-max-ziplist-entries", "100", "100"],
      ["activerehashing", "NO", "no"],
      [
        "client-output-buffer-limit",
        "pubsub 64mb 16mb 90",
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 90",
      ],
      ["requirepass", "", ""],
    ];
    for (const [name, value, expected] of cases) {
      assert.equal(await c.call("CONFIG", "SET", name, value), "OK", `${name} ${value}`);
      assert.equal(await getOne(c, name), expected, `${name} ${value}`);
    }
    assert.equal(await getOne(c, "hash-max-listpack-entries"), "100");
  });
});

Deno.test("config set: Redis's error texts", async () => {
  await withServer(async (_srv, c) => {
    const failed = (arg: string, why: string) =>
      `-ERR CONFIG SET failed (possibly related to argument '${arg}') - ${why}\r\n`;
    const cases: [string[], string][] = [
      [["foo", "bar"], "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"],
      [["maxmemory", "1", "foo"], "-ERR syntax error\r\n"],
      [["maxmemory", "10mb", "MaxMemory", "20mb"], failed("MaxMemory", "duplicate parameter")],
      [["maxmemory", "abc"], failed("maxmemory", "argument must be a memory value")],
      [["maxmemory", "-1"], failed("maxmemory", "argument must be a memory value")],
      [["maxmemory", "1.5gb"], failed("maxmemory", "argument must be a memory value")],
      [["maxmemory-clients", "x"], failed("maxmemory-clients", "argument must be a memory or percent value")],
      [["maxmemory-clients", "101%"], failed("maxmemory-clients", "percentage argument must be less or equal to 100")],
      [["hz", "abc"], failed("hz", "argument couldn't be parsed into an integer")],
      [["timeout", "05"], failed("timeout", "argument couldn't be parsed into an integer")],
      [["timeout", "+5"], failed("timeout", "argument couldn't be parsed into an integer")],
      [["hz", "-5"], failed("hz", "argument must be between 0 and 2147483647 inclusive")],
      [["port", "70000"], failed("port", "argument must be between 0 and 65535 inclusive")],
      [["maxclients", "0"], failed("maxclients", "argument must be between 1 and 4294967295 inclusive")],
      [
        ["proto-max-bulk-len", "1000"],
        failed("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive"),
      ],
      [
        ["slowlog-log-slower-than", "-5"],
        failed("slowlog-log-slower-than", "argument must be between -1 and 9223372036854775807 inclusive"),
      ],
      [["maxmemory-samples", "65"], failed("maxmemory-samples", "argument must be between 1 and 64 inclusive")], // 8.2 bound
      [["appendonly", "maybe"], failed("appendonly", "argument must be 'yes' or 'no'")],
      [
        ["maxmemory-policy", "foo"],
        failed(
          "maxmemory-policy",
          "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
        ),
      ],
      [
        ["loglevel", "loud"],
        failed("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning, nothing"),
      ],
      [
        ["shutdown-on-sigterm", "save nosave"],
        failed("shutdown-on-sigterm", "shutdown options SAVE and NOSAVE can't be used simultaneously"),
      ],
      [["save", "10"], failed("save", "Invalid save parameters")],
      [["save", "0 1"], failed("save", "Invalid save parameters")],
      [
        ["notify-keyspace-events", "Z"],
        failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
      ],
      [
        ["client-output-buffer-limit", "normal 1mb 2mb"],
        failed("client-output-buffer-limit", "Wrong number of arguments in buffer limit configuration."),
      ],
      [
        ["client-output-buffer-limit", "master 1mb 2mb 3"],
        failed("client-output-buffer-limit", "Invalid client class specified in buffer limit configuration."),
      ],
      [
        ["client-output-buffer-limit", "normal 1x 2mb 3"],
        failed(
          "client-output-buffer-limit",
          "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
        ),
      ],
      [["oom-score-adj-values", "1 2"], failed("oom-score-adj-values", "wrong number of arguments")],
      [
        ["oom-score-adj-values", "1 2 3000"],
        failed("oom-score-adj-values", "Invalid oom-score-adj-values, elements must be between -2000 and 2000."),
      ],
      [
        ["latency-tracking-info-percentiles", "50 200"],
        failed(
          "latency-tracking-info-percentiles",
          "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
        ),
      ],
      [
        ["latency-tracking-info-percentiles", "a"],
        failed("latency-tracking-info-percentiles", "Invalid latency-tracking-info-percentiles parameters"),
      ],
      [
        ["proc-title-template", "{foo}"],
        failed("proc-title-template", "template format is invalid or contains unknown variables"),
      ],
      [
        ["hash-max-ziplist-entries", "abc"],
        failed("hash-max-ziplist-entries", "argument couldn't be parsed into an integer"),
      ],
      [["daemonize", "yes"], failed("daemonize", "can't set immutable config")],
      [["unixsocketperm", "700"], failed("unixsocketperm", "can't set immutable config")],
      [["replicaof", "no one"], failed("replicaof", "can't set immutable config")],
      [["dir", "/tmp"], failed("dir", "can't set protected config")],
      [["dbfilename", "x.rdb"], failed("dbfilename", "can't set protected config")],
      // The first problem found wins.
      [["daemonize", "yes", "foo", "bar"], failed("daemonize", "can't set immutable config")],
      [["foo", "bar", "daemonize", "yes"], "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"],
    ];
    for (const [args, expected] of cases) {
      assert.equal(await c.callRaw("CONFIG", "SET", ...args), expected, args.join(" "));
    }
    assert.equal(
      await c.callRaw("CONFIG", "SET", "maxmemory"),
      "-ERR wrong number of arguments for 'config|set' command\r\n",
    );
    assert.equal(await c.callRaw("CONFIG", "GET"), "-ERR wrong number of arguments for 'config|get' command\r\n");
  });
});

Deno.test("config set: several parameters are all-or-nothing", async () => {
  await withServer(async (_srv, c) => {
    assert.equal(await c.call("CONFIG", "SET", "maxmemory", "1mb", "hz", "20"), "OK");
    assert.deepEqual(
      await c.callRaw("CONFIG", "SET", "maxmemory", "1gb", "hz", "30", "save", "5 5", "port", "abc"),
      "-ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer\r\n",
    );
    const m = await getMap(c, "maxmemory", "hz", "save");
    assert.equal(m.get("maxmemory"), "1048576");
    assert.equal(m.get("hz"), "20");
    assert.equal(m.get("save"), "3600 1 300 100 60 10000");
  });
});

Deno.test("config set: a refused apply hook (port in use) restores every value", async () => {
  const busy = Deno.listen({ hostname: "0.0.0.0", port: freePort() });
  try {
    await withServer(async (srv, c) => {
      const port = String((busy.addr as Deno.NetAddr).port);
      assert.equal(
        await c.callRaw("CONFIG", "SET", "maxmemory", "7mb", "port", port),
        "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port\r\n",
      );
      const m = await getMap(c, "maxmemory", "port");
      assert.equal(m.get("maxmemory"), "0");
      assert.equal(m.get("port"), String(srv.port));
      assert.equal(await c.call("PING"), "PONG");
    }, { host: "0.0.0.0" });
  } finally {
    busy.close();
  }
});

Deno.test("config set port / bind: the server moves to the new address at once", async () => {
  await withServer(async (srv, c) => {
    const port = freePort();
    assert.equal(await c.call("CONFIG", "SET", "port", String(port)), "OK");
    const moved = await RawClient.connect(port);
    assert.equal(await moved.call("PING"), "PONG");
    await assert.rejects(() => RawClient.connect(srv.port));
    assert.equal(await getOne(moved, "port"), String(port));
    // Same port, other addresses: the old socket is released first.
    assert.equal(await moved.call("CONFIG", "SET", "bind", "127.0.0.1 -::1"), "OK");
    assert.equal(await getOne(moved, "bind"), "127.0.0.1 -::1");
    await new Promise((r) => setTimeout(r, 50));
    const again = await RawClient.connect(port);
    assert.equal(await again.call("PING"), "PONG");
    assert.equal(
      await again.callRaw("CONFIG", "SET", "bind", "192.0.2.1"),
      "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n",
    );
    assert.equal(await getOne(again, "bind"), "127.0.0.1 -::1");
    again.close();
    moved.close();
  });
});

Deno.test("config set: proto-max-bulk-len, client-query-buffer-limit and loglevel take effect", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.call("CONFIG", "SET", "proto-max-bulk-len", "2mb", "client-query-buffer-limit", "3mb"), "OK");
    assert.equal(srv.server.protoMaxBulkLen, 2 * 1024 * 1024);
    assert.equal(srv.server.queryBufferLimit, 3 * 1024 * 1024);
    assert.equal(await c.call("CONFIG", "SET", "loglevel", "debug"), "OK");
    assert.equal(srv.server.log.level, "debug");
    const big = 2 * 1024 * 1024 + 1;
    assert.equal(
      await c.callRaw("SET", "k", "x".repeat(big)),
      "-ERR Protocol error: invalid bulk length\r\n",
    );
  });
});

Deno.test("config set requirepass: new connections must authenticate", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.call("CONFIG", "SET", "requirepass", "s3cret"), "OK");
    const other = await RawClient.connect(srv.port);
    assert.equal(await other.callRaw("GET", "x"), "-NOAUTH Authentication required.\r\n");
    other.close();
    assert.equal(await c.call("CONFIG", "SET", "requirepass", ""), "OK");
  });
});

Deno.test("config set: protected configs follow enable-protected-configs", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-dir-" });
  try {
    await withServer(async (_srv, c) => {
      assert.equal(await c.call("CONFIG", "SET", "dbfilename", "other.rdb"), "OK");
      assert.equal(
        await c.callRaw("CONFIG", "SET", "dbfilename", "a/b.rdb"),
        "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename\r\n",
      );
      assert.equal(
        await c.callRaw("CONFIG", "SET", "dir", dir + "/nonexistent"),
        "-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory\r\n",
      );
      assert.equal(await c.call("CONFIG", "SET", "dir", dir), "OK");
      assert.equal(await getOne(c, "dir"), dir);
      // An embedded server does not move the host process.
      assert.notEqual(Deno.cwd(), dir);
    }, { config: { "enable-protected-configs": "local" } });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("config resetstat clears server and command statistics", async () => {
  await withServer(async (srv, c) => {
    await c.call("SET", "a", "1");
    await c.call("GET", "a");
    await c.callRaw("NOSUCHCMD");
    assert.ok(srv.server.stats.numCommands > 0);
    assert.ok(srv.server.stats.totalErrorReplies > 0);
    assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
    assert.equal(srv.server.stats.totalErrorReplies, 0);
    assert.equal(srv.server.commands.get("get")!.calls, 0);
    assert.equal(srv.server.commands.get("set")!.calls, 0);
    assert.equal(srv.server.stats.errors.size, 0);
  });
});

Deno.test("config help and rewrite without a config file", async () => {
  await withServer(async (_srv, c) => {
    const help = await c.call("CONFIG", "HELP") as string[];
    assert.equal(help[0], "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    assert.equal(help[help.length - 1], "    Prints this help.");
    assert.equal(await c.callRaw("CONFIG", "REWRITE"), "-ERR The server is running without a config file\r\n");
    assert.equal(
      await c.callRaw("CONFIG", "NOPE"),
      "-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n",
    );
  });
});

Deno.test("config set maxclients and timeout apply to the next connection / cron tick", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.call("CONFIG", "SET", "maxclients", "1"), "OK");
    const second = await RawClient.connect(srv.port);
    assert.equal(await second.readRaw(), "-ERR max number of clients reached\r\n");
    second.close();
    assert.equal(await c.call("CONFIG", "SET", "maxclients", "10", "hz", "100", "timeout", "1"), "OK");
    const idle = await RawClient.connect(srv.port);
    assert.equal(await idle.call("PING"), "PONG");
    assert.ok(await idle.waitClosed(4000), "idle client closed by the timeout");
    idle.close();
  });
});
