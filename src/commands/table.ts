/**
 * The command table: metadata (generated from Redis's command definitions into metadata.json) joined
 * with the handlers that family modules export. Dispatch, arity errors, COMMAND, ACL categories and
 * key extraction all derive from this one table (DESIGN.md §3).
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
}

export interface KeySpec {
  begin_search: Record<string, unknown>;
  find_keys: Record<string, unknown>;
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

/** Facts about a command, in the reference file's shape. */
export interface CommandMeta {
  arity: number;
  command_flags?: string[];
  acl_categories?: string[];
  key_specs?: KeySpec[];
  arguments?: ArgSpec[];
  group: string;
  since: string;
  history_versions?: string[];
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
} as const;

export class Command {
  /** Lowercase name: "get", or "kill" for CLIENT KILL. */
  readonly name: string;
  /** "get" or "client|kill". */
  readonly fullName: string;
  readonly arity: number;
  readonly flags: number;
  /** Lowercase flag names as COMMAND INFO prints them. */
  readonly flagNames: string[];
  subcommands: Map<string, Command> | null = null;
  handler: Handler | null;
  // per-command statistics (INFO commandstats)
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;

  constructor(fullName: string, readonly meta: CommandMeta, handler: Handler | null, readonly parent: Command | null) {
    this.fullName = fullName;
    this.name = parent ? fullName.slice(parent.name.length + 1) : fullName;
    this.arity = meta.arity;
    this.handler = handler;
    this.flagNames = (meta.command_flags ?? []).map((f) => f.toLowerCase());
    let bits = 0;
    for (const f of meta.command_flags ?? []) bits |= (F as Record<string, number>)[f] ?? 0;
    this.flags = bits;
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

const META = metadata as unknown as Record<string, CommandMeta>;

/** The metadata of a command by its display name ("SET", "CLIENT KILL"), or undefined. */
export function referenceMeta(name: string): CommandMeta | undefined {
  return META[name.toUpperCase()];
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
  return cmd;
}

/** Looks up a command by name (any case). */
export function lookupCommand(table: Map<string, Command>, name: string): Command | undefined {
  return table.get(name) ?? table.get(name.toLowerCase());
}
