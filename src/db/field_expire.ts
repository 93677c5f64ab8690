/**
 * Hash field expiration at the keyspace level: which hashes of a database hold fields with a TTL
 * (Redis's db->hexpires, counted by INFO keyspace `subexpiry`), the deletion of one expired field
 * (HDEL propagated, `expired_subkeys` counted), and the active expiry of fields driven by cron.
 *
 * Each database's registry maps key → hash plus the time it is next due, with a min-heap of due times
 * (lazy deletion: a heap entry is live while it equals its key's due time). The registry belongs to
 * the keyspace dict object, so it follows the data through SWAPDB and vanishes with FLUSHDB. Hash
 * commands register a hash when they set a field TTL; a keyModified hook keeps the registry right when
 * other commands move or drop hashes (RENAME, MOVE, COPY, DEL, SET over a hash, RESTORE…).
 */
import type { Db, Keyspace } from "./db.ts";
import type { Server } from "../server/server.ts";
import { Hash } from "../types/hash.ts";

/** Fields expired per database per cron tick at most (the rest waits for the next tick). */
const FIELDS_PER_DB_PER_TICK = 1000;

interface Entry {
  hash: Hash;
  /** When the hash must next be visited (its earliest field expire time when last computed). */
  due: number;
}

class Registry {
  readonly entries = new Map<string, Entry>();
  private heapTime: number[] = [];
  private heapKey: string[] = [];

  /** Registers `hash` (which has field TTLs) under `key`, or moves its due time earlier. */
  track(key: string, hash: Hash): void {
    const min = hash.minExpire();
    const e = this.entries.get(key);
    if (e === undefined) {
      this.entries.set(key, { hash, due: min });
      this.push(min, key);
    } else {
      e.hash = hash;
      if (min < e.due) {
        e.due = min;
        this.push(min, key);
      }
    }
  }

  untrack(key: string): void {
    if (this.entries.delete(key) && this.heapTime.length > 2 * this.entries.size + 64) this.rebuild();
  }

  /** The live entry whose due time is earliest and <= `now` (removed from the heap), or undefined. */
  popDue(now: number): [string, Entry] | undefined {
    const ht = this.heapTime, hk = this.heapKey;
    while (ht.length !== 0 && ht[0] <= now) {
      const t = ht[0], key = hk[0];
      this.popTop();
      const e = this.entries.get(key);
      if (e !== undefined && e.due === t) return [key, e];
    }
    return undefined;
  }

  private rebuild(): void {
    this.heapTime = [];
    this.heapKey = [];
    for (const [key, e] of this.entries) this.push(e.due, key);
  }

  private push(t: number, key: string): void {
    const ht = this.heapTime, hk = this.heapKey;
    let i = ht.length;
    ht.push(t);
    hk.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ht[p] <= t) break;
      ht[i] = ht[p];
      hk[i] = hk[p];
      i = p;
    }
    ht[i] = t;
    hk[i] = key;
  }

  private popTop(): void {
    const ht = this.heapTime, hk = this.heapKey;
    const lt = ht.pop()!, lk = hk.pop()!;
    const n = ht.length;
    if (n === 0) return;
    let i = 0;
    while (true) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && ht[c + 1] < ht[c]) c++;
      if (ht[c] >= lt) break;
      ht[i] = ht[c];
      hk[i] = hk[c];
      i = c;
    }
    ht[i] = lt;
    hk[i] = lk;
  }
}

/** Registries by keyspace dict object. */
const registries = new WeakMap<Keyspace, Registry>();
/** Set once any field TTL was ever set: until then the keyModified hook does nothing. */
let fieldTtlsUsed = false;

/**
 * Brings the registry up to date for `key` of `db`: registered when it holds a hash with field TTLs,
 * forgotten otherwise. Hash commands call it after changing TTLs; the keyModified hook calls it for
 * every modified key once field TTLs are in use.
 */
