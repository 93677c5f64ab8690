/**
 * AOF encoding: commands as RESP arrays (what incr files hold), and the AOF-format base file a rewrite
 * writes when `aof-use-rdb-preamble no` (Redis's rewriteAppendOnlyFileRio): per key the commands that
 * rebuild it, at most 64 items per command (AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT for a TTL and
 * HPEXPIREAT for hash fields with TTLs. Streams are rebuilt with RESTORE of their DUMP payload (our
 * deviation: one command instead of Redis's XADD/XSETID/XGROUP/XCLAIM sequence).
 */
import type { Db } from "../db/db.ts";
import type { Value } from "../types/value.ts";
import { ListValue } from "../types/list.ts";
import { RSet } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { Hash } from "../types/hash.ts";
import { formatDouble } from "../util/numbers.ts";
import type { ByteWriter } from "./bytes_io.ts";
import { dumpPayload } from "./rdb_write.ts";
import { bytesToStr } from "../resp/bytes.ts";
import type { RdbWriteOptions } from "./rdb_write.ts";

/** AOF_REWRITE_ITEMS_PER_CMD. */
const ITEMS_PER_CMD = 64;

/** Appends `argv` as a RESP array of bulk strings (binary strings: one char per byte). */
export function appendCommand(w: ByteWriter, argv: readonly string[]): void {
  w.str(`*${argv.length}\r\n`);
  for (const a of argv) {
    w.str(`$${a.length}\r\n`);
    w.str(a);
    w.str("\r\n");
  }
}

function emitBatched(w: ByteWriter, head: string[], items: readonly string[], step: number): void {
  for (let i = 0; i < items.length; i += ITEMS_PER_CMD * step) {
    appendCommand(w, [...head, ...items.slice(i, i + ITEMS_PER_CMD * step)]);
  }
}

/** The commands that rebuild `key` holding `v` (with absolute expiry `expire`, -1 for none). */
export function rewriteKey(
  w: ByteWriter,
  key: string,
  v: Value,
  expire: number,
  o: RdbWriteOptions,
): void {
  if (typeof v === "string") appendCommand(w, ["SET", key, v]);
  else if (v instanceof ListValue) emitBatched(w, ["RPUSH", key], v.toArray(), 1);
  else if (v instanceof RSet) emitBatched(w, ["SADD", key], v.members(), 1);
  else if (v instanceof ZSet) {
    const items: string[] = [];
    v.forEach((m, s) => items.push(formatDouble(s), m));
    emitBatched(w, ["ZADD", key], items, 2);
  } else if (v instanceof Hash) {
    const items: string[] = [];
    const ttls: [string, number][] = [];
    v.forEachEntry((f, val, at) => {
      items.push(f, val);
      if (at > 0) ttls.push([f, at]);
    });
    emitBatched(w, ["HMSET", key], items, 2);
    for (const [f, at] of ttls) appendCommand(w, ["HPEXPIREAT", key, String(at), "FIELDS", "1", f]);
  } else {
    appendCommand(w, ["RESTORE", key, "0", bytesToStr(dumpPayload(v, o)), "REPLACE"]);
  }
  if (expire !== -1) appendCommand(w, ["PEXPIREAT", key, String(expire)]);
}

/**
 * The AOF-format base of the whole dataset, written into `w` (SELECT before each non-empty database,
 * FUNCTION LOAD for every library first).
 */
export function rewriteDataset(w: ByteWriter, dbs: readonly Db[], functions: readonly string[], o: RdbWriteOptions) {
  for (const code of functions) appendCommand(w, ["FUNCTION", "LOAD", code]);
  for (const db of dbs) {
    const keys = db.dict.keys;
    if (keys.length === 0) continue;
    appendCommand(w, ["SELECT", String(db.id)]);
    for (let i = 0; i < keys.length; i++) {
      rewriteKey(w, keys[i], db.dict.vals[i], db.getExpire(keys[i]) ?? -1, o);
    }
  }
}
