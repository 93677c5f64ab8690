/**
 * Loading the AOF at startup (Redis's loadAppendOnlyFiles): the manifest's base file (RDB, or
 * commands), then every incr file in order; a Redis < 7 single-file AOF (optionally with an RDB
 * preamble) is loaded and upgraded to the multi-part layout. Commands are replayed through a client
 * without a connection; MULTI … EXEC blocks apply as a whole. A truncated last file is repaired when
 * `aof-load-truncated yes` (truncated to the last complete command, an unfinished MULTI reverted);
 * anything else wrong stops the start with Redis's log text. While loading, clients get LOADING.
 */
import type { Server } from "../server/server.ts";
import { Client } from "../server/client.ts";
import { registerStartupLoader } from "../server/startup.ts";
import { lookupCommandForArgv } from "../commands/table.ts";
import { bytesToStr } from "../resp/bytes.ts";
import { type AofManifest, emptyManifest, manifestFileName, parseManifest } from "./aof_manifest.ts";
import { aofDir, aofPath, legacyAofPath, openAofOnStart, persistManifest } from "./aof.ts";
import { loadingProgress, loadRdbBytesAsync } from "./persistence.ts";
import { fileSize } from "./files.ts";

/** How a file's replay ended. */
type FileResult = "ok" | "empty" | "truncated" | { error: string };

const YIELD_MS = 20;

class LoadFailure extends Error {}

