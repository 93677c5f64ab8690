/**
 * Sorted-set commands, member family: ZADD (NX XX GT LT CH INCR), ZINCRBY, ZREM, ZCARD, ZSCORE,
 * ZMSCORE, ZRANK, ZREVRANK (WITHSCORE), ZSCAN — with Redis 8.2's option checks, encodings
 * (types/zset.ts), keyspace events and reply types (t_zset.c). Also joins the other sorted-set modules
 * into the family's `commands`: ranges (zset_range.ts), pops and random members (zset_pop.ts), the
 * algebra (zset_algebra.ts) and the blocking pops (zset_blocking.ts).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  INVALID_CURSOR,
  NOT_FLOAT,
  SCORE_NAN,
  SYNTAX,
  wrongArity,
  WRONGTYPE,
  ZADD_GT_LT_NX,
  ZADD_INCR_SINGLE,
  ZADD_XX_AND_NX,
} from "../server/errors.ts";
import {
  upsertResult,
  ZADD_ADDED,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NAN,
  ZADD_NOP,
  ZADD_NX,
  ZADD_UPDATED,
  ZADD_XX,
  ZSet,
} from "../types/zset.ts";
import { optionWord, zsetLimits } from "./set_args.ts";
import { parseStrtod, readZset, writeZset } from "./zset_args.ts";
import { parseScanCursor, parseScanOptions } from "./scan.ts";
import { compileGlob } from "../util/glob.ts";
import { formatDouble } from "../util/numbers.ts";
import { commands as rangeCommands } from "./zset_range.ts";
import { commands as popCommands } from "./zset_pop.ts";
import { commands as algebraCommands } from "./zset_algebra.ts";
import { commands as blockingCommands } from "./zset_blocking.ts";

/** Redis's zaddGenericCommand: ZADD, and ZINCRBY (`flags` = ZADD_INCR). */
function zaddGeneric(c: Client, argv: string[], flags: number): void {
  const key = argv[1];
  let idx = 2;
  let ch = false;
  for (; idx < argv.length; idx++) {
    const opt = argv[idx].length <= 4 ? argv[idx].toLowerCase() : "";
    if (opt === "nx") flags |= ZADD_NX;
    else if (opt === "xx") flags |= ZADD_XX;
    else if (opt === "ch") ch = true;
    else if (opt === "incr") flags |= ZADD_INCR;
    else if (opt === "gt") flags |= ZADD_GT;
    else if (opt === "lt") flags |= ZADD_LT;
    else break;
  }
  const pairsArgs = argv.length - idx;
  if (pairsArgs % 2 !== 0 || pairsArgs === 0) {
    c.addError(SYNTAX);
    return;
  }
  const n = pairsArgs / 2;
  const incr = (flags & ZADD_INCR) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  if (nx && flags & ZADD_XX) {
    c.addError(ZADD_XX_AND_NX);
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.addError(ZADD_GT_LT_NX);
    return;
  }
  if (incr && n > 1) {
    c.addError(ZADD_INCR_SINGLE);
    return;
  }
  const scores: number[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const v = parseStrtod(argv[idx + j * 2]);
    if (v === null) {
      c.addError(NOT_FLOAT);
      return;
    }
    scores[j] = v;
  }
  const db = c.db;
  const found = db.lookup(key);
  let z: ZSet;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  const lim = zsetLimits(c);
  if (found !== undefined && !(found instanceof ZSet)) {
    c.addError(WRONGTYPE);
    return;
  }
  if (found === undefined && flags & ZADD_XX) {
    // No key and XX: nothing to do.
  } else {
    if (found === undefined) {
      z = ZSet.create(n, argv[idx + 1].length, lim);
      db.set(key, z);
    } else {
      z = found;
      z.maybeConvert(n, lim);
    }
    for (let j = 0; j < n; j++) {
      const r = z.upsert(argv[idx + 1 + j * 2], scores[j], flags, lim);
      if (r & ZADD_NAN) {
        c.addError(SCORE_NAN);
        signalZadd(c, key, added + updated, incr);
        return;
      }
      if (r & ZADD_ADDED) added++;
      if (r & ZADD_UPDATED) updated++;
      if (!(r & ZADD_NOP)) {
        processed++;
        score = upsertResult.score;
      }
    }
    if (added > 2) z.compact();
    c.server.dirty += added + updated;
  }
  if (incr) {
    if (processed) c.addDouble(score);
    else c.addNull();
  } else c.addInt(ch ? added + updated : added);
  signalZadd(c, key, added + updated, incr);
}

