/**
 * Per-client MULTI state (Redis's multi.c, first half): the queue of commands, the flags that doom
 * the transaction, queueing from dispatch and the rejection rule ("EXECABORT" after any error while
 * queueing). The commands themselves (MULTI, EXEC, DISCARD, WATCH, UNWATCH) are in
 * commands/multi.ts.
 *
 * A client in a transaction carries flag "x" (Redis's CLIENT_MULTI, the letter CLIENT LIST shows);
 * dispatch checks that one letter, so nothing here runs for clients outside MULTI. The flag stays set
 * while EXEC runs the queue, which is how blocking commands inside EXEC know not to block.
 */
import type { Client } from "./client.ts";
import { type Command, F } from "../commands/table.ts";
import { watchesOf } from "../db/watch.ts";

/** One queued command. */
export interface QueuedCommand {
  cmd: Command;
  argv: string[];
}

/** A client's open transaction. */
export interface MultiState {
  commands: QueuedCommand[];
  /** Union of the queued commands' F bits (CLIENT PAUSE WRITE holds an EXEC that would write). */
  flags: number;
  /** A command was rejected while queueing: EXEC replies EXECABORT (Redis's CLIENT_DIRTY_EXEC). */
  dirtyExec: boolean;
  /** Bytes of the queued arguments plus per-argument overhead (CLIENT LIST `multi-mem`). */
  argvMem: number;
}

const states = new WeakMap<Client, MultiState>();

/** Commands that run right away inside MULTI instead of being queued (Redis's processCommand). */
const RUN_IN_MULTI = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/** The open transaction of `c`, or undefined outside MULTI. */
export function multiStateOf(c: Client): MultiState | undefined {
  return states.get(c);
}

/** Opens a transaction (the caller checked it is not nested). */
export function beginTransaction(c: Client): void {
  states.set(c, { commands: [], flags: 0, dirtyExec: false, argvMem: 0 });
  c.flags.add("x");
}

/** discardTransaction: drops the queue, the MULTI and dirty flags, and every WATCH of the client. */
export function discardTransaction(c: Client): void {
  states.delete(c);
  c.flags.delete("x");
  c.flags.delete("d");
  watchesOf(c.server)?.unwatchAll(c);
}

/**
 * Queues `argv` when `c` is in MULTI and the command is not one of those that run immediately
 * (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET); replies `+QUEUED` and returns true. A doomed
 * transaction (rejected command or touched WATCH) still answers QUEUED but keeps nothing.
 */
export function queueCommand(c: Client, cmd: Command, argv: string[]): boolean {
  if (cmd.parent === null && RUN_IN_MULTI.has(cmd.name)) return false;
  const st = states.get(c);
  if (st === undefined) return false;
  if (!st.dirtyExec && !c.flags.has("d")) {
    st.commands.push({ cmd, argv });
    st.flags |= cmd.flags;
    let mem = 8 * argv.length;
    for (const a of argv) mem += a.length;
    st.argvMem += mem;
  }
  c.addStatus("QUEUED");
  return true;
}

/**
 * Redis's rejectCommand for a client in MULTI: the transaction is flagged so EXEC fails with
 * EXECABORT. When the rejected command is EXEC itself the transaction ends now, and the error text
 * to reply becomes "EXECABORT Transaction discarded because of: <reason>". Returns the text to reply.
 */
export function transactionRejected(c: Client, cmd: Command | null, msg: string): string {
  const st = states.get(c);
  if (st === undefined) return msg;
  st.dirtyExec = true;
  if (cmd === null || cmd.fullName !== "exec") return msg;
  discardTransaction(c);
  return "EXECABORT Transaction discarded because of: " + (msg.startsWith("ERR ") ? msg.slice(4) : msg);
}

/** True when the open transaction of `c` holds a command that writes or may replicate. */
export function transactionMayReplicate(c: Client): boolean {
  const st = states.get(c);
  return st !== undefined && (st.flags & (F.WRITE | F.MAY_REPLICATE)) !== 0;
}

/** True when the queued commands include a write (Redis's is_write_command for EXEC: MISCONF). */
export function transactionWrites(c: Client): boolean {
  const st = states.get(c);
  return st !== undefined && (st.flags & F.WRITE) !== 0;
}
