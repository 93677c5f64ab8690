/**
 * Whole RDB files: `serializeDataset` writes every database of a server (header, aux fields,
 * SELECTDB/RESIZEDB, keys, EOF, CRC-64); `parseRdb` reads a complete file into staged databases
 * without touching the server, so a corrupt file never leaves a partial load behind.
 */
import { ByteReader, ByteWriter, RdbError } from "./bytes_io.ts";
import { Crc64 } from "./crc64.ts";
import { OP, RDB_MIN_VERSION, RDB_VERSION, T } from "./rdb_format.ts";
import {
  type RdbWriteOptions,
  writeAux,
  writeFooter,
  writeHeader,
  writeKeyValue,
  writeLen,
  writeString,
} from "./rdb_write.ts";
import { type LoadLimits, readCount, readObject, readString } from "./rdb_read.ts";
import { type Db, Keyspace } from "../db/db.ts";
import { DenseDict } from "../types/dict.ts";

/** What the aux fields say about the writer. */
export interface AuxInfo {
  redisVer: string;
  usedMem: number;
}

/** Options for a whole-file write. */
export interface DatasetWriteOptions extends RdbWriteOptions {
  /** rdbchecksum: write the CRC-64 (0 otherwise). */
  checksum: boolean;
  /** redis-ver aux value. */
  redisVer: string;
  /** Unix ms for ctime. */
  now: number;
  /** Function library sources, saved as FUNCTION2 records before the keys. */
  functions?: readonly string[];
  /** The file is an AOF base (aux "aof-base" 1). */
  aofBase?: boolean;
}

/** Serializes `dbs` as one RDB file. */
export function serializeDataset(dbs: readonly Db[], o: DatasetWriteOptions): Uint8Array {
  const w = new ByteWriter(1 << 16);
  writeHeader(w, o.version);
  writeAux(w, "redis-ver", o.redisVer, o);
  writeAux(w, "redis-bits", "64", o);
  writeAux(w, "ctime", String(Math.floor(o.now / 1000)), o);
  writeAux(w, "used-mem", String(usedMemory()), o);
  writeAux(w, "aof-base", o.aofBase ? "1" : "0", o);
  for (const code of o.functions ?? []) {
    w.u8(OP.FUNCTION2);
    writeString(w, code, o);
  }
  for (const db of dbs) {
    const keys = db.dict.keys;
    if (keys.length === 0) continue;
    w.u8(OP.SELECTDB);
    writeLen(w, db.id);
    w.u8(OP.RESIZEDB);
    writeLen(w, keys.length);
    writeLen(w, db.expires.keys.length);
    const vals = db.dict.vals;
    const hasExpires = db.expires.keys.length !== 0;
    for (let i = 0; i < keys.length; i++) {
      writeKeyValue(w, keys[i], vals[i], hasExpires ? db.expires.get(keys[i]) : undefined, o, db.dict.lru[i]);
    }
  }
  return writeFooter(w, o.checksum ? new Crc64() : null);
}

function usedMemory(): number {
  try {
    return Deno.memoryUsage().heapUsed;
  } catch {
    return 0;
  }
}

/** One database read from a file: a ready keyspace (access clocks set) and its expires. */
export interface LoadedDb {
  dict: Keyspace;
  expires: DenseDict<number>;
}

/** A parsed file. */
export interface ParsedRdb {
  version: number;
  aux: Map<string, string>;
  /** The databases that appear in the file, by id. */
  dbs: Map<number, LoadedDb>;
  loaded: number;
  expired: number;
  emptySkipped: number;
  /** Function library sources (FUNCTION2 records), in file order. */
  functions: string[];
  /** Notes for the log. */
  warnings: string[];
  /** Offset just past the file (after the checksum): an AOF tail may follow. */
  end: number;
}

/** Options for parsing. */
export interface ParseOptions {
  limits: LoadLimits;
  /** Number of databases (a SELECTDB beyond is an error). */
  databases: number;
  /** Unix ms: keys already expired are skipped (counted in `expired`) when `dropExpired`. */
  now: number;
  dropExpired: boolean;
  /** Verify the CRC-64 footer when present (rdbchecksum). */
  verifyChecksum: boolean;
  /** The server's access clock (seconds): a key's clock is this minus its IDLE time. */
  lruClock?: number;
  /** Bytes after the RDB are expected (an AOF preamble followed by commands). */
  allowTrailing?: boolean;
  /** key-load-delay (tests): µs to spend per key loaded, with a step after each. */
  keyDelayUs?: number;
}

/** Reads and validates the "REDIS00vv" header; returns the version. */
export function readHeader(r: ByteReader): number {
  const magic = r.str(5);
  if (magic !== "REDIS") throw new RdbError("Wrong signature trying to load DB from file");
  const digits = r.str(4);
  if (!/^[0-9]{4}$/.test(digits)) throw new RdbError("Wrong signature trying to load DB from file");
  const v = Number(digits);
  if (v < RDB_MIN_VERSION || v > RDB_VERSION) throw new RdbError(`Can't handle RDB format version ${v}`);
  return v;
}

