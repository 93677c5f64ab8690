/**
 * Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH, SSUBSCRIBE SUNSUBSCRIBE
 * SPUBLISH and PUBSUB CHANNELS | NUMSUB | NUMPAT | SHARDCHANNELS | SHARDNUMSUB | HELP, with Redis's
 * reply shapes (one confirmation per channel carrying the subscription count, a null channel when an
 * argument-less unsubscribe had nothing to drop).
 *
 * Also wires Pub/Sub into the rest of the server: RESET drops subscriptions silently, CLIENT LIST
 * reports sub/psub/ssub, INFO reports pubsub_channels / pubsub_patterns / pubsubshard_channels. The
 * registries and delivery live in server/pubsub.ts; the RESP2 subscribed-mode command filter is in
 * dispatch.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  asPush,
  type ChannelKind,
  publish,
  publishShard,
  pubsubOf,
  subscribeChannel,
  subscribePattern,
  subsOf,
  unsubscribeChannel,
  unsubscribeEverything,
  unsubscribePattern,
  updatePubSubFlag,
} from "../server/pubsub.ts";
import { onClientReset } from "./connection.ts";
import { clientCounters } from "../server/client_info.ts";
import { provideInfoField } from "../server/info.ts";
import { compileGlob } from "../util/glob.ts";
import { replyHelp } from "./help.ts";
import { SSUBSCRIBE_DENY_BLOCKING, subcommandSyntax } from "../server/errors.ts";

// ---- confirmations ----------------------------------------------------------------------------------

/** `[kind, channel|null, count]` as an array (RESP2) or a push (RESP3). */
function confirm(c: Client, kind: string, channel: string | null, count: number): void {
  asPush(c, () => {
    c.addPushLen(3);
    c.addBulk(kind);
    if (channel === null) c.addNull();
    else c.addBulk(channel);
    c.addInt(count);
  });
}

/** The count a confirmation carries: channels + patterns, or shard channels only. */
function countFor(c: Client, kind: ChannelKind): number {
  const subs = subsOf(c);
  if (subs === undefined) return 0;
  return kind === "shard" ? subs.shard.size : subs.count;
}

let wired = false;

/**
 * Hooks Pub/Sub into RESET, CLIENT LIST and INFO, once per process, on the first subscription (until
 * then their defaults — nothing subscribed — are right; registering lazily also keeps module load free
 * of calls into modules that may still be initialising in an import cycle).
 */
function wire(): void {
  if (wired) return;
  wired = true;
  onClientReset(unsubscribeEverything);
  clientCounters.sub = (c) => subsOf(c)?.channels.size ?? 0;
  clientCounters.psub = (c) => subsOf(c)?.patterns.size ?? 0;
  clientCounters.ssub = (c) => subsOf(c)?.shard.size ?? 0;
  provideInfoField("pubsub_channels", (s) => pubsubOf(s)?.channels.size ?? 0);
  provideInfoField("pubsub_patterns", (s) => pubsubOf(s)?.patterns.size ?? 0);
  provideInfoField("pubsubshard_channels", (s) => pubsubOf(s)?.shard.size ?? 0);
}

// ---- SUBSCRIBE / UNSUBSCRIBE / SSUBSCRIBE / SUNSUBSCRIBE ----------------------------------------------

function subscribeGeneric(c: Client, argv: string[], kind: ChannelKind): void {
  wire();
  const reply = kind === "shard" ? "ssubscribe" : "subscribe";
  for (let j = 1; j < argv.length; j++) {
    subscribeChannel(c, argv[j], kind);
    confirm(c, reply, argv[j], countFor(c, kind));
  }
  c.flags.add("P");
}

function unsubscribeGeneric(c: Client, argv: string[], kind: ChannelKind): void {
  const reply = kind === "shard" ? "sunsubscribe" : "unsubscribe";
  if (argv.length === 1) {
    const subs = subsOf(c);
    const mine = subs === undefined ? [] : [...(kind === "shard" ? subs.shard : subs.channels)];
    for (const ch of mine) {
      unsubscribeChannel(c, ch, kind);
      confirm(c, reply, ch, countFor(c, kind));
    }
    if (mine.length === 0) confirm(c, reply, null, countFor(c, kind));
  } else {
    for (let j = 1; j < argv.length; j++) {
      unsubscribeChannel(c, argv[j], kind);
      confirm(c, reply, argv[j], countFor(c, kind));
    }
  }
  updatePubSubFlag(c);
}

function subscribe(c: Client, argv: string[]): void {
  subscribeGeneric(c, argv, "channel");
}

function unsubscribe(c: Client, argv: string[]): void {
  unsubscribeGeneric(c, argv, "channel");
}

