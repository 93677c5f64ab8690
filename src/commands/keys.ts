/**
 * Generic keyspace commands: DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME, RENAMENX, RANDOMKEY, DBSIZE.
 *
 * This module also gathers the whole keyspace family into `commands`: expiry (expire.ts), KEYS/SCAN
 * (scan.ts), OBJECT (object.ts) and the database-level commands MOVE, COPY, SWAPDB, FLUSHDB,
 * FLUSHALL (db_admin.ts).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { NO_SUCH_KEY } from "../server/errors.ts";
import { typeOf } from "../types/value.ts";
import { lookupReadNoTouch } from "./key_access.ts";
import { commands as expireCommands } from "./expire.ts";
import { commands as scanCommands } from "./scan.ts";
import { commands as objectCommands } from "./object.ts";
import { commands as dbAdminCommands } from "./db_admin.ts";

/** DEL and UNLINK: delete every existing key, one `del` event each. Expired keys do not count. */
function del(c: Client, argv: string[]): void {
  const db = c.db;
  const server = c.server;
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j];
    if (db.expires.keys.length !== 0) db.expireIfNeeded(key);
    if (db.delete(key)) {
      server.notify("g", "del", key, db.id);
      deleted++;
    }
  }
  server.dirty += deleted;
  c.addInt(deleted);
}

/** EXISTS: counts the keys that exist, repeated keys counted each time; does not touch them. */
function exists(c: Client, argv: string[]): void {
  let count = 0;
  for (let j = 1; j < argv.length; j++) {
    if (lookupReadNoTouch(c, argv[j]) !== undefined) count++;
  }
  c.addInt(count);
}

function type(c: Client, argv: string[]): void {
  const v = lookupReadNoTouch(c, argv[1]);
  c.addStatus(v === undefined ? "none" : typeOf(v));
}

/** TOUCH: a read lookup (updates the access clock, even for CLIENT NO-TOUCH clients) per key. */
function touch(c: Client, argv: string[]): void {
  let touched = 0;
  for (let j = 1; j < argv.length; j++) {
    if (c.db.lookupRead(argv[j]) !== undefined) touched++;
  }
  c.addInt(touched);
}

/**
 * RENAME / RENAMENX. The value moves with its TTL and encoding; an existing destination is deleted
 * first (RENAME) or makes RENAMENX answer 0. Events: rename_from, rename_to, and since Redis 8.2
 * overwritten (+ type_changed when the types differ) on the destination.
 */
function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const db = c.db;
  const src = argv[1];
  const dst = argv[2];
  const val = db.lookup(src);
  if (val === undefined) {
    c.addError(NO_SUCH_KEY);
    return;
  }
  if (src === dst) {
    if (nx) c.addInt(0);
    else c.addOk();
    return;
  }
  const expire = db.getExpire(src);
  const raw = db.rawStrings.size !== 0 && db.rawStrings.has(src);
  const old = db.lookup(dst);
  if (old !== undefined) {
    if (nx) {
      c.addInt(0);
      return;
    }
    db.delete(dst);
  }
  db.set(dst, val);
  if (expire !== undefined) db.setExpire(dst, expire);
  if (raw) db.rawStrings.add(dst);
  db.delete(src);
  const server = c.server;
  server.notify("g", "rename_from", src, db.id);
  server.notify("g", "rename_to", dst, db.id);
  if (old !== undefined) {
    server.notify("o", "overwritten", dst, db.id);
    if (typeOf(old) !== typeOf(val)) server.notify("c", "type_changed", dst, db.id);
  }
  server.dirty++;
  if (nx) c.addInt(1);
  else c.addOk();
}

function rename(c: Client, argv: string[]): void {
  renameGeneric(c, argv, false);
}

function renamenx(c: Client, argv: string[]): void {
  renameGeneric(c, argv, true);
}

function randomkey(c: Client): void {
  c.addBulkOrNull(c.db.randomKey());
}

/** DBSIZE counts every key in the dict, including expired keys not yet reclaimed (as Redis). */
function dbsize(c: Client): void {
  c.addInt(c.db.size);
}

export const commands: CommandDef[] = [
  { name: "del", handler: del },
  { name: "unlink", handler: del },
  { name: "exists", handler: exists },
  { name: "type", handler: type },
  { name: "touch", handler: touch },
  { name: "rename", handler: rename },
  { name: "renamenx", handler: renamenx },
  { name: "randomkey", handler: randomkey },
  { name: "dbsize", handler: dbsize },
  ...expireCommands,
  ...scanCommands,
  ...objectCommands,
  ...dbAdminCommands,
];
