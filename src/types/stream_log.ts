/**
 * EntryLog: the entries of a stream, in blocks that are Redis's listpack nodes (rax of listpacks).
 *
 * IDs only ever grow at the end (XADD requires an ID above the last one), so entries are appended to
 * the last block until it is full as Redis decides it (streamAppendItem): the node's listpack bytes
 * plus the new entry's field and value bytes reach `stream-node-max-bytes`, or its entries (deleted
 * ones included) reach `stream-node-max-entries`. Each block tracks the lpBytes() of the listpack
 * Redis would hold for it (master entry, delta-encoded IDs, SAMEFIELDS entries), so node boundaries,
 * XINFO's radix-tree-keys, approximate (`~`) trimming and the RDB node layout all match Redis.
 *
 * Storage: the tail block is "open" — arrays of ID strings and field/value lists, cheap to append to
 * and to read back (consumers read what was just added). When a block closes it is packed into two
 * flat strings: `idx`, a fixed 20-char record per entry (the 16-char ID then the entry's offset in
 * `data`, big-endian), and `data`, each entry as a header (0: the master's field names, values only;
 * else 1 + number of fields, then field/value pairs) followed by its elements as varint length +
 * bytes. A packed node is a handful of heap objects whatever its entry count, so a long stream costs
 * the garbage collector next to nothing (as an array of per-entry objects it dominated XADD's time).
 * A packed block appended to again (the tail block was removed, an RDB-loaded tail) is unpacked.
 *
 * A deletion marks the entry (its fields stay, as in Redis's listpack) and the block is dropped once
 * it has no live entry. Seeking binary-searches the block list then the block: O(log n).
 */
import type { StreamId } from "./stream_id.ts";
import { lpEntryBytes } from "./list_pack.ts";
import { bytesToStr } from "../resp/bytes.ts";

/** Chars of one packed index record: the ID, then the entry's offset in `data`. */
const REC = 20;
/** streamAppendItem's STREAM_LISTPACK_MAX_SIZE (the byte limit when `stream-node-max-bytes` is 0). */
export const STREAM_LISTPACK_MAX_SIZE = 1 << 30;
/** lpBytes() of an empty listpack (6 header bytes + the terminator). */
const LP_EMPTY = 7;

