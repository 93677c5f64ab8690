/**
 * Stream: the stream value (t_stream.c, stream.h) — entries ordered by ID, the stream's counters
 * (last generated ID, max deleted ID, entries added, recorded first ID) and its consumer groups with
 * their pending entries lists (PEL) and consumers.
 *
 * Entries are an EntryLog: blocks that are Redis's listpack nodes (closed at `stream-node-max-bytes`
 * / `stream-node-max-entries` as streamAppendItem closes them, packed into flat strings once closed),
 * so approximate (`~`) trimming, which removes whole nodes only, trims exactly as Redis does. PELs are
 * IdIndex B+trees (O(log n) per item). Everything here is pure data: no RESP, no keyspace.
 */
import type { RObject } from "./value.ts";
import { IdIndex } from "./stream_index.ts";
import { EntryLog } from "./stream_log.ts";
import { idIncr, idMs, MIN_ID, msOnlyId, numId, type StreamId } from "./stream_id.ts";

/** The largest sequence an auto ID can step from while its parts stay exact numbers. */
const MAX_SAFE_SEQ = Number.MAX_SAFE_INTEGER - 1;

/** entries_read when unknown (SCG_INVALID_ENTRIES_READ). */
export const INVALID_ENTRIES_READ = -1;

/**
 * A pending entry: delivered to a consumer of a group and not acknowledged yet (streamNACK). One
 * record sits in both the group PEL and its consumer's PEL; it is never moved between consumers (a
 * claim makes a new record), so `home` (its leaf in the consumer PEL, null once removed) stays exact.
 */
export interface Nack {
  deliveryTime: number;
  deliveryCount: number;
  consumer: Consumer;
  home: object | null;
}

/** A new pending entry record. */
export function newNack(deliveryTime: number, deliveryCount: number, consumer: Consumer): Nack {
  return { deliveryTime, deliveryCount, consumer, home: null };
}

/** A consumer of a group (streamConsumer). */
export class Consumer {
  /** Last time it was seen (any interaction), ms. */
  seenTime: number;
  /** Last successful read/claim, ms; -1 never. */
  activeTime = -1;
  readonly pel = new IdIndex<Nack>({ homed: true });
  constructor(readonly name: string, now: number) {
    this.seenTime = now;
  }
}

/** A consumer group (streamCG). */
export class Group {
  readonly pel = new IdIndex<Nack>();
  readonly consumers = new Map<string, Consumer>();
  constructor(readonly name: string, public lastId: StreamId, public entriesRead: number) {}

  /** The named consumer, created when missing (`created` tells). */
  consumer(name: string, now: number): { consumer: Consumer; created: boolean } {
    let cons = this.consumers.get(name);
    if (cons !== undefined) return { consumer: cons, created: false };
    cons = new Consumer(name, now);
    this.consumers.set(name, cons);
    return { consumer: cons, created: true };
  }

  /** Removes `id` from the group PEL and its consumer's PEL; true when it was pending. */
  ack(id: StreamId): boolean {
    const nack = this.pel.take(id);
    if (nack === undefined) return false;
    nack.consumer.pel.release(nack);
    return true;
  }

  /** Hands pending `id` (record `nack`) to `cons`; returns the record now pending (new when moved). */
  reassign(id: StreamId, nack: Nack, cons: Consumer): Nack {
    if (nack.consumer === cons) return nack;
    nack.consumer.pel.release(nack);
    const moved = newNack(nack.deliveryTime, nack.deliveryCount, cons);
    this.pel.set(id, moved);
    cons.pel.set(id, moved);
    return moved;
  }

  /** Consumers in name (byte) order, as Redis's rax lists them. */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Trim request (streamAddTrimArgs). */
export interface TrimArgs {
  strategy: "maxlen" | "minid";
  maxlen: number;
  minid: StreamId;
  approx: boolean;
  /** 0 = unlimited. */
  limit: number;
  /** 8.2 reference policy. */
  policy: RefPolicy;
}

/** What deleting an entry does to consumer-group references (8.2 KEEPREF | DELREF | ACKED). */
export type RefPolicy = "keepref" | "delref" | "acked";

export class Stream implements RObject {
  readonly type = "stream" as const;
  readonly entries = new EntryLog();
  lastId: StreamId = MIN_ID;
  firstId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  entriesAdded = 0;
  readonly groups = new Map<string, Group>();

