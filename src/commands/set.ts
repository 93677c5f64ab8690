/**
 * Set commands, membership family: SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS, SCARD, SMOVE, SSCAN —
 * with Redis 8.2's encodings and conversions (types/set.ts), keyspace events and reply types (t_set.c).
 * Also joins the other set modules into the family's `commands`: random access (set_random.ts) and
 * the algebra (set_algebra.ts).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { INVALID_CURSOR, WRONGTYPE } from "../server/errors.ts";
import { RSet } from "../types/set.ts";
import { readSet, replyMembers, setLimits, writeSet } from "./set_args.ts";
import { parseScanCursor, parseScanOptions } from "./scan.ts";
import { compileGlob } from "../util/glob.ts";
import { commands as randomCommands } from "./set_random.ts";
import { commands as algebraCommands } from "./set_algebra.ts";

function sadd(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const v = db.lookup(key);
  const lim = setLimits(c);
  let set: RSet;
  let created = false;
  if (v === undefined) {
    set = RSet.create(argv[2], argv.length - 2, lim);
    db.set(key, set);
    created = true;
  } else if (v instanceof RSet) {
    set = v;
    set.maybeConvert(argv.length - 2, lim);
  } else {
    c.addError(WRONGTYPE);
    return;
  }
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (set.add(argv[j], lim)) added++;
  if (added > 2) set.compact();
  if (added) {
    if (!created) c.server.keyModified(db, key);
    c.server.notify("s", "sadd", key, db.id);
  }
  c.server.dirty += added;
  c.addInt(added);
}

function srem(c: Client, argv: string[]): void {
  const key = argv[1];
  const set = writeSet(c, key);
  if (set === false) return;
  if (set === null) {
    c.addInt(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  const db = c.db;
  for (let j = 2; j < argv.length; j++) {
    if (set.remove(argv[j])) {
      deleted++;
      if (set.size === 0) {
        db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted) {
    const s = c.server;
    if (!removed) s.keyModified(db, key);
    s.notify("s", "srem", key, db.id);
    if (removed) s.notify("g", "del", key, db.id);
    s.dirty += deleted;
  }
  c.addInt(deleted);
}

function sismember(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  if (set === false) return;
  c.addInt(set !== null && set.has(argv[2]) ? 1 : 0);
}

function smismember(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  if (set === false) return;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) c.addInt(set !== null && set.has(argv[j]) ? 1 : 0);
}

function smembers(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  if (set === false) return;
  if (set === null) {
    c.addSetLen(0);
    return;
  }
  c.addSetLen(set.size);
  replyMembers(c, set);
}

function scard(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  if (set === false) return;
  c.addInt(set === null ? 0 : set.size);
}

function smove(c: Client, argv: string[]): void {
  const [, srcKey, dstKey, member] = argv;
  const db = c.db;
  const src = db.lookup(srcKey);
  const dst = db.lookup(dstKey);
  if (src === undefined) {
    c.addInt(0);
    return;
  }
  if (!(src instanceof RSet) || (dst !== undefined && !(dst instanceof RSet))) {
    c.addError(WRONGTYPE);
    return;
  }
  if (src === dst) {
    c.addInt(src.has(member) ? 1 : 0);
    return;
  }
  if (!src.remove(member)) {
    c.addInt(0);
    return;
  }
  const s = c.server;
  s.notify("s", "srem", srcKey, db.id);
  if (src.size === 0) {
    db.delete(srcKey);
    s.notify("g", "del", srcKey, db.id);
  } else s.keyModified(db, srcKey);
  const lim = setLimits(c);
  let target = dst as RSet | undefined;
  let created = false;
  if (target === undefined) {
    target = RSet.create(member, 1, lim);
    db.set(dstKey, target);
    created = true;
  }
  s.dirty++;
  if (target.add(member, lim)) {
    s.dirty++;
    if (!created) s.keyModified(db, dstKey);
    s.notify("s", "sadd", dstKey, db.id);
  }
  c.addInt(1);
}

/** SSCAN key cursor [MATCH pattern] [COUNT count]. */
function sscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) {
    c.addError(INVALID_CURSOR);
    return;
  }
  const set = readSet(c, argv[1]);
  if (set === false) return;
  if (set === null) {
    c.addArrayLen(2);
    c.addBulk("0");
    c.addArrayLen(0);
    return;
  }
  const opts = parseScanOptions(c, argv, 3, "set");
  if (opts === null) return;
  const match = opts.pattern === null ? null : compileGlob(opts.pattern);
  const found: string[] = [];
  const next = set.scan(cursor, opts.count, (m) => {
    if (match === null || match(m)) found.push(m);
  });
  c.addArrayLen(2);
  c.addBulk(String(next));
  c.addBulkArray(found);
}

export const commands: CommandDef[] = [
  { name: "sadd", handler: sadd },
  { name: "srem", handler: srem },
  { name: "sismember", handler: sismember },
  { name: "smismember", handler: smismember },
  { name: "smembers", handler: smembers },
  { name: "scard", handler: scard },
  { name: "smove", handler: smove },
  { name: "sscan", handler: sscan },
  ...randomCommands,
  ...algebraCommands,
];
