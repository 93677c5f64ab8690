/**
 * CONFIG compared byte for byte with Debian's redis-server 7.0 (the oracle). Where Redis 8.2 differs
 * from 7.0 the difference is listed and asserted from the 8.2 documentation instead.
 */
import assert from "node:assert/strict";
import { assertSameReplies, differential, haveRedis, Oracle, replay, type Script } from "../helpers/oracle.ts";
import { startServer } from "../../src/mod.ts";
import { RawClient, type RespValue } from "../helpers/resp.ts";

const skip = !haveRedis();

/** Directives whose CONFIG GET text is compared one by one (defaults identical in 7.0 and 8.2). */
const SAME_DEFAULTS = [
  "maxmemory",
  "maxmemory-policy",
  "maxmemory-samples",
  "maxmemory-clients",
  "maxclients",
  "timeout",
  "tcp-keepalive",
  "tcp-backlog",
  "hz",
  "dynamic-hz",
  "databases",
  "loglevel",
  "logfile",
  "pidfile",
  "unixsocket",
  "unixsocketperm",
  "protected-mode",
  "requirepass",
  "appendonly",
  "appendfsync",
  "appendfilename",
  "appenddirname",
  "auto-aof-rewrite-min-size",
  "dbfilename",
  "rdbcompression",
  "rdbchecksum",
  "stop-writes-on-bgsave-error",
  "client-output-buffer-limit",
  "client-query-buffer-limit",
  "proto-max-bulk-len",
  "notify-keyspace-events",
  "hash-max-listpack-entries",
  "hash-max-ziplist-entries",
  "hash-max-listpack-value",
  "list-max-listpack-size",
  "list-compress-depth",
  "set-max-intset-entries",
  "zset-max-listpack-entries",
  "zset-max-ziplist-value",
  "stream-node-max-bytes",
  "stream-node-max-entries",
  "hll-sparse-max-bytes",
  "repl-backlog-size",
  "repl-diskless-sync",
  "repl-diskless-load",
  "replica-read-only",
  "slave-read-only",
  "replicaof",
  "slaveof",
  "slowlog-log-slower-than",
  "slowlog-max-len",
  "latency-tracking-info-percentiles",
  "oom-score-adj",
  "oom-score-adj-values",
  "shutdown-on-sigterm",
  "shutdown-timeout",
  "busy-reply-threshold",
  "lua-time-limit",
  "lazyfree-lazy-user-flush",
  "active-expire-effort",
  "activedefrag",
  "active-defrag-ignore-bytes",
  "cluster-enabled",
  "cluster-node-timeout",
  "cluster-config-file",
  "tls-port",
  "tls-session-cache-size",
  "enable-debug-command",
  "enable-protected-configs",
  "proc-title-template",
  "acl-pubsub-default",
  "sanitize-dump-payload",
  "supervised",
  "syslog-facility",
  "key-load-delay",
  "MAXMEMORY",
  "Maxmemory-Policy",
  "no-such-directive",
];

const SAME_CONFIG = { save: "", "enable-debug-command": "yes" };

Deno.test({
  name: "config differential: CONFIG GET of single directives",
  ignore: skip,
  fn: async () => {
    const script: Script = SAME_DEFAULTS.map((n) => ["CONFIG", "GET", n]);
    // Several patterns naming one directive answer it once (Redis orders several matches by its hash
    // table, so multi-directive replies are compared as maps in config_command_test.ts).
    script.push(["CONFIG", "GET", "maxmemory", "MAXMEMORY", "maxmemory"], ["CONFIG", "GET", "maxmemory-polic?"]);
    assertSameReplies(script, await differential(script, { config: SAME_CONFIG }));
  },
});

