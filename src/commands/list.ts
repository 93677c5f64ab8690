/**
 * List commands, the basic family (t_list.c): LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LSET
 * LRANGE LTRIM LREM LINSERT LPOS — argument order and errors, reply shapes (RESP2/RESP3 nulls),
 * encoding conversions and keyspace events as in Redis. Also joins the other list modules into the
 * family's `commands`: moves and multi-pops (list_move.ts) and the blocking variants (list_block.ts).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { entryEquals } from "../types/list_pack.ts";
import {
  COUNT_NEGATIVE,
  INDEX_OUT_OF_RANGE,
  MAXLEN_NEGATIVE,
  NO_SUCH_KEY,
  RANK_ZERO,
  SYNTAX,
  wrongArity,
} from "../server/errors.ts";
import {
  addListRange,
  createList,
  listElementsRemoved,
  listFill,
  longArg,
  lookupListRead,
  lookupListWrite,
  minLongArg,
  popRangeReply,
  symmetricLongArg,
} from "./list_util.ts";
import { commands as moveCommands } from "./list_move.ts";
import { commands as blockCommands } from "./list_block.ts";

// ---- pushes -----------------------------------------------------------------------------------------

/** pushGenericCommand: LPUSH/RPUSH (`xx` false) and LPUSHX/RPUSHX (`xx` true). */
function pushGeneric(c: Client, argv: string[], head: boolean, xx: boolean): void {
  const key = argv[1];
  let list = lookupListWrite(c, key);
  if (list === null) return;
  const existed = list !== undefined;
  if (list === undefined) {
    if (xx) {
      c.addInt(0);
      return;
    }
    list = createList(c, key);
  }
  if (list.ql === null) {
    let addBytes = 0;
    for (let j = 2; j < argv.length; j++) addBytes += argv[j].length;
    list.growFor(listFill(c), addBytes, argv.length - 2);
  }
  if (head) { for (let j = 2; j < argv.length; j++) list.pushHead(argv[j]); }
  else for (let j = 2; j < argv.length; j++) list.pushTail(argv[j]);
  c.addInt(list.n);
  const s = c.server;
  s.dirty += argv.length - 2;
  if (existed) s.keyModified(c.db, key);
  s.notify("l", head ? "lpush" : "rpush", key, c.db.id);
}

function lpush(c: Client, argv: string[]): void {
  pushGeneric(c, argv, true, false);
}

function rpush(c: Client, argv: string[]): void {
  pushGeneric(c, argv, false, false);
}

function lpushx(c: Client, argv: string[]): void {
  pushGeneric(c, argv, true, true);
}

function rpushx(c: Client, argv: string[]): void {
  pushGeneric(c, argv, false, true);
}

// ---- pops -------------------------------------------------------------------------------------------

/** popGenericCommand: LPOP/RPOP key [count]. */
function popGeneric(c: Client, argv: string[], head: boolean): void {
  if (argv.length > 3) {
    c.addError(wrongArity(head ? "lpop" : "rpop"));
    return;
  }
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const v = minLongArg(c, argv[2], 0);
    if (v === null) return;
    count = v;
  }
  const key = argv[1];
  const list = lookupListWrite(c, key);
  if (list === null) return;
  if (list === undefined) {
    if (hasCount) c.addNullArray();
    else c.addNull();
    return;
  }
  if (hasCount && count === 0) {
    c.addArrayLen(0);
    return;
  }
  if (!hasCount) {
    c.addBulk(head ? list.popHead()! : list.popTail()!);
    listElementsRemoved(c, key, head, list, 1);
    return;
  }
  const popped = popRangeReply(c, list, head, count);
  listElementsRemoved(c, key, head, list, popped);
}

function lpop(c: Client, argv: string[]): void {
  popGeneric(c, argv, true);
}

function rpop(c: Client, argv: string[]): void {
  popGeneric(c, argv, false);
}

// ---- reads ------------------------------------------------------------------------------------------

function llen(c: Client, argv: string[]): void {
  const list = lookupListRead(c, argv[1]);
  if (list === null) return;
  c.addInt(list === undefined ? 0 : list.n);
}

function lindex(c: Client, argv: string[]): void {
  const list = lookupListRead(c, argv[1]);
  if (list === null) return;
  if (list === undefined) {
    c.addNull();
    return;
  }
  const index = longArg(c, argv[2]);
  if (index === null) return;
  c.addBulkOrNull(list.get(index));
}

function lrange(c: Client, argv: string[]): void {
  const start = longArg(c, argv[2]);
  if (start === null) return;
  const end = longArg(c, argv[3]);
  if (end === null) return;
  const list = lookupListRead(c, argv[1]);
  if (list === null) return;
  if (list === undefined) {
    c.addArrayLen(0);
    return;
  }
  addListRange(c, list, start, end, false);
}

// ---- in-place edits ---------------------------------------------------------------------------------

