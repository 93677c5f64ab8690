/**
 * Client-side caching commands: CLIENT TRACKING, CLIENT CACHING, CLIENT TRACKINGINFO and CLIENT
 * GETREDIR (Redis's networking.c clientCommand), with Redis's validation order and error texts.
 * The tracking table and invalidation messages live in server/tracking.ts.
 *
 * Also wires tracking into RESET (tracking off), CLIENT LIST (`redir=`) and INFO (tracking_clients,
 * tracking_total_keys, tracking_total_items, tracking_total_prefixes).
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { is } from "./args.ts";
import { parseInt64 } from "../util/numbers.ts";
import { ensureTracking, type TrackingOptions } from "../server/tracking.ts";
import { onClientReset } from "./connection.ts";
import { clientCounters } from "../server/client_info.ts";
import { provideInfoField } from "../server/info.ts";
import {
  CACHING_NO_NOT_OPTOUT,
  CACHING_NOT_TRACKING,
  CACHING_YES_NOT_OPTIN,
  NOT_INTEGER,
  prefixOverlapsExisting,
  prefixOverlapsProvided,
  SYNTAX,
  TRACKING_BCAST_OPTIN,
  TRACKING_BCAST_SWITCH,
  TRACKING_NO_REDIRECT_CLIENT,
  TRACKING_ONE_REDIRECT,
  TRACKING_OPT_SWITCH,
  TRACKING_OPTIN_AND_OPTOUT,
  TRACKING_PREFIX_NEEDS_BCAST,
} from "../server/errors.ts";

/**
 * checkPrefixCollisionsOrReply, faithfully: a new prefix may not be a prefix of (or start with) one
 * the client has, nor one given after it. Returns false after replying the error. Like Redis 8.2, an
 * overlap found among the given prefixes at any position but the first replies the error and yet
 * reports success, so tracking is enabled and +OK follows the error (two replies to one command).
 */
function checkPrefixCollisions(c: Client, existing: ReadonlySet<string>, prefixes: readonly string[]): boolean {
  const overlap = (a: string, b: string) => (a.length <= b.length ? b.startsWith(a) : a.startsWith(b));
  for (let i = 0; i < prefixes.length; i++) {
    for (const old of [...existing].sort()) {
      if (overlap(old, prefixes[i])) {
        c.addError(prefixOverlapsExisting(prefixes[i], old));
        return false;
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlap(prefixes[i], prefixes[j])) {
        c.addError(prefixOverlapsProvided(prefixes[i], prefixes[j]));
        return i !== 0;
      }
    }
  }
  return true;
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP] */
function clientTracking(c: Client, argv: string[]): void {
  const o: TrackingOptions = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, prefixes: [] };
  const prefixes: string[] = [];
  const s = c.server;
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    if (is(opt, "redirect") && more > 0) {
      j++;
      if (o.redirect !== 0) {
        c.addError(TRACKING_ONE_REDIRECT);
        return;
      }
      const id = parseInt64(argv[j]);
      if (id === null) {
        c.addError(NOT_INTEGER);
        return;
      }
      // The redirect client must exist now (it may go away later: the redirect then breaks).
      if (id <= 0 || id > Number.MAX_SAFE_INTEGER || !s.clients.has(Number(id))) {
        c.addError(TRACKING_NO_REDIRECT_CLIENT);
        return;
      }
      o.redirect = Number(id);
    } else if (is(opt, "bcast")) {
      o.bcast = true;
    } else if (is(opt, "optin")) {
      o.optin = true;
    } else if (is(opt, "optout")) {
      o.optout = true;
    } else if (is(opt, "noloop")) {
      o.noloop = true;
    } else if (is(opt, "prefix") && more > 0) {
      prefixes.push(argv[++j]);
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  o.prefixes = prefixes;
  if (is(argv[2], "off")) {
    s.tracking?.disable(c);
    c.addOk();
    return;
  }
  if (!is(argv[2], "on")) {
    c.addError(SYNTAX);
    return;
  }
  const cur = s.tracking?.clients.get(c);
  if (!o.bcast && prefixes.length !== 0) {
    c.addError(TRACKING_PREFIX_NEEDS_BCAST);
    return;
  }
  if (cur !== undefined && cur.bcast !== o.bcast) {
    c.addError(TRACKING_BCAST_SWITCH);
    return;
  }
  if (o.bcast && (o.optin || o.optout)) {
    c.addError(TRACKING_BCAST_OPTIN);
    return;
  }
  if (o.optin && o.optout) {
    c.addError(TRACKING_OPTIN_AND_OPTOUT);
    return;
  }
  if (cur !== undefined && ((o.optin && cur.optout) || (o.optout && cur.optin))) {
    c.addError(TRACKING_OPT_SWITCH);
    return;
  }
  if (o.bcast && !checkPrefixCollisions(c, cur?.prefixes ?? new Set(), prefixes)) return;
  wire();
  ensureTracking(s).enable(c, o);
  c.addOk();
}

