/**
 * The running configuration: values of every directive in the config table, with Redis's parsing
 * rules for each type (yes/no, integers with bounds, memory units and percentages, octal, enums and
 * flag sets) and its error texts, plus the file-only directives a config file may carry
 * (rename-command, user, loadmodule).
 */
import type { ConfigDef, ConfigValue, OutputBufferLimits, ParseContext, ParseError, SavePoint } from "./types.ts";
import { CONFIG_TABLE } from "./table.ts";
import { parseMemoryBig } from "./format.ts";
import { parseInt64 } from "../util/numbers.ts";

export { parseMemory } from "./format.ts";

/** Redis's reply when a config line names no directive or has the wrong number of arguments. */
export const BAD_DIRECTIVE = "Bad directive or wrong number of arguments";
export const WRONG_ARG_COUNT = "wrong number of arguments";

function isError(v: unknown): v is ParseError {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "error" in v &&
    typeof (v as ParseError).error === "string" && Object.keys(v).length === 1;
}

/** A number when it is a safe integer, else the exact bigint. */
function compactInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function boundsError(def: ConfigDef): string {
  const fmt = (b: number | bigint | undefined) => def.octal ? Number(b ?? 0).toString(8) : String(b ?? 0);
  return `argument must be between ${fmt(def.min)} and ${fmt(def.max)} inclusive`;
}

/** Checks a parsed integer against the definition's bounds (percentages: at most 100%). */
function checkBounds(def: ConfigDef, v: bigint): string | undefined {
  if (def.percent && v < 0n) {
    const lower = BigInt(def.min ?? 0);
    return v < lower ? `percentage argument must be less or equal to ${-lower}` : undefined;
  }
  if (def.min !== undefined && v < BigInt(def.min)) return boundsError(def);
  if (def.max !== undefined && v > BigInt(def.max)) return boundsError(def);
  return undefined;
}

/** Parses an "int" or "memory" argument into a bigint, or returns Redis's error text. */
function parseNumeric(def: ConfigDef, s: string): bigint | ParseError {
  if (def.type === "memory") {
    const m = parseMemoryBig(s);
    if (m !== null) return m;
    if (def.percent && s.length > 1 && s.endsWith("%")) {
      const p = parseInt64(s.slice(0, -1));
      if (p !== null && p >= 0) return -BigInt(p);
    }
    return { error: def.percent ? "argument must be a memory or percent value" : "argument must be a memory value" };
  }
  if (def.octal) {
    if (s === "") return 0n;
    const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/.exec(s);
    if (!m) return { error: "argument couldn't be parsed as an octal number" };
    const v = BigInt("0o" + m[2]);
    return m[1] === "-" ? -v : v;
  }
  const v = parseInt64(s);
  if (v === null) return { error: "argument couldn't be parsed into an integer" };
  return BigInt(v);
}

/** Splits a stored default into arguments the way the config file would have them. */
function defaultArgs(def: ConfigDef): string[] {
  if (def.multiArg) return def.default === "" ? [] : def.default.split(" ");
  return [def.default];
}

export class Config {
  private readonly values = new Map<string, ConfigValue>();
  /** Definitions by lowercase name and alias. */
  readonly defs = new Map<string, ConfigDef>();
  /** Canonical names of directives assigned since startup (file, command line or CONFIG SET). */
  readonly changed = new Set<string>();
  /** Absolute path of the config file the server was started with ("" when none). */
  configFile = "";
  /**
   * True when this configuration owns the process (redis-server mode): `dir` then also changes the
   * process's working directory, as Redis does. Embedded servers keep the process's cwd.
   */
  processOwner = false;
  /** `rename-command <from> <to>` lines, in order (applied when the command table exists). */
  readonly renames: [string, string][] = [];
  /** `user …` lines (arguments after "user"), for the ACL subsystem. */
  readonly users: string[][] = [];
  /** `loadmodule <path> [args]` lines (modules are not supported; startup logs a warning). */
  readonly modules: string[][] = [];
  /** `<module>.<name> <value>` lines. */
  readonly moduleConfigs = new Map<string, string>();
  /** Accumulation state of the current file load (see ParseContext.loadState). */
  readonly loadState = new Set<string>();

  constructor(table: readonly ConfigDef[] = CONFIG_TABLE) {
    for (const def of table) {
      this.defs.set(def.name, def);
      for (const a of def.aliases ?? []) this.defs.set(a, def);
      const parsed = this.parse(def, defaultArgs(def), undefined as unknown as ConfigValue, false);
      if (isError(parsed)) throw new Error(`bad default for ${def.name}: ${parsed.error}`);
      this.values.set(def.name, parsed);
    }
  }

  /** The definition for a name or alias (case-insensitive). */
  lookup(name: string): ConfigDef | undefined {
    return this.defs.get(name) ?? this.defs.get(name.toLowerCase());
  }