function lset(c: Client, argv: string[]): void {
  const key = argv[1];
  const list = lookupListWrite(c, key);
  if (list === null) return;
  if (list === undefined) {
    c.addError(NO_SUCH_KEY);
    return;
  }
  const index = longArg(c, argv[2]);
  if (index === null) return;
  const value = argv[3];
  const fill = listFill(c);
  // Redis checks the growth as for one added element before replacing (a listpack may convert).
  list.growFor(fill, value.length, 1);
  if (!list.set(index, value)) {
    c.addError(INDEX_OUT_OF_RANGE);
    return;
  }
  list.shrinkCheck(fill);
  c.addOk();
  const s = c.server;
  s.keyModified(c.db, key);
  s.notify("l", "lset", key, c.db.id);
  s.dirty++;
}

function ltrim(c: Client, argv: string[]): void {
  let start = longArg(c, argv[2]);
  if (start === null) return;
  let end = longArg(c, argv[3]);
  if (end === null) return;
  const key = argv[1];
  const list = lookupListWrite(c, key);
  if (list === null) return;
  if (list === undefined) {
    c.addOk();
    return;
  }
  const len = list.n;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  let ltrim: number, rtrim: number;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  list.deleteRange(0, ltrim);
  list.deleteRange(list.n - rtrim, rtrim);
  const s = c.server;
  const db = c.db;
  s.notify("l", "ltrim", key, db.id);
  if (list.n === 0) {
    db.delete(key);
    s.notify("g", "del", key, db.id);
  } else {
    list.shrinkCheck(listFill(c));
    s.keyModified(db, key);
  }
  s.dirty += ltrim + rtrim;
  c.addOk();
}

function lrem(c: Client, argv: string[]): void {
  const toRemove = symmetricLongArg(c, argv[2]);
  if (toRemove === null) return;
  const key = argv[1];
  const list = lookupListWrite(c, key);
  if (list === null) return;
  if (list === undefined) {
    c.addInt(0);
    return;
  }
  const removed = list.removeMatches(argv[3], Math.abs(toRemove), toRemove < 0);
  if (removed > 0) {
    const s = c.server;
    const db = c.db;
    s.dirty += removed;
    s.notify("l", "lrem", key, db.id);
    if (list.n === 0) {
      db.delete(key);
      s.notify("g", "del", key, db.id);
    } else {
      list.shrinkCheck(listFill(c));
      s.keyModified(db, key);
    }
  }
  c.addInt(removed);
}

function linsert(c: Client, argv: string[]): void {
  const where = argv[2].toLowerCase();
  let after: boolean;
  if (where === "after") after = true;
  else if (where === "before") after = false;
  else {
    c.addError(SYNTAX);
    return;
  }
  const key = argv[1];
  const list = lookupListWrite(c, key);
  if (list === null) return;
  if (list === undefined) {
    c.addInt(0);
    return;
  }
  const value = argv[4];
  // Like Redis, assume the insertion happens and convert first (even if the pivot is missing).
  list.growFor(listFill(c), value.length, 1);
  const pivot = list.indexOf(argv[3]);
  if (pivot < 0) {
    c.addInt(-1);
    return;
  }
  list.insertAt(pivot, value, after);
  const s = c.server;
  s.keyModified(c.db, key);
  s.notify("l", "linsert", key, c.db.id);
  s.dirty++;
  c.addInt(list.n);
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function lpos(c: Client, argv: string[]): void {
  const ele = argv[2];
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === "rank" && more) {
      const v = symmetricLongArg(c, argv[++j]);
      if (v === null) return;
      if (v === 0) {
        c.addError(RANK_ZERO);
        return;
      }
      rank = v;
    } else if (opt === "count" && more) {
      const v = minLongArg(c, argv[++j], 0, COUNT_NEGATIVE);
      if (v === null) return;
      count = v;
    } else if (opt === "maxlen" && more) {
      const v = minLongArg(c, argv[++j], 0, MAXLEN_NEGATIVE);
      if (v === null) return;
      maxlen = v;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const list = lookupListRead(c, argv[1]);
  if (list === null) return;
  if (list === undefined) {
    if (count !== -1) c.addArrayLen(0);
    else c.addNull();
    return;
  }
  const len = list.n;
  const found: number[] = [];
  let index = 0;
  let matches = 0;
  list.scan(fromTail, (d, start, l) => {
    if (maxlen !== 0 && index >= maxlen) return false;
    if (entryEquals(d, start, l, ele)) {
      matches++;
      if (matches >= rank) {
        found.push(fromTail ? len - index - 1 : index);
        if (count === -1) return false;
        if (count !== 0 && matches - rank + 1 >= count) return false;
      }
    }
    index++;
    return true;
  });
  if (count !== -1) {
    c.addArrayLen(found.length);
    for (const i of found) c.addInt(i);
  } else if (found.length > 0) c.addInt(found[0]);
  else c.addNull();
}

export const commands: CommandDef[] = [
  { name: "lpush", handler: lpush },
  { name: "rpush", handler: rpush },
  { name: "lpushx", handler: lpushx },
  { name: "rpushx", handler: rpushx },
  { name: "lpop", handler: lpop },
  { name: "rpop", handler: rpop },
  { name: "llen", handler: llen },
  { name: "lindex", handler: lindex },
  { name: "lrange", handler: lrange },
  { name: "lset", handler: lset },
  { name: "ltrim", handler: ltrim },
  { name: "lrem", handler: lrem },
  { name: "linsert", handler: linsert },
  { name: "lpos", handler: lpos },
  ...moveCommands,
  ...blockCommands,
];
