/**
 * The command table: metadata (generated into metadata.json by scripts/gen-metadata.ts) joined with
 * the handlers that family modules export. Dispatch, arity errors, COMMAND, ACL categories and key
 * extraction all derive from this one table (DESIGN.md §3).
 *
 * Everything Redis derives at startup is derived here once, in Redis's way: implicit ACL categories
 * from the flags, the legacy (first, last, step) key range and the movablekeys flag from the key
 * specs, and key-spec flag bits for key extraction.
 */
import type { Client } from "../server/client.ts";
import metadata from "./metadata.json" with { type: "json" };

/** A command implementation: runs synchronously and writes its reply to the client. */
export type Handler = (c: Client, argv: string[]) => void;

/** What a family module exports for each command or subcommand it implements. */
export interface CommandDef {
  /** "get", or "client|kill" for a subcommand. */
  name: string;
  handler: Handler;
  /** Metadata for commands newer than the reference file, or corrections. */
  meta?: Partial<CommandMeta>;
  /** The handler needs the Lua engine: dispatch waits for it to load first (src/script/loader.ts). */
  needsLua?: boolean;
}

/** A key spec in the reference file's form (see ../shared/reference/README.md). */
export interface KeySpec {
  begin_search: {
    index?: { pos: number };
    keyword?: { keyword: string; startfrom: number };
    unknown?: null | Record<string, never>;
  };
  find_keys: {
    range?: { lastkey: number; step: number; limit: number };
    keynum?: { keynumidx: number; firstkey: number; step: number };
    unknown?: null | Record<string, never>;
  };
  flags: string[];
  notes?: string;
}

export interface ArgSpec {
  name: string;
  type: string;
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multiple_token?: boolean;
  since?: string;
  display?: string;
  key_spec_index?: number;
  deprecated_since?: string;
  arguments?: ArgSpec[];
  value?: string;
}

/** Facts about a command, in metadata.json's shape. */
export interface CommandMeta {
  arity: number;
  command_flags?: string[];
  acl_categories?: string[];
  key_specs?: KeySpec[];
  arguments?: ArgSpec[];
  group: string;
  since: string;
  tips?: string[];
  doc_flags?: string[];
  deprecated_since?: string;
  summary?: string;
  complexity?: string;
  history?: [string, string][];
  replaced_by?: string;
}

/** Command flag bits for fast checks in dispatch. */
export const F = {
  WRITE: 1 << 0,
  READONLY: 1 << 1,
  DENYOOM: 1 << 2,
  ADMIN: 1 << 3,
  PUBSUB: 1 << 4,
  NOSCRIPT: 1 << 5,
  BLOCKING: 1 << 6,
  LOADING: 1 << 7,
  STALE: 1 << 8,
  SKIP_MONITOR: 1 << 9,
  SKIP_SLOWLOG: 1 << 10,
  ASKING: 1 << 11,
  FAST: 1 << 12,
  NO_AUTH: 1 << 13,
  MAY_REPLICATE: 1 << 14,
  SENTINEL: 1 << 15,
  ONLY_SENTINEL: 1 << 16,
  NO_MANDATORY_KEYS: 1 << 17,
  PROTECTED: 1 << 18,
  NO_ASYNC_LOADING: 1 << 19,
  NO_MULTI: 1 << 20,
  MOVABLE_KEYS: 1 << 21,
  ALLOW_BUSY: 1 << 22,
  TOUCHES_ARBITRARY_KEYS: 1 << 23,
  MODULE: 1 << 24,
} as const;

/** Command flags as COMMAND INFO prints them, in Redis's order (hidden flags are left out). */
export const COMMAND_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [F.WRITE, "write"],
  [F.READONLY, "readonly"],
  [F.DENYOOM, "denyoom"],
  [F.MODULE, "module"],
  [F.ADMIN, "admin"],
  [F.PUBSUB, "pubsub"],
  [F.NOSCRIPT, "noscript"],
  [F.BLOCKING, "blocking"],
  [F.LOADING, "loading"],
  [F.STALE, "stale"],
  [F.SKIP_MONITOR, "skip_monitor"],
  [F.SKIP_SLOWLOG, "skip_slowlog"],
  [F.ASKING, "asking"],
  [F.FAST, "fast"],
  [F.NO_AUTH, "no_auth"],
  [F.NO_MANDATORY_KEYS, "no_mandatory_keys"],
  [F.NO_ASYNC_LOADING, "no_async_loading"],
  [F.NO_MULTI, "no_multi"],
  [F.MOVABLE_KEYS, "movablekeys"],
  [F.ALLOW_BUSY, "allow_busy"],
];

