/**
 * Keyspace iteration: KEYS and SCAN, plus the cursor and option parsing that HSCAN, SSCAN and ZSCAN
 * share (exported for those families).
 *
 * SCAN walks the keyspace DenseDict from high slots to low (see DenseDict.scan), which keeps Redis's
 * guarantee: every key present for the whole iteration is returned at least once. As in Redis 7.4+,
 * COUNT bounds the slots visited per call, MATCH and TYPE filter what was visited, and expired keys met
 * on the way are reclaimed (and not returned).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { INVALID_CURSOR, NOT_INTEGER, NOVALUES_HSCAN_ONLY, SYNTAX } from "../server/errors.ts";
import { compileGlob } from "../util/glob.ts";
import { parseInt64 } from "../util/numbers.ts";
import { typeOf } from "../types/value.ts";
import { lookupReadNoTouch } from "./key_access.ts";

const ULLONG_MAX = 18446744073709551615n;
const STRTOULL_RE = /^[\t\n\v\f\r ]*[+-]?[0-9]+$/;

/**
 * Parses a SCAN cursor like Redis's string2ull: a canonical non-negative 64-bit integer, or anything
 * strtoull accepts whole (leading whitespace, '+', leading zeros, '-' wrapping modulo 2^64) up to
 * 2^64-1. The text stops at the first NUL byte, as in C. Returns null for an invalid cursor.
 */
export function parseScanCursor(arg: string): number | null {
  const nul = arg.indexOf("\0");
  const s = nul < 0 ? arg : arg.slice(0, nul);
  const v = parseInt64(s);
  if (v !== null) return v < 0 ? null : Number(v);
  if (!STRTOULL_RE.test(s)) return null;
  const t = s.trimStart();
  const neg = t[0] === "-";
  const digits = t[0] === "+" || neg ? t.slice(1) : t;
  let u = BigInt(digits);
  if (u > ULLONG_MAX) return null;
  if (neg && u !== 0n) u = ULLONG_MAX + 1n - u;
  return Number(u);
}

/** Parsed SCAN-family options. */
export interface ScanOptions {
  /** COUNT (default 10). */
  count: number;
  /** MATCH pattern, or null when absent or exactly "*". */
  pattern: string | null;
  /** TYPE name, lowercased (SCAN only), or null. */
  typeName: string | null;
  /** NOVALUES (HSCAN only). */
  noValues: boolean;
}

/**
 * Parses SCAN-family options from argv[start…] like scanGenericCommand. `objectType` is null for SCAN
 * (TYPE allowed) or the scanned value's type for HSCAN/SSCAN/ZSCAN (NOVALUES allowed for "hash").
 * Returns null after replying an error.
 */
export function parseScanOptions(
  c: Client,
  argv: string[],
  start: number,
  objectType: "hash" | "set" | "zset" | null,
): ScanOptions | null {
  const opts: ScanOptions = { count: 10, pattern: null, typeName: null, noValues: false };
  let i = start;
  while (i < argv.length) {
    const opt = argv[i].toLowerCase();
    const more = argv.length - i >= 2;
    if (opt === "count" && more) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) {
        c.addError(NOT_INTEGER);
        return null;
      }
      if (n < 1) {
        c.addError(SYNTAX);
        return null;
      }
      opts.count = Number(n);
      i += 2;
    } else if (opt === "match" && more) {
      const pat = argv[i + 1];
      opts.pattern = pat === "*" ? null : pat;
      i += 2;
    } else if (opt === "type" && objectType === null && more) {
      // Redis 8.2 keeps accepting unknown type names: they simply match nothing.
      opts.typeName = argv[i + 1].toLowerCase();
      i += 2;
    } else if (opt === "novalues") {
      if (objectType !== "hash") {
        c.addError(NOVALUES_HSCAN_ONLY);
        return null;
      }
      opts.noValues = true;
      i++;
    } else {
      c.addError(SYNTAX);
      return null;
    }
  }
  return opts;
}

/** KEYS pattern: every matching key that is not logically expired (nothing is deleted). */
function keys(c: Client, argv: string[]): void {
  const db = c.db;
  const pattern = argv[1];
  const all = pattern === "*";
  const match = all ? null : compileGlob(pattern);
  const names = db.dict.keys;
  const expires = db.expires;
  const checkTtl = expires.keys.length !== 0;
  const now = c.server.clock.now();
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const key = names[i];
    if (match !== null && !match(key)) continue;
    if (checkTtl) {
      const when = expires.get(key);
      if (when !== undefined && when < now) continue;
    }
    out.push(key);
  }
  c.addBulkArray(out);
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
function scan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[1]);
  if (cursor === null) {
    c.addError(INVALID_CURSOR);
    return;
  }
  const opts = parseScanOptions(c, argv, 2, null);
  if (opts === null) return;
  const db = c.db;
  const match = opts.pattern === null ? null : compileGlob(opts.pattern);
  const found: string[] = [];
  const next = db.dict.scan(cursor, opts.count, (key) => {
    if (match === null || match(key)) found.push(key);
  });
  // Filter after the walk, as Redis does: the type check is a read lookup (which also reclaims expired
  // keys and counts hits/misses); otherwise expired keys are reclaimed here.
  let n = 0;
  const typeName = opts.typeName;
  for (let i = 0; i < found.length; i++) {
    const key = found[i];
    if (typeName !== null) {
      const v = lookupReadNoTouch(c, key);
      if (v === undefined || typeOf(v).toLowerCase() !== typeName) continue;
    } else if (db.expires.keys.length !== 0 && db.expireIfNeeded(key)) {
      continue;
    }
    found[n++] = key;
  }
  found.length = n;
  c.addArrayLen(2);
  c.addBulk(String(next));
  c.addBulkArray(found);
}

export const commands: CommandDef[] = [
  { name: "keys", handler: keys },
  { name: "scan", handler: scan },
];
