/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP. GET takes several glob patterns (case-insensitive,
 * aliases listed too, hidden directives only by exact name); SET assigns several directives at once,
 * all or nothing (values restored and hooks re-applied when one fails), with Redis's error texts.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { ConfigDef, ConfigValue } from "../config/types.ts";
import { isParseError } from "../config/config.ts";
import { appliersFor } from "../config/apply.ts";
import { rewriteConfigFile } from "../config/rewrite.ts";
import { stringMatch } from "../util/glob.ts";
import { isLoopback } from "../server/dispatch.ts";
import { CONFIG_NO_FILE, configRewriteFailed, configSetFailed, configSetUnknown, SYNTAX } from "../server/errors.ts";

/** Work other subsystems add to CONFIG RESETSTAT (slowlog, latency, keyspace stats…). */
const resetStatHooks: ((server: Server) => void)[] = [];

/** Registers extra statistics to clear on CONFIG RESETSTAT. */
export function registerResetStatHook(fn: (server: Server) => void): void {
  resetStatHooks.push(fn);
}

function hasGlob(s: string): boolean {
  return s.includes("*") || s.includes("?") || s.includes("[");
}

function configGet(c: Client, argv: string[]): void {
  const config = c.server.config;
  /** lowercase name → [name to reply, definition] */
  const matches = new Map<string, [string, ConfigDef]>();
  for (let i = 2; i < argv.length; i++) {
    const pattern = argv[i];
    if (!hasGlob(pattern)) {
      const key = pattern.toLowerCase();
      if (matches.has(key)) continue;
      const def = config.lookup(pattern);
      if (def) matches.set(key, [pattern, def]);
      continue;
    }
    for (const [name, def] of config.names()) {
      if (def.hidden || matches.has(name)) continue;
      if (stringMatch(pattern, name, true)) matches.set(name, [name, def]);
    }
  }
  c.addMapLen(matches.size);
  for (const [name, def] of matches.values()) {
    c.addBulk(name);
    c.addBulk(config.text(def));
  }
}

/** True when this client may change protected directives (dir, dbfilename). */
function protectedAllowed(c: Client): boolean {
  const mode = c.server.config.str("enable-protected-configs");
  if (mode === "yes") return true;
  if (mode === "local") return c.kind === "unix" || c.kind === "internal" || isLoopback(c.addr);
  return false;
}

/** Splits a CONFIG SET value of a multi-argument directive on single spaces ("" = no argument). */
function splitValue(def: ConfigDef, value: string): string[] {
  if (!def.multiArg) return [value];
  return value === "" ? [] : value.split(" ");
}

interface Assignment {
  def: ConfigDef;
  /** The name as looked up, lowercased (what Redis reports when the value is refused). */
  name: string;
  value: string;
  old: ConfigValue;
  changed: boolean;
}

/** Puts the old values back (and moves the process back to the old `dir`). */
function restore(server: Server, list: Assignment[]): void {
  for (const a of list) {
    server.config.store(a.def, a.old);
    if (a.def.name === "dir" && server.config.processOwner) {
      try {
        Deno.chdir(a.old as string);
      } catch {
        // the old directory vanished; nothing better to do
      }
    }
  }
}

function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) {
    c.addError(SYNTAX);
    return;
  }
  const server = c.server;
  const config = server.config;
  const list: Assignment[] = [];
  let unknown: string | null = null;
  let errName = "";
  let errText: string | undefined;
  let invalid = false;
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i];
    const def = config.lookup(name);
    if (!def) {
      if (!invalid) {
        unknown = name;
        invalid = true;
      }
      continue;
    }
    if (invalid) continue;
    if (def.immutable || (def.protected && !protectedAllowed(c))) {
      errText = def.immutable ? "can't set immutable config" : "can't set protected config";
      errName = name;
      invalid = true;
      continue;
    }
    if (list.some((a) => a.def === def)) {
      errText = "duplicate parameter";
      errName = name;
      invalid = true;
      continue;
    }
    list.push({ def, name: name.toLowerCase(), value: argv[i + 1], old: config.get(def.name), changed: false });
  }
  if (invalid) {
    c.addError(unknown !== null ? configSetUnknown(unknown) : configSetFailed(errName, errText));
    return;
  }
  // Set every value first; the first refusal restores what was already set.
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    const v = config.parse(a.def, splitValue(a.def, a.value), a.old, false);
    if (isParseError(v)) {
      restore(server, list.slice(0, i));
      c.addError(configSetFailed(a.name, v.error));
      return;
    }
    a.changed = config.format(a.def, v) !== config.format(a.def, a.old);
    config.store(a.def, v);
  }
  // Then apply; a failing hook restores everything and re-applies the old values.
  for (const a of list) {
    if (!a.changed) continue;
    for (const apply of appliersFor(a.def.name)) {
      const err = apply(server, config.get(a.def.name), a.old);
      if (typeof err !== "string") continue;
      server.log.warning(
        `Failed applying new configuration. Possibly related to new ${a.name} setting. Restoring previous settings.`,
      );
      const applied = list.filter((x) => x.changed).map((x) => [x, config.get(x.def.name)] as const);
      restore(server, list);
      for (const [x, failedValue] of applied) {
        for (const fn of appliersFor(x.def.name)) {
          const e = fn(server, x.old, failedValue);
          if (typeof e === "string") server.log.warning(`Failed applying restored failed CONFIG SET command: ${e}`);
        }
      }
      c.addError(configSetFailed(a.name, err));
      return;
    }
  }
  c.addOk();
}

function configResetStat(c: Client): void {
  const server = c.server;
  server.settleCommandTime();
  server.stats.reset();
  const seen = new Set<unknown>();
  for (const cmd of server.commands.values()) {
    if (seen.has(cmd)) continue;
    seen.add(cmd);
    for (const x of [cmd, ...(cmd.subcommands?.values() ?? [])]) {
      x.calls = 0;
      x.usec = 0;
      x.rejectedCalls = 0;
      x.failedCalls = 0;
      x.latencyHistogram = null;
    }
  }
  for (const hook of resetStatHooks) hook(server);
  c.addOk();
}

function configRewrite(c: Client): void {
  const server = c.server;
  if (server.config.configFile === "") {
    c.addError(CONFIG_NO_FILE);
    return;
  }
  const err = rewriteConfigFile(server.config);
  if (err !== undefined) {
    server.log.warning(`CONFIG REWRITE failed: ${err}`);
    c.addError(configRewriteFailed(err));
    return;
  }
  server.log.notice("CONFIG REWRITE executed with success.");
  c.addOk();
}

const HELP = [
  "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
  "HELP",
  "    Prints this help.",
];

function configHelp(c: Client): void {
  c.addArrayLen(HELP.length);
  for (const line of HELP) c.addStatus(line);
}

export const commands: CommandDef[] = [
  { name: "config|get", handler: configGet },
  { name: "config|set", handler: configSet },
  { name: "config|resetstat", handler: configResetStat },
  { name: "config|rewrite", handler: configRewrite },
  { name: "config|help", handler: configHelp },
];