/** Key-spec flag bits (Redis's CMD_KEY_*). */
export const KS = {
  RO: 1 << 0,
  RW: 1 << 1,
  OW: 1 << 2,
  RM: 1 << 3,
  ACCESS: 1 << 4,
  UPDATE: 1 << 5,
  INSERT: 1 << 6,
  DELETE: 1 << 7,
  NOT_KEY: 1 << 8,
  INCOMPLETE: 1 << 9,
  VARIABLE_FLAGS: 1 << 10,
} as const;

/** Key-spec flags as COMMAND INFO / GETKEYSANDFLAGS print them, in Redis's order. */
export const KEY_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [KS.RO, "RO"],
  [KS.RW, "RW"],
  [KS.OW, "OW"],
  [KS.RM, "RM"],
  [KS.ACCESS, "access"],
  [KS.UPDATE, "update"],
  [KS.INSERT, "insert"],
  [KS.DELETE, "delete"],
  [KS.NOT_KEY, "not_key"],
  [KS.INCOMPLETE, "incomplete"],
  [KS.VARIABLE_FLAGS, "variable_flags"],
];

/** Names of the set bits of `flags`, in the order of `table`. */
export function flagNames(flags: number, table: readonly (readonly [number, string])[]): string[] {
  const out: string[] = [];
  for (const [bit, name] of table) if (flags & bit) out.push(name);
  return out;
}

/** ACL categories in Redis's order (ACL CAT, COMMAND INFO); bit i is category i. */
export const ACL_CATEGORIES: readonly string[] = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

/** The bit of an ACL category by name (any case, without "@"), or 0 when unknown. */
export function aclCategoryBit(name: string): number {
  const i = ACL_CATEGORIES.indexOf(name.toLowerCase());
  return i < 0 ? 0 : 1 << i;
}

const CAT = (name: string) => aclCategoryBit(name);

/** A key spec compiled for extraction: plain fields, no lookups at run time. */
export interface CompiledKeySpec {
  /** How the first key is found: fixed index, after a keyword, or not describable. */
  bs: "index" | "keyword" | "unknown";
  /** index: absolute position of the first key. */
  pos: number;
  /** keyword: the keyword (uppercase) and where the search starts (negative: from the end, backwards). */
  keyword: string;
  startfrom: number;
  /** How the keys continue: a range, a count argument, or not describable. */
  fk: "range" | "keynum" | "unknown";
  /** range: last key relative to the first (negative: from the end), step, limit (1/limit of the rest). */
  lastkey: number;
  step: number;
  limit: number;
  /** keynum: offset of the count argument from the first position, offset of the first key. */
  keynumidx: number;
  firstkey: number;
  /** KS bits. */
  flags: number;
  notes: string | undefined;
}

/** Compiles one reference key spec. */
export function compileKeySpec(spec: KeySpec): CompiledKeySpec {
  let flags = 0;
  for (const f of spec.flags) flags |= (KS as Record<string, number>)[f] ?? 0;
  const c: CompiledKeySpec = {
    bs: "unknown",
    pos: 0,
    keyword: "",
    startfrom: 0,
    fk: "unknown",
    lastkey: 0,
    step: 1,
    limit: 0,
    keynumidx: 0,
    firstkey: 0,
    flags,
    notes: spec.notes,
  };
  const bs = spec.begin_search;
  if (bs.index) {
    c.bs = "index";
    c.pos = bs.index.pos;
  } else if (bs.keyword) {
    c.bs = "keyword";
    c.keyword = bs.keyword.keyword;
    c.startfrom = bs.keyword.startfrom;
  }
  const fk = spec.find_keys;
  if (fk.range) {
    c.fk = "range";
    c.lastkey = fk.range.lastkey;
    c.step = fk.range.step;
    c.limit = fk.range.limit;
  } else if (fk.keynum) {
    c.fk = "keynum";
    c.keynumidx = fk.keynum.keynumidx;
    c.firstkey = fk.keynum.firstkey;
    c.step = fk.keynum.step;
  }
  return c;
}

