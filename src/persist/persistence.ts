/**
 * The server side of RDB persistence: where dump.rdb lives, SAVE (synchronous, atomic temp file +
 * fsync + rename), BGSAVE (snapshot.ts: a point-in-time snapshot without fork, written by a child
 * process), loading at startup and for DEBUG RELOAD with Redis's log lines, the final save
 * on shutdown, `save` points from cron, and the INFO persistence fields.
 *
 * Per-server state lives in a WeakMap; `installPersistence` wires the hooks once per server.
 */
import { REDIS_VERSION, type Server } from "../server/server.ts";
import { setShutdownSaver } from "../server/shutdown.ts";
import { registerStartupLoader } from "../server/startup.ts";
import { provideInfoField, provideInfoLines } from "../server/info.ts";
import { RDB_VERSION } from "./rdb_format.ts";
import { MISCONF_RDB } from "../server/errors.ts";
import { type DatasetWriteOptions, type ParsedRdb, parseRdb, parseRdbSteps, serializeDataset } from "./rdb_file.ts";
import type { LoadLimits } from "./rdb_read.ts";
import type { RdbWriteOptions } from "./rdb_write.ts";
import { Snapshot } from "./snapshot.ts";
import { inDir, writeDurableSync } from "./files.ts";
import { aofRewriteActive, functionCodes, functionsPersistence } from "./hooks.ts";

/** Persistence bookkeeping of one server. */
export interface PersistState {
  /** Unix seconds of the last successful save (startup time before any). */
  lastSave: number;
  lastBgsaveOk: boolean;
  bgsaveInProgress: boolean;
  bgsaveStart: number;
  lastBgsaveSec: number;
  /** Unix ms of the last failed background save attempt (retry delay). */
  lastBgsaveTry: number;
  saves: number;
  lastLoadLoaded: number;
  lastLoadExpired: number;
  /** Test-only: the RDB version files and DUMP payloads are written in (12, or 10 for Redis 7.0). */
  version: number;
  installed: boolean;
  /** Dirty count when the running BGSAVE's image was taken. */
  bgsaveDirty: number;
  /** The running background snapshot. */
  snapshot: Snapshot | null;
  /** The running snapshot was stopped on purpose (FLUSHALL, SHUTDOWN): its end is not an error. */
  killed: boolean;
}

const states = new WeakMap<Server, PersistState>();

export { aofRewriteActive, functionCodes, type FunctionsPersistence, setFunctionsPersistence } from "./hooks.ts";

/** The persistence state of `server` (created on first use). */
export function persistState(server: Server): PersistState {
  let s = states.get(server);
  if (!s) {
    s = {
      lastSave: Math.floor(server.startTime / 1000),
      lastBgsaveOk: true,
      bgsaveInProgress: false,
      bgsaveStart: 0,
      lastBgsaveSec: -1,
      lastBgsaveTry: 0,
      saves: 0,
      lastLoadLoaded: 0,
      lastLoadExpired: 0,
      version: RDB_VERSION,
      installed: false,
      bgsaveDirty: 0,
      snapshot: null,
      killed: false,
    };
    states.set(server, s);
  }
  return s;
}

/**
 * Test-only switch (not a config directive): makes `server` write RDB files and DUMP payloads in
 * version `v` (10 = what Redis 7.0 loads). Values that version cannot hold are refused.
 */
export function setRdbTargetVersion(server: Server, v: number): void {
  persistState(server).version = v;
}

/** Value-level write options from the config. */
export function writeOptions(server: Server): RdbWriteOptions {
  return { version: persistState(server).version, compress: server.config.bool("rdbcompression") };
}

/** Whole-file write options from the config. */
export function datasetOptions(server: Server): DatasetWriteOptions {
  const policy = server.config.str("maxmemory-policy");
  return {
    ...writeOptions(server),
    evictionInfo: policy.endsWith("-lru") ? "lru" : policy.endsWith("-lfu") ? "lfu" : null,
    lruClock: server.lruClock(),
    checksum: server.config.bool("rdbchecksum"),
    redisVer: REDIS_VERSION,
    now: Date.now(),
    functions: functionCodes(server),
  };
}

