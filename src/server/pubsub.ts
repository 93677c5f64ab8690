/**
 * Pub/Sub state and delivery (Redis's pubsub.c core): the server-wide registries of channels, patterns
 * and shard channels, each client's own subscription sets, `publish()` / `publishShard()` returning the
 * number of receivers, and the message formats (RESP2 arrays, RESP3 pushes).
 *
 * Delivery writes into the subscriber's output buffer and asks for a flush on the next tick
 * (`requestFlush()`), so a burst of publishes reaches each subscriber in one write. A message is
 * encoded once per publish (and pattern) and copied into every subscriber's buffer. Like Redis 7.2+,
 * a push produced for the client whose command is running (PUBLISH to itself, keyspace events of its
 * own writes) is held until that command's reply is written (`flushPendingPushes()`, called by
 * dispatch), and push messages ignore CLIENT REPLY OFF/SKIP.
 *
 * State is created on the first subscription of a server; until then publishing costs one lookup.
 */
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import { strToBytes } from "../resp/bytes.ts";
import { compileGlob } from "../util/glob.ts";

/** Commands a RESP2 client may run while subscribed (Redis's processCommand filter); full names. */
export const PUBSUB_CONTEXT_COMMANDS: ReadonlySet<string> = new Set([
  "ping",
  "subscribe",
  "ssubscribe",
  "unsubscribe",
  "sunsubscribe",
  "psubscribe",
  "punsubscribe",
  "quit",
  "reset",
]);

/** A pattern subscription: its matcher and its subscribers (subscription order). */
interface PatternEntry {
  match: (channel: string) => boolean;
  clients: Set<Client>;
}

/** Server-wide registries. */
export class PubSub {
  /** channel → subscribers. */
  readonly channels = new Map<string, Set<Client>>();
  /** pattern → matcher and subscribers. */
  readonly patterns = new Map<string, PatternEntry>();
  /** shard channel → subscribers. */
  readonly shard = new Map<string, Set<Client>>();
}

/** One client's subscriptions. */
export class ClientSubs {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shard = new Set<string>();

  /** Channel + pattern subscriptions (the count SUBSCRIBE / PSUBSCRIBE confirmations carry). */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Every subscription, shard channels included. */
  get total(): number {
    return this.channels.size + this.patterns.size + this.shard.size;
  }
}

const states = new WeakMap<Server, PubSub>();
const clientSubs = new WeakMap<Client, ClientSubs>();

/** The server's Pub/Sub registries, or undefined when nobody ever subscribed. */
export function pubsubOf(server: Server): PubSub | undefined {
  return states.get(server);
}

/** The registries, created (with the disconnect cleanup hook) on first use. */
function ensureState(server: Server): PubSub {
  let st = states.get(server);
  if (st === undefined) {
    st = new PubSub();
    states.set(server, st);
    server.clientClosedHooks.push((c) => unsubscribeEverything(c));
  }
  return st;
}

/** A client's subscriptions, or undefined when it never subscribed. */
export function subsOf(c: Client): ClientSubs | undefined {
  return clientSubs.get(c);
}

function ensureSubs(c: Client): ClientSubs {
  let s = clientSubs.get(c);
  if (s === undefined) {
    s = new ClientSubs();
    clientSubs.set(c, s);
  }
  return s;
}

// ---- subscription bookkeeping ---------------------------------------------------------------------

/** The two kinds of plain channel registries: regular and shard. */
export type ChannelKind = "channel" | "shard";

/** Adds `channel` to the client's subscriptions; false when it was already there. */
export function subscribeChannel(c: Client, channel: string, kind: ChannelKind): boolean {
  const subs = ensureSubs(c);
  const mine = kind === "shard" ? subs.shard : subs.channels;
  if (mine.has(channel)) return false;
  mine.add(channel);
  const st = ensureState(c.server);
  const map = kind === "shard" ? st.shard : st.channels;
  let set = map.get(channel);
  if (set === undefined) map.set(channel, set = new Set());
  set.add(c);
  return true;
}

