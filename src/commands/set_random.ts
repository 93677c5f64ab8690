/**
 * Set commands, random access: SPOP and SRANDMEMBER, with and without count, following Redis 8.2's
 * strategies case by case (t_set.c) — they decide what happens to the encoding of what remains:
 *
 * SPOP key count: count ≥ size returns everything and deletes the key; when the remainder is large
 * (remaining × 5 > count) random members are removed in place (a listpack in one ordered pass);
 * otherwise the members to keep are drawn into a fresh set (listpack, or intset for an intset) that
 * replaces the old one, and what is left of the old one is the reply.
 *
 * SRANDMEMBER key count: negative count samples with repetition; count ≥ size returns the whole set;
 * a listpack samples distinct members in one ordered pass; otherwise distinct members come from
 * removing random members from a copy (count × 3 > size) or from sampling until enough are distinct.
 * Sampling is O(1) per draw in every encoding.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { SYNTAX } from "../server/errors.ts";
import { HASHTABLE, INTSET, LISTPACK, RSet } from "../types/set.ts";
import { LONG_MAX, longInRange, positiveLongArg, readSet, replyMembers, setLimits, writeSet } from "./set_args.ts";
import { propagateInstead, serverDelCommand } from "./propagation.ts";

/** `k` distinct positions out of 0…n−1, uniformly chosen, ascending (selection sampling, one pass). */
export function sampleSortedPositions(n: number, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n && out.length < k; i++) {
    if (Math.random() * (n - i) < k - out.length) out.push(i);
  }
  return out;
}

function spop(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    spopWithCount(c, argv);
    return;
  }
  if (argv.length > 3) {
    c.addError(SYNTAX);
    return;
  }
  const key = argv[1];
  const set = writeSet(c, key);
  if (set === false) return;
  if (set === null) {
    c.addNull();
    return;
  }
  const m = set.popRandom();
  const s = c.server;
  const db = c.db;
  s.notify("s", "spop", key, db.id);
  c.addBulk(m);
  c.argv = ["SREM", key, m]; // replicated as SREM, as Redis does
  if (set.size === 0) {
    db.delete(key);
    s.notify("g", "del", key, db.id);
  } else s.keyModified(db, key);
  s.dirty++;
}

/** Members per SREM when SPOP with a count is replicated. */
const SPOP_PROPAGATE_BATCH = 1024;

function spopWithCount(c: Client, argv: string[]): void {
  const count = positiveLongArg(c, argv[2]);
  if (count === null) return;
  const key = argv[1];
  const set = writeSet(c, key);
  if (set === false) return;
  if (set === null || count === 0) {
    c.addSetLen(0);
    return;
  }
  const size = set.size;
  const s = c.server;
  const db = c.db;
  s.notify("s", "spop", key, db.id);
  s.dirty += Math.min(count, size);
  if (count >= size) {
    c.addSetLen(size);
    replyMembers(c, set);
    db.delete(key);
    s.notify("g", "del", key, db.id);
    c.argv = [serverDelCommand(c), key]; // replicated as the deletion
    return;
  }
  const remaining = size - count;
  const popped: string[] = [];
  if (remaining * 5 > count) {
    if (set.enc === LISTPACK) {
      const picked = sampleSortedPositions(size, count);
      for (let i = 0; i < picked.length; i++) popped.push(set.memberAt(picked[i]));
      set.removeSortedPositions(picked);
    } else {
      for (let i = 0; i < count; i++) popped.push(set.popRandom());
    }
  } else {
    // Keep `remaining` random members in a new set; the rest of the old one is the reply.
    const lim = setLimits(c);
    let kept: RSet;
    if (set.enc === LISTPACK) {
      kept = new RSet(LISTPACK);
      const picked = sampleSortedPositions(size, remaining);
      for (let i = 0; i < picked.length; i++) kept.add(set.memberAt(picked[i]), lim);
      set.removeSortedPositions(picked);
    } else {
      kept = new RSet(set.enc === HASHTABLE ? LISTPACK : INTSET);
      for (let i = 0; i < remaining; i++) kept.add(set.popRandom(), lim);
    }
    for (let i = 0; i < set.size; i++) popped.push(set.memberAt(i));
    db.replaceValue(key, kept);
  }
  c.addSetLen(popped.length);
  for (let i = 0; i < popped.length; i++) c.addBulk(popped[i]);
  // Replicated as SREMs of what was popped, 1024 members per SREM, as Redis does.
  const ops: string[][] = [];
  for (let i = 0; i < popped.length; i += SPOP_PROPAGATE_BATCH) {
    ops.push(["SREM", key, ...popped.slice(i, i + SPOP_PROPAGATE_BATCH)]);
  }
  propagateInstead(c, ops);
  s.keyModified(db, key);
}

function srandmember(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    srandmemberWithCount(c, argv);
    return;
  }
  if (argv.length > 3) {
    c.addError(SYNTAX);
    return;
  }
  const set = readSet(c, argv[1]);
  if (set === false) return;
  if (set === null) c.addNull();
  else c.addBulk(set.random());
}

function srandmemberWithCount(c: Client, argv: string[]): void {
  const l = longInRange(c, argv[2], -LONG_MAX, LONG_MAX);
  if (l === null) return;
  const set = readSet(c, argv[1]);
  if (set === false) return;
  const uniq = l >= 0;
  let count = Math.abs(l);
  if (set === null || count === 0) {
    c.addArrayLen(0);
    return;
  }
  const size = set.size;
  if (!uniq || count === 1) {
    c.addArrayLen(count);
    while (count-- > 0 && !c.closed) c.addBulk(set.random());
    return;
  }
  if (count >= size) {
    c.addArrayLen(size);
    replyMembers(c, set);
    return;
  }
  c.addArrayLen(count);
  if (set.enc === LISTPACK) {
    const picked = sampleSortedPositions(size, count);
    for (let i = 0; i < picked.length; i++) c.addBulk(set.memberAt(picked[i]));
    return;
  }
  if (count * 3 > size) {
    const all = set.members();
    let n = all.length;
    while (n > count) {
      const i = Math.floor(Math.random() * n);
      all[i] = all[--n];
    }
    for (let i = 0; i < count; i++) c.addBulk(all[i]);
    return;
  }
  const seen = new Set<string>();
  while (seen.size < count) {
    const m = set.random();
    if (seen.has(m)) continue;
    seen.add(m);
    c.addBulk(m);
  }
}

export const commands: CommandDef[] = [
  { name: "spop", handler: spop },
  { name: "srandmember", handler: srandmember },
];
