/**
 * The append-only file, multi-part as Redis 7+ lays it out in `appenddirname`: a base file (RDB with
 * `aof-use-rdb-preamble yes`, else commands), incremental files of propagated commands, and the
 * manifest naming them. This module owns the running AOF: feeding propagated commands (SELECT when
 * the database changes, `#TS:` annotations with `aof-timestamp-enabled`), writing before replies
 * (`appendfsync always` fsyncs first; `everysec` fsyncs from cron), BGREWRITEAOF (new incr file at
 * once, base written by the snapshot engine, history files removed when it is in place), automatic
 * rewrites, turning AOF on and off with CONFIG SET, and the INFO fields. Loading is aof_load.ts.
 */
import type { Server } from "../server/server.ts";
import { provideInfoField, provideInfoLines } from "../server/info.ts";
import { registerConfigApply } from "../config/apply.ts";
import { misconfAof } from "../server/errors.ts";
import { ByteWriter } from "./bytes_io.ts";
import {
  type AofInfo,
  type AofManifest,
  baseFileName,
  emptyManifest,
  formatManifest,
  incrFileName,
  manifestFileName,
} from "./aof_manifest.ts";
import { appendCommand, rewriteDataset } from "./aof_rewrite.ts";
import { Snapshot } from "./snapshot.ts";
import { datasetOptions, persistState, writeOptions } from "./persistence.ts";
import { functionCodes, setOtherChildCheck } from "./hooks.ts";
import { serializeDataset } from "./rdb_file.ts";
import { fileSize, fsyncDir, inDir, writeAllSync, writeDurable, writeDurableSync } from "./files.ts";

/** AOF bookkeeping of one server. */
export interface AofState {
  /** "on": appending; "wait": turned on at runtime, appending to a temp incr until the first rewrite. */
  mode: "off" | "on" | "wait";
  manifest: AofManifest;
  incr: Deno.FsFile | null;
  /** Name of the file `incr` writes (a temp name in "wait" mode). */
  incrName: string;
  buf: ByteWriter;
  selectedDb: number;
  lastTimestamp: number;
  /** aof_current_size and aof_rewrite_base_size (auto rewrite growth). */
  currentSize: number;
  baseSize: number;
  lastFsync: number;
  fsyncInFlight: boolean;
  lastWriteOk: boolean;
  lastWriteError: string;
  rewriting: boolean;
  rewriteScheduled: boolean;
  rewriteStart: number;
  lastRewriteSec: number;
  lastRewriteOk: boolean;
  rewrites: number;
  consecutiveFailures: number;
  lastRewriteTry: number;
  rewriteSnapshot: Snapshot | null;
  installed: boolean;
}

const states = new WeakMap<Server, AofState>();

/** The AOF state of `server` (created on first use). */
export function aofState(server: Server): AofState {
  let s = states.get(server);
  if (!s) {
    s = {
      mode: "off",
      manifest: emptyManifest(),
      incr: null,
      incrName: "",
      buf: new ByteWriter(1 << 14),
      selectedDb: -1,
      lastTimestamp: 0,
      currentSize: 0,
      baseSize: 0,
      lastFsync: Date.now(),
      fsyncInFlight: false,
      lastWriteOk: true,
      lastWriteError: "",
      rewriting: false,
      rewriteScheduled: false,
      rewriteStart: 0,
      lastRewriteSec: -1,
      lastRewriteOk: true,
      rewrites: 0,
      consecutiveFailures: 0,
      lastRewriteTry: 0,
      rewriteSnapshot: null,
      installed: false,
    };
    states.set(server, s);
  }
  return s;
}

/** `dir`/`appenddirname`. */
export function aofDir(server: Server): string {
  return inDir(server, server.config.str("appenddirname"));
}

/** Path of file `name` inside the AOF directory. */
export function aofPath(server: Server, name: string): string {
  return aofDir(server) + "/" + name;
}

