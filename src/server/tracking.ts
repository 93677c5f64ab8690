/**
 * Client-side caching (Redis's tracking.c): the tracking table (key → ids of the clients that read
 * it), the broadcast prefix table (BCAST mode), invalidation messages and the table size limit.
 *
 * A server gets its `Tracking` (server.tracking) when a client first enables tracking; until then
 * dispatch and writes pay one null check. Afterwards:
 * - every key modification (keyModified hook) sends an invalidation to the clients that read the key,
 *   and remembers the key for the BCAST prefixes it matches; broadcasts leave once the current batch
 *   of commands is done (Redis sends them in beforeSleep);
 * - after each command dispatch calls `afterCall()`: a readonly command run for a tracking client
 *   records its keys (OPTIN/OPTOUT honour CLIENT CACHING), and the CLIENT CACHING flag expires after
 *   the next command or transaction, as Redis's resetClient does;
 * - a FLUSHDB/FLUSHALL sends one null invalidation ("all keys") to every tracking client and empties
 *   the table.
 *
 * Messages are RESP3 pushes `>2 invalidate [keys]` on the connection itself, or go to the REDIRECT
 * client: as a push when it speaks RESP3, as a `message` on `__redis__:invalidate` when it is a RESP2
 * client in Pub/Sub mode. A message for the client whose command is running follows that command's
 * reply (server/pubsub.ts `deliverPush`). Like Redis, ids of clients that stopped tracking stay in the
 * table until the key is invalidated (they are skipped then).
 */
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import type { Db } from "../db/db.ts";
import { type Command, F } from "../commands/table.ts";
import { extractKeys } from "../commands/keys_extract.ts";
import { DenseDict } from "../types/dict.ts";
import { strToBytes } from "../resp/bytes.ts";
import { deliverPush } from "./pubsub.ts";

/** One client's tracking mode (present while tracking is on). */
export interface ClientTracking {
  /** Client id invalidations go to; 0 = this connection. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES (OPTIN) / NO (OPTOUT) given for the next command or transaction. */
  caching: boolean;
  /** BCAST prefixes registered by this client. */
  prefixes: Set<string>;
}

/** A broadcast prefix: keys modified since the last broadcast (→ last modifier) and its clients. */
interface BcastState {
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

/** Options of CLIENT TRACKING ON, validated by the command. */
export interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: readonly string[];
}

const INVALIDATE = "$10\r\ninvalidate\r\n";
const CHANNEL_MESSAGE = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";

/** `$len\r\ns\r\n` */
function bulk(s: string): string {
  return "$" + s.length + "\r\n" + s + "\r\n";
}

/** True for CLIENT and its subcommands (they do not consume a pending CLIENT CACHING). */
function isClientCommand(cmd: Command | null): boolean {
  return cmd !== null && (cmd.parent ?? cmd).name === "client";
}

export class Tracking {
  /** Clients with tracking on, and their mode. */
  readonly clients = new Map<Client, ClientTracking>();
  /** key → ids of clients that may cache it. */
  private table = new DenseDict<Set<number>>();
  /** Total ids over the table (INFO `tracking_total_items`). */
  private items = 0;
  /** BCAST prefix → its state. */
  private readonly prefixTable = new Map<string, BcastState>();
  /** A flush happened during the current call: null invalidations are due. */
  private flushPending = false;
  private broadcastScheduled = false;
  /** Consecutive limitUsedSlots() runs that could not get under the limit (more effort each time). */
  private limitRounds = 0;

  constructor(readonly server: Server) {
    server.keyModifiedHooks.push((db: Db, key: string) => {
      if (!db.flushing) this.invalidateKey(key, true);
    });
    server.flushHooks.push(() => this.onFlush());
    server.clientClosedHooks.push((c) => this.disable(c));
    server.cronHooks.push(() => {
      if (this.clients.size !== 0) this.limitUsedSlots();
    });
  }

  // ---- INFO -------------------------------------------------------------------------------------

  /** Keys in the tracking table. */
  get totalKeys(): number {
    return this.table.size;
  }

  /** Client ids over all keys of the table. */
  get totalItems(): number {
    return this.items;
  }

  /** Registered BCAST prefixes. */
  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  // ---- enabling -----------------------------------------------------------------------------------

