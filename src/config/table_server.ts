/**
 * Config table, server half: network, general, logging, security, client limits, threads, TLS and
 * the other process-level directives of Redis 8.2's redis.conf (defaults and bounds as Redis's
 * config.c compiles them in).
 */
import type { ConfigDef } from "./types.ts";
import { bool, enm, int, INT_MAX, LONG_MAX, mem, str, UINT_MAX } from "./defs.ts";
import { validProcTitleTemplate, validShutdownFlags } from "./special.ts";

const SHUTDOWN_FLAGS = ["default", "save", "nosave", "now", "force"];
const PROTECTED_ACTION = ["no", "yes", "local"];

export const SERVER_CONFIGS: ConfigDef[] = [
  // ---- network
  int("port", 6379, 0, 65535),
  int("tcp-backlog", 511, 0, INT_MAX, { immutable: true }),
  str("unixsocket", "", { immutable: true, emptyIsNull: true }),
  int("unixsocketperm", 0, 0, 0o777, { immutable: true, octal: true }),
  int("timeout", 0, 0, INT_MAX),
  int("tcp-keepalive", 300, 0, INT_MAX),
  bool("protected-mode", true),
  int("socket-mark-id", 0, 0, UINT_MAX),
  str("bind-source-addr", "", { emptyIsNull: true }),
  int("max-new-connections-per-cycle", 10, 1, 1000),
  int("max-new-tls-connections-per-cycle", 1, 1, 1000),

  // ---- general
  bool("daemonize", false, { immutable: true }),
  enm("supervised", "no", ["upstart", "systemd", "auto", "no"], { immutable: true }),
  str("pidfile", "", { immutable: true, emptyIsNull: true }),
  enm("loglevel", "notice", ["debug", "verbose", "notice", "warning", "nothing"]),
  str("logfile", "", { immutable: true }),
  bool("syslog-enabled", false, { immutable: true }),
  str("syslog-ident", "redis", { immutable: true }),
  enm("syslog-facility", "local0", [
    "user",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
  ], { immutable: true }),
  bool("crash-log-enabled", true),
  bool("crash-memcheck-enabled", true),
  int("databases", 16, 1, INT_MAX, { immutable: true }),
  bool("always-show-logo", false, { immutable: true }),
  bool("set-proc-title", true, { immutable: true }),
  str("proc-title-template", "{title} {listen-addr} {server-mode}", { validate: validProcTitleTemplate }),
  str("locale-collate", ""),
  bool("hide-user-data-from-log", false),
  enm("enable-protected-configs", "no", PROTECTED_ACTION, { immutable: true }),
  enm("enable-debug-command", "no", PROTECTED_ACTION, { immutable: true }),
  enm("enable-module-command", "no", PROTECTED_ACTION, { immutable: true }),
  str("ignore-warnings", ""),
  int("hz", 10, 0, INT_MAX, { normalize: (v) => Math.max(1, Math.min(500, v as number)) }),
  bool("dynamic-hz", true),
  int("shutdown-timeout", 10, 0, INT_MAX),
  enm("shutdown-on-sigint", "default", SHUTDOWN_FLAGS, { multi: true, multiArg: true, validate: validShutdownFlags }),
  enm("shutdown-on-sigterm", "default", SHUTDOWN_FLAGS, {
    multi: true,
    multiArg: true,
    validate: validShutdownFlags,
  }),
  bool("use-exit-on-panic", false, { hidden: true }),
  int("watchdog-period", 0, 0, INT_MAX, { hidden: true }),
  bool("disable-thp", true),
  bool("jemalloc-bg-thread", true),
  enm("oom-score-adj", "no", ["no", "yes", "relative", "absolute"]),

  // ---- security
  str("requirepass", "", { sensitive: true, emptyIsNull: true }),
  str("aclfile", "", { immutable: true }),
  int("acllog-max-len", 128, 0, LONG_MAX),
  enm("acl-pubsub-default", "resetchannels", ["allchannels", "resetchannels"]),
  enm("sanitize-dump-payload", "no", ["no", "yes", "clients"]),

  // ---- clients and limits
  int("maxclients", 10000, 1, UINT_MAX),
  mem("client-query-buffer-limit", "1gb", 1024 * 1024, LONG_MAX),
  mem("proto-max-bulk-len", "512mb", 1024 * 1024, LONG_MAX),
  int("tracking-table-max-keys", 1000000, 0, LONG_MAX),
  int("busy-reply-threshold", 5000, 0, LONG_MAX, { aliases: ["lua-time-limit"] }),

  // ---- threads and CPU affinity
  int("io-threads", 1, 1, 128, { immutable: true }),
  str("server-cpulist", "", { aliases: ["server_cpulist"], immutable: true, emptyIsNull: true }),
  str("bio-cpulist", "", { aliases: ["bio_cpulist"], immutable: true, emptyIsNull: true }),
  str("aof-rewrite-cpulist", "", { aliases: ["aof_rewrite_cpulist"], immutable: true, emptyIsNull: true }),
  str("bgsave-cpulist", "", { aliases: ["bgsave_cpulist"], immutable: true, emptyIsNull: true }),

  // ---- observability
  int("slowlog-log-slower-than", 10000, -1, LONG_MAX),
  int("slowlog-max-len", 128, 0, LONG_MAX),
  int("latency-monitor-threshold", 0, 0, LONG_MAX),
  bool("latency-tracking", true),

  // ---- TLS
  int("tls-port", 0, 0, 65535),
  str("tls-cert-file", ""),
  str("tls-key-file", ""),
  str("tls-key-file-pass", "", { sensitive: true }),
  str("tls-client-cert-file", ""),
  str("tls-client-key-file", ""),
  str("tls-client-key-file-pass", "", { sensitive: true }),
  str("tls-dh-params-file", ""),
  str("tls-ca-cert-file", ""),
  str("tls-ca-cert-dir", ""),
  str("tls-protocols", ""),
  str("tls-ciphers", ""),
  str("tls-ciphersuites", ""),
  enm("tls-auth-clients", "yes", ["no", "yes", "optional"]),
  bool("tls-replication", false),
  bool("tls-cluster", false),
  bool("tls-prefer-server-ciphers", false),
  bool("tls-session-caching", true),
  int("tls-session-cache-size", 20 * 1024, 0, INT_MAX),
  int("tls-session-cache-timeout", 300, 0, INT_MAX),
];
