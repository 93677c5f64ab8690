/**
 * String commands, SET/GET family: GET, SET (EX PX EXAT PXAT NX XX KEEPTTL GET), SETNX, SETEX, PSETEX,
 * GETSET, GETDEL, GETEX, MGET, MSET, MSETNX — with Redis's option parsing, expire validation and
 * keyspace events (t_string.c). Also joins the other string modules into the family's `commands`:
 * counters (strings_counters.ts), ranges/APPEND (strings_range.ts) and LCS (lcs.ts).
 *
 * Replication uses absolute effects, as Redis 8.2: SET/SETEX/PSETEX with EX | PX | EXAT → SET key value
 * PXAT <ms> (PXAT as sent, GET dropped), GETSET → SET, GETDEL → DEL | UNLINK, GETEX → PEXPIREAT <ms>,
 * PERSIST, or DEL | UNLINK for a time already past.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { invalidExpire, NOT_INTEGER, SYNTAX, wrongArity, WRONGTYPE } from "../server/errors.ts";
import { LLONG_MAX, parseInt64 } from "../util/numbers.ts";
import { commands as counterCommands } from "./strings_counters.ts";
import { commands as rangeCommands } from "./strings_range.ts";
import { commands as lcsCommands } from "./lcs.ts";
import { expireDelCommand } from "./propagation.ts";

// ---- GET --------------------------------------------------------------------------------------

function get(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) c.addNull();
  else if (typeof v === "string") c.addBulk(v);
  else c.addError(WRONGTYPE);
}

/**
 * Redis's getGenericCommand: replies the string at `key` (or null) and returns true, or replies
 * WRONGTYPE and returns false.
 */
function replyCurrentValue(c: Client, key: string): boolean {
  const v = c.db.lookupRead(key);
  if (v === undefined) c.addNull();
  else if (typeof v === "string") c.addBulk(v);
  else {
    c.addError(WRONGTYPE);
    return false;
  }
  return true;
}

// ---- options and expire times ---------------------------------------------------------------------

const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

/** Parsed SET/GETEX options: flag bits and the expire argument (when EX/PX/EXAT/PXAT was given). */
interface ExtendedArgs {
  flags: number;
  expire: string | null;
}

/**
 * Redis's parseExtendedStringArgumentsOrReply: parses SET (from argv[3]) or GETEX (from argv[2])
 * options, case-insensitively, with Redis's exclusion rules (a repeated option is allowed). Replies
 * "syntax error" and returns null on any invalid combination.
 */
function parseExtendedArgs(c: Client, argv: string[], forSet: boolean): ExtendedArgs | null {
  let flags = 0;
  let expire: string | null = null;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j].length <= 7 ? argv[j].toLowerCase() : "";
    const hasNext = j < argv.length - 1;
    if (opt === "nx" && !(flags & XX) && forSet) flags |= NX;
    else if (opt === "xx" && !(flags & NX) && forSet) flags |= XX;
    else if (opt === "get" && forSet) flags |= GET;
    else if (opt === "keepttl" && !(flags & (PERSIST | ANY_EXPIRE)) && forSet) flags |= KEEPTTL;
    else if (opt === "persist" && !forSet && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (opt === "ex" && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = argv[++j];
    } else if (opt === "px" && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = argv[++j];
    } else if (opt === "exat" && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = argv[++j];
    } else if (opt === "pxat" && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = argv[++j];
    } else {
      c.addError(SYNTAX);
      return null;
    }
  }
  return { flags, expire };
}

const LLONG_MAX_DIV_1000 = LLONG_MAX / 1000n;

/**
 * Redis's getExpireMillisecondsOrReply: converts an expire argument to an absolute unix time in ms.
 * `unitMs` is 1000 for seconds (EX/EXAT) or 1 (PX/PXAT); `relative` adds the current time (EX/PX).
 * Non-integers reply "not an integer"; values <= 0, and any overflow of the signed 64-bit result,
 * reply "invalid expire time in '<cmd>' command". Returns null after replying an error.
 */
