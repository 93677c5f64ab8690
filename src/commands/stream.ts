/**
 * Stream commands on entries (t_stream.c): XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID and the
 * 8.2 XDELEX. Consumer groups live in stream_group.ts, reads in stream_read.ts, XINFO in
 * stream_info.ts. This module also exports the entry reply helpers the others share.
 *
 * Replication: XADD carries the ID it generated; an approximate (`~`) trim is replicated as the exact
 * trim it amounted to (MAXLEN = length, MINID = first ID), so replicas and the AOF trim the same.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  NO_SUCH_KEY,
  STREAM_BAD_END,
  STREAM_BAD_START,
  STREAM_EXHAUSTED,
  SYNTAX,
  wrongArity,
  XADD_ID_SMALLER,
  XADD_ID_ZERO,
  XSETID_BELOW_MAX_DELETED,
  XSETID_ENTRIES_ADDED,
  XSETID_ENTRIES_ADDED_NEGATIVE,
  XSETID_MAX_DELETED,
  XSETID_SMALLER,
} from "../server/errors.ts";
import { Stream, type TrimArgs } from "../types/stream.ts";
import type { Config } from "../config/config.ts";
import { formatId, idDecr, idIncr, idMs, idSeq, MAX_ID, MIN_ID, seqIsMax, type StreamId } from "../types/stream_id.ts";
import { intervalId, llArg, parseAddTrim, parsePolicyIds, streamAt, strictId } from "./stream_args.ts";

/** One entry: [id, [field, value, …]] (or [id, nil] when `fields` is undefined: a deleted PEL entry). */
export function addEntry(c: Client, id: StreamId, fields: string[] | undefined): void {
  c.addArrayLen(2);
  c.addBulk(formatId(id));
  if (fields === undefined) {
    c.addNullArray();
    return;
  }
  c.addArrayLen(fields.length);
  for (let i = 0; i < fields.length; i++) c.addBulk(fields[i]);
}

/** Entries of a range: IDs and their fields, in reply order. */
export interface EntryRange {
  ids: StreamId[];
  fields: string[][];
}

/** Entries of `s` in [start, end] (reversed: from end down to start), at most `count` (0 = all). */
export function collectRange(s: Stream, start: StreamId, end: StreamId, count: number, rev: boolean): EntryRange {
  const out: EntryRange = { ids: [], fields: [] };
  if (start > end) return out;
  if (!rev) {
    for (const cur = s.entries.seekGE(start); cur.valid; cur.next()) {
      const id = cur.member;
      if (id > end) break;
      out.ids.push(id);
      out.fields.push(cur.fields);
      if (count > 0 && out.ids.length >= count) break;
    }
  } else {
    for (const cur = s.entries.seekLE(end); cur.valid; cur.prev()) {
      const id = cur.member;
      if (id < start) break;
      out.ids.push(id);
      out.fields.push(cur.fields);
      if (count > 0 && out.ids.length >= count) break;
    }
  }
  return out;
}

/** Replies a range of entries. */
export function addEntries(c: Client, r: EntryRange): void {
  c.addArrayLen(r.ids.length);
  for (let i = 0; i < r.ids.length; i++) addEntry(c, r.ids[i], r.fields[i]);
}

/**
 * streamRewriteApproxSpecifier + streamRewriteTrimArgument: an approximate trim is replicated as an
 * exact one to what it left — MAXLEN = <length>, or MINID = <first ID, deleted entries of the first
 * node included> (the largest ID when the stream is empty), as Redis does.
 */
function rewriteApproxTrim(c: Client, s: Stream, t: TrimArgs, idx: number): void {
  const out = c.argv.slice();
  out[idx - 1] = "=";
  if (t.strategy === "maxlen") out[idx] = String(s.length);
  else {
    const first = s.entries.blocks.length === 0 ? MAX_ID : s.entries.blocks[0].first;
    out[idx] = formatId(first);
  }
  c.argv = out;
}

/** stream-node-max-entries / -bytes, re-read only when the config changed. */
const nodeLimitCache = { config: null as Config | null, version: -1, entries: 100, bytes: 4096 };

function nodeLimits(cfg: Config): typeof nodeLimitCache {
  const l = nodeLimitCache;
  if (l.config !== cfg || l.version !== cfg.version) {
    l.config = cfg;
    l.version = cfg.version;
    l.entries = cfg.num("stream-node-max-entries");
    l.bytes = cfg.num("stream-node-max-bytes");
  }
  return l;
}

