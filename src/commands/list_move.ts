/**
 * List commands that move elements or pop from several keys (t_list.c): LMOVE, RPOPLPUSH, LMPOP —
 * and the shared bodies the blocking variants (list_block.ts) run once data is there: the move
 * (lmoveGenericCommand) and the multi-key pop with its LMPOP/BLMPOP argument parsing.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { ListValue } from "../types/list.ts";
import { COUNT_NOT_POSITIVE, NUMKEYS_NOT_POSITIVE, SYNTAX } from "../server/errors.ts";
import {
  createList,
  listElementsRemoved,
  listFill,
  lookupListWrite,
  minLongArg,
  parseWhere,
  popRangeReply,
} from "./list_util.ts";

/**
 * lmoveGenericCommand: pops from `src` (head when `fromHead`) and pushes onto `dst` (head when
 * `toHead`), replying the element; null when `src` is missing. Event order as in Redis: the push on
 * the destination, then the pop on the source.
 */
export function lmoveGeneric(c: Client, src: string, dst: string, fromHead: boolean, toHead: boolean): void {
  const srcList = lookupListWrite(c, src);
  if (srcList === null) return;
  if (srcList === undefined || srcList.n === 0) {
    c.addNull();
    return;
  }
  let dstList = lookupListWrite(c, dst);
  if (dstList === null) return;
  const value = fromHead ? srcList.popHead()! : srcList.popTail()!;
  const s = c.server;
  const db = c.db;
  // lmoveHandlePush
  const dstExisted = dstList !== undefined;
  if (dstList === undefined) dstList = createList(c, dst);
  dstList.growFor(listFill(c), value.length, 1);
  if (toHead) dstList.pushHead(value);
  else dstList.pushTail(value);
  if (dstExisted) s.keyModified(db, dst);
  s.notify("l", toHead ? "lpush" : "rpush", dst, db.id);
  c.addBulk(value);
  listElementsRemoved(c, src, fromHead, srcList, 1);
}

function lmove(c: Client, argv: string[]): void {
  const fromHead = parseWhere(c, argv[3]);
  if (fromHead === null) return;
  const toHead = parseWhere(c, argv[4]);
  if (toHead === null) return;
  lmoveGeneric(c, argv[1], argv[2], fromHead, toHead);
}

function rpoplpush(c: Client, argv: string[]): void {
  lmoveGeneric(c, argv[1], argv[2], false, true);
}

// ---- multi-key pops -------------------------------------------------------------------------------

/** Parsed LMPOP/BLMPOP arguments. */
export interface MpopArgs {
  keys: string[];
  head: boolean;
  count: number;
}

/**
 * lmpopGenericCommand's parsing from `numkeysIdx`: numkeys, keys, LEFT|RIGHT, [COUNT n]. Replies the
 * error and returns null when invalid.
 */
export function parseMpopArgs(c: Client, argv: string[], numkeysIdx: number): MpopArgs | null {
  const numkeys = minLongArg(c, argv[numkeysIdx], 1, NUMKEYS_NOT_POSITIVE);
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.addError(SYNTAX);
    return null;
  }
  const head = parseWhere(c, argv[whereIdx]);
  if (head === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j].toLowerCase() === "count" && more) {
      const v = minLongArg(c, argv[++j], 1, COUNT_NOT_POSITIVE);
      if (v === null) return null;
      count = v;
    } else {
      c.addError(SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), head, count: count === -1 ? 1 : count };
}

/**
 * Pops up to `count` elements from the first non-empty list among `keys` and replies
 * `[key, [elements]]` (listPopRangeAndReplyWithKey). Returns "served", "wrongtype" (error replied)
 * or "empty" (nothing replied).
 */
export function popFirstNonEmpty(
  c: Client,
  keys: readonly string[],
  head: boolean,
  count: number,
): "served" | "wrongtype" | "empty" {
  for (const key of keys) {
    const list = lookupListWrite(c, key);
    if (list === null) return "wrongtype";
    if (list === undefined || list.n === 0) continue;
    replyPopWithKey(c, key, list, head, count);
    return "served";
  }
  return "empty";
}

/** `[key, [elements]]` for up to `count` elements popped from one end of `list`. */
function replyPopWithKey(c: Client, key: string, list: ListValue, head: boolean, count: number): void {
  c.addArrayLen(2);
  c.addBulk(key);
  const popped = popRangeReply(c, list, head, count);
  listElementsRemoved(c, key, head, list, popped);
  // Replicated as [LR]POP key count, like Redis's rewriteClientCommandVector.
  c.argv = [head ? "LPOP" : "RPOP", key, String(popped)];
}

function lmpop(c: Client, argv: string[]): void {
  const args = parseMpopArgs(c, argv, 1);
  if (args === null) return;
  if (popFirstNonEmpty(c, args.keys, args.head, args.count) === "empty") c.addNullArray();
}

export const commands: CommandDef[] = [
  { name: "lmove", handler: lmove },
  { name: "rpoplpush", handler: rpoplpush },
  { name: "lmpop", handler: lmpop },
];
