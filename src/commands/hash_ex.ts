/**
 * Redis 8.0 hash commands: HGETDEL (get and delete fields), HGETEX (get fields and set or remove their
 * TTL: EX | PX | EXAT | PXAT | PERSIST) and HSETEX (set fields with FNX | FXX and EX | PX | EXAT |
 * PXAT | KEEPTTL), with Redis 8.2's argument parsing, error texts and keyspace events.
 *
 * Propagation (as Redis 8.2): HGETDEL → HDEL key field…; HGETEX → HPEXPIREAT key <ms> FIELDS… or
 * HPERSIST key FIELDS…; HSETEX with EX | PX | EXAT → PXAT <ms>. Fields deleted by a time in the past
 * or expired on access go out as HDELs, and then the command itself is not replicated.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { Hash } from "../types/hash.ts";
import {
  HSETEX_FXX_FNX,
  HSETEX_MISSING_EXPIRE,
  HSETEX_NUMFIELDS,
  HSETEX_ONE_EXPIRE,
  NUMFIELDS_POSITIVE_INTEGER,
  SYNTAX,
  unknownArgument,
  wrongArity,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { syncFieldExpiry } from "../db/field_expire.ts";
import {
  convertForInsert,
  finishWrite,
  found,
  GETF_EXPIRED,
  GETF_OK,
  LAZY_KEEP_HASH,
  LAZY_NO_NOTIFY,
  LAZY_NO_SIGNAL,
  limits,
  loadLimits,
  parseFieldsBlock,
  readField,
  writeHash,
} from "./hash_access.ts";
import { parseFieldExpire, PERSIST_TIME, SETEX_DELETED, SETEX_OK, setFieldExpire } from "./hash_ttl.ts";

/** Lazy expiry while these commands read: no events and no key deletion until they finish. */
const QUIET = LAZY_NO_NOTIFY | LAZY_NO_SIGNAL | LAZY_KEEP_HASH;

/** HGETDEL key FIELDS numfields field…: the values (null when missing), then the fields are deleted. */
function hgetdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = writeHash(c, key);
  if (h === null) return;
  const n = parseFieldsBlock(c, argv, 3, NUMFIELDS_POSITIVE_INTEGER);
  if (n < 0) return;
  c.addArrayLen(n);
  let expired = 0, deleted = 0;
  for (let i = 4; i < argv.length; i++) {
    if (h === undefined) {
      c.addNull();
      continue;
    }
    const res = readField(c, key, h, argv[i], QUIET);
    if (res === GETF_OK) {
      c.addBulk(found.value);
      h.delete(argv[i]);
      deleted++;
    } else {
      c.addNull();
      if (res === GETF_EXPIRED) expired++;
    }
  }
  if (expired === 0 && deleted === 0) return;
  const s = c.server, db = c.db;
  if (expired !== 0) s.notify("h", "hexpired", key, db.id);
  if (deleted !== 0) {
    s.notify("h", "hdel", key, db.id);
    s.dirty += deleted;
    // Replicated as HDEL key field… (every field named; missing ones are no-ops).
    c.argv = ["HDEL", key, ...c.argv.slice(4)];
  }
  finishWrite(c, key, h!, false, true);
}

const EX = 1, PX = 2, EXAT = 4, PXAT = 8, PERSIST = 16, KEEPTTL = 32, FXX = 64, FNX = 128;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

/**
 * HGETEX key [EX seconds | PX ms | EXAT unix-seconds | PXAT unix-ms | PERSIST] FIELDS numfields
 * field…: the values, and each existing field's TTL set (a past time deletes it) or removed.
 */