/** The encoding limits for values being loaded. */
export function loadLimits(server: Server): LoadLimits {
  const c = server.config;
  return {
    set: {
      maxIntsetEntries: c.num("set-max-intset-entries"),
      maxListpackEntries: c.num("set-max-listpack-entries"),
      maxListpackValue: c.num("set-max-listpack-value"),
    },
    zset: {
      maxListpackEntries: c.num("zset-max-listpack-entries"),
      maxListpackValue: c.num("zset-max-listpack-value"),
    },
    hashEntries: c.num("hash-max-listpack-entries"),
    hashValue: c.num("hash-max-listpack-value"),
    listFill: c.num("list-max-listpack-size"),
  };
}

/** dir + dbfilename. */
export function rdbPath(server: Server): string {
  return inDir(server, server.config.str("dbfilename"));
}

function tempPath(server: Server, tag: string): string {
  const dir = rdbPath(server).replace(/[^/]*$/, "");
  return `${dir}temp-${tag}.rdb`;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message.replace(/ \(os error \d+\).*$/, "").replace(/:.*$/, "") : String(e);
}

function afterSave(server: Server, dirtyAtImage: number): void {
  const st = persistState(server);
  server.dirty -= dirtyAtImage;
  if (server.dirty < 0) server.dirty = 0;
  st.lastSave = Math.floor(Date.now() / 1000);
}

/**
 * rdbSave: writes the dataset synchronously. Returns an error text on failure. (INFO rdb_saves counts
 * SAVE commands and BGSAVE starts, not the saves of FLUSHALL, SHUTDOWN or DEBUG RELOAD.)
 */
export function saveSync(server: Server): string | undefined {
  const path = rdbPath(server);
  const tmp = tempPath(server, String(Deno.pid));
  let data: Uint8Array;
  try {
    data = serializeDataset(server.dbs, datasetOptions(server));
  } catch (e) {
    server.log.warning(`Error saving DB on disk: ${errText(e)}`);
    return errText(e);
  }
  try {
    writeDurableSync(tmp, path, data);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // never created
    }
    server.log.warning(
      `Failed opening the temp RDB file ${tmp} (in server root dir ${Deno.cwd()}) for saving: ${errText(e)}`,
    );
    return errText(e);
  }
  server.log.notice("DB saved on disk");
  afterSave(server, server.dirty);
  return undefined;
}

/**
 * BGSAVE: starts a point-in-time snapshot (snapshot.ts: incremental walk with copy-before-write,
 * streamed to a writer child process). Returns false when a background save is already running.
 * `done` runs when the file is in place (or the save failed).
 */
export function bgsave(server: Server, done?: (err?: string) => void): boolean {
  const st = persistState(server);
  if (st.bgsaveInProgress || aofRewriteActive(server)) return false;
  st.bgsaveInProgress = true;
  st.saves++;
  st.bgsaveStart = Date.now();
  st.lastBgsaveTry = Date.now();
  const dirty = server.dirty;
  st.bgsaveDirty = dirty;
  const o = datasetOptions(server);
  const snap = new Snapshot(server, o, tempPath(server, `bg-${Deno.pid}`), rdbPath(server));
  st.snapshot = snap;
  server.beforeWrite = (c, cmd, argv) => snap.beforeWrite(c, cmd, argv);
  snap.start();
  server.log.notice(`Background saving started by pid ${Deno.pid}`);
  snap.done.then((err) => {
    if (server.beforeWrite !== null && st.snapshot === snap) server.beforeWrite = null;
    st.snapshot = null;
    finishBgsave(server, dirty, err, done);
  });
  return true;
}

/** Stops a running background save (the temp file is removed). */
export function killBgsave(server: Server): void {
  const st = persistState(server);
  if (st.snapshot === null) return;
  st.killed = true;
  st.snapshot.abort();
}

