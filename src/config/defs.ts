/**
 * Small constructors for config table entries (bool, int, memory, string, enum) so the tables read
 * like Redis's own list of directives.
 */
import type { ConfigDef } from "./types.ts";

/** Flags and hooks an entry may add to its type's defaults. */
export type DefOptions = Partial<Omit<ConfigDef, "name" | "type" | "default">>;

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
export const UINT_MAX = 4294967295;
export const LONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;
export const ULLONG_MAX = 18446744073709551615n;

/** A yes/no directive. */
export function bool(name: string, def: boolean, opts: DefOptions = {}): ConfigDef {
  return { name, type: "bool", default: def ? "yes" : "no", ...opts };
}

/** An integer directive with inclusive bounds. */
export function int(
  name: string,
  def: number,
  min: number | bigint,
  max: number | bigint,
  opts: DefOptions = {},
): ConfigDef {
  return { name, type: "int", default: String(def), min, max, ...opts };
}

/** A byte amount accepting k/kb/m/mb/g/gb units; `def` as redis.conf would write it. */
export function mem(name: string, def: string, min: number | bigint, max: number | bigint, opts: DefOptions = {}) {
  const d: ConfigDef = { name, type: "memory", default: def, min, max, ...opts };
  return d;
}

/** A free-text directive. */
export function str(name: string, def: string, opts: DefOptions = {}): ConfigDef {
  return { name, type: "string", default: def, ...opts };
}

/** One of a fixed set of names (several when `opts.multi`). */
export function enm(name: string, def: string, values: string[], opts: DefOptions = {}): ConfigDef {
  return { name, type: "enum", default: def, values, ...opts };
}
