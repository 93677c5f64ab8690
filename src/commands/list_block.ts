/**
 * Blocking list commands (t_list.c): BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH. When data is there they
 * behave like their non-blocking forms; otherwise the client blocks on the keys through the blocking
 * registry (src/db/blocking.ts), which re-executes the command once a key holds a list. Inside
 * MULTI/EXEC or scripts they never block and answer as a timeout would.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { parseTimeout } from "../db/blocking.ts";
import { listElementsRemoved, lookupListWrite, parseWhere } from "./list_util.ts";
import { lmoveGeneric, parseMpopArgs, popFirstNonEmpty } from "./list_move.ts";

/**
 * blockingPopGenericCommand: pops from the first non-empty list among `keys` — one element replied as
 * `[key, element]` when `count` is -1 (BLPOP/BRPOP), else up to `count` as `[key, [elements]]`
 * (BLMPOP) — or blocks.
 */
function blockingPop(c: Client, keys: readonly string[], head: boolean, timeoutArg: string, count: number): void {
  const timeout = parseTimeout(c, timeoutArg);
  if (timeout === null) return;
  if (count !== -1) {
    const r = popFirstNonEmpty(c, keys, head, count);
    if (r !== "empty") return;
  } else {
    for (const key of keys) {
      const list = lookupListWrite(c, key);
      if (list === null) return;
      if (list === undefined || list.n === 0) continue;
      const value = head ? list.popHead()! : list.popTail()!;
      c.addArrayLen(2);
      c.addBulk(key);
      c.addBulk(value);
      listElementsRemoved(c, key, head, list, 1);
      // Replicated as [LR]POP key.
      c.argv = [head ? "LPOP" : "RPOP", key];
      return;
    }
  }
  const blocking = c.server.blocking;
  if (blocking.cannotBlock(c)) {
    c.addNullArray();
    return;
  }
  blocking.blockForKeys(c, "list", keys, timeout);
}

function blpop(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), true, argv[argv.length - 1], -1);
}

function brpop(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), false, argv[argv.length - 1], -1);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
function blmpop(c: Client, argv: string[]): void {
  const args = parseMpopArgs(c, argv, 2);
  if (args === null) return;
  blockingPop(c, args.keys, args.head, argv[1], args.count);
}

/** blmoveGenericCommand: moves right away when the source has data, else blocks on it. */
function blmoveGeneric(c: Client, argv: string[], fromHead: boolean, toHead: boolean, timeout: number): void {
  const src = argv[1];
  const list = lookupListWrite(c, src);
  if (list === null) return;
  if (list === undefined) {
    const blocking = c.server.blocking;
    if (blocking.cannotBlock(c)) c.addNull();
    else blocking.blockForKeys(c, "list", [src], timeout);
    return;
  }
  lmoveGeneric(c, src, argv[2], fromHead, toHead);
  // Replicated as the non-blocking form (rewriteClientCommandVector).
  c.argv = argv.length === 4 ? ["RPOPLPUSH", src, argv[2]] : ["LMOVE", src, argv[2], argv[3], argv[4]];
}

/** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout. */
function blmove(c: Client, argv: string[]): void {
  const fromHead = parseWhere(c, argv[3]);
  if (fromHead === null) return;
  const toHead = parseWhere(c, argv[4]);
  if (toHead === null) return;
  const timeout = parseTimeout(c, argv[5]);
  if (timeout === null) return;
  blmoveGeneric(c, argv, fromHead, toHead, timeout);
}

/** BRPOPLPUSH source destination timeout. */
function brpoplpush(c: Client, argv: string[]): void {
  const timeout = parseTimeout(c, argv[3]);
  if (timeout === null) return;
  blmoveGeneric(c, argv, false, true, timeout);
}

export const commands: CommandDef[] = [
  { name: "blpop", handler: blpop },
  { name: "brpop", handler: brpop },
  { name: "blmpop", handler: blmpop },
  { name: "blmove", handler: blmove },
  { name: "brpoplpush", handler: brpoplpush },
];
