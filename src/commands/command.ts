/**
 * COMMAND and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS, HELP): replies
 * built from the command table, in Redis's RESP2 and RESP3 shapes. Only registered commands are
 * described.
 */
import type { Client } from "../server/client.ts";
import type { ReplyBuffer } from "../resp/reply.ts";
import {
  aclCategoryBit,
  type ArgSpec,
  type Command,
  COMMAND_FLAG_NAMES,
  type CommandDef,
  type CompiledKeySpec,
  flagNames,
  KEY_FLAG_NAMES,
  lookupCommandByFullName,
  lookupCommandForArgv,
  topLevelCommands,
} from "./table.ts";
import { getKeys } from "./keys_extract.ts";
import { replyHelp } from "./help.ts";
import { GETKEYS_INVALID_COMMAND, SYNTAX } from "../server/errors.ts";
import { stringMatch } from "../util/glob.ts";

// ---- COMMAND INFO ---------------------------------------------------------------------------------

/** One command's COMMAND INFO entry (10 fields), or a null for an unknown name. */
export function addCommandInfo(r: ReplyBuffer, cmd: Command | undefined): void {
  if (!cmd) {
    r.addNull();
    return;
  }
  r.addArrayLen(10);
  r.addBulk(cmd.fullName);
  r.addInt(cmd.arity);
  addStatusSet(r, flagNames(cmd.flags, COMMAND_FLAG_NAMES));
  r.addInt(cmd.firstKey);
  r.addInt(cmd.lastKey);
  r.addInt(cmd.keyStep);
  addStatusSet(r, cmd.aclCategoryNames);
  r.addSetLen(cmd.tips.length);
  for (const t of cmd.tips) r.addBulk(t);
  r.addSetLen(cmd.keySpecs.length);
  for (const spec of cmd.keySpecs) addKeySpec(r, spec);
  const subs = cmd.subcommands;
  if (!subs || subs.size === 0) {
    r.addSetLen(0);
  } else {
    r.addArrayLen(subs.size);
    for (const sub of subs.values()) addCommandInfo(r, sub);
  }
}

function addStatusSet(r: ReplyBuffer, names: readonly string[]): void {
  r.addSetLen(names.length);
  for (const n of names) r.addStatus(n);
}

/** A key spec as COMMAND INFO prints it: notes, flags, begin_search and find_keys maps. */
function addKeySpec(r: ReplyBuffer, s: CompiledKeySpec): void {
  r.addMapLen(s.notes !== undefined ? 4 : 3);
  if (s.notes !== undefined) {
    r.addBulk("notes");
    r.addBulk(s.notes);
  }
  r.addBulk("flags");
  addStatusSet(r, flagNames(s.flags, KEY_FLAG_NAMES));
  r.addBulk("begin_search");
  r.addMapLen(2);
  r.addBulk("type");
  if (s.bs === "index") {
    r.addBulk("index");
    r.addBulk("spec");
    r.addMapLen(1);
    addIntField(r, "index", s.pos);
  } else if (s.bs === "keyword") {
    r.addBulk("keyword");
    r.addBulk("spec");
    r.addMapLen(2);
    r.addBulk("keyword");
    r.addBulk(s.keyword);
    addIntField(r, "startfrom", s.startfrom);
  } else {
    r.addBulk("unknown");
    r.addBulk("spec");
    r.addMapLen(0);
  }
  r.addBulk("find_keys");
  r.addMapLen(2);
  r.addBulk("type");
  if (s.fk === "range") {
    r.addBulk("range");
    r.addBulk("spec");
    r.addMapLen(3);
    addIntField(r, "lastkey", s.lastkey);
    addIntField(r, "keystep", s.step);
    addIntField(r, "limit", s.limit);
  } else if (s.fk === "keynum") {
    r.addBulk("keynum");
    r.addBulk("spec");
    r.addMapLen(3);
    addIntField(r, "keynumidx", s.keynumidx);
    addIntField(r, "firstkey", s.firstkey);
    addIntField(r, "keystep", s.step);
  } else {
    r.addBulk("unknown");
    r.addBulk("spec");
    r.addMapLen(0);
  }
}

