/**
 * RDB serialization of values and whole datasets, as Redis 8.2 writes them (rdb.c): lengths,
 * strings (integer and LZF encodings), every value type in the encoding Redis saves it in, aux
 * fields, SELECTDB/RESIZEDB, EXPIRETIME_MS and the CRC-64 footer.
 *
 * `version: 10` writes what Redis 7.0 can load: the v10 header, set listpacks as plain sets, and a
 * refusal (RdbError) for values v10 cannot hold (hashes with field TTLs).
 */
import { ByteWriter, RdbError } from "./bytes_io.ts";
import { Crc64 } from "./crc64.ts";
import { lzfCompress } from "./lzf.ts";
import { intsetEncode, lpEncode } from "./packed.ts";
import { ENC_INT16, ENC_INT32, ENC_INT8, ENC_LZF, HFE_NONE, OP, QL_PACKED, RDB_VERSION, T } from "./rdb_format.ts";
import { strToBytes } from "../resp/bytes.ts";
import { parseInt64 } from "../util/numbers.ts";
import { formatDouble } from "../util/numbers.ts";
import type { Value } from "../types/value.ts";
import { ListValue } from "../types/list.ts";
import { elemLen, elemStart, type PackNode, readForward } from "../types/list_pack.ts";
import { HASHTABLE, INTSET, LISTPACK, RSet } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { Hash } from "../types/hash.ts";
import { Stream } from "../types/stream.ts";
import { streamType, writeStream } from "./rdb_stream.ts";

/** How to write. */
export interface RdbWriteOptions {
  /** 12 (Redis 8.2) or 10 (loadable by Redis 7.0). */
  version: number;
  /** rdbcompression: LZF for strings over 20 bytes. */
  compress: boolean;
  /**
   * The eviction policy's needs (whole files only): "lru" writes each key's idle time (IDLE opcode),
   * "lfu" its access frequency (FREQ opcode), as Redis does under *-lru / *-lfu maxmemory policies.
   */
  evictionInfo?: "lru" | "lfu" | null;
  /** The server's access clock (seconds) when the file is written: idle = clock − key's clock. */
  lruClock?: number;
}

/** LFU_INIT_VAL: the frequency of a key that was not accessed since creation. */
const LFU_INIT_VAL = 5;

export const DEFAULT_WRITE: RdbWriteOptions = { version: RDB_VERSION, compress: true };

/** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit length. */
export function writeLen(w: ByteWriter, n: number): void {
  if (n < 64) w.u8(n);
  else if (n < 16384) {
    w.u8(0x40 | (n >>> 8));
    w.u8(n & 0xff);
  } else if (n <= 0xffffffff) {
    w.u8(0x80);
    w.u32be(n);
  } else {
    w.u8(0x81);
    w.u64be(n);
  }
}

/** rdbTryIntegerEncoding: a canonical integer within int32 as ENC_INT8/16/32; false otherwise. */
function writeIntEncoded(w: ByteWriter, s: string): boolean {
  const v = parseInt64(s);
  if (typeof v !== "number") return false;
  if (v >= -128 && v <= 127) {
    w.u8(0xc0 | ENC_INT8);
    w.u8(v & 0xff);
  } else if (v >= -32768 && v <= 32767) {
    w.u8(0xc0 | ENC_INT16);
    w.u16le(v & 0xffff);
  } else if (v >= -2147483648 && v <= 2147483647) {
    w.u8(0xc0 | ENC_INT32);
    w.u32le(v >>> 0);
  } else return false;
  return true;
}

/** Writes `bytes` LZF-compressed when that saves at least 4 bytes; returns false otherwise. */
function writeLzf(w: ByteWriter, bytes: Uint8Array): boolean {
  if (bytes.length <= 4) return false;
  const c = lzfCompress(bytes, bytes.length - 4);
  if (c === null) return false;
  w.u8(0xc0 | ENC_LZF);
  writeLen(w, c.length);
  writeLen(w, bytes.length);
  w.bytes(c);
  return true;
}

/** rdbSaveRawString for a binary string. */
export function writeString(w: ByteWriter, s: string, o: RdbWriteOptions): void {
  const len = s.length;
  if (len <= 11 && len > 0 && writeIntEncoded(w, s)) return;
  if (o.compress && len > 20 && writeLzf(w, strToBytes(s))) return;
  writeLen(w, len);
  w.str(s);
}

/** rdbSaveRawString for a blob (listpacks, intsets). */
export function writeBlob(w: ByteWriter, b: Uint8Array, o: RdbWriteOptions): void {
  if (o.compress && b.length > 20 && writeLzf(w, b)) return;
  writeLen(w, b.length);
  w.bytes(b);
}

/** Elements of a packed list node. */
function nodeElements(node: PackNode): string[] {
  const out: string[] = [];
  const d = node.d;
  let p = 0;
  while (p < d.length) {
    p = readForward(d, p);
    out.push(d.slice(elemStart, elemStart + elemLen));
  }
  return out;
}

