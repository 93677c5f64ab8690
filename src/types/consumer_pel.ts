/**
 * A consumer's pending entries list, with lazy deletion for acknowledgements.
 *
 * XACK removes an entry from the group PEL and from its consumer's PEL: two random deletions in
 * large B+trees. Here the group PEL deletion happens at once, and the consumer's entry is only
 * marked (its NACK's `acked` flag) and skipped by every read; once such stale entries outnumber the
 * live ones, the tree is rebuilt in one sequential pass (amortized O(1) per acknowledgement, and
 * cache-friendly where the random deletions were not). Other removals (XCLAIM moving an entry to
 * another consumer, DELCONSUMER) are immediate.
 */
import { IdCursor, IdIndex } from "./stream_index.ts";
import type { StreamId } from "./stream_id.ts";

/** What a consumer PEL needs of a NACK (stream.ts's Nack). */
export interface AckableNack {
  /** Set when the entry was acknowledged: it is then only a stale copy in its consumer's PEL. */
  acked: boolean;
}

/** Stale entries tolerated before a rebuild is considered. */
const MIN_STALE = 64;

export class ConsumerPel<N extends AckableNack> {
  private tree = new IdIndex<N>();
  private live = 0;
  private stale = 0;

  /** Pending (not acknowledged) entries. */
  get size(): number {
    return this.live;
  }

  /** Entries kept in the tree, stale ones included (tests check the bound on stale entries). */
  get stored(): number {
    return this.tree.size;
  }

  /** Adds or replaces the entry of `id`. */
  set(id: StreamId, nack: N): void {
    const prev = this.tree.set(id, nack);
    if (prev === undefined) this.live++;
    else if (prev.acked) {
      this.stale--;
      this.live++;
    }
  }

  /** The live entry of `id`, or undefined. */
  get(id: StreamId): N | undefined {
    const v = this.tree.get(id);
    return v !== undefined && !v.acked ? v : undefined;
  }

  /** Removes `id` now; true when it was a live entry. */
  delete(id: StreamId): boolean {
    const v = this.tree.take(id);
    if (v === undefined) return false;
    if (v.acked) {
      this.stale--;
      return false;
    }
    this.live--;
    return true;
  }

  /** Records that one of this PEL's entries had its NACK marked acked (it stays until a rebuild). */
  acked(): void {
    this.live--;
    this.stale++;
    if (this.stale > MIN_STALE && this.stale > this.live) this.rebuild();
  }

  /** Live entries in ID order. */
  forEach(fn: (id: StreamId, nack: N) => void): void {
    this.tree.forEach((id, v) => {
      if (!v.acked) fn(id, v);
    });
  }

  /** Live IDs in [lo, hi] in order (at most `count` when > 0). */
  idsInRange(lo: StreamId, hi: StreamId, count = 0): StreamId[] {
    const out: StreamId[] = [];
    for (const cur = this.tree.seekGE(lo); cur.valid; cur.next()) {
      if (cur.value.acked) continue;
      const id = cur.member;
      if (id > hi) break;
      out.push(id);
      if (count > 0 && out.length >= count) break;
    }
    return out;
  }

  /** A cursor on the first entry ≥ `id`, stale ones included: callers skip values marked acked. */
  seekGE(id: StreamId): IdCursor<N> {
    return this.tree.seekGE(id);
  }

  /** Drops every stale entry: the live ones are appended in order to a fresh tree. */
  private rebuild(): void {
    const fresh = new IdIndex<N>();
    this.tree.forEach((id, v) => {
      if (!v.acked) fresh.set(id, v);
    });
    this.tree = fresh;
    this.stale = 0;
  }
}