function addIntField(r: ReplyBuffer, name: string, v: number): void {
  r.addBulk(name);
  r.addInt(v);
}

// ---- COMMAND DOCS ---------------------------------------------------------------------------------

/** One command's COMMAND DOCS map (without its name). */
export function addCommandDocs(r: ReplyBuffer, cmd: Command): void {
  const m = cmd.meta;
  const subs = cmd.subcommands && cmd.subcommands.size > 0 ? cmd.subcommands : null;
  let n = 1; // group is always there
  if (m.summary) n++;
  if (m.since) n++;
  if (m.complexity) n++;
  if (m.doc_flags?.length) n++;
  if (m.deprecated_since) n++;
  if (m.replaced_by) n++;
  if (m.history?.length) n++;
  if (m.arguments?.length) n++;
  if (subs) n++;
  r.addMapLen(n);
  if (m.summary) addBulkField(r, "summary", m.summary);
  if (m.since) addBulkField(r, "since", m.since);
  addBulkField(r, "group", m.group);
  if (m.complexity) addBulkField(r, "complexity", m.complexity);
  if (m.doc_flags?.length) {
    r.addBulk("doc_flags");
    addStatusSet(r, m.doc_flags.map((f) => f.toLowerCase()));
  }
  if (m.deprecated_since) addBulkField(r, "deprecated_since", m.deprecated_since);
  if (m.replaced_by) addBulkField(r, "replaced_by", m.replaced_by);
  if (m.history?.length) {
    r.addBulk("history");
    r.addSetLen(m.history.length);
    for (const [version, note] of m.history) {
      r.addArrayLen(2);
      r.addBulk(version);
      r.addBulk(note);
    }
  }
  if (m.arguments?.length) {
    r.addBulk("arguments");
    addArgs(r, m.arguments);
  }
  if (subs) {
    r.addBulk("subcommands");
    r.addMapLen(subs.size);
    for (const sub of subs.values()) {
      r.addBulk(sub.fullName);
      addCommandDocs(r, sub);
    }
  }
}

function addBulkField(r: ReplyBuffer, name: string, value: string): void {
  r.addBulk(name);
  r.addBulk(value);
}

/**
 * An argument list as COMMAND DOCS prints it. Like Redis 7.2+, every argument that is not a
 * oneof/block carries a display_text (its display name, or its name).
 */
function addArgs(r: ReplyBuffer, args: readonly ArgSpec[]): void {
  r.addArrayLen(args.length);
  for (const a of args) {
    const container = a.type === "oneof" || a.type === "block";
    const flags: string[] = [];
    if (a.optional) flags.push("optional");
    if (a.multiple) flags.push("multiple");
    if (a.multiple_token) flags.push("multiple_token");
    let n = 2;
    if (!container) n++;
    if (a.key_spec_index !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.since) n++;
    if (a.deprecated_since) n++;
    if (flags.length > 0) n++;
    if (container) n++;
    r.addMapLen(n);
    addBulkField(r, "name", a.name);
    addBulkField(r, "type", a.type);
    if (!container) addBulkField(r, "display_text", a.display ?? a.name);
    if (a.key_spec_index !== undefined) addIntField(r, "key_spec_index", a.key_spec_index);
    if (a.token !== undefined) addBulkField(r, "token", a.token);
    if (a.since) addBulkField(r, "since", a.since);
    if (a.deprecated_since) addBulkField(r, "deprecated_since", a.deprecated_since);
    if (flags.length > 0) {
      r.addBulk("flags");
      addStatusSet(r, flags);
    }
    if (container) {
      r.addBulk("arguments");
      addArgs(r, a.arguments ?? []);
    }
  }
}

