/**
 * Keyspace notifications (Redis's notify.c): turns the keyspace events every family reports through
 * `server.notify(class, event, key, dbid)` into Pub/Sub messages, filtered by `notify-keyspace-events`:
 * `__keyspace@<db>__:<key>` carries the event name and `__keyevent@<db>__:<event>` carries the key,
 * in that order, each published like PUBLISH (channel subscribers, then matching patterns).
 *
 * Nothing runs when notifications are off: the hook sits in `server.notifyHooks` only while the flags
 * select at least one class and K or E, and the Db-level events (`new` on key creation, `keymiss` on
 * read misses) are switched per database by cached booleans. The flags are cached here and refreshed
 * by CONFIG SET.
 */
import type { Server } from "../server/server.ts";
import { NOTIFY } from "../config/notify_flags.ts";
import { registerConfigApply } from "../config/apply.ts";
import { hasSubscribers, publish } from "../server/pubsub.ts";

/** The class bit for each letter families pass to `server.notify`. */
const CLASS_BITS: Record<string, number> = {
  g: NOTIFY.GENERIC,
  $: NOTIFY.STRING,
  l: NOTIFY.LIST,
  s: NOTIFY.SET,
  h: NOTIFY.HASH,
  z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED,
  e: NOTIFY.EVICTED,
  t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE,
  n: NOTIFY.NEW,
  o: NOTIFY.OVERWRITTEN,
  c: NOTIFY.TYPE_CHANGED,
};

const TARGETS = NOTIFY.KEYSPACE | NOTIFY.KEYEVENT;

type Hook = (type: string, event: string, key: string, dbid: number) => void;

/** Per server: the cached flags and the installed hook (null while notifications are off). */
interface State {
  flags: number;
  hook: Hook | null;
}

const states = new WeakMap<Server, State>();

/**
 * Publishes one keyspace event if its class is enabled (Redis's notifyKeyspaceEvent). Exported for
 * callers that emit events outside `server.notify` (none today); `flags` are the server's flags.
 */
export function publishKeyspaceEvent(
  server: Server,
  flags: number,
  type: string,
  event: string,
  key: string,
  dbid: number,
): void {
  const bit = CLASS_BITS[type];
  if (bit === undefined || (flags & bit) === 0) return;
  // Publishing to nobody has no effect: skip building the channel names.
  if (!hasSubscribers(server)) return;
  if (flags & NOTIFY.KEYSPACE) publish(server, "__keyspace@" + dbid + "__:" + key, event);
  if (flags & NOTIFY.KEYEVENT) publish(server, "__keyevent@" + dbid + "__:" + event, key);
}

/** Applies new flags: caches them, (un)installs the hook and switches the Db-level events. */
function applyFlags(server: Server, flags: number): void {
  let st = states.get(server);
  if (st === undefined) states.set(server, st = { flags: 0, hook: null });
  st.flags = flags;
  const active = (flags & TARGETS) !== 0 && (flags & ~TARGETS) !== 0;
  if (active && st.hook === null) {
    const state = st;
    st.hook = (type, event, key, dbid) => publishKeyspaceEvent(server, state.flags, type, event, key, dbid);
    server.notifyHooks.push(st.hook);
  } else if (!active && st.hook !== null) {
    const i = server.notifyHooks.indexOf(st.hook);
    if (i >= 0) server.notifyHooks.splice(i, 1);
    st.hook = null;
  }
  const newEvents = active && (flags & NOTIFY.NEW) !== 0;
  const missEvents = active && (flags & NOTIFY.KEY_MISS) !== 0;
  for (const db of server.dbs) {
    db.newKeyEvents = newEvents;
    db.keyMissEvents = missEvents;
  }
}

let registered = false;

/** Starts keyspace notifications for a server (from its config) and follows CONFIG SET. */
export function installKeyspaceEvents(server: Server): void {
  if (!registered) {
    registered = true;
    registerConfigApply("notify-keyspace-events", (s, v) => applyFlags(s, Number(v)));
  }
  applyFlags(server, server.config.num("notify-keyspace-events"));
}

/** The cached notify-keyspace-events flags of a server (0 before installation). */
export function keyspaceEventFlags(server: Server): number {
  return states.get(server)?.flags ?? 0;
}
