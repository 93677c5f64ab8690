/**
 * WATCH (Redis's multi.c, second half): which clients watch which keys of which database, and the
 * invalidation that makes their next EXEC fail (client flag "d", Redis's CLIENT_DIRTY_CAS).
 *
 * The registry of a server is created on its first WATCH. Its keyModified hook is installed only
 * while at least one key is watched, so writes cost nothing when nobody watches. Every write reaches
 * the hook (any client, expiry, FLUSHDB/FLUSHALL, SWAPDB, RENAME, MOVE…), because the Db and the
 * families fire keyModified for all of them.
 *
 * Like Redis 7+, a key that was already logically expired when WATCHed is remembered as such: its
 * lazy deletion is not a change, and EXEC only fails for watched keys that expired after WATCH.
 */
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { Db } from "./db.ts";

/** One (client, db, key) watch. */
interface WatchedKey {
  readonly client: Client;
  readonly db: Db;
  readonly key: string;
  /** The key was already logically expired when WATCH was called. */
  expired: boolean;
}

/** The WATCH state of one server. */
export class WatchRegistry {
  /** Per db id: key → its watches, in WATCH order. */
  private readonly byDb: (Map<string, WatchedKey[]> | undefined)[] = [];
  /** Per client: its watches, in WATCH order. */
  private readonly byClient = new Map<Client, WatchedKey[]>();
  /** Number of (db, key) entries over all databases (INFO `total_watched_keys`). */
  private keys = 0;
  private hooked = false;
  private readonly onKeyModified = (db: Db, key: string) => this.touch(db, key);

  constructor(readonly server: Server) {
    server.clientClosedHooks.push((c) => this.unwatchAll(c));
  }

  /** Number of clients watching at least one key (INFO `watching_clients`). */
  get watchingClients(): number {
    return this.byClient.size;
  }

  /** Distinct watched (db, key) pairs (INFO `total_watched_keys`). */
  get totalWatchedKeys(): number {
    return this.keys;
  }

  /** Number of keys `c` watches (CLIENT LIST `watch=`). */
  count(c: Client): number {
    return this.byClient.get(c)?.length ?? 0;
  }

  /** watchForKey: starts watching `key` of the client's current database (no-op when already watched). */
  watch(c: Client, key: string): void {
    const db = c.db;
    let mine = this.byClient.get(c);
    if (mine !== undefined) {
      for (const wk of mine) if (wk.db === db && wk.key === key) return;
    } else {
      mine = [];
      this.byClient.set(c, mine);
    }
    let m = this.byDb[db.id];
    if (m === undefined) m = this.byDb[db.id] = new Map();
    let list = m.get(key);
    if (list === undefined) {
      m.set(key, list = []);
      this.keys++;
    }
    const wk: WatchedKey = { client: c, db, key, expired: db.isExpired(key) };
    list.push(wk);
    mine.push(wk);
    if (!this.hooked) {
      this.hooked = true;
      this.server.keyModifiedHooks.push(this.onKeyModified);
    }
  }

  /** unwatchAllKeys: forgets every watch of `c` (the dirty flag is the caller's business). */
  unwatchAll(c: Client): void {
    const mine = this.byClient.get(c);
    if (mine === undefined) return;
    this.byClient.delete(c);
    for (const wk of mine) {
      const m = this.byDb[wk.db.id]!;
      const list = m.get(wk.key)!;
      const i = list.indexOf(wk);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) {
        m.delete(wk.key);
        this.keys--;
      }
    }
    if (this.byClient.size === 0 && this.hooked) {
      this.hooked = false;
      const hooks = this.server.keyModifiedHooks;
      const i = hooks.indexOf(this.onKeyModified);
      if (i >= 0) hooks.splice(i, 1);
    }
  }

  /** isWatchedKeyExpired: a watched key (not expired at WATCH time) is logically expired now. */
  anyExpired(c: Client): boolean {
    const mine = this.byClient.get(c);
    if (mine === undefined) return false;
    for (const wk of mine) if (!wk.expired && wk.db.isExpired(wk.key)) return true;
    return false;
  }

  /**
   * touchWatchedKey: `key` of `db` changed, so every client watching it gets the dirty flag (and stops
   * watching anything: its EXEC fails anyway). A watch of a key that was already expired is left
   * alone while the key is still that expired value, and reset when the key is gone (its deletion is
   * no logical change); a new value makes it dirty like any other.
   */
  private touch(db: Db, key: string): void {
    const list = this.byDb[db.id]?.get(key);
    if (list === undefined) return;
    const dirty: Client[] = [];
    for (const wk of list) {
      if (wk.expired) {
        if (!db.dict.has(key)) {
          wk.expired = false;
          continue;
        }
        if (db.isExpired(key)) continue;
      }
      dirty.push(wk.client);
    }
    for (const c of dirty) {
      c.flags.add("d");
      this.unwatchAll(c);
    }
  }
}

const registries = new WeakMap<Server, WatchRegistry>();

/** The server's WATCH registry, or undefined when nobody ever watched a key there. */
export function watchesOf(server: Server): WatchRegistry | undefined {
  return registries.get(server);
}

/** The server's WATCH registry, created on first use. */
export function ensureWatches(server: Server): WatchRegistry {
  let r = registries.get(server);
  if (r === undefined) {
    r = new WatchRegistry(server);
    registries.set(server, r);
  }
  return r;
}
