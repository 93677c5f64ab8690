/**
 * RDB deserialization: lengths, strings (int and LZF encodings), doubles, and every value type and
 * encoding Redis has written from RDB v1 to v12 (zipmap, ziplist, intset, listpack, quicklist v1/v2,
 * hash listpack and field-TTL forms, zset ziplist/listpack, set listpack). Values are rebuilt in the
 * encoding Redis would give them after loading under the current limits. Anything malformed throws
 * RdbError; module values are refused with a clear message. Streams are in rdb_stream.ts.
 */
import { type ByteReader, RdbError } from "./bytes_io.ts";
import { lzfDecompress } from "./lzf.ts";
import { intsetDecode, lpDecode, zipmapDecode, zlDecode } from "./packed.ts";
import { ENC_INT16, ENC_INT32, ENC_INT8, ENC_LZF, QL_PACKED, QL_PLAIN, T } from "./rdb_format.ts";
import { bytesToStr, strToBytes } from "../resp/bytes.ts";
import { parseDouble, parseInt64 } from "../util/numbers.ts";
import type { Value } from "../types/value.ts";
import { ListValue } from "../types/list.ts";
import { HASHTABLE, INTSET, LISTPACK, RSet, type SetLimits } from "../types/set.ts";
import { ZSet, type ZsetLimits } from "../types/zset.ts";
import { hashFromEntries } from "../types/hash.ts";
import { readStream } from "./rdb_stream.ts";

/** The encoding limits loaded values are built under (from the config). */
export interface LoadLimits {
  set: SetLimits;
  zset: ZsetLimits;
  hashEntries: number;
  hashValue: number;
  listFill: number;
}

/** Length or special encoding read by readLen. */
let lenEncoded = false;

/** rdbLoadLen: a length, or (lenEncoded = true) the special string encoding number. */
export function readLen(r: ByteReader): number {
  const b = r.u8();
  const kind = b >> 6;
  lenEncoded = false;
  if (kind === 0) return b & 0x3f;
  if (kind === 1) return ((b & 0x3f) << 8) | r.u8();
  if (kind === 3) {
    lenEncoded = true;
    return b & 0x3f;
  }
  if (b === 0x80) return r.u32be();
  if (b === 0x81) {
    const v = r.u64be();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError("length out of range");
    return Number(v);
  }
  throw new RdbError(`Unknown length encoding ${b} in rdbLoadLen()`);
}

/** A plain length (a special encoding here is corruption). */
export function readCount(r: ByteReader): number {
  const n = readLen(r);
  if (lenEncoded) throw new RdbError("unexpected encoded length");
  return n;
}

/** rdbGenericLoadStringObject as raw bytes. */
export function readBlob(r: ByteReader): Uint8Array {
  const n = readLen(r);
  if (!lenEncoded) return r.bytes(n);
  switch (n) {
    case ENC_INT8:
    case ENC_INT16:
    case ENC_INT32:
      return strToBytes(readIntEncoded(r, n));
    case ENC_LZF: {
      const clen = readCount(r);
      const len = readCount(r);
      const data = r.bytes(clen);
      const out = lzfDecompress(data, len);
      if (out === null) throw new RdbError("Invalid LZF compressed string");
      return out;
    }
    default:
      throw new RdbError(`Unknown RDB string encoding type ${n}`);
  }
}

function readIntEncoded(r: ByteReader, enc: number): string {
  if (enc === ENC_INT8) return String((r.u8() << 24) >> 24);
  if (enc === ENC_INT16) return String((r.u16le() << 16) >> 16);
  return String(r.u32le() | 0);
}

/** A string as a binary JS string. */
export function readString(r: ByteReader): string {
  const n = readLen(r);
  if (!lenEncoded) return r.str(n);
  if (n !== ENC_LZF) {
    if (n > ENC_INT32) throw new RdbError(`Unknown RDB string encoding type ${n}`);
    return readIntEncoded(r, n);
  }
  const b = readBlobAfterLzfTag(r);
  return bytesToStr(b, 0, b.length);
}

function readBlobAfterLzfTag(r: ByteReader): Uint8Array {
  const clen = readCount(r);
  const len = readCount(r);
  const out = lzfDecompress(r.bytes(clen), len);
  if (out === null) throw new RdbError("Invalid LZF compressed string");
  return out;
}