  /**
   * enableTracking: turns tracking on (or changes the mode of a tracking client). The redirect and
   * the mode flags are replaced; BCAST prefixes add to those already registered.
   */
  enable(c: Client, o: TrackingOptions): void {
    let st = this.clients.get(c);
    if (st === undefined) {
      st = {
        redirect: 0,
        bcast: false,
        optin: false,
        optout: false,
        noloop: false,
        caching: false,
        prefixes: new Set(),
      };
      this.clients.set(c, st);
    }
    st.redirect = o.redirect;
    st.bcast = o.bcast;
    st.optin = o.optin;
    st.optout = o.optout;
    st.noloop = o.noloop;
    c.flags.add("t");
    c.flags.delete("R");
    if (o.bcast) {
      c.flags.add("B");
      if (o.prefixes.length === 0) this.addPrefix(c, st, "");
      for (const p of o.prefixes) this.addPrefix(c, st, p);
    } else {
      c.flags.delete("B");
    }
  }

  private addPrefix(c: Client, st: ClientTracking, prefix: string): void {
    let bs = this.prefixTable.get(prefix);
    if (bs === undefined) this.prefixTable.set(prefix, bs = { keys: new Map(), clients: new Set() });
    bs.clients.add(c);
    st.prefixes.add(prefix);
  }

