/**
 * Hash commands, core family: HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS,
 * HVALS, HGETALL, HINCRBY, HINCRBYFLOAT — with Redis 8.2's semantics for fields with a TTL (expired
 * fields are lazily deleted when read, skipped by HGETALL/HKEYS/HVALS, still counted by HLEN) and its
 * keyspace events (t_hash.c). Also joins the other hash modules into the family's `commands`: field
 * TTLs (hash_ttl.ts), HGETDEL/HGETEX/HSETEX (hash_ex.ts), HRANDFIELD/HSCAN (hash_random.ts).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  HASH_VALUE_NOT_FLOAT,
  HASH_VALUE_NOT_INTEGER,
  INCR_NAN,
  NOT_FLOAT,
  NOT_INTEGER,
  OVERFLOW,
  VALUE_NAN_OR_INFINITY,
  wrongArity,
} from "../server/errors.ts";
import { Hash } from "../types/hash.ts";
import { LLONG_MAX, LLONG_MIN } from "../util/numbers.ts";
import { addLongDouble, formatLongDouble, longDoubleFromInt, parseLongDouble } from "../util/longdouble.ts";
import { parseLongLong } from "./strings_counters.ts";
import {
  convertForInsert,
  found,
  GETF_EXPIRED,
  GETF_EXPIRED_HASH,
  GETF_OK,
  LAZY_NO_NOTIFY,
  limits,
  loadLimits,
  readField,
  readHash,
  writeHash,
} from "./hash_access.ts";
import { commands as ttlCommands } from "./hash_ttl.ts";
import { commands as exCommands } from "./hash_ex.ts";
import { commands as randomCommands } from "./hash_random.ts";

// ---- HSET / HMSET / HSETNX ----------------------------------------------------------------------

/** True when argv[2..] holds no repeated field (checked only for small counts). */
function distinctFields(argv: string[]): boolean {
  for (let i = 2; i < argv.length; i += 2) {
    for (let j = i + 2; j < argv.length; j += 2) if (argv[i] === argv[j]) return false;
  }
  return true;
}

/** HSET key field value [field value …] → fields added; HMSET → +OK. */
function hset(c: Client, argv: string[]): void {
  if ((argv.length & 1) === 1) {
    c.addError(wrongArity(c.cmd?.fullName ?? argv[0].toLowerCase()));
    return;
  }
  const key = argv[1];
  const db = c.db;
  const h = writeHash(c, key);
  if (h === null) return;
  loadLimits(c);
  const pairs = (argv.length - 2) >> 1;
  let created = 0;
  if (h === undefined) {
    let fresh: Hash;
    if (pairs <= 16 && pairs <= limits.entries && distinctFields(argv)) {
      // The common case: a new small hash takes the arguments as its listpack, exact-sized.
      fresh = Hash.fromPairs(argv, 2);
      created = pairs;
      convertForInsert(fresh, argv, 2, argv.length - 1);
    } else {
      fresh = new Hash();
      convertForInsert(fresh, argv, 2, argv.length - 1);
      created = fresh.setPairs(argv, 2, limits.entries, limits.value);
    }
    db.set(key, fresh);
  } else {
    convertForInsert(h, argv, 2, argv.length - 1);
    created = h.setPairs(argv, 2, limits.entries, limits.value);
    c.server.keyModified(db, key);
  }
  // HSET and HMSET differ only in their reply.
  const name = argv[0];
  if (name.charCodeAt(1) === 115 || name.charCodeAt(1) === 83) c.addInt(created);
  else c.addOk();
  const s = c.server;
  s.notify("h", "hset", key, db.id);
  s.dirty += pairs;
}

/** HSETNX key field value → 1 when set, 0 when the field exists. */
function hsetnx(c: Client, argv: string[]): void {
  const key = argv[1], field = argv[2];
  const db = c.db;
  let h = writeHash(c, key);
  if (h === null) return;
  if (h !== undefined) {
    const res = readField(c, key, h, field, 0);
    if (res === GETF_OK) {
      c.addInt(0);
      return;
    }
    if (res === GETF_EXPIRED_HASH) h = undefined; // the field expired and took the hash with it
  }
  loadLimits(c);
  const created = h === undefined;
  const target = h ?? new Hash();
  convertForInsert(target, argv, 2, 3);
  target.set(field, argv[3], false, limits.entries, limits.value);
  if (created) db.set(key, target);
  else c.server.keyModified(db, key);
  c.addInt(1);
  const s = c.server;
  s.notify("h", "hset", key, db.id);
  s.dirty++;
}