  get length(): number {
    return this.entries.size;
  }

  encoding(): string {
    return "stream";
  }

  clone(): Stream {
    const s = new Stream();
    for (const b of this.entries.blocks) s.entries.blocks.push(b.clone());
    s.entries.size = this.entries.size;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    for (const g of this.groups.values()) {
      const ng = new Group(g.name, g.lastId, g.entriesRead);
      for (const c of g.consumers.values()) {
        const nc = new Consumer(c.name, c.seenTime);
        nc.activeTime = c.activeTime;
        ng.consumers.set(c.name, nc);
      }
      g.pel.forEach((id, n) => {
        const nc = ng.consumers.get(n.consumer.name)!;
        const nn = newNack(n.deliveryTime, n.deliveryCount, nc);
        ng.pel.set(id, nn);
        nc.pel.set(id, nn);
      });
      s.groups.set(g.name, ng);
    }
    return s;
  }

  /**
   * Appends an entry whose ID is above `lastId` (the caller checked), in nodes limited by
   * `stream-node-max-entries` and `stream-node-max-bytes`.
   */
  append(id: StreamId, fields: string[], nodeMaxEntries: number, nodeMaxBytes = 0): void {
    this.entries.append(id, fields, nodeMaxEntries, nodeMaxBytes);
    if (this.entries.size === 1) this.firstId = id;
    this.lastId = id;
    this.entriesAdded++;
  }

  /** Removes one entry (no counters besides length and nodes); true when it existed. */
  private removeEntry(id: StreamId): boolean {
    return this.entries.delete(id);
  }

  /** Recomputes the recorded first ID after removals. */
  updateFirstId(): void {
    this.firstId = this.entries.size === 0 ? MIN_ID : this.entries.first()!;
  }

  /** XDEL of one entry: updates the max deleted ID (the caller updates the first ID once). */
  deleteEntry(id: StreamId): boolean {
    if (!this.removeEntry(id)) return false;
    if (id > this.maxDeletedId) this.maxDeletedId = id;
    return true;
  }

  /**
   * 8.2 streamEntryIsReferenced: the entry is still needed by some group — not yet delivered to it
   * (above its last delivered ID) or pending in its PEL.
   */
  isReferenced(id: StreamId): boolean {
    for (const g of this.groups.values()) {
      if (id > g.lastId) return true;
      if (g.pel.has(id)) return true;
    }
    return false;
  }

  /** DELREF: removes `id` from every group's PEL (and its consumer's PEL). */
  dropReferences(id: StreamId): void {
    for (const g of this.groups.values()) g.ack(id);
  }

  /**
   * Deletes one entry honouring a reference policy (XDELEX, XACKDEL). Returns -1 when there is no such
   * entry, 1 when deleted, 2 when kept because still referenced (ACKED).
   */
  deleteWithPolicy(id: StreamId, policy: RefPolicy): -1 | 1 | 2 {
    if (!this.entries.has(id)) return -1;
    if (policy === "acked" && this.isReferenced(id)) return 2;
    this.deleteEntry(id);
    if (policy === "delref") this.dropReferences(id);
    return 1;
  }

  /** streamTrim: removes entries per `a`; returns how many were removed. */
  trim(a: TrimArgs): number {
    if (a.policy === "acked" && this.groups.size !== 0) return this.trimAcked(a);
    let deleted = 0;
    const delref = a.policy === "delref" && this.groups.size !== 0;
    const maxlen = a.strategy === "maxlen";
    const log = this.entries;
    const bl = log.blocks;
    while (bl.length !== 0) {
      if (maxlen && this.length <= a.maxlen) break;
      const blk = bl[0];
      const entries = blk.live;
      if (a.limit && deleted + entries > a.limit) break;
      const removeNode = maxlen ? this.length - entries >= a.maxlen : blk.last < a.minid;
      if (removeNode) {
        if (delref) {
          for (let i = 0; i < blk.n; i++) if (!blk.isDeleted(i)) this.dropReferences(blk.idAt(i));
        }
        deleted += log.dropFirstBlock();
        continue;
      }
      if (a.approx) break;
      // Exact: remove entries from within this node, then stop (the node stays: it keeps live ones).
      for (let i = 0; i < blk.n; i++) {
        if (blk.isDeleted(i)) continue;
        const id = blk.idAt(i);
        if (maxlen ? this.length <= a.maxlen : id >= a.minid) break;
        log.deleteAt(0, i);
        if (delref) this.dropReferences(id);
        deleted++;
      }
      break;
    }
    if (deleted !== 0) this.updateFirstId();
    return deleted;
  }