export function syncFieldExpiry(db: Db, key: string): void {
  const v = db.dict.get(key);
  let reg = registries.get(db.dict);
  if (v instanceof Hash && v.hasTtls()) {
    fieldTtlsUsed = true;
    if (reg === undefined) {
      reg = new Registry();
      registries.set(db.dict, reg);
    }
    reg.track(key, v);
  } else if (reg !== undefined) {
    reg.untrack(key);
  }
}

/** Number of hashes of `db` with fields that have a TTL (INFO keyspace `subexpiry`). */
export function hashesWithFieldTtl(db: Db): number {
  return registries.get(db.dict)?.entries.size ?? 0;
}

/**
 * Deletes the field at `pos` of hash `h` (at `key` in `db`) because its TTL passed: propagates
 * `HDEL key field` and counts it in `expired_subkeys`. Events and key deletion are the caller's.
 */
export function deleteExpiredField(server: Server, db: Db, key: string, h: Hash, pos: number): void {
  const field = h.fieldAt(pos);
  h.deleteAt(pos);
  server.propagate(db.id, ["HDEL", key, field]);
  server.stats.expiredSubkeys++;
}

/**
 * Deletes every expired field of `h` (<= now) at once, as HRANDFIELD does before sampling: HDELs,
 * `hexpired`, and the key (`del`) when nothing is left. Returns true when the key was deleted. A
 * replica keeps everything.
 */
export function expireAllDueFields(server: Server, db: Db, key: string, h: Hash): boolean {
  if (server.expiryReadOnly || server.loading) return false;
  const now = server.clock.now();
  const min = h.minExpire();
  if (min === 0 || min >= now) return false;
  const deleted = expireDue(server, db, key, h, now, Number.MAX_SAFE_INTEGER) === -1;
  if (!deleted) syncFieldExpiry(db, key);
  return deleted;
}

/**
 * Deletes up to `max` fields of `h` whose time is <= `now`, with Redis's events. Returns the number
 * deleted, or -1 when the hash became empty and the key was deleted.
 */
function expireDue(server: Server, db: Db, key: string, h: Hash, now: number, max: number): number {
  const n = h.deleteExpired(now, max, (field) => {
    server.propagate(db.id, ["HDEL", key, field]);
    server.stats.expiredSubkeys++;
  });
  if (n === 0) return 0;
  server.notify("h", "hexpired", key, db.id);
  if (h.size === 0) {
    server.notify("g", "del", key, db.id);
    db.delete(key);
    syncFieldExpiry(db, key);
    return -1;
  }
  server.keyModified(db, key);
  return n;
}

/** One active expiry pass over every database's hashes with due fields (cron). */
export function activeExpireFields(server: Server): void {
  if (!fieldTtlsUsed || !server.activeExpireEnabled || server.expiryReadOnly) return;
  const now = server.clock.now();
  const deadline = performance.now() + 250 / Math.max(1, server.config.num("hz"));
  for (const db of server.dbs) {
    const reg = registries.get(db.dict);
    if (reg === undefined || reg.entries.size === 0) continue;
    let quota = FIELDS_PER_DB_PER_TICK;
    while (quota > 0) {
      const due = reg.popDue(now);
      if (due === undefined) break;
      const [key, e] = due;
      const h = e.hash;
      if (db.dict.get(key) !== h) {
        reg.untrack(key);
        continue;
      }
      // Unscheduled while processed: the sync below schedules it again at its new earliest time.
      e.due = Infinity;
      const n = expireDue(server, db, key, h, now, quota);
      quota -= Math.max(1, n);
      if (n !== -1) syncFieldExpiry(db, key);
      if (performance.now() > deadline) return;
    }
  }
}

/**
 * Wires field expiry into a server: the keyModified hook that keeps registries right when hashes move,
 * and the cron hook running the active expiry.
 */
export function installFieldExpiry(server: Server): void {
  server.keyModifiedHooks.push((db, key) => {
    if (fieldTtlsUsed) syncFieldExpiry(db, key);
  });
  server.cronHooks.push(() => activeExpireFields(server));
}
