/**
 * SORT and SORT_RO (sort.c): sorts a list, set or sorted set numerically (strtod rules) or with ALPHA
 * (byte order), by the elements or by weights read through a BY pattern (`weight_*`, `hash_*->field`,
 * or a constant that skips sorting), with LIMIT, ASC/DESC, any number of GET patterns (`#` = the
 * element) and STORE into a list (encoded as Redis would build it).
 *
 * Other families are reached through small structural interfaces: a set exposes `size` and `members()`, a sorted
 * set `size` and `rangeByRank(start, stop, reverse)`, a hash `get(field)` (and optionally
 * `expireAt(field)` for field TTLs).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Db } from "../db/db.ts";
import { ListValue } from "../types/list.ts";
import { SORT_SCORE_NOT_DOUBLE, SYNTAX, WRONGTYPE } from "../server/errors.ts";
import { listFill, longArg } from "./list_util.ts";

/** What SORT needs from a set. */
interface SetLike {
  readonly type: "set";
  readonly size: number;
  members(): string[];
}

/** What SORT needs from a sorted set. */
interface ZsetLike {
  readonly type: "zset";
  readonly size: number;
  rangeByRank(start: number, stop: number, reverse: boolean): [string, number][];
}

/** What SORT needs from a hash. */
interface HashLike {
  readonly type: "hash";
  get(field: string): string | undefined;
  expireAt?(field: string): number | undefined;
}

/** One element being sorted, with its numeric score or its BY value for ALPHA. */
interface SortItem {
  obj: string;
  score: number;
  cmp: string | null;
}

/**
 * lookupKeyByPattern: `#` is the element itself; otherwise the first `*` is replaced by the element
 * and the key read as a string, or as a hash field after `->`. Undefined when there is no `*`, the
 * key is missing or of another type.
 */
function lookupByPattern(c: Client, pattern: string, subst: string): string | undefined {
  if (pattern === "#") return subst;
  const star = pattern.indexOf("*");
  if (star < 0) return undefined;
  const arrow = pattern.indexOf("->", star + 1);
  const hasField = arrow >= 0 && arrow + 2 < pattern.length;
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const db: Db = c.db;
  const o = db.lookupRead(key);
  if (o === undefined) return undefined;
  if (hasField) {
    if (typeof o === "string" || o.type !== "hash") return undefined;
    const h = o as unknown as HashLike;
    const field = pattern.slice(arrow + 2);
    const value = h.get(field);
    if (value === undefined) return undefined;
    const when = h.expireAt?.(field);
    if (when !== undefined && when > 0 && when < c.server.clock.now()) return undefined;
    return value;
  }
  return typeof o === "string" ? o : undefined;
}

const STRTOD_RE =
  /^[ \t\n\v\f\r]*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)$/;
const DBL_MIN = 2.2250738585072014e-308;

/**
 * strtod over the whole string as SORT checks it: null when characters are left over, the value
 * overflows or underflows (ERANGE), or is NaN. An empty string is 0 (strtod converts nothing and stops
 * at the terminator).
 */
export function sortScore(s: string): number | null {
  if (s.length === 0) return 0;
  if (!STRTOD_RE.test(s)) return null;
  const t = s.replace(/^[ \t\n\v\f\r]+/, "");
  const neg = t[0] === "-";
  const body = t[0] === "-" || t[0] === "+" ? t.slice(1) : t;
  let v: number;
  if (body[0] === "i" || body[0] === "I") return neg ? -Infinity : Infinity;
  if (body.length > 1 && (body[1] === "x" || body[1] === "X")) v = parseHexFloat(body.slice(2));
  else v = Number(body);
  if (v === Infinity) return null; // overflow
  if (v === 0 ? /[1-9]/.test(body.replace(/[eEpP].*$/, "").replace(/^0[xX]/, "")) : v < DBL_MIN) return null;
  return neg ? -v : v;
}

/** A hexadecimal float body after "0x": digits, optional fraction, optional binary exponent. */
function parseHexFloat(s: string): number {
  const p = s.search(/[pP]/);
  const mant = p < 0 ? s : s.slice(0, p);
  const exp = p < 0 ? 0 : Number(s.slice(p + 1));
  const dot = mant.indexOf(".");
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const fracDigits = dot < 0 ? 0 : mant.length - dot - 1;
  let v = 0;
  for (const ch of digits) v = v * 16 + parseInt(ch, 16);
  return v * Math.pow(2, exp - 4 * fracDigits);
}