/** Modified-key signal and "zadd"/"zincr" event after a ZADD that changed something. */
function signalZadd(c: Client, key: string, changes: number, incr: boolean): void {
  if (!changes) return;
  c.server.keyModified(c.db, key);
  c.server.notify("z", incr ? "zincr" : "zadd", key, c.db.id);
}

function zadd(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, 0);
}

function zincrby(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, ZADD_INCR);
}

function zrem(c: Client, argv: string[]): void {
  const key = argv[1];
  const z = writeZset(c, key);
  if (z === false) return;
  if (z === null) {
    c.addInt(0);
    return;
  }
  const db = c.db;
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j])) deleted++;
    if (z.size === 0) {
      db.delete(key);
      removed = true;
      break;
    }
  }
  if (deleted) {
    const s = c.server;
    s.notify("z", "zrem", key, db.id);
    if (removed) s.notify("g", "del", key, db.id);
    else s.keyModified(db, key);
    s.dirty += deleted;
  }
  c.addInt(deleted);
}

function zcard(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1]);
  if (z === false) return;
  c.addInt(z === null ? 0 : z.size);
}

function zscore(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1]);
  if (z === false) return;
  const s = z === null ? undefined : z.score(argv[2]);
  if (s === undefined) c.addNull();
  else c.addDouble(s);
}

function zmscore(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1]);
  if (z === false) return;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === null ? undefined : z.score(argv[j]);
    if (s === undefined) c.addNull();
    else c.addDouble(s);
  }
}

/** ZRANK / ZREVRANK key member [WITHSCORE]. */
function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  if (argv.length > 4) {
    c.addError(wrongArity(c.cmd?.fullName ?? argv[0].toLowerCase()));
    return;
  }
  let withScore = false;
  if (argv.length === 4) {
    if (optionWord(argv[3]) !== "withscore") {
      c.addError(SYNTAX);
      return;
    }
    withScore = true;
  }
  const z = readZset(c, argv[1]);
  if (z === false) return;
  const rank = z === null ? -1 : z.rank(argv[2]);
  if (rank < 0) {
    if (withScore) c.addNullArray();
    else c.addNull();
    return;
  }
  if (withScore) c.addArrayLen(2);
  c.addInt(reverse ? z!.size - 1 - rank : rank);
  if (withScore) c.addDouble(z!.score(argv[2])!);
}

function zrank(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, false);
}

function zrevrank(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, true);
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count]: members and their scores (as bulk strings). */
function zscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) {
    c.addError(INVALID_CURSOR);
    return;
  }
  const z = readZset(c, argv[1]);
  if (z === false) return;
  if (z === null) {
    c.addArrayLen(2);
    c.addBulk("0");
    c.addArrayLen(0);
    return;
  }
  const opts = parseScanOptions(c, argv, 3, "zset");
  if (opts === null) return;
  const match = opts.pattern === null ? null : compileGlob(opts.pattern);
  const found: string[] = [];
  const visit = (m: string, s: number) => {
    if (match === null || match(m)) found.push(m, formatDouble(s));
  };
  let next = 0;
  if (z.isListpack) z.forEach(visit);
  else next = z.dict!.scan(cursor, opts.count, visit);
  c.addArrayLen(2);
  c.addBulk(String(next));
  c.addBulkArray(found);
}

export const commands: CommandDef[] = [
  { name: "zadd", handler: zadd },
  { name: "zincrby", handler: zincrby },
  { name: "zrem", handler: zrem },
  { name: "zcard", handler: zcard },
  { name: "zscore", handler: zscore },
  { name: "zmscore", handler: zmscore },
  { name: "zrank", handler: zrank },
  { name: "zrevrank", handler: zrevrank },
  { name: "zscan", handler: zscan },
  ...rangeCommands,
  ...popCommands,
  ...algebraCommands,
  ...blockingCommands,
];
