/**
 * DUMP/RESTORE payloads: `<type><value><rdb version: u16 LE><crc64: u64 LE>` (cluster.c's
 * verifyDumpPayload / createDumpPayload). Writing is `dumpPayload` in rdb_write.ts.
 */
import { ByteReader, RdbError } from "./bytes_io.ts";
import { Crc64 } from "./crc64.ts";
import { RDB_VERSION } from "./rdb_format.ts";
import { type LoadLimits, readObject } from "./rdb_read.ts";
import type { Value } from "../types/value.ts";

/** True when the footer's RDB version is one we read and the CRC-64 matches. */
export function verifyDumpPayload(p: Uint8Array, _sanitize: string): boolean {
  if (p.length < 10) return false;
  const f = p.length - 10;
  const ver = p[f] | (p[f + 1] << 8);
  if (ver > RDB_VERSION) return false;
  return new Crc64().update(p, 0, p.length - 8).matchesLE(p, p.length - 8);
}

/**
 * The value a verified payload holds, or null when it loads as nothing (an empty collection).
 * Throws RdbError when the body is malformed or does not end exactly at the footer.
 */
export function readDumpPayload(p: Uint8Array, lim: LoadLimits, now: number): Value | null {
  const r = new ByteReader(p, 0, p.length - 10);
  const type = r.u8();
  const v = readObject(r, type, lim, now);
  if (r.remaining !== 0) throw new RdbError("trailing bytes in DUMP payload");
  return v;
}
