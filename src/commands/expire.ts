/**
 * Key expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX | XX | GT | LT), TTL, PTTL,
 * EXPIRETIME, PEXPIRETIME, PERSIST.
 *
 * Times are absolute unix milliseconds in the Db's expires dict. Argument overflow is checked exactly
 * (64-bit, as Redis does) before anything is stored; a time at or before now deletes the key and emits
 * `del` instead of `expire`.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  EXPIRE_GT_LT_CONFLICT,
  EXPIRE_NX_CONFLICT,
  invalidExpire,
  NOT_INTEGER,
  unsupportedOption,
} from "../server/errors.ts";
import { LLONG_MAX, LLONG_MIN, parseInt64 } from "../util/numbers.ts";
import { lookupReadNoTouch } from "./key_access.ts";
import { expireDelCommand } from "./propagation.ts";

const NX = 1, XX = 2, GT = 4, LT = 8;

/** Largest |argument| for which unit conversion plus a basetime (~2^41 ms) stays exact in doubles. */
const SAFE_MS = 1e15;
const SAFE_SECONDS = 1e12;

/**
 * Parses the NX/XX/GT/LT flags from argv[3…] like parseExtendedExpireArgumentsOrReply. Returns the
 * flag bits, or -1 after replying an error.
 */
function parseExpireFlags(c: Client, argv: string[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === "nx") flags |= NX;
    else if (opt === "xx") flags |= XX;
    else if (opt === "gt") flags |= GT;
    else if (opt === "lt") flags |= LT;
    else {
      c.addError(unsupportedOption(argv[j]));
      return -1;
    }
  }
  if ((flags & NX) !== 0 && (flags & (XX | GT | LT)) !== 0) {
    c.addError(EXPIRE_NX_CONFLICT);
    return -1;
  }
  if ((flags & GT) !== 0 && (flags & LT) !== 0) {
    c.addError(EXPIRE_GT_LT_CONFLICT);
    return -1;
  }
  return flags;
}

/**
 * The absolute expire time in ms for argument `arg`, with Redis's overflow rules: seconds beyond
 * LLONG_MAX/1000 (either sign) and basetime additions beyond LLONG_MAX are errors. Returns null after
 * replying.
 */
function absoluteWhen(c: Client, arg: string, basetime: number, seconds: boolean, cmd: string): number | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.addError(NOT_INTEGER);
    return null;
  }
  const safe = seconds ? SAFE_SECONDS : SAFE_MS;
  if (typeof v === "number" && v < safe && v > -safe) {
    return (seconds ? v * 1000 : v) + basetime;
  }
  let when = BigInt(v);
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) {
      c.addError(invalidExpire(cmd));
      return null;
    }
    when *= 1000n;
  }
  const base = BigInt(basetime);
  if (when > LLONG_MAX - base) {
    c.addError(invalidExpire(cmd));
    return null;
  }
  return Number(when + base);
}

/** The shared body of EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT (expireGenericCommand). */
function expireGeneric(c: Client, argv: string[], relative: boolean, seconds: boolean, cmd: string): void {
  const flags = argv.length > 3 ? parseExpireFlags(c, argv) : 0;
  if (flags < 0) return;
  const server = c.server;
  const now = server.clock.now();
  const when = absoluteWhen(c, argv[2], relative ? now : 0, seconds, cmd);
  if (when === null) return;
  const db = c.db;
  const key = argv[1];
  if (db.lookup(key) === undefined) {
    c.addInt(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    if ((flags & NX) !== 0 && current !== undefined) return c.addInt(0);
    if ((flags & XX) !== 0 && current === undefined) return c.addInt(0);
    // A key without TTL counts as an infinite TTL: GT always fails, LT always succeeds.
    if ((flags & GT) !== 0 && (current === undefined || when <= current)) return c.addInt(0);
    if ((flags & LT) !== 0 && current !== undefined && when >= current) return c.addInt(0);
  }
  if (when <= now && !server.expiryReadOnly && !server.loading) {
    db.delete(key);
    server.dirty++;
    // Replicated as an explicit DEL (UNLINK with lazyfree-lazy-expire), as Redis does.
    c.argv = [expireDelCommand(c), key];
    server.notify("g", "del", key, db.id);
    c.addInt(1);
    return;
  }
  db.setExpire(key, when);
  server.keyModified(db, key);
  server.notify("g", "expire", key, db.id);
  server.dirty++;
  // Replicated as PEXPIREAT <absolute ms>, the NX/XX/GT/LT flags kept (Redis rewrites argv[0] and [2]).
  if (cmd !== "pexpireat") {
    const rewritten = c.argv.slice();
    rewritten[0] = "PEXPIREAT";
    rewritten[2] = String(when);
    c.argv = rewritten;
  }
  c.addInt(1);
}

function expire(c: Client, argv: string[]): void {
  expireGeneric(c, argv, true, true, "expire");
}

function pexpire(c: Client, argv: string[]): void {
  expireGeneric(c, argv, true, false, "pexpire");
}

function expireat(c: Client, argv: string[]): void {
  expireGeneric(c, argv, false, true, "expireat");
}

function pexpireat(c: Client, argv: string[]): void {
  expireGeneric(c, argv, false, false, "pexpireat");
}

/**
 * TTL, PTTL, EXPIRETIME, PEXPIRETIME (ttlGenericCommand): -2 for a missing key, -1 without a TTL;
 * seconds are rounded to the nearest ((ms + 500) / 1000).
 */
function ttlGeneric(c: Client, argv: string[], ms: boolean, absolute: boolean): void {
  const key = argv[1];
  if (lookupReadNoTouch(c, key) === undefined) {
    c.addInt(-2);
    return;
  }
  const when = c.db.getExpire(key);
  if (when === undefined) {
    c.addInt(-1);
    return;
  }
  let ttl = absolute ? when : when - c.server.clock.now();
  if (ttl < 0) ttl = 0;
  c.addInt(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function ttl(c: Client, argv: string[]): void {
  ttlGeneric(c, argv, false, false);
}

function pttl(c: Client, argv: string[]): void {
  ttlGeneric(c, argv, true, false);
}

function expiretime(c: Client, argv: string[]): void {
  ttlGeneric(c, argv, false, true);
}

function pexpiretime(c: Client, argv: string[]): void {
  ttlGeneric(c, argv, true, true);
}

function persist(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  if (db.lookup(key) === undefined || !db.persist(key)) {
    c.addInt(0);
    return;
  }
  c.server.keyModified(db, key);
  c.server.notify("g", "persist", key, db.id);
  c.server.dirty++;
  c.addInt(1);
}

export const commands: CommandDef[] = [
  { name: "expire", handler: expire },
  { name: "pexpire", handler: pexpire },
  { name: "expireat", handler: expireat },
  { name: "pexpireat", handler: pexpireat },
  { name: "ttl", handler: ttl },
  { name: "pttl", handler: pttl },
  { name: "expiretime", handler: expiretime },
  { name: "pexpiretime", handler: pexpiretime },
  { name: "persist", handler: persist },
];