/** `dir`/`appendfilename`: where a Redis < 7 single-file AOF lives. */
export function legacyAofPath(server: Server): string {
  return inDir(server, server.config.str("appendfilename"));
}

/** Writes the manifest atomically (temp file, fsync, rename, fsync the directory). */
export function persistManifest(server: Server, m: AofManifest): void {
  const name = manifestFileName(server.config.str("appendfilename"));
  writeDurableSync(aofPath(server, "temp-" + name), aofPath(server, name), new TextEncoder().encode(formatManifest(m)));
  fsyncDir(aofDir(server));
}

// ---- feeding and writing ----------------------------------------------------------------------

function feed(server: Server, st: AofState, dbid: number, argv: string[]): void {
  if (st.mode === "off" || server.loading) return;
  const w = st.buf;
  if (server.config.bool("aof-timestamp-enabled")) {
    const sec = Math.floor(Date.now() / 1000);
    if (sec !== st.lastTimestamp) {
      st.lastTimestamp = sec;
      w.str(`#TS:${sec}\r\n`);
    }
  }
  if (dbid !== -1 && dbid !== st.selectedDb) {
    appendCommand(w, ["SELECT", String(dbid)]);
    st.selectedDb = dbid;
  }
  appendCommand(w, argv);
}

/**
 * flushAppendOnlyFile: writes the buffered commands to the incr file; with `appendfsync always`
 * fsyncs before returning (the replies are written after).
 */
export function flushAof(server: Server): void {
  const st = aofState(server);
  if (st.buf.pos === 0 || st.incr === null) return;
  const data = st.buf.view();
  const latency = server.latency;
  try {
    let started = latency.start();
    writeAllSync(st.incr, data);
    if (started !== 0) recordAofWrite(server, st, performance.now() - started);
    st.currentSize += data.length;
    st.buf.reset();
    if (st.buf.buf.length > 1 << 20) st.buf = new ByteWriter(1 << 14);
    if (server.config.str("appendfsync") === "always") {
      started = latency.start();
      st.incr.syncDataSync();
      latency.end("aof-fsync-always", started);
      st.lastFsync = Date.now();
    }
    if (!st.lastWriteOk) server.log.warning("AOF write error looks solved, Redis can write again.");
    st.lastWriteOk = true;
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/ \(os error \d+\).*$/, "") : String(e);
    if (st.lastWriteOk) server.log.warning(`Error writing to the AOF file: ${msg}`);
    st.lastWriteOk = false;
    st.lastWriteError = msg;
  }
}

/** The latency events of one AOF write (flushAppendOnlyFile's): by circumstance, and "aof-write" for all. */
function recordAofWrite(server: Server, st: AofState, ms: number): void {
  const latency = server.latency;
  if (ms < latency.armed) return;
  const event = st.fsyncInFlight
    ? "aof-write-pending-fsync"
    : st.rewriting || persistState(server).bgsaveInProgress
    ? "aof-write-active-child"
    : "aof-write-alone";
  latency.record(event, ms);
  latency.record("aof-write", ms);
}

/** everysec: an fsync in the background once a second (skipped while the previous one runs). */
function fsyncEverySec(server: Server, st: AofState, now: number): void {
  if (st.incr === null || st.fsyncInFlight || now - st.lastFsync < 1000) return;
  if (server.config.str("appendfsync") !== "everysec") return;
  if (server.config.bool("no-appendfsync-on-rewrite") && st.rewriting) return;
  const f = st.incr;
  st.fsyncInFlight = true;
  st.lastFsync = now;
  f.syncData().catch(() => {}).finally(() => st.fsyncInFlight = false);
}

// ---- files ------------------------------------------------------------------------------------

function openAppend(path: string): Deno.FsFile {
  return Deno.openSync(path, { write: true, append: true, create: true });
}

