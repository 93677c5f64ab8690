/**
 * Sorted-set commands, ranges: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE, ZREVRANGE,
 * ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZCOUNT, ZLEXCOUNT, ZREMRANGEBYRANK,
 * ZREMRANGEBYSCORE, ZREMRANGEBYLEX — one parser and one walker, as Redis's zrangeGenericCommand, with
 * its argument order, error texts and LIMIT quirks (a negative count means no limit; "LIMIT 0 -1" is
 * accepted with a rank range). Where a walk starts is decided in types/zset_range.ts.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  MIN_MAX_NOT_FLOAT,
  MIN_MAX_NOT_LEX,
  SYNTAX,
  ZRANGE_LIMIT_NEEDS_BY,
  ZRANGE_WITHSCORES_BYLEX,
} from "../server/errors.ts";
import { ZSet } from "../types/zset.ts";
import { deleteRange, lexTest, rangeBounds, type RangeTest, rangeWalkStart, scoreTest } from "../types/zset_range.ts";
import { longArg, optionWord, zsetLimits } from "./set_args.ts";
import { parseLexRange, parseScoreRange, readZset, replyEntries, writeZset } from "./zset_args.ts";

const AUTO = 0;
const RANK = 1;
const SCORE = 2;
const LEX = 3;
type RangeType = typeof AUTO | typeof RANK | typeof SCORE | typeof LEX;

const FORWARD = 1;
const REVERSE = 2;
type Direction = typeof AUTO | typeof FORWARD | typeof REVERSE;

/** Entries collected by a range walk, in reply order. */
interface Collected {
  members: string[];
  scores: number[];
}

/** Entries of ranks start..stop (Redis-style indexes) of `z`, ascending or descending. */
function collectByRank(z: ZSet, start: number, stop: number, reverse: boolean, out: Collected): void {
  const len = z.size;
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return;
  if (stop >= len) stop = len - 1;
  const cur = z.cursor(reverse ? len - 1 - start : start);
  for (let n = stop - start + 1; n > 0 && cur.valid; n--) {
    out.members.push(cur.member);
    out.scores.push(cur.score);
    if (reverse) cur.prev();
    else cur.next();
  }
}

/** Walks from rank `start` while entries stay in range, at most `limit` of them (negative: no limit). */
function collectWalk(z: ZSet, t: RangeTest, start: number, reverse: boolean, limit: number, out: Collected): void {
  if (start < 0) return;
  const cur = z.cursor(start);
  while (cur.valid && limit-- !== 0) {
    const s = cur.score;
    const m = cur.member;
    if (reverse ? !t.gteMin(s, m) : !t.lteMax(s, m)) break;
    out.members.push(m);
    out.scores.push(s);
    if (reverse) cur.prev();
    else cur.next();
  }
}

/** ZRANGESTORE's result: stores the entries at `dst` (deleting it when there are none) and replies. */
function storeRange(c: Client, dst: string, got: Collected, reverse: boolean): void {
  const db = c.db;
  const s = c.server;
  const n = got.members.length;
  if (n === 0) {
    c.addInt(0);
    if (db.delete(dst)) {
      s.notify("g", "del", dst, db.id);
      s.dirty++;
    }
    return;
  }
  if (reverse) {
    got.members.reverse();
    got.scores.reverse();
  }
  db.set(dst, ZSet.fromSorted(got.members, got.scores, zsetLimits(c)));
  c.addInt(n);
  s.notify("z", "zrangestore", dst, db.id);
  s.dirty++;
}

/**
 * Redis's zrangeGenericCommand: `argStart` is the index of the source key (2 for ZRANGESTORE, whose
 * destination is argv[1]); `type0`/`dir0` are what the command fixes (AUTO lets options choose).
 */
function zrangeGeneric(c: Client, argv: string[], argStart: number, type0: RangeType, dir0: Direction): void {
  const store = argStart === 2;
  let type = type0;
  let dir = dir0;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = optionWord(argv[j]);
    if (!store && opt === "withscores") withScores = true;
    else if (opt === "limit" && left >= 2) {
      const o = longArg(c, argv[j + 1]);
      if (o === null) return;
      const l = longArg(c, argv[j + 2]);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (dir === AUTO && opt === "rev") dir = REVERSE;
    else if (type === AUTO && opt === "bylex") type = LEX;
    else if (type === AUTO && opt === "byscore") type = SCORE;
    else {
      c.addError(SYNTAX);
      return;
    }
  }
  if (dir === AUTO) dir = FORWARD;
  if (type === AUTO) type = RANK;
  if (limit !== -1 && type === RANK) {
    c.addError(ZRANGE_LIMIT_NEEDS_BY);
    return;
  }
  if (withScores && type === LEX) {
    c.addError(ZRANGE_WITHSCORES_BYLEX);
    return;
  }
  const reverse = dir === REVERSE;
  let minArg = argv[argStart + 1];
  let maxArg = argv[argStart + 2];
  if (reverse && type !== RANK) [minArg, maxArg] = [maxArg, minArg];
  let start = 0;
  let stop = 0;
  let test: RangeTest | null = null;
  if (type === RANK) {
    const a = longArg(c, minArg);
    if (a === null) return;
    const b = longArg(c, maxArg);
    if (b === null) return;
    start = a;
    stop = b;
  } else if (type === SCORE) {
    const r = parseScoreRange(minArg, maxArg);
    if (r === null) {
      c.addError(MIN_MAX_NOT_FLOAT);
      return;
    }
    test = scoreTest(r);
  } else {
    const r = parseLexRange(minArg, maxArg);
    if (r === null) {
      c.addError(MIN_MAX_NOT_LEX);
      return;
    }
    test = lexTest(r);
  }
  const got: Collected = { members: [], scores: [] };
  const z = readZset(c, argv[argStart]);
  if (z === false) return;
  if (z !== null) {
    if (type === RANK) collectByRank(z, start, stop, reverse, got);
    else if (!(type === SCORE && offset > 0 && offset >= z.size)) {
      collectWalk(z, test!, rangeWalkStart(z, test!, reverse, offset), reverse, limit, got);
    }
  }
  if (store) storeRange(c, argv[1], got, reverse);
  else replyEntries(c, got.members, got.scores, withScores || store);
}