function finishBgsave(server: Server, dirty: number, err: string | undefined, done?: (err?: string) => void) {
  const st = persistState(server);
  st.bgsaveInProgress = false;
  st.lastBgsaveSec = Math.round((Date.now() - st.bgsaveStart) / 1000);
  if (st.killed) {
    // killed on purpose (SIGUSR1 in Redis): not a save error
    st.killed = false;
    server.log.warning("Background saving terminated by signal 10");
    done?.("killed");
    return;
  }
  st.lastBgsaveOk = err === undefined;
  if (err === undefined) {
    server.log.notice("DB saved on disk");
    afterSave(server, dirty);
    server.log.notice("Background saving terminated with success");
  } else {
    server.log.warning(`Background saving error: ${err}`);
  }
  done?.(err);
}

/**
 * Puts a parsed file's keys into the databases (no events: this is loading, not writing). An empty
 * database simply takes the loaded keyspace; otherwise keys are inserted one by one (`merge`: the
 * file's value wins; without it an existing key is an error, checked before anything changes).
 */
export function applyParsed(server: Server, parsed: ParsedRdb, merge: boolean): string | undefined {
  if (!merge) {
    for (const [id, l] of parsed.dbs) {
      const db = server.dbs[id];
      if (db.size === 0) continue;
      for (const k of l.dict.keys) if (db.dict.has(k)) return `RDB has duplicated key '${k}' in DB ${id}`;
    }
  }
  for (const [id, l] of parsed.dbs) {
    const db = server.dbs[id];
    if (db.size === 0) {
      db.dict = l.dict;
      db.expires = l.expires;
      continue;
    }
    const keys = l.dict.keys, vals = l.dict.vals, lru = l.dict.lru;
    for (let i = 0; i < keys.length; i++) {
      const d = db.dict;
      if (d.has(keys[i])) db.delete(keys[i]);
      d.set(keys[i], vals[i]);
      d.lru[d.keys.length - 1] = lru[i];
      const e = l.expires.get(keys[i]);
      if (e !== undefined) db.expires.set(keys[i], e);
    }
  }
  return undefined;
}

/** Empties every database without keyspace events (before a reload). */
function emptyAll(server: Server): void {
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    db.flush();
  }
}

/**
 * Loads an RDB file into the server (replacing the data unless `noflush`). Logs Redis's loading
 * lines. Returns "missing" when there is no file, an error text on corruption (data untouched).
 */
