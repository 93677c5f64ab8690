/**
 * Plumbing shared by the hash command modules (hash*.ts): typed key lookups, the listpack limits from
 * the config, Redis's pre-insert conversion check, the `FIELDS numfields field…` block, and the read
 * of one field with lazy expiry (Redis's hashTypeGetValue and its HFE_LAZY_* flags): an expired field
 * met by a command is deleted on the spot, HDEL is propagated and, unless the command asks otherwise,
 * `hexpired` (and `del` when the hash became empty, which deletes the key) is notified.
 */
import type { Client } from "../server/client.ts";
import { Hash } from "../types/hash.ts";
import { FIELDS_MISSING, NUMFIELDS_MISMATCH, WRONGTYPE } from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { deleteExpiredField } from "../db/field_expire.ts";

/** The listpack limits, refreshed from the config by `loadLimits` at the start of a write. */
export const limits = { entries: 512, value: 64 };

/** Reads `hash-max-listpack-entries` and `hash-max-listpack-value` into `limits`. */
export function loadLimits(c: Client): typeof limits {
  const cfg = c.server.config;
  limits.entries = cfg.num("hash-max-listpack-entries");
  limits.value = cfg.num("hash-max-listpack-value");
  return limits;
}

/**
 * The hash at `key` for a read command (counts keyspace hits/misses): undefined when missing, null
 * after replying WRONGTYPE.
 */
export function readHash(c: Client, key: string): Hash | undefined | null {
  const v = c.db.lookupRead(key);
  if (v === undefined || v instanceof Hash) return v;
  c.addError(WRONGTYPE);
  return null;
}

/** The hash at `key` for a write command: undefined when missing, null after replying WRONGTYPE. */
export function writeHash(c: Client, key: string): Hash | undefined | null {
  const v = c.db.lookup(key);
  if (v === undefined || v instanceof Hash) return v;
  c.addError(WRONGTYPE);
  return null;
}

/**
 * Redis's hashTypeTryConversion: converts a listpack to a hashtable before inserting argv[start..end]
 * (field/value pairs) when there are more pairs than the entries limit or an argument is longer than
 * the value limit.
 */
export function convertForInsert(h: Hash, argv: string[], start: number, end: number): void {
  if (!h.isListpack) return;
  if (Math.floor((end - start + 1) / 2) > limits.entries) {
    h.toHashtable();
    return;
  }
  const max = limits.value;
  for (let i = start; i <= end; i++) {
    if (argv[i].length > max) {
      h.toHashtable();
      return;
    }
  }
}

/**
 * Parses `FIELDS numfields field…` where argv[at - 1] must be FIELDS and argv[at] the count, which
 * must be a positive integer (else `countError`) equal to the number of remaining arguments. Returns
 * the count, or -1 after replying an error.
 */
export function parseFieldsBlock(c: Client, argv: string[], at: number, countError: string): number {
  if (argv[at - 1].toLowerCase() !== "fields") {
    c.addError(FIELDS_MISSING);
    return -1;
  }
  const n = parseInt64(argv[at]);
  if (n === null || n < 1) {
    c.addError(countError);
    return -1;
  }
  if (n !== argv.length - at - 1) {
    c.addError(NUMFIELDS_MISMATCH);
    return -1;
  }
  return n as number;
}

/** readField results (Redis's GetFieldRes). */
export const GETF_OK = 0;
export const GETF_NOT_FOUND = 1;
/** The field was logically expired (and deleted, except on a replica). */
export const GETF_EXPIRED = 2;
/** The expired field was the last one: the hash and its key were deleted. */
export const GETF_EXPIRED_HASH = 3;

/** readField flags (Redis's HFE_LAZY_*). */
export const LAZY_NO_NOTIFY = 1;
export const LAZY_NO_SIGNAL = 2;
/** Keep the (possibly empty) hash: the command deletes the key itself at the end. */
export const LAZY_KEEP_HASH = 4;

/** The value found by the last readField that returned GETF_OK. */
export const found = { value: "" };

/**
 * Reads `field` of hash `h` (at `key` in the client's db), expiring it lazily when its TTL passed.
 * Returns a GETF_* code; on GETF_OK the value is in `found.value`.
 */
export function readField(c: Client, key: string, h: Hash, field: string, flags: number): number {
  const pos = h.find(field);
  if (pos < 0) return GETF_NOT_FOUND;
  const s = c.server;
  if (h.mayHaveTtls) {
    const t = h.expireAtPos(pos);
    if (t !== 0 && t < s.clock.now() && !s.loading) return expireOnAccess(c, key, h, pos, flags);
  }
  found.value = h.valueAt(pos);
  return GETF_OK;
}

function expireOnAccess(c: Client, key: string, h: Hash, pos: number, flags: number): number {
  const s = c.server;
  if (s.expiryReadOnly) return GETF_EXPIRED;
  const db = c.db;
  deleteExpiredField(s, db, key, h, pos);
  const notify = (flags & LAZY_NO_NOTIFY) === 0;
  if (notify) s.notify("h", "hexpired", key, db.id);
  if (h.size === 0 && (flags & LAZY_KEEP_HASH) === 0) {
    if (notify) s.notify("g", "del", key, db.id);
    db.delete(key); // signals the modification itself
    return GETF_EXPIRED_HASH;
  }
  if ((flags & LAZY_NO_SIGNAL) === 0) s.keyModified(db, key);
  return GETF_EXPIRED;
}

/**
 * Ends a command that may have emptied hash `h` (created or found at `key`): deletes the key and
 * notifies `del` when it is empty; a hash created by this command is added to the keyspace when it is
 * not. Otherwise signals the modification when `modified`.
 */
export function finishWrite(c: Client, key: string, h: Hash, created: boolean, modified: boolean): void {
  const db = c.db;
  if (h.size === 0) {
    // A hash created and emptied by the same command was never stored, but Redis added and deleted it.
    if (created) c.server.keyModified(db, key);
    else db.delete(key);
    c.server.notify("g", "del", key, db.id);
  } else if (created) {
    db.set(key, h);
  } else if (modified) {
    c.server.keyModified(db, key);
  }
}
