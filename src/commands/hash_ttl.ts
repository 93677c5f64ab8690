/**
 * Hash field expiration commands (Redis 7.4+): HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT (NX | XX | GT
 * | LT), HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME and HPERSIST, with per-field result codes, Redis 8.2's
 * argument checks and error texts, and the shared expire-time parser and per-field setter that
 * HGETEX/HSETEX (hash_ex.ts) reuse.
 *
 * Field times are absolute unix ms, at most 2^46 - 1 (Redis reserves the upper bits). A time at or
 * before now deletes the field (code 2, HDEL propagated) instead of setting it, except on a replica.
 * The HEXPIRE family is replicated as HPEXPIREAT <absolute ms> naming only the fields it set.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Hash } from "../types/hash.ts";
import {
  FIELD_EXPIRE_NEGATIVE,
  invalidExpire,
  NOT_INTEGER,
  NUMFIELDS_NOT_POSITIVE,
  NUMFIELDS_POSITIVE_INTEGER,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { deleteExpiredField, syncFieldExpiry } from "../db/field_expire.ts";
import { finishWrite, parseFieldsBlock, readHash, writeHash } from "./hash_access.ts";

/** Redis's HFE_MAX_ABS_TIME_MSEC: EB_EXPIRE_TIME_MAX (2^48 - 1) >> 2. */
export const FIELD_EXPIRE_MAX = 70368744177663;

/**
 * Redis's parseExpireTime of t_hash.c: an integer >= 0 in seconds (`seconds`) or ms, plus `basetime`
 * (0 for absolute times), within FIELD_EXPIRE_MAX. Returns the absolute time in ms, or -1 after
 * replying an error.
 */
export function parseFieldExpire(c: Client, arg: string, seconds: boolean, basetime: number): number {
  const v = parseInt64(arg);
  if (v === null) {
    c.addError(NOT_INTEGER);
    return -1;
  }
  if (v < 0) {
    c.addError(FIELD_EXPIRE_NEGATIVE);
    return -1;
  }
  let ms = Number(v);
  if (seconds) {
    if (ms > Math.floor(FIELD_EXPIRE_MAX / 1000)) {
      c.addError(invalidExpire(c.cmd?.fullName ?? ""));
      return -1;
    }
    ms *= 1000;
  }
  if (ms > FIELD_EXPIRE_MAX - basetime) {
    c.addError(invalidExpire(c.cmd?.fullName ?? ""));
    return -1;
  }
  return ms + basetime;
}

/** HEXPIRE-family conditions. */
export const COND_NX = 1, COND_XX = 2, COND_GT = 4, COND_LT = 8;

/** The `when` of setFieldExpire that removes the TTL instead (HGETEX PERSIST). */
export const PERSIST_TIME = -1;

/** Per-field results of setting an expire time (Redis's SetExRes). */
export const SETEX_NO_FIELD = -2, SETEX_NO_CONDITION = 0, SETEX_OK = 1, SETEX_DELETED = 2;

/**
 * Redis's hashTypeSetEx: sets the expire time of `field` (`when` >= 0) under `cond`, or removes it when
 * `when` is PERSIST_TIME (0 when it had none). A time at or before now deletes the field (HDEL
 * propagated, counted as an expired subkey) except on a replica. The hash must have had enableTtl().
 * Expired-but-present fields count as present, as in Redis.
 */
export function setFieldExpire(c: Client, key: string, h: Hash, field: string, when: number, cond: number): number {
  const pos = h.find(field);
  if (pos < 0) return SETEX_NO_FIELD;
  const prev = h.expireAtPos(pos);
  if (when === PERSIST_TIME) return h.persistAt(pos) ? SETEX_OK : SETEX_NO_CONDITION;
  if (prev === 0) {
    // A field without a TTL satisfies LT (its TTL is infinite) but neither XX nor GT.
    if (cond & (COND_XX | COND_GT)) return SETEX_NO_CONDITION;
  } else if ((cond === COND_GT && prev >= when) || (cond === COND_LT && prev <= when) || cond === COND_NX) {
    return SETEX_NO_CONDITION;
  }
  const s = c.server;
  if (when <= s.clock.now() && !s.expiryReadOnly && !s.loading) {
    deleteExpiredField(s, c.db, key, h, pos);
    return SETEX_DELETED;
  }
  // 0 means "no TTL" in storage; a replica keeping a field set to expire at the epoch stores 1 ms.
  h.setExpireAt(pos, when === 0 ? 1 : when);
  return SETEX_OK;
}

/**
 * HEXPIRE / HPEXPIRE / HEXPIREAT / HPEXPIREAT key time [NX | XX | GT | LT] FIELDS numfields field…
 * `basetime` is now for the relative forms and 0 for the *AT forms.
 */