// ---- COMMAND LIST ---------------------------------------------------------------------------------

/** A COMMAND LIST filter: true when the command is listed. */
type ListFilter = (cmd: Command) => boolean;

function listFilter(type: string, arg: string): ListFilter | null {
  switch (type.toLowerCase()) {
    case "module":
      return () => false; // no module commands
    case "aclcat": {
      const bit = aclCategoryBit(arg);
      return (cmd) => bit !== 0 && (cmd.aclCategories & bit) !== 0;
    }
    case "pattern":
      return (cmd) => stringMatch(arg, cmd.fullName, true);
  }
  return null;
}

function collectNames(cmds: Iterable<Command>, filter: ListFilter | null, out: string[]): void {
  for (const cmd of cmds) {
    if (!filter || filter(cmd)) out.push(cmd.fullName);
    if (cmd.subcommands) collectNames(cmd.subcommands.values(), filter, out);
  }
}

// ---- handlers -------------------------------------------------------------------------------------

/** COMMAND: every command's COMMAND INFO entry. */
function command(c: Client): void {
  const all = topLevelCommands(c.server.commands);
  c.addArrayLen(all.length);
  for (const cmd of all) addCommandInfo(c, cmd);
}

function commandCount(c: Client): void {
  c.addInt(topLevelCommands(c.server.commands).length);
}

function commandInfo(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    command(c);
    return;
  }
  c.addArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) addCommandInfo(c, lookupCommandByFullName(c.server.commands, argv[i]));
}

function commandDocs(c: Client, argv: string[]): void {
  let cmds: Command[];
  if (argv.length === 2) {
    cmds = topLevelCommands(c.server.commands);
  } else {
    cmds = [];
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupCommandByFullName(c.server.commands, argv[i]);
      if (cmd) cmds.push(cmd);
    }
  }
  c.addMapLen(cmds.length);
  for (const cmd of cmds) {
    c.addBulk(cmd.fullName);
    addCommandDocs(c, cmd);
  }
}

function commandList(c: Client, argv: string[]): void {
  let filter: ListFilter | null = null;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (argv[i].toLowerCase() === "filterby" && more === 2) {
      filter = listFilter(argv[i + 1], argv[i + 2]);
      if (!filter) {
        c.addError(SYNTAX);
        return;
      }
      i += 2;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  const names: string[] = [];
  collectNames(topLevelCommands(c.server.commands), filter, names);
  c.addBulkArray(names);
}

/**
 * The COMMAND GETKEYS / GETKEYSANDFLAGS reply for command line `line` (argv of the inspected command)
 * against `table`: its keys (with their flags), or Redis's error.
 */
export function addGetKeys(r: ReplyBuffer, table: Map<string, Command>, line: string[], withFlags: boolean): void {
  const cmd = lookupCommandForArgv(table, line);
  if (!cmd) {
    r.addError(GETKEYS_INVALID_COMMAND);
    return;
  }
  const keys = getKeys(cmd, line);
  if ("error" in keys) {
    r.addError(keys.error);
    return;
  }
  r.addArrayLen(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      r.addBulk(line[k.pos]);
      continue;
    }
    r.addArrayLen(2);
    r.addBulk(line[k.pos]);
    addStatusSet(r, flagNames(k.flags, KEY_FLAG_NAMES));
  }
}

const HELP = [
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
];

export const commands: CommandDef[] = [
  { name: "command", handler: command },
  { name: "command|count", handler: commandCount },
  { name: "command|info", handler: commandInfo },
  { name: "command|docs", handler: commandDocs },
  { name: "command|list", handler: commandList },
  { name: "command|getkeys", handler: (c, argv) => addGetKeys(c, c.server.commands, argv.slice(2), false) },
  { name: "command|getkeysandflags", handler: (c, argv) => addGetKeys(c, c.server.commands, argv.slice(2), true) },
  { name: "command|help", handler: (c) => replyHelp(c, "COMMAND", HELP) },
];
