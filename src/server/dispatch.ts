/**
 * Command dispatch: lookup in the command table, Redis's checks in Redis's order (unknown command,
 * subcommand, arity, protected commands, auth, MULTI, busy script, pause, Lua engine loading), then the call with
 * per-command statistics. Inside MULTI, commands are queued instead of called (server/transaction.ts).
 */
import type { Client } from "./client.ts";
import { type Command, F, lookupCommand } from "../commands/table.ts";
import {
  BUSY_EVAL,
  BUSY_FUNCTION,
  DEBUG_DISABLED,
  LOADING,
  NOAUTH,
  NOT_ALLOWED_IN_MULTI,
  pubsubContext,
  unknownCommand,
  unknownSubcommand,
  wrongArity,
} from "./errors.ts";
import { flushPendingPushes, pendingPushCount, PUBSUB_CONTEXT_COMMANDS } from "./pubsub.ts";
import {
  multiStateOf,
  queueCommand,
  transactionMayReplicate,
  transactionRejected,
  transactionWrites,
} from "./transaction.ts";
import { luaReady, waitForLua } from "../script/loader.ts";

/** Rejects a command before execution (counts as rejected in commandstats). */
function reject(c: Client, cmd: Command | null, msg: string): void {
  if (cmd) cmd.rejectedCalls++;
  // Inside MULTI a rejection dooms the transaction (a rejected EXEC ends it with EXECABORT).
  if (c.flags.size !== 0 && c.flags.has("x")) msg = transactionRejected(c, cmd, msg);
  c.addError(msg);
  if (c.server.tracking !== null) c.server.tracking.commandRejected(c, cmd);
}

/** Resolves argv to a command (or subcommand); replies with the error and returns null when invalid. */
export function resolveCommand(c: Client, argv: string[]): Command | null {
  let cmd = lookupCommand(c.server.commands, argv[0]);
  if (!cmd) {
    reject(c, null, unknownCommand(argv[0], argv.slice(1)));
    return null;
  }
  // A container with its own handler (COMMAND) runs it only when called without a subcommand.
  if (cmd.subcommands !== null && (!cmd.handler || argv.length > 1)) {
    if (argv.length === 1) {
      reject(c, cmd, wrongArity(cmd.fullName));
      return null;
    }
    const sub = cmd.subcommands.get(argv[1].toLowerCase());
    if (!sub) {
      // Like Redis, an unknown subcommand is not counted against the container's commandstats.
      reject(c, null, unknownSubcommand(argv[1], cmd.name));
      return null;
    }
    cmd = sub;
  }
  const a = cmd.arity;
  if ((a > 0 && argv.length !== a) || argv.length < -a) {
    reject(c, cmd, wrongArity(cmd.fullName));
    return null;
  }
  return cmd;
}

/** True when a protected command (DEBUG, MODULE…) is not allowed for this client. */
function protectedDenied(c: Client, cmd: Command): boolean {
  if (!cmd.has(F.PROTECTED)) return false;
  const mode = c.server.config.str("enable-debug-command");
  if (mode === "yes") return false;
  if (mode === "local" && (c.kind === "unix" || c.kind === "internal" || isLoopback(c.addr))) return false;
  return true;
}

/** True for loopback peer addresses ("127.0.0.1:1234", "[::1]:1234"). */
export function isLoopback(addr: string): boolean {
  return addr.startsWith("127.") || addr.startsWith("[::1]") || addr.startsWith("::1");
}

/** EXEC of a transaction that queued a write command. */
function isWriteExec(c: Client, cmd: Command): boolean {
  return cmd.parent === null && cmd.name === "exec" && transactionWrites(c);
}

/** True when CLIENT PAUSE holds this command now. */
function pausedFor(c: Client, cmd: Command): boolean {
  const s = c.server;
  if (s.pauseUntil === 0 || c.kind === "internal") return false;
  if (s.clock.now() >= s.pauseUntil) {
    s.unpause();
    return false;
  }
  if (!s.pauseWritesOnly) return true;
  return cmd.has(F.WRITE) || cmd.has(F.MAY_REPLICATE) ||
    (cmd.parent === null && cmd.name === "exec" && transactionMayReplicate(c));
}

/**
 * While a script is busy only commands flagged allow-busy run (SCRIPT KILL, FUNCTION KILL, MULTI…),
 * and SHUTDOWN only with NOSAVE (shutdownCommand's check, after its own argument errors); the others
 * get -BUSY. Returns true when the command was rejected.
 */
function busyRejects(c: Client, cmd: Command, isEval: boolean): boolean {
  if (cmd.has(F.ALLOW_BUSY)) return false; // SHUTDOWN without NOSAVE is refused by the command itself
  reject(c, cmd, isEval ? BUSY_EVAL : BUSY_FUNCTION);
  return true;
}

/**
 * True when `cmd` is about to run and needs the Lua engine, which is not loaded yet (see
 * src/script/loader.ts): a command flagged needsLua, or an EXEC whose queue holds one.
 */
function mustLoadLua(c: Client, cmd: Command): boolean {
  if (cmd.needsLua) return !luaReady();
  if (cmd.parent !== null || cmd.name !== "exec" || luaReady()) return false;
  const st = multiStateOf(c);
  return st !== undefined && st.commands.some((q) => q.cmd.needsLua);
}