function zrange(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, AUTO, AUTO);
}

function zrangestore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 2, AUTO, AUTO);
}

function zrevrange(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, RANK, REVERSE);
}

function zrangebyscore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, SCORE, FORWARD);
}

function zrevrangebyscore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, SCORE, REVERSE);
}

function zrangebylex(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, LEX, FORWARD);
}

function zrevrangebylex(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, LEX, REVERSE);
}

/** ZCOUNT / ZLEXCOUNT: the number of entries between the range's first and last in-range entries. */
function countGeneric(c: Client, argv: string[], lex: boolean): void {
  let test: RangeTest;
  if (lex) {
    const r = parseLexRange(argv[2], argv[3]);
    if (r === null) {
      c.addError(MIN_MAX_NOT_LEX);
      return;
    }
    test = lexTest(r);
  } else {
    const r = parseScoreRange(argv[2], argv[3]);
    if (r === null) {
      c.addError(MIN_MAX_NOT_FLOAT);
      return;
    }
    test = scoreTest(r);
  }
  const z = readZset(c, argv[1]);
  if (z === false) return;
  const b = z === null ? null : rangeBounds(z, test);
  c.addInt(b === null ? 0 : b[1] - b[0] + 1);
}

function zcount(c: Client, argv: string[]): void {
  countGeneric(c, argv, false);
}

function zlexcount(c: Client, argv: string[]): void {
  countGeneric(c, argv, true);
}

/** Redis's zremrangeGenericCommand for ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX. */
function zremrangeGeneric(c: Client, argv: string[], type: RangeType): void {
  const key = argv[1];
  let start = 0;
  let stop = 0;
  let test: RangeTest | null = null;
  let event: string;
  if (type === RANK) {
    event = "zremrangebyrank";
    const a = longArg(c, argv[2]);
    if (a === null) return;
    const b = longArg(c, argv[3]);
    if (b === null) return;
    start = a;
    stop = b;
  } else if (type === SCORE) {
    event = "zremrangebyscore";
    const r = parseScoreRange(argv[2], argv[3]);
    if (r === null) {
      c.addError(MIN_MAX_NOT_FLOAT);
      return;
    }
    test = scoreTest(r);
  } else {
    event = "zremrangebylex";
    const r = parseLexRange(argv[2], argv[3]);
    if (r === null) {
      c.addError(MIN_MAX_NOT_LEX);
      return;
    }
    test = lexTest(r);
  }
  const z = writeZset(c, key);
  if (z === false) return;
  if (z === null) {
    c.addInt(0);
    return;
  }
  let from: number;
  let to: number;
  if (type === RANK) {
    const len = z.size;
    if (start < 0) start += len;
    if (stop < 0) stop += len;
    if (start < 0) start = 0;
    if (start > stop || start >= len) {
      c.addInt(0);
      return;
    }
    if (stop >= len) stop = len - 1;
    from = start;
    to = stop + 1;
  } else [from, to] = deleteRange(z, test!);
  const deleted = z.deleteRankRange(from, to);
  if (deleted) {
    const db = c.db;
    const s = c.server;
    const removed = z.size === 0;
    if (removed) db.delete(key);
    else s.keyModified(db, key);
    s.notify("z", event, key, db.id);
    if (removed) s.notify("g", "del", key, db.id);
    s.dirty += deleted;
  }
  c.addInt(deleted);
}

function zremrangebyrank(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, RANK);
}

function zremrangebyscore(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, SCORE);
}

function zremrangebylex(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, LEX);
}

export const commands: CommandDef[] = [
  { name: "zrange", handler: zrange },
  { name: "zrangestore", handler: zrangestore },
  { name: "zrevrange", handler: zrevrange },
  { name: "zrangebyscore", handler: zrangebyscore },
  { name: "zrevrangebyscore", handler: zrevrangebyscore },
  { name: "zrangebylex", handler: zrangebylex },
  { name: "zrevrangebylex", handler: zrevrangebylex },
  { name: "zcount", handler: zcount },
  { name: "zlexcount", handler: zlexcount },
  { name: "zremrangebyrank", handler: zremrangebyrank },
  { name: "zremrangebyscore", handler: zremrangebyscore },
  { name: "zremrangebylex", handler: zremrangebylex },
];