/** Closes the current incr file after writing and fsyncing what is buffered. */
function closeIncr(server: Server, st: AofState): void {
  flushAof(server);
  if (st.incr === null) return;
  try {
    st.incr.syncDataSync();
  } catch {
    // best effort
  }
  st.incr.close();
  st.incr = null;
}

/** openNewIncrAofForAppend: a new incr file gets the writes from now on (manifest persisted). */
function openNewIncr(server: Server, st: AofState): void {
  closeIncr(server, st);
  const fname = server.config.str("appendfilename");
  let name: string;
  if (st.mode === "wait") name = `temp-${fname}.incr`;
  else {
    const m = st.manifest;
    m.incrSeq++;
    name = incrFileName(fname, m.incrSeq);
    m.incrs.push({ name, seq: m.incrSeq, type: "i" });
  }
  Deno.mkdirSync(aofDir(server), { recursive: true });
  st.incr = Deno.openSync(aofPath(server, name), { write: true, create: true, truncate: true });
  st.incrName = name;
  st.selectedDb = -1;
  if (st.mode !== "wait") {
    persistManifest(server, st.manifest);
    server.log.notice(`Creating AOF incr file ${name} on background rewrite`);
  }
}

/** Deletes history files (unless aof-disable-auto-gc) and drops them from the manifest. */
function removeHistory(server: Server, st: AofState): void {
  if (server.config.bool("aof-disable-auto-gc") || st.manifest.history.length === 0) return;
  for (const h of st.manifest.history) {
    server.log.notice(`Removing the history file ${h.name} in the background`);
    Deno.remove(aofPath(server, h.name)).catch(() => {});
  }
  st.manifest.history = [];
  try {
    persistManifest(server, st.manifest);
  } catch {
    // retried after the next rewrite
  }
}

// ---- rewrite ----------------------------------------------------------------------------------

/** True when a BGSAVE or an AOF rewrite is running (one snapshot child at a time, as with fork). */
function childActive(server: Server): boolean {
  return persistState(server).bgsaveInProgress || aofState(server).rewriting;
}

/**
 * rewriteAppendOnlyFileBackground: switches to a new incr file and writes a new base from a
 * point-in-time snapshot. Returns an error text when it cannot start.
 */
export function startRewrite(server: Server): string | undefined {
  const st = aofState(server);
  if (childActive(server)) return "child active";
  st.lastRewriteTry = Date.now();
  try {
    Deno.mkdirSync(aofDir(server), { recursive: true });
    if (st.mode !== "off") openNewIncr(server, st);
  } catch (e) {
    server.log.warning(`Can't open new incr AOF file: ${e instanceof Error ? e.message : e}`);
    return "Can't open new incr AOF file";
  }
  st.rewriting = true;
  st.rewriteScheduled = false;
  st.rewriteStart = Date.now();
  st.rewrites++;
  const pid = Deno.pid;
  const tmpName = `temp-rewriteaof-bg-${pid}.aof`;
  const rdb = server.config.bool("aof-use-rdb-preamble");
  const baseSeq = st.manifest.baseSeq + 1;
  const baseName = baseFileName(server.config.str("appendfilename"), baseSeq, rdb);
  server.log.notice(`Background append only file rewriting started by pid ${pid}`);
  const finish = (err: string | undefined) => rewriteDone(server, st, err, tmpName, baseName, baseSeq);
  if (rdb) {
    // The snapshot writes the temp file and renames it to the base name itself.
    const snap = new Snapshot(
      server,
      { ...datasetOptions(server), aofBase: true },
      aofPath(server, tmpName),
      aofPath(server, baseName),
    );
    st.rewriteSnapshot = snap;
    server.beforeWrite = (c, cmd, argv) => snap.beforeWrite(c, cmd, argv);
    snap.start();
    snap.done.then((err) => {
      if (st.rewriteSnapshot === snap) {
        if (server.beforeWrite !== null) server.beforeWrite = null;
        st.rewriteSnapshot = null;
      }
      finish(err);
    });
  } else {
    // AOF-format base: built now (a consistent image), written in the background.
    const w = new ByteWriter(1 << 16);
    try {
      rewriteDataset(w, server.dbs, functionCodes(server), writeOptions(server));
    } catch (e) {
      queueMicrotask(() => finish(e instanceof Error ? e.message : String(e)));
      return undefined;
    }
    writeDurable(aofPath(server, tmpName), aofPath(server, baseName), w.view())
      .then(() => finish(undefined), (e) => finish(e instanceof Error ? e.message : String(e)));
  }
  return undefined;
}