/** Bytes of a listpack integer entry (encoding + backlen) holding `v` (an exact integer). */
export function lpIntBytes(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

/** The 32-bit big-endian word of `s` at char `p`. */
function u32(s: string, p: number): number {
  return ((s.charCodeAt(p) << 24) | (s.charCodeAt(p + 1) << 16) | (s.charCodeAt(p + 2) << 8) | s.charCodeAt(p + 3)) >>>
    0;
}

/**
 * Bytes of the listpack integer holding the int64 (wrapping) difference of two unsigned 64-bit parts,
 * given as the differences of their high and low 32-bit words — an entry's ms or seq delta against
 * its node's master ID.
 */
function deltaBytes(dh: number, dl: number): number {
  if (dl < 0) {
    dl += 4294967296;
    dh--;
  }
  dh |= 0; // modulo 2^64 on the whole value
  if (dh === 0) return lpIntBytes(dl);
  if (dh === -1) return lpIntBytes(dl - 4294967296);
  return 10;
}

/** True when the flat field/value list `f` has exactly the field names `master`. */
export function sameFields(f: readonly string[], master: readonly string[]): boolean {
  if (f.length !== master.length * 2) return false;
  for (let i = 0; i < master.length; i++) if (f[2 * i] !== master[i]) return false;
  return true;
}

/**
 * Listpack bytes of one entry: flags, the ms and seq deltas (`idBytes`, their two integers), fields
 * unless SAMEFIELDS, values, lp-count.
 */
function entryBytes(idBytes: number, f: readonly string[], same: boolean): number {
  const nf = f.length >> 1;
  let sz = 2 + idBytes;
  for (let j = 1; j < f.length; j += 2) sz += lpEntryBytes(f[j]);
  if (same) return sz + lpIntBytes(nf + 3);
  sz += lpIntBytes(nf);
  for (let j = 0; j < f.length; j += 2) sz += lpEntryBytes(f[j]);
  return sz + lpIntBytes(2 * nf + 4);
}

/** Listpack bytes of a node's master entry (count, deleted, field count, fields, terminator). */
function masterBytes(live: number, deleted: number, master: readonly string[]): number {
  let sz = lpIntBytes(live) + lpIntBytes(deleted) + lpIntBytes(master.length) + 2;
  for (let j = 0; j < master.length; j++) sz += lpEntryBytes(master[j]);
  return sz;
}

// ---- packed encoding --------------------------------------------------------------------------------

/** Scratch bytes for packing (grown as needed). */
let scratch = new Uint8Array(16384);

/** `scratch` with room for `need` bytes, keeping the first `used`. */
function room(used: number, need: number): Uint8Array {
  if (need > scratch.length) {
    const nb = new Uint8Array(Math.max(need, scratch.length * 2));
    nb.set(scratch.subarray(0, used));
    scratch = nb;
  }
  return scratch;
}

/** Writes the varint of `n` (7 bits per byte, low first, 0x80 = more) at `p`; returns the end. */
function putVarint(buf: Uint8Array, p: number, n: number): number {
  while (n >= 0x80) {
    buf[p++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[p++] = n;
  return p;
}

/** Writes element `s` (varint length + bytes) at `p`; returns the end. */
function putElem(buf: Uint8Array, p: number, s: string): number {
  const len = s.length;
  p = putVarint(buf, p, len);
  for (let i = 0; i < len; i++) buf[p + i] = s.charCodeAt(i);
  return p + len;
}

/** Offset just past the varint read by `readVarint`. */
let after = 0;

function readVarint(s: string, p: number): number {
  let b = s.charCodeAt(p++);
  if (b < 0x80) {
    after = p;
    return b;
  }
  let v = b & 0x7f, mul = 0x80;
  do {
    b = s.charCodeAt(p++);
    v += (b & 0x7f) * mul;
    mul *= 0x80;
  } while (b >= 0x80);
  after = p;
  return v;
}

/** The element at `p` of `data`; `after` is left just past it. */
function readElem(data: string, p: number): string {
  const len = readVarint(data, p);
  const start = after;
  after = start + len;
  return len === 0 ? "" : data.slice(start, start + len);
}

/** One listpack node: entries in ID order (deleted ones included, flagged). */
export class Block {
  /** Entries, deleted ones included. */
  n = 0;
  /** Live entries. */
  live = 0;
  /** Redis's lpBytes() of the node's listpack. */
  lpBytes = 0;
  /** The master entry's field names. */
  master: string[] = [];
  /** The master ID (the first entry's, deleted or not) and the last entry's ID. */
  first: StreamId = "";
  last: StreamId = "";
  /** The master ID's 32-bit words (for the entries' ID deltas). */
  m0 = 0;
  m1 = 0;
  m2 = 0;
  m3 = 0;
  /** Deleted flags by entry (1 = deleted), null while none is. */
  dead: number[] | null = null;
  /** Open form: IDs and field/value lists (null once packed). */
  oIds: StreamId[] | null = [];
  oFields: string[][] | null = [];
  /** Packed form: REC-char records (ID + data offset) and the entries' data. */
  idx = "";
  data = "";
  /** Where the next packed lookup probably lands (checked, never trusted). */
  private hint = 0;

  /** A new open block holding one entry. */
  static start(id: StreamId, fields: string[]): Block {
    const b = new Block();
    const master = new Array<string>(fields.length >> 1);
    for (let j = 0; j < master.length; j++) master[j] = fields[2 * j];
    b.master = master;
    b.setFirst(id);
    b.last = id;
    b.oIds!.push(id);
    b.oFields!.push(fields);
    b.n = b.live = 1;
    b.lpBytes = LP_EMPTY + masterBytes(1, 0, master) + entryBytes(4, fields, true);
    return b;
  }

  /**
   * A packed block from decoded listpack contents (RDB): master fields, entries with their fields
   * (SAMEFIELDS ones as well, fully expanded), flags per entry, and the listpack's size.
   */
  static packed(
    master: string[],
    ids: StreamId[],
    fields: string[][],
    same: boolean[],
    deleted: boolean[],
    lpBytes: number,
  ): Block {
    const b = new Block();
    b.master = master;
    b.oIds = ids;
    b.oFields = fields;
    b.n = ids.length;
    b.setFirst(ids[0]);
    b.last = ids[ids.length - 1];
    let live = 0;
    for (let i = 0; i < deleted.length; i++) {
      if (!deleted[i]) live++;
      else {
        if (b.dead === null) b.dead = new Array<number>(ids.length).fill(0);
        b.dead[i] = 1;
      }
    }
    b.live = live;
    b.lpBytes = lpBytes;
    b.pack(same);
    return b;
  }

  private setFirst(id: StreamId): void {
    this.first = id;
    this.m0 = u32(id, 0);
    this.m1 = u32(id, 4);
    this.m2 = u32(id, 8);
    this.m3 = u32(id, 12);
  }

  get packed(): boolean {
    return this.oIds === null;
  }

  /** Appends an entry (above `last`); the caller checked the node limits. */
  push(id: StreamId, fields: string[]): void {
    if (this.oIds === null) this.unpack();
    const same = sameFields(fields, this.master);
    const live = this.live;
    const idBytes = deltaBytes(u32(id, 0) - this.m0, u32(id, 4) - this.m1) +
      deltaBytes(u32(id, 8) - this.m2, u32(id, 12) - this.m3);
    this.lpBytes += lpIntBytes(live + 1) - lpIntBytes(live) + entryBytes(idBytes, fields, same);
    this.oIds!.push(id);
    this.oFields!.push(fields);
    if (this.dead !== null) this.dead.push(0);
    this.n++;
    this.live = live + 1;
    this.last = id;
  }

  /** The ID of entry `i`. */
  idAt(i: number): StreamId {
    const ids = this.oIds;
    if (ids !== null) return ids[i];
    const s = this.idx, p = i * REC;
    return String.fromCharCode(
      s.charCodeAt(p),
      s.charCodeAt(p + 1),
      s.charCodeAt(p + 2),
      s.charCodeAt(p + 3),
      s.charCodeAt(p + 4),
      s.charCodeAt(p + 5),
      s.charCodeAt(p + 6),
      s.charCodeAt(p + 7),
      s.charCodeAt(p + 8),
      s.charCodeAt(p + 9),
      s.charCodeAt(p + 10),
      s.charCodeAt(p + 11),
      s.charCodeAt(p + 12),
      s.charCodeAt(p + 13),
      s.charCodeAt(p + 14),
      s.charCodeAt(p + 15),
    );
  }

  /** The field/value list of entry `i` (deleted entries keep theirs). */
  fieldsAt(i: number): string[] {
    const fl = this.oFields;
    if (fl !== null) return fl[i];
    const d = this.data;
    const h = readVarint(d, u32(this.idx, i * REC + 16));
    let p = after;
    if (h === 0) {
      const m = this.master;
      const out = new Array<string>(m.length * 2);
      for (let j = 0; j < m.length; j++) {
        out[2 * j] = m[j];
        out[2 * j + 1] = readElem(d, p);
        p = after;
      }
      return out;
    }
    const out = new Array<string>((h - 1) * 2);
    for (let j = 0; j < out.length; j++) {
      out[j] = readElem(d, p);
      p = after;
    }
    return out;
  }

  /** True when entry `i` uses the master's field names (listpack flag SAMEFIELDS). */
  sameAt(i: number): boolean {
    const fl = this.oFields;
    if (fl !== null) return sameFields(fl[i], this.master);
    return this.data.charCodeAt(u32(this.idx, i * REC + 16)) === 0;
  }

  isDeleted(i: number): boolean {
    const d = this.dead;
    return d !== null && d[i] === 1;
  }

  /** Position of the first entry with ID ≥ `id` (n when none). */
  lowerBound(id: StreamId): number {
    const ids = this.oIds;
    let lo = 0;
    let hi = this.n;
    if (ids !== null) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ids[mid] < id) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    const s = this.idx;
    // Sequential readers (a consumer group catching up) seek just past the previous answer.
    const h = this.hint;
    if (h < hi && !recLess(s, h * REC, id) && (h === 0 || recLess(s, (h - 1) * REC, id))) {
      this.hint = h + 1;
      return h;
    }
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (recLess(s, mid * REC, id)) lo = mid + 1;
      else hi = mid;
    }
    this.hint = lo + 1;
    return lo;
  }

  /** True when entry `i` has ID `id`. */
  idIs(i: number, id: StreamId): boolean {
    const ids = this.oIds;
    return ids !== null ? ids[i] === id : this.idx.startsWith(id, i * REC);
  }

  /** Marks entry `i` deleted (it must be live); updates the counters and the listpack size. */
  markDeleted(i: number): void {
    if (this.dead === null) this.dead = new Array<number>(this.n).fill(0);
    this.dead[i] = 1;
    const live = this.live, del = this.n - live;
    this.lpBytes += lpIntBytes(live - 1) - lpIntBytes(live) + lpIntBytes(del + 1) - lpIntBytes(del);
    this.live = live - 1;
  }

  /** Every ID, deleted ones included. */
  get ids(): StreamId[] {
    if (this.oIds !== null) return this.oIds.slice();
    const out = new Array<StreamId>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.idAt(i);
    return out;
  }

  /** Packs an open block (its SAMEFIELDS flags recomputed unless given). */
  pack(same?: boolean[]): void {
    const ids = this.oIds;
    const fl = this.oFields;
    if (ids === null || fl === null) return;
    const n = ids.length;
    const m = this.master;
    // The entries' data first (their offsets kept in `offs`), then the ID + offset records.
    const offs = new Array<number>(n);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const f = fl[i];
      let need = p + 5;
      for (let j = 0; j < f.length; j++) need += f[j].length + 5;
      const buf = room(p, need);
      offs[i] = p;
      if (same !== undefined ? same[i] : sameFields(f, m)) {
        buf[p++] = 0;
        for (let j = 1; j < f.length; j += 2) p = putElem(buf, p, f[j]);
      } else {
        p = putVarint(buf, p, (f.length >> 1) + 1);
        for (let j = 0; j < f.length; j++) p = putElem(buf, p, f[j]);
      }
    }
    this.data = p === 0 ? "" : bytesToStr(scratch, 0, p);
    const buf = room(0, n * REC);
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const q = i * REC;
      for (let k = 0; k < 16; k++) buf[q + k] = id.charCodeAt(k);
      const o = offs[i];
      buf[q + 16] = o >>> 24;
      buf[q + 17] = (o >>> 16) & 255;
      buf[q + 18] = (o >>> 8) & 255;
      buf[q + 19] = o & 255;
    }
    this.idx = bytesToStr(buf, 0, n * REC);
    this.oIds = null;
    this.oFields = null;
  }

  /** Back to the open form (to append). */
  unpack(): void {
    if (this.oIds !== null) return;
    const n = this.n;
    const ids = new Array<StreamId>(n);
    const fl = new Array<string[]>(n);
    for (let i = 0; i < n; i++) {
      ids[i] = this.idAt(i);
      fl[i] = this.fieldsAt(i);
    }
    this.oIds = ids;
    this.oFields = fl;
    this.idx = this.data = "";
  }

  clone(): Block {
    const b = new Block();
    b.n = this.n;
    b.live = this.live;
    b.lpBytes = this.lpBytes;
    b.master = this.master;
    b.setFirst(this.first);
    b.last = this.last;
    b.dead = this.dead === null ? null : this.dead.slice();
    b.oIds = this.oIds === null ? null : this.oIds.slice();
    b.oFields = this.oFields === null ? null : this.oFields.slice();
    b.idx = this.idx;
    b.data = this.data;
    return b;
  }
}