Deno.test({
  name: "config differential: CONFIG SET round trips and errors",
  ignore: skip,
  fn: async () => {
    const script: Script = [
      ["CONFIG", "SET", "maxmemory", "10mb"],
      ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory", "5K"],
      ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory", "1GB", "hz", "600"],
      ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "GET", "hz"],
      ["CONFIG", "SET", "hz", "0"],
      ["CONFIG", "GET", "hz"],
      ["CONFIG", "SET", "maxmemory", "10mb", "maxmemory", "20mb"],
      ["CONFIG", "SET", "MAXMEMORY", "10mb", "MaxMemory", "20mb"],
      ["CONFIG", "SET", "foo", "bar"],
      ["CONFIG", "SET", "foo", "bar", "daemonize", "yes"],
      ["CONFIG", "SET", "daemonize", "yes", "foo", "bar"],
      ["CONFIG", "SET", "a", "b", "c"],
      ["CONFIG", "SET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory", "abc"],
      ["CONFIG", "SET", "maxmemory", "-1"],
      ["CONFIG", "SET", "maxmemory", "1.5gb"],
      ["CONFIG", "SET", "hz", "abc"],
      ["CONFIG", "SET", "hz", "-5"],
      ["CONFIG", "SET", "timeout", "05"],
      ["CONFIG", "SET", "timeout", "+5"],
      ["CONFIG", "SET", "timeout", " 5"],
      ["CONFIG", "SET", "tcp-keepalive", "1.5"],
      ["CONFIG", "SET", "port", "70000"],
      ["CONFIG", "SET", "maxclients", "0"],
      ["CONFIG", "SET", "proto-max-bulk-len", "1000"],
      ["CONFIG", "SET", "client-query-buffer-limit", "100"],
      ["CONFIG", "SET", "slowlog-log-slower-than", "-5"],
      ["CONFIG", "SET", "busy-reply-threshold", "-1"],
      ["CONFIG", "SET", "lfu-log-factor", "-1"],
      ["CONFIG", "SET", "active-expire-effort", "11"],
      ["CONFIG", "SET", "appendonly", "maybe"],
      ["CONFIG", "SET", "maxmemory-policy", "foo"],
      ["CONFIG", "SET", "appendfsync", "Always"],
      ["CONFIG", "GET", "appendfsync"],
      ["CONFIG", "SET", "loglevel", "WARNING"],
      ["CONFIG", "GET", "loglevel"],
      ["CONFIG", "SET", "maxmemory-clients", "10%"],
      ["CONFIG", "GET", "maxmemory-clients"],
      ["CONFIG", "SET", "maxmemory-clients", "abc"],
      ["CONFIG", "SET", "notify-keyspace-events", "KEA"],
      ["CONFIG", "GET", "notify-keyspace-events"],
      ["CONFIG", "SET", "notify-keyspace-events", "KEAmn"],
      ["CONFIG", "GET", "notify-keyspace-events"],
      ["CONFIG", "SET", "notify-keyspace-events", "Elgx$"],
      ["CONFIG", "GET", "notify-keyspace-events"],
      ["CONFIG", "SET", "notify-keyspace-events", "Z"],
      ["CONFIG", "SET", "save", "10 2 abc"],
      ["CONFIG", "SET", "save", "10"],
      ["CONFIG", "SET", "save", "100 10 50 5"],
      ["CONFIG", "GET", "save"],
      ["CONFIG", "SET", "save", ""],
      ["CONFIG", "GET", "save"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb 3"],
      ["CONFIG", "GET", "client-output-buffer-limit"],
      ["CONFIG", "SET", "client-output-buffer-limit", "replica 1mb 2mb 3 pubsub 0 0 0"],
      ["CONFIG", "GET", "client-output-buffer-limit"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb"],
      ["CONFIG", "SET", "client-output-buffer-limit", "master 1mb 2mb 3"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb -3"],
      ["CONFIG", "SET", "oom-score-adj-values", "1 2"],
      ["CONFIG", "SET", "oom-score-adj-values", "100 50 800"],
      ["CONFIG", "GET", "oom-score-adj-values"],
      ["CONFIG", "SET", "oom-score-adj-values", "1 2 5000"],
      ["CONFIG", "SET", "latency-tracking-info-percentiles", "50 200"],
      ["CONFIG", "SET", "latency-tracking-info-percentiles", "0.5 99.999 100"],
      ["CONFIG", "GET", "latency-tracking-info-percentiles"],
      ["CONFIG", "SET", "latency-tracking-info-percentiles", ""],
      ["CONFIG", "GET", "latency-tracking-info-percentiles"],
      ["CONFIG", "SET", "shutdown-on-sigterm", "now nosave"],
      ["CONFIG", "GET", "shutdown-on-sigterm"],
      ["CONFIG", "SET", "shutdown-on-sigterm", "default now"],
      ["CONFIG", "GET", "shutdown-on-sigterm"],
      ["CONFIG", "SET", "shutdown-on-sigterm", "save nosave"],
      ["CONFIG", "SET", "shutdown-on-sigterm", "foo"],
      ["CONFIG", "SET", "list-max-listpack-size", "-6"],
      ["CONFIG", "GET", "list-max-ziplist-size"],
      ["CONFIG", "SET", "hash-max-ziplist-entries", "100"],
      ["CONFIG", "GET", "hash-max-listpack-entries"],
      ["CONFIG", "SET", "hash-max-ziplist-entries", "abc"],
      ["CONFIG", "SET", "repl-backlog-size", "1"],
      ["CONFIG", "GET", "repl-backlog-size"],
      ["CONFIG", "SET", "proc-title-template", "{foo}"],
      ["CONFIG", "SET", "proc-title-template", "{title}"],
      ["CONFIG", "SET", "proc-title-template", "{title} {port}"],
      ["CONFIG", "GET", "proc-title-template"],
      ["CONFIG", "SET", "unixsocketperm", "700"],
      ["CONFIG", "SET", "replicaof", "no one"],
      ["CONFIG", "SET", "supervised", "auto"],
      ["CONFIG", "SET", "dir", "/tmp"],
      ["CONFIG", "SET", "dbfilename", "x.rdb"],
      ["CONFIG", "SET", "requirepass", ""],
      ["CONFIG", "SET", "maxmemory", "1gb", "hz", "20", "port", "abc"],
      ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "GET", "hz"],
      ["CONFIG", "SET", "key-load-delay", "5"],
      ["CONFIG", "GET", "key-load-delay"],
      ["CONFIG", "HELP"],
      ["CONFIG", "RESETSTAT"],
      ["CONFIG", "REWRITE"],
      ["CONFIG", "NOPE"],
      ["CONFIG"],
      ["CONFIG", "GET"],
    ];
    assertSameReplies(script, await differential(script, { config: SAME_CONFIG }));
  },
});

/** CONFIG GET * as a map (key → value) over a fresh connection. */
async function allConfigs(port: number): Promise<Map<string, string>> {
  const c = await RawClient.connect(port);
  try {
    const r = await c.call("CONFIG", "GET", "*") as RespValue[];
    const m = new Map<string, string>();
    for (let i = 0; i < r.length; i += 2) m.set(r[i] as string, r[i + 1] as string);
    return m;
  } finally {
    c.close();
  }
}

Deno.test({
  name: "config differential: CONFIG GET * lists every 7.0 directive with the same default",
  ignore: skip,
  fn: async () => {
    const ours = await startServer({ config: SAME_CONFIG });
    const oracle = await Oracle.start();
    try {
      const mine = await allConfigs(ours.port);
      const theirs = await allConfigs(oracle.port);
      // Differences that come from how each server was started, not from defaults.
      const startup = new Set(["dir", "port", "bind"]);
      // Removed in 8.0 ("no longer effective"); a config file may still carry it.
      const removed = new Set(["io-threads-do-reads"]);
      for (const [k, v] of theirs) {
        if (startup.has(k) || removed.has(k)) continue;
        assert.ok(mine.has(k), `missing directive ${k}`);
        assert.equal(mine.get(k), v, `default of ${k}`);
      }
      // 7.2 – 8.2 additions, from the release notes and redis.conf of those versions.
      const added = [
        "locale-collate",
        "set-max-listpack-entries",
        "set-max-listpack-value",
        "cluster-announce-human-nodename",
        "hide-user-data-from-log",
        "max-new-connections-per-cycle",
        "max-new-tls-connections-per-cycle",
        "server-cpulist",
        "bio-cpulist",
        "aof-rewrite-cpulist",
        "bgsave-cpulist",
        "replica-full-sync-buffer-limit",
        "cluster-compatibility-sample-ratio",
        "repl-rdb-channel",
        "cluster-slot-stats-enabled",
      ];
      for (const k of mine.keys()) {
        if (theirs.has(k) || startup.has(k)) continue;
        assert.ok(added.includes(k), `unexpected directive ${k}`);
      }
      for (const k of added) assert.ok(mine.has(k), `8.2 directive ${k}`);
    } finally {
      await ours.close();
      await oracle.stop();
    }
  },
});

Deno.test({
  name: "config differential: RESP3 CONFIG GET is a map",
  ignore: skip,
  fn: async () => {
    const ours = await startServer({ config: SAME_CONFIG });
    const oracle = await Oracle.start();
    try {
      const script: Script = [["HELLO", "3"], ["CONFIG", "GET", "maxmemory"], ["CONFIG", "GET", "nothing-here"]];
      const mine = await replay(ours.port, script);
      const theirs = await replay(oracle.port, script);
      assert.equal(mine[1], theirs[1]);
      assert.equal(mine[1], "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
      assert.equal(mine[2], theirs[2]);
    } finally {
      await ours.close();
      await oracle.stop();
    }
  },
});
