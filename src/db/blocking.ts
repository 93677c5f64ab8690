/**
 * Blocked clients (blocked.c): BLPOP & co. on lists, BZPOPMIN & co. on sorted sets, XREAD(GROUP)
 * BLOCK on streams, and key-less waits (WAIT, WAITAOF).
 *
 * A command that cannot be served calls `blockForKeys(c, type, keys, timeout)`: the client gets flag
 * "b" (the connection stops processing its input), joins each key's FIFO, and keeps its argv. Any
 * modification of a watched key (the `keyModified` hook, installed only while someone is blocked)
 * marks the key ready; right after the top-level command that did it finishes (dispatch's call()),
 * `handleReady()` walks the ready keys in order and, for each key, its blocked clients in FIFO
 * order, re-executing the blocked command of each client whose key now holds the type it waits for —
 * as Redis 7+ does. A re-executed command that still cannot be served blocks again (keeping its
 * original timeout). A key pushed and popped again before the command ends wakes nobody.
 *
 * Timeouts are timers that reply a null array (or the key-less waiter's own reply); CLIENT UNBLOCK,
 * disconnection and server shutdown clean up. Commands inside MULTI/EXEC (client flag "x"), scripts
 * (`denyBlocking` > 0) and internal clients never block: they behave as if the timeout elapsed.
 */
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { Db } from "./db.ts";
import type { Command } from "../commands/table.ts";
import { call } from "../server/dispatch.ts";
import { parseLongDouble } from "../util/longdouble.ts";
import { TIMEOUT_NEGATIVE, TIMEOUT_NOT_FLOAT, TIMEOUT_OUT_OF_RANGE } from "../server/errors.ts";

/** What a client waits for: data of a type on keys, or something key-less (replication acks…). */
export type BlockType = "list" | "zset" | "stream" | "module" | "wait" | "waitaof";

/** The type a blocked client needs to find at its key (TYPE names). */
const TYPE_FOR: Record<BlockType, string> = {
  list: "list",
  zset: "zset",
  stream: "stream",
  module: "",
  wait: "",
  waitaof: "",
};

interface BlockState {
  type: BlockType;
  db: Db;
  keys: string[];
  /** Absolute unix ms, 0 = forever. */
  timeout: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Also wake up when the key is deleted or changes type (XREADGROUP). */
  unblockOnNoKey: boolean;
  /** The blocked command, re-executed when a key is ready. */
  cmd: Command | null;
  argv: string[];
  /** Key-less waits: writes the reply when the wait times out or is cancelled. */
  onTimeout: ((c: Client) => void) | null;
}

const UNBLOCKED_ERROR = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

export class Blocking {
  /** Keys made ready and not yet handled; dispatch checks it after each top-level command. */
  readyCount = 0;
  /** Incremented each time a client blocks (dispatch compares it around a call). */
  blockEpoch = 0;
  /** While > 0, blocking commands do not block (scripts running). */
  denyBlocking = 0;
  /** Per db id: key → clients blocked on it, in blocking order. */
  private readonly byDb: (Map<string, Set<Client>> | undefined)[] = [];
  /** Per db id: key → number of its blocked clients that want a wake-up on deletion. */
  private readonly noKeyByDb: (Map<string, number> | undefined)[] = [];
  private readonly states = new Map<Client, BlockState>();
  private readyQueue: { db: Db; key: string }[] = [];
  private readonly readySets: (Set<string> | undefined)[] = [];
  /** Number of (client, key) registrations; the keyModified hook is installed while > 0. */
  private keyRegistrations = 0;
  private handling = false;
  /** The client whose command is being re-executed (keeps its original timeout if it blocks again). */
  private reprocessing: Client | null = null;
  private hooksInstalled = false;
  private readonly onKeyModified = (db: Db, key: string) => {
    const m = this.byDb[db.id];
    if (m !== undefined && m.has(key)) this.signalKeyAsReady(db, key);
  };

  constructor(readonly server: Server) {}

  private installHooks(): void {
    if (this.hooksInstalled) return;
    this.hooksInstalled = true;
    this.server.clientClosedHooks.push((c) => {
      const st = this.states.get(c);
      if (st !== undefined) this.release(c, st);
    });
  }

  // ---- queries ------------------------------------------------------------------------------------