  /** The stored value of a directive by canonical name. */
  get(name: string): ConfigValue {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`unknown config ${name}`);
    return v;
  }

  /** A numeric directive as a JS number (bigints beyond 2^53 lose precision). */
  num(name: string): number {
    return Number(this.get(name));
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  str(name: string): string {
    return this.get(name) as string;
  }

  /** The configured save points (`save` directive). */
  savePoints(): readonly SavePoint[] {
    return this.get("save") as SavePoint[];
  }

  /** client-output-buffer-limit by class. */
  outputBufferLimits(): OutputBufferLimits {
    return this.get("client-output-buffer-limit") as OutputBufferLimits;
  }

  /** The CONFIG GET text of a directive. */
  text(def: ConfigDef): string {
    return this.format(def, this.values.get(def.name)!);
  }

  /** The CONFIG GET text of any value of a directive. */
  format(def: ConfigDef, v: ConfigValue): string {
    if (def.format) return def.format(v);
    switch (def.type) {
      case "bool":
        return v ? "yes" : "no";
      case "int":
        return def.octal ? Number(v).toString(8) : String(v);
      case "memory":
        return def.percent && BigInt(v as number | bigint) < 0n ? `${-BigInt(v as number | bigint)}%` : String(v);
      default:
        return String(v);
    }
  }

  /** True when the directive holds its compiled-in default. */
  isDefault(def: ConfigDef): boolean {
    const d = this.parse(def, defaultArgs(def), undefined as unknown as ConfigValue, false);
    return !isError(d) && this.format(def, d) === this.text(def);
  }

  /**
   * Parses raw arguments for a directive; returns the value or `{error}` with Redis's reason text.
   * `fromFile` selects config-file semantics for accumulating directives (several `save` lines).
   */
  parse(def: ConfigDef, raw: string[], current: ConfigValue, fromFile = false): ConfigValue | ParseError {
    let v: ConfigValue | ParseError;
    if (def.parse) {
      const ctx: ParseContext = { current, fromFile, loadState: this.loadState, processOwner: this.processOwner };
      v = def.parse(raw, ctx);
    } else {
      if (raw.length !== 1 && !def.multi) return { error: WRONG_ARG_COUNT };
      v = this.parseTyped(def, raw);
    }
    if (isError(v)) return v;
    const invalid = def.validate?.(v);
    if (invalid) return { error: invalid };
    return def.normalize ? def.normalize(v) : v;
  }

  private parseTyped(def: ConfigDef, raw: string[]): ConfigValue | ParseError {
    const s = raw[0];
    switch (def.type) {
      case "bool": {
        const l = s.toLowerCase();
        if (l === "yes") return true;
        if (l === "no") return false;
        return { error: "argument must be 'yes' or 'no'" };
      }
      case "int":
      case "memory": {
        const n = parseNumeric(def, s);
        if (typeof n !== "bigint") return n;
        const err = checkBounds(def, n);
        return err ? { error: err } : compactInt(n);
      }
      case "enum":
        return this.parseEnum(def, raw);
      default:
        return s;
    }
  }

  private parseEnum(def: ConfigDef, raw: string[]): ConfigValue | ParseError {
    const values = def.values!;
    const bad = { error: `argument(s) must be one of the following: ${values.join(", ")}` };
    if (!def.multi) {
      const l = raw[0].toLowerCase();
      return values.includes(l) ? l : bad;
    }
    // Flag set: the first value ("default") is the empty set; print the others in table order.
    if (raw.length === 0) return bad;
    const set = new Set<string>();
    for (const a of raw) {
      const l = a.toLowerCase();
      if (!values.includes(l)) return bad;
      if (l !== values[0]) set.add(l);
    }
    const names = values.filter((x) => set.has(x));
    return names.length === 0 ? values[0] : names.join(" ");
  }

  /**
   * Assigns a directive from raw arguments (config file, command line, embedding API) without
   * applying it to a running server. Returns an error text or undefined.
   */
  setRaw(name: string, raw: string[], fromFile = true): string | undefined {
    const def = this.lookup(name);
    if (!def) return BAD_DIRECTIVE;
    if (!def.multiArg && raw.length !== 1) return WRONG_ARG_COUNT;
    const v = this.parse(def, raw, this.values.get(def.name)!, fromFile);
    if (isError(v)) return v.error;
    this.store(def, v);
    return undefined;
  }

  /**
   * Bumped on every change: hot paths cache derived values (`num()` is a map lookup) and refresh them
   * when it moves.
   */
  version = 0;

  /** Stores a parsed value by definition. */
  store(def: ConfigDef, v: ConfigValue): void {
    this.version++;
    this.values.set(def.name, v);
    this.changed.add(def.name);
  }

  /** Every canonical definition once (aliases excluded), in table order. */
  *all(): Iterable<ConfigDef> {
    for (const [k, def] of this.defs) if (k === def.name) yield def;
  }

  /** Every name CONFIG GET can list: canonical names and aliases, with their definitions. */
  *names(): Iterable<[string, ConfigDef]> {
    yield* this.defs;
  }
}

/** True when a parse result is an error. */
export function isParseError(v: unknown): v is ParseError {
  return isError(v);
}