/** The RDB type byte `v` is saved with (rdbSaveObjectType). */
export function objectType(v: Value, o: RdbWriteOptions): number {
  if (typeof v === "string") return T.STRING;
  if (v instanceof ListValue) return T.LIST_QUICKLIST_2;
  if (v instanceof RSet) {
    if (v.enc === INTSET) return T.SET_INTSET;
    if (v.enc === LISTPACK && o.version >= 11) return T.SET_LISTPACK;
    return T.SET;
  }
  if (v instanceof ZSet) return v.isListpack ? T.ZSET_LISTPACK : T.ZSET_2;
  if (v instanceof Hash) {
    const ttls = v.mayHaveTtls && v.hasTtls();
    if (v.isListpack) {
      if (v.ex && o.version >= 12) return T.HASH_LISTPACK_EX;
      if (ttls) throw new RdbError("hash field TTLs cannot be saved in RDB version " + o.version);
      return T.HASH_LISTPACK;
    }
    if (ttls) {
      if (o.version < 12) throw new RdbError("hash field TTLs cannot be saved in RDB version " + o.version);
      return T.HASH_METADATA;
    }
    return T.HASH;
  }
  if (v instanceof Stream) return streamType(o);
  throw new RdbError(`cannot save a value of type ${v.type}`);
}

/** rdbSaveObject: the value body for type `type` (from objectType). */
export function writeObject(w: ByteWriter, v: Value, type: number, o: RdbWriteOptions): void {
  if (typeof v === "string") return writeString(w, v, o);
  if (v instanceof Stream) return writeStream(w, v, type, o);
  if (v instanceof ListValue) {
    const nodes = v.nodes();
    writeLen(w, nodes.length);
    for (const node of nodes) {
      writeLen(w, QL_PACKED);
      writeBlob(w, lpEncode(nodeElements(node)), o);
    }
    return;
  }
  if (v instanceof RSet) {
    if (type === T.SET_INTSET) return writeBlob(w, intsetEncode(v.ints!), o);
    if (type === T.SET_LISTPACK) return writeBlob(w, lpEncode(v.list!), o);
    const members = v.enc === HASHTABLE ? v.dict!.keys : v.members();
    writeLen(w, members.length);
    for (const m of members) writeString(w, m, o);
    return;
  }
  if (v instanceof ZSet) {
    if (type === T.ZSET_LISTPACK) {
      const items: string[] = [];
      v.forEach((m, s) => items.push(m, formatDouble(s)));
      return writeBlob(w, lpEncode(items), o);
    }
    // Greatest to smallest, so loading inserts at the head.
    writeLen(w, v.size);
    v.forEachReverse((m, s) => {
      writeString(w, m, o);
      w.f64le(s);
    });
    return;
  }
  if (v instanceof Hash) {
    if (type === T.HASH_LISTPACK || type === T.HASH_LISTPACK_EX) {
      const items: string[] = [];
      const ex = type === T.HASH_LISTPACK_EX;
      let min = HFE_NONE;
      v.forEachEntry((f, val, t) => {
        items.push(f, val);
        if (ex) {
          items.push(String(t));
          if (t !== 0 && t < min) min = t;
        }
      });
      if (ex) w.i64le(min);
      return writeBlob(w, lpEncode(items), o);
    }
    if (type === T.HASH_METADATA) {
      const min = v.minExpire();
      w.i64le(min);
      writeLen(w, v.size);
      v.forEachEntry((f, val, t) => {
        writeLen(w, t === 0 ? 0 : t - min + 1);
        writeString(w, f, o);
        writeString(w, val, o);
      });
      return;
    }
    writeLen(w, v.size);
    v.forEachEntry((f, val) => {
      writeString(w, f, o);
      writeString(w, val, o);
    });
    return;
  }
}

/** rdbSaveKeyValuePair: optional EXPIRETIME_MS, type, key, value. */
export function writeKeyValue(
  w: ByteWriter,
  key: string,
  v: Value,
  expire: number | undefined,
  o: RdbWriteOptions,
  keyClock = 0,
) {
  const type = objectType(v, o);
  if (expire !== undefined) {
    w.u8(OP.EXPIRETIME_MS);
    w.i64le(expire);
  }
  if (o.evictionInfo === "lru") {
    w.u8(OP.IDLE);
    writeLen(w, Math.max(0, (o.lruClock ?? 0) - keyClock));
  } else if (o.evictionInfo === "lfu") {
    w.u8(OP.FREQ);
    w.u8(LFU_INIT_VAL);
  }
  w.u8(type);
  writeString(w, key, o);
  writeObject(w, v, type, o);
}

/** An AUX field (string value). */
export function writeAux(w: ByteWriter, name: string, value: string, o: RdbWriteOptions): void {
  w.u8(OP.AUX);
  writeString(w, name, o);
  writeString(w, value, o);
}

/** The "REDIS00vv" header. */
export function writeHeader(w: ByteWriter, version: number): void {
  w.str("REDIS" + String(version).padStart(4, "0"));
}

/** EOF opcode and the CRC-64 of everything before it (0 when checksums are off). */
export function writeFooter(w: ByteWriter, crc: Crc64 | null): Uint8Array {
  w.u8(OP.EOF);
  const out = new Uint8Array(w.pos + 8);
  out.set(w.view());
  if (crc !== null) {
    crc.update(out, 0, w.pos);
    crc.writeLE(out, w.pos);
  }
  return out;
}

/**
 * DUMP payload: type byte + value + 2-byte RDB version (little-endian) + CRC-64 of all that. Throws
 * RdbError for values the chosen version cannot hold.
 */
export function dumpPayload(v: Value, o: RdbWriteOptions): Uint8Array {
  const w = new ByteWriter(64);
  const type = objectType(v, o);
  w.u8(type);
  writeObject(w, v, type, o);
  w.u16le(o.version);
  const out = new Uint8Array(w.pos + 8);
  out.set(w.view());
  new Crc64().update(out, 0, w.pos).writeLE(out, w.pos);
  return out;
}