/** True when the ID record at `p` of `s` is below `id`. */
function recLess(s: string, p: number, id: StreamId): boolean {
  for (let k = 0; k < 16; k++) {
    const a = s.charCodeAt(p + k);
    const b = id.charCodeAt(k);
    if (a !== b) return a < b;
  }
  return false;
}

/** A position in the log, on a live entry while `valid`. */
export class EntryCursor {
  constructor(private log: EntryLog, public b: number, public i: number) {
    this.settleForward();
  }

  get valid(): boolean {
    return this.b >= 0 && this.b < this.log.blocks.length;
  }

  get member(): StreamId {
    return this.log.blocks[this.b].idAt(this.i);
  }

  get fields(): string[] {
    return this.log.blocks[this.b].fieldsAt(this.i);
  }

  /** Moves forward to a live entry at or after the current position. */
  settleForward(): void {
    const bl = this.log.blocks;
    while (this.b >= 0 && this.b < bl.length) {
      const blk = bl[this.b];
      const dead = blk.dead;
      if (dead !== null) { while (this.i < blk.n && dead[this.i] === 1) this.i++; }
      if (this.i < blk.n) return;
      this.b++;
      this.i = 0;
    }
  }

  /** Moves backward to a live entry at or before the current position. */
  settleBackward(): void {
    const bl = this.log.blocks;
    while (this.b >= 0) {
      const blk = bl[this.b];
      const dead = blk.dead;
      if (dead !== null) { while (this.i >= 0 && dead[this.i] === 1) this.i--; }
      if (this.i >= 0) return;
      this.b--;
      this.i = this.b >= 0 ? bl[this.b].n - 1 : 0;
    }
  }