/** Removes `channel` from the client's subscriptions; false when it was not there. */
export function unsubscribeChannel(c: Client, channel: string, kind: ChannelKind): boolean {
  const subs = clientSubs.get(c);
  const mine = subs === undefined ? undefined : kind === "shard" ? subs.shard : subs.channels;
  if (mine === undefined || !mine.delete(channel)) return false;
  const st = states.get(c.server)!;
  const map = kind === "shard" ? st.shard : st.channels;
  const set = map.get(channel);
  if (set !== undefined) {
    set.delete(c);
    if (set.size === 0) map.delete(channel);
  }
  return true;
}

/** Adds a pattern subscription; false when the client already had it. */
export function subscribePattern(c: Client, pattern: string): boolean {
  const subs = ensureSubs(c);
  if (subs.patterns.has(pattern)) return false;
  subs.patterns.add(pattern);
  const st = ensureState(c.server);
  let e = st.patterns.get(pattern);
  if (e === undefined) st.patterns.set(pattern, e = { match: compileGlob(pattern), clients: new Set() });
  e.clients.add(c);
  return true;
}

/** Removes a pattern subscription; false when the client did not have it. */
export function unsubscribePattern(c: Client, pattern: string): boolean {
  const subs = clientSubs.get(c);
  if (subs === undefined || !subs.patterns.delete(pattern)) return false;
  const st = states.get(c.server)!;
  const e = st.patterns.get(pattern);
  if (e !== undefined) {
    e.clients.delete(c);
    if (e.clients.size === 0) st.patterns.delete(pattern);
  }
  return true;
}

/** Sets or clears the client's "P" flag from its total subscription count (Redis's (un)markClientAsPubSub). */
export function updatePubSubFlag(c: Client): void {
  const subs = clientSubs.get(c);
  if (subs !== undefined && subs.total > 0) c.flags.add("P");
  else c.flags.delete("P");
}

/** Drops every subscription of a client silently (disconnect, RESET). */
export function unsubscribeEverything(c: Client): void {
  const subs = clientSubs.get(c);
  if (subs === undefined) return;
  for (const ch of [...subs.channels]) unsubscribeChannel(c, ch, "channel");
  for (const ch of [...subs.shard]) unsubscribeChannel(c, ch, "shard");
  for (const p of [...subs.patterns]) unsubscribePattern(c, p);
  clientSubs.delete(c);
  c.flags.delete("P");
}

// ---- encoding ---------------------------------------------------------------------------------------

/** `$len\r\ns\r\n` */
function bulk(s: string): string {
  return "$" + s.length + "\r\n" + s + "\r\n";
}

const MESSAGE = bulk("message");
const PMESSAGE = bulk("pmessage");
const SMESSAGE = bulk("smessage");

/** A message encoded for RESP2 subscribers; the RESP3 form (a push) is derived on demand. */
class Encoded {
  private resp3: Uint8Array | null = null;
  constructor(readonly resp2: Uint8Array) {}

  /** The bytes for a client speaking `resp`. */
  forResp(resp: 2 | 3): Uint8Array {
    if (resp === 2) return this.resp2;
    if (this.resp3 === null) {
      this.resp3 = this.resp2.slice();
      this.resp3[0] = 0x3e; // '>': same frame as a push
    }
    return this.resp3;
  }
}

function encodeMessage(kind: string, channel: string, message: string): Encoded {
  return new Encoded(strToBytes("*3\r\n" + kind + bulk(channel) + bulk(message)));
}

function encodePatternMessage(pattern: string, channel: string, message: string): Encoded {
  return new Encoded(strToBytes("*4\r\n" + PMESSAGE + bulk(pattern) + bulk(channel) + bulk(message)));
}

// ---- delivery ---------------------------------------------------------------------------------------

/** Pushes held until the running command's reply is written: client, bytes, client, bytes… */
const pending: (Client | Uint8Array)[] = [];

