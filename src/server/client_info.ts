/**
 * Client introspection shared by CLIENT LIST / CLIENT INFO / CLIENT KILL (and logs): the one-line
 * description in Redis 8.2's field order, client types, flag letters and name validation.
 *
 * Counters owned by other subsystems (pub/sub subscriptions, MULTI queue, WATCHed keys, tracking
 * redirection) are read through `clientCounters`; those subsystems replace the default functions.
 */
import type { Client } from "./client.ts";

/** Per-client counters other subsystems provide; the defaults are an idle client's values. */
export const clientCounters = {
  /** Channel subscriptions. */
  sub: (_c: Client): number => 0,
  /** Pattern subscriptions. */
  psub: (_c: Client): number => 0,
  /** Shard channel subscriptions. */
  ssub: (_c: Client): number => 0,
  /** Commands queued in MULTI, or -1 outside MULTI. */
  multi: (_c: Client): number => -1,
  /** Keys WATCHed. */
  watch: (_c: Client): number => 0,
  /** Memory of the queued MULTI commands. */
  multiMem: (_c: Client): number => 0,
  /** Client id tracking invalidations are redirected to, or -1. */
  redir: (_c: Client): number => -1,
};

/** Client types CLIENT LIST TYPE / CLIENT KILL TYPE filter on. */
export type ClientType = "normal" | "master" | "replica" | "pubsub";

/** The type of a client, as Redis's getClientType (a MONITOR client counts as normal). */
export function clientType(c: Client): ClientType {
  if (c.flags.has("M")) return "master";
  if (c.flags.has("S")) return "replica";
  if (c.flags.has("P")) return "pubsub";
  return "normal";
}

/** Parses a client type name ("slave" is an alias of "replica"); null when unknown. */
export function parseClientType(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case "normal":
      return "normal";
    case "master":
      return "master";
    case "replica":
    case "slave":
      return "replica";
    case "pubsub":
      return "pubsub";
    default:
      return null;
  }
}

/** True when `s` may be a client name / lib attribute: printable ASCII without spaces ('!'..'~'). */
export function isValidClientName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

/** Flag letters in Redis's order (those kept in `c.flags` plus the derived ones). */
const FLAG_ORDER = "OSMPxbtRBdcuAUreT";

/** The `flags=` field: Redis's letters in its order, "N" when none. */
export function clientFlags(c: Client): string {
  const f = c.flags;
  let out = "";
  for (const letter of FLAG_ORDER) {
    let on = f.has(letter);
    if (letter === "c") on ||= c.closeAfterReply;
    else if (letter === "U") on ||= c.kind === "unix";
    else if (letter === "e") on ||= c.noEvict;
    else if (letter === "T") on ||= c.noTouch;
    if (on) out += letter;
  }
  return out === "" ? "N" : out;
}

/** Redis's static reply buffer size (PROTO_REPLY_CHUNK_BYTES): replies beyond it count as `omem`. */
const REPLY_CHUNK = 16 * 1024;
/** Fixed per-client bookkeeping added to `tot-mem` (Redis adds sizeof(client) and friends). */
const CLIENT_OVERHEAD = 1024;

/** Sum of the current command's argument lengths (`argv-mem`): only while a command is held or runs. */
function argvMem(c: Client): number {
  const argv = c.cmd !== null ? c.argv : c.deferred;
  if (!argv) return 0;
  let n = 0;
  for (const a of argv) n += a.length;
  return n;
}

/**
 * The CLIENT LIST / CLIENT INFO line of a client (without the trailing newline), field by field as
 * Redis 8.2 prints it. `fd` is a stand-in (Deno does not expose descriptors): -1 for internal clients.
 */
export function clientInfoLine(c: Client): string {
  const now = c.server.clock.now();
  const p = c.parser;
  const out = c.pendingOutput;
  const obl = Math.min(out, REPLY_CHUNK);
  const omem = out - obl;
  const oll = omem > 0 ? Math.ceil(omem / REPLY_CHUNK) : 0;
  const am = argvMem(c);
  const multiMem = clientCounters.multiMem(c);
  const totMem = p.buf.length + c.out.length + am + multiMem + CLIENT_OVERHEAD;
  const cmd = c.cmd ?? c.lastCmd;
  return "id=" + c.id +
    " addr=" + c.addr +
    " laddr=" + c.laddr +
    " fd=" + (c.kind === "internal" ? -1 : c.id + 7) +
    " name=" + c.name +
    " age=" + Math.floor((now - c.createdAt) / 1000) +
    " idle=" + Math.floor(Math.max(0, now - c.lastInteraction) / 1000) +
    " flags=" + clientFlags(c) +
    " db=" + c.db.id +
    " sub=" + clientCounters.sub(c) +
    " psub=" + clientCounters.psub(c) +
    " ssub=" + clientCounters.ssub(c) +
    " multi=" + clientCounters.multi(c) +
    " watch=" + clientCounters.watch(c) +
    " qbuf=" + p.pending() +
    " qbuf-free=" + (p.buf.length - p.len) +
    " argv-mem=" + am +
    " multi-mem=" + multiMem +
    " rbs=" + p.buf.length +
    " rbp=" + p.buf.length +
    " obl=" + obl +
    " oll=" + oll +
    " omem=" + omem +
    " tot-mem=" + totMem +
    " events=" + (out > 0 && !c.inBatch ? "rw" : "r") +
    " cmd=" + (cmd ? cmd.fullName : "NULL") +
    " user=" + c.user +
    " redir=" + clientCounters.redir(c) +
    " resp=" + c.resp +
    " lib-name=" + c.libName +
    " lib-ver=" + c.libVer +
    " io-thread=0" +
    " tot-net-in=" + c.totNetIn +
    " tot-net-out=" + c.totNetOut +
    " tot-cmds=" + c.totCmds;
}