  /** True when `c` is blocked by this registry. */
  isBlocked(c: Client): boolean {
    return this.states.has(c);
  }

  /** True when `c` must not block now (MULTI/EXEC, scripts, internal clients). */
  cannotBlock(c: Client): boolean {
    return this.denyBlocking > 0 || c.kind === "internal" || c.flags.has("x");
  }

  /** Number of blocked clients (INFO clients `blocked_clients` counts flag "b", which also covers SHUTDOWN). */
  get blockedCount(): number {
    return this.states.size;
  }

  /** INFO `total_blocking_keys`: distinct keys with blocked clients, over all databases. */
  get totalBlockingKeys(): number {
    let n = 0;
    for (const m of this.byDb) if (m !== undefined) n += m.size;
    return n;
  }

  /** INFO `total_blocking_keys_on_nokey`: keys with clients that also wake on deletion. */
  get totalBlockingKeysOnNoKey(): number {
    let n = 0;
    for (const m of this.noKeyByDb) if (m !== undefined) n += m.size;
    return n;
  }

  /** INFO `clients_in_timeout_table`: blocked clients with a timeout. */
  get clientsWithTimeout(): number {
    let n = 0;
    for (const st of this.states.values()) if (st.timeout !== 0) n++;
    return n;
  }

  // ---- blocking -----------------------------------------------------------------------------------

  /**
   * Blocks `c` on `keys` (in its current db) until one holds data of `type`, or `timeout` (absolute ms,
   * 0 = forever) passes. The current command is re-executed when a key is ready. The caller replies
   * nothing. `unblockOnNoKey` also wakes it when a key is deleted or changes type.
   */
  blockForKeys(c: Client, type: BlockType, keys: readonly string[], timeout: number, unblockOnNoKey = false): void {
    this.installHooks();
    const prev = this.reprocessing === c ? this.reprocessTimeout : undefined;
    const st: BlockState = {
      type,
      db: c.db,
      keys: [],
      timeout: prev ?? timeout,
      timer: undefined,
      unblockOnNoKey,
      cmd: c.cmd,
      argv: this.reprocessing === c ? this.reprocessArgv : c.argv,
      onTimeout: null,
    };
    const dbid = c.db.id;
    let m = this.byDb[dbid];
    if (m === undefined) m = this.byDb[dbid] = new Map();
    for (const key of keys) {
      if (st.keys.includes(key)) continue;
      st.keys.push(key);
      let fifo = m.get(key);
      if (fifo === undefined) m.set(key, fifo = new Set());
      fifo.add(c);
      if (this.keyRegistrations++ === 0) this.server.keyModifiedHooks.push(this.onKeyModified);
      if (unblockOnNoKey) {
        let nk = this.noKeyByDb[dbid];
        if (nk === undefined) nk = this.noKeyByDb[dbid] = new Map();
        nk.set(key, (nk.get(key) ?? 0) + 1);
      }
    }
    this.start(c, st);
  }

  /**
   * Blocks `c` without keys (WAIT, WAITAOF): `onTimeout` writes the reply when `timeout` (absolute ms,
   * 0 = forever) passes or CLIENT UNBLOCK … TIMEOUT cancels the wait. Call `unblock(c)` once the reply
   * has been written by whoever completes the wait.
   */
  blockClient(c: Client, type: BlockType, timeout: number, onTimeout: (c: Client) => void): void {
    this.installHooks();
    this.start(c, {
      type,
      db: c.db,
      keys: [],
      timeout,
      timer: undefined,
      unblockOnNoKey: false,
      cmd: c.cmd,
      argv: c.argv,
      onTimeout,
    });
  }

  private start(c: Client, st: BlockState): void {
    this.states.set(c, st);
    c.flags.add("b");
    this.blockEpoch++;
    if (st.timeout !== 0) {
      const delay = Math.max(0, st.timeout - this.server.clock.now());
      st.timer = setTimeout(() => this.timeoutFired(c, st), delay);
    }
  }

  /** A blocked client's timer: times it out, unless a busy script runs (Redis serves no timeouts then). */
  private timeoutFired(c: Client, st: BlockState): void {
    if (this.server.busyScript !== null) st.timer = setTimeout(() => this.timeoutFired(c, st), 10);
    else this.unblockOnTimeout(c);
  }

