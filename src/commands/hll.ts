/**
 * HyperLogLog commands (hyperloglog.c): PFADD, PFCOUNT (one key with the cached cardinality, or the
 * union of several), PFMERGE, PFDEBUG (GETREG DECODE ENCODING TODENSE) and PFSELFTEST. Values are
 * plain strings in Redis's HLL format (types/hll.ts, types/hll_sparse.ts), so a value copied from
 * redis-server with GET/SET counts the same here and back.
 *
 * Dense values are edited in the bytes cached for their string (types/bits.ts): a PFADD that changes
 * nothing costs no conversion, one that does costs one native bytes → string copy.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  HLL_INVALID,
  HLL_WRONGTYPE,
  hllTestFailed,
  PFDEBUG_NO_KEY,
  PFDEBUG_NOT_SPARSE,
  pfdebugUnknown,
  WRONGTYPE,
} from "../server/errors.ts";
import { bytesToStr } from "../resp/bytes.ts";
import { bytesOf, forgetBytes, rememberBytes } from "../types/bits.ts";
import {
  cachedCard,
  denseCompress,
  denseGet,
  denseGetStr,
  denseRaise,
  denseSet,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_REGISTER_MAX,
  HLL_REGISTERS,
  type HllBuf,
  hllCount,
  hllCountRaw,
  hllMerge,
  hllPatLen,
  hllPatLenU64,
  invalidateCache,
  isValidHll,
  newDense,
  patResult,
  setCachedCard,
} from "../types/hll.ts";
import { newSparse, sparseDecode, sparseSet, sparseToDense, sparseWouldChange } from "../types/hll_sparse.ts";
import { is } from "./args.ts";

/** Raw registers (one byte each) for PFCOUNT of several keys and PFMERGE. */
const maxRegs = new Uint8Array(HLL_REGISTERS);

/** Validates `o` as an HLL string; replies the error and returns false otherwise. */
function checkHll(c: Client, o: unknown): o is string {
  if (typeof o !== "string") {
    c.addError(WRONGTYPE);
    return false;
  }
  if (!isValidHll(o)) {
    c.addError(HLL_WRONGTYPE);
    return false;
  }
  return true;
}

/** A private, growable copy of a sparse HLL string. */
function sparseCopy(o: string): HllBuf {
  const b = new Uint8Array(o.length + 64);
  b.set(bytesOf(o));
  return { b, len: o.length };
}

/** The string for `v`, with its bytes remembered for the next command on it. */
function finish(v: HllBuf): string {
  const exact = v.b.length === v.len ? v.b : v.b.slice(0, v.len);
  const s = bytesToStr(exact, 0, exact.length);
  rememberBytes(s, exact);
  return s;
}

function sparseMax(c: Client): number {
  return c.server.config.num("hll-sparse-max-bytes");
}

function pfadd(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const o = db.lookup(key);
  // `v` is the value being edited, created on the first element that changes something.
  let v: HllBuf | null = null;
  let updated = 0;
  if (o === undefined) {
    v = newSparse();
    updated = 1;
  } else if (!checkHll(c, o)) return;
  let maxBytes = -1;
  for (let j = 2; j < argv.length; j++) {
    hllPatLen(argv[j]);
    const index = patResult.index;
    const count = patResult.count;
    if (v === null) {
      // Nothing changed yet: test against the stored string, copy only when it must change.
      const s = o as string;
      if (s.charCodeAt(4) === HLL_DENSE) {
        if (count <= denseGetStr(s, index)) continue;
        const b = bytesOf(s);
        forgetBytes(b); // edited in place below: the cached entry would go stale
        v = { b, len: s.length };
      } else {
        if (!sparseWouldChange(s, index, count)) continue;
        v = sparseCopy(s);
      }
    }
    if (v.b[4] === HLL_DENSE) {
      if (count > denseGet(v.b, index)) {
        denseSet(v.b, index, count);
        updated++;
      }
    } else {
      if (maxBytes < 0) maxBytes = sparseMax(c);
      const r = sparseSet(v, index, count, maxBytes);
      if (r === 1) updated++;
      else if (r < 0) {
        // Redis edited the value in place up to here: keep those edits, without an event.
        if (o === undefined) db.set(key, finish(v));
        else if (updated > 0) db.replaceValue(key, finish(v));
        db.rawStrings.add(key);
        c.addError(HLL_INVALID);
        return;
      }
    }
  }
  if (updated > 0) {
    invalidateCache(v!.b);
    const s = finish(v!);
    if (o === undefined) db.set(key, s);
    else db.set(key, s, true);
    const srv = c.server;
    srv.notify("$", "pfadd", key, db.id);
    srv.dirty += updated;
  }
  db.rawStrings.add(key);
  c.addInt(updated > 0 ? 1 : 0);
}