/** rdbLoadDoubleValue: the old text form (253 nan, 254 +inf, 255 -inf). */
function readTextDouble(r: ByteReader): number {
  const len = r.u8();
  if (len === 253) return NaN;
  if (len === 254) return Infinity;
  if (len === 255) return -Infinity;
  const s = r.str(len);
  const v = parseDouble(s) ?? (s.toLowerCase() === "nan" ? NaN : null);
  if (v === null) throw new RdbError("Invalid double value");
  return v;
}

function readDoubleFrom(s: string): number {
  const v = parseDouble(s);
  if (v === null || Number.isNaN(v)) throw new RdbError("Zset with an invalid score detected");
  return v;
}

// ---- builders ---------------------------------------------------------------------------------------

function buildList(items: string[], lim: LoadLimits): ListValue {
  return ListValue.from(items, lim.listFill);
}

function buildSet(members: string[], lim: LoadLimits, type: number): RSet {
  const n = members.length;
  let s: RSet;
  if (type === T.SET_INTSET && n <= lim.set.maxIntsetEntries) s = new RSet(INTSET);
  else if (n <= lim.set.maxIntsetEntries && members.every((m) => parseInt64(m) !== null)) s = new RSet(INTSET);
  else if (n <= lim.set.maxListpackEntries && members.every((m) => m.length <= lim.set.maxListpackValue)) {
    s = new RSet(LISTPACK);
  } else s = new RSet(HASHTABLE);
  for (const m of members) if (!s.add(m, lim.set)) throw new RdbError("Duplicate set members detected");
  s.compact();
  return s;
}

function buildZset(members: string[], scores: number[], lim: LoadLimits): ZSet {
  const idx = members.map((_, i) => i);
  idx.sort((a, b) => {
    const d = scores[a] - scores[b];
    if (d !== 0 && !Number.isNaN(d)) return d < 0 ? -1 : 1;
    return members[a] < members[b] ? -1 : members[a] > members[b] ? 1 : 0;
  });
  const seen = new Set<string>();
  const m: string[] = [];
  const s: number[] = [];
  for (const i of idx) {
    if (Number.isNaN(scores[i])) throw new RdbError("Zset with NAN score detected");
    if (seen.has(members[i])) throw new RdbError("Duplicate zset fields detected");
    seen.add(members[i]);
    m.push(members[i]);
    s.push(scores[i]);
  }
  return ZSet.fromSorted(m, s, lim.zset);
}

type Entry = [string, string, number];

function buildHash(entries: Entry[], lim: LoadLimits, now: number): Value | null {
  const seen = new Set<string>();
  const live: Entry[] = [];
  for (const e of entries) {
    if (seen.has(e[0])) throw new RdbError("Duplicate hash fields detected");
    seen.add(e[0]);
    if (e[2] !== 0 && e[2] <= now) continue;
    live.push(e);
  }
  if (live.length === 0) return null;
  return hashFromEntries(live, lim.hashEntries, lim.hashValue);
}

function pairs(items: string[]): Entry[] {
  if (items.length % 2 !== 0) throw new RdbError("hash blob with an odd number of entries");
  const out: Entry[] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i], items[i + 1], 0]);
  return out;
}

function zsetFromFlat(items: string[], lim: LoadLimits): ZSet {
  if (items.length % 2 !== 0) throw new RdbError("zset blob with an odd number of entries");
  const m: string[] = [];
  const s: number[] = [];
  for (let i = 0; i < items.length; i += 2) {
    m.push(items[i]);
    s.push(readDoubleFrom(items[i + 1]));
  }
  return buildZset(m, s, lim);
}

function readTtlValue(v: number | bigint): number {
  if (typeof v !== "number" || v < 0) throw new RdbError("invalid hash field TTL");
  return v;
}

/**
 * rdbLoadObject: the value of RDB type `type`. Returns null for a value that loads as nothing (empty
 * collections, hashes whose fields all expired), which the caller skips as Redis does.
 */