function hgetex(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = writeHash(c, key);
  if (h === null) return;
  let cond = 0, numFieldsAt = 3, when = 0;
  const opt = argv[2].toLowerCase();
  if (opt === "ex") cond = EX;
  else if (opt === "px") cond = PX;
  else if (opt === "exat") cond = EXAT;
  else if (opt === "pxat") cond = PXAT;
  else if (opt === "persist") cond = PERSIST;
  if (cond & ANY_EXPIRE) {
    numFieldsAt += 2;
    when = parseFieldExpire(c, argv[3], (cond & (EX | EXAT)) !== 0, cond & (EX | PX) ? c.server.clock.now() : 0);
    if (when < 0) return;
  } else if (cond === PERSIST) {
    numFieldsAt++;
  }
  if (numFieldsAt >= argv.length && argv[numFieldsAt - 1].toLowerCase() === "fields") {
    // `HGETEX key EX 10 FIELDS`: nothing where the count should be.
    c.addError(wrongArity(c.cmd?.fullName ?? "hgetex"));
    return;
  }
  const n = parseFieldsBlock(c, argv, numFieldsAt, NUMFIELDS_POSITIVE_INTEGER);
  if (n < 0) return;
  c.addArrayLen(n);
  if (h === undefined) {
    for (let i = 0; i < n; i++) c.addNull();
    return;
  }
  if (cond !== 0) h.enableTtl();
  let expired = 0, deleted = 0, updated = 0;
  for (let i = numFieldsAt + 1; i < argv.length; i++) {
    const field = argv[i];
    const res = readField(c, key, h, field, QUIET);
    if (res === GETF_OK) c.addBulk(found.value);
    else c.addNull();
    if (res === GETF_EXPIRED) expired++;
    if (res === GETF_OK && cond !== 0) {
      const r = setFieldExpire(c, key, h, field, cond === PERSIST ? PERSIST_TIME : when, 0);
      if (r === SETEX_DELETED) deleted++;
      else if (r === SETEX_OK) updated++;
    }
  }
  if (expired === 0 && deleted === 0 && updated === 0) return;
  const s = c.server, db = c.db;
  s.dirty += deleted + updated;
  if (expired !== 0) s.notify("h", "hexpired", key, db.id);
  if (updated !== 0) {
    s.notify("h", cond === PERSIST ? "hpersist" : "hexpire", key, db.id);
    // Replicated as HPERSIST key FIELDS… or HPEXPIREAT key <absolute ms> FIELDS… (all fields named).
    const out = c.argv.slice();
    out.splice(2, 1); // the PERSIST | EX | PX | EXAT | PXAT option
    if (cond === PERSIST) out[0] = "HPERSIST";
    else {
      out[0] = "HPEXPIREAT";
      if (cond !== PXAT) out[2] = String(when);
    }
    c.argv = out;
  } else if (deleted !== 0) {
    s.notify("h", "hdel", key, db.id);
    c.preventPropagation = true; // a past time: the HDELs already went out
  }
  finishWrite(c, key, h, false, true);
  syncFieldExpiry(db, key);
}

/** Parsed HSETEX options. */
interface SetexArgs {
  flags: number;
  /** Absolute expire time in ms (with EX/PX/EXAT/PXAT). */
  when: number;
  /** Index of the first field. */
  first: number;
  /** Index of the expire time argument (-1 without one). */
  expireAt: number;
}

/** Redis's hsetexParseArgs. Returns null after replying an error. */
function parseHsetexArgs(c: Client, argv: string[]): SetexArgs | null {
  let flags = 0, when = 0, expireAt = -1;
  const argc = argv.length;
  for (let i = 2; i < argc; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === "fields") {
      if (i >= argc - 3) {
        c.addError(wrongArity(c.cmd?.fullName ?? "hsetex"));
        return null;
      }
      const n = parseInt64(argv[i + 1]);
      if (n === null || n < 1 || n > 2147483647) {
        c.addError(HSETEX_NUMFIELDS);
        return null;
      }
      const remaining = argc - i - 2;
      if (remaining % 2 !== 0 || n !== remaining / 2) {
        c.addError(wrongArity(c.cmd?.fullName ?? "hsetex"));
        return null;
      }
      return { flags, when, first: i + 2, expireAt };
    }
    let unit = 0;
    if (opt === "ex") unit = EX;
    else if (opt === "px") unit = PX;
    else if (opt === "exat") unit = EXAT;
    else if (opt === "pxat") unit = PXAT;
    else if (opt === "keepttl") unit = KEEPTTL;
    if (unit !== 0) {
      if (flags & (ANY_EXPIRE | KEEPTTL)) {
        c.addError(HSETEX_ONE_EXPIRE);
        return null;
      }
      flags |= unit;
      if (unit === KEEPTTL) continue;
      if (i >= argc - 1) {
        c.addError(HSETEX_MISSING_EXPIRE);
        return null;
      }
      i++;
      expireAt = i;
      when = parseFieldExpire(c, argv[i], (unit & (EX | EXAT)) !== 0, unit & (EX | PX) ? c.server.clock.now() : 0);
      if (when < 0) return null;
    } else if (opt === "fxx" || opt === "fnx") {
      if (flags & (FXX | FNX)) {
        c.addError(HSETEX_FXX_FNX);
        return null;
      }
      flags |= opt === "fxx" ? FXX : FNX;
    } else {
      c.addError(unknownArgument(argv[i]));
      return null;
    }
  }
  c.addError(SYNTAX); // unreachable with the command's arity, kept for safety
  return null;
}