/** backgroundRewriteDoneHandler: the new base is in place; older files become history. */
function rewriteDone(
  server: Server,
  st: AofState,
  err: string | undefined,
  tmpName: string,
  baseName: string,
  baseSeq: number,
): void {
  st.rewriting = false;
  st.lastRewriteSec = Math.round((Date.now() - st.rewriteStart) / 1000);
  if (err !== undefined || server.shuttingDown) {
    st.lastRewriteOk = false;
    st.consecutiveFailures++;
    Deno.remove(aofPath(server, tmpName)).catch(() => {});
    if (err !== undefined) server.log.warning(`Background AOF rewrite terminated with error: ${err}`);
    return;
  }
  server.log.notice("Background AOF rewrite terminated with success");
  server.log.notice(`Successfully renamed the temporary AOF base file ${tmpName} into ${baseName}`);
  const m = st.manifest;
  const base: AofInfo = { name: baseName, seq: baseSeq, type: "b" };
  if (st.mode === "wait") {
    // Turned on at runtime: the temp incr becomes the first incr file after the new base.
    closeIncr(server, st);
    const fname = server.config.str("appendfilename");
    m.incrSeq++;
    const incrName = incrFileName(fname, m.incrSeq);
    try {
      Deno.renameSync(aofPath(server, st.incrName), aofPath(server, incrName));
      if (m.base !== null) m.history.push({ ...m.base, type: "h" });
      for (const i of m.incrs) m.history.push({ ...i, type: "h" });
      m.incrs = [{ name: incrName, seq: m.incrSeq, type: "i" }];
      st.incr = openAppend(aofPath(server, incrName));
      st.incrName = incrName;
      st.mode = "on";
    } catch (e) {
      st.lastRewriteOk = false;
      st.consecutiveFailures++;
      server.log.warning(`Background AOF rewrite failed: ${e instanceof Error ? e.message : e}`);
      return;
    }
  } else {
    // AOF on: every incr but the one opened when the rewrite started is covered by the new base
    // (AOF off: all of them).
    // (Redis lists the newest history first: the old incr files, then the old base.)
    const last = st.mode === "on" ? m.incrs[m.incrs.length - 1] : undefined;
    for (const i of m.incrs.slice().reverse()) if (i !== last) m.history.push({ ...i, type: "h" });
    if (m.base !== null) m.history.push({ ...m.base, type: "h" });
    m.incrs = last ? [last] : [];
  }
  m.base = base;
  m.baseSeq = baseSeq;
  try {
    persistManifest(server, m);
  } catch (e) {
    st.lastRewriteOk = false;
    st.consecutiveFailures++;
    server.log.warning(`Can't persist the AOF manifest: ${e instanceof Error ? e.message : e}`);
    return;
  }
  st.baseSize = fileSize(aofPath(server, baseName));
  st.currentSize = st.baseSize + fileSize(aofPath(server, st.incrName)) + st.buf.pos;
  st.lastRewriteOk = true;
  st.consecutiveFailures = 0;
  removeHistory(server, st);
  server.log.notice("Background AOF rewrite finished successfully");
}

/** Stops a running rewrite (CONFIG SET appendonly no, SHUTDOWN). */
function killRewrite(st: AofState): void {
  st.rewriteSnapshot?.abort();
  st.rewriteScheduled = false;
}

// ---- turning on and off -----------------------------------------------------------------------