/** Parses a complete RDB file. Throws RdbError on any corruption. */
export function parseRdb(data: Uint8Array, o: ParseOptions): ParsedRdb {
  const steps = parseRdbSteps(data, o);
  while (true) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same parse in steps: yields the bytes consumed so far every few thousand keys, so a caller can
 * let the event loop run (clients get LOADING meanwhile), and returns the parsed file.
 */
export function* parseRdbSteps(data: Uint8Array, o: ParseOptions): Generator<number, ParsedRdb> {
  const r = new ByteReader(data);
  const version = readHeader(r);
  const res: ParsedRdb = {
    version,
    aux: new Map(),
    dbs: new Map(),
    loaded: 0,
    expired: 0,
    emptySkipped: 0,
    functions: [],
    warnings: [],
    end: 0,
  };
  let dbid = 0;
  const lru = o.lruClock ?? 0;
  const newDb = (): LoadedDb => ({ dict: new Keyspace(), expires: new DenseDict<number>() });
  let cur = newDb();
  res.dbs.set(0, cur);
  let expire = -1, idle = -1;
  while (true) {
    const type = r.u8();
    if (type === OP.EXPIRETIME) {
      expire = r.u32le() * 1000;
      continue;
    }
    if (type === OP.EXPIRETIME_MS) {
      const e = r.i64le();
      expire = typeof e === "number" ? e : Number(e);
      continue;
    }
    if (type === OP.FREQ) {
      r.u8(); // LFU counter: no LFU policy here
      continue;
    }
    if (type === OP.IDLE) {
      idle = readCount(r);
      continue;
    }
    if (type === OP.EOF) break;
    if (type === OP.SELECTDB) {
      dbid = readCount(r);
      if (dbid >= o.databases) {
        throw new RdbError(
          `FATAL: Data file was created with a Redis server configured to handle more than ${o.databases} databases. Exiting`,
        );
      }
      cur = res.dbs.get(dbid) ?? newDb();
      res.dbs.set(dbid, cur);
      continue;
    }
    if (type === OP.RESIZEDB) {
      readCount(r);
      readCount(r);
      continue;
    }
    if (type === OP.SLOT_INFO) {
      readCount(r);
      readCount(r);
      readCount(r);
      continue;
    }
    if (type === OP.AUX) {
      const k = readString(r);
      const v = readString(r);
      res.aux.set(k, v);
      continue;
    }
    if (type === OP.FUNCTION2) {
      res.functions.push(readString(r));
      continue;
    }
    if (type === OP.MODULE_AUX || type === OP.FUNCTION_PRE_GA) {
      throw new RdbError("module data and pre-GA functions in RDB files are not supported by this server");
    }
    if (type > T.HASH_LISTPACK_EX || type === 8) throw new RdbError(`Unknown RDB encoding type ${type}`);
    const key = readString(r);
    const value = readObject(r, type, o.limits, o.now);
    const exp = expire;
    const kIdle = idle;
    expire = idle = -1;
    if (value === null) {
      res.emptySkipped++;
      continue;
    }
    if (o.dropExpired && exp !== -1 && exp < o.now) {
      res.expired++;
      continue;
    }
    // One hash operation per key: the keyspace's own index detects duplicates (as dbAddRDBLoad does).
    if (!cur.dict.appendNew(key, value, kIdle >= 0 ? lru - kIdle : lru)) {
      throw new RdbError(`RDB has duplicated key '${key}' in DB ${dbid}`);
    }
    if (exp !== -1) cur.expires.set(key, exp);
    if (o.keyDelayUs) {
      const until = performance.now() + o.keyDelayUs / 1000;
      while (performance.now() < until) { /* debugDelay */ }
      res.loaded++;
      yield r.pos;
    } else if ((++res.loaded & 4095) === 0) yield r.pos;
  }
  if (version >= 5) {
    const footerStart = r.pos;
    const footer = r.bytes(8);
    if (o.verifyChecksum) {
      const zero = footer.every((b) => b === 0);
      if (!zero) {
        const crc = new Crc64().update(data, 0, footerStart);
        if (!crc.matchesLE(footer, 0)) {
          throw new RdbError(
            `Wrong RDB checksum expected: (${hex(footer)}) got: (${crc.value().toString(16)}). Aborting now.`,
          );
        }
      }
    }
  }
  res.end = r.pos;
  if (r.remaining !== 0 && !o.allowTrailing) {
    res.warnings.push(`${r.remaining} unexpected bytes after the end of the RDB file`);
  }
  return res;
}

function hex(le: Uint8Array): string {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(le[i]);
  return v.toString(16);
}