export function loadRdbFile(
  server: Server,
  path: string,
  opts: { noflush?: boolean; merge?: boolean } = {},
): string | undefined {
  let data: Uint8Array;
  try {
    data = Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "missing";
    return errText(e);
  }
  const start = performance.now();
  const r = loadRdbBytes(server, data, opts);
  if (typeof r === "string") return r;
  server.log.notice(`DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
  return undefined;
}

/**
 * Loads an RDB image (a dump.rdb, an AOF base, or an AOF's RDB preamble when `allowTrailing`) with
 * Redis's log lines. Returns the offset where the RDB ends, or an error text (data untouched).
 */
export function loadRdbBytes(
  server: Server,
  data: Uint8Array,
  opts: LoadRdbOptions = {},
): number | string {
  let parsed: ParsedRdb;
  try {
    parsed = parseRdb(data, parseOptions(server, opts));
  } catch (e) {
    return parseFailed(server, e);
  }
  return applyLoaded(server, parsed, opts);
}

/** Options of an RDB load. */
export interface LoadRdbOptions {
  noflush?: boolean;
  merge?: boolean;
  allowTrailing?: boolean;
}

/** Progress of the running load, for INFO loading_* (bytes). */
export const loadingProgress = new WeakMap<Server, { start: number; total: number; done: number }>();

/**
 * loadRdbBytes, letting the event loop run every ~20 ms (clients get LOADING meanwhile): the
 * startup load. `base`: bytes loaded before this image (progress of multi-file loads).
 */
export async function loadRdbBytesAsync(
  server: Server,
  data: Uint8Array,
  opts: LoadRdbOptions = {},
  base = 0,
): Promise<number | string> {
  let parsed: ParsedRdb;
  try {
    const steps = parseRdbSteps(data, parseOptions(server, opts));
    let deadline = performance.now() + 20;
    while (true) {
      const r = steps.next();
      if (r.done) {
        parsed = r.value;
        break;
      }
      if (performance.now() > deadline) {
        const p = loadingProgress.get(server);
        if (p) p.done = base + r.value;
        await new Promise((res) => setTimeout(res, 0));
        deadline = performance.now() + 20;
      }
    }
  } catch (e) {
    return parseFailed(server, e);
  }
  return applyLoaded(server, parsed, opts);
}

function parseOptions(server: Server, opts: LoadRdbOptions) {
  return {
    limits: loadLimits(server),
    databases: server.dbs.length,
    now: Date.now(),
    dropExpired: !server.expiryReadOnly,
    verifyChecksum: server.config.bool("rdbchecksum"),
    lruClock: server.lruClock(),
    allowTrailing: opts.allowTrailing,
    keyDelayUs: Math.max(0, server.config.num("key-load-delay")),
  };
}

function parseFailed(server: Server, e: unknown): string {
  server.log.warning(`Short read or OOM loading DB. Unrecoverable error, aborting now.`);
  server.log.warning(`Internal error in RDB reading: ${e instanceof Error ? e.message : String(e)}`);
  return e instanceof Error ? e.message : String(e);
}

/** Logs the file's aux fields and puts its keys in place; returns where the RDB ends. */
function applyLoaded(server: Server, parsed: ParsedRdb, opts: LoadRdbOptions): number | string {
  const log = server.log;
  const ver = parsed.aux.get("redis-ver");
  if (ver !== undefined) log.notice(`Loading RDB produced by version ${ver}`);
  const ctime = parsed.aux.get("ctime");
  if (ctime !== undefined) log.notice(`RDB age ${Math.max(0, Math.floor(Date.now() / 1000) - Number(ctime))} seconds`);
  const mem = parsed.aux.get("used-mem");
  if (mem !== undefined) log.notice(`RDB memory usage when created ${(Number(mem) / 1024 / 1024).toFixed(2)} Mb`);
  if (parsed.aux.get("aof-base") === "1") log.notice("RDB is base AOF");
  for (const w of parsed.warnings) log.warning(w);
  if (parsed.functions.length > 0) {
    const functions = functionsPersistence();
    const ferr = functions === null
      ? "the RDB file holds function libraries but functions are not available"
      : functions.restore(server, parsed.functions);
    if (ferr !== undefined) {
      log.warning(`Failed loading library: ${ferr}`);
      return ferr;
    }
  }
  persistState(server).snapshot?.finishWalk();
  if (!opts.noflush) emptyAll(server);
  const dupErr = applyParsed(server, parsed, opts.merge === true);
  if (dupErr !== undefined) {
    log.warning(dupErr);
    return dupErr;
  }
  const st = persistState(server);
  st.lastLoadLoaded = parsed.loaded;
  st.lastLoadExpired = parsed.expired;
  if (parsed.emptySkipped > 0) {
    log.notice(
      `Done loading RDB, keys loaded: ${parsed.loaded}, keys expired: ${parsed.expired}, empty keys skipped: ${parsed.emptySkipped}.`,
    );
  } else log.notice(`Done loading RDB, keys loaded: ${parsed.loaded}, keys expired: ${parsed.expired}.`);
  return parsed.end;
}

/** Wires the final save on shutdown and `save` points into cron (once per server). */
export function installPersistence(server: Server): void {
  const st = persistState(server);
  if (st.installed) return;
  st.installed = true;
  setShutdownSaver(server, (s) => {
    if (persistState(s).bgsaveInProgress) {
      s.log.notice("There is a child saving an .rdb. Killing it!");
      killBgsave(s);
    }
    return saveSync(s);
  });
  server.cronHooks.push((now) => savePointsCron(server, now));
  server.flushAllHooks.push(() => {
    if (st.bgsaveInProgress) killBgsave(server);
    if (server.config.savePoints().length > 0) saveSync(server);
  });
  const aofError = server.diskError;
  server.diskError = () => {
    if (
      !st.lastBgsaveOk && server.config.bool("stop-writes-on-bgsave-error") && server.config.savePoints().length > 0
    ) return MISCONF_RDB;
    return aofError === null ? null : aofError();
  };
  server.shutdownHooks.push(async () => {
    const snap = persistState(server).snapshot;
    if (snap === null) return;
    snap.abort();
    await snap.done;
  });
}

/** serverCron's save points: BGSAVE when `changes` writes happened in `seconds`. */
function savePointsCron(server: Server, now: number): void {
  const st = persistState(server);
  if (st.bgsaveInProgress || aofRewriteActive(server)) return;
  const nowSec = Math.floor(now / 1000);
  for (const sp of server.config.savePoints()) {
    if (
      server.dirty >= sp.changes && nowSec - st.lastSave > sp.seconds &&
      (st.lastBgsaveOk || now - st.lastBgsaveTry > 5000)
    ) {
      server.log.notice(`${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
      bgsave(server);
      return;
    }
  }
}