/** Number of held pushes; dispatch calls `flushPendingPushes()` after a top-level command when non-zero. */
export function pendingPushCount(): number {
  return pending.length;
}

/**
 * Writes push bytes (a pub/sub message, an invalidation…) to a client, even under CLIENT REPLY OFF.
 * Output for the client whose command is running waits until the command's reply is written.
 */
export function deliverPush(c: Client, bytes: Uint8Array): void {
  if (c.closed || c.closeAsap) return;
  if (c.inBatch && c.server.callDepth > 0) {
    pending.push(c, bytes);
    return;
  }
  writePush(c, bytes);
  c.requestFlush();
}

/** Appends bytes to the client's output regardless of reply muting (push semantics). */
function writePush(c: Client, bytes: Uint8Array): void {
  const muted = c.muted;
  if (muted) c.muted = false;
  c.addBytes(bytes);
  c.muted = muted || c.closeAsap;
}

/** Appends the held pushes to their clients' output (after the command that produced them replied). */
export function flushPendingPushes(): void {
  const list = pending.splice(0);
  for (let i = 0; i < list.length; i += 2) {
    const c = list[i] as Client;
    if (c.closed || c.closeAsap) continue;
    writePush(c, list[i + 1] as Uint8Array);
    c.requestFlush();
  }
}

/**
 * Runs `write` (which produces a subscription confirmation on `c`) with push semantics: the reply is
 * not muted by CLIENT REPLY OFF/SKIP, like Redis's CLIENT_PUSHING.
 */
export function asPush(c: Client, write: () => void): void {
  if (c.closeAsap) return;
  const muted = c.muted;
  if (muted) c.muted = false;
  write();
  c.muted = muted || c.closeAsap;
}

function sendToAll(clients: Set<Client>, enc: Encoded): void {
  for (const c of clients) deliverPush(c, enc.forResp(c.resp));
}

/**
 * Publishes `message` on `channel` (Redis's pubsubPublishMessage): channel subscribers first, then
 * every client of every matching pattern. Returns the number of receivers (a client subscribed both
 * to the channel and to a matching pattern counts twice).
 */
export function publish(server: Server, channel: string, message: string): number {
  const st = states.get(server);
  if (st === undefined) return 0;
  let receivers = 0;
  const subs = st.channels.get(channel);
  if (subs !== undefined) {
    sendToAll(subs, encodeMessage(MESSAGE, channel, message));
    receivers += subs.size;
  }
  if (st.patterns.size !== 0) {
    for (const [pattern, e] of st.patterns) {
      if (!e.match(channel)) continue;
      sendToAll(e.clients, encodePatternMessage(pattern, channel, message));
      receivers += e.clients.size;
    }
  }
  return receivers;
}

/** Publishes on a shard channel (SPUBLISH): shard subscribers only. Returns the receivers. */
export function publishShard(server: Server, channel: string, message: string): number {
  const subs = states.get(server)?.shard.get(channel);
  if (subs === undefined) return 0;
  sendToAll(subs, encodeMessage(SMESSAGE, channel, message));
  return subs.size;
}

/** True when somebody could receive a regular publish at all (any channel or pattern subscription). */
export function hasSubscribers(server: Server): boolean {
  const st = states.get(server);
  return st !== undefined && (st.channels.size !== 0 || st.patterns.size !== 0);
}

/** True when the client subscribes to `channel` (exact channel, not patterns). */
export function isSubscribed(c: Client, channel: string): boolean {
  return clientSubs.get(c)?.channels.has(channel) ?? false;
}

/**
 * Sends one client a "message" frame on `channel` whose payload is already-encoded RESP (for example
 * an array of keys), the way Redis sends RESP2 tracking invalidations to the redirect client.
 */
export function sendMessageTo(c: Client, channel: string, payloadResp: string): void {
  const text = (c.resp === 2 ? "*3\r\n" : ">3\r\n") + MESSAGE + bulk(channel) + payloadResp;
  deliverPush(c, strToBytes(text));
}
