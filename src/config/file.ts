/**
 * redis.conf loading, as Redis's loadServerConfig does it: the file (or every file a wildcard
 * `include` matches), then stdin, then the command-line options, parsed line by line with sdssplitargs
 * quoting; `include`, `rename-command`, `user`, `loadmodule` and module directives; deprecated lines
 * ignored; and the fatal error block Redis prints before exiting with status 1.
 */
import { BAD_DIRECTIVE, type Config, WRONG_ARG_COUNT } from "./config.ts";
import { DEPRECATED_DIRECTIVES } from "./table.ts";
import { strerror } from "./format.ts";
import { splitArgs } from "../util/splitargs.ts";
import { stringMatch } from "../util/glob.ts";
import { REDIS_VERSION } from "../server/server.ts";
import metadata from "../commands/metadata.json" with { type: "json" };

/**
 * A configuration problem that stops the server. `text` is what goes to stderr (the FATAL block), or
 * for `logged` errors the message Redis writes to its log instead ("Fatal error, can't open…").
 */
export class FatalConfigError extends Error {
  constructor(readonly text: string, readonly logged = false) {
    super(text);
  }
}

/** Redis's "*** FATAL CONFIG FILE ERROR ***" block, with the offending line when there is one. */
export function fatalBlock(err: string, line?: { number: number; text: string }): string {
  let s = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
  if (line) s += `Reading the configuration file, at line ${line.number}\n>>> '${line.text}'\n`;
  return s + `${err}\n`;
}

function hasWildcard(path: string): boolean {
  return /[*?[]/.test(path);
}

/** Expands a glob path like glob(3): every component may hold wildcards; results sorted. */
export function expandGlob(pattern: string): string[] {
  const absolute = pattern.startsWith("/");
  const parts = pattern.split("/").filter((p, i) => p !== "" || i === 0);
  let paths = [absolute ? "" : "."];
  for (let i = absolute ? 1 : 0; i < parts.length; i++) {
    const part = parts[i];
    const next: string[] = [];
    for (const base of paths) {
      const dir = base === "" ? "/" : base;
      if (!hasWildcard(part)) {
        next.push(`${base}/${part}`);
        continue;
      }
      let entries: Deno.DirEntry[];
      try {
        entries = [...Deno.readDirSync(dir)];
      } catch {
        continue;
      }
      const names = entries.map((e) => e.name).filter((n) => (!n.startsWith(".") || part.startsWith(".")))
        .filter((n) => stringMatch(part, n)).sort();
      for (const n of names) next.push(`${base}/${n}`);
    }
    paths = next;
  }
  const out = paths.map((p) => (absolute ? p : p.slice(2)));
  return out.filter((p) => {
    try {
      Deno.statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}

function readFileOrFail(path: string): string {
  try {
    return latin1(Deno.readFileSync(path));
  } catch (e) {
    throw new FatalConfigError(`Fatal error, can't open config file '${path}': ${strerror(e)}`, true);
  }
}

/** Bytes → binary string (one char per byte), so config values keep their exact bytes. */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/** What loadServerConfig reads, in order. */
export interface ConfigSources {
  /** The config file path (absolute for the main file; as written for includes). */
  file?: string | null;
  /** Text read from stdin (`redis-server -`). */
  stdin?: string | null;
  /** Directives from the command line, one per line ("port 7777\nloglevel \"verbose\""). */
  options?: string | null;
}

/**
 * Loads configuration sources into `config` like Redis's loadServerConfig. Throws FatalConfigError
 * with the text to print (and exit 1) on the first bad line or unreadable file.
 */
export function loadServerConfig(config: Config, src: ConfigSources): void {
  let text = "";
  const file = src.file ?? null;
  if (file !== null) {
    if (hasWildcard(file)) {
      for (const p of expandGlob(file)) text += readFileOrFail(p);
    } else {
      text += readFileOrFail(file);
    }
  }
  if (src.stdin !== undefined && src.stdin !== null) text += src.stdin;
  if (src.options !== undefined && src.options !== null) text += "\n" + src.options;
  loadConfigFromString(config, text);
}

/** Names of commands that exist (for rename-command), kept current as renames are applied. */
function commandNames(config: Config): Set<string> {
  const names = new Set<string>();
  for (const k of Object.keys(metadata)) if (!k.includes(" ")) names.add(k.toLowerCase());
  for (const [from, to] of config.renames) {
    names.delete(from.toLowerCase());
    if (to !== "") names.add(to.toLowerCase());
  }
  return names;
}

/** Parses one config text (a file's content, or everything concatenated) into `config`. */
export function loadConfigFromString(config: Config, text: string): void {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
    if (line === "" || line[0] === "#") continue;
    const at = { number: i + 1, text: line };
    const argv = splitArgs(line);
    if (argv === null) throw new FatalConfigError(fatalBlock("Unbalanced quotes in configuration line", at));
    if (argv.length === 0) continue;
    const err = applyLine(config, argv);
    if (err) throw new FatalConfigError(fatalBlock(err, at));
  }
  // Sanity checks Redis runs after every loaded text.
  const logfile = config.str("logfile");
  if (logfile !== "") {
    try {
      Deno.openSync(logfile, { append: true, create: true, write: true }).close();
    } catch (e) {
      throw new FatalConfigError(fatalBlock(`Can't open the log file: ${strerror(e)}`));
    }
  }
  if (config.bool("cluster-enabled") && config.str("replicaof") !== "") {
    throw new FatalConfigError(fatalBlock("replicaof directive not allowed in cluster mode"));
  }
}

/** Applies one split line; returns Redis's error text for it, if any. */
function applyLine(config: Config, argv: string[]): string | undefined {
  const name = argv[0].toLowerCase();
  const args = argv.slice(1);
  const def = config.lookup(name);
  if (def) {
    if (!def.multiArg && argv.length !== 2) return WRONG_ARG_COUNT;
    return config.setRaw(name, args, true);
  }
  const deprecated = DEPRECATED_DIRECTIVES.get(name);
  if (deprecated && argv.length >= deprecated[0] && argv.length <= deprecated[1]) return undefined;
  if (name === "include" && argv.length === 2) {
    loadServerConfig(config, { file: args[0] });
    return undefined;
  }
  if (name === "rename-command" && argv.length === 3) {
    const names = commandNames(config);
    if (!names.has(args[0].toLowerCase())) return "No such command in rename-command";
    if (args[1] !== "" && names.has(args[1].toLowerCase())) return "Target command name already exists";
    config.renames.push([args[0], args[1]]);
    return undefined;
  }
  if (name === "user" && argv.length >= 2) {
    config.users.push(args);
    return undefined;
  }
  if (name === "loadmodule" && argv.length >= 2) {
    config.modules.push(args);
    return undefined;
  }
  if (name.includes(".")) {
    if (argv.length !== 2) return "Module config specified without value";
    config.moduleConfigs.set(name, args[0]);
    return undefined;
  }
  if (name === "sentinel") {
    return argv.length === 1 ? undefined : "sentinel directive while not in sentinel mode";
  }
  return BAD_DIRECTIVE;
}
