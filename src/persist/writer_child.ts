/**
 * The snapshot writer process (DESIGN.md §5): started by the server with `Deno.Command` as
 * `<deno> run -A writer_child.ts <temp> <final> <checksum 0|1>` (or, in a compiled binary, as
 * `<binary> __rdb-writer <temp> <final> <checksum>`). It reads the RDB stream (everything up to and
 * including the EOF opcode) from stdin, appends the CRC-64 footer (zeros when checksums are off),
 * fsyncs the temp file, renames it over the final path and prints "ok". Any failure prints the
 * error and exits with status 1, removing the temp file.
 */
import { Crc64 } from "./crc64.ts";

/** The internal subcommand name a compiled binary dispatches on. */
export const WRITER_SUBCOMMAND = "__rdb-writer";

/**
 * Sent after the last RDB byte: the stream is complete. If stdin ends without it (the server died
 * mid-snapshot, kill -9), the temp file is discarded and the previous file stays in place.
 */
export const COMMIT_TRAILER = new TextEncoder().encode("\x00redeno-rdb-commit\x00");

/** Runs the writer with `[temp, final, checksum]`; resolves with the exit status. */
export async function runRdbWriter(args: string[]): Promise<number> {
  const [tmp, final, checksum] = args;
  const crc = checksum === "1" ? new Crc64() : null;
  let f: Deno.FsFile | null = null;
  try {
    f = await Deno.open(tmp, { write: true, create: true, truncate: true });
    let total = 0;
    // The last bytes seen are held back until more data shows they are not the trailer.
    const T = COMMIT_TRAILER.length;
    let held = new Uint8Array(0);
    const emit = async (data: Uint8Array) => {
      crc?.update(data);
      let off = 0;
      while (off < data.length) off += await f!.write(data.subarray(off));
      total += data.length;
    };
    for await (const chunk of Deno.stdin.readable) {
      const all = new Uint8Array(held.length + chunk.length);
      all.set(held);
      all.set(chunk, held.length);
      if (all.length > T) await emit(all.subarray(0, all.length - T));
      held = all.length > T ? all.slice(all.length - T) : all;
    }
    if (held.length !== T || !held.every((b, i) => b === COMMIT_TRAILER[i])) {
      throw new Error("snapshot stream ended before its commit trailer");
    }
    if (total < 10) throw new Error("truncated snapshot stream");
    const footer = new Uint8Array(8);
    crc?.writeLE(footer, 0);
    await f.write(footer);
    await f.sync();
    f.close();
    f = null;
    await Deno.rename(tmp, final);
    await Deno.stdout.write(new TextEncoder().encode("ok\n"));
    return 0;
  } catch (e) {
    f?.close();
    await Deno.remove(tmp).catch(() => {});
    await Deno.stdout.write(new TextEncoder().encode(`error ${e instanceof Error ? e.message : e}\n`));
    return 1;
  }
}

if (import.meta.main) Deno.exit(await runRdbWriter(Deno.args));
