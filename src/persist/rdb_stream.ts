/**
 * RDB serialization of streams (rdb.c's stream parts of rdbSaveObject / rdbLoadObject), for types
 * 15 STREAM_LISTPACKS (5.0–6.2), 19 STREAM_LISTPACKS_2 (7.0) and 21 STREAM_LISTPACKS_3 (7.2+).
 *
 * Layout: the number of listpack nodes, then per node its master ID (16 raw big-endian bytes as an
 * RDB string) and its listpack; the length, last ID; (19+) first ID, max deleted ID, entries added;
 * the groups in name order: name, last ID, (19+) entries read, the group PEL (16 raw ID bytes,
 * delivery time as a 64-bit little-endian ms time, delivery count), the consumers in name order:
 * name, seen time, (21) active time, their PEL IDs (raw 16 bytes each). Every number but the times
 * is an RDB length (up to 64 bits; entries read of -1 is saved as 2^64-1).
 *
 * A node's listpack (t_stream.c): the master entry `count deleted #fields field… 0`, then per entry
 * `flags ms-delta seq-delta [#fields field value…|value…] lp-count`, deltas against the master ID
 * (64-bit wrapping), flag SAMEFIELDS (2) when the entry's field names are the master's, DELETED (1)
 * for entries removed from a node that still holds live ones. lp-count is the entry's element count
 * before it (3 + #values, plus #fields + 1 without SAMEFIELDS).
 *
 * Our EntryLog blocks are those nodes (closed at the same `stream-node-max-bytes` / `-entries`
 * limits): a block's first ID is the master ID, its master field names and each entry's SAMEFIELDS
 * flag are kept (as loaded, or as streamAppendItem decided them), and deleted entries keep their place
 * and their contents, so a node is written back byte for byte as Redis would write it.
 */
import { type ByteReader, type ByteWriter, RdbError } from "./bytes_io.ts";
import { lpDecode, lpEncode } from "./packed.ts";
import { T } from "./rdb_format.ts";
import { type RdbWriteOptions, writeBlob, writeLen, writeString } from "./rdb_write.ts";
import { readBlob, readString } from "./rdb_read.ts";
import { parseInt64 } from "../util/numbers.ts";
import { Block } from "../types/stream_log.ts";
import { Consumer, Group, newNack, Stream } from "../types/stream.ts";
import { idMs, idSeq, makeId, MAX_ID, MIN_ID, type StreamId } from "../types/stream_id.ts";

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
const P64 = 18446744073709551616n;

// ---- numbers ------------------------------------------------------------------------------------

/** rdbSaveLen of an unsigned 64-bit value (negative values wrap, as a C cast to uint64_t does). */
function writeU64(w: ByteWriter, v: number | bigint): void {
  if (typeof v === "number" && v >= 0 && v <= Number.MAX_SAFE_INTEGER) return writeLen(w, v);
  const b = BigInt.asUintN(64, BigInt(v));
  if (b <= 0xffffffffn) return writeLen(w, Number(b));
  w.u8(0x81);
  w.u64be(b);
}

