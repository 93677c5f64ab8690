/**
 * Set commands, algebra: SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE,
 * following Redis 8.2's sinterGenericCommand / sunionDiffGenericCommand (t_set.c), including what
 * decides the encoding of a stored result:
 *
 * - SINTERSTORE starts from an intset when the smallest input is one, from a listpack otherwise, adds
 *   the members with the usual conversions, and ends as an intset when every member is an integer and
 *   they fit set-max-intset-entries.
 * - SUNIONSTORE / SDIFFSTORE start from an intset and add (and for the second DIFF algorithm remove)
 *   members with the usual conversions, never converting back.
 *
 * Without STORE, SUNION/SDIFF reply in sorted order when every input is an intset (as Redis does), in
 * an unspecified order otherwise; SINTER replies in the order of the smallest input.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { LIMIT_NEGATIVE, NUMKEYS_NOT_POSITIVE, NUMKEYS_TOO_MANY, SYNTAX, WRONGTYPE } from "../server/errors.ts";
import { HASHTABLE, INTSET, LISTPACK, RSet } from "../types/set.ts";
import { LONG_MAX, longInRange, optionWord, positiveLongArg, replyMembers, setLimits } from "./set_args.ts";

/**
 * Reads the sets at `keys` (null for missing ones); replies WRONGTYPE and returns null when one holds
 * another type.
 */
function readSets(c: Client, keys: readonly string[]): (RSet | null)[] | null {
  const sets: (RSet | null)[] = [];
  for (const key of keys) {
    const v = c.db.lookupRead(key);
    if (v === undefined) sets.push(null);
    else if (v instanceof RSet) sets.push(v);
    else {
      c.addError(WRONGTYPE);
      return null;
    }
  }
  return sets;
}

/** Stores `result` at `dst` (or deletes `dst` when it is empty), replies its size and notifies `event`. */
function storeResult(c: Client, dst: string, result: RSet, event: string): void {
  const db = c.db;
  const s = c.server;
  if (result.size > 0) {
    db.set(dst, result);
    c.addInt(result.size);
    s.notify("s", event, dst, db.id);
    s.dirty++;
  } else {
    c.addInt(0);
    if (db.delete(dst)) {
      s.notify("g", "del", dst, db.id);
      s.dirty++;
    }
  }
}

/** Stable sort of sets by ascending size (missing sets count as empty). */
function bySize(a: RSet | null, b: RSet | null): number {
  return (a === null ? 0 : a.size) - (b === null ? 0 : b.size);
}

/**
 * Redis's sinterGenericCommand: SINTER (dst null), SINTERSTORE (dst), SINTERCARD (cardOnly, with
 * `limit`, 0 meaning none).
 */
function sinterGeneric(c: Client, keys: string[], dst: string | null, cardOnly: boolean, limit: number): void {
  const found = readSets(c, keys);
  if (found === null) return;
  if (found.includes(null)) {
    if (dst !== null) {
      const db = c.db;
      if (db.delete(dst)) {
        c.server.notify("g", "del", dst, db.id);
        c.server.dirty++;
      }
      c.addInt(0);
    } else if (cardOnly) c.addInt(0);
    else c.addSetLen(0);
    return;
  }
  const sets = (found as RSet[]).sort(bySize);
  const first = sets[0];
  const n = first.size;
  const lim = setLimits(c);
  const out = dst !== null ? new RSet(first.enc === INTSET ? INTSET : LISTPACK) : null;
  const members: string[] = [];
  let card = 0;
  for (let i = 0; i < n; i++) {
    const m = first.memberAt(i);
    let j = 1;
    for (; j < sets.length; j++) {
      if (sets[j] === first) continue;
      if (!sets[j].has(m)) break;
    }
    if (j < sets.length) continue;
    if (cardOnly) {
      card++;
      if (limit && card >= limit) break;
    } else if (out !== null) out.add(m, lim);
    else members.push(m);
  }
  if (cardOnly) c.addInt(card);
  else if (out !== null) {
    if (out.size > 0 && out.allIntegers()) out.maybeConvertToIntset(lim);
    storeResult(c, dst!, out, "sinterstore");
  } else {
    c.addSetLen(members.length);
    for (let i = 0; i < members.length; i++) c.addBulk(members[i]);
  }
}

