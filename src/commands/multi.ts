/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis's multi.c).
 *
 * Queueing and the rules for rejected commands live in server/transaction.ts (dispatch queues a
 * client's commands while it carries flag "x"); the WATCH registry in db/watch.ts. EXEC runs the
 * queue through dispatch's call(), one command after the other, so the transaction is atomic by
 * construction; blocking commands inside it answer as on timeout (db/blocking.ts sees flag "x").
 *
 * Also wires transactions into the rest of the server: RESET and disconnection discard the
 * transaction and the WATCHes, CLIENT LIST reports multi= / watch= / multi-mem= and flag "d", INFO
 * reports watching_clients / total_watched_keys.
 *
 * Propagation (AOF, replicas) of a transaction is the persistence layer's job: it can tell EXEC is
 * running from `server.inExec`, and `onExec()` listeners run right before and after the queue.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { call } from "../server/dispatch.ts";
import { beginTransaction, discardTransaction, multiStateOf, type QueuedCommand } from "../server/transaction.ts";
import { ensureWatches, watchesOf } from "../db/watch.ts";
import { onClientReset } from "./connection.ts";
import { clientCounters } from "../server/client_info.ts";
import { provideInfoField } from "../server/info.ts";
import {
  DISCARD_WITHOUT_MULTI,
  EXEC_WITHOUT_MULTI,
  EXECABORT,
  MULTI_NESTED,
  WATCH_INSIDE_MULTI,
} from "../server/errors.ts";

/** Listeners around the execution of a transaction's queue (propagation wraps it in MULTI/EXEC). */
export interface ExecListener {
  /** Before the first queued command runs. */
  begin(c: Client, queue: readonly QueuedCommand[]): void;
  /** After the last queued command ran. */
  end(c: Client): void;
}

const execListeners: ExecListener[] = [];

/** Registers a listener run around every EXEC that executes its queue (not for aborted ones). */
export function onExec(listener: ExecListener): void {
  execListeners.push(listener);
}

function multi(c: Client): void {
  if (c.flags.has("x")) {
    c.addError(MULTI_NESTED);
    return;
  }
  wire();
  beginTransaction(c);
  c.addOk();
}

function discard(c: Client): void {
  if (!c.flags.has("x")) {
    c.addError(DISCARD_WITHOUT_MULTI);
    return;
  }
  discardTransaction(c);
  c.addOk();
}

/**
 * EXEC: fails with EXECABORT when a command was rejected while queueing, replies a null array when a
 * WATCHed key changed (or expired) meanwhile, else runs the queue and replies an array of the replies.
 * A command failing at run time does not stop the others.
 */
function exec(c: Client): void {
  const st = multiStateOf(c);
  if (st === undefined || !c.flags.has("x")) {
    c.addError(EXEC_WITHOUT_MULTI);
    return;
  }
  const s = c.server;
  const watches = watchesOf(s);
  if (watches !== undefined && watches.anyExpired(c)) c.flags.add("d");
  if (st.dirtyExec) {
    c.addError(EXECABORT);
    discardTransaction(c);
    return;
  }
  if (c.flags.has("d")) {
    c.addNullArray();
    discardTransaction(c);
    return;
  }
  watches?.unwatchAll(c);
  const queue = st.commands;
  const origArgv = c.argv;
  const origCmd = c.cmd;
  const wasInExec = s.inExec;
  s.inExec = true;
  for (const l of execListeners) l.begin(c, queue);
  c.addArrayLen(queue.length);
  try {
    for (const q of queue) {
      c.argv = q.argv;
      call(c, q.cmd, q.argv);
    }
  } finally {
    c.preventPropagation = true; // the queued commands propagated themselves
    c.argv = origArgv;
    c.cmd = origCmd;
    discardTransaction(c);
    s.inExec = wasInExec;
    for (const l of execListeners) l.end(c);
  }
}

/** WATCH key [key ...]: nothing to do when a watched key already changed (EXEC fails anyway). */
function watch(c: Client, argv: string[]): void {
  if (c.flags.has("x")) {
    c.addError(WATCH_INSIDE_MULTI);
    return;
  }
  wire();
  if (!c.flags.has("d")) {
    const w = ensureWatches(c.server);
    for (let j = 1; j < argv.length; j++) w.watch(c, argv[j]);
  }
  c.addOk();
}

function unwatch(c: Client): void {
  watchesOf(c.server)?.unwatchAll(c);
  c.flags.delete("d");
  c.addOk();
}

// ---- wiring into RESET, CLIENT LIST and INFO ------------------------------------------------------

/**
 * Hooks transactions into RESET, CLIENT LIST and INFO, once per process, on the first MULTI or WATCH
 * (until then their defaults — no transaction, nothing watched — are right).
 */
let wired = false;
function wire(): void {
  if (wired) return;
  wired = true;
  onClientReset(discardTransaction);
  clientCounters.multi = (c) => (c.flags.has("x") ? multiStateOf(c)?.commands.length ?? 0 : -1);
  clientCounters.watch = (c) => watchesOf(c.server)?.count(c) ?? 0;
  // Queued arguments plus Redis's per-queued-command and per-watched-key overhead.
  clientCounters.multiMem = (c) => {
    const st = multiStateOf(c);
    const watched = watchesOf(c.server)?.count(c) ?? 0;
    return (st === undefined ? 0 : st.argvMem + 24 * st.commands.length) + 56 * watched;
  };
  provideInfoField("watching_clients", (s) => watchesOf(s)?.watchingClients ?? 0);
  provideInfoField("total_watched_keys", (s) => watchesOf(s)?.totalWatchedKeys ?? 0);
}

export const commands: CommandDef[] = [
  { name: "multi", handler: multi },
  { name: "exec", handler: exec },
  { name: "discard", handler: discard },
  { name: "watch", handler: watch },
  { name: "unwatch", handler: unwatch },
];