  /** ACKED trimming: removes the oldest unreferenced entries only, skipping referenced ones. */
  private trimAcked(a: TrimArgs): number {
    const want = a.strategy === "maxlen" ? this.length - a.maxlen : Infinity;
    if (want <= 0) return 0;
    const victims: StreamId[] = [];
    let kept = false;
    let tomb = this.maxDeletedId;
    for (const cur = this.entries.seekGE(MIN_ID); cur.valid; cur.next()) {
      const id = cur.member;
      if (victims.length >= want) break;
      if (a.strategy === "minid" && id >= a.minid) break;
      if (a.limit && victims.length >= a.limit) break;
      if (this.isReferenced(id)) {
        kept = true;
        continue;
      }
      victims.push(id);
      if (kept && id > tomb) tomb = id;
    }
    for (const id of victims) this.removeEntry(id);
    this.maxDeletedId = tomb;
    if (victims.length !== 0) this.updateFirstId();
    return victims.length;
  }

  /**
   * streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id`, or
   * INVALID_ENTRIES_READ when it cannot be known.
   */
  estimateDistance(id: StreamId): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return INVALID_ENTRIES_READ;
    if (this.maxDeletedId === MIN_ID || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return INVALID_ENTRIES_READ;
  }

  /** streamRangeHasTombstones over [start, end] (undefined bounds: the whole ID space). */
  rangeHasTombstones(start: StreamId | undefined, end: StreamId | undefined): boolean {
    if (this.length === 0 || this.maxDeletedId === MIN_ID) return false;
    if (this.firstId > this.maxDeletedId) return false;
    const s = start ?? MIN_ID;
    return s <= this.maxDeletedId && (end === undefined || this.maxDeletedId <= end);
  }

  /** The lag of a group (streamReplyWithCGLag), or null when unknown. */
  groupLag(g: Group): number | null {
    if (this.entriesAdded === 0) return 0;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId, undefined)) {
      return this.entriesAdded - g.entriesRead;
    }
    const er = this.estimateDistance(g.lastId);
    return er === INVALID_ENTRIES_READ ? null : this.entriesAdded - er;
  }

  /** Advances a group past `id` as a delivery does (last ID and entries read). */
  groupDelivered(g: Group, id: StreamId): void {
    if (id <= g.lastId) return;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(id, undefined)) g.entriesRead++;
    else if (this.entriesAdded !== 0) g.entriesRead = this.estimateDistance(id);
    g.lastId = id;
  }

  /**
   * The last ID `nextAutoId` generated and its parts: while it is still `lastId` (the same string
   * object, so the check is a pointer compare), the next auto ID needs no decoding of `lastId`.
   */
  private autoId: StreamId = "";
  /** Parts of `autoId` (both below 2^53). */
  autoMs = 0;
  autoSeq = 0;

  /**
   * The next ID for `*` at time `now` (streamNextID); null when the stream is exhausted. When the
   * result is a number pair (below 2^53 each), `autoMs`/`autoSeq` hold its parts (`autoParts(id)`).
   */
  nextAutoId(now: number): StreamId | null {
    const last = this.lastId;
    if (last === this.autoId) {
      // the common case: the previous auto ID is still the last one
      const ms = this.autoMs;
      if (now > ms) return this.remember(now, 0);
      if (this.autoSeq < MAX_SAFE_SEQ) return this.remember(ms, this.autoSeq + 1);
    }
    const lastMs = idMs(last); // a BigInt past 2^53, above any clock
    if (typeof lastMs === "number" && now > lastMs) return this.remember(now, 0);
    return idIncr(last);
  }

  /** True when `id` is the last auto ID, whose parts are `autoMs` and `autoSeq`. */
  autoParts(id: StreamId): boolean {
    return id === this.autoId;
  }

  private remember(ms: number, seq: number): StreamId {
    const id = seq === 0 ? msOnlyId(ms) : numId(ms, seq);
    this.autoId = id;
    this.autoMs = ms;
    this.autoSeq = seq;
    return id;
  }

  /** Groups in name (byte) order. */
  sortedGroups(): Group[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