export class Command {
  /** Lowercase name: "get", or "kill" for CLIENT KILL. */
  readonly name: string;
  /** "get" or "client|kill". */
  readonly fullName: string;
  readonly arity: number;
  /** F bits, including the derived MOVABLE_KEYS. */
  readonly flags: number;
  /** ACL category bits (explicit plus implicit ones), see ACL_CATEGORIES. */
  readonly aclCategories: number;
  /** Key specs compiled for extraction, in metadata order. */
  readonly keySpecs: CompiledKeySpec[];
  /** Legacy key range of COMMAND INFO (first key, last key, step); 0, 0, 0 without one. */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** Command tips as COMMAND INFO prints them ("nondeterministic_output", …). */
  readonly tips: readonly string[];
  subcommands: Map<string, Command> | null = null;
  handler: Handler | null;
  /** CommandDef.needsLua: dispatch loads the Lua engine before calling the handler. */
  needsLua = false;
  // per-command statistics (INFO commandstats)
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;
  /** LATENCY HISTOGRAM counts (server/latency.ts), created on the first timed call. */
  latencyHistogram: Float64Array | null = null;

  constructor(fullName: string, readonly meta: CommandMeta, handler: Handler | null, readonly parent: Command | null) {
    this.fullName = fullName;
    this.name = parent ? fullName.slice(parent.name.length + 1) : fullName;
    this.arity = meta.arity;
    this.handler = handler;
    this.tips = meta.tips ?? [];
    this.keySpecs = (meta.key_specs ?? []).map(compileKeySpec);
    let bits = 0;
    for (const f of meta.command_flags ?? []) bits |= (F as Record<string, number>)[f] ?? 0;
    const range = legacyKeyRange(this.keySpecs);
    if (range.movable) bits |= F.MOVABLE_KEYS;
    this.flags = bits;
    this.firstKey = range.first;
    this.lastKey = range.last;
    this.keyStep = range.step;
    this.aclCategories = deriveAclCategories(meta.acl_categories ?? [], bits);
  }

  /** Lowercase flag names as COMMAND INFO prints them. */
  get flagNames(): string[] {
    return flagNames(this.flags, COMMAND_FLAG_NAMES);
  }

  /** ACL categories as COMMAND INFO prints them ("@read", "@string", "@fast"). */
  get aclCategoryNames(): string[] {
    const out: string[] = [];
    for (let i = 0; i < ACL_CATEGORIES.length; i++) {
      if (this.aclCategories & (1 << i)) out.push("@" + ACL_CATEGORIES[i]);
    }
    return out;
  }