  next(): void {
    this.i++;
    this.settleForward();
  }

  prev(): void {
    this.i--;
    if (this.i < 0) {
      this.b--;
      if (this.b < 0) return;
      this.i = this.log.blocks[this.b].n - 1;
    }
    this.settleBackward();
  }
}

export class EntryLog {
  blocks: Block[] = [];
  size = 0;
  /** The block of the last binary search (checked, never trusted). */
  private hint = 0;

  /**
   * Appends an entry whose ID is above every other one, to the last block unless it is full for
   * `maxEntries` (0 = no limit) or `maxBytes` (0 = STREAM_LISTPACK_MAX_SIZE).
   */
  append(id: StreamId, fields: string[], maxEntries: number, maxBytes = 0): void {
    const bl = this.blocks;
    const last = bl.length === 0 ? undefined : bl[bl.length - 1];
    if (last !== undefined) {
      const mb = maxBytes <= 0 || maxBytes > STREAM_LISTPACK_MAX_SIZE ? STREAM_LISTPACK_MAX_SIZE : maxBytes;
      let tot = 0;
      for (let j = 0; j < fields.length; j++) tot += fields[j].length;
      if (last.lpBytes + tot < mb && (maxEntries <= 0 || last.n < maxEntries)) {
        last.push(id, fields);
        this.size++;
        return;
      }
      last.pack();
    }
    bl.push(Block.start(id, fields));
    this.size++;
  }

