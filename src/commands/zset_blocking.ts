/**
 * Blocking sorted-set pops (t_zset.c blockingGenericZpopCommand): BZPOPMIN, BZPOPMAX, BZMPOP. With a
 * non-empty sorted set among the keys they reply like their non-blocking forms (with the key name);
 * otherwise the client blocks on the keys through the blocking registry (src/db/blocking.ts), which
 * re-executes the command once a key holds a sorted set. Inside MULTI/EXEC or scripts they never block
 * and answer as a timeout would (a null array). Served pops are replicated as ZPOPMIN/ZPOPMAX.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { parseTimeout } from "../db/blocking.ts";
import { WRONGTYPE } from "../server/errors.ts";
import { ZSet } from "../types/zset.ts";
import { parseMpop, popGeneric, type PopShape, ZSET_MAX, ZSET_MIN } from "./zset_pop.ts";

/**
 * Pops from the first non-empty sorted set among `keys` (`count` −1 for one entry, flat reply), or
 * blocks until one exists, or `timeoutArg` seconds pass.
 */
function blockingPop(c: Client, keys: readonly string[], where: number, timeoutArg: string, count: number) {
  const timeout = parseTimeout(c, timeoutArg);
  if (timeout === null) return;
  const shape: PopShape = { emitKey: true, nested: count !== -1, nilWhenEmpty: count !== -1 };
  for (const key of keys) {
    const v = c.db.lookup(key);
    if (v === undefined) continue;
    if (!(v instanceof ZSet)) {
      c.addError(WRONGTYPE);
      return;
    }
    if (v.size === 0) continue;
    const r = popGeneric(c, [key], where, count, shape);
    const name = where === ZSET_MAX ? "ZPOPMAX" : "ZPOPMIN";
    if (r !== null) c.argv = count === -1 ? [name, key] : [name, key, String(r[1])];
    return;
  }
  const blocking = c.server.blocking;
  if (blocking.cannotBlock(c)) {
    c.addNullArray();
    return;
  }
  blocking.blockForKeys(c, "zset", keys, timeout);
}

/** BZPOPMIN key [key ...] timeout */
function bzpopmin(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), ZSET_MIN, argv[argv.length - 1], -1);
}

/** BZPOPMAX key [key ...] timeout */
function bzpopmax(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), ZSET_MAX, argv[argv.length - 1], -1);
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
function bzmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 2);
  if (a === null) return;
  blockingPop(c, a.keys, a.where, argv[1], a.count);
}

export const commands: CommandDef[] = [
  { name: "bzpopmin", handler: bzpopmin },
  { name: "bzpopmax", handler: bzpopmax },
  { name: "bzmpop", handler: bzmpop },
];