function readFile(path: string): Uint8Array | null {
  try {
    return Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function parseLineInt(buf: Uint8Array, from: number, to: number): number {
  // `to` is the index of "\n"; a "\r" before it is part of the protocol
  let end = to;
  if (end > from && buf[end - 1] === 13) end--;
  if (end <= from) return NaN;
  let n = 0;
  for (let i = from; i < end; i++) {
    const c = buf[i];
    if (c < 48 || c > 57) return NaN;
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * Replays one file. `last`: the last file of the AOF (only it may be repaired when truncated).
 */
async function replayFile(
  server: Server,
  name: string,
  path: string,
  last: boolean,
  base = 0,
): Promise<FileResult> {
  const log = server.log;
  const data = readFile(path);
  if (data === null) {
    log.warning(`The AOF file ${name} doesn't exist`);
    return { error: "missing" };
  }
  if (data.length === 0) return "empty";
  let pos = 0;
  const isBase = /\.base\.(rdb|aof)$/.test(name);
  if (data.length >= 5 && bytesToStr(data.subarray(0, 5)) === "REDIS") {
    log.notice(isBase ? "Reading RDB base file on AOF loading..." : "Reading RDB preamble from AOF file...");
    const r = await loadRdbBytesAsync(server, data, { noflush: true, merge: false, allowTrailing: true }, base);
    if (typeof r === "string") {
      log.warning(`Error reading the RDB base file ${name}, AOF loading aborted`);
      return { error: r };
    }
    pos = r;
    if (pos >= data.length) return "ok";
    log.notice("Reading the remaining AOF tail...");
  }
  const fake = new Client(server, null, "", "", "internal");
  fake.authenticated = true;
  let validUpTo = pos;
  let validBeforeMulti = -1;
  let inMulti = false;
  let queued: string[][] = [];
  let deadline = performance.now() + YIELD_MS;
  let executed = 0;
  const n = data.length;
  const fmtErr = (): FileResult => {
    log.warning(
      `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
    );
    return { error: "bad format" };
  };
  let truncated = false;
  outer:
  while (pos < n) {
    if (data[pos] === 35) { // '#': an annotation line
      const e = data.indexOf(10, pos);
      if (e < 0) {
        truncated = true;
        break;
      }
      pos = e + 1;
      if (!inMulti) validUpTo = pos;
      continue;
    }
    if (data[pos] !== 42) return fmtErr(); // '*'
    const e = data.indexOf(10, pos);
    if (e < 0) {
      truncated = true;
      break;
    }
    const argc = parseLineInt(data, pos + 1, e);
    if (!(argc >= 1)) return fmtErr();
    let p = e + 1;
    const argv: string[] = new Array(argc);
    for (let i = 0; i < argc; i++) {
      if (p >= n) {
        truncated = true;
        break outer;
      }
      if (data[p] !== 36) return fmtErr(); // '$'
      const le = data.indexOf(10, p);
      if (le < 0) {
        truncated = true;
        break outer;
      }
      const len = parseLineInt(data, p + 1, le);
      if (!(len >= 0)) return fmtErr();
      const start = le + 1;
      if (start + len + 2 > n) {
        truncated = true;
        break outer;
      }
      argv[i] = bytesToStr(data.subarray(start, start + len));
      p = start + len + 2;
    }
    pos = p;
    const name0 = argv[0].toLowerCase();
    if (name0 === "multi") {
      if (inMulti) return fmtErr();
      inMulti = true;
      validBeforeMulti = validUpTo;
      queued = [];
      continue;
    }
    if (name0 === "exec") {
      if (!inMulti) return fmtErr();
      inMulti = false;
      for (const q of queued) if (!execute(server, fake, q, name)) return { error: "unknown command" };
      queued = [];
      validUpTo = pos;
    } else if (inMulti) queued.push(argv);
    else {
      if (!execute(server, fake, argv, name)) return { error: "unknown command" };
      validUpTo = pos;
    }
    // every 64 commands, see whether it is time to let clients in (they get LOADING)
    if ((++executed & 63) === 0 && performance.now() > deadline) {
      const p = loadingProgress.get(server);
      if (p) p.done = base + pos;
      await new Promise((r) => setTimeout(r, 0));
      deadline = performance.now() + YIELD_MS;
    }
  }
  if (!truncated && inMulti) {
    log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
    validUpTo = validBeforeMulti;
    truncated = true;
  } else if (truncated && inMulti) validUpTo = validBeforeMulti;
  if (!truncated) return "ok";
  if (server.config.bool("aof-load-truncated") && last) {
    log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
    log.warning(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
    try {
      Deno.truncateSync(path, validUpTo);
    } catch (e) {
      log.warning(`Error truncating the AOF file ${name}: ${e instanceof Error ? e.message : e}`);
      return { error: "truncate failed" };
    }
    log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
    return "truncated";
  }
  log.warning(
    `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
  );
  return { error: "truncated" };
}

/** Runs one loaded command; false (logged) for an unknown command or a wrong argument count. */
function execute(server: Server, fake: Client, argv: string[], file: string): boolean {
  const cmd = lookupCommandForArgv(server.commands, argv);
  if (cmd === undefined || !cmd.handler) {
    server.log.warning(`Unknown command '${argv[0]}' reading the append only file ${file}`);
    return false;
  }
  const a = cmd.arity;
  if ((a > 0 && argv.length !== a) || argv.length < -a) {
    server.log.warning(
      `Bad file format reading the append only file ${file}: wrong number of arguments for '${argv[0]}'`,
    );
    return false;
  }
  const delay = server.config.num("key-load-delay");
  if (delay > 0) {
    // debugDelay (tests): slow loading down by `delay` µs per command
    const until = performance.now() + delay / 1000;
    while (performance.now() < until) { /* spin */ }
  }
  fake.argv = argv;
  fake.cmd = cmd;
  server.clock.beginCommand();
  server.callDepth++;
  try {
    cmd.handler(fake, argv);
  } catch (e) {
    server.log.warning(`Error replaying '${argv[0]}' from ${file}: ${e instanceof Error ? e.message : e}`);
  } finally {
    server.callDepth--;
    server.clock.endCommand();
    server.pendingPropagation.length = 0;
    fake.outLen = 0;
    fake.cmd = null;
  }
  return true;
}

/**
 * loadAppendOnlyFiles: loads the AOF of `server` (manifest, or a legacy single file). Returns the
 * manifest to continue (null when there was nothing to load); throws LoadFailure on fatal errors.
 */
export async function loadAof(server: Server): Promise<AofManifest | null> {
  const log = server.log;
  const fname = server.config.str("appendfilename");
  const mpath = aofPath(server, manifestFileName(fname));
  let mtext: string | null = null;
  try {
    mtext = Deno.readTextFileSync(mpath);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw new LoadFailure(String(e));
  }
  if (mtext === null) {
    // A Redis < 7 single-file AOF: load it, then move it into the directory as the base.
    const legacy = legacyAofPath(server);
    const data = readFile(legacy);
    if (data === null) return null;
    const start = performance.now();
    const r = await replayFile(server, fname, legacy, true);
    if (typeof r === "object") throw new LoadFailure(r.error);
    log.notice(`DB loaded from append only file: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
    const m = emptyManifest();
    Deno.mkdirSync(aofDir(server), { recursive: true });
    Deno.renameSync(legacy, aofPath(server, fname));
    m.base = { name: fname, seq: 1, type: "b" };
    m.baseSeq = 1;
    persistManifest(server, m);
    log.notice(`Successfully migrated an old-style AOF into the AOF directory (${fname}).`);
    return m;
  }
  const m = parseManifest(mtext);
  if (typeof m === "string") {
    log.warning(m);
    throw new LoadFailure(m);
  }
  const files = [...(m.base ? [m.base] : []), ...m.incrs];
  if (files.length === 0) return m;
  const total = performance.now();
  const sizes = files.map((f) => fileSize(aofPath(server, f.name))); // a missing file is reported when loading it
  loadingProgress.set(server, { start: Date.now(), total: sizes.reduce((a, b) => a + b, 0), done: 0 });
  let base = 0; // bytes of the files before this one (loading progress)
  try {
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const t = performance.now();
      const r = await replayFile(server, f.name, aofPath(server, f.name), i === files.length - 1, base);
      if (typeof r === "object") throw new LoadFailure(r.error);
      const kind = f.type === "b" ? "base" : "incr";
      if (r !== "empty") {
        log.notice(`DB loaded from ${kind} file ${f.name}: ${((performance.now() - t) / 1000).toFixed(3)} seconds`);
      }
      base += sizes[i];
    }
  } finally {
    loadingProgress.delete(server);
  }
  log.notice(`DB loaded from append only file: ${((performance.now() - total) / 1000).toFixed(3)} seconds`);
  return m;
}

registerStartupLoader(async (server) => {
  if (!server.config.bool("appendonly")) return;
  server.loading = true;
  let m: AofManifest | null;
  try {
    m = await loadAof(server);
  } catch (e) {
    server.loading = false;
    server.log.warning("Fatal error loading the DB, check server logs. Exiting.");
    throw e instanceof Error ? e : new Error(String(e));
  }
  server.loading = false;
  server.dirty = 0;
  openAofOnStart(server, m);
});