/**
 * Processes one request. Returns false when the command must wait (CLIENT PAUSE, its client's
 * script is busy, or the Lua engine is loading): the caller keeps argv and calls again later.
 */
export function processCommand(c: Client, argv: string[]): boolean {
  // While a script runs past busy-reply-threshold, its caller's next commands wait for its reply.
  const busy = c.server.busyScript;
  if (busy !== null && busy.caller === c) return false;
  c.argv = argv;
  const cmd = resolveCommand(c, argv);
  if (!cmd) return true;
  if (protectedDenied(c, cmd)) {
    reject(c, cmd, DEBUG_DISABLED);
    return true;
  }
  if (!c.authenticated && !cmd.has(F.NO_AUTH)) {
    reject(c, cmd, NOAUTH);
    return true;
  }
  if (c.server.loading && !cmd.has(F.LOADING)) {
    reject(c, cmd, LOADING);
    return true;
  }
  const inMulti = c.flags.size !== 0 && c.flags.has("x");
  if (inMulti && cmd.has(F.NO_MULTI)) {
    reject(c, cmd, NOT_ALLOWED_IN_MULTI);
    return true;
  }
  const s = c.server;
  if (s.diskError !== null && (cmd.has(F.WRITE) || cmd.name === "ping" || isWriteExec(c, cmd))) {
    const err = s.diskError();
    if (err !== null) {
      reject(c, cmd, err);
      return true;
    }
  }
  // A RESP2 client in subscribed mode may only run the (un)subscribe family, PING, QUIT and RESET.
  if (c.flags.size !== 0 && c.resp === 2 && c.flags.has("P") && !PUBSUB_CONTEXT_COMMANDS.has(cmd.fullName)) {
    reject(c, cmd, pubsubContext(cmd.fullName));
    return true;
  }
  if (busy !== null && busyRejects(c, cmd, busy.isEval)) return true;
  if (pausedFor(c, cmd)) return false;
  if (inMulti && queueCommand(c, cmd, argv)) return true;
  if (mustLoadLua(c, cmd) && waitForLua(c)) return false;
  call(c, cmd, argv);
  return true;
}

/**
 * Executes a resolved command with statistics and reply-mode handling. A top-level command's duration
 * is accounted by `server.settleCommandTime()`, which its caller runs after it (the connection reactor
 * once per read batch); nested calls (EXEC, scripts) time themselves.
 */
export function call(c: Client, cmd: Command, argv: string[]): void {
  const s = c.server;
  const skip = c.skipNext;
  if (skip) {
    c.skipNext = false;
    c.muted = true;
  }
  c.cmd = cmd;
  s.touchAllowed = !c.noTouch || cmd.name === "touch";
  const errors = c.errorReplies;
  const top = s.callDepth === 0;
  const start = top ? 0 : performance.now();
  if (top) {
    s.clock.beginCommand();
    s.currentClient = c;
  }
  const blocking = s.blocking;
  const blockEpoch = blocking.blockEpoch;
  s.callDepth++;
  // A running snapshot saves the old values of the keys this write is about to change.
  if (s.beforeWrite !== null && cmd.has(F.WRITE)) s.beforeWrite(c, cmd, argv);
  const dirty = s.dirty;
  try {
    cmd.handler!(c, argv);
  } catch (e) {
    s.log.warning(`internal error in '${cmd.fullName}': ${e instanceof Error ? e.stack : e}`);
    c.addError(`ERR internal error: ${e instanceof Error ? e.message : e}`);
  }
  // A command that changed the dataset is propagated as its (possibly rewritten) c.argv, unless it
  // propagates its effects itself (EXEC, scripts).
  if (c.preventPropagation) c.preventPropagation = false;
  else if (s.dirty > dirty && s.propagateHooks.length !== 0) s.propagate(c.db.id, c.argv);
  s.callDepth--;
  if (s.callDepth === 0 && s.pendingPropagation.length !== 0) s.flushPropagation();
  if (top) s.clock.endCommand();
  // Like Redis, a command that blocked is counted when it completes (re-execution or timeout).
  if (blocking.blockEpoch === blockEpoch) {
    if (top) s.untimed[s.untimedCount++] = cmd;
    else s.latency.addCallTime(cmd, (performance.now() - start) * 1000);
    cmd.calls++;
    if (c.errorReplies !== errors) cmd.failedCalls++;
    s.stats.numCommands++;
  }
  c.totCmds++;
  c.lastCmd = cmd;
  c.cmd = null;
  s.touchAllowed = true;
  if (skip) c.muted = c.replyMode === "off";
  // Client-side caching: remember keys read by tracking clients, expire CLIENT CACHING.
  if (s.tracking !== null) s.tracking.afterCall(c, cmd, argv);
  if (s.callDepth === 0) s.currentClient = null;
  // Pushes for this client produced by its own command (PUBLISH to itself…) follow the reply.
  if (s.callDepth === 0 && pendingPushCount() !== 0) flushPendingPushes();
  // Serve clients blocked on keys this command (or transaction, or script) made ready.
  if (s.callDepth === 0 && blocking.readyCount !== 0) blocking.handleReady();
}