  /** Forgets every registration of `c` (no reply). */
  private release(c: Client, st: BlockState): void {
    this.states.delete(c);
    c.flags.delete("b");
    if (st.timer !== undefined) clearTimeout(st.timer);
    const dbid = st.db.id;
    const m = this.byDb[dbid];
    for (const key of st.keys) {
      const fifo = m?.get(key);
      if (fifo !== undefined) {
        fifo.delete(c);
        if (fifo.size === 0) m!.delete(key);
      }
      if (st.unblockOnNoKey) {
        const nk = this.noKeyByDb[dbid];
        const left = (nk?.get(key) ?? 1) - 1;
        if (left <= 0) nk?.delete(key);
        else nk!.set(key, left);
      }
      if (--this.keyRegistrations === 0) {
        const hooks = this.server.keyModifiedHooks;
        const i = hooks.indexOf(this.onKeyModified);
        if (i >= 0) hooks.splice(i, 1);
      }
    }
  }

  /** Ends a key-less wait whose reply the caller has written; resumes the client's pending input. */
  unblock(c: Client): void {
    const st = this.states.get(c);
    if (st === undefined) return;
    const started = performance.now();
    this.release(c, st);
    this.countCall(st, false, started);
    this.resume(c);
  }

  /** Times the client out: null array (or the key-less wait's reply), then its input resumes. */
  unblockOnTimeout(c: Client): void {
    const st = this.states.get(c);
    if (st === undefined) return;
    const started = performance.now();
    this.release(c, st);
    if (st.onTimeout !== null) st.onTimeout(c);
    else c.addNullArray();
    this.countCall(st, false, started);
    this.resume(c);
  }

  /** Unblocks with an error reply (`msg` is the full error text). */
  unblockOnError(c: Client, msg: string): void {
    const st = this.states.get(c);
    if (st === undefined) return;
    const started = performance.now();
    this.release(c, st);
    c.addError(msg);
    this.countCall(st, true, started);
    this.resume(c);
  }

  /** CLIENT UNBLOCK: true when `c` was blocked here and got unblocked (TIMEOUT or ERROR). */
  clientUnblock(c: Client, withError: boolean): boolean {
    if (!this.states.has(c)) return false;
    if (withError) this.unblockOnError(c, UNBLOCKED_ERROR);
    else this.unblockOnTimeout(c);
    return true;
  }

  /**
   * updateStatsOnUnblock: a blocked command that ends without being re-executed still counts as a call.
   * Its time is the unblocking work since `started` (reply included), not the wait: Redis's INFO
   * commandstats shows a BLPOP that timed out after 0.5 s as tens of microseconds.
   */
  private countCall(st: BlockState, failed: boolean, started: number): void {
    const cmd = st.cmd;
    if (cmd === null) return;
    cmd.calls++;
    this.server.latency.addCallTime(cmd, (performance.now() - started) * 1000);
    if (failed) cmd.failedCalls++;
    this.server.stats.numCommands++;
  }

  /** Continues the client's pipelined input once the current batch is done, and flushes its reply. */
  private resume(c: Client): void {
    queueMicrotask(() => {
      if (c.closed || c.flags.has("b")) return;
      const resume = this.server.resumeClient;
      if (resume !== null) resume(c);
      else c.requestFlush();
    });
  }

  // ---- readiness ----------------------------------------------------------------------------------

  /**
   * Marks `key` of `db` as ready if clients are blocked on it (called for every key modification while
   * someone is blocked; families may call it directly too).
   */
  signalKeyAsReady(db: Db, key: string): void {
    const m = this.byDb[db.id];
    if (m === undefined || !m.has(key)) return;
    let set = this.readySets[db.id];
    if (set === undefined) set = this.readySets[db.id] = new Set();
    if (set.has(key)) return;
    set.add(key);
    this.readyQueue.push({ db, key });
    this.readyCount++;
  }

  /** Signals every key of `db` that has blocked clients (after SWAPDB, FLUSHDB, loading…). */
  scanDatabaseForReadyKeys(db: Db): void {
    const m = this.byDb[db.id];
    if (m === undefined) return;
    for (const key of m.keys()) this.signalKeyAsReady(db, key);
  }