/**
 * SSUBSCRIBE. Inside EXEC (or a script: any nested call) the client may not block, and unlike SUBSCRIBE
 * Redis makes no exception for MULTI.
 */
function ssubscribe(c: Client, argv: string[]): void {
  if (c.server.callDepth > 1) {
    c.addError(SSUBSCRIBE_DENY_BLOCKING);
    return;
  }
  subscribeGeneric(c, argv, "shard");
}

function sunsubscribe(c: Client, argv: string[]): void {
  unsubscribeGeneric(c, argv, "shard");
}

// ---- PSUBSCRIBE / PUNSUBSCRIBE --------------------------------------------------------------------------

function psubscribe(c: Client, argv: string[]): void {
  wire();
  for (let j = 1; j < argv.length; j++) {
    subscribePattern(c, argv[j]);
    confirm(c, "psubscribe", argv[j], countFor(c, "channel"));
  }
  c.flags.add("P");
}

function punsubscribe(c: Client, argv: string[]): void {
  if (argv.length === 1) {
    const subs = subsOf(c);
    const mine = subs === undefined ? [] : [...subs.patterns];
    for (const p of mine) {
      unsubscribePattern(c, p);
      confirm(c, "punsubscribe", p, countFor(c, "channel"));
    }
    if (mine.length === 0) confirm(c, "punsubscribe", null, countFor(c, "channel"));
  } else {
    for (let j = 1; j < argv.length; j++) {
      unsubscribePattern(c, argv[j]);
      confirm(c, "punsubscribe", argv[j], countFor(c, "channel"));
    }
  }
  updatePubSubFlag(c);
}

// ---- PUBLISH / SPUBLISH ---------------------------------------------------------------------------------

function publishCommand(c: Client, argv: string[]): void {
  c.addInt(publish(c.server, argv[1], argv[2]));
}

function spublishCommand(c: Client, argv: string[]): void {
  c.addInt(publishShard(c.server, argv[1], argv[2]));
}

// ---- PUBSUB -----------------------------------------------------------------------------------------------

/** Active channels of `map` matching the optional pattern, as an array. */
function channelList(c: Client, map: Map<string, Set<Client>> | undefined, pattern: string | undefined): void {
  const out: string[] = [];
  if (map !== undefined) {
    const match = pattern === undefined ? null : compileGlob(pattern);
    for (const ch of map.keys()) if (match === null || match(ch)) out.push(ch);
  }
  c.addBulkArray(out);
}

/** Flat [channel, count, …] array. */
function numsub(c: Client, argv: string[], map: Map<string, Set<Client>> | undefined): void {
  c.addArrayLen((argv.length - 2) * 2);
  for (let j = 2; j < argv.length; j++) {
    c.addBulk(argv[j]);
    c.addInt(map?.get(argv[j])?.size ?? 0);
  }
}

function pubsubChannels(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.addError(subcommandSyntax(argv[1], "pubsub"));
    return;
  }
  channelList(c, pubsubOf(c.server)?.channels, argv[2]);
}

function pubsubShardChannels(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.addError(subcommandSyntax(argv[1], "pubsub"));
    return;
  }
  channelList(c, pubsubOf(c.server)?.shard, argv[2]);
}

function pubsubNumsub(c: Client, argv: string[]): void {
  numsub(c, argv, pubsubOf(c.server)?.channels);
}

function pubsubShardNumsub(c: Client, argv: string[]): void {
  numsub(c, argv, pubsubOf(c.server)?.shard);
}

function pubsubNumpat(c: Client): void {
  c.addInt(pubsubOf(c.server)?.patterns.size ?? 0);
}

const HELP = [
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
];

function pubsubHelp(c: Client): void {
  replyHelp(c, "pubsub", HELP);
}

export const commands: CommandDef[] = [
  { name: "subscribe", handler: subscribe },
  { name: "unsubscribe", handler: unsubscribe },
  { name: "psubscribe", handler: psubscribe },
  { name: "punsubscribe", handler: punsubscribe },
  { name: "publish", handler: publishCommand },
  { name: "ssubscribe", handler: ssubscribe },
  { name: "sunsubscribe", handler: sunsubscribe },
  { name: "spublish", handler: spublishCommand },
  { name: "pubsub|channels", handler: pubsubChannels },
  { name: "pubsub|numsub", handler: pubsubNumsub },
  { name: "pubsub|numpat", handler: pubsubNumpat },
  { name: "pubsub|shardchannels", handler: pubsubShardChannels },
  { name: "pubsub|shardnumsub", handler: pubsubShardNumsub },
  { name: "pubsub|help", handler: pubsubHelp },
];
