/**
 * EntryLog: the entries of a stream, in blocks like Redis's listpack nodes (rax of listpacks).
 *
 * IDs only ever grow at the end (XADD requires an ID above the last one), so entries are appended to
 * the last block until it holds `stream-node-max-entries` (0 = unlimited); then a new block starts.
 * A deletion marks the entry (fields null) and the block is dropped once it has no live entry, as
 * Redis does. Seeking binary-searches the block list then the block: O(log n). Because blocks are the
 * listpack nodes, approximate (`~`) trimming removes exactly the entries Redis would.
 */
import type { StreamId } from "./stream_id.ts";

/** One node: IDs in order (deleted ones included) with their fields (null once deleted). */
export class Block {
  ids: StreamId[] = [];
  fields: (string[] | null)[] = [];
  live = 0;
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
    return this.log.blocks[this.b].ids[this.i];
  }

  get fields(): string[] {
    return this.log.blocks[this.b].fields[this.i]!;
  }

  /** Moves forward to a live entry at or after the current position. */
  settleForward(): void {
    const bl = this.log.blocks;
    while (this.b >= 0 && this.b < bl.length) {
      const blk = bl[this.b];
      while (this.i < blk.ids.length && blk.fields[this.i] === null) this.i++;
      if (this.i < blk.ids.length) return;
      this.b++;
      this.i = 0;
    }
  }

  /** Moves backward to a live entry at or before the current position. */
  settleBackward(): void {
    const bl = this.log.blocks;
    while (this.b >= 0) {
      const blk = bl[this.b];
      while (this.i >= 0 && blk.fields[this.i] === null) this.i--;
      if (this.i >= 0) return;
      this.b--;
      this.i = this.b >= 0 ? bl[this.b].ids.length - 1 : 0;
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
      this.i = this.log.blocks[this.b].ids.length - 1;
    }
    this.settleBackward();
  }
}

export class EntryLog {
  blocks: Block[] = [];
  size = 0;

  /** Appends an entry whose ID is above every other one. */
  append(id: StreamId, fields: string[], maxPerBlock: number): void {
    const bl = this.blocks;
    let last = bl.length === 0 ? undefined : bl[bl.length - 1];
    if (last === undefined || (maxPerBlock > 0 && last.ids.length >= maxPerBlock)) {
      last = new Block();
      bl.push(last);
    }
    last.ids.push(id);
    last.fields.push(fields);
    last.live++;
    this.size++;
  }

  /** Index of the block whose ID range could hold `id` (the last block whose first ID ≤ id), or -1. */
  private blockFor(id: StreamId): number {
    const bl = this.blocks;
    let lo = 0;
    let hi = bl.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (bl[mid].ids[0] <= id) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /** Position of the first ID ≥ `id` within block `b`. */
  private static lowerBound(ids: StreamId[], id: StreamId): number {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The fields of a live entry, or undefined. */
  get(id: StreamId): string[] | undefined {
    const b = this.blockFor(id);
    if (b < 0) return undefined;
    const blk = this.blocks[b];
    const i = EntryLog.lowerBound(blk.ids, id);
    if (i >= blk.ids.length || blk.ids[i] !== id) return undefined;
    return blk.fields[i] ?? undefined;
  }

  has(id: StreamId): boolean {
    return this.get(id) !== undefined;
  }

  /** Marks a live entry deleted (dropping its block when empty); true when it was live. */
  delete(id: StreamId): boolean {
    const b = this.blockFor(id);
    if (b < 0) return false;
    const blk = this.blocks[b];
    const i = EntryLog.lowerBound(blk.ids, id);
    if (i >= blk.ids.length || blk.ids[i] !== id || blk.fields[i] === null) return false;
    blk.fields[i] = null;
    this.size--;
    if (--blk.live === 0) this.blocks.splice(b, 1);
    return true;
  }

  /** Drops the first block whole; returns its live entry count. */
  dropFirstBlock(): number {
    const blk = this.blocks.shift()!;
    this.size -= blk.live;
    return blk.live;
  }

  /** The smallest live ID, or undefined. */
  first(): StreamId | undefined {
    const c = this.seekGE("");
    return c.valid ? c.member : undefined;
  }

  /** The largest live ID, or undefined. */
  last(): StreamId | undefined {
    const bl = this.blocks;
    if (bl.length === 0) return undefined;
    const c = new EntryCursor(this, -1, 0);
    c.b = bl.length - 1;
    c.i = bl[c.b].ids.length - 1;
    c.settleBackward();
    return c.valid ? c.member : undefined;
  }

  /** A cursor on the first live ID ≥ `id`. */
  seekGE(id: StreamId): EntryCursor {
    let b = this.blockFor(id);
    if (b < 0) return new EntryCursor(this, 0, 0);
    const i = EntryLog.lowerBound(this.blocks[b].ids, id);
    if (i >= this.blocks[b].ids.length) {
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
    const ids = this.blocks[b].ids;
    let i = EntryLog.lowerBound(ids, id);
    if (i >= ids.length || ids[i] !== id) i--;
    c.b = b;
    c.i = i;
    c.settleBackward();
    return c;
  }

  /** Every live (id, fields) in order. */
  forEach(fn: (id: StreamId, fields: string[]) => void): void {
    for (const blk of this.blocks) {
      for (let i = 0; i < blk.ids.length; i++) {
        const f = blk.fields[i];
        if (f !== null) fn(blk.ids[i], f);
      }
    }
  }
}
