/**
 * The config table: every directive Redis 8.2 knows, with its type, default, bounds and apply hook.
 * Directives of features not built yet are still listed so real redis.conf files load and CONFIG GET
 * answers them.
 */
import type { ConfigDef } from "./types.ts";

const INT_MAX = 2147483647;
const LONG_MAX = Number.MAX_SAFE_INTEGER;

export const CONFIG_TABLE: ConfigDef[] = [
  { name: "port", type: "int", default: "6379", min: 0, max: 65535, immutable: false },
  {
    name: "bind",
    type: "special",
    default: "* -::*",
    parse: (raw) => raw.length === 0 ? { error: "wrong number of arguments" } : raw,
  },
  { name: "unixsocket", type: "string", default: "", immutable: true },
  { name: "unixsocketperm", type: "int", default: "0", min: 0, max: 0o777, immutable: true },
  { name: "protected-mode", type: "bool", default: "yes" },
  { name: "requirepass", type: "string", default: "", sensitive: true },
  { name: "databases", type: "int", default: "16", min: 1, max: INT_MAX, immutable: true },
  { name: "hz", type: "int", default: "10", min: 0, max: INT_MAX },
  { name: "maxclients", type: "int", default: "10000", min: 1, max: LONG_MAX },
  { name: "timeout", type: "int", default: "0", min: 0, max: INT_MAX },
  { name: "tcp-keepalive", type: "int", default: "300", min: 0, max: INT_MAX },
  { name: "proto-max-bulk-len", type: "memory", default: "536870912", min: 1024 * 1024, max: LONG_MAX },
  { name: "client-query-buffer-limit", type: "memory", default: "1073741824", min: 1024 * 1024, max: LONG_MAX },
  { name: "loglevel", type: "enum", default: "notice", values: ["debug", "verbose", "notice", "warning", "nothing"] },
  { name: "logfile", type: "string", default: "", immutable: true },
  { name: "pidfile", type: "string", default: "", immutable: true },
  { name: "daemonize", type: "bool", default: "no", immutable: true },
  { name: "always-show-logo", type: "bool", default: "no", immutable: true },
  { name: "enable-debug-command", type: "enum", default: "no", values: ["no", "yes", "local"], immutable: true },
  { name: "dir", type: "string", default: "." },
  { name: "dbfilename", type: "string", default: "dump.rdb" },
  { name: "maxmemory", type: "memory", default: "0", min: 0, max: LONG_MAX },
  {
    name: "maxmemory-policy",
    type: "enum",
    default: "noeviction",
    values: [
      "volatile-lru",
      "volatile-lfu",
      "volatile-random",
      "volatile-ttl",
      "allkeys-lru",
      "allkeys-lfu",
      "allkeys-random",
      "noeviction",
    ],
  },
  { name: "active-expire-effort", type: "int", default: "1", min: 1, max: 10 },
];