/** startAppendOnly at runtime: appends to a temp incr file until the first rewrite completes. */
export function startAof(server: Server): string | undefined {
  const st = aofState(server);
  if (st.mode !== "off") return undefined;
  installAof(server);
  st.mode = "wait";
  try {
    Deno.mkdirSync(aofDir(server), { recursive: true });
  } catch (e) {
    st.mode = "off";
    return `Redis needs to enable the AOF but can't create the directory: ${e instanceof Error ? e.message : e}`;
  }
  if (childActive(server)) {
    // wait for the running child; the cron starts the rewrite
    try {
      openNewIncr(server, st);
    } catch (e) {
      st.mode = "off";
      return String(e);
    }
    st.rewriteScheduled = true;
    server.log.notice(
      "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.",
    );
    return undefined;
  }
  const err = startRewrite(server);
  if (err !== undefined) {
    st.mode = "off";
    server.log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation.");
    return "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation";
  }
  return undefined;
}

/** stopAppendOnly: flush, fsync, close; a running rewrite is killed. */
export function stopAof(server: Server): void {
  const st = aofState(server);
  if (st.mode === "off") return;
  closeIncr(server, st);
  if (st.rewriting) killRewrite(st);
  st.mode = "off";
  st.rewriteScheduled = false;
}

/** At startup after loading: continue the loaded manifest, or create the first base + incr. */
export function openAofOnStart(server: Server, loaded: AofManifest | null): void {
  const st = aofState(server);
  installAof(server);
  const fname = server.config.str("appendfilename");
  Deno.mkdirSync(aofDir(server), { recursive: true });
  st.manifest = loaded ?? emptyManifest();
  const m = st.manifest;
  let dirty = false;
  if (m.base === null && m.incrs.length === 0) {
    // Nothing on disk yet: an empty base written now, as Redis does on server start.
    const rdb = server.config.bool("aof-use-rdb-preamble");
    m.baseSeq = 1;
    const name = baseFileName(fname, 1, rdb);
    const w = new ByteWriter(256);
    if (rdb) w.bytes(serializeDataset(server.dbs, { ...datasetOptions(server), aofBase: true }));
    else rewriteDataset(w, server.dbs, functionCodes(server), writeOptions(server));
    writeDurableSync(aofPath(server, "temp-" + name), aofPath(server, name), w.view());
    m.base = { name, seq: 1, type: "b" };
    server.log.notice(`Creating AOF base file ${name} on server start`);
    dirty = true;
  }
  if (m.incrs.length === 0) {
    m.incrSeq++;
    const name = incrFileName(fname, m.incrSeq);
    m.incrs.push({ name, seq: m.incrSeq, type: "i" });
    server.log.notice(`Creating AOF incr file ${name} on server start`);
    dirty = true;
  } else server.log.notice(`Opening AOF incr file ${m.incrs[m.incrs.length - 1].name} on server start`);
  const last = m.incrs[m.incrs.length - 1];
  st.incr = openAppend(aofPath(server, last.name));
  st.incrName = last.name;
  if (dirty) persistManifest(server, m);
  st.mode = "on";
  st.selectedDb = -1;
  st.baseSize = m.base !== null ? fileSize(aofPath(server, m.base.name)) : 0;
  st.currentSize = st.baseSize;
  for (const i of m.incrs) st.currentSize += fileSize(aofPath(server, i.name));
  removeHistory(server, st);
}

// ---- wiring -----------------------------------------------------------------------------------

/** Installs the propagation feed, the write-before-reply hook and the cron work (once). */
export function installAof(server: Server): void {
  const st = aofState(server);
  if (st.installed) return;
  st.installed = true;
  server.propagateHooks.push((dbid, argv) => feed(server, st, dbid, argv));
  const prev = server.beforeReply;
  server.beforeReply = prev === null ? () => flushAof(server) : () => {
    prev();
    flushAof(server);
  };
  server.cronHooks.push((now) => aofCron(server, st, now));
  const rdbError = server.diskError;
  server.diskError = () => {
    const e = rdbError === null ? null : rdbError();
    if (e !== null) return e;
    return st.mode !== "off" && !st.lastWriteOk ? misconfAof(st.lastWriteError) : null;
  };
  server.shutdownHooks.push(() => {
    if (st.rewriting) killRewrite(st);
    if (st.mode !== "off") {
      server.log.notice("Calling fsync() on the AOF file.");
      closeIncr(server, st);
    }
    return Promise.resolve();
  });
}

