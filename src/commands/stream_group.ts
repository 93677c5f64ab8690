/**
 * Consumer-group commands (t_stream.c): XGROUP CREATE / SETID / CREATECONSUMER / DELCONSUMER /
 * DESTROY, XACK, the 8.2 XACKDEL, XPENDING (summary and extended form), XCLAIM and XAUTOCLAIM.
 * Group and consumer structures are in src/types/stream.ts; reads (XREADGROUP) in stream_read.ts.
 * XCLAIM and XAUTOCLAIM are replicated as one idempotent XCLAIM per entry they claim or drop (and
 * XGROUP SETID when only LASTID moved the group), never as themselves.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  noGroup,
  noGroupForKey,
  STREAM_BAD_END,
  STREAM_BAD_START,
  subcommandSyntax,
  SYNTAX,
  XAUTOCLAIM_BAD_COUNT,
  XAUTOCLAIM_BAD_IDLE,
  XCLAIM_BAD_IDLE,
  XCLAIM_BAD_MINIDLE,
  XCLAIM_BAD_RETRYCOUNT,
  XCLAIM_BAD_TIME,
  xclaimBadOption,
  XGROUP_BUSY,
  XGROUP_ENTRIESREAD,
  XGROUP_NO_KEY,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { type Consumer, Group, INVALID_ENTRIES_READ, type Nack, newNack, Stream } from "../types/stream.ts";
import { formatId, idDecr, idIncr, MIN_ID, parseIdText, type StreamId } from "../types/stream_id.ts";
import { intervalId, llArg, looseId, parsePolicyIds, streamAt, strictId } from "./stream_args.ts";
import { addEntry } from "./stream.ts";
import { replyHelp } from "./help.ts";

const XGROUP_HELP = [
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
];

/**
 * streamPropagateXCLAIM: the idempotent form of a delivery or claim of entry `idText` (or of the
 * removal of a pending entry whose stream entry is gone), as the replicas must apply it:
 * XCLAIM key group consumer 0 id TIME <ms> RETRYCOUNT <n> FORCE JUSTID LASTID <group last ID>.
 */
export function propagateXclaim(c: Client, key: string, groupName: string, g: Group, idText: string, nack: Nack): void {
  if (c.server.propagateHooks.length === 0) return; // nothing records it (no AOF): skip building it
  c.server.propagate(c.db.id, [
    "XCLAIM",
    key,
    groupName,
    nack.consumer.name,
    "0",
    idText,
    "TIME",
    String(nack.deliveryTime),
    "RETRYCOUNT",
    String(nack.deliveryCount),
    "FORCE",
    "JUSTID",
    "LASTID",
    formatId(g.lastId),
  ]);
}

/** streamPropagateGroupID: XGROUP SETID key group <last ID> ENTRIESREAD <entries read>. */
export function propagateGroupId(c: Client, key: string, groupName: string, g: Group): void {
  if (c.server.propagateHooks.length === 0) return; // nothing records it (no AOF): skip building it
  c.server.propagate(c.db.id, [
    "XGROUP",
    "SETID",
    key,
    groupName,
    formatId(g.lastId),
    "ENTRIESREAD",
    String(g.entriesRead),
  ]);
}

/** The group `name` of the stream at `key`, or null after replying `err(key, group)` (or WRONGTYPE). */
function groupOrReply(c: Client, key: string, name: string, suffix: string): { s: Stream; g: Group } | null {
  const s = streamAt(c, key, true);
  if (s === null) return null;
  const g = s?.groups.get(name);
  if (s === undefined || g === undefined) {
    c.addError(noGroup(key, name, suffix));
    return null;
  }
  return { s, g };
}

/** XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER key group … */
function xgroup(c: Client, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  const create = sub === "create";
  const setid = sub === "setid";
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length;) {
    const a = argv[i].toLowerCase();
    if (create && a === "mkstream") {
      mkstream = true;
      i++;
    } else if ((create || setid) && a === "entriesread" && i + 1 < argv.length) {
      const v = llArg(c, argv[i + 1]);
      if (v === null) return;
      if (v < 0 && v !== INVALID_ENTRIES_READ) {
        c.addError(XGROUP_ENTRIESREAD);
        return;
      }
      entriesRead = v;
      i += 2;
    } else {
      c.addError(subcommandSyntax(argv[1], "xgroup"));
      return;
    }
  }
  const key = argv[2];
  const name = argv[3];
  let s = streamAt(c, key);
  if (s === null) return;
  if (s === undefined && !(create && mkstream)) {
    c.addError(XGROUP_NO_KEY);
    return;
  }
  const g = s?.groups.get(name);
  if (g === undefined && (setid || sub === "createconsumer" || sub === "delconsumer")) {
    c.addError(noGroupForKey(name, key));
    return;
  }
  const srv = c.server;
  const dbid = c.db.id;
  if (create && argv.length >= 5 && argv.length <= 8) {
    let id: StreamId;
    if (argv[4] === "$") id = s === undefined ? MIN_ID : s.lastId;
    else {
      const p = strictId(c, argv[4]);
      if (p === null) return;
      id = p;
    }
    if (s === undefined) {
      s = new Stream();
      c.db.set(key, s);
    }
    if (s.groups.has(name)) {
      c.addError(XGROUP_BUSY);
      return;
    }
    s.groups.set(name, new Group(name, id, entriesRead));
    c.addOk();
    srv.dirty++;
    srv.notify("t", "xgroup-create", key, dbid);
  } else if (setid && (argv.length === 5 || argv.length === 7)) {
    let id: StreamId;
    if (argv[4] === "$") id = s!.lastId;
    else {
      const p = looseId(c, argv[4]);
      if (p === null) return;
      id = p;
    }
    g!.lastId = id;
    g!.entriesRead = entriesRead;
    c.addOk();
    srv.dirty++;
    srv.notify("t", "xgroup-setid", key, dbid);
  } else if (sub === "destroy" && argv.length === 4) {
    if (g === undefined) {
      c.addInt(0);
      return;
    }
    s!.groups.delete(name);
    c.addInt(1);
    srv.dirty++;
    srv.notify("t", "xgroup-destroy", key, dbid);
    srv.blocking.signalKeyAsReady(c.db, key);
  } else if (sub === "createconsumer" && argv.length === 5) {
    const r = g!.consumer(argv[4], srv.clock.now());
    if (r.created) {
      srv.dirty++;
      srv.notify("t", "xgroup-createconsumer", key, dbid);
    }
    c.addInt(r.created ? 1 : 0);
  } else if (sub === "delconsumer" && argv.length === 5) {
    const cons = g!.consumers.get(argv[4]);
    let pending = 0;
    if (cons !== undefined) {
      pending = cons.pel.size;
      cons.pel.forEach((id) => g!.pel.delete(id));
      g!.consumers.delete(argv[4]);
      srv.dirty++;
      srv.notify("t", "xgroup-delconsumer", key, dbid);
    }
    c.addInt(pending);
  } else {
    c.addError(subcommandSyntax(argv[1], "xgroup"));
  }
}

/** Parses strict IDs argv[from…]; null after replying. */
function idList(c: Client, argv: string[], from: number): StreamId[] | null {
  const ids: StreamId[] = [];
  for (let j = from; j < argv.length; j++) {
    const id = strictId(c, argv[j]);
    if (id === null) return null;
    ids.push(id);
  }
  return ids;
}

/** XACK key group id [id …] */
function xack(c: Client, argv: string[]): void {
  const s = streamAt(c, argv[1], true);
  if (s === null) return;
  const g = s?.groups.get(argv[2]);
  if (g === undefined) {
    c.addInt(0);
    return;
  }
  const ids = idList(c, argv, 3);
  if (ids === null) return;
  let n = 0;
  for (const id of ids) if (g.ack(id)) n++;
  c.server.dirty += n;
  c.addInt(n);
}

/** XACKDEL key group [KEEPREF|DELREF|ACKED] IDS numids id [id …] (8.2) */
function xackdel(c: Client, argv: string[]): void {
  const p = parsePolicyIds(c, argv, 3);
  if (p === null) return;
  const key = argv[1];
  const s = streamAt(c, key);
  if (s === null) return;
  const g = s?.groups.get(argv[2]);
  if (s === undefined || g === undefined) {
    c.addError(noGroup(key, argv[2], ""));
    return;
  }
  c.addArrayLen(p.ids.length);
  let deleted = 0;
  for (const id of p.ids) {
    const acked = g.ack(id);
    if (acked) c.server.dirty++;
    const r = s.deleteWithPolicy(id, p.policy);
    if (r === 1) deleted++;
    c.addInt(r);
  }
  if (deleted !== 0) {
    s.updateFirstId();
    c.server.keyModified(c.db, key);
    c.server.notify("t", "xdel", key, c.db.id);
    c.server.dirty += deleted;
  }
}

/** XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
function xpending(c: Client, argv: string[]): void {
  const summary = argv.length === 3;
  if (!summary && (argv.length < 6 || argv.length > 9)) {
    c.addError(SYNTAX);
    return;
  }
  let start = MIN_ID;
  let end = MIN_ID;
  let count = 0;
  let minIdle = 0;
  let consumerName: string | null = null;
  if (!summary) {
    let si = 3;
    if (argv[3].toLowerCase() === "idle") {
      const v = llArg(c, argv[4]);
      if (v === null) return;
      minIdle = v;
      if (argv.length < 8) {
        c.addError(SYNTAX);
        return;
      }
      si += 2;
    }
    const cnt = llArg(c, argv[si + 2]);
    if (cnt === null) return;
    count = cnt < 0 ? 0 : cnt;
    const st = intervalId(c, argv[si], "min");
    if (st === null) return;
    if (st.exclusive) {
      const n = idIncr(st.id);
      if (n === null) {
        c.addError(STREAM_BAD_START);
        return;
      }
      start = n;
    } else start = st.id;
    const en = intervalId(c, argv[si + 1], "max");
    if (en === null) return;
    if (en.exclusive) {
      const n = idDecr(en.id);
      if (n === null) {
        c.addError(STREAM_BAD_END);
        return;
      }
      end = n;
    } else end = en.id;
    if (si + 3 < argv.length) consumerName = argv[si + 3];
  }
  const r = groupOrReply(c, argv[1], argv[2], "");
  if (r === null) return;
  const g = r.g;
  if (summary) {
    c.addArrayLen(4);
    c.addInt(g.pel.size);
    if (g.pel.size === 0) {
      c.addNull();
      c.addNull();
      c.addNullArray();
      return;
    }
    c.addBulk(formatId(g.pel.first()!));
    c.addBulk(formatId(g.pel.last()!));
    const list = g.sortedConsumers().filter((x) => x.pel.size !== 0);
    c.addArrayLen(list.length);
    for (const x of list) {
      c.addArrayLen(2);
      c.addBulk(x.name);
      c.addBulk(String(x.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const cons = g.consumers.get(consumerName);
    if (cons === undefined) {
      c.addArrayLen(0);
      return;
    }
    pel = cons.pel;
  }
  const now = c.server.clock.now();
  const rows: [StreamId, Nack][] = [];
  for (const cur = pel.seekGE(start); count > 0 && cur.valid; cur.next()) {
    const nack = cur.value;
    const id = cur.member;
    if (id > end) break;
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    rows.push([id, nack]);
    count--;
  }
  c.addArrayLen(rows.length);
  for (const [id, nack] of rows) {
    c.addArrayLen(4);
    c.addBulk(formatId(id));
    c.addBulk(nack.consumer.name);
    c.addInt(Math.max(0, now - nack.deliveryTime));
    c.addInt(nack.deliveryCount);
  }
}

/** XCLAIM key group consumer min-idle-time id [id …] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
function xclaim(c: Client, argv: string[]): void {
  const r = groupOrReply(c, argv[1], argv[2], "");
  if (r === null) return;
  const { s, g } = r;
  const mi = parseInt64(argv[4]);
  if (mi === null) {
    c.addError(XCLAIM_BAD_MINIDLE);
    return;
  }
  const minIdle = Math.max(0, Number(mi));
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseIdText(argv[j], "min", true);
    if (p === null) break;
    ids.push(p.id);
  }
  const now = c.server.clock.now();
  let deliveryTime = -1;
  let retryCount = -1;
  let force = false;
  let justId = false;
  let lastId = MIN_ID;
  for (; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = j + 1 < argv.length;
    if (opt === "force") force = true;
    else if (opt === "justid") justId = true;
    else if ((opt === "idle" || opt === "time" || opt === "retrycount") && more) {
      const v = parseInt64(argv[++j]);
      if (v === null) {
        c.addError(opt === "idle" ? XCLAIM_BAD_IDLE : opt === "time" ? XCLAIM_BAD_TIME : XCLAIM_BAD_RETRYCOUNT);
        return;
      }
      if (opt === "idle") deliveryTime = now - Number(v);
      else if (opt === "time") deliveryTime = Number(v);
      else retryCount = Number(v);
    } else if (opt === "lastid" && more) {
      const id = strictId(c, argv[++j]);
      if (id === null) return;
      lastId = id;
    } else {
      c.addError(xclaimBadOption(argv[j]));
      return;
    }
  }
  // Every effect is replicated as its own XCLAIM (or XGROUP SETID), never the command itself.
  c.preventPropagation = true;
  const key = argv[1], groupName = argv[2];
  let propagateLastId = false;
  if (lastId > g.lastId) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  // Since 7.2 the claiming consumer is created (or its seen time refreshed) even if nothing is claimed.
  const cons = claimConsumer(c, g, argv[3], argv[1]);
  const claimed: StreamId[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    let nack = g.pel.get(id);
    if (!s.entries.has(id)) {
      if (nack !== undefined) {
        // The entry is gone: the pending entry is dropped, replicated as an XCLAIM of it.
        propagateXclaim(c, key, groupName, g, argv[5 + k], nack);
        propagateLastId = false;
        g.ack(id);
        c.server.dirty++;
      }
      continue;
    }
    let fresh = false;
    if (force && nack === undefined) {
      fresh = true;
    }
    if (nack === undefined && !fresh) continue;
    if (nack !== undefined && minIdle && now - nack.deliveryTime < minIdle) continue;
    if (nack === undefined) {
      nack = newNack(now, 1, cons);
      g.pel.set(id, nack);
      cons.pel.set(id, nack);
    } else nack = g.reassign(id, nack, cons);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justId) nack.deliveryCount++;
    cons.activeTime = now;
    claimed.push(id);
    propagateXclaim(c, key, groupName, g, argv[5 + k], nack);
    propagateLastId = false;
    c.server.dirty++;
  }
  if (propagateLastId) {
    propagateGroupId(c, key, groupName, g);
    c.server.dirty++;
  }
  c.addArrayLen(claimed.length);
  for (const id of claimed) {
    if (justId) c.addBulk(formatId(id));
    else addEntry(c, id, s.entries.get(id));
  }
}

/** The claiming consumer: looked up (seen time refreshed) or created. */
function claimConsumer(c: Client, g: Group, name: string, key: string): Consumer {
  const now = c.server.clock.now();
  const r = g.consumer(name, now);
  if (r.created) {
    c.server.dirty++;
    c.server.notify("t", "xgroup-createconsumer", key, c.db.id);
  } else r.consumer.seenTime = now;
  return r.consumer;
}

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
function xautoclaim(c: Client, argv: string[]): void {
  const mi = parseInt64(argv[4]);
  if (mi === null) {
    c.addError(XAUTOCLAIM_BAD_IDLE);
    return;
  }
  const minIdle = Math.max(0, Number(mi));
  const st = intervalId(c, argv[5], "min");
  if (st === null) return;
  let start = st.id;
  if (st.exclusive) {
    const n = idIncr(start);
    if (n === null) {
      c.addError(STREAM_BAD_START);
      return;
    }
    start = n;
  }
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === "count" && j + 1 < argv.length) {
      const v = parseInt64(argv[j + 1]);
      if (v === null || v < 1 || v > 922337203685477580n) {
        c.addError(XAUTOCLAIM_BAD_COUNT);
        return;
      }
      count = Number(v);
      j++;
    } else if (opt === "justid") justId = true;
    else {
      c.addError(SYNTAX);
      return;
    }
  }
  const r = groupOrReply(c, argv[1], argv[2], "");
  if (r === null) return;
  const { s, g } = r;
  let attempts = count * 10;
  const now = c.server.clock.now();
  // Since 7.2 the claiming consumer is created (or its seen time refreshed) even if nothing is claimed.
  const cons = claimConsumer(c, g, argv[3], argv[1]);
  const claimed: StreamId[] = [];
  const deleted: StreamId[] = [];
  // Walk the PEL from `start`; collect first (acks below change the tree).
  const pending: StreamId[] = [];
  let next = MIN_ID;
  const cur = g.pel.seekGE(start);
  let budgetCount = count;
  while (attempts-- && budgetCount && cur.valid) {
    const id = cur.member;
    cur.next();
    pending.push(id);
    const nack = g.pel.get(id)!;
    if (!s.entries.has(id)) {
      budgetCount--;
      continue;
    }
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    budgetCount--;
  }
  next = cur.valid ? cur.member : MIN_ID;
  c.preventPropagation = true; // the effects are replicated as XCLAIMs
  const key = argv[1], groupName = argv[2];
  for (const id of pending) {
    let nack = g.pel.get(id)!;
    if (!s.entries.has(id)) {
      propagateXclaim(c, key, groupName, g, formatId(id), nack);
      g.ack(id);
      deleted.push(id);
      c.server.dirty++;
      continue;
    }
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    nack = g.reassign(id, nack, cons);
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount++;
    cons.activeTime = now;
    claimed.push(id);
    propagateXclaim(c, key, groupName, g, formatId(id), nack);
    c.server.dirty++;
  }
  c.addArrayLen(3);
  c.addBulk(formatId(next));
  c.addArrayLen(claimed.length);
  for (const id of claimed) {
    if (justId) c.addBulk(formatId(id));
    else addEntry(c, id, s.entries.get(id));
  }
  c.addArrayLen(deleted.length);
  for (const id of deleted) c.addBulk(formatId(id));
}

export const commands: CommandDef[] = [
  { name: "xgroup|help", handler: (c) => replyHelp(c, "XGROUP", XGROUP_HELP) },
  { name: "xgroup|create", handler: xgroup },
  { name: "xgroup|setid", handler: xgroup },
  { name: "xgroup|destroy", handler: xgroup },
  { name: "xgroup|createconsumer", handler: xgroup },
  { name: "xgroup|delconsumer", handler: xgroup },
  { name: "xack", handler: xack },
  { name: "xackdel", handler: xackdel },
  { name: "xpending", handler: xpending },
  { name: "xclaim", handler: xclaim },
  { name: "xautoclaim", handler: xautoclaim },
];
