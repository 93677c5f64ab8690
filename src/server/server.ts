/**
 * Server state: databases, clients, the command table, config, stats, logging, listeners and cron.
 * It implements the keyspace hooks (expiry, modification, notification, propagation) that the Db and
 * the command families call; later subsystems (WATCH, notifications, AOF, replication) plug in here.
 */
import { Config } from "../config/config.ts";
import { Db, type DbHooks } from "../db/db.ts";
import { Clock } from "./clock.ts";
import { Logger } from "./log.ts";
import { Stats } from "./stats.ts";
import type { Client } from "./client.ts";
import type { Tracking } from "./tracking.ts";
import { buildCommandTable, type Command } from "../commands/table.ts";
import { ALL_COMMANDS } from "../commands/index.ts";
import { activeExpireCycle } from "../db/expire.ts";
import { Blocking } from "../db/blocking.ts";
import { installFieldExpiry } from "../db/field_expire.ts";
import { installKeyspaceEvents } from "../db/notify.ts";
import { histogramSlot, installLatency, LatencyMonitor, recordHistogram } from "./latency.ts";

export const REDIS_VERSION = "8.2.4";
export const SERVER_NAME = "redeno";
export const SERVER_VERSION = "0.1.0";

/** A function run for every key modification (WATCH, client-side caching…). */
export type KeyModifiedHook = (db: Db, key: string) => void;
/** A function run for every keyspace event (notifications). */
export type NotifyHook = (type: string, event: string, key: string, dbid: number) => void;
/** A function run for every write to propagate (AOF, replicas). */
export type PropagateHook = (dbid: number, argv: string[]) => void;

export class Server implements DbHooks {
  readonly clock = new Clock();
  readonly log = new Logger();
  readonly stats = new Stats();
  /** The latency monitor and per-command histograms (server/latency.ts). */
  readonly latency = new LatencyMonitor(this.clock);
  readonly dbs: Db[];
  readonly commands: Map<string, Command>;
  readonly clients = new Map<number, Client>();
  nextClientId = 1;
  readonly startTime = Date.now();
  readonly runId: string;
  /** Changes since the last save. */
  dirty = 0;
  /** A replica never deletes expired keys itself. */
  expiryReadOnly = false;
  /** False while a CLIENT NO-TOUCH client's command runs (set by dispatch). */
  touchAllowed = true;
  /** DEBUG SET-ACTIVE-EXPIRE. */
  activeExpireEnabled = true;
  /** Cached hot config values (kept in sync by config apply hooks). */
  protoMaxBulkLen: number;
  queryBufferLimit: number;
  /** Listening addresses (host, port) actually bound. */
  readonly boundTcp: { hostname: string; port: number }[] = [];
  readonly keyModifiedHooks: KeyModifiedHook[] = [];
  readonly notifyHooks: NotifyHook[] = [];
  readonly propagateHooks: PropagateHook[] = [];
  /** Called when the server has fully stopped. */
  readonly shutdownHooks: (() => void | Promise<void>)[] = [];
  /** CLIENT PAUSE state: until (ms) and whether only writes pause. */
  pauseUntil = 0;
  pauseWritesOnly = false;
  /** Clients whose deferred command waits for the pause to end. */
  readonly pausedClients = new Set<Client>();
  shuttingDown = false;
  /** True while the dataset is loaded at startup: commands without the "loading" flag get LOADING. */
  loading = false;
  /** Path of the config file the server started from ("" when none). */
  configFile = "";
  /** Path of the executable (INFO server). */
  executable = "";
  private lruBase = Math.floor(Date.now() / 1000);
  private lruClockCache = 0;
  /**
   * performance.now() when the current timing period began: top-level commands are timed per read
   * batch (one clock read per batch, see `settleCommandTime`), nested ones (EXEC, scripts) one by one.
   */
  timingStart = 0;
  /** Top-level commands run since `timingStart` whose duration is not accounted yet: untimed[0, untimedCount). */
  readonly untimed: Command[] = [];
  untimedCount = 0;
  /** Nesting depth of call() (EXEC and scripts call commands from inside a command). */
  callDepth = 0;
  /** The client whose top-level command is running, null between commands (tracking NOLOOP). */
  currentClient: Client | null = null;
  /**
   * True while EXEC runs its queued commands. Propagation (AOF, replicas) wraps what is propagated
   * meanwhile in MULTI … EXEC; blocking commands never block then (they see the client's "x" flag).
   */
  inExec = false;
  /** Client-side caching state, created when a client first enables tracking (server/tracking.ts). */
  tracking: Tracking | null = null;
  /** Called before every write command runs (a snapshot's copy-before-write); null when none. */
  beforeWrite: ((c: Client, cmd: Command, argv: string[]) => void) | null = null;
  /**
   * The script (EVAL/FCALL) that ran past busy-reply-threshold and lets the event loop run while it
   * continues (src/script/engine.ts): other clients get -BUSY, cron work waits. Null otherwise.
   */
  busyScript: { readonly caller: Client; readonly isEval: boolean } | null = null;
  /** Blocked clients (BLPOP, BZPOPMIN, XREAD BLOCK, WAIT…) and the keys made ready for them. */
  readonly blocking: Blocking = new Blocking(this);
  private cronTimer: ReturnType<typeof setTimeout> | undefined;
  private cronLoops = 0;
  private closers: (() => void)[] = [];