// ---- reads ----------------------------------------------------------------------------------------

function hget(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = readHash(c, key);
  if (h === null) return;
  if (h === undefined) c.addNull();
  else if (readField(c, key, h, argv[2], 0) === GETF_OK) c.addBulk(found.value);
  else c.addNull();
}

function hmget(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = readHash(c, key);
  if (h === null) return;
  c.addArrayLen(argv.length - 2);
  let expired = 0, deleted = false;
  for (let i = 2; i < argv.length; i++) {
    if (h === undefined || deleted) {
      c.addNull();
      continue;
    }
    const res = readField(c, key, h, argv[i], LAZY_NO_NOTIFY);
    if (res === GETF_OK) c.addBulk(found.value);
    else c.addNull();
    if (res === GETF_EXPIRED) expired++;
    else if (res === GETF_EXPIRED_HASH) deleted = true;
  }
  // As in Redis, the events go out only when a field expired before the one that emptied the hash.
  if (expired !== 0) {
    const s = c.server;
    s.notify("h", "hexpired", key, c.db.id);
    if (deleted) s.notify("g", "del", key, c.db.id);
  }
}

function hlen(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h !== null) c.addInt(h === undefined ? 0 : h.size);
}

function hstrlen(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = readHash(c, key);
  if (h === null) return;
  if (h !== undefined && readField(c, key, h, argv[2], 0) === GETF_OK) c.addInt(found.value.length);
  else c.addInt(0);
}

function hexists(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = readHash(c, key);
  if (h === null) return;
  c.addInt(h !== undefined && readField(c, key, h, argv[2], 0) === GETF_OK ? 1 : 0);
}

const KEYS = 1, VALUES = 2;

/** HKEYS / HVALS / HGETALL: every field and/or value whose TTL has not passed. */
function getAll(c: Client, key: string, what: number): void {
  const h = readHash(c, key);
  if (h === null) return;
  const both = what === (KEYS | VALUES);
  const now = h !== undefined && h.mayHaveTtls ? c.server.clock.now() : 0;
  const length = h === undefined ? 0 : h.size - (now === 0 ? 0 : h.countExpired(now));
  if (both) c.addMapLen(length);
  else c.addArrayLen(length);
  if (length === 0) return;
  h!.forEachEntry((field, value, t) => {
    if (t !== 0 && t < now) return;
    if (what & KEYS) c.addBulk(field);
    if (what & VALUES) c.addBulk(value);
  });
}

function hkeys(c: Client, argv: string[]): void {
  getAll(c, argv[1], KEYS);
}

function hvals(c: Client, argv: string[]): void {
  getAll(c, argv[1], VALUES);
}

function hgetall(c: Client, argv: string[]): void {
  getAll(c, argv[1], KEYS | VALUES);
}

// ---- HDEL -----------------------------------------------------------------------------------------

function hdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = writeHash(c, key);
  if (h === null) return;
  if (h === undefined) {
    c.addInt(0);
    return;
  }
  let deleted = 0, keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (!h.delete(argv[i])) continue;
    deleted++;
    if (h.size === 0) {
      keyRemoved = true;
      break;
    }
  }
  if (deleted !== 0) {
    const s = c.server, db = c.db;
    if (keyRemoved) db.delete(key);
    else s.keyModified(db, key);
    s.notify("h", "hdel", key, db.id);
    if (keyRemoved) s.notify("g", "del", key, db.id);
    s.dirty += deleted;
  }
  c.addInt(deleted);
}

// ---- HINCRBY / HINCRBYFLOAT -------------------------------------------------------------------------

/**
 * The hash to increment a field of: the existing one, or a new one (also when reading the field lazily
 * expired the whole hash). Returns [hash, current value or undefined, created] or null after WRONGTYPE.
 */
function hashForIncr(c: Client, key: string, field: string): [Hash, string | undefined, boolean] | null {
  const h = writeHash(c, key);
  if (h === null) return null;
  if (h === undefined) return [new Hash(), undefined, true];
  const res = readField(c, key, h, field, 0);
  if (res === GETF_OK) return [h, found.value, false];
  if (res === GETF_EXPIRED_HASH) return [new Hash(), undefined, true];
  return [h, undefined, false];
}