  /** True for a container (CLIENT, CONFIG…) that has subcommands. */
  get isContainer(): boolean {
    return this.subcommands !== null && this.subcommands.size > 0;
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  /** Stats name used by INFO commandstats ("client|kill"). */
  get statName(): string {
    return this.fullName;
  }
}

/** Redis's setImplicitACLCategories: explicit categories plus the ones implied by the flags. */
function deriveAclCategories(explicit: readonly string[], flags: number): number {
  let cats = 0;
  for (const name of explicit) cats |= CAT(name);
  if (flags & F.WRITE) cats |= CAT("write");
  // Scripting commands that only read are not part of @read.
  if (flags & F.READONLY && !(cats & CAT("scripting"))) cats |= CAT("read");
  if (flags & F.ADMIN) cats |= CAT("admin") | CAT("dangerous");
  if (flags & F.PUBSUB) cats |= CAT("pubsub");
  if (flags & F.FAST) cats |= CAT("fast");
  if (flags & F.BLOCKING) cats |= CAT("blocking");
  if (!(cats & CAT("fast"))) cats |= CAT("slow");
  return cats;
}

/**
 * Redis's populateCommandLegacyRangeSpec: folds the key specs into one (first, last, step) range for
 * old clients, and tells whether keys can move (any spec that does not fit the range).
 */
function legacyKeyRange(specs: readonly CompiledKeySpec[]): {
  first: number;
  last: number;
  step: number;
  movable: boolean;
} {
  if (specs.length === 0) return { first: 0, last: 0, step: 0, movable: false };
  const absLast = (s: CompiledKeySpec) => (s.lastkey >= 0 ? s.lastkey + s.pos : s.lastkey);
  if (specs.length === 1 && specs[0].bs === "index" && specs[0].fk === "range") {
    const s = specs[0];
    return { first: s.pos, last: absLast(s), step: s.step, movable: (s.flags & KS.INCOMPLETE) !== 0 };
  }
  let movable = false;
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  for (const s of specs) {
    if (s.bs !== "index" || s.fk !== "range") {
      movable = true;
      continue;
    }
    if (s.step !== 1 || (prevLast && prevLast !== s.pos - 1)) {
      movable = true;
      continue;
    }
    if (s.flags & KS.INCOMPLETE) movable = true;
    first = Math.min(first, s.pos);
    const abs = absLast(s);
    // Redis compares as unsigned: a negative (from the end) last key wins over any positive one.
    last = (abs >>> 0) > (last >>> 0) ? abs : last;
    prevLast = last;
  }
  if (first === Infinity) return { first: 0, last: 0, step: 0, movable: true };
  return { first, last, step: 1, movable };
}

const META = metadata as unknown as Record<string, CommandMeta>;

/** The metadata of a command by its display name ("SET", "CLIENT KILL"), or undefined. */
export function referenceMeta(name: string): CommandMeta | undefined {
  return META[name.toUpperCase()];
}

/** Display names ("SET", "CLIENT KILL") of every command metadata.json describes. */
export function referenceNames(): string[] {
  return Object.keys(META);
}

/**
 * Builds the lookup table from the family modules' definitions. Only implemented commands appear;
 * containers appear when at least one subcommand is implemented.
 */
export function buildCommandTable(defs: readonly CommandDef[]): Map<string, Command> {
  const table = new Map<string, Command>();
  const subDefs: CommandDef[] = [];
  for (const d of defs) {
    if (d.name.includes("|")) {
      subDefs.push(d);
      continue;
    }
    table.set(d.name, makeCommand(d.name, d, null));
  }
  for (const d of subDefs) {
    const [parentName, sub] = d.name.split("|");
    let parent = table.get(parentName);
    if (!parent) {
      parent = makeCommand(parentName, null, null);
      table.set(parentName, parent);
    }
    if (!parent.subcommands) parent.subcommands = new Map();
    parent.subcommands!.set(sub, makeCommand(d.name, d, parent));
  }
  // Also index the uppercase form so the common spellings avoid toLowerCase() on every call.
  for (const [name, cmd] of [...table]) table.set(name.toUpperCase(), cmd);
  return table;
}

function makeCommand(fullName: string, def: CommandDef | null, parent: Command | null): Command {
  const display = fullName.replace("|", " ").toUpperCase();
  const ref = referenceMeta(display);
  const meta = { ...(ref ?? { arity: -1, group: "generic", since: "8.0.0" }), ...(def?.meta ?? {}) } as CommandMeta;
  if (!ref && !def?.meta) throw new Error(`no metadata for command ${display}`);
  const cmd = new Command(fullName, meta, def?.handler ?? null, parent);
  if (def?.needsLua) cmd.needsLua = true;
  return cmd;
}

/** Looks up a command by name (any case). */
export function lookupCommand(table: Map<string, Command>, name: string): Command | undefined {
  return table.get(name) ?? table.get(name.toLowerCase());
}

/** Every top-level command once (the table also indexes the uppercase spellings). */
export function topLevelCommands(table: Map<string, Command>): Command[] {
  const seen = new Set<Command>();
  for (const cmd of table.values()) seen.add(cmd);
  return [...seen];
}

/**
 * Redis's lookupCommandBySds: "get", or "client|kill" for a subcommand (any case); undefined when
 * unknown.
 */
export function lookupCommandByFullName(table: Map<string, Command>, fullName: string): Command | undefined {
  const bar = fullName.indexOf("|");
  if (bar < 0) return lookupCommand(table, fullName);
  const parent = lookupCommand(table, fullName.slice(0, bar));
  const rest = fullName.slice(bar + 1);
  if (!parent?.subcommands || rest.includes("|")) return undefined;
  return parent.subcommands.get(rest.toLowerCase());
}

/**
 * Redis's lookupCommand over a command line: the command, or its subcommand when it has
 * subcommands and a second argument is given; undefined when unknown.
 */
export function lookupCommandForArgv(table: Map<string, Command>, argv: readonly string[]): Command | undefined {
  const base = lookupCommand(table, argv[0]);
  if (!base || argv.length === 1 || !base.subcommands) return base;
  return base.subcommands.get(argv[1].toLowerCase());
}
