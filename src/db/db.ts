/**
 * One logical database: the keyspace dict, the expires dict, per-key access clock, lazy expiry.
 *
 * All reads and writes of keys go through here so that the hooks (expiry, keyspace events, WATCH,
 * propagation, dirty counter) fire from one place — they are reached through `DbHooks`.
 */
import { DenseDict } from "../types/dict.ts";
import type { Value } from "../types/value.ts";

/** What a Db needs from the server; implemented by Server. */
export interface DbHooks {
  /** Current time in ms. */
  now(): number;
  /** Access clock in seconds, stored per key for OBJECT IDLETIME. */
  lruClock(): number;
  /** A key's value changed (WATCH, client-side caching). */
  keyModified(db: Db, key: string): void;
  /** A key was found logically expired on access or by the active cycle: delete + notify + propagate. */
  keyExpired(db: Db, key: string): void;
  /** True when this server must not delete expired keys itself (a replica). */
  readonly expiryReadOnly: boolean;
  /** Loading the dataset (AOF replay): nothing counts as expired, as in Redis's keyIsExpired. */
  readonly loading: boolean;
  /** True while CLIENT PAUSE holds writes: expired keys read as missing but are not deleted. */
  expiryPaused(): boolean;
  /** False while a CLIENT NO-TOUCH client runs a command: lookups leave the access clock alone. */
  readonly touchAllowed: boolean;
  /** keyspace_hits / keyspace_misses counters. */
  readonly stats: { keyspaceHits: number; keyspaceMisses: number };
  /** The database was emptied by `flush()` (client-side caching sends its "all keys" invalidation). */
  dbFlushed?(db: Db): void;
  /** A keyspace event (class letter, event name, key, db id): used for `new` and `keymiss`. */
  notify(type: string, event: string, key: string, dbid: number): void;
}

/** The keyspace dict: a DenseDict with a parallel access-clock array. */
export class Keyspace extends DenseDict<Value> {
  lru: number[] = [];

  override set(key: string, val: Value): boolean {
    const fresh = super.set(key, val);
    if (fresh) this.lru.push(0);
    return fresh;
  }

  /**
   * Adds a key known to be new (loading) with its access clock, in one hash operation. Returns false
   * (and leaves the keyspace inconsistent: the caller aborts the load) when the key already existed.
   */
  appendNew(key: string, val: Value, lru: number): boolean {
    const n = this.keys.length;
    this.index.set(key, n);
    if (this.index.size === n) return false;
    this.keys.push(key);
    this.vals.push(val);
    this.lru.push(lru);
    return true;
  }

  /**
   * Told when a deletion moves the last key into the hole at `hole` (a running snapshot walks the live
   * key list and must know when a key it already saved moves into the part it has not reached).
   */
  onMove: ((hole: number, from: number, key: string) => void) | null = null;

  override removeAt(i: number, key: string): void {
    const last = this.keys.length - 1;
    if (i !== last && this.onMove !== null) this.onMove(i, last, this.keys[last]);
    if (i !== last) this.lru[i] = this.lru[last];
    this.lru.pop();
    super.removeAt(i, key);
  }

  override clear(): void {
    super.clear();
    this.lru = [];
  }
}

export class Db {
  dict = new Keyspace();
  /** key → absolute expire time in unix ms. */
  expires = new DenseDict<number>();
  /** Average TTL estimate for INFO keyspace (ms). */
  avgTtl = 0;
  /**
   * Keys whose string value must report encoding `raw` even when short (APPEND/SETRANGE/SETBIT results,
   * as in Redis). Cleared whenever the key is set or deleted.
   */
  rawStrings = new Set<string>();
  /** Cached "notify-keyspace-events selects `new` / `keymiss`" (set by db/notify.ts). */
  newKeyEvents = false;
  keyMissEvents = false;

  /** True while `flush()` signals its keys as modified (tracking skips per-key invalidations then). */
  flushing = false;

  constructor(readonly id: number, readonly hooks: DbHooks) {}

  get size(): number {
    return this.dict.keys.length;
  }