function hexpireGeneric(c: Client, argv: string[], seconds: boolean, relative: boolean): void {
  const key = argv[1];
  const h = writeHash(c, key);
  if (h === null) return;
  const when = parseFieldExpire(c, argv[2], seconds, relative ? c.server.clock.now() : 0);
  if (when < 0) return;
  let numFieldsAt = 4, cond = 0;
  const opt = argv[3].toLowerCase();
  if (opt === "nx") cond = COND_NX;
  else if (opt === "xx") cond = COND_XX;
  else if (opt === "gt") cond = COND_GT;
  else if (opt === "lt") cond = COND_LT;
  if (cond !== 0) numFieldsAt++;
  const n = parseFieldsBlock(c, argv, numFieldsAt, NUMFIELDS_NOT_POSITIVE);
  if (n < 0) return;
  c.addArrayLen(n);
  if (h === undefined) {
    for (let i = 0; i < n; i++) c.addInt(SETEX_NO_FIELD);
    return;
  }
  h.enableTtl();
  let updated = 0, deleted = 0;
  const kept: string[] = [];
  for (let i = numFieldsAt + 1; i < argv.length; i++) {
    const res = setFieldExpire(c, key, h, argv[i], when, cond);
    if (res === SETEX_OK) {
      updated++;
      kept.push(argv[i]);
    } else if (res === SETEX_DELETED) deleted++;
    c.addInt(res);
  }
  const s = c.server, db = c.db;
  if (updated + deleted > 0) {
    s.dirty += updated + deleted;
    s.notify("h", deleted !== 0 ? "hdel" : "hexpire", key, db.id);
  }
  finishWrite(c, key, h, false, updated + deleted > 0);
  syncFieldExpiry(db, key);
  // Propagation: fields deleted by a past time went out as HDELs; the command is replicated as
  // HPEXPIREAT <absolute ms> with only the fields it updated, or not at all when there are none.
  if (updated === 0) {
    c.preventPropagation = true;
    return;
  }
  const out = c.argv.slice(0, numFieldsAt + 1);
  if (updated !== n) out[numFieldsAt] = String(updated);
  if (relative || seconds) {
    out[0] = "HPEXPIREAT";
    out[2] = String(when);
  }
  for (const f of kept) out.push(f);
  c.argv = out;
}

function hexpire(c: Client, argv: string[]): void {
  hexpireGeneric(c, argv, true, true);
}

function hpexpire(c: Client, argv: string[]): void {
  hexpireGeneric(c, argv, false, true);
}

function hexpireat(c: Client, argv: string[]): void {
  hexpireGeneric(c, argv, true, false);
}

function hpexpireat(c: Client, argv: string[]): void {
  hexpireGeneric(c, argv, false, false);
}

const NO_FIELD = -2, NO_TTL = -1;

/**
 * HTTL / HPTTL / HEXPIRETIME / HPEXPIRETIME key FIELDS numfields field…: per field -2 (missing or
 * expired), -1 (no TTL) or the remaining time / the absolute time, in seconds (rounded up) or ms.
 */
function httlGeneric(c: Client, argv: string[], seconds: boolean, relative: boolean): void {
  const key = argv[1];
  const h = readHash(c, key);
  if (h === null) return;
  const n = parseFieldsBlock(c, argv, 3, NUMFIELDS_POSITIVE_INTEGER);
  if (n < 0) return;
  c.addArrayLen(n);
  if (h === undefined) {
    for (let i = 0; i < n; i++) c.addInt(NO_FIELD);
    return;
  }
  const now = c.server.clock.now();
  const basetime = relative ? now : 0;
  // Redis treats a time equal to now as expired in a listpack but not in a hashtable.
  const lastValid = h.isListpack ? now + 1 : now;
  for (let i = 4; i < argv.length; i++) {
    const pos = h.find(argv[i]);
    if (pos < 0) {
      c.addInt(NO_FIELD);
      continue;
    }
    const t = h.expireAtPos(pos);
    if (t === 0) c.addInt(NO_TTL);
    else if (t < lastValid) c.addInt(NO_FIELD);
    else c.addInt(seconds ? Math.floor((t + 999 - basetime) / 1000) : t - basetime);
  }
}

function httl(c: Client, argv: string[]): void {
  httlGeneric(c, argv, true, true);
}

function hpttl(c: Client, argv: string[]): void {
  httlGeneric(c, argv, false, true);
}

function hexpiretime(c: Client, argv: string[]): void {
  httlGeneric(c, argv, true, false);
}

function hpexpiretime(c: Client, argv: string[]): void {
  httlGeneric(c, argv, false, false);
}

const PERSIST_NO_FIELD = -2, PERSIST_NO_TTL = -1, PERSIST_OK = 1;

/** HPERSIST key FIELDS numfields field…: per field -2 (missing or expired), -1 (no TTL) or 1. */
function hpersist(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = writeHash(c, key);
  if (h === null) return;
  const n = parseFieldsBlock(c, argv, 3, NUMFIELDS_POSITIVE_INTEGER);
  if (n < 0) return;
  c.addArrayLen(n);
  if (h === undefined) {
    for (let i = 0; i < n; i++) c.addInt(PERSIST_NO_FIELD);
    return;
  }
  const now = c.server.clock.now();
  let changed = false;
  for (let i = 4; i < argv.length; i++) {
    const pos = h.find(argv[i]);
    if (pos < 0) {
      c.addInt(PERSIST_NO_FIELD);
      continue;
    }
    const t = h.expireAtPos(pos);
    if (t === 0) c.addInt(PERSIST_NO_TTL);
    else if (t < now) c.addInt(PERSIST_NO_FIELD); // already expired: as if it did not exist
    else {
      h.persistAt(pos);
      c.addInt(PERSIST_OK);
      changed = true;
    }
  }
  if (changed) {
    const s = c.server;
    s.notify("h", "hpersist", key, c.db.id);
    s.keyModified(c.db, key);
    s.dirty++;
    syncFieldExpiry(c.db, key);
  }
}

export const commands: CommandDef[] = [
  { name: "hexpire", handler: hexpire },
  { name: "hpexpire", handler: hpexpire },
  { name: "hexpireat", handler: hexpireat },
  { name: "hpexpireat", handler: hpexpireat },
  { name: "httl", handler: httl },
  { name: "hpttl", handler: hpttl },
  { name: "hexpiretime", handler: hexpiretime },
  { name: "hpexpiretime", handler: hpexpiretime },
  { name: "hpersist", handler: hpersist },
];