registerStartupLoader(async (server) => {
  installPersistence(server);
  if (server.config.bool("appendonly")) return; // the AOF is the source of truth (aof_load.ts)
  let data: Uint8Array | null = null;
  let err: string | undefined;
  try {
    data = Deno.readFileSync(rdbPath(server));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) err = errText(e);
  }
  if (data !== null) {
    const start = performance.now();
    server.loading = true;
    loadingProgress.set(server, { start: Date.now(), total: data.length, done: 0 });
    const r = await loadRdbBytesAsync(server, data);
    server.loading = false;
    loadingProgress.delete(server);
    if (typeof r === "string") err = r;
    else server.log.notice(`DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
  }
  if (err === undefined) {
    server.dirty = 0;
    return;
  }
  server.log.warning("Fatal error loading the DB, check server logs. Exiting.");
  throw new Error("Fatal error loading the DB");
});

provideInfoField("rdb_bgsave_in_progress", (s) => persistState(s).bgsaveInProgress ? 1 : 0);
provideInfoField("rdb_last_save_time", (s) => persistState(s).lastSave);
provideInfoField("rdb_last_bgsave_status", (s) => persistState(s).lastBgsaveOk ? "ok" : "err");
provideInfoField("rdb_last_bgsave_time_sec", (s) => persistState(s).lastBgsaveSec);
provideInfoField(
  "rdb_current_bgsave_time_sec",
  (s) => persistState(s).bgsaveInProgress ? Math.round((Date.now() - persistState(s).bgsaveStart) / 1000) : -1,
);
provideInfoField("current_save_keys_processed", (s) => persistState(s).snapshot?.keysProcessed ?? 0);
provideInfoField("current_save_keys_total", (s) => persistState(s).snapshot?.keysTotal ?? 0);
provideInfoField("rdb_saves", (s) => persistState(s).saves);
provideInfoField("rdb_last_load_keys_expired", (s) => persistState(s).lastLoadExpired);
provideInfoField("rdb_last_load_keys_loaded", (s) => persistState(s).lastLoadLoaded);
provideInfoField("loading", (s) => s.loading ? 1 : 0);
provideInfoLines("persistence", (s) => {
  if (!s.loading) return [];
  const p = loadingProgress.get(s);
  const total = p?.total ?? 0, done = p?.done ?? 0;
  const elapsed = p ? (Date.now() - p.start) / 1000 : 0;
  const perc = total > 0 ? (done / total) * 100 : 0;
  const eta = done > 0 ? Math.round((elapsed / done) * (total - done)) : 1;
  return [
    `loading_start_time:${p ? Math.floor(p.start / 1000) : 0}`,
    `loading_total_bytes:${total}`,
    `loading_rdb_used_mem:0`,
    `loading_loaded_bytes:${done}`,
    `loading_loaded_perc:${perc.toFixed(2)}`,
    `loading_eta_seconds:${eta}`,
  ];
});