function pfcount(c: Client, argv: string[]): void {
  const db = c.db;
  if (argv.length > 2) {
    // The cardinality of the union: merge every HLL into raw registers, then estimate.
    maxRegs.fill(0);
    for (let j = 1; j < argv.length; j++) {
      const o = db.lookupRead(argv[j]);
      if (o === undefined) continue;
      if (!checkHll(c, o)) return;
      if (!hllMerge(maxRegs, { b: bytesOf(o), len: o.length })) return c.addError(HLL_INVALID);
    }
    return c.addInt(hllCountRaw(maxRegs));
  }
  const key = argv[1];
  const o = db.lookupRead(key);
  if (o === undefined) return c.addInt(0);
  if (!checkHll(c, o)) return;
  db.rawStrings.add(key);
  const cached = cachedCard(o);
  if (cached !== -1) return c.addInt(cached);
  const b = bytesOf(o);
  const card = hllCount({ b, len: o.length });
  if (card < 0) return c.addError(HLL_INVALID);
  // The cache lives in the value: store it (a read-only command that still modifies the key).
  forgetBytes(b);
  setCachedCard(b, card);
  const s = bytesToStr(b, 0, b.length);
  rememberBytes(s, b);
  db.set(key, s, true);
  db.rawStrings.add(key);
  c.server.dirty++;
  c.addInt(card);
}

function pfmerge(c: Client, argv: string[]): void {
  const db = c.db;
  maxRegs.fill(0);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const o = db.lookupRead(argv[j]);
    if (o === undefined) continue;
    if (!checkHll(c, o)) return;
    if (o.charCodeAt(4) === HLL_DENSE) useDense = true;
    if (!hllMerge(maxRegs, { b: bytesOf(o), len: o.length })) return c.addError(HLL_INVALID);
  }
  const key = argv[1];
  const o = db.lookup(key) as string | undefined; // validated above when present
  let v: HllBuf;
  if (o === undefined) v = newSparse();
  else if (o.charCodeAt(4) === HLL_DENSE) v = { b: bytesOf(o).slice(), len: o.length };
  else v = sparseCopy(o);
  if (useDense && v.b[4] !== HLL_DENSE) {
    const d = sparseToDense(v);
    if (d === null) return c.addError(HLL_INVALID);
    v = { b: d, len: HLL_DENSE_SIZE };
  }
  if (v.b[4] === HLL_DENSE) denseCompress(v.b, maxRegs);
  else {
    const maxBytes = sparseMax(c);
    for (let j = 0; j < HLL_REGISTERS; j++) {
      const m = maxRegs[j];
      if (m === 0) continue;
      if (v.b[4] === HLL_DENSE) denseRaise(v.b, j, m);
      else sparseSet(v, j, m, maxBytes);
    }
  }
  invalidateCache(v.b);
  const s = finish(v);
  if (o === undefined) db.set(key, s);
  else db.set(key, s, true);
  db.rawStrings.add(key);
  const srv = c.server;
  // Redis files PFMERGE under "pfadd": in theory it adds many elements at once.
  srv.notify("$", "pfadd", key, db.id);
  srv.dirty++;
  c.addOk();
}