/** serverCron's AOF duties: flush + fsync, scheduled and automatic rewrites. */
function aofCron(server: Server, st: AofState, now: number): void {
  if (st.mode === "off") return;
  flushAof(server);
  fsyncEverySec(server, st, now);
  if (childActive(server)) return;
  if (st.rewriteScheduled) {
    startRewrite(server);
    return;
  }
  if (st.mode !== "on") return;
  const pct = server.config.num("auto-aof-rewrite-percentage");
  const min = server.config.num("auto-aof-rewrite-min-size");
  if (pct > 0 && st.currentSize > min) {
    const base = st.baseSize > 0 ? st.baseSize : 1;
    const growth = Math.floor((st.currentSize * 100) / base) - 100;
    if (growth >= pct && (st.lastRewriteOk || now - st.lastRewriteTry > 5000)) {
      server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
      startRewrite(server);
    }
  }
}

/** BGREWRITEAOF: "started", "scheduled" (a BGSAVE runs) or an error text. */
export function bgrewriteaof(server: Server): "started" | "scheduled" | "in progress" | string {
  const st = aofState(server);
  installAof(server);
  if (st.rewriting) return "in progress";
  if (persistState(server).bgsaveInProgress) {
    st.rewriteScheduled = true;
    return "scheduled";
  }
  if (st.mode === "off") {
    // Without AOF, Redis still writes the files (and the manifest) as a one-off rewrite.
    try {
      Deno.mkdirSync(aofDir(server), { recursive: true });
    } catch {
      return "Can't create the AOF directory";
    }
  }
  const err = startRewrite(server);
  return err ?? "started";
}

setOtherChildCheck((server) => aofState(server).rewriting);

registerConfigApply("appendonly", (server, v) => {
  if (v === true) return startAof(server);
  stopAof(server);
});

provideInfoField("aof_enabled", (s) => aofState(s).mode !== "off" ? 1 : 0);
provideInfoField("aof_rewrite_in_progress", (s) => aofState(s).rewriting ? 1 : 0);
provideInfoField("aof_rewrite_scheduled", (s) => aofState(s).rewriteScheduled ? 1 : 0);
provideInfoField("aof_last_rewrite_time_sec", (s) => aofState(s).lastRewriteSec);
provideInfoField(
  "aof_current_rewrite_time_sec",
  (s) => aofState(s).rewriting ? Math.round((Date.now() - aofState(s).rewriteStart) / 1000) : -1,
);
provideInfoField("aof_last_bgrewrite_status", (s) => aofState(s).lastRewriteOk ? "ok" : "err");
provideInfoField("aof_rewrites", (s) => aofState(s).rewrites);
provideInfoField("aof_rewrites_consecutive_failures", (s) => aofState(s).consecutiveFailures);
provideInfoField("aof_last_write_status", (s) => aofState(s).lastWriteOk ? "ok" : "err");
provideInfoLines("persistence", (s) => {
  const st = aofState(s);
  if (st.mode === "off") return [];
  return [
    `aof_current_size:${st.currentSize + st.buf.pos}`,
    `aof_base_size:${st.baseSize}`,
    `aof_pending_rewrite:${st.rewriteScheduled ? 1 : 0}`,
    `aof_buffer_length:${st.buf.pos}`,
    `aof_pending_bio_fsync:${st.fsyncInFlight ? 1 : 0}`,
    `aof_delayed_fsync:0`,
  ];
});
