/**
 * Files of persistence: paths inside Redis's `dir`, and durable writes (temp file, write, fsync,
 * rename) shared by SAVE, the AOF manifest and AOF base files.
 */
import type { Server } from "../server/server.ts";

/** `name` inside the `dir` directive's directory (the working directory when `dir` is unset). */
export function inDir(server: Server, name: string): string {
  const dir = server.config.str("dir");
  return dir === "" || dir === "." ? name : dir.replace(/\/+$/, "") + "/" + name;
}

/** Size of the file at `path` in bytes, 0 when it cannot be read. */
export function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/** Writes all of `data` to `f` (a write may take only part of it). */
export function writeAllSync(f: Deno.FsFile, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += f.writeSync(data.subarray(off));
}

/** Writes `data` to `tmp`, fsyncs it and renames it over `path`: readers see the old or the new file. */
export function writeDurableSync(tmp: string, path: string, data: Uint8Array): void {
  const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  try {
    writeAllSync(f, data);
    f.syncSync();
  } finally {
    f.close();
  }
  Deno.renameSync(tmp, path);
}

/** writeDurableSync without blocking the event loop. */
export async function writeDurable(tmp: string, path: string, data: Uint8Array): Promise<void> {
  const f = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    let off = 0;
    while (off < data.length) off += await f.write(data.subarray(off));
    await f.sync();
  } finally {
    f.close();
  }
  await Deno.rename(tmp, path);
}

/** fsyncs a directory so a rename in it is durable (best effort: not every platform allows it). */
export function fsyncDir(path: string): void {
  try {
    const d = Deno.openSync(path, { read: true });
    try {
      d.syncSync();
    } finally {
      d.close();
    }
  } catch {
    // the rename is still atomic
  }
}