  /** Index of the block whose ID range could hold `id` (the last block whose first ID ≤ id), or -1. */
  private blockFor(id: StreamId): number {
    const bl = this.blocks;
    let lo = 0;
    let hi = bl.length - 1;
    if (hi >= 0 && bl[hi].first <= id) return hi;
    // Sequential readers stay in the block of their previous seek, or move to the next one.
    const h = this.hint;
    if (h < hi && bl[h].first <= id) {
      if (id < bl[h + 1].first) return h;
      if (h + 1 === hi || id < bl[h + 2].first) return (this.hint = h + 1);
    }
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (bl[mid].first <= id) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (ans >= 0) this.hint = ans;
    return ans;
  }

  /** The fields of a live entry, or undefined. */
  get(id: StreamId): string[] | undefined {
    const b = this.blockFor(id);
    if (b < 0) return undefined;
    const blk = this.blocks[b];
    const i = blk.lowerBound(id);
    if (i >= blk.n || !blk.idIs(i, id) || blk.isDeleted(i)) return undefined;
    return blk.fieldsAt(i);
  }

  has(id: StreamId): boolean {
    const b = this.blockFor(id);
    if (b < 0) return false;
    const blk = this.blocks[b];
    const i = blk.lowerBound(id);
    return i < blk.n && blk.idIs(i, id) && !blk.isDeleted(i);
  }