const UNION = 0;
const DIFF = 1;

/** Redis's sunionDiffGenericCommand: SUNION/SDIFF (dst null) and SUNIONSTORE/SDIFFSTORE. */
function sunionDiffGeneric(c: Client, keys: string[], dst: string | null, op: typeof UNION | typeof DIFF): void {
  const sets = readSets(c, keys);
  if (sets === null) return;
  let allIntsets = true;
  let sameSet = false;
  for (let j = 0; j < sets.length; j++) {
    const s = sets[j];
    if (s === null) continue;
    if (s.enc !== INTSET) allIntsets = false;
    if (j > 0 && s === sets[0]) sameSet = true;
  }
  const lim = setLimits(c);
  const out = new RSet(dst !== null || allIntsets ? INTSET : HASHTABLE);
  const first = sets[0];
  if (op === UNION) {
    for (const s of sets) {
      if (s === null) continue;
      const n = s.size;
      for (let i = 0; i < n; i++) out.add(s.memberAt(i), lim);
    }
  } else if (first !== null && !sameSet) {
    let one = 0;
    let two = 0;
    for (const s of sets) {
      if (s === null) continue;
      one += first.size;
      two += s.size;
    }
    if (Math.floor(one / 2) <= two) {
      // Algorithm 1: each member of the first set not found in any other (largest sets first).
      const rest = sets.slice(1).sort((a, b) => bySize(b, a));
      const n = first.size;
      for (let i = 0; i < n; i++) {
        const m = first.memberAt(i);
        let inOther = false;
        for (const s of rest) {
          if (s !== null && s.has(m)) {
            inOther = true;
            break;
          }
        }
        if (!inOther) out.add(m, lim);
      }
    } else {
      // Algorithm 2: add the first set, remove every other one.
      for (let j = 0; j < sets.length; j++) {
        const s = sets[j];
        if (s === null) continue;
        const n = s.size;
        for (let i = 0; i < n; i++) {
          if (j === 0) out.add(s.memberAt(i), lim);
          else out.remove(s.memberAt(i));
        }
        if (out.size === 0) break;
      }
    }
  }
  if (dst === null) {
    c.addSetLen(out.size);
    replyMembers(c, out);
  } else storeResult(c, dst, out, op === UNION ? "sunionstore" : "sdiffstore");
}

function sinter(c: Client, argv: string[]): void {
  sinterGeneric(c, argv.slice(1), null, false, 0);
}

function sinterstore(c: Client, argv: string[]): void {
  sinterGeneric(c, argv.slice(2), argv[1], false, 0);
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
function sintercard(c: Client, argv: string[]): void {
  const numkeys = longInRange(c, argv[1], 1n, LONG_MAX, NUMKEYS_NOT_POSITIVE);
  if (numkeys === null) return;
  if (numkeys > argv.length - 2) {
    c.addError(NUMKEYS_TOO_MANY);
    return;
  }
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (optionWord(argv[j]) === "limit" && j < argv.length - 1) {
      const v = positiveLongArg(c, argv[++j], LIMIT_NEGATIVE);
      if (v === null) return;
      limit = v;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  sinterGeneric(c, argv.slice(2, 2 + numkeys), null, true, limit);
}

function sunion(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv.slice(1), null, UNION);
}

function sunionstore(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv.slice(2), argv[1], UNION);
}

function sdiff(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv.slice(1), null, DIFF);
}

function sdiffstore(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv.slice(2), argv[1], DIFF);
}

export const commands: CommandDef[] = [
  { name: "sinter", handler: sinter },
  { name: "sintercard", handler: sintercard },
  { name: "sinterstore", handler: sinterstore },
  { name: "sunion", handler: sunion },
  { name: "sunionstore", handler: sunionstore },
  { name: "sdiff", handler: sdiff },
  { name: "sdiffstore", handler: sdiffstore },
];