/** rdbLoadLen of an unsigned 64-bit value (a number when safe, else a bigint). */
function readU64(r: ByteReader): number | bigint {
  const b = r.u8();
  const kind = b >> 6;
  if (kind === 0) return b & 0x3f;
  if (kind === 1) return ((b & 0x3f) << 8) | r.u8();
  if (b === 0x80) return r.u32be();
  if (b === 0x81) {
    const v = r.u64be();
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  throw new RdbError(`Unknown length encoding ${b} in rdbLoadLen()`);
}

/** A count that must fit a JS number. */
function readSize(r: ByteReader): number {
  const v = readU64(r);
  if (typeof v !== "number") throw new RdbError("Stream size out of range");
  return v;
}

/** An unsigned 64-bit value read as a signed one (long long fields saved with rdbSaveLen). */
function asSigned(v: number | bigint): number {
  return typeof v === "number" ? v : Number(BigInt.asIntN(64, v));
}

function writeIdParts(w: ByteWriter, id: StreamId): void {
  writeU64(w, idMs(id));
  writeU64(w, idSeq(id));
}

function readIdParts(r: ByteReader): StreamId {
  const ms = readU64(r);
  return makeId(ms, readU64(r));
}

/** `a - b` of two unsigned 64-bit parts as the int64 Redis stores (wrapping). */
function delta(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const d = BigInt.asIntN(64, BigInt(a) - BigInt(b));
  return d >= -9007199254740991n && d <= 9007199254740991n ? Number(d) : d;
}

/** `base + d` modulo 2^64. */
function applyDelta(base: number | bigint, d: number | bigint): number | bigint {
  if (typeof base === "number" && typeof d === "number") {
    const v = base + d;
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v;
  }
  const v = (BigInt(base) + BigInt(d)) % P64;
  return v < 0n ? v + P64 : v;
}

/** The raw 16 ID bytes (PEL entries). */
function writeRawId(w: ByteWriter, id: StreamId): void {
  w.str(id);
}

function readRawId(r: ByteReader): StreamId {
  return r.str(16);
}

// ---- listpack nodes -----------------------------------------------------------------------------

/** The listpack elements of one block, as Redis lays out a stream node. */
function blockElements(b: Block): string[] {
  const n = b.n;
  const master = b.master;
  const out: string[] = [String(b.live), String(n - b.live), String(master.length)];
  for (const f of master) out.push(f);
  out.push("0");
  const mid = b.first;
  const mms = idMs(mid), mseq = idSeq(mid);
  for (let i = 0; i < n; i++) {
    const id = b.idAt(i);
    const f = b.fieldsAt(i);
    const same = b.sameAt(i);
    const flags = (b.isDeleted(i) ? FLAG_DELETED : 0) | (same ? FLAG_SAMEFIELDS : 0);
    out.push(String(flags), String(delta(idMs(id), mms)), String(delta(idSeq(id), mseq)));
    if (same) {
      for (let j = 1; j < f.length; j += 2) out.push(f[j]);
      out.push(String(master.length + 3));
    } else {
      out.push(String(f.length / 2));
      for (const x of f) out.push(x);
      out.push(String(f.length + 4));
    }
  }
  return out;
}

function lpInt(items: string[], p: number): number | bigint {
  if (p >= items.length) throw new RdbError("Stream listpack integrity check failed.");
  const v = parseInt64(items[p]);
  if (v === null) throw new RdbError("Stream listpack integrity check failed.");
  return v;
}

function lpSmall(items: string[], p: number): number {
  const v = lpInt(items, p);
  if (typeof v !== "number" || v < 0) throw new RdbError("Stream listpack integrity check failed.");
  return v;
}

/** Rebuilds a block from a node's master ID and listpack (validating it all). */
function parseBlock(master: StreamId, blob: Uint8Array): Block | null {
  const items = lpDecode(blob);
  if (items.length === 0) throw new RdbError("Empty listpack inside stream");
  let p = 0;
  const count = lpSmall(items, p++);
  const deleted = lpSmall(items, p++);
  const mf = lpSmall(items, p++);
  if (p + mf >= items.length) throw new RdbError("Stream listpack integrity check failed.");
  const names = items.slice(p, p + mf);
  p += mf;
  if (lpInt(items, p++) !== 0) throw new RdbError("Stream listpack integrity check failed.");
  const mms = idMs(master), mseq = idSeq(master);
  const ids: StreamId[] = [];
  const all: string[][] = [];
  const same: boolean[] = [];
  const dead: boolean[] = [];
  let live = 0;
  let prev: StreamId | null = null;
  for (let e = 0; e < count + deleted; e++) {
    const flags = lpSmall(items, p++);
    const msd = lpInt(items, p++);
    const seqd = lpInt(items, p++);
    const id = makeId(applyDelta(mms, msd), applyDelta(mseq, seqd));
    if (prev !== null && id <= prev) throw new RdbError("Stream listpack entries out of order");
    prev = id;
    let fields: string[];
    let extra = 3;
    if (flags & FLAG_SAMEFIELDS) {
      if (p + mf > items.length) throw new RdbError("Stream listpack integrity check failed.");
      fields = new Array<string>(mf * 2);
      for (let j = 0; j < mf; j++) {
        fields[2 * j] = names[j];
        fields[2 * j + 1] = items[p++];
      }
      extra += mf;
    } else {
      const nf = lpSmall(items, p++);
      if (p + nf * 2 > items.length) throw new RdbError("Stream listpack integrity check failed.");
      fields = items.slice(p, p + nf * 2);
      p += nf * 2;
      extra += 2 * nf + 1;
    }
    if (lpInt(items, p++) !== extra) throw new RdbError("Stream listpack integrity check failed.");
    const isDead = (flags & FLAG_DELETED) !== 0;
    if (!isDead) {
      if (fields.length === 0) throw new RdbError("Stream listpack integrity check failed.");
      live++;
    }
    ids.push(id);
    all.push(fields);
    same.push((flags & FLAG_SAMEFIELDS) !== 0);
    dead.push(isDead);
  }
  if (p !== items.length || live !== count) throw new RdbError("Stream listpack integrity check failed.");
  if (live === 0) return null;
  return Block.packed(names, ids, all, same, dead, blob.length);
}

// ---- value --------------------------------------------------------------------------------------

/** The RDB type a stream is saved with: 21 from RDB v11 on, 19 (no consumer active time) before. */
export function streamType(o: RdbWriteOptions): number {
  return o.version >= 11 ? T.STREAM_LISTPACKS_3 : T.STREAM_LISTPACKS_2;
}

/** rdbSaveObject for a stream, in RDB type `type` (19 or 21). */
export function writeStream(w: ByteWriter, s: Stream, type: number, o: RdbWriteOptions): void {
  const blocks = s.entries.blocks;
  writeLen(w, blocks.length);
  for (const b of blocks) {
    writeString(w, b.first, o);
    writeBlob(w, lpEncode(blockElements(b)), o);
  }
  writeU64(w, s.length);
  writeIdParts(w, s.lastId);
  writeIdParts(w, s.firstId);
  writeIdParts(w, s.maxDeletedId);
  writeU64(w, s.entriesAdded);
  const groups = s.sortedGroups();
  writeLen(w, groups.length);
  for (const g of groups) {
    writeString(w, g.name, o);
    writeIdParts(w, g.lastId);
    writeU64(w, g.entriesRead);
    writeLen(w, g.pel.size);
    g.pel.forEach((id, n) => {
      writeRawId(w, id);
      w.i64le(n.deliveryTime);
      writeU64(w, n.deliveryCount);
    });
    const consumers = g.sortedConsumers();
    writeLen(w, consumers.length);
    for (const c of consumers) {
      writeString(w, c.name, o);
      w.i64le(c.seenTime);
      if (type === T.STREAM_LISTPACKS_3) w.i64le(c.activeTime);
      writeLen(w, c.pel.size);
      c.pel.forEach((id) => writeRawId(w, id));
    }
  }
}

/** rdbLoadObject for stream types 15, 19 and 21. Throws RdbError on anything inconsistent. */
export function readStream(r: ByteReader, type: number): Stream {
  const s = new Stream();
  const nodes = readSize(r);
  const loaded: Block[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < nodes; i++) {
    const key = readString(r);
    if (key.length !== 16) throw new RdbError("Stream node key entry is not the size of a stream ID");
    const blob = readBlob(r);
    if (keys.has(key)) throw new RdbError("Listpack re-added with existing key");
    keys.add(key);
    const b = parseBlock(key, blob);
    if (b !== null) loaded.push(b);
  }
  // The radix tree orders nodes by master ID whatever the file order.
  loaded.sort((a, b) => (a.first < b.first ? -1 : 1));
  let last: StreamId | null = null;
  let size = 0;
  for (const b of loaded) {
    if (last !== null && b.first <= last) throw new RdbError("Stream nodes overlap");
    last = b.last;
    size += b.live;
  }
  s.entries.blocks = loaded;
  s.entries.size = size;
  const length = readU64(r);
  if (length !== size) throw new RdbError("Stream length inconsistent with its entries");
  s.lastId = readIdParts(r);
  const top = s.entries.last();
  if (top !== undefined && top > s.lastId) throw new RdbError("Stream last ID lower than its entries");
  if (type >= T.STREAM_LISTPACKS_2) {
    s.firstId = readIdParts(r);
    s.maxDeletedId = readIdParts(r);
    s.entriesAdded = asSigned(readU64(r));
  } else {
    s.maxDeletedId = MIN_ID;
    s.entriesAdded = size;
    // streamGetEdgeID: the first live entry, or the maximum ID when there is none.
    s.firstId = s.entries.first() ?? MAX_ID;
  }
  const ngroups = readSize(r);
  for (let g = 0; g < ngroups; g++) {
    const name = readString(r);
    const lastId = readIdParts(r);
    const entriesRead = type >= T.STREAM_LISTPACKS_2 ? asSigned(readU64(r)) : s.estimateDistance(lastId);
    if (s.groups.has(name)) throw new RdbError(`Duplicated consumer group name ${name}`);
    const group = new Group(name, lastId, entriesRead);
    s.groups.set(name, group);
    const pending = new Map<StreamId, { deliveryTime: number; deliveryCount: number }>();
    const npel = readSize(r);
    for (let i = 0; i < npel; i++) {
      const id = readRawId(r);
      const deliveryTime = Number(r.i64le());
      const deliveryCount = Number(readU64(r));
      if (pending.has(id)) throw new RdbError("Duplicated global PEL entry loading stream consumer group");
      pending.set(id, { deliveryTime, deliveryCount });
    }
    const ncons = readSize(r);
    for (let c = 0; c < ncons; c++) {
      const cname = readString(r);
      if (group.consumers.has(cname)) throw new RdbError("Duplicate stream consumer detected.");
      const seen = Number(r.i64le());
      const cons = new Consumer(cname, seen);
      cons.activeTime = type >= T.STREAM_LISTPACKS_3 ? Number(r.i64le()) : seen;
      group.consumers.set(cname, cons);
      const n = readSize(r);
      for (let i = 0; i < n; i++) {
        const id = readRawId(r);
        const p = pending.get(id);
        if (p === undefined) throw new RdbError("Consumer entry not found in group global PEL");
        if (group.pel.has(id)) throw new RdbError("Duplicated consumer PEL entry loading a stream consumer group");
        const nack = newNack(p.deliveryTime, p.deliveryCount, cons);
        group.pel.set(id, nack);
        cons.pel.set(id, nack);
      }
    }
    if (group.pel.size !== pending.size) throw new RdbError("Stream CG PEL entry without consumer");
  }
  return s;
}
