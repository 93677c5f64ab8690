/**
 * The running configuration: values of every directive in the config table, with Redis's parsing
 * rules for each type (yes/no, integers with bounds, memory units, enums) and its error texts.
 */
import type { ConfigDef, ConfigValue } from "./types.ts";
import { CONFIG_TABLE } from "./table.ts";

/** Parses a memory amount like Redis's memtoull ("1gb", "100mb", "5k"); null when invalid. */
export function parseMemory(s: string): number | null {
  const m = /^(-?[0-9]+)([a-z]*)$/i.exec(s);
  if (!m) return null;
  const units: Record<string, number> = {
    "": 1,
    b: 1,
    k: 1000,
    kb: 1024,
    m: 1000 * 1000,
    mb: 1024 * 1024,
    g: 1000 * 1000 * 1000,
    gb: 1024 * 1024 * 1024,
  };
  const mul = units[m[2].toLowerCase()];
  if (mul === undefined) return null;
  return Number(m[1]) * mul;
}

/** Formats bytes the way CONFIG GET prints memory values (plain integer). */
function formatValue(def: ConfigDef, v: ConfigValue): string {
  if (def.format) return def.format(v);
  if (def.type === "bool") return v ? "yes" : "no";
  if (Array.isArray(v)) return v.join(" ");
  return String(v);
}

export class Config {
  private readonly values = new Map<string, ConfigValue>();
  readonly defs = new Map<string, ConfigDef>();
  /** Canonical names of directives changed from their defaults (for CONFIG REWRITE). */
  readonly changed = new Set<string>();
  /** Directives we accept and keep but that are not in the table (features not built yet). */
  readonly unknownKept = new Map<string, string[]>();

  constructor(table: readonly ConfigDef[] = CONFIG_TABLE) {
    for (const def of table) {
      this.defs.set(def.name, def);
      for (const a of def.aliases ?? []) this.defs.set(a, def);
      const parsed = this.parse(def, splitDefault(def), undefined as unknown as ConfigValue);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        throw new Error(`bad default for ${def.name}: ${parsed.error}`);
      }
      this.values.set(def.name, parsed as ConfigValue);
    }
  }

  /** The definition for a name or alias (case-insensitive). */
  lookup(name: string): ConfigDef | undefined {
    return this.defs.get(name.toLowerCase());
  }

  /** The stored value of a directive by canonical name. */
  get(name: string): ConfigValue {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`unknown config ${name}`);
    return v;
  }

  num(name: string): number {
    return this.get(name) as number;
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  str(name: string): string {
    return this.get(name) as string;
  }

  /** The CONFIG GET text of a directive. */
  text(def: ConfigDef): string {
    return formatValue(def, this.values.get(def.name)!);
  }

  /** Parses raw arguments for a directive; returns the value or `{error}` with Redis's reason text. */
  parse(def: ConfigDef, raw: string[], current: ConfigValue): ConfigValue | { error: string } {
    if (def.parse) return def.parse(raw, current);
    if (raw.length !== 1 && !(def.type === "enum" && def.multi)) {
      return { error: "wrong number of arguments" };
    }
    const s = raw.join(" ");
    switch (def.type) {
      case "bool": {
        const l = s.toLowerCase();
        if (l === "yes") return true;
        if (l === "no") return false;
        return { error: "argument must be 'yes' or 'no'" };
      }
      case "int":
      case "memory": {
        let n: number | null;
        if (def.type === "memory") {
          n = parseMemory(s);
          if (n === null) return { error: "argument must be a memory value" };
        } else {
          n = /^-?[0-9]+$/.test(s) ? Number(s) : null;
          if (n === null) return { error: "argument couldn't be parsed into an integer" };
        }
        const min = def.min ?? -Number.MAX_SAFE_INTEGER, max = def.max ?? Number.MAX_SAFE_INTEGER;
        if (n < min || n > max) {
          return { error: `argument must be between ${min} and ${max} inclusive` };
        }
        return n;
      }
      case "enum": {
        const parts = def.multi ? s.split(/\s+/).filter(Boolean) : [s];
        const out: string[] = [];
        for (const p of parts) {
          const l = p.toLowerCase();
          if (!def.values!.includes(l)) {
            return { error: `argument(s) must be one of the following: ${def.values!.join(", ")}` };
          }
          out.push(l);
        }
        return def.multi ? out.join(" ") : out[0];
      }
      default:
        return s;
    }
  }

  /**
   * Sets a directive from raw arguments without applying it to a server (startup, before the server
   * exists). Returns an error text or undefined.
   */
  setRaw(name: string, raw: string[]): string | undefined {
    const def = this.lookup(name);
    if (!def) return "Bad directive or wrong number of arguments";
    const v = this.parse(def, raw, this.values.get(def.name)!);
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v.error;
    this.store(def, v as ConfigValue);
    return undefined;
  }

  /** Stores a parsed value by definition. */
  store(def: ConfigDef, v: ConfigValue): void {
    this.values.set(def.name, v);
    this.changed.add(def.name);
  }

  /** Every canonical definition once (aliases excluded). */
  *all(): Iterable<ConfigDef> {
    for (const [k, def] of this.defs) if (k === def.name) yield def;
  }
}

function splitDefault(def: ConfigDef): string[] {
  if (def.parse) return def.default === "" ? [] : def.default.split(" ");
  if (def.type === "enum" && def.multi) return def.default === "" ? [] : def.default.split(" ");
  return [def.default];
}
