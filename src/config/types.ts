/**
 * Config directive definitions: the shape of one entry of the config table (name, aliases, type,
 * default, bounds, flags, parse/format/rewrite/apply hooks) and the value types special directives
 * store.
 */
import type { Server } from "../server/server.ts";

/**
 * A stored directive value: boolean (bool), number or bigint (int/memory; bigint only beyond 2^53),
 * string (enum/string), or a structured value for special directives (save points, buffer limits…).
 */
export type ConfigValue = string | number | bigint | boolean | object;

/** What a parse hook gets besides the raw arguments. */
export interface ParseContext {
  /** The value stored before this assignment. */
  current: ConfigValue;
  /** True while a config file / command line is being loaded (some directives accumulate then). */
  fromFile: boolean;
  /** Per-load state of accumulating directives ("save" resets the defaults only once per load). */
  loadState: Set<string>;
  /** The config owns the process: `dir` changes the working directory right away, like Redis. */
  processOwner: boolean;
}

/** A parse failure with Redis's reason text. */
export interface ParseError {
  error: string;
}

export interface ConfigDef {
  name: string;
  aliases?: string[];
  /**
   * bool: yes/no. int: integer with bounds. memory: integer with k/kb/m/mb/g/gb units. enum: one of
   * `values` (or several flags when `multi`). string: any text. special: parsed by `parse`/`format`.
   */
  type: "bool" | "int" | "memory" | "enum" | "string" | "special";
  /** The default as it would be written in redis.conf (arguments joined by one space). */
  default: string;
  min?: number | bigint;
  max?: number | bigint;
  /** memory: also accepts "N%" (stored as a negative number, like Redis). */
  percent?: boolean;
  /** int: parsed and printed in octal (unixsocketperm). */
  octal?: boolean;
  values?: string[];
  /** enum of bit flags: several values at once, printed in table order (shutdown-on-sigterm). */
  multi?: boolean;
  /** Takes several arguments (in a file) / a space-separated value (CONFIG SET): save, bind… */
  multiArg?: boolean;
  /** Can only be set at startup (CONFIG SET answers "can't set immutable config"). */
  immutable?: boolean;
  /** CONFIG SET needs `enable-protected-configs` (dir, dbfilename). */
  protected?: boolean;
  /** Holds a secret (requirepass, masterauth). */
  sensitive?: boolean;
  /** Not listed by CONFIG GET patterns; an exact name still works (test/debug knobs). */
  hidden?: boolean;
  /** string: the empty string means "unset", so CONFIG REWRITE drops the directive. */
  emptyIsNull?: boolean;
  /** Extra validation of a parsed value; returns Redis's error text. */
  validate?: (v: ConfigValue) => string | undefined;
  /** Adjusts a valid value the way Redis's setter does (hz is clamped to 1..500). */
  normalize?: (v: ConfigValue) => ConfigValue;
  /** Parses a special value into its stored form. */
  parse?: (raw: string[], ctx: ParseContext) => ConfigValue | ParseError;
  /** Formats the stored value for CONFIG GET. */
  format?: (v: ConfigValue) => string;
  /**
   * CONFIG REWRITE lines (each the full line, directive first), each with whether it must be written
   * even when the directive is absent from the file. `null` means "unset": existing lines are removed.
   */
  rewrite?: (v: ConfigValue, def: ConfigDef) => RewriteLine[] | null;
  /** Applies a new value to the running server; returns an error text to refuse it. */
  apply?: (server: Server, v: ConfigValue, old: ConfigValue) => string | void;
}

/** One line CONFIG REWRITE writes for a directive. */
export interface RewriteLine {
  line: string;
  /** Write it even when the file has no line for the directive (the value differs from default). */
  force: boolean;
}

/** One class of client-output-buffer-limit. */
export interface BufferLimit {
  hard: number;
  soft: number;
  seconds: number;
}

/** client-output-buffer-limit, by class. */
export interface OutputBufferLimits {
  normal: BufferLimit;
  replica: BufferLimit;
  pubsub: BufferLimit;
}

/** One `save <seconds> <changes>` point. */
export interface SavePoint {
  seconds: number;
  changes: number;
}