  /** Marks a live entry deleted (dropping its block when empty); true when it was live. */
  delete(id: StreamId): boolean {
    const b = this.blockFor(id);
    if (b < 0) return false;
    const blk = this.blocks[b];
    const i = blk.lowerBound(id);
    if (i >= blk.n || !blk.idIs(i, id) || blk.isDeleted(i)) return false;
    this.deleteAt(b, i);
    return true;
  }

  /** Deletes live entry `i` of block `b` (dropping the block when it empties). */
  deleteAt(b: number, i: number): void {
    const blk = this.blocks[b];
    blk.markDeleted(i);
    this.size--;
    if (blk.live === 0) this.blocks.splice(b, 1);
  }

  /** Drops the first block whole; returns its live entry count. */
  dropFirstBlock(): number {
    const blk = this.blocks.shift()!;
    this.size -= blk.live;
    return blk.live;
  }

  /** The smallest live ID, or undefined. */
  first(): StreamId | undefined {
    const c = new EntryCursor(this, 0, 0);
    return c.valid ? c.member : undefined;
  }

  /** The largest live ID, or undefined. */
  last(): StreamId | undefined {
    const bl = this.blocks;
    if (bl.length === 0) return undefined;
    const c = new EntryCursor(this, -1, 0);
    c.b = bl.length - 1;
    c.i = bl[c.b].n - 1;
    c.settleBackward();
    return c.valid ? c.member : undefined;
  }

  /** A cursor on the first live ID ≥ `id`. */
  seekGE(id: StreamId): EntryCursor {
    let b = this.blockFor(id);
    if (b < 0) return new EntryCursor(this, 0, 0);
    const i = this.blocks[b].lowerBound(id);
    if (i >= this.blocks[b].n) {
      b++;
      return new EntryCursor(this, b, 0);
    }
    return new EntryCursor(this, b, i);
  }

  /** A cursor on the last live ID ≤ `id`. */
  seekLE(id: StreamId): EntryCursor {
    const b = this.blockFor(id);
    const c = new EntryCursor(this, this.blocks.length, 0);
    if (b < 0) {
      c.b = -1;
      return c;
    }
    const blk = this.blocks[b];
    let i = blk.lowerBound(id);
    if (i >= blk.n || !blk.idIs(i, id)) i--;
    c.b = b;
    c.i = i;
    c.settleBackward();
    return c;
  }

  /** Every live (id, fields) in order. */
  forEach(fn: (id: StreamId, fields: string[]) => void): void {
    for (const blk of this.blocks) {
      for (let i = 0; i < blk.n; i++) if (!blk.isDeleted(i)) fn(blk.idAt(i), blk.fieldsAt(i));
    }
  }
}