  constructor(readonly config: Config = new Config()) {
    const n = config.num("databases");
    this.dbs = Array.from({ length: n }, (_, i) => new Db(i, this));
    this.commands = buildCommandTable(ALL_COMMANDS);
    this.runId = randomHex(40);
    this.protoMaxBulkLen = config.num("proto-max-bulk-len");
    this.queryBufferLimit = config.num("client-query-buffer-limit");
    this.log.level = config.str("loglevel") as Logger["level"];
    this.log.file = config.str("logfile");
    installFieldExpiry(this);
    installKeyspaceEvents(this);
    installLatency(this);
  }

  // ---- DbHooks --------------------------------------------------------------------------------

  now(): number {
    return this.clock.now();
  }

  /** The access clock in seconds, cached and refreshed by cron (reading the time per command is costly). */
  lruClock(): number {
    return this.lruClockCache;
  }

  /** Recomputes the cached access clock. */
  refreshLruClock(): void {
    this.lruClockCache = Math.floor(this.clock.now() / 1000) - this.lruBase;
  }

  /** Run after a database is emptied by FLUSHDB / FLUSHALL (client-side caching). */
  readonly flushHooks: ((db: Db) => void)[] = [];

  /**
   * Accounts the time since `timingStart` to the commands run meanwhile, split evenly (a pipelined
   * batch is timed as a whole: reading the clock costs ~100 ns in Deno, a fast command ~300 ns), and
   * starts a new period. Called at the end of each read batch and before commandstats are read.
   */
  settleCommandTime(): void {
    const now = performance.now();
    const untimed = this.untimed;
    const n = this.untimedCount;
    if (n !== 0) {
      const ms = now - this.timingStart;
      const usec = (ms * 1000) / n;
      const latency = this.latency;
      if (latency.tracking) {
        // LATENCY HISTOGRAM: every command of the batch gets the same share, so one bucket for all.
        const slot = histogramSlot(usec);
        for (let i = 0; i < n; i++) {
          const cmd = untimed[i];
          cmd.usec += usec;
          const h = cmd.latencyHistogram;
          if (h !== null) h[slot]++;
          else recordHistogram(cmd, slot);
        }
      } else for (let i = 0; i < n; i++) untimed[i].usec += usec;
      if (ms >= latency.armed) latency.commandBatch(untimed, n, ms); // latency monitor: "command" event
      this.untimedCount = 0; // the slots are reused (no shrinking and regrowing per batch)
    }
    this.timingStart = now;
  }

  /** Run by FLUSHALL after emptying the databases (persistence: kill BGSAVE, save the empty dataset). */
  readonly flushAllHooks: (() => void)[] = [];

  dbFlushed(db: Db): void {
    const hooks = this.flushHooks;
    for (let i = 0; i < hooks.length; i++) hooks[i](db);
  }

  keyModified(db: Db, key: string): void {
    const hooks = this.keyModifiedHooks;
    for (let i = 0; i < hooks.length; i++) hooks[i](db, key);
  }

  /** CLIENT PAUSE (WRITE or ALL) also pauses expiry, as in Redis: nothing is deleted while it lasts. */
  expiryPaused(): boolean {
    return this.pauseUntil !== 0 && this.clock.now() < this.pauseUntil;
  }

  keyExpired(db: Db, key: string): void {
    db.delete(key);
    this.stats.expiredKeys++;
    this.notify("x", "expired", key, db.id);
    this.propagate(db.id, [this.expiredKeyDeletion(), key]);
  }

  /** How a key removed because its time passed is replicated: UNLINK with lazyfree-lazy-expire, else DEL. */
  expiredKeyDeletion(): "UNLINK" | "DEL" {
    return this.config.bool("lazyfree-lazy-expire") ? "UNLINK" : "DEL";
  }

  // ---- events ---------------------------------------------------------------------------------

  /** A keyspace event (class letter `type`, e.g. "g", "$", "x"). */
  notify(type: string, event: string, key: string, dbid: number): void {
    const hooks = this.notifyHooks;
    for (let i = 0; i < hooks.length; i++) hooks[i](type, event, key, dbid);
  }

  /**
   * Records a write for AOF and replicas. Inside a command (EXEC, scripts, lazy expiry during a
   * command) the operation waits for the end of the execution unit; outside (cron) it goes out now.
   */
  propagate(dbid: number, argv: string[]): void {
    if (this.propagateHooks.length === 0) return;
    if (this.callDepth !== 0) this.pendingPropagation.push(dbid, argv);
    else this.emitPropagation(dbid, argv);
  }