function pfdebug(c: Client, argv: string[]): void {
  const sub = argv[1];
  const key = argv[2];
  const db = c.db;
  const o = db.lookup(key);
  if (o === undefined) return c.addError(PFDEBUG_NO_KEY);
  if (!checkHll(c, o)) return;
  db.rawStrings.add(key);
  const sparse = o.charCodeAt(4) !== HLL_DENSE;
  /** Converts the stored value to dense (as Redis does in place); false when it is corrupt. */
  const toDense = (): Uint8Array | null => {
    const d = sparseToDense({ b: bytesOf(o), len: o.length });
    if (d === null) return null;
    const s = bytesToStr(d, 0, d.length);
    rememberBytes(s, d);
    db.replaceValue(key, s);
    c.server.dirty++;
    return d;
  };
  if (is(sub, "getreg")) {
    const b = sparse ? toDense() : bytesOf(o);
    if (b === null) return c.addError(HLL_INVALID);
    c.addArrayLen(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) c.addInt(denseGet(b, j));
  } else if (is(sub, "decode")) {
    if (!sparse) return c.addError(PFDEBUG_NOT_SPARSE);
    c.addBulk(sparseDecode({ b: bytesOf(o), len: o.length }));
  } else if (is(sub, "encoding")) {
    c.addStatus(sparse ? "sparse" : "dense");
  } else if (is(sub, "todense")) {
    if (sparse && toDense() === null) return c.addError(HLL_INVALID);
    c.addInt(sparse ? 1 : 0);
  } else {
    c.addError(pfdebugUnknown(sub));
  }
}

/** Redis's rand(): a 31-bit non-negative pseudo-random integer. */
function rand31(): number {
  return Math.floor(Math.random() * 0x80000000);
}

/**
 * PFSELFTEST: register access on a dense HLL (random values written and read back), then 10 million
 * elements added to a dense and a sparse HLL, checking that the sparse one stays sparse while small,
 * that both agree, and that the error stays within six standard errors.
 */
function pfselftest(c: Client, _argv: string[]): void {
  const dense = newDense();
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < 1000; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = rand31() & HLL_REGISTER_MAX;
      bytecounters[i] = r;
      denseSet(dense, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(dense, i);
      if (val !== bytecounters[i]) {
        return c.addError(hllTestFailed(`Register ${i} should be ${bytecounters[i]} but is ${val}`));
      }
    }
  }
  dense.fill(0, 16);
  const maxBytes = sparseMax(c);
  const d: HllBuf = { b: dense, len: HLL_DENSE_SIZE };
  const o = newSparse();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedHi = rand31() | 0;
  const seedLo = rand31() | 0;
  for (let j = 1; j <= 10000000; j++) {
    // ele = j ^ seed, hashed as its 8 little-endian bytes.
    hllPatLenU64(seedHi, (j ^ seedLo) >>> 0);
    const index = patResult.index;
    const count = patResult.count;
    denseRaise(dense, index, count);
    if (o.b[4] === HLL_DENSE) denseRaise(o.b, index, count);
    else sparseSet(o, index, count, maxBytes);
    if (j !== checkpoint) continue;
    if (j < maxBytes / 2 && o.b[4] === HLL_DENSE) return c.addError(hllTestFailed("sparse encoding not used"));
    const card = hllCount(d);
    if (card !== hllCount(o)) return c.addError(hllTestFailed("dense/sparse disagree"));
    let maxerr = Math.ceil(relerr * 6 * checkpoint);
    if (j === 10) maxerr = 1;
    const abserr = Math.abs(checkpoint - card);
    if (abserr > maxerr) {
      return c.addError(hllTestFailed(`Too big error. card:${checkpoint} abserr:${abserr}`));
    }
    checkpoint *= 10;
  }
  c.addOk();
}

export const commands: CommandDef[] = [
  { name: "pfadd", handler: pfadd },
  { name: "pfcount", handler: pfcount },
  { name: "pfmerge", handler: pfmerge },
  { name: "pfdebug", handler: pfdebug },
  { name: "pfselftest", handler: pfselftest },
];
