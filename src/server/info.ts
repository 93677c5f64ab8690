/**
 * INFO: Redis 8.2's sections and field names, in Redis's order, built from the server's live state.
 *
 * Fields owned by subsystems that are not here yet (persistence, replication, pub/sub, WATCH, blocking,
 * tracking, ACL…) start as Redis's idle values; those subsystems supply the live value with
 * `provideInfoField()` and extra lines (replica list, AOF details, latency percentiles…) with
 * `provideInfoLines()`, without touching this module.
 */
import process from "node:process";
import { REDIS_VERSION, type Server, SERVER_VERSION } from "./server.ts";
import type { Command } from "../commands/table.ts";
import { hashesWithFieldTtl } from "../db/field_expire.ts";
import { cachedScriptCount, functionCounts } from "../script/state.ts";

/** A field's printed value. */
export type InfoValue = string | number;
type Fields = [string, InfoValue][];

/** Every section in output order: [lowercase name, title, part of "default"]. */
const SECTIONS: [string, string, boolean][] = [
  ["server", "Server", true],
  ["clients", "Clients", true],
  ["memory", "Memory", true],
  ["persistence", "Persistence", true],
  ["threads", "Threads", true],
  ["stats", "Stats", true],
  ["replication", "Replication", true],
  ["cpu", "CPU", true],
  ["modules", "Modules", true],
  ["commandstats", "Commandstats", false],
  ["errorstats", "Errorstats", true],
  ["latencystats", "Latencystats", false],
  ["cluster", "Cluster", true],
  ["keyspace", "Keyspace", true],
];

const fieldProviders = new Map<string, (s: Server) => InfoValue>();
const lineProviders = new Map<string, ((s: Server) => string[])[]>();

/** Makes INFO print `fn(server)` for field `name` instead of its placeholder (e.g. "pubsub_channels"). */
export function provideInfoField(name: string, fn: (s: Server) => InfoValue): void {
  fieldProviders.set(name, fn);
}

/** Appends the lines `fn(server)` returns ("name:value", no CRLF) at the end of `section`. */
export function provideInfoLines(section: string, fn: (s: Server) => string[]): void {
  const list = lineProviders.get(section) ?? [];
  list.push(fn);
  lineProviders.set(section, list);
}

/** The value INFO reports for a field that a subsystem may provide (e.g. "role"), else `fallback`. */
export function infoField(s: Server, name: string, fallback: InfoValue): InfoValue {
  const fn = fieldProviders.get(name);
  return fn ? fn(s) : fallback;
}

/**
 * Builds the INFO text for the requested section names (any case; "default", "all", "everything"
 * included). No names means "default". Unknown names select nothing, as in Redis.
 */
export function infoText(s: Server, names: readonly string[]): string {
  const wanted = new Set<string>();
  if (names.length === 0) names = ["default"];
  for (const raw of names) {
    const n = raw.toLowerCase();
    if (n === "default") {
      for (const [name, , dflt] of SECTIONS) if (dflt) wanted.add(name);
    } else if (n === "all" || n === "everything") {
      for (const [name] of SECTIONS) wanted.add(name);
    } else if (n === "module_list") {
      wanted.add("modules");
    } else {
      wanted.add(n);
    }
  }
  let out = "";
  let count = 0;
  for (const [name, title] of SECTIONS) {
    if (!wanted.has(name)) continue;
    if (count++ > 0) out += "\r\n";
    out += "# " + title + "\r\n";
    for (const [field, value] of sectionFields(s, name)) {
      const p = fieldProviders.get(field);
      out += field + ":" + (p ? p(s) : value) + "\r\n";
    }
    for (const fn of lineProviders.get(name) ?? []) {
      for (const line of fn(s)) out += line + "\r\n";
    }
  }
  return out;
}

function sectionFields(s: Server, name: string): Fields {
  switch (name) {
    case "server":
      return serverFields(s);
    case "clients":
      return clientsFields(s);
    case "memory":
      return memoryFields(s);
    case "persistence":
      return persistenceFields(s);
    case "threads":
      return [[
        "io_thread_0",
        `clients=${s.clients.size},reads=${s.stats.ioReadsProcessed},writes=${s.stats.ioWritesProcessed}`,
      ]];
    case "stats":
      return statsFields(s);
    case "replication":
      return replicationFields(s);
    case "cpu":
      return cpuFields();
    case "commandstats":
      return commandStatsFields(s);
    case "errorstats":
      return [...s.stats.errors.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([code, n]) => ["errorstat_" + code, "count=" + n]);
    case "cluster":
      return [["cluster_enabled", configValue(s, "cluster-enabled") === true ? 1 : 0]];
    case "keyspace":
      return keyspaceFields(s);
    default:
      return []; // modules, latencystats: filled by providers when they exist
  }
}