  /** Operations of the running execution unit, as (dbid, argv) pairs. */
  readonly pendingPropagation: (number | string[])[] = [];

  /**
   * propagatePendingCommands: sends what the execution unit recorded; more than one operation is
   * wrapped in MULTI … EXEC (database -1: no SELECT needed), as Redis 7 does.
   */
  flushPropagation(): void {
    const ops = this.pendingPropagation;
    if (ops.length === 0) return;
    const wrap = ops.length > 2;
    if (wrap) this.emitPropagation(-1, ["MULTI"]);
    for (let i = 0; i < ops.length; i += 2) this.emitPropagation(ops[i] as number, ops[i + 1] as string[]);
    if (wrap) this.emitPropagation(-1, ["EXEC"]);
    ops.length = 0;
  }

  private emitPropagation(dbid: number, argv: string[]): void {
    const hooks = this.propagateHooks;
    for (let i = 0; i < hooks.length; i++) hooks[i](dbid, argv);
  }

  /**
   * writeCommandsDeniedByDiskError: the MISCONF error write commands (and PING) get while the last
   * background save or AOF write failed; null when writes are allowed. Set by persistence.
   */
  diskError: (() => string | null) | null = null;

  /** Run before any reply is written (AOF: write, and with `appendfsync always` fsync, first). */
  beforeReply: (() => void) | null = null;

  // ---- clients --------------------------------------------------------------------------------

  /** True when clients must authenticate (requirepass set). */
  requiresAuth(): boolean {
    return this.config.str("requirepass") !== "";
  }

  /** Registers a client; returns false when maxclients is reached. */
  addClient(c: Client): boolean {
    if (this.clients.size >= this.config.num("maxclients")) {
      this.stats.rejectedConnections++;
      return false;
    }
    this.clients.set(c.id, c);
    this.stats.numConnections++;
    return true;
  }

  /** Closes a client's connection and forgets it. */
  closeClient(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    this.clients.delete(c.id);
    this.pausedClients.delete(c);
    for (const h of this.clientClosedHooks) h(c);
    try {
      c.transport?.close();
    } catch {
      // already closed
    }
  }

  /** Run when a client goes away (unsubscribe, unblock, unwatch…). */
  readonly clientClosedHooks: ((c: Client) => void)[] = [];

  /** Registers something to close on shutdown (listeners). */
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  // ---- cron -----------------------------------------------------------------------------------

  /** Starts the periodic tasks at `hz`. */
  startCron(): void {
    this.scheduleCron();
  }

  private scheduleCron(): void {
    const hz = Math.max(1, Math.min(500, this.config.num("hz")));
    this.cronTimer = setTimeout(() => {
      try {
        this.cron();
      } catch (e) {
        this.log.warning(`cron error: ${e}`);
      }
      if (!this.shuttingDown) this.scheduleCron();
    }, 1000 / hz);
  }

  /** One cron tick: stats samples, active expiry, client timeouts, pause expiry. */
  cron(): void {
    const now = this.clock.now();
    this.cronLoops++;
    this.refreshLruClock();
    this.stats.sample(now);
    // A busy script is still one atomic command: nothing touches the dataset or the clients meanwhile.
    if (this.busyScript !== null) return;
    if (this.activeExpireEnabled && !this.expiryReadOnly && !this.expiryPaused()) {
      const started = this.latency.start();
      activeExpireCycle(this);
      this.latency.end("expire-cycle", started);
    }
    if (this.pauseUntil !== 0 && now >= this.pauseUntil) this.unpause();
    const timeout = this.config.num("timeout");
    if (timeout > 0) {
      for (const c of this.clients.values()) {
        if (c.kind === "internal" || c.flags.has("b") || c.flags.has("P") || c.flags.has("S")) continue;
        if (now - c.lastInteraction > timeout * 1000) {
          this.log.verbose("Closing idle client");
          this.closeClient(c);
        }
      }
    }
    for (const h of this.cronHooks) h(now);
  }

  /** Extra per-tick work of subsystems (persistence triggers, replication pings…). */
  readonly cronHooks: ((now: number) => void)[] = [];

  /** Ends CLIENT PAUSE and resumes the clients that were held. */
  unpause(): void {
    this.pauseUntil = 0;
    const held = [...this.pausedClients];
    this.pausedClients.clear();
    for (const c of held) this.resumeClient?.(c);
  }

  /** Set by the connection layer: continues processing a client's pending input. */
  resumeClient: ((c: Client) => void) | null = null;

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Stops listeners, cron and closes every client. */
  async close(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    clearTimeout(this.cronTimer);
    for (const fn of this.closers) {
      try {
        fn();
      } catch {
        // ignore
      }
    }
    for (const c of [...this.clients.values()]) this.closeClient(c);
    for (const h of this.shutdownHooks) await h();
    this.log.close();
  }
}

function randomHex(n: number): string {
  const b = new Uint8Array(n / 2);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}