/** CLIENT CACHING YES|NO: track (OPTIN) or skip (OPTOUT) the keys of the next command or transaction. */
function clientCaching(c: Client, argv: string[]): void {
  const st = c.server.tracking?.clients.get(c);
  if (st === undefined) {
    c.addError(CACHING_NOT_TRACKING);
    return;
  }
  const opt = argv[2];
  if (is(opt, "yes")) {
    if (!st.optin) {
      c.addError(CACHING_YES_NOT_OPTIN);
      return;
    }
  } else if (is(opt, "no")) {
    if (!st.optout) {
      c.addError(CACHING_NO_NOT_OPTOUT);
      return;
    }
  } else {
    c.addError(SYNTAX);
    return;
  }
  st.caching = true;
  c.addOk();
}

/** CLIENT GETREDIR: the redirect id (0 = none) while tracking, else -1. */
function clientGetRedir(c: Client): void {
  const st = c.server.tracking?.clients.get(c);
  c.addInt(st === undefined ? -1 : st.redirect);
}

/** CLIENT TRACKINGINFO: a map of flags (a set), redirect and prefixes. */
function clientTrackingInfo(c: Client): void {
  const st = c.server.tracking?.clients.get(c);
  const flags: string[] = [st === undefined ? "off" : "on"];
  if (st !== undefined) {
    if (st.bcast) flags.push("bcast");
    if (st.optin) {
      flags.push("optin");
      if (st.caching) flags.push("caching-yes");
    }
    if (st.optout) {
      flags.push("optout");
      if (st.caching) flags.push("caching-no");
    }
    if (st.noloop) flags.push("noloop");
    if (c.flags.has("R")) flags.push("broken_redirect");
  }
  c.addMapLen(3);
  c.addBulk("flags");
  c.addSetLen(flags.length);
  for (const f of flags) c.addBulk(f);
  c.addBulk("redirect");
  c.addInt(st === undefined ? -1 : st.redirect);
  c.addBulk("prefixes");
  const prefixes = st === undefined ? [] : [...st.prefixes].sort();
  c.addBulkArray(prefixes);
}

// ---- wiring into RESET, CLIENT LIST and INFO ----------------------------------------------------

/**
 * Hooks tracking into RESET, CLIENT LIST and INFO, once per process, when a client first enables
 * tracking (until then their defaults — tracking off everywhere — are right).
 */
let wired = false;
function wire(): void {
  if (wired) return;
  wired = true;
  onClientReset((c) => c.server.tracking?.disable(c));
  clientCounters.redir = (c) => {
    const st = c.server.tracking?.clients.get(c);
    return st === undefined ? -1 : st.redirect;
  };
  provideInfoField("tracking_clients", (s) => s.tracking?.clients.size ?? 0);
  provideInfoField("tracking_total_keys", (s) => s.tracking?.totalKeys ?? 0);
  provideInfoField("tracking_total_items", (s) => s.tracking?.totalItems ?? 0);
  provideInfoField("tracking_total_prefixes", (s) => s.tracking?.totalPrefixes ?? 0);
}

export const commands: CommandDef[] = [
  { name: "client|tracking", handler: clientTracking },
  { name: "client|caching", handler: clientCaching },
  { name: "client|getredir", handler: clientGetRedir },
  { name: "client|trackinginfo", handler: clientTrackingInfo },
];