  /** True when `key` has a TTL that is already past (without deleting it). */
  isExpired(key: string): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when < this.hooks.now() && !this.hooks.loading;
  }

  /** Deletes `key` if it is logically expired; returns true when it is (deleted or, on a replica, hidden). */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when >= this.hooks.now() || this.hooks.loading) return false;
    if (!this.hooks.expiryReadOnly && !this.hooks.expiryPaused()) this.hooks.keyExpired(this, key);
    return true;
  }

  /** Looks a key up for reading or writing: lazy expiry, access clock update. */
  lookup(key: string, touch = true): Value | undefined {
    const i = this.dict.index.get(key);
    if (i === undefined) return undefined;
    if (this.expires.keys.length !== 0 && this.expireIfNeeded(key)) return undefined;
    if (touch && this.hooks.touchAllowed) this.dict.lru[i] = this.hooks.lruClock();
    return this.dict.vals[i];
  }

  /**
   * Looks a key up for a read command: like `lookup`, and counts keyspace hits/misses. A miss is also
   * the `keymiss` keyspace event unless `notify` is false (Redis's LOOKUP_NONOTIFY, used by OBJECT).
   */
  lookupRead(key: string, touch = true, notify = true): Value | undefined {
    const v = this.lookup(key, touch);
    if (v === undefined) {
      this.hooks.stats.keyspaceMisses++;
      if (this.keyMissEvents && notify) this.hooks.notify("m", "keymiss", key, this.id);
    } else this.hooks.stats.keyspaceHits++;
    return v;
  }

  /** True when the key exists (not expired). Does not touch the access clock. */
  exists(key: string): boolean {
    return this.lookup(key, false) !== undefined;
  }

  /** Adds or overwrites `key` with `val`. Keeps the TTL when `keepTtl`; fires keyModified. */
  set(key: string, val: Value, keepTtl = false): void {
    const d = this.dict;
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    const i = d.index.get(key);
    if (i === undefined) {
      d.set(key, val);
      d.lru[d.keys.length - 1] = this.hooks.lruClock();
      if (this.newKeyEvents) this.hooks.notify("n", "new", key, this.id);
    } else {
      d.vals[i] = val;
      d.lru[i] = this.hooks.lruClock();
      if (!keepTtl && this.expires.keys.length !== 0) this.expires.delete(key);
    }
    this.hooks.keyModified(this, key);
  }

  /** Adds a key known not to exist. */
  add(key: string, val: Value): void {
    this.set(key, val);
  }

  /** Replaces the value in place (same key, TTL kept) without firing hooks — for in-place updates. */
  replaceValue(key: string, val: Value): void {
    const i = this.dict.index.get(key);
    if (i !== undefined) this.dict.vals[i] = val;
  }

  /** Deletes a key (and its TTL). Returns true when it existed. Fires keyModified. */
  delete(key: string): boolean {
    const d = this.dict;
    const i = d.index.get(key);
    if (i === undefined) return false;
    d.removeAt(i, key);
    if (this.expires.keys.length !== 0) this.expires.delete(key);
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    this.hooks.keyModified(this, key);
    return true;
  }

  /** Sets an absolute expire time (ms) on an existing key. */
  setExpire(key: string, whenMs: number): void {
    this.expires.set(key, whenMs);
  }

  /** The absolute expire time (ms) of a key, or undefined when it has none. */
  getExpire(key: string): number | undefined {
    return this.expires.keys.length === 0 ? undefined : this.expires.get(key);
  }

  /** Removes the TTL; returns true when there was one. */
  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  /** Seconds since the key was last accessed (OBJECT IDLETIME). */
  idleTime(key: string): number {
    const i = this.dict.index.get(key);
    if (i === undefined) return 0;
    return Math.max(0, this.hooks.lruClock() - this.dict.lru[i]);
  }

  /** Empties the database. Returns the number of keys removed. */
  flush(): number {
    const n = this.dict.keys.length;
    this.flushing = true;
    try {
      for (const k of this.dict.keys) this.hooks.keyModified(this, k);
    } finally {
      this.flushing = false;
    }
    this.dict = new Keyspace();
    this.expires = new DenseDict<number>();
    this.rawStrings = new Set();
    this.avgTtl = 0;
    this.hooks.dbFlushed?.(this);
    return n;
  }

  /** A random key that is not expired, or undefined. On a replica (which never deletes) gives up after
   * 100 expired samples and returns the last one, as Redis does. */
  randomKey(): string | undefined {
    let tries = 0;
    while (this.dict.keys.length > 0) {
      const key = this.dict.keys[this.dict.randomSlot()];
      if (this.expires.keys.length !== 0 && this.isExpired(key)) {
        if (this.hooks.expiryReadOnly) {
          if (++tries >= 100) return key;
          continue;
        }
        this.expireIfNeeded(key);
        continue;
      }
      return key;
    }
    return undefined;
  }
}
