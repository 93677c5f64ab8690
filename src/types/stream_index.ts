/**
 * IdIndex: an ordered map from stream IDs to values with O(log n) insert, delete and seek — the
 * building block of stream entries, group PELs and consumer PELs.
 *
 * Order lives in a counted B+tree (ZTree, with every score 0 so entries sort by the ID's bytes), the
 * values in a Map keyed by the same encoded ID. Cursors walk the tree's linked leaves.
 */
import { type TreeCursor, ZTree } from "./zset_tree.ts";
import type { StreamId } from "./stream_id.ts";

export type { TreeCursor };

export class IdIndex<V> {
  private tree = new ZTree();
  readonly map = new Map<StreamId, V>();
  private lastKey: StreamId | undefined = undefined;

  get size(): number {
    return this.map.size;
  }

  get(id: StreamId): V | undefined {
    return this.map.get(id);
  }

  has(id: StreamId): boolean {
    return this.map.has(id);
  }

  /** Adds or replaces the value of `id`. */
  set(id: StreamId, v: V): void {
    const m = this.map;
    if (!m.has(id)) {
      this.tree.insert(id, 0);
      if (this.lastKey === undefined || id > this.lastKey) this.lastKey = id;
    }
    m.set(id, v);
  }

  /** Removes `id`; true when it was present. */
  delete(id: StreamId): boolean {
    if (!this.map.delete(id)) return false;
    this.tree.delete(id, 0);
    if (id === this.lastKey) this.lastKey = this.map.size === 0 ? undefined : this.tree.at(this.size - 1).member;
    return true;
  }

  /** The smallest ID, or undefined when empty. */
  first(): StreamId | undefined {
    return this.map.size === 0 ? undefined : this.tree.at(0).member;
  }

  /** The largest ID, or undefined when empty. */
  last(): StreamId | undefined {
    return this.lastKey;
  }

  /** Number of IDs below `id`. */
  rankBelow(id: StreamId): number {
    return this.tree.countWhile((_s, m) => m < id);
  }

  /** A cursor on the first ID ≥ `id` (invalid when none). */
  seekGE(id: StreamId): TreeCursor {
    return this.tree.at(this.rankBelow(id));
  }

  /** A cursor on the last ID ≤ `id` (invalid when none). */
  seekLE(id: StreamId): TreeCursor {
    return this.tree.at(this.tree.countWhile((_s, m) => m <= id) - 1);
  }

  /** Number of IDs in [lo, hi]. */
  countRange(lo: StreamId, hi: StreamId): number {
    if (lo > hi) return 0;
    return this.tree.countWhile((_s, m) => m <= hi) - this.rankBelow(lo);
  }

  /** IDs in [lo, hi] in order (at most `count` when > 0). */
  idsInRange(lo: StreamId, hi: StreamId, count = 0): StreamId[] {
    const out: StreamId[] = [];
    for (const cur = this.seekGE(lo); cur.valid; cur.next()) {
      const id = cur.member;
      if (id > hi) break;
      out.push(id);
      if (count > 0 && out.length >= count) break;
    }
    return out;
  }

  /** Every (id, value) in ID order. */
  forEach(fn: (id: StreamId, v: V) => void): void {
    const m = this.map;
    this.tree.forEach((id) => fn(id, m.get(id)!));
  }
}