  /** disableTracking: leaves every BCAST prefix and clears the tracking flags. */
  disable(c: Client): void {
    const st = this.clients.get(c);
    if (st === undefined) return;
    for (const p of st.prefixes) {
      const bs = this.prefixTable.get(p);
      if (bs === undefined) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) this.prefixTable.delete(p);
    }
    this.clients.delete(c);
    c.flags.delete("t");
    c.flags.delete("R");
    c.flags.delete("B");
  }

  // ---- remembering reads ------------------------------------------------------------------------

  /**
   * Run by dispatch after every call while this state exists: records the keys of readonly commands
   * for the tracking client running them, sends the null invalidations of a flush, and at top level
   * expires CLIENT CACHING and keeps the table under `tracking-table-max-keys`.
   */
  afterCall(c: Client, cmd: Command, argv: string[]): void {
    const s = this.server;
    if (this.clients.size !== 0 && (cmd.flags & F.READONLY) !== 0) {
      const caller = s.currentClient ?? c;
      const st = this.clients.get(caller);
      if (st !== undefined && !st.bcast) this.rememberKeys(caller, st, cmd, argv);
    }
    if (this.flushPending) this.sendFlushInvalidations();
    if (s.callDepth === 0) {
      this.commandDone(c, cmd);
      if (this.clients.size !== 0) this.limitUsedSlots();
    }
  }

  /** resetClient for a command rejected before running (unknown, wrong arity, not allowed…). */
  commandRejected(c: Client, cmd: Command | null): void {
    this.commandDone(c, cmd);
  }

  /** CLIENT CACHING covers the next command, or the whole transaction; CLIENT commands keep it. */
  private commandDone(c: Client, cmd: Command | null): void {
    const st = this.clients.get(c);
    if (st !== undefined && st.caching && !c.flags.has("x") && !isClientCommand(cmd)) st.caching = false;
  }

  /** trackingRememberKeys: the keys `cmd` read now may be cached by `caller`. */
  private rememberKeys(caller: Client, st: ClientTracking, cmd: Command, argv: string[]): void {
    if (cmd.flags & F.PUBSUB) return;
    if ((st.optin && !st.caching) || (st.optout && st.caching)) return;
    const refs = extractKeys(cmd, argv);
    const id = caller.id;
    for (const ref of refs) {
      const key = argv[ref.pos];
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, ids = new Set());
      if (!ids.has(id)) {
        ids.add(id);
        this.items++;
      }
    }
  }

  // ---- invalidation -------------------------------------------------------------------------------

  /**
   * trackingInvalidateKey: tells the clients that may cache `key` that it changed, and forgets them.
   * `bcast` also queues the key for the BCAST prefixes it matches (false for table evictions).
   */
  invalidateKey(key: string, bcast: boolean): void {
    const s = this.server;
    if (bcast && this.prefixTable.size !== 0) this.rememberKeyToBroadcast(key);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    const current = s.currentClient;
    for (const id of ids) {
      const target = s.clients.get(id);
      if (target === undefined) continue;
      const st = this.clients.get(target);
      // Ids left by clients that turned tracking off, or switched to BCAST, get nothing.
      if (st === undefined || st.bcast) continue;
      if (st.noloop && target === current) continue;
      this.send(target, st, "*1\r\n" + bulk(key));
    }
    this.items -= ids.size;
    this.table.delete(key);
  }

  /** Sends `value` (RESP text: an array of keys, or a null) as an invalidation for tracking client `c`. */
  private send(c: Client, st: ClientTracking, value: string): void {
    let target = c;
    let redirected = false;
    if (st.redirect !== 0) {
      const redir = this.server.clients.get(st.redirect);
      if (redir === undefined) {
        // The redirect client is gone: flag it and tell a RESP3 connection each time.
        c.flags.add("R");
        if (c.resp > 2) {
          deliverPush(c, strToBytes(">2\r\n$21\r\ntracking-redir-broken\r\n:" + st.redirect + "\r\n"));
        }
        return;
      }
      target = redir;
      redirected = true;
    }
    let text: string;
    if (target.resp > 2) text = ">2\r\n" + INVALIDATE + value;
    else if (redirected && target.flags.has("P")) text = CHANNEL_MESSAGE + value;
    else return; // RESP2 without redirection: nowhere to send it
    deliverPush(target, strToBytes(text));
  }

  /** A database was flushed: null invalidations are due (sent once per command) and the table empties. */
  private onFlush(): void {
    this.table = new DenseDict();
    this.items = 0;
    if (this.clients.size === 0) return;
    this.flushPending = true;
    if (this.server.callDepth === 0) this.sendFlushInvalidations();
  }

  /** trackingInvalidateKeysOnFlush: one null ("every key") to every tracking client. */
  private sendFlushInvalidations(): void {
    this.flushPending = false;
    for (const [c, st] of this.clients) {
      // The null is in the tracking client's own protocol, even when redirected (as Redis does).
      this.send(c, st, c.resp === 2 ? "$-1\r\n" : "_\r\n");
    }
  }

  // ---- broadcasting -------------------------------------------------------------------------------

  /** trackingRememberKeyToBroadcast: queues `key` for every prefix it starts with. */
  private rememberKeyToBroadcast(key: string): void {
    const modifier = this.server.currentClient;
    let matched = false;
    for (const [prefix, bs] of this.prefixTable) {
      if (prefix.length > key.length || !key.startsWith(prefix)) continue;
      bs.keys.set(key, modifier);
      matched = true;
    }
    if (matched && !this.broadcastScheduled) {
      this.broadcastScheduled = true;
      queueMicrotask(() => this.broadcast());
    }
  }

  /**
   * trackingBroadcastInvalidationMessages: for each prefix with modified keys, one array of those keys
   * (byte order) to each of its clients; a NOLOOP client does not hear about keys it changed itself.
   */
  broadcast(): void {
    this.broadcastScheduled = false;
    const prefixes = [...this.prefixTable.keys()].sort();
    for (const prefix of prefixes) {
      const bs = this.prefixTable.get(prefix)!;
      if (bs.keys.size === 0) continue;
      const keys = [...bs.keys.keys()].sort();
      const all = encodeKeys(keys);
      for (const c of bs.clients) {
        const st = this.clients.get(c);
        if (st === undefined) continue;
        if (st.noloop) {
          const mine = keys.filter((k) => bs.keys.get(k) !== c);
          if (mine.length !== 0) this.send(c, st, mine.length === keys.length ? all : encodeKeys(mine));
        } else {
          this.send(c, st, all);
        }
      }
      bs.keys = new Map();
    }
  }

  // ---- size limit ---------------------------------------------------------------------------------

  /**
   * trackingLimitUsedSlots: over `tracking-table-max-keys`, invalidates random keys (their clients
   * hear about it as if the key changed) until under the limit, with more effort each time the
   * previous run gave up.
   */
  limitUsedSlots(): void {
    const max = this.server.config.num("tracking-table-max-keys");
    if (max === 0 || this.table.size <= max) {
      this.limitRounds = 0;
      return;
    }
    let effort = 100 * (this.limitRounds + 1);
    while (effort-- > 0) {
      const slot = this.table.randomSlot();
      if (slot < 0) break;
      this.invalidateKey(this.table.keys[slot], false);
      if (this.table.size <= max) {
        this.limitRounds = 0;
        return;
      }
    }
    this.limitRounds++;
  }
}

/** `*n` followed by each key as a bulk string. */
function encodeKeys(keys: readonly string[]): string {
  let s = "*" + keys.length + "\r\n";
  for (const k of keys) s += bulk(k);
  return s;
}

/** The server's tracking state, created (with its hooks) when a client first enables tracking. */
export function ensureTracking(server: Server): Tracking {
  if (server.tracking === null) server.tracking = new Tracking(server);
  return server.tracking;
}