/**
 * HSETEX key [FNX | FXX] [EX | PX | EXAT | PXAT time | KEEPTTL] FIELDS numfields field value…: 1 when
 * the fields were set, 0 when FNX/FXX failed. Without an expire option overwritten fields lose their
 * TTL; a past time sets and then deletes the fields.
 */
function hsetex(c: Client, argv: string[]): void {
  const args = parseHsetexArgs(c, argv);
  if (args === null) return;
  const { flags, when, first } = args;
  const key = argv[1];
  const existing = writeHash(c, key);
  if (existing === null) return;
  if (existing === undefined && flags & FXX) {
    c.addInt(0);
    return;
  }
  const created = existing === undefined;
  const h = existing ?? new Hash();
  let expired = 0, fieldsSet = false, updated = 0, deleted = 0;
  let ok = true;
  if (flags & (FXX | FNX)) {
    const n = (argv.length - first) >> 1;
    let present = 0;
    for (let i = 0; i < n; i++) {
      const res = readField(c, key, h, argv[first + 2 * i], QUIET);
      const exists = res === GETF_OK;
      if (res === GETF_EXPIRED) expired++;
      if (exists) present++;
      if ((flags & FXX && !exists) || (flags & FNX && exists)) break;
    }
    ok = flags & FNX ? present === 0 : present === n;
  }
  if (ok) {
    loadLimits(c);
    convertForInsert(h, argv, first, argv.length - 1);
    const setExpiry = (flags & ANY_EXPIRE) !== 0;
    if (setExpiry) h.enableTtl();
    const keepTtl = (flags & (ANY_EXPIRE | KEEPTTL)) !== 0;
    for (let i = first; i < argv.length; i += 2) {
      h.set(argv[i], argv[i + 1], keepTtl, limits.entries, limits.value);
      fieldsSet = true;
      if (setExpiry) {
        const r = setFieldExpire(c, key, h, argv[i], when, 0);
        if (r === SETEX_OK) updated++;
        else if (r === SETEX_DELETED) deleted++;
      }
    }
    c.server.dirty += (argv.length - first) >> 1;
    if (deleted !== 0) c.preventPropagation = true; // a past time: the HDELs already went out
    else if (setExpiry && !(flags & PXAT)) {
      // Replicated with PXAT <absolute ms> in place of EX | PX | EXAT and its time.
      const out = c.argv.slice();
      out[args.expireAt - 1] = "PXAT";
      out[args.expireAt] = String(when);
      c.argv = out;
    }
    c.addInt(1);
  } else {
    c.addInt(0);
  }
  const s = c.server, db = c.db;
  if (expired !== 0) s.notify("h", "hexpired", key, db.id);
  if (fieldsSet) {
    s.notify("h", "hset", key, db.id);
    if (deleted !== 0 || updated !== 0) s.notify("h", deleted !== 0 ? "hdel" : "hexpire", key, db.id);
  }
  finishWrite(c, key, h, created, fieldsSet || expired !== 0);
  syncFieldExpiry(db, key);
}

export const commands: CommandDef[] = [
  { name: "hgetdel", handler: hgetdel },
  { name: "hgetex", handler: hgetex },
  { name: "hsetex", handler: hsetex },
];