export function readObject(r: ByteReader, type: number, lim: LoadLimits, now: number): Value | null {
  switch (type) {
    case T.STRING:
      return readString(r);
    case T.LIST: {
      const n = readCount(r);
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(readString(r));
      return n === 0 ? null : buildList(items, lim);
    }
    case T.SET: {
      const n = readCount(r);
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(readString(r));
      return n === 0 ? null : buildSet(items, lim, type);
    }
    case T.ZSET:
    case T.ZSET_2: {
      const n = readCount(r);
      const m: string[] = [];
      const s: number[] = [];
      for (let i = 0; i < n; i++) {
        m.push(readString(r));
        s.push(type === T.ZSET_2 ? r.f64le() : readTextDouble(r));
      }
      return n === 0 ? null : buildZset(m, s, lim);
    }
    case T.HASH: {
      const n = readCount(r);
      const e: Entry[] = [];
      for (let i = 0; i < n; i++) e.push([readString(r), readString(r), 0]);
      return buildHash(e, lim, now);
    }
    case T.HASH_METADATA_PRE_GA:
    case T.HASH_METADATA: {
      const min = type === T.HASH_METADATA ? readTtlValue(r.i64le()) : 0;
      const n = readCount(r);
      const e: Entry[] = [];
      for (let i = 0; i < n; i++) {
        let ttl = readCount(r);
        if (type === T.HASH_METADATA && ttl !== 0) ttl = ttl + min - 1;
        e.push([readString(r), readString(r), ttl]);
      }
      return buildHash(e, lim, now);
    }
    case T.HASH_ZIPMAP:
      return buildHash(pairs(zipmapDecode(readBlob(r))), lim, now);
    case T.LIST_ZIPLIST: {
      const items = zlDecode(readBlob(r));
      return items.length === 0 ? null : buildList(items, lim);
    }
    case T.SET_INTSET: {
      const ints = intsetDecode(readBlob(r));
      return ints.length === 0 ? null : buildSet(ints.map(String), lim, type);
    }
    case T.SET_LISTPACK: {
      const items = lpDecode(readBlob(r));
      return items.length === 0 ? null : buildSet(items, lim, type);
    }
    case T.ZSET_ZIPLIST:
    case T.ZSET_LISTPACK: {
      const blob = readBlob(r);
      const items = type === T.ZSET_ZIPLIST ? zlDecode(blob) : lpDecode(blob);
      return items.length === 0 ? null : zsetFromFlat(items, lim);
    }
    case T.HASH_ZIPLIST:
    case T.HASH_LISTPACK: {
      const blob = readBlob(r);
      return buildHash(pairs(type === T.HASH_ZIPLIST ? zlDecode(blob) : lpDecode(blob)), lim, now);
    }
    case T.HASH_LISTPACK_EX_PRE_GA:
    case T.HASH_LISTPACK_EX: {
      if (type === T.HASH_LISTPACK_EX) r.i64le();
      const items = lpDecode(readBlob(r));
      if (items.length % 3 !== 0) throw new RdbError("hash listpack with TTLs: bad entry count");
      const e: Entry[] = [];
      for (let i = 0; i < items.length; i += 3) {
        const t = parseInt64(items[i + 2]);
        if (t === null) throw new RdbError("invalid hash field TTL");
        e.push([items[i], items[i + 1], readTtlValue(t)]);
      }
      return buildHash(e, lim, now);
    }
    case T.LIST_QUICKLIST:
    case T.LIST_QUICKLIST_2: {
      const nodes = readCount(r);
      const items: string[] = [];
      for (let i = 0; i < nodes; i++) {
        let container = QL_PACKED;
        if (type === T.LIST_QUICKLIST_2) {
          container = readCount(r);
          if (container !== QL_PACKED && container !== QL_PLAIN) throw new RdbError("Quicklist integrity check failed");
        }
        if (container === QL_PLAIN) {
          items.push(readString(r));
          continue;
        }
        const blob = readBlob(r);
        const elems = type === T.LIST_QUICKLIST ? zlDecode(blob) : lpDecode(blob);
        for (const x of elems) items.push(x);
      }
      return items.length === 0 ? null : buildList(items, lim);
    }
    case T.STREAM_LISTPACKS:
    case T.STREAM_LISTPACKS_2:
    case T.STREAM_LISTPACKS_3:
      return readStream(r, type);
    case T.MODULE_PRE_GA:
    case T.MODULE_2:
      throw new RdbError("module values are not supported by this server");
    default:
      throw new RdbError(`Unknown RDB encoding type ${type}`);
  }
}
