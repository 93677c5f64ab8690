/**
 * OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP: introspection of a key's value. Lookups do not
 * touch the access clock (Redis's LOOKUP_NOTOUCH) but count keyspace hits/misses; a missing key
 * answers a null.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Value } from "../types/value.ts";
import { LFU_NOT_SELECTED, LFU_SELECTED } from "../server/errors.ts";
import { encodingOf } from "../types/encoding.ts";
import { lookupReadNoTouch } from "./key_access.ts";
import { replyHelp } from "./help.ts";

/** Redis's OBJ_SHARED_REFCOUNT (INT_MAX): the refcount reported for shared integer objects. */
const SHARED_REFCOUNT = 2147483647;
/** Redis's OBJ_SHARED_INTEGERS: strings holding 0…9999 share preallocated objects. */
const SHARED_INTEGERS = 10000;
/** Redis's LFU_INIT_VAL: the counter of a freshly created key under an LFU policy. */
const LFU_INIT_VAL = 5;

const HELP = [
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
];

/** Looks the key up without touching it; replies a null and returns undefined when it is missing. */
function lookupOrNull(c: Client, key: string): Value | undefined {
  const v = lookupReadNoTouch(c, key, false);
  if (v === undefined) c.addNull();
  return v;
}

/** True when the configured maxmemory-policy is an LFU one. */
function lfuPolicy(c: Client): boolean {
  return c.server.config.str("maxmemory-policy").endsWith("-lfu");
}

function objectEncoding(c: Client, argv: string[]): void {
  const key = argv[2];
  const v = lookupOrNull(c, key);
  if (v === undefined) return;
  const raw = typeof v === "string" && c.db.rawStrings.size !== 0 && c.db.rawStrings.has(key);
  c.addBulk(encodingOf(v, raw));
}

/**
 * REFCOUNT: Redis shares the objects of the integers 0…9999 (refcount INT_MAX) unless an LRU/LFU
 * policy with a maxmemory limit forbids sharing; every other value is referenced once.
 */
function objectRefcount(c: Client, argv: string[]): void {
  const key = argv[2];
  const v = lookupOrNull(c, key);
  if (v === undefined) return;
  let shared = false;
  if (typeof v === "string" && encodingOf(v, c.db.rawStrings.has(key)) === "int") {
    const n = Number(v);
    const config = c.server.config;
    const policy = config.str("maxmemory-policy");
    const sharingAllowed = config.num("maxmemory") === 0 || !(policy.endsWith("-lru") || policy.endsWith("-lfu"));
    shared = sharingAllowed && n >= 0 && n < SHARED_INTEGERS;
  }
  c.addInt(shared ? SHARED_REFCOUNT : 1);
}

function objectIdletime(c: Client, argv: string[]): void {
  const key = argv[2];
  const v = lookupOrNull(c, key);
  if (v === undefined) return;
  if (lfuPolicy(c)) {
    c.addError(LFU_SELECTED);
    return;
  }
  c.addInt(c.db.idleTime(key));
}

/**
 * FREQ needs an LFU policy. LFU counters are not tracked yet (they belong with eviction), so every
 * key reports the counter Redis gives a key that was just created: LFU_INIT_VAL.
 */
function objectFreq(c: Client, argv: string[]): void {
  const v = lookupOrNull(c, argv[2]);
  if (v === undefined) return;
  if (!lfuPolicy(c)) {
    c.addError(LFU_NOT_SELECTED);
    return;
  }
  c.addInt(LFU_INIT_VAL);
}

function objectHelp(c: Client): void {
  replyHelp(c, "object", HELP);
}

export const commands: CommandDef[] = [
  { name: "object|encoding", handler: objectEncoding },
  { name: "object|refcount", handler: objectRefcount },
  { name: "object|idletime", handler: objectIdletime },
  { name: "object|freq", handler: objectFreq },
  { name: "object|help", handler: objectHelp },
];