/** XADD key [NOMKSTREAM] [KEEPREF|DELREF|ACKED] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value … */
function xadd(c: Client, argv: string[]): void {
  const a = parseAddTrim(c, argv, true);
  if (a === null) return;
  const fieldPos = a.idIdx + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) {
    c.addError(wrongArity("xadd"));
    return;
  }
  const given = a.id;
  if (given !== null && given.seqGiven && given.id === MIN_ID) {
    c.addError(XADD_ID_ZERO);
    return;
  }
  const key = argv[1];
  let s = streamAt(c, key);
  if (s === null) return;
  if (s === undefined) {
    if (a.nomkstream) {
      c.addNull();
      return;
    }
    s = new Stream();
    c.db.set(key, s);
  }
  if (s.lastId === MAX_ID) {
    c.addError(STREAM_EXHAUSTED);
    return;
  }
  let id: StreamId | null;
  if (given === null) id = s.nextAutoId(c.server.clock.now());
  else if (given.seqGiven) id = given.id;
  else if (s.lastId.slice(0, 8) === given.id.slice(0, 8)) id = seqIsMax(s.lastId) ? null : idIncr(s.lastId);
  else id = given.id;
  // An auto ID is above the last one by construction.
  if (id === null || (given !== null && id <= s.lastId)) {
    c.addError(XADD_ID_SMALLER);
    return;
  }
  const limits = nodeLimits(c.server.config);
  s.append(id, argv.slice(fieldPos), limits.entries, limits.bytes);
  if (s.autoParts(id)) c.addBulkPair(s.autoMs, s.autoSeq);
  else {
    const ms = idMs(id), seq = idSeq(id);
    if (typeof ms === "number" && typeof seq === "number") c.addBulkPair(ms, seq);
    else c.addBulk(formatId(id));
  }
  const srv = c.server;
  srv.keyModified(c.db, key);
  srv.notify("t", "xadd", key, c.db.id);
  srv.dirty++;
  const t = a.trim;
  // What gets replicated (only built when something records propagation: AOF, replicas).
  const propagating = srv.propagateHooks.length !== 0;
  if (t !== null) {
    if (s.trim(t) !== 0) srv.notify("t", "xtrim", key, c.db.id);
    if (t.approx && propagating) rewriteApproxTrim(c, s, t, a.trimArgIdx);
  }
  // The generated ID is what gets replicated.
  if (propagating && (given === null || !given.seqGiven)) {
    const out = c.argv.slice();
    out[a.idIdx] = formatId(id);
    c.argv = out;
  }
}

/** XRANGE / XREVRANGE. */
function xrangeGeneric(c: Client, argv: string[], rev: boolean): void {
  const startArg = rev ? argv[3] : argv[2];
  const endArg = rev ? argv[2] : argv[3];
  const st = intervalId(c, startArg, "min");
  if (st === null) return;
  let start: StreamId | null = st.id;
  if (st.exclusive) {
    start = idIncr(start);
    if (start === null) {
      c.addError(STREAM_BAD_START);
      return;
    }
  }
  const en = intervalId(c, endArg, "max");
  if (en === null) return;
  let end: StreamId | null = en.id;
  if (en.exclusive) {
    end = idDecr(end);
    if (end === null) {
      c.addError(STREAM_BAD_END);
      return;
    }
  }
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j].toLowerCase() === "count" && j + 1 < argv.length) {
      const v = llArg(c, argv[++j]);
      if (v === null) return;
      count = v < 0 ? 0 : v;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  if (count === 0) {
    c.addNullArray();
    return;
  }
  const s = streamAt(c, argv[1], true);
  if (s === null) return;
  if (s === undefined) {
    c.addArrayLen(0);
    return;
  }
  addEntries(c, collectRange(s, start, end, count === -1 ? 0 : count, rev));
}

/** XRANGE key start end [COUNT count] */
function xrange(c: Client, argv: string[]): void {
  xrangeGeneric(c, argv, false);
}

/** XREVRANGE key end start [COUNT count] */
function xrevrange(c: Client, argv: string[]): void {
  xrangeGeneric(c, argv, true);
}