/** Byte-order comparison of binary strings (compareStringObjects). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let sortBy: string | null = null;
  let storeKey: string | null = null;
  let dontSort = false;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j].toLowerCase();
    if (opt === "asc") desc = false;
    else if (opt === "desc") desc = true;
    else if (opt === "alpha") alpha = true;
    else if (opt === "limit" && left >= 2) {
      const start = longArg(c, argv[j + 1]);
      if (start === null) return;
      const count = longArg(c, argv[j + 2]);
      if (count === null) return;
      limitStart = start;
      limitCount = count;
      j += 2;
    } else if (!readonly && opt === "store" && left >= 1) {
      storeKey = argv[++j];
    } else if (opt === "by" && left >= 1) {
      sortBy = argv[++j];
      // A constant BY pattern means: do not sort.
      dontSort = !sortBy.includes("*");
    } else if (opt === "get" && left >= 1) {
      gets.push(argv[++j]);
    } else {
      c.addError(SYNTAX);
      return;
    }
  }

  const db = c.db;
  const sortVal = db.lookupRead(argv[1]);
  if (
    sortVal !== undefined &&
    (typeof sortVal === "string" || (sortVal.type !== "list" && sortVal.type !== "set" && sortVal.type !== "zset"))
  ) {
    c.addError(WRONGTYPE);
    return;
  }
  const kind = sortVal === undefined ? "list" : sortVal.type;

  // A set has no order of its own: when storing, sort it so the result is deterministic.
  if (dontSort && kind === "set" && storeKey !== null) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }

  let vectorLen = sortVal === undefined
    ? 0
    : kind === "list"
    ? (sortVal as ListValue).n
    : kind === "set"
    ? (sortVal as unknown as SetLike).size
    : (sortVal as unknown as ZsetLike).size;

  let start = Math.min(Math.max(limitStart, 0), vectorLen);
  limitCount = Math.min(Math.max(limitCount, -1), vectorLen);
  let end = limitCount < 0 ? vectorLen - 1 : start + limitCount - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;

  const directRange = (kind === "zset" || kind === "list") && dontSort && (start !== 0 || end !== vectorLen - 1);
  if (directRange) vectorLen = end - start + 1;

  let objs: string[];
  if (sortVal === undefined) objs = [];
  else if (kind === "list" && dontSort) {
    const list = sortVal as ListValue;
    objs = [];
    if (end >= start) {
      const n = list.n;
      const want = vectorLen;
      if (!desc) {
        const last = Math.min(n - 1, start + want - 1);
        if (last >= start) list.range(start, last, false, (d, s, l) => objs.push(d.slice(s, s + l)));
      } else {
        const first = n - start - 1;
        const lowest = Math.max(0, first - want + 1);
        if (first >= lowest) list.range(lowest, first, true, (d, s, l) => objs.push(d.slice(s, s + l)));
      }
      end -= start;
      start = 0;
    }
  } else if (kind === "list") {
    objs = (sortVal as ListValue).toArray();
  } else if (kind === "set") {
    objs = (sortVal as unknown as SetLike).members();
  } else if (dontSort) {
    const z = sortVal as unknown as ZsetLike;
    const size = z.size;
    const entries = desc
      ? z.rangeByRank(size - start - vectorLen, size - start - 1, false).reverse()
      : z.rangeByRank(start, start + vectorLen - 1, false);
    objs = entries.map((e) => e[0]);
    end -= start;
    start = 0;
  } else {
    const z = sortVal as unknown as ZsetLike;
    objs = z.rangeByRank(0, z.size - 1, false).map((e) => e[0]);
  }

  const items: SortItem[] = objs.map((obj) => ({ obj, score: 0, cmp: null }));
  let conversionError = false;
  if (!dontSort) {
    for (const item of items) {
      let byVal: string | undefined;
      if (sortBy !== null) {
        byVal = lookupByPattern(c, sortBy, item.obj);
        if (byVal === undefined) continue;
      } else byVal = item.obj;
      if (alpha) {
        if (sortBy !== null) item.cmp = byVal;
      } else {
        const score = sortScore(byVal);
        if (score === null) conversionError = true;
        else item.score = score;
      }
    }
    const byPattern = sortBy !== null;
    items.sort((a, b) => {
      let cmp: number;
      if (!alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.obj, b.obj);
      } else if (byPattern) {
        if (a.cmp === null || b.cmp === null) cmp = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
        else cmp = compareBytes(a.cmp, b.cmp);
      } else cmp = compareBytes(a.obj, b.obj);
      return desc ? -cmp : cmp;
    });
  }

  const count = end - start + 1;
  const outputLen = gets.length > 0 ? gets.length * count : count;
  if (conversionError) {
    c.addError(SORT_SCORE_NOT_DOUBLE);
    return;
  }
  if (storeKey === null) {
    c.addArrayLen(outputLen);
    for (let j = start; j <= end; j++) {
      const obj = items[j].obj;
      if (gets.length === 0) c.addBulk(obj);
      for (const pattern of gets) c.addBulkOrNull(lookupByPattern(c, pattern, obj));
    }
    return;
  }
  const out: string[] = [];
  for (let j = start; j <= end; j++) {
    const obj = items[j].obj;
    if (gets.length === 0) out.push(obj);
    for (const pattern of gets) out.push(lookupByPattern(c, pattern, obj) ?? "");
  }
  const s = c.server;
  if (outputLen > 0) {
    db.set(storeKey, ListValue.from(out, listFill(c)));
    s.notify("l", "sortstore", storeKey, db.id);
    s.dirty += outputLen;
  } else if (db.delete(storeKey)) {
    s.notify("g", "del", storeKey, db.id);
    s.dirty++;
  }
  c.addInt(outputLen);
}

function sort(c: Client, argv: string[]): void {
  sortGeneric(c, argv, false);
}

function sortRo(c: Client, argv: string[]): void {
  sortGeneric(c, argv, true);
}

export const commands: CommandDef[] = [
  { name: "sort", handler: sort },
  { name: "sort_ro", handler: sortRo },
];
