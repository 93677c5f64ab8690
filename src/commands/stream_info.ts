/**
 * XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS (t_stream.c xinfoCommand) with the
 * Redis 7.2+ fields: entries-read and lag per group, seen-time / active-time per consumer, idle and
 * inactive in XINFO CONSUMERS.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { NO_SUCH_KEY, noGroupForKey, subcommandSyntax } from "../server/errors.ts";
import { type Group, INVALID_ENTRIES_READ, type Stream } from "../types/stream.ts";
import { formatId, MAX_ID, MIN_ID } from "../types/stream_id.ts";
import { addEntries, addEntry, collectRange } from "./stream.ts";
import { llArg, streamAt } from "./stream_args.ts";
import { replyHelp } from "./help.ts";

const XINFO_HELP = [
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
];

/** The stream at argv[2] or null after replying (no such key / WRONGTYPE). */
function infoStream(c: Client, key: string): Stream | null {
  const s = streamAt(c, key, true);
  if (s === null) return null;
  if (s === undefined) {
    c.addError(NO_SUCH_KEY);
    return null;
  }
  return s;
}

function addEntriesRead(c: Client, g: Group): void {
  if (g.entriesRead !== INVALID_ENTRIES_READ) c.addInt(g.entriesRead);
  else c.addNull();
}

function addLag(c: Client, s: Stream, g: Group): void {
  const lag = s.groupLag(g);
  if (lag === null) c.addNull();
  else c.addInt(lag);
}

/** The listpack-node counters XINFO STREAM reports (radix-tree-keys / -nodes, approximated). */
function addRaxFields(c: Client, s: Stream): void {
  const keys = s.entries.blocks.length;
  c.addBulk("radix-tree-keys");
  c.addInt(keys);
  c.addBulk("radix-tree-nodes");
  c.addInt(keys === 0 ? 1 : keys + Math.ceil(keys / 2));
}

function addHeader(c: Client, s: Stream): void {
  c.addBulk("length");
  c.addInt(s.length);
  addRaxFields(c, s);
  c.addBulk("last-generated-id");
  c.addBulk(formatId(s.lastId));
  c.addBulk("max-deleted-entry-id");
  c.addBulk(formatId(s.maxDeletedId));
  c.addBulk("entries-added");
  c.addInt(s.entriesAdded);
  c.addBulk("recorded-first-entry-id");
  c.addBulk(formatId(s.firstId));
}

/** XINFO STREAM key [FULL [COUNT count]] */
function xinfoStream(c: Client, argv: string[]): void {
  let full = false;
  let count = 10;
  if (argv.length > 3) {
    if (argv[3].toLowerCase() !== "full" || (argv.length !== 4 && argv.length !== 6)) {
      c.addError(subcommandSyntax(argv[1], "xinfo"));
      return;
    }
    full = true;
    if (argv.length === 6) {
      if (argv[4].toLowerCase() !== "count") {
        c.addError(subcommandSyntax(argv[1], "xinfo"));
        return;
      }
      const v = llArg(c, argv[5]);
      if (v === null) return;
      count = v < 0 ? 10 : v;
    }
  }
  const s = infoStream(c, argv[2]);
  if (s === null) return;
  if (!full) {
    c.addMapLen(10);
    addHeader(c, s);
    c.addBulk("groups");
    c.addInt(s.groups.size);
    c.addBulk("first-entry");
    const first = s.entries.first();
    if (first === undefined) c.addNull();
    else addEntry(c, first, s.entries.get(first));
    c.addBulk("last-entry");
    const last = s.entries.last();
    if (last === undefined) c.addNull();
    else addEntry(c, last, s.entries.get(last));
    return;
  }
  c.addMapLen(9);
  addHeader(c, s);
  c.addBulk("entries");
  addEntries(c, collectRange(s, MIN_ID, MAX_ID, count, false));
  c.addBulk("groups");
  const groups = s.sortedGroups();
  c.addArrayLen(groups.length);
  for (const g of groups) {
    c.addMapLen(7);
    c.addBulk("name");
    c.addBulk(g.name);
    c.addBulk("last-delivered-id");
    c.addBulk(formatId(g.lastId));
    c.addBulk("entries-read");
    addEntriesRead(c, g);
    c.addBulk("lag");
    addLag(c, s, g);
    c.addBulk("pel-count");
    c.addInt(g.pel.size);
    c.addBulk("pending");
    const pending = g.pel.idsInRange(MIN_ID, MAX_ID, count);
    c.addArrayLen(pending.length);
    for (const id of pending) {
      const n = g.pel.get(id)!;
      c.addArrayLen(4);
      c.addBulk(formatId(id));
      c.addBulk(n.consumer.name);
      c.addInt(n.deliveryTime);
      c.addInt(n.deliveryCount);
    }
    c.addBulk("consumers");
    const consumers = g.sortedConsumers();
    c.addArrayLen(consumers.length);
    for (const cons of consumers) {
      c.addMapLen(5);
      c.addBulk("name");
      c.addBulk(cons.name);
      c.addBulk("seen-time");
      c.addInt(cons.seenTime);
      c.addBulk("active-time");
      c.addInt(cons.activeTime);
      c.addBulk("pel-count");
      c.addInt(cons.pel.size);
      c.addBulk("pending");
      const ids = cons.pel.idsInRange(MIN_ID, MAX_ID, count);
      c.addArrayLen(ids.length);
      for (const id of ids) {
        const n = cons.pel.get(id)!;
        c.addArrayLen(3);
        c.addBulk(formatId(id));
        c.addInt(n.deliveryTime);
        c.addInt(n.deliveryCount);
      }
    }
  }
}

/** XINFO GROUPS key */
function xinfoGroups(c: Client, argv: string[]): void {
  const s = infoStream(c, argv[2]);
  if (s === null) return;
  const groups = s.sortedGroups();
  c.addArrayLen(groups.length);
  for (const g of groups) {
    c.addMapLen(6);
    c.addBulk("name");
    c.addBulk(g.name);
    c.addBulk("consumers");
    c.addInt(g.consumers.size);
    c.addBulk("pending");
    c.addInt(g.pel.size);
    c.addBulk("last-delivered-id");
    c.addBulk(formatId(g.lastId));
    c.addBulk("entries-read");
    addEntriesRead(c, g);
    c.addBulk("lag");
    addLag(c, s, g);
  }
}

/** XINFO CONSUMERS key group */
function xinfoConsumers(c: Client, argv: string[]): void {
  const s = infoStream(c, argv[2]);
  if (s === null) return;
  const g = s.groups.get(argv[3]);
  if (g === undefined) {
    c.addError(noGroupForKey(argv[3], argv[2]));
    return;
  }
  const now = c.server.clock.now();
  const consumers = g.sortedConsumers();
  c.addArrayLen(consumers.length);
  for (const cons of consumers) {
    c.addMapLen(4);
    c.addBulk("name");
    c.addBulk(cons.name);
    c.addBulk("pending");
    c.addInt(cons.pel.size);
    c.addBulk("idle");
    c.addInt(Math.max(0, now - cons.seenTime));
    c.addBulk("inactive");
    c.addInt(cons.activeTime === -1 ? -1 : Math.max(0, now - cons.activeTime));
  }
}

export const commands: CommandDef[] = [
  { name: "xinfo|help", handler: (c) => replyHelp(c, "XINFO", XINFO_HELP) },
  { name: "xinfo|stream", handler: xinfoStream },
  { name: "xinfo|groups", handler: xinfoGroups },
  { name: "xinfo|consumers", handler: xinfoConsumers },
];