// ---- helpers ------------------------------------------------------------------------------------

/** A config value by name, or undefined when the directive is not in the table (yet). */
export function configValue(s: Server, name: string): unknown {
  const def = s.config.lookup(name);
  return def ? s.config.get(def.name) : undefined;
}

/** Redis's bytesToHuman: "943.06K", "11.72M", "0B". */
export function bytesToHuman(n: number): string {
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return `${n}B`;
  let d = n / 1024;
  for (const u of units) {
    if (d < 1024 || u === "P") return `${d.toFixed(2)}${u}`;
    d /= 1024;
  }
  return `${n}B`;
}

function fixed2(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : "0.00";
}

/** A stable 16-hex-digit build id derived from our version (Redis derives it from its build). */
function buildId(): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of "redeno-" + SERVER_VERSION) {
    h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

function execPath(): string {
  try {
    return Deno.execPath();
  } catch {
    return "";
  }
}

function osLine(): string {
  const sys = Deno.build.os === "linux"
    ? "Linux"
    : Deno.build.os === "darwin"
    ? "Darwin"
    : Deno.build.os === "windows"
    ? "Windows"
    : Deno.build.os;
  let release = "";
  try {
    release = Deno.osRelease();
  } catch {
    // no --allow-sys
  }
  return `${sys} ${release} ${Deno.build.arch}`;
}

// ---- sections -----------------------------------------------------------------------------------

function serverFields(s: Server): Fields {
  const now = Date.now();
  const uptime = Math.floor((now - s.startTime) / 1000);
  const port = s.boundTcp[0]?.port ?? (configValue(s, "port") as number ?? 0);
  const hz = (configValue(s, "hz") as number) ?? 10;
  const f: Fields = [
    ["redis_version", REDIS_VERSION],
    ["redeno_version", SERVER_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", buildId()],
    ["redis_mode", configValue(s, "cluster-enabled") === true ? "cluster" : "standalone"],
    ["os", osLine()],
    ["arch_bits", 64],
    ["monotonic_clock", "POSIX clock_gettime"],
    ["multiplexing_api", Deno.build.os === "darwin" ? "kqueue" : "epoll"],
    ["atomicvar_api", "c11-builtin"],
    ["gcc_version", "0.0.0"],
    ["process_id", Deno.pid],
    ["process_supervised", "no"],
    ["run_id", s.runId],
    ["tcp_port", port],
    ["server_time_usec", s.clock.nowUs()],
    ["uptime_in_seconds", uptime],
    ["uptime_in_days", Math.floor(uptime / 86400)],
    ["hz", hz],
    ["configured_hz", hz],
    ["lru_clock", Math.floor(s.clock.now() / 1000) & 0xffffff],
    ["executable", s.executable || execPath()],
    ["config_file", s.configFile],
    ["io_threads_active", 0],
  ];
  let n = 0;
  if (port !== 0 || s.boundTcp.length > 0) {
    const binds = (configValue(s, "bind") as string[] | undefined) ?? [];
    f.push([`listener${n++}`, `name=tcp,${binds.map((b) => "bind=" + b).join(",")},port=${port}`]);
  }
  const unix = configValue(s, "unixsocket");
  if (typeof unix === "string" && unix !== "") f.push([`listener${n++}`, `name=unix,bind=${unix}`]);
  return f;
}

function clientsFields(s: Server): Fields {
  let connected = 0, blocked = 0, pubsub = 0, maxIn = 0, maxOut = 0;
  for (const c of s.clients.values()) {
    if (c.flags.has("S")) continue;
    connected++;
    if (c.flags.has("b")) blocked++;
    if (c.flags.has("P")) pubsub++;
    const qb = c.parser.pending();
    if (qb > maxIn) maxIn = qb;
    if (c.pendingOutput > maxOut) maxOut = c.pendingOutput;
  }
  return [
    ["connected_clients", connected],
    ["cluster_connections", 0],
    ["maxclients", (configValue(s, "maxclients") as number) ?? 10000],
    ["client_recent_max_input_buffer", maxIn],
    ["client_recent_max_output_buffer", maxOut],
    ["blocked_clients", blocked],
    ["tracking_clients", 0],
    ["pubsub_clients", pubsub],
    ["watching_clients", 0],
    ["clients_in_timeout_table", s.blocking.clientsWithTimeout],
    ["total_watched_keys", 0],
    ["total_blocking_keys", s.blocking.totalBlockingKeys],
    ["total_blocking_keys_on_nokey", s.blocking.totalBlockingKeysOnNoKey],
  ];
}

interface MemoryState {
  peak: number;
  peakTime: number;
}
const memoryStates = new WeakMap<Server, MemoryState>();
/** Memory in use when this module loaded: our `used_memory_startup`. */
const STARTUP_MEMORY = (() => {
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
})();

function totalSystemMemory(): number {
  try {
    return Deno.systemMemoryInfo().total;
  } catch {
    return 0;
  }
}

function memoryFields(s: Server): Fields {
  const m = Deno.memoryUsage();
  const used = m.heapUsed + m.external;
  let st = memoryStates.get(s);
  if (!st) memoryStates.set(s, st = { peak: 0, peakTime: 0 });
  if (used > st.peak) {
    st.peak = used;
    st.peakTime = Math.floor(Date.now() / 1000);
  }
  const startup = Math.min(STARTUP_MEMORY, used);
  const overhead = Math.min(used, startup + clientMemory(s));
  const dataset = used - overhead;
  const maxmemory = (configValue(s, "maxmemory") as number) ?? 0;
  const system = totalSystemMemory();
  const allocated = m.heapTotal + m.external;
  // Counted from the registries (state.ts), which need no Lua engine: 0 until it is loaded.
  const fns = functionCounts(s);
  return [
    ["used_memory", used],
    ["used_memory_human", bytesToHuman(used)],
    ["used_memory_rss", m.rss],
    ["used_memory_rss_human", bytesToHuman(m.rss)],
    ["used_memory_peak", st.peak],
    ["used_memory_peak_human", bytesToHuman(st.peak)],
    ["used_memory_peak_time", st.peakTime],
    ["used_memory_peak_perc", fixed2((used * 100) / st.peak) + "%"],
    ["used_memory_overhead", overhead],
    ["used_memory_startup", startup],
    ["used_memory_dataset", dataset],
    ["used_memory_dataset_perc", fixed2((dataset * 100) / Math.max(1, used - startup)) + "%"],
    ["allocator_allocated", used],
    ["allocator_active", allocated],
    ["allocator_resident", m.rss],
    ["allocator_muzzy", 0],
    ["total_system_memory", system],
    ["total_system_memory_human", bytesToHuman(system)],
    ["used_memory_lua", 0],
    ["used_memory_vm_eval", 0],
    ["used_memory_lua_human", "0B"],
    ["used_memory_scripts_eval", 0],
    ["number_of_cached_scripts", cachedScriptCount(s)],
    ["number_of_functions", fns.functions],
    ["number_of_libraries", fns.libraries],
    ["used_memory_vm_functions", 0],
    ["used_memory_vm_total", 0],
    ["used_memory_vm_total_human", "0B"],
    ["used_memory_functions", 0],
    ["used_memory_scripts", 0],
    ["used_memory_scripts_human", "0B"],
    ["maxmemory", maxmemory],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", (configValue(s, "maxmemory-policy") as string) ?? "noeviction"],
    ["allocator_frag_ratio", fixed2(allocated / Math.max(1, used))],
    ["allocator_frag_bytes", Math.max(0, allocated - used)],
    ["allocator_rss_ratio", fixed2(m.rss / Math.max(1, allocated))],
    ["allocator_rss_bytes", m.rss - allocated],
    ["rss_overhead_ratio", "1.00"],
    ["rss_overhead_bytes", 0],
    ["mem_fragmentation_ratio", fixed2(m.rss / Math.max(1, used))],
    ["mem_fragmentation_bytes", m.rss - used],
    ["mem_not_counted_for_evict", 0],
    ["mem_replication_backlog", 0],
    ["mem_total_replication_buffers", 0],
    ["mem_replica_full_sync_buffer", 0],
    ["mem_clients_slaves", 0],
    ["mem_clients_normal", clientMemory(s)],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", 0],
    ["mem_allocator", "v8-" + Deno.version.v8],
    ["mem_overhead_db_hashtable_rehashing", 0],
    ["active_defrag_running", 0],
    ["lazyfree_pending_objects", 0],
    ["lazyfreed_objects", 0],
  ];
}

function clientMemory(s: Server): number {
  let n = 0;
  for (const c of s.clients.values()) n += c.parser.buf.length + c.out.length;
  return n;
}

function persistenceFields(s: Server): Fields {
  return [
    ["loading", 0],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", 0],
    ["current_save_keys_total", 0],
    ["rdb_changes_since_last_save", s.dirty],
    ["rdb_bgsave_in_progress", 0],
    ["rdb_last_save_time", Math.floor(s.startTime / 1000)],
    ["rdb_last_bgsave_status", "ok"],
    ["rdb_last_bgsave_time_sec", -1],
    ["rdb_current_bgsave_time_sec", -1],
    ["rdb_saves", 0],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", 0],
    ["rdb_last_load_keys_loaded", 0],
    ["aof_enabled", configValue(s, "appendonly") === true ? 1 : 0],
    ["aof_rewrite_in_progress", 0],
    ["aof_rewrite_scheduled", 0],
    ["aof_last_rewrite_time_sec", -1],
    ["aof_current_rewrite_time_sec", -1],
    ["aof_last_bgrewrite_status", "ok"],
    ["aof_rewrites", 0],
    ["aof_rewrites_consecutive_failures", 0],
    ["aof_last_write_status", "ok"],
    ["aof_last_cow_size", 0],
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
  ];
}

/** Sum of the time spent in commands (INFO stats eventloop_duration_cmd_sum). */
function commandUsecSum(s: Server): number {
  s.settleCommandTime();
  let sum = 0;
  for (const cmd of uniqueCommands(s)) sum += cmd.usec;
  return Math.round(sum);
}

function statsFields(s: Server): Fields {
  const st = s.stats;
  return [
    ["total_connections_received", st.numConnections],
    ["total_commands_processed", st.numCommands],
    ["instantaneous_ops_per_sec", Math.round(st.opsRate.rate())],
    ["total_net_input_bytes", st.netInput],
    ["total_net_output_bytes", st.netOutput],
    ["total_net_repl_input_bytes", 0],
    ["total_net_repl_output_bytes", 0],
    ["instantaneous_input_kbps", fixed2(st.inputRate.rate() / 1024)],
    ["instantaneous_output_kbps", fixed2(st.outputRate.rate() / 1024)],
    ["instantaneous_input_repl_kbps", "0.00"],
    ["instantaneous_output_repl_kbps", "0.00"],
    ["rejected_connections", st.rejectedConnections],
    ["sync_full", 0],
    ["sync_partial_ok", 0],
    ["sync_partial_err", 0],
    ["expired_subkeys", s.stats.expiredSubkeys],
    ["expired_keys", st.expiredKeys],
    ["expired_stale_perc", fixed2(st.expiredStalePerc * 100)],
    ["expired_time_cap_reached_count", st.expiredTimeCapReached],
    ["expire_cycle_cpu_milliseconds", 0],
    ["evicted_keys", st.evictedKeys],
    ["evicted_clients", st.evictedClients],
    ["evicted_scripts", 0],
    ["total_eviction_exceeded_time", 0],
    ["current_eviction_exceeded_time", 0],
    ["keyspace_hits", st.keyspaceHits],
    ["keyspace_misses", st.keyspaceMisses],
    ["pubsub_channels", 0],
    ["pubsub_patterns", 0],
    ["pubsubshard_channels", 0],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["migrate_cached_sockets", 0],
    ["slave_expires_tracked_keys", 0],
    ["active_defrag_hits", 0],
    ["active_defrag_misses", 0],
    ["active_defrag_key_hits", 0],
    ["active_defrag_key_misses", 0],
    ["total_active_defrag_time", 0],
    ["current_active_defrag_time", 0],
    ["tracking_total_keys", 0],
    ["tracking_total_items", 0],
    ["tracking_total_prefixes", 0],
    ["unexpected_error_replies", st.unexpectedErrorReplies],
    ["total_error_replies", st.totalErrorReplies],
    ["dump_payload_sanitizations", 0],
    ["total_reads_processed", st.ioReadsProcessed],
    ["total_writes_processed", st.ioWritesProcessed],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
    ["io_threaded_total_prefetch_batches", 0],
    ["io_threaded_total_prefetch_entries", 0],
    ["client_query_buffer_limit_disconnections", st.clientQueryBufferLimitDisconnections],
    ["client_output_buffer_limit_disconnections", st.clientOutputBufferLimitDisconnections],
    ["reply_buffer_shrinks", 0],
    ["reply_buffer_expands", 0],
    ["eventloop_cycles", 0],
    ["eventloop_duration_sum", 0],
    ["eventloop_duration_cmd_sum", commandUsecSum(s)],
    ["instantaneous_eventloop_cycles_per_sec", 0],
    ["instantaneous_eventloop_duration_usec", 0],
    ["acl_access_denied_auth", authFailures.get(s) ?? 0],
    ["acl_access_denied_cmd", 0],
    ["acl_access_denied_key", 0],
    ["acl_access_denied_channel", 0],
  ];
}

const authFailures = new WeakMap<Server, number>();

/** Counts a failed AUTH/HELLO AUTH (INFO stats acl_access_denied_auth). */
export function countAuthFailure(s: Server): void {
  authFailures.set(s, (authFailures.get(s) ?? 0) + 1);
}

const replIds = new WeakMap<Server, string>();

/** The server's replication id (40 hex digits), created on first use. */
export function replicationId(s: Server): string {
  let id = replIds.get(s);
  if (!id) {
    const b = new Uint8Array(20);
    crypto.getRandomValues(b);
    id = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    replIds.set(s, id);
  }
  return id;
}

function replicationFields(s: Server): Fields {
  return [
    ["role", "master"],
    ["connected_slaves", 0],
    ["master_failover_state", "no-failover"],
    ["master_replid", replicationId(s)],
    ["master_replid2", "0".repeat(40)],
    ["master_repl_offset", 0],
    ["second_repl_offset", -1],
    ["repl_backlog_active", 0],
    ["repl_backlog_size", (configValue(s, "repl-backlog-size") as number) ?? 1048576],
    ["repl_backlog_first_byte_offset", 0],
    ["repl_backlog_histlen", 0],
  ];
}

function seconds(us: number): string {
  return (us / 1e6).toFixed(6);
}

function cpuFields(): Fields {
  const u = process.cpuUsage();
  return [
    ["used_cpu_sys", seconds(u.system)],
    ["used_cpu_user", seconds(u.user)],
    ["used_cpu_sys_children", "0.000000"],
    ["used_cpu_user_children", "0.000000"],
    ["used_cpu_sys_main_thread", seconds(u.system)],
    ["used_cpu_user_main_thread", seconds(u.user)],
  ];
}

/** Every command and subcommand once (the table also indexes uppercase names). */
function* uniqueCommands(s: Server): Iterable<Command> {
  const seen = new Set<Command>();
  for (const cmd of s.commands.values()) {
    if (seen.has(cmd)) continue;
    seen.add(cmd);
    yield cmd;
    if (cmd.subcommands) { for (const sub of cmd.subcommands.values()) yield sub; }
  }
}

function commandStatsFields(s: Server): Fields {
  s.settleCommandTime();
  const f: Fields = [];
  for (const cmd of uniqueCommands(s)) {
    if (cmd.calls === 0 && cmd.failedCalls === 0 && cmd.rejectedCalls === 0) continue;
    const perCall = cmd.calls === 0 ? 0 : cmd.usec / cmd.calls;
    f.push([
      "cmdstat_" + cmd.statName,
      `calls=${cmd.calls},usec=${Math.round(cmd.usec)},usec_per_call=${
        perCall.toFixed(2)
      },rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
    ]);
  }
  return f;
}

function keyspaceFields(s: Server): Fields {
  const f: Fields = [];
  for (const db of s.dbs) {
    const keys = db.size;
    if (keys === 0) continue;
    f.push([
      `db${db.id}`,
      `keys=${keys},expires=${db.expires.size},avg_ttl=${Math.round(db.avgTtl)},subexpiry=${hashesWithFieldTtl(db)}`,
    ]);
  }
  return f;
}
