/**
 * XREAD and XREADGROUP (t_stream.c xreadCommand): synchronous reads of new entries (`$`, `+`,
 * explicit IDs), group deliveries (`>`: advance the group, add to the PELs unless NOACK) and history
 * reads from the consumer's PEL, and BLOCK on the blocking framework (src/db/blocking.ts): the
 * command is re-executed when a key is signalled ready, so a deleted key, a destroyed group or a type
 * change gives the re-executed command's own error (NOGROUP, WRONGTYPE), as Redis 7.2+ does.
 *
 * XREADGROUP is never replicated as such: each delivery is an XCLAIM … FORCE JUSTID LASTID, then the
 * group's new last ID an XGROUP SETID … ENTRIESREAD, and a consumer created by a NOACK read an XGROUP
 * CREATECONSUMER (t_stream.c's streamPropagate* functions, in stream_group.ts). History reads are not.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  noGroup,
  NOT_INTEGER,
  SYNTAX,
  TIMEOUT_NEGATIVE,
  TIMEOUT_NOT_INTEGER,
  TIMEOUT_OUT_OF_RANGE,
  WRONGTYPE,
  XREAD_DOLLAR_IN_GROUP,
  XREAD_GROUP_ONLY,
  XREAD_GT_WITHOUT_GROUP,
  XREAD_NO_GROUP_OPT,
  XREAD_NOACK_ONLY,
  XREAD_PLUS_IN_GROUP,
  XREAD_UNBALANCED,
  XREADGROUP_UNBALANCED,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { type Consumer, type Group, newNack, Stream } from "../types/stream.ts";
import { formatId, idDecr, idIncr, MAX_ID, MIN_ID, type StreamId } from "../types/stream_id.ts";
import { addEntries, addEntry, collectRange } from "./stream.ts";
import { strictId } from "./stream_args.ts";
import { propagateGroupId, propagateXclaim } from "./stream_group.ts";

const LLONG_MAX = 9223372036854775807n;

/** A BLOCK timeout in milliseconds → absolute ms (0 = forever); null after replying. */
function msTimeout(c: Client, arg: string): number | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.addError(TIMEOUT_NOT_INTEGER);
    return null;
  }
  if (v < 0) {
    c.addError(TIMEOUT_NEGATIVE);
    return null;
  }
  if (Number(v) === 0) return 0;
  const now = c.server.clock.now();
  if (BigInt(v) > LLONG_MAX - BigInt(now)) {
    c.addError(TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  return Number(v) + now;
}

/**
 * Delivers new entries after the group's last ID to `cons` (streamReplyWithRange with a group). Each
 * delivery is replicated as an XCLAIM (unless NOACK), then the group's new last ID as XGROUP SETID …
 * ENTRIESREAD (Redis 7.2+). Returns the number of operations propagated.
 */
function deliverNew(
  c: Client,
  s: Stream,
  g: Group,
  cons: Consumer,
  count: number,
  noack: boolean,
  key: string,
  groupName: string,
): number {
  const start = idIncr(g.lastId);
  const r = start === null ? { ids: [], fields: [] } : collectRange(s, start, MAX_ID, count, false);
  const ids = r.ids;
  const now = c.server.clock.now();
  let propagated = 0, lastIdMoved = false;
  c.addArrayLen(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (id > g.lastId) lastIdMoved = true;
    s.groupDelivered(g, id);
    addEntry(c, id, r.fields[k]);
    if (!noack) {
      let nack = g.pel.get(id);
      if (nack === undefined) {
        nack = newNack(now, 1, cons);
        g.pel.set(id, nack);
        cons.pel.set(id, nack);
      } else {
        nack = g.reassign(id, nack, cons);
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
      }
      propagateXclaim(c, key, groupName, g, formatId(id), nack);
      propagated++;
    }
  }
  if (ids.length !== 0) cons.activeTime = now;
  if (lastIdMoved) {
    propagateGroupId(c, key, groupName, g);
    propagated++;
  }
  return propagated;
}

/** streamPropagateConsumerCreation: XGROUP CREATECONSUMER key group consumer (NOACK reads). */
function propagateConsumerCreation(c: Client, key: string, groupName: string, consumer: string): void {
  c.server.propagate(c.db.id, ["XGROUP", "CREATECONSUMER", key, groupName, consumer]);
}

/** Serves the consumer's own pending entries after `after` (history read). */
function deliverHistory(c: Client, s: Stream, cons: Consumer, after: StreamId, count: number): void {
  const start = idIncr(after);
  const ids = start === null ? [] : cons.pel.idsInRange(start, MAX_ID, count);
  const now = c.server.clock.now();
  c.addArrayLen(ids.length);
  for (const id of ids) {
    const fields = s.entries.get(id);
    addEntry(c, id, fields);
    if (fields !== undefined) {
      const nack = cons.pel.get(id)!;
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
  }
}

function xreadGeneric(c: Client, argv: string[], isGroup: boolean): void {
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let nstreams = 0;
  let noack = false;
  let groupName: string | null = null;
  let consumerName = "";
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i].toLowerCase();
    if (o === "block" && more) {
      const t = msTimeout(c, argv[++i]);
      if (t === null) return;
      timeout = t;
    } else if (o === "count" && more) {
      const v = parseInt64(argv[++i]);
      if (v === null) {
        c.addError(NOT_INTEGER);
        return;
      }
      count = v < 0 ? 0 : Number(v);
    } else if (o === "streams" && more) {
      streamsArg = i + 1;
      nstreams = argv.length - streamsArg;
      if (nstreams % 2 !== 0) {
        c.addError(isGroup ? XREADGROUP_UNBALANCED : XREAD_UNBALANCED);
        return;
      }
      nstreams /= 2;
      break;
    } else if (o === "group" && more >= 2) {
      if (!isGroup) {
        c.addError(XREAD_GROUP_ONLY);
        return;
      }
      groupName = argv[i + 1];
      consumerName = argv[i + 2];
      i += 2;
    } else if (o === "noack") {
      if (!isGroup) {
        c.addError(XREAD_NOACK_ONLY);
        return;
      }
      noack = true;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  if (streamsArg === 0) {
    c.addError(SYNTAX);
    return;
  }
  if (isGroup && groupName === null) {
    c.addError(XREAD_NO_GROUP_OPT);
    return;
  }
  // XREADGROUP is never replicated itself: its effects are (XCLAIM, XGROUP SETID / CREATECONSUMER).
  if (isGroup) c.preventPropagation = true;
  const db = c.db;
  const streams: (Stream | undefined)[] = [];
  const groups: Group[] = [];
  /** After which ID to serve; MAX_ID stands for ">". */
  const ids: StreamId[] = [];
  for (let k = 0; k < nstreams; k++) {
    const key = argv[streamsArg + k];
    const idArg = argv[streamsArg + nstreams + k];
    const v = db.lookupRead(key);
    if (v !== undefined && !(v instanceof Stream)) {
      c.addError(WRONGTYPE);
      return;
    }
    const s = v as Stream | undefined;
    streams.push(s);
    if (groupName !== null) {
      const g = s?.groups.get(groupName);
      if (g === undefined) {
        c.addError(noGroup(key, groupName, " in XREADGROUP with GROUP option"));
        return;
      }
      groups.push(g);
    }
    if (idArg === "$") {
      if (isGroup) {
        c.addError(XREAD_DOLLAR_IN_GROUP);
        return;
      }
      ids.push(s === undefined ? MIN_ID : s.lastId);
    } else if (idArg === "+") {
      if (isGroup) {
        c.addError(XREAD_PLUS_IN_GROUP);
        return;
      }
      ids.push(s === undefined || s.lastId === MIN_ID ? MIN_ID : idDecr(s.lastId)!);
    } else if (idArg === ">") {
      if (!isGroup) {
        c.addError(XREAD_GT_WITHOUT_GROUP);
        return;
      }
      ids.push(MAX_ID);
    } else {
      const id = strictId(c, idArg);
      if (id === null) return;
      ids.push(id);
    }
  }
  // Serve synchronously what can be served.
  const now = c.server.clock.now();
  const serve: number[] = [];
  const consumers: Consumer[] = [];
  /** Streams whose consumer this command created with NOACK (replicated as XGROUP CREATECONSUMER). */
  const createdNoack: boolean[] = [];
  for (let k = 0; k < nstreams; k++) {
    const s = streams[k];
    if (s === undefined) continue;
    if (isGroup) {
      const g = groups[k];
      const r = g.consumer(consumerName, now);
      if (r.created) {
        c.server.dirty++;
        c.server.notify("t", "xgroup-createconsumer", argv[streamsArg + k], db.id);
        if (noack) createdNoack[k] = true;
      }
      r.consumer.seenTime = now;
      consumers[k] = r.consumer;
      if (ids[k] !== MAX_ID) serve.push(k);
      else if (s.length !== 0 && s.entries.last()! > g.lastId) serve.push(k);
    } else if (s.length !== 0 && s.entries.last()! > ids[k]) serve.push(k);
  }
  if (serve.length !== 0) {
    if (c.resp === 2) c.addArrayLen(serve.length);
    else c.addMapLen(serve.length);
    // Streams in argument order, as Redis serves them: a NOACK consumer's creation is replicated
    // right before what is served from that stream.
    let next = 0;
    for (let k = 0; k < nstreams; k++) {
      if (createdNoack[k]) propagateConsumerCreation(c, argv[streamsArg + k], groupName!, consumerName);
      if (serve[next] !== k) continue;
      next++;
      const s = streams[k]!;
      if (c.resp === 2) c.addArrayLen(2);
      c.addBulk(argv[streamsArg + k]);
      if (!isGroup) {
        const start = idIncr(ids[k]);
        addEntries(c, start === null ? { ids: [], fields: [] } : collectRange(s, start, MAX_ID, count, false));
      } else if (ids[k] === MAX_ID) {
        const key = argv[streamsArg + k];
        if (deliverNew(c, s, groups[k], consumers[k], count, noack, key, groupName!) !== 0) c.server.dirty++;
      } else {
        deliverHistory(c, s, consumers[k], ids[k], count); // history reads are not replicated
      }
    }
    return;
  }
  for (let k = 0; k < nstreams; k++) {
    if (createdNoack[k]) propagateConsumerCreation(c, argv[streamsArg + k], groupName!, consumerName);
  }
  if (timeout !== -1) {
    const blocking = c.server.blocking;
    if (blocking.cannotBlock(c)) {
      c.addNullArray();
      return;
    }
    // Pin `$` to the ID it means now, so the re-executed command waits for entries after it.
    for (let k = 0; k < nstreams; k++) {
      const j = streamsArg + nstreams + k;
      if (argv[j] === "$") {
        argv[j] = formatId(ids[k]);
        if (c.argv !== argv && c.argv[j] === "$") c.argv[j] = argv[j];
      }
    }
    const keys = argv.slice(streamsArg, streamsArg + nstreams);
    blocking.blockForKeys(c, "stream", keys, timeout, isGroup);
    return;
  }
  c.addNullArray();
}

/** XREAD [COUNT count] [BLOCK ms] STREAMS key [key …] id [id …] */
function xread(c: Client, argv: string[]): void {
  xreadGeneric(c, argv, false);
}

/** XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS key [key …] id [id …] */
function xreadgroup(c: Client, argv: string[]): void {
  xreadGeneric(c, argv, true);
}

export const commands: CommandDef[] = [
  { name: "xread", handler: xread },
  { name: "xreadgroup", handler: xreadgroup },
];