/** XLEN key */
function xlen(c: Client, argv: string[]): void {
  const s = streamAt(c, argv[1], true);
  if (s === null) return;
  c.addInt(s === undefined ? 0 : s.length);
}

/** XDEL key id [id …] */
function xdel(c: Client, argv: string[]): void {
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = strictId(c, argv[j]);
    if (id === null) return;
    ids.push(id);
  }
  const key = argv[1];
  const s = streamAt(c, key);
  if (s === null) return;
  if (s === undefined) {
    c.addInt(0);
    return;
  }
  let deleted = 0;
  for (const id of ids) if (s.deleteEntry(id)) deleted++;
  if (deleted !== 0) {
    s.updateFirstId();
    c.server.keyModified(c.db, key);
    c.server.notify("t", "xdel", key, c.db.id);
    c.server.dirty += deleted;
  }
  c.addInt(deleted);
}

/** XDELEX key [KEEPREF|DELREF|ACKED] IDS numids id [id …] (8.2) */
function xdelex(c: Client, argv: string[]): void {
  const p = parsePolicyIds(c, argv, 2);
  if (p === null) return;
  const key = argv[1];
  const s = streamAt(c, key);
  if (s === null) return;
  c.addArrayLen(p.ids.length);
  let deleted = 0;
  for (const id of p.ids) {
    const r = s === undefined ? -1 : s.deleteWithPolicy(id, p.policy);
    if (r === 1) deleted++;
    c.addInt(r);
  }
  if (deleted !== 0 && s !== undefined) {
    s.updateFirstId();
    c.server.keyModified(c.db, key);
    c.server.notify("t", "xdel", key, c.db.id);
    c.server.dirty += deleted;
  }
}

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] [KEEPREF|DELREF|ACKED] */
function xtrim(c: Client, argv: string[]): void {
  const a = parseAddTrim(c, argv, false);
  if (a === null) return;
  const key = argv[1];
  const s = streamAt(c, key);
  if (s === null) return;
  if (s === undefined || a.trim === null) {
    c.addInt(0); // (a.trim is set: XTRIM without a strategy was rejected while parsing)
    return;
  }
  const deleted = s.trim(a.trim);
  if (deleted !== 0) {
    c.server.notify("t", "xtrim", key, c.db.id);
    if (a.trim.approx) rewriteApproxTrim(c, s, a.trim, a.trimArgIdx);
    c.server.keyModified(c.db, key);
    c.server.dirty += deleted;
  }
  c.addInt(deleted);
}

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
function xsetid(c: Client, argv: string[]): void {
  const id = strictId(c, argv[2]);
  if (id === null) return;
  let entriesAdded = -1;
  let maxDel = MIN_ID;
  for (let i = 3; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const more = i + 1 < argv.length;
    if (opt === "entriesadded" && more) {
      const v = llArg(c, argv[i + 1]);
      if (v === null) return;
      if (v < 0) {
        c.addError(XSETID_ENTRIES_ADDED_NEGATIVE);
        return;
      }
      entriesAdded = v;
    } else if (opt === "maxdeletedid" && more) {
      const m = strictId(c, argv[i + 1]);
      if (m === null) return;
      if (id < m) {
        c.addError(XSETID_MAX_DELETED);
        return;
      }
      maxDel = m;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  const key = argv[1];
  const s = streamAt(c, key);
  if (s === null) return;
  if (s === undefined) {
    c.addError(NO_SUCH_KEY);
    return;
  }
  if (s.length > 0) {
    if (id < s.entries.last()!) {
      c.addError(XSETID_SMALLER);
      return;
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      c.addError(XSETID_ENTRIES_ADDED);
      return;
    }
  }
  if (id < s.maxDeletedId) {
    c.addError(XSETID_BELOW_MAX_DELETED);
    return;
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxDel !== MIN_ID) s.maxDeletedId = maxDel;
  c.addOk();
  c.server.keyModified(c.db, key);
  c.server.notify("t", "xsetid", key, c.db.id);
  c.server.dirty++;
}

export const commands: CommandDef[] = [
  { name: "xadd", handler: xadd },
  { name: "xrange", handler: xrange },
  { name: "xrevrange", handler: xrevrange },
  { name: "xlen", handler: xlen },
  { name: "xdel", handler: xdel },
  { name: "xdelex", handler: xdelex },
  { name: "xtrim", handler: xtrim },
  { name: "xsetid", handler: xsetid },
];
