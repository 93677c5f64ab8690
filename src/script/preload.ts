/**
 * Loading the Lua engine before startup loads data that may need it. RDB and AOF loading are
 * synchronous where they meet function libraries (FUNCTION2 records, replayed FUNCTION LOAD or
 * EVAL commands), so the engine must be loaded before they start:
 *
 * - dump.rdb: only when the file holds a FUNCTION2 record. Redis writes them right after the aux
 *   fields, before the first database, so only the file's head is read.
 * - AOF: when the base file holds a FUNCTION2 record (RDB base) or any command (AOF base), or when
 *   any incr file or a Redis < 7 single-file AOF is not empty: commands are not scanned.
 *
 * When in doubt (unreadable or odd file) the engine is loaded: loading then reports the problem.
 */
import type { Server } from "../server/server.ts";
import { loadLua, luaReady } from "./loader.ts";
import { fileSize, inDir } from "../persist/files.ts";
import { manifestFileName, parseManifest } from "../persist/aof_manifest.ts";
import { ByteReader } from "../persist/bytes_io.ts";
import { OP } from "../persist/rdb_format.ts";
import { readBlob } from "../persist/rdb_read.ts";

/** How much of an RDB file's head is read to look for FUNCTION2 records (grown when needed). */
const HEAD_BYTES = 64 * 1024;

/** Loads the Lua engine when the data startup is about to load may define functions or scripts. */
export async function preloadLuaForData(server: Server): Promise<void> {
  if (luaReady()) return;
  if (dataMayNeedLua(server)) await loadLua(server);
}

/** True when the RDB file or AOF startup will load may need the Lua engine. */
export function dataMayNeedLua(server: Server): boolean {
  const config = server.config;
  if (!config.bool("appendonly")) return rdbFileHasFunctions(inDir(server, config.str("dbfilename")));
  const fname = config.str("appendfilename");
  const dir = inDir(server, config.str("appenddirname"));
  let text: string;
  try {
    text = Deno.readTextFileSync(`${dir}/${manifestFileName(fname)}`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) return true;
    return fileSize(inDir(server, fname)) > 0; // a Redis < 7 single-file AOF
  }
  const m = parseManifest(text);
  if (typeof m === "string") return true;
  for (const f of m.incrs) if (fileSize(`${dir}/${f.name}`) > 0) return true;
  if (m.base === null) return false;
  const base = `${dir}/${m.base.name}`;
  return /\.rdb$/.test(m.base.name) ? rdbFileHasFunctions(base) : fileSize(base) > 0;
}

/** True when the RDB file at `path` holds function libraries (false when there is no file). */
function rdbFileHasFunctions(path: string): boolean {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true });
  } catch (e) {
    return !(e instanceof Deno.errors.NotFound);
  }
  try {
    const size = f.statSync().size;
    let want = Math.min(size, HEAD_BYTES);
    while (true) {
      const head = new Uint8Array(want);
      let n = 0;
      f.seekSync(0, Deno.SeekMode.Start);
      while (n < want) {
        const r = f.readSync(head.subarray(n));
        if (r === null || r === 0) break;
        n += r;
      }
      const found = headHasFunctions(head.subarray(0, n));
      if (found !== null) return found;
      if (n < want || want >= size) return true; // truncated or odd: let loading decide
      want = Math.min(size, want * 4);
    }
  } catch {
    return true;
  } finally {
    f.close();
  }
}

/**
 * Scans an RDB file's head: true at a FUNCTION2 record, false at the first database, key or end
 * marker, null when the head ends first.
 */
export function headHasFunctions(data: Uint8Array): boolean | null {
  if (data.length < 9) return null;
  if (String.fromCharCode(...data.subarray(0, 5)) !== "REDIS") return true; // not an RDB: let loading decide
  const r = new ByteReader(data, 9);
  try {
    while (true) {
      const op = r.u8();
      if (op === OP.FUNCTION2) return true;
      if (op !== OP.AUX) return false; // module data and pre-GA functions fail loading anyway
      readBlob(r);
      readBlob(r);
    }
  } catch {
    return null;
  }
}