export function parseExpireTime(
  c: Client,
  arg: string,
  unitMs: 1 | 1000,
  relative: boolean,
  cmdName: string,
): number | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.addError(NOT_INTEGER);
    return null;
  }
  if (v <= 0) {
    c.addError(invalidExpire(cmdName));
    return null;
  }
  if (typeof v === "number") {
    // v <= 2^53 here, so v * 1000 never exceeds LLONG_MAX and the seconds limit cannot trip.
    const ms = v * unitMs + (relative ? c.server.clock.now() : 0);
    if (Number.isSafeInteger(ms)) return ms;
  }
  let ms = BigInt(v);
  if (unitMs === 1000) {
    if (ms > LLONG_MAX_DIV_1000) {
      c.addError(invalidExpire(cmdName));
      return null;
    }
    ms *= 1000n;
  }
  if (relative) ms += BigInt(c.server.clock.now());
  if (ms > LLONG_MAX) {
    // C's signed addition wraps negative here, which Redis reports as an invalid time.
    c.addError(invalidExpire(cmdName));
    return null;
  }
  return Number(ms);
}

/** The unit and kind of an expire flag: [unitMs, relative]. */
function expireKind(flags: number): [1 | 1000, boolean] {
  if (flags & EX) return [1000, true];
  if (flags & PX) return [1, true];
  if (flags & EXAT) return [1000, false];
  return [1, false];
}

// ---- SET family ---------------------------------------------------------------------------------

/**
 * Redis's setGenericCommand: the shared body of SET, SETNX, SETEX and PSETEX. `expireMs` is the
 * absolute expire time already validated (or null). Replies `okReply`/`abortReply` when given
 * (SETNX's :1/:0), else +OK / null; with GET the old value was already replied.
 */
function setGeneric(
  c: Client,
  flags: number,
  key: string,
  val: string,
  expireMs: number | null,
  okReply: number,
  abortReply: number,
): void {
  if (flags & GET && !replyCurrentValue(c, key)) return;
  const db = c.db;
  // Redis looks the key up for writing either way, which lazily expires a stale key (and notifies).
  const found = db.lookup(key) !== undefined;
  if ((flags & NX && found) || (flags & XX && !found)) {
    if (!(flags & GET)) {
      if (abortReply >= 0) c.addInt(abortReply);
      else c.addNull();
    }
    return;
  }
  db.set(key, val, (flags & KEEPTTL) !== 0 || expireMs !== null);
  const s = c.server;
  s.dirty++;
  s.notify("$", "set", key, db.id);
  if (expireMs !== null) {
    db.setExpire(key, expireMs);
    s.notify("g", "expire", key, db.id);
    // Replicated as SET key value PXAT <absolute ms> unless PXAT was given (other options dropped).
    if (!(flags & PXAT)) c.argv = ["SET", key, val, "PXAT", String(expireMs)];
  }
  if (!(flags & GET)) {
    if (okReply >= 0) c.addInt(okReply);
    else c.addOk();
  } else if (expireMs === null) {
    // Replicated without GET (which may be repeated); with an expire the argv was rebuilt above.
    c.argv = c.argv.filter((a, j) => j < 3 || a.length !== 3 || a.toLowerCase() !== "get");
  }
}

function set(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    // The benchmark's hot path: no option parsing; a TTL check only when the db has volatile keys.
    const db = c.db;
    const key = argv[1];
    if (db.expires.keys.length !== 0) db.expireIfNeeded(key);
    db.set(key, argv[2]);
    const s = c.server;
    s.dirty++;
    s.notify("$", "set", key, db.id);
    c.addOk();
    return;
  }
  const args = parseExtendedArgs(c, argv, true);
  if (args === null) return;
  let expireMs: number | null = null;
  if (args.expire !== null) {
    const [unit, relative] = expireKind(args.flags);
    expireMs = parseExpireTime(c, args.expire, unit, relative, "set");
    if (expireMs === null) return;
  }
  setGeneric(c, args.flags, argv[1], argv[2], expireMs, -1, -1);
}

function setnx(c: Client, argv: string[]): void {
  setGeneric(c, NX, argv[1], argv[2], null, 1, 0);
}

function setex(c: Client, argv: string[]): void {
  const expireMs = parseExpireTime(c, argv[2], 1000, true, "setex");
  if (expireMs !== null) setGeneric(c, 0, argv[1], argv[3], expireMs, -1, -1);
}

