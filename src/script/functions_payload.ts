/**
 * FUNCTION DUMP / RESTORE payloads (RDB_OPCODE_FUNCTION2 entries + RDB version + CRC-64), built from
 * and parsed into library sources. No Lua dependency: dumping needs only the registry's sources.
 */
import type { Server } from "../server/server.ts";
import { functionsOf } from "./state.ts";
import { ByteReader, ByteWriter } from "../persist/bytes_io.ts";
import { Crc64 } from "../persist/crc64.ts";
import { OP, RDB_VERSION } from "../persist/rdb_format.ts";
import { DEFAULT_WRITE, writeString } from "../persist/rdb_write.ts";
import { readString } from "../persist/rdb_read.ts";
import { verifyDumpPayload } from "../persist/dump.ts";

/** FUNCTION DUMP's payload. */
export function dumpFunctions(server: Server): Uint8Array {
  const w = new ByteWriter(256);
  for (const lib of functionsOf(server).libraries.values()) {
    w.u8(OP.FUNCTION2);
    writeString(w, lib.code, DEFAULT_WRITE);
  }
  w.u16le(RDB_VERSION);
  const out = new Uint8Array(w.pos + 8);
  out.set(w.view());
  new Crc64().update(out, 0, w.pos).writeLE(out, w.pos);
  return out;
}

/** Library codes of a FUNCTION RESTORE payload, or an error text. */
export function parseFunctionPayload(payload: Uint8Array): string[] | string {
  if (!verifyDumpPayload(payload, "no")) return "ERR payload version or checksum are wrong";
  const r = new ByteReader(payload, 0, payload.length - 10);
  const codes: string[] = [];
  try {
    while (r.remaining > 0) {
      if (r.u8() !== OP.FUNCTION2) return "ERR given type is not a function";
      codes.push(readString(r));
    }
  } catch {
    return "ERR payload version or checksum are wrong";
  }
  return codes;
}
