/**
 * Config table, data half: persistence (RDB, AOF), replication, cluster, memory and eviction, lazy
 * freeing, defragmentation and the encoding thresholds of Redis 8.2 (defaults and bounds as Redis's
 * config.c compiles them in — e.g. hash-max-listpack-entries is 512 there, not redis.conf's 128).
 */
import type { ConfigDef } from "./types.ts";
import { bool, enm, int, INT_MAX, INT_MIN, LONG_MAX, mem, str, ULLONG_MAX } from "./defs.ts";
import { baseNameOnly, validHostname, validNodename } from "./special.ts";

const POLICIES = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "noeviction",
];

export const DATA_CONFIGS: ConfigDef[] = [
  // ---- RDB
  bool("stop-writes-on-bgsave-error", true),
  bool("rdbcompression", true),
  bool("rdbchecksum", true, { immutable: true }),
  bool("rdb-del-sync-files", false),
  bool("rdb-save-incremental-fsync", true),
  str("dbfilename", "dump.rdb", {
    protected: true,
    validate: baseNameOnly("dbfilename can't be a path, just a filename"),
  }),
  int("rdb-key-save-delay", 0, INT_MIN, INT_MAX, { hidden: true }),
  int("key-load-delay", 0, INT_MIN, INT_MAX, { hidden: true }),

  // ---- AOF
  bool("appendonly", false),
  str("appendfilename", "appendonly.aof", {
    immutable: true,
    validate: baseNameOnly("appendfilename can't be a path, just a filename"),
  }),
  str("appenddirname", "appendonlydir", {
    immutable: true,
    validate: baseNameOnly("appenddirname can't be a path, just a dirname"),
  }),
  enm("appendfsync", "everysec", ["everysec", "always", "no"]),
  bool("no-appendfsync-on-rewrite", false),
  int("auto-aof-rewrite-percentage", 100, 0, INT_MAX),
  mem("auto-aof-rewrite-min-size", "64mb", 0, LONG_MAX),
  bool("aof-load-truncated", true),
  bool("aof-use-rdb-preamble", true),
  bool("aof-timestamp-enabled", false),
  bool("aof-rewrite-incremental-fsync", true),
  bool("aof-disable-auto-gc", false),

  // ---- replication
  str("masterauth", "", { sensitive: true, emptyIsNull: true }),
  str("masteruser", "", { sensitive: true, emptyIsNull: true }),
  bool("replica-serve-stale-data", true, { aliases: ["slave-serve-stale-data"] }),
  bool("replica-read-only", true, { aliases: ["slave-read-only"] }),
  bool("repl-diskless-sync", true),
  int("repl-diskless-sync-delay", 5, 0, INT_MAX),
  int("repl-diskless-sync-max-replicas", 0, 0, INT_MAX),
  enm("repl-diskless-load", "disabled", ["disabled", "on-empty-db", "swapdb", "flush-before-load"]),
  bool("repl-rdb-channel", false),
  int("repl-ping-replica-period", 10, 1, INT_MAX, { aliases: ["repl-ping-slave-period"] }),
  int("repl-timeout", 60, 1, INT_MAX),
  bool("repl-disable-tcp-nodelay", false),
  mem("repl-backlog-size", "1mb", 1, LONG_MAX, { normalize: (v) => Math.max(16 * 1024, Number(v)) }),
  int("repl-backlog-ttl", 3600, 0, LONG_MAX),
  mem("replica-full-sync-buffer-limit", "0", 0, LONG_MAX),
  int("replica-priority", 100, 0, INT_MAX, { aliases: ["slave-priority"] }),
  bool("replica-announced", true),
  bool("replica-lazy-flush", false, { aliases: ["slave-lazy-flush"] }),
  bool("replica-ignore-maxmemory", true, { aliases: ["slave-ignore-maxmemory"] }),
  bool("replica-ignore-disk-write-errors", false),
  int("min-replicas-to-write", 0, 0, INT_MAX, { aliases: ["min-slaves-to-write"] }),
  int("min-replicas-max-lag", 10, 0, INT_MAX, { aliases: ["min-slaves-max-lag"] }),
  str("replica-announce-ip", "", { aliases: ["slave-announce-ip"], emptyIsNull: true }),
  int("replica-announce-port", 0, 0, 65535, { aliases: ["slave-announce-port"] }),
  enm("propagation-error-behavior", "ignore", ["ignore", "panic", "panic-on-replicas"]),

  // ---- cluster
  bool("cluster-enabled", false, { immutable: true }),
  str("cluster-config-file", "nodes.conf", { immutable: true }),
  int("cluster-node-timeout", 15000, 0, LONG_MAX),
  int("cluster-port", 0, 0, 65535, { immutable: true }),
  int("cluster-replica-validity-factor", 10, 0, INT_MAX, { aliases: ["cluster-slave-validity-factor"] }),
  int("cluster-migration-barrier", 1, 0, INT_MAX),
  bool("cluster-allow-replica-migration", true),
  bool("cluster-require-full-coverage", true),
  bool("cluster-replica-no-failover", false, { aliases: ["cluster-slave-no-failover"] }),
  bool("cluster-allow-reads-when-down", false),
  bool("cluster-allow-pubsubshard-when-down", true),
  mem("cluster-link-sendbuf-limit", "0", 0, ULLONG_MAX),
  str("cluster-announce-ip", "", { emptyIsNull: true }),
  int("cluster-announce-port", 0, 0, 65535),
  int("cluster-announce-bus-port", 0, 0, 65535),
  int("cluster-announce-tls-port", 0, 0, 65535),
  str("cluster-announce-hostname", "", { emptyIsNull: true, validate: validHostname }),
  str("cluster-announce-human-nodename", "", { emptyIsNull: true, validate: validNodename }),
  enm("cluster-preferred-endpoint-type", "ip", ["ip", "hostname", "unknown-endpoint"]),
  int("cluster-compatibility-sample-ratio", 0, 0, 100),
  bool("cluster-slot-stats-enabled", false),

  // ---- memory and eviction
  mem("maxmemory", "0", 0, ULLONG_MAX),
  enm("maxmemory-policy", "noeviction", POLICIES),
  int("maxmemory-samples", 5, 1, 64),
  int("maxmemory-eviction-tenacity", 10, 0, 100),
  mem("maxmemory-clients", "0", -100, LONG_MAX, { percent: true }),
  int("lfu-log-factor", 10, 0, INT_MAX),
  int("lfu-decay-time", 1, 0, INT_MAX),
  int("active-expire-effort", 1, 1, 10),

  // ---- lazy freeing
  bool("lazyfree-lazy-eviction", false),
  bool("lazyfree-lazy-expire", false),
  bool("lazyfree-lazy-server-del", false),
  bool("lazyfree-lazy-user-del", false),
  bool("lazyfree-lazy-user-flush", false),

  // ---- active defragmentation
  bool("activedefrag", false),
  mem("active-defrag-ignore-bytes", "100mb", 1, LONG_MAX),
  int("active-defrag-threshold-lower", 10, 0, 1000),
  int("active-defrag-threshold-upper", 100, 0, 1000),
  int("active-defrag-cycle-min", 1, 1, 99),
  int("active-defrag-cycle-max", 25, 1, 99),
  int("active-defrag-max-scan-fields", 1000, 1, LONG_MAX),

  // ---- encodings and data structure limits
  int("hash-max-listpack-entries", 512, 0, LONG_MAX, { aliases: ["hash-max-ziplist-entries"] }),
  mem("hash-max-listpack-value", "64", 0, LONG_MAX, { aliases: ["hash-max-ziplist-value"] }),
  int("list-max-listpack-size", -2, INT_MIN, INT_MAX, { aliases: ["list-max-ziplist-size"] }),
  int("list-compress-depth", 0, 0, INT_MAX),
  int("set-max-intset-entries", 512, 0, LONG_MAX),
  int("set-max-listpack-entries", 128, 0, LONG_MAX),
  mem("set-max-listpack-value", "64", 0, LONG_MAX),
  int("zset-max-listpack-entries", 128, 0, LONG_MAX, { aliases: ["zset-max-ziplist-entries"] }),
  mem("zset-max-listpack-value", "64", 0, LONG_MAX, { aliases: ["zset-max-ziplist-value"] }),
  mem("hll-sparse-max-bytes", "3000", 0, LONG_MAX),
  mem("stream-node-max-bytes", "4kb", 0, LONG_MAX),
  int("stream-node-max-entries", 100, 0, LONG_MAX),
  bool("activerehashing", true),
];