function psetex(c: Client, argv: string[]): void {
  const expireMs = parseExpireTime(c, argv[2], 1, true, "psetex");
  if (expireMs !== null) setGeneric(c, 0, argv[1], argv[3], expireMs, -1, -1);
}

function getset(c: Client, argv: string[]): void {
  const key = argv[1];
  if (!replyCurrentValue(c, key)) return;
  c.db.set(key, argv[2]);
  c.server.notify("$", "set", key, c.db.id);
  c.server.dirty++;
  c.argv = ["SET", key, argv[2]]; // replicated as SET
}

function getdel(c: Client, argv: string[]): void {
  const key = argv[1];
  if (!replyCurrentValue(c, key)) return;
  if (c.db.delete(key)) {
    c.argv = [c.server.config.bool("lazyfree-lazy-user-del") ? "UNLINK" : "DEL", key]; // replicated so
    c.server.notify("g", "del", key, c.db.id);
    c.server.dirty++;
  }
}

function getex(c: Client, argv: string[]): void {
  const args = parseExtendedArgs(c, argv, false);
  if (args === null) return;
  const key = argv[1];
  const db = c.db;
  const v = db.lookupRead(key);
  if (v === undefined) {
    c.addNull();
    return;
  }
  if (typeof v !== "string") {
    c.addError(WRONGTYPE);
    return;
  }
  let expireMs: number | null = null;
  if (args.expire !== null) {
    const [unit, relative] = expireKind(args.flags);
    expireMs = parseExpireTime(c, args.expire, unit, relative, "getex");
    if (expireMs === null) return;
  }
  c.addBulk(v);
  const s = c.server;
  if (
    args.flags & (EXAT | PXAT) && expireMs !== null && expireMs <= s.clock.now() && !s.expiryReadOnly && !s.loading
  ) {
    // An absolute time already in the past deletes the key right away.
    db.delete(key);
    c.argv = [expireDelCommand(c), key]; // replicated as the deletion
    s.notify("g", "del", key, db.id);
    s.dirty++;
  } else if (expireMs !== null) {
    db.setExpire(key, expireMs);
    c.argv = ["PEXPIREAT", key, String(expireMs)]; // replicated with the absolute time
    s.keyModified(db, key);
    s.notify("g", "expire", key, db.id);
    s.dirty++;
  } else if (args.flags & PERSIST) {
    if (db.persist(key)) {
      c.argv = ["PERSIST", key];
      s.keyModified(db, key);
      s.notify("g", "persist", key, db.id);
      s.dirty++;
    }
  }
}

// ---- multi-key ----------------------------------------------------------------------------------

function mget(c: Client, argv: string[]): void {
  const db = c.db;
  c.addArrayLen(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const v = db.lookupRead(argv[j]);
    if (typeof v === "string") c.addBulk(v);
    else c.addNull();
  }
}

/** MSET and MSETNX: all pairs are set, or (MSETNX) none when any key exists. */
function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) {
    c.addError(wrongArity(nx ? "msetnx" : "mset"));
    return;
  }
  const db = c.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.lookup(argv[j]) !== undefined) {
        c.addInt(0);
        return;
      }
    }
  }
  const s = c.server;
  const mayExpire = db.expires.keys.length !== 0;
  for (let j = 1; j < argv.length; j += 2) {
    if (mayExpire) db.expireIfNeeded(argv[j]);
    db.set(argv[j], argv[j + 1]);
    s.notify("$", "set", argv[j], db.id);
  }
  s.dirty += (argv.length - 1) / 2;
  if (nx) c.addInt(1);
  else c.addOk();
}

function mset(c: Client, argv: string[]): void {
  msetGeneric(c, argv, false);
}

function msetnx(c: Client, argv: string[]): void {
  msetGeneric(c, argv, true);
}

export const commands: CommandDef[] = [
  { name: "get", handler: get },
  { name: "set", handler: set },
  { name: "setnx", handler: setnx },
  { name: "setex", handler: setex },
  { name: "psetex", handler: psetex },
  { name: "getset", handler: getset },
  { name: "getdel", handler: getdel },
  { name: "getex", handler: getex },
  { name: "mget", handler: mget },
  { name: "mset", handler: mset },
  { name: "msetnx", handler: msetnx },
  ...counterCommands,
  ...rangeCommands,
  ...lcsCommands,
];
