/**
 * Config directive definitions: the shape of one entry of the config table (name, aliases, type,
 * default, bounds, mutability, apply hook).
 */
import type { Server } from "../server/server.ts";

export type ConfigValue = string | number | boolean | string[];

export interface ConfigDef {
  name: string;
  aliases?: string[];
  /**
   * bool: yes/no. int: integer with bounds. memory: integer with k/kb/m/mb/g/gb units. enum: one of
   * `values` (or several when `multi`). string: any text. special: parsed by `parse`/`format`.
   */
  type: "bool" | "int" | "memory" | "enum" | "string" | "special";
  default: string;
  min?: number;
  max?: number;
  values?: string[];
  /** enum accepting several space-separated values (e.g. "all" style flags). */
  multi?: boolean;
  /** Can only be set at startup (CONFIG SET answers "can't set immutable config"). */
  immutable?: boolean;
  /** Hidden from CONFIG GET * listings of sensitive values? Redis marks a few as sensitive for logs. */
  sensitive?: boolean;
  /** Only settable from the config file / command line as an internal test switch, never listed. */
  hidden?: boolean;
  /** Parses a special value into its stored form; returns an error text on failure. */
  parse?: (raw: string[], current: ConfigValue) => ConfigValue | { error: string };
  /** Formats the stored value for CONFIG GET. */
  format?: (v: ConfigValue) => string;
  /** Formats the stored value for CONFIG REWRITE lines (defaults to the CONFIG GET text). */
  rewrite?: (v: ConfigValue) => string[];
  /** Applies a new value to the running server; returns an error text to refuse it. */
  apply?: (server: Server, v: ConfigValue, old: ConfigValue) => string | void;
}