/** Stores the new value (keeping the field's TTL) and signals the write. */
function storeIncr(c: Client, key: string, h: Hash, field: string, value: string, created: boolean, event: string) {
  loadLimits(c);
  h.set(field, value, true, limits.entries, limits.value);
  const s = c.server, db = c.db;
  if (created) db.set(key, h);
  else s.keyModified(db, key);
  s.notify("h", event, key, db.id);
  s.dirty++;
}

function hincrby(c: Client, argv: string[]): void {
  const incr = parseLongLong(argv[3]);
  if (incr === null) {
    c.addError(NOT_INTEGER);
    return;
  }
  const key = argv[1], field = argv[2];
  const target = hashForIncr(c, key, field);
  if (target === null) return;
  const [h, cur, created] = target;
  let old: number | bigint = 0;
  if (cur !== undefined) {
    const v = parseLongLong(cur);
    if (v === null) {
      c.addError(HASH_VALUE_NOT_INTEGER);
      return;
    }
    old = v;
  }
  let result: number | bigint;
  if (typeof old === "number" && typeof incr === "number" && Number.isSafeInteger(old + incr)) {
    result = old + incr;
  } else {
    const a = BigInt(old), b = BigInt(incr);
    if ((b < 0n && a < 0n && b < LLONG_MIN - a) || (b > 0n && a > 0n && b > LLONG_MAX - a)) {
      c.addError(OVERFLOW);
      return;
    }
    const sum = a + b;
    result = sum >= -9007199254740991n && sum <= 9007199254740991n ? Number(sum) : sum;
  }
  storeIncr(c, key, h, field, String(result), created, "hincrby");
  c.addInt(result);
}

function hincrbyfloat(c: Client, argv: string[]): void {
  const incrText = argv[3];
  const incrInt = parseLongLong(incrText);
  const incr = incrInt !== null ? longDoubleFromInt(incrInt) : parseLongDouble(incrText);
  if (incr === null) {
    c.addError(NOT_FLOAT);
    return;
  }
  if (typeof incr === "number") {
    c.addError(VALUE_NAN_OR_INFINITY);
    return;
  }
  const key = argv[1], field = argv[2];
  const target = hashForIncr(c, key, field);
  if (target === null) return;
  const [h, cur, created] = target;
  let text: string;
  const curInt = cur === undefined ? 0 : parseLongLong(cur);
  if (typeof curInt === "number" && typeof incrInt === "number" && Number.isSafeInteger(curInt + incrInt)) {
    text = String(curInt + incrInt); // two small integers add exactly and print as an integer
  } else {
    const value = curInt !== null ? longDoubleFromInt(curInt) : parseLongDouble(cur!);
    if (value === null) {
      c.addError(HASH_VALUE_NOT_FLOAT);
      return;
    }
    const sum = typeof value === "number" ? null : addLongDouble(value, incr);
    if (sum === null) {
      c.addError(INCR_NAN);
      return;
    }
    text = formatLongDouble(sum);
  }
  storeIncr(c, key, h, field, text, created, "hincrbyfloat");
  // Replicated with the final value (float formatting cannot diverge) and the field's TTL kept:
  // HSETEX key KEEPTTL FIELDS 1 field value, as Redis 8.2 does (HSET before 8.2, which lost the TTL).
  c.argv = ["HSETEX", key, "KEEPTTL", "FIELDS", "1", field, text];
  c.addBulk(text);
}

export const commands: CommandDef[] = [
  { name: "hset", handler: hset },
  { name: "hmset", handler: hset },
  { name: "hsetnx", handler: hsetnx },
  { name: "hget", handler: hget },
  { name: "hmget", handler: hmget },
  { name: "hdel", handler: hdel },
  { name: "hlen", handler: hlen },
  { name: "hstrlen", handler: hstrlen },
  { name: "hexists", handler: hexists },
  { name: "hkeys", handler: hkeys },
  { name: "hvals", handler: hvals },
  { name: "hgetall", handler: hgetall },
  { name: "hincrby", handler: hincrby },
  { name: "hincrbyfloat", handler: hincrbyfloat },
  ...ttlCommands,
  ...exCommands,
  ...randomCommands,
];
