/**
 * Database-level keyspace commands: MOVE and COPY (between keys and databases), SWAPDB, FLUSHDB and
 * FLUSHALL. Every key they change or drop goes through the Db (or fires keyModified directly for a
 * swap), so WATCH and client-side caching see it.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Db } from "../db/db.ts";
import { INVALID_DB, INVALID_FIRST_DB, INVALID_SECOND_DB, SAME_OBJECT, SYNTAX } from "../server/errors.ts";
import { typeOf } from "../types/value.ts";
import { intArgInRange } from "./key_access.ts";
import { forcePropagation } from "./propagation.ts";

/** The database with index `id`, or null after replying "DB index is out of range". */
function dbOrReply(c: Client, id: number): Db | null {
  const dbs = c.server.dbs;
  if (id < 0 || id >= dbs.length) {
    c.addError(INVALID_DB);
    return null;
  }
  return dbs[id];
}

/** MOVE key db: moves the key (with TTL and encoding) unless it already exists in the target. */
function move(c: Client, argv: string[]): void {
  const src = c.db;
  const id = intArgInRange(c, argv[2]);
  if (id === null) return;
  const dst = dbOrReply(c, id);
  if (dst === null) return;
  if (dst === src) {
    c.addError(SAME_OBJECT);
    return;
  }
  const key = argv[1];
  const val = src.lookup(key);
  if (val === undefined) {
    c.addInt(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.lookup(key) !== undefined) {
    c.addInt(0);
    return;
  }
  const raw = src.rawStrings.size !== 0 && src.rawStrings.has(key);
  dst.set(key, val);
  if (expire !== undefined) dst.setExpire(key, expire);
  if (raw) dst.rawStrings.add(key);
  src.delete(key);
  const server = c.server;
  server.notify("g", "move_from", key, src.id);
  server.notify("g", "move_to", key, dst.id);
  server.dirty++;
  c.addInt(1);
}

/**
 * COPY source destination [DB db] [REPLACE]: a deep copy (RObject.clone) with the source's TTL.
 * Events: copy_to on the destination, then (Redis 8.2) overwritten and type_changed when REPLACE
 * replaced an existing key.
 */
function copy(c: Client, argv: string[]): void {
  const src = c.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === "replace") {
      replace = true;
    } else if (opt === "db" && j + 1 < argv.length) {
      const id = intArgInRange(c, argv[j + 1]);
      if (id === null) return;
      const db = dbOrReply(c, id);
      if (db === null) return;
      dst = db;
      j++;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  const key = argv[1];
  const newkey = argv[2];
  if (src === dst && key === newkey) {
    c.addError(SAME_OBJECT);
    return;
  }
  const val = src.lookupRead(key);
  if (val === undefined) {
    c.addInt(0);
    return;
  }
  const expire = src.getExpire(key);
  const old = dst.lookup(newkey);
  if (old !== undefined) {
    if (!replace) {
      c.addInt(0);
      return;
    }
    dst.delete(newkey);
  }
  const raw = src.rawStrings.size !== 0 && src.rawStrings.has(key);
  dst.set(newkey, typeof val === "string" ? val : val.clone());
  if (expire !== undefined) dst.setExpire(newkey, expire);
  if (raw) dst.rawStrings.add(newkey);
  const server = c.server;
  server.notify("g", "copy_to", newkey, dst.id);
  if (old !== undefined) {
    server.notify("o", "overwritten", newkey, dst.id);
    if (typeOf(old) !== typeOf(val)) server.notify("c", "type_changed", newkey, dst.id);
  }
  server.dirty++;
  c.addInt(1);
}

/**
 * Exchanges the contents of two databases. Clients stay on their index (they see the other data), as
 * do per-index registries (watched and blocking keys), so only the data fields move.
 */
function swapContents(a: Db, b: Db): void {
  const dict = a.dict, expires = a.expires, avgTtl = a.avgTtl, raw = a.rawStrings;
  a.dict = b.dict;
  a.expires = b.expires;
  a.avgTtl = b.avgTtl;
  a.rawStrings = b.rawStrings;
  b.dict = dict;
  b.expires = expires;
  b.avgTtl = avgTtl;
  b.rawStrings = raw;
}

/** SWAPDB index1 index2. Every key present in either database is signalled as modified in both. */
function swapdb(c: Client, argv: string[]): void {
  const id1 = intArgInRange(c, argv[1], INVALID_FIRST_DB);
  if (id1 === null) return;
  const id2 = intArgInRange(c, argv[2], INVALID_SECOND_DB);
  if (id2 === null) return;
  const dbs = c.server.dbs;
  if (id1 < 0 || id1 >= dbs.length || id2 < 0 || id2 >= dbs.length) {
    c.addError(INVALID_DB);
    return;
  }
  const server = c.server;
  if (id1 !== id2) {
    const a = dbs[id1], b = dbs[id2];
    if (server.keyModifiedHooks.length !== 0) {
      for (const db of [a, b]) {
        for (const key of a.dict.keys) server.keyModified(db, key);
        for (const key of b.dict.keys) if (!a.dict.has(key)) server.keyModified(db, key);
      }
    }
    swapContents(a, b);
  }
  server.dirty++;
  c.addOk();
}

/** FLUSHDB / FLUSHALL take no argument or exactly one of SYNC | ASYNC; false after a syntax error. */
function flushArgsOk(c: Client, argv: string[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length === 2) {
    const mode = argv[1].toLowerCase();
    if (mode === "sync" || mode === "async") return true;
  }
  c.addError(SYNTAX);
  return false;
}

/** FLUSHDB [ASYNC|SYNC]. Freeing is immediate either way (the GC reclaims the old dicts). */
function flushdb(c: Client, argv: string[]): void {
  if (!flushArgsOk(c, argv)) return;
  const removed = c.db.flush();
  c.server.dirty += removed;
  // Redis's forceCommandPropagation: replicated even when the database was already empty.
  if (removed === 0) forcePropagation(c);
  c.addOk();
}

/** FLUSHALL [ASYNC|SYNC]: empties every database (functions are kept, as in Redis 7+). */
function flushall(c: Client, argv: string[]): void {
  if (!flushArgsOk(c, argv)) return;
  const server = c.server;
  let removed = 0;
  for (const db of server.dbs) removed += db.flush();
  server.dirty += removed;
  // flushAllDataAndResetRDB: a running BGSAVE is killed and, with save points, an empty dump.rdb is
  // saved (which resets the change counter).
  for (const h of server.flushAllHooks) h();
  // Redis's forceCommandPropagation: replicated even when nothing was removed.
  forcePropagation(c);
  c.addOk();
}

export const commands: CommandDef[] = [
  { name: "move", handler: move },
  { name: "copy", handler: copy },
  { name: "swapdb", handler: swapdb },
  { name: "flushdb", handler: flushdb },
  { name: "flushall", handler: flushall },
];