  /**
   * handleClientsBlockedOnKeys: serves the clients blocked on ready keys, FIFO per key, until no key is
   * ready (serving BLMOVE can make its destination ready). Not re-entrant.
   */
  handleReady(): void {
    if (this.handling) return;
    this.handling = true;
    try {
      while (this.readyQueue.length !== 0) {
        const queue = this.readyQueue;
        this.readyQueue = [];
        for (const { db, key } of queue) {
          this.readySets[db.id]?.delete(key);
          this.readyCount--;
          this.handleKey(db, key);
        }
      }
    } finally {
      this.handling = false;
    }
  }

  private handleKey(db: Db, key: string): void {
    const fifo = this.byDb[db.id]?.get(key);
    if (fifo === undefined) return;
    // Only the clients blocked when we started: a re-executed command that blocks again goes last.
    const clients = [...fifo];
    for (const c of clients) {
      const st = this.states.get(c);
      if (st === undefined || !fifo.has(c)) continue;
      const v = db.isExpired(key) ? undefined : db.dict.get(key);
      const type = v === undefined ? "" : typeof v === "string" ? "string" : v.type;
      if ((v !== undefined && (type === TYPE_FOR[st.type] || st.type === "module")) || st.unblockOnNoKey) {
        this.reexecute(c, st);
      }
    }
  }

  private reprocessTimeout = 0;
  private reprocessArgv: string[] = [];

  /** unblockClientOnKey: releases the client and runs its command again. */
  private reexecute(c: Client, st: BlockState): void {
    this.release(c, st);
    const cmd = st.cmd;
    if (cmd === null || c.closed) return;
    c.db = st.db;
    c.argv = st.argv;
    this.reprocessing = c;
    this.reprocessTimeout = st.timeout;
    this.reprocessArgv = st.argv;
    const s = this.server;
    s.settleCommandTime(); // the commands before it in this batch; then its own re-execution
    try {
      call(c, cmd, st.argv);
    } finally {
      this.reprocessing = null;
    }
    s.settleCommandTime();
    if (!c.flags.has("b")) this.resume(c);
  }
}

/**
 * Parses a blocking timeout in seconds (a long double, like getTimeoutFromObjectOrReply with
 * UNIT_SECONDS) into an absolute unix time in ms, 0 meaning forever. Replies the error and returns null
 * when invalid.
 */
export function parseTimeout(c: Client, arg: string): number | null {
  const v = parseLongDouble(arg);
  if (v === null) {
    c.addError(TIMEOUT_NOT_FLOAT);
    return null;
  }
  let ms: bigint;
  if (typeof v === "number") {
    // ±inf (finite values come back as LongDouble).
    if (v > 0) {
      c.addError(TIMEOUT_OUT_OF_RANGE);
      return null;
    }
    c.addError(TIMEOUT_NEGATIVE);
    return null;
  } else {
    ms = ceilMillis(v.neg, v.mant, v.exp);
  }
  if (ms > LLONG_MAX) {
    c.addError(TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  if (ms < 0n) {
    c.addError(TIMEOUT_NEGATIVE);
    return null;
  }
  if (ms === 0n) return 0;
  const now = BigInt(c.server.clock.now());
  if (ms > LLONG_MAX - now) {
    c.addError(TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  return Number(ms + now);
}

const LLONG_MAX = 9223372036854775807n;

/**
 * ceill(x × 1000) for x = ±mant × 2^exp, with the product first rounded to a 64-bit significand as the
 * x87 long double multiplication does (so "0.1" gives 100, not 101).
 */
function ceilMillis(neg: boolean, mant: bigint, exp: number): bigint {
  if (mant === 0n) return 0n;
  let m = mant * 1000n;
  let e = exp;
  const bits = m.toString(2).length;
  if (bits > 64) {
    const shift = BigInt(bits - 64);
    const q = m >> shift;
    const rem = m - (q << shift);
    const half = 1n << (shift - 1n);
    m = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
    e += bits - 64;
  }
  if (e >= 0) {
    const whole = m << BigInt(e);
    return neg ? -whole : whole;
  }
  const den = 1n << BigInt(-e);
  const floor = m / den;
  const exact = floor * den === m;
  // ceil(-x) = -floor(x)
  if (neg) return -floor;
  return exact ? floor : floor + 1n;
}
