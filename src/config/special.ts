/**
 * Directives with their own syntax (Redis's "special" configs): save, bind, dir, replicaof,
 * client-output-buffer-limit, oom-score-adj-values, notify-keyspace-events,
 * latency-tracking-info-percentiles — each with its parser, CONFIG GET format and CONFIG REWRITE lines,
 * plus the validators some plain string/enum directives need.
 */
import type {
  BufferLimit,
  ConfigDef,
  ConfigValue,
  OutputBufferLimits,
  ParseContext,
  ParseError,
  SavePoint,
} from "./types.ts";
import { formatMemory, parseMemoryBig, repr, strerror } from "./format.ts";
import { INVALID_EVENT_CLASS, keyspaceEventsToString, parseKeyspaceEvents } from "./notify_flags.ts";
import { parseDouble, trimDoubleString } from "../util/numbers.ts";

/** C's strtoll(s, &end, 10) with `*end == '\0'` required: leading blanks and a sign allowed; "" is 0. */
export function strtollFull(s: string): number | null {
  if (s === "") return 0;
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)$/.exec(s);
  return m ? Number(m[1]) : null;
}

function fail(error: string): ParseError {
  return { error };
}

/** A single "" argument means "no arguments" for the list-like directives. */
function emptyArgs(raw: string[]): string[] {
  return raw.length === 1 && raw[0] === "" ? [] : raw;
}

// ---- save -----------------------------------------------------------------------------------------

const INVALID_SAVE = "Invalid save parameters";

function parseSave(raw: string[], ctx: ParseContext) {
  const args = emptyArgs(raw);
  if (args.length % 2 !== 0) return fail(INVALID_SAVE);
  const points: SavePoint[] = [];
  for (let j = 0; j < args.length; j += 2) {
    const seconds = strtollFull(args[j]), changes = strtollFull(args[j + 1]);
    if (seconds === null || changes === null || seconds < 1 || changes < 0) return fail(INVALID_SAVE);
    points.push({ seconds, changes });
  }
  // In a config file several "save" lines add up; the first one replaces the defaults.
  if (ctx.fromFile && args.length > 0) {
    if (!ctx.loadState.has("save")) {
      ctx.loadState.add("save");
      return points;
    }
    return [...(ctx.current as SavePoint[]), ...points];
  }
  if (ctx.fromFile) ctx.loadState.add("save");
  return points;
}

const saveDef: ConfigDef = {
  name: "save",
  type: "special",
  multiArg: true,
  default: "3600 1 300 100 60 10000",
  parse: parseSave,
  format: (v) => (v as SavePoint[]).map((p) => `${p.seconds} ${p.changes}`).join(" "),
  rewrite: (v) => {
    const points = v as SavePoint[];
    if (points.length === 0) return [{ line: 'save ""', force: true }];
    return points.map((p) => ({ line: `save ${p.seconds} ${p.changes}`, force: true }));
  },
};

// ---- bind -----------------------------------------------------------------------------------------

const BIND_DEFAULT = "* -::*";

const bindDef: ConfigDef = {
  name: "bind",
  type: "special",
  multiArg: true,
  default: BIND_DEFAULT,
  parse: (raw) => {
    if (raw.length > 16) return fail("Too many bind addresses specified.");
    return emptyArgs(raw);
  },
  format: (v) => (v as string[]).join(" "),
  rewrite: (v) => {
    const addrs = (v as string[]).join(" ");
    return [{ line: `bind ${addrs === "" ? '""' : addrs}`, force: addrs !== BIND_DEFAULT }];
  },
};

// ---- dir ------------------------------------------------------------------------------------------

/** Resolves `path` against `base` (absolute stays absolute), normalizing "." and ".." segments. */
export function absolutePath(path: string, base: string): string {
  const parts = (path.startsWith("/") ? path : `${base}/${path}`).split("/");
  const out: string[] = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return "/" + out.join("/");
}

function currentDir(): string {
  try {
    return Deno.cwd();
  } catch {
    return "/";
  }
}

const dirDef: ConfigDef = {
  name: "dir",
  type: "special",
  protected: true,
  default: ".",
  parse: (raw, ctx) => {
    if (raw.length !== 1) return fail("wrong number of arguments");
    const base = typeof ctx.current === "string" && ctx.current !== "" ? ctx.current : currentDir();
    const path = absolutePath(raw[0], base);
    try {
      if (!Deno.statSync(path).isDirectory) return fail("Not a directory");
      if (ctx.processOwner && ctx.current !== undefined) Deno.chdir(path);
    } catch (e) {
      return fail(strerror(e));
    }
    return path;
  },
  format: (v) => v as string,
  rewrite: (v) => [{ line: `dir ${repr(v as string)}`, force: true }],
};

// ---- replicaof ------------------------------------------------------------------------------------

const replicaofDef: ConfigDef = {
  name: "replicaof",
  aliases: ["slaveof"],
  type: "special",
  multiArg: true,
  immutable: true,
  default: "",
  parse: (raw) => {
    if (raw.length === 0) return "";
    if (raw.length !== 2) return fail("wrong number of arguments");
    if (raw[0].toLowerCase() === "no" && raw[1].toLowerCase() === "one") return "";
    const port = strtollFull(raw[1]);
    if (port === null || port < 0 || port > 65535 || raw[1] === "") return fail("Invalid master port");
    return `${raw[0]} ${port}`;
  },
  format: (v) => v as string,
  rewrite: (v) => (v === "" ? null : [{ line: `replicaof ${v}`, force: true }]),
};

// ---- client-output-buffer-limit -------------------------------------------------------------------

const OBUF_CLASSES = ["normal", "replica", "pubsub"] as const;
const OBUF_DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

function obufClass(name: string): keyof OutputBufferLimits | null {
  switch (name.toLowerCase()) {
    case "normal":
      return "normal";
    case "slave":
    case "replica":
      return "replica";
    case "pubsub":
      return "pubsub";
    default:
      return null; // "master" is a client type but has no output limit
  }
}

function defaultLimits(): OutputBufferLimits {
  return {
    normal: { hard: 0, soft: 0, seconds: 0 },
    replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, seconds: 60 },
    pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, seconds: 60 },
  };
}

function parseOutputBufferLimits(raw: string[], ctx: ParseContext): ConfigValue | ParseError {
  if (raw.length % 4 !== 0) return fail("Wrong number of arguments in buffer limit configuration.");
  const current = ctx.current as OutputBufferLimits | undefined;
  const next: OutputBufferLimits = current
    ? { normal: { ...current.normal }, replica: { ...current.replica }, pubsub: { ...current.pubsub } }
    : defaultLimits();
  const updates: [keyof OutputBufferLimits, BufferLimit][] = [];
  for (let j = 0; j < raw.length; j += 4) {
    const cls = obufClass(raw[j]);
    if (!cls) return fail("Invalid client class specified in buffer limit configuration.");
    const hard = parseMemoryBig(raw[j + 1]), soft = parseMemoryBig(raw[j + 2]);
    const seconds = strtollFull(raw[j + 3]);
    if (hard === null || soft === null || seconds === null || seconds < 0) {
      return fail("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    updates.push([cls, { hard: Number(hard), soft: Number(soft), seconds }]);
  }
  for (const [cls, limit] of updates) next[cls] = limit;
  return next;
}

const outputBufferDef: ConfigDef = {
  name: "client-output-buffer-limit",
  type: "special",
  multiArg: true,
  default: OBUF_DEFAULT,
  parse: parseOutputBufferLimits,
  format: (v) => {
    const l = v as OutputBufferLimits;
    const one = (name: string, b: BufferLimit) => `${name} ${b.hard} ${b.soft} ${b.seconds}`;
    return `${one("normal", l.normal)} ${one("slave", l.replica)} ${one("pubsub", l.pubsub)}`;
  },
  rewrite: (v) => {
    const l = v as OutputBufferLimits, d = defaultLimits();
    return OBUF_CLASSES.map((cls) => {
      const b = l[cls], def = d[cls];
      const force = b.hard !== def.hard || b.soft !== def.soft || b.seconds !== def.seconds;
      const line = `client-output-buffer-limit ${cls} ${formatMemory(b.hard)} ${formatMemory(b.soft)} ${b.seconds}`;
      return { line, force };
    });
  },
};

// ---- oom-score-adj-values -------------------------------------------------------------------------

const OOM_DEFAULT = "0 200 800";

const oomValuesDef: ConfigDef = {
  name: "oom-score-adj-values",
  type: "special",
  multiArg: true,
  default: OOM_DEFAULT,
  parse: (raw) => {
    if (raw.length !== 3) return fail("wrong number of arguments");
    const values: number[] = [];
    for (const a of raw) {
      const v = strtollFull(a);
      if (v === null || v < -2000 || v > 2000) {
        return fail("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
      }
      values.push(v);
    }
    return values;
  },
  format: (v) => (v as number[]).join(" "),
  rewrite: (v) => {
    const text = (v as number[]).join(" ");
    return [{ line: `oom-score-adj-values ${text}`, force: text !== OOM_DEFAULT }];
  },
};

// ---- notify-keyspace-events -----------------------------------------------------------------------

const notifyDef: ConfigDef = {
  name: "notify-keyspace-events",
  type: "special",
  default: "",
  parse: (raw) => {
    if (raw.length !== 1) return fail("wrong number of arguments");
    const flags = parseKeyspaceEvents(raw[0]);
    return flags === null ? fail(INVALID_EVENT_CLASS) : flags;
  },
  format: (v) => keyspaceEventsToString(v as number),
  rewrite: (v) => [{
    line: `notify-keyspace-events ${repr(keyspaceEventsToString(v as number))}`,
    force: v !== 0,
  }],
};

// ---- latency-tracking-info-percentiles ------------------------------------------------------------

const percentilesDef: ConfigDef = {
  name: "latency-tracking-info-percentiles",
  type: "special",
  multiArg: true,
  default: "50 99 99.9",
  parse: (raw) => {
    const values: number[] = [];
    for (const a of emptyArgs(raw)) {
      const d = parseDouble(a);
      if (d === null) return fail("Invalid latency-tracking-info-percentiles parameters");
      if (d > 100 || d < 0) return fail("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
      values.push(d);
    }
    return values;
  },
  format: (v) => (v as number[]).map(trimDoubleString).join(" "),
  // Redis always writes this one, even at its default.
  rewrite: (v) => {
    const values = v as number[];
    const text = values.length === 0 ? '""' : values.map(trimDoubleString).join(" ");
    return [{ line: `latency-tracking-info-percentiles ${text}`, force: true }];
  },
};

/** Every special directive. */
export const SPECIAL_CONFIGS: ConfigDef[] = [
  saveDef,
  bindDef,
  dirDef,
  replicaofDef,
  outputBufferDef,
  oomValuesDef,
  notifyDef,
  percentilesDef,
];

// ---- validators for plain directives --------------------------------------------------------------

/** Validator: the value must be a bare file name (dbfilename, appendfilename, appenddirname). */
export function baseNameOnly(message: string): (v: ConfigValue) => string | undefined {
  return (v) => {
    const s = v as string;
    return s.includes("/") || s.includes("\\") ? message : undefined;
  };
}

/** shutdown-on-sigint / shutdown-on-sigterm: SAVE and NOSAVE exclude each other. */
export function validShutdownFlags(v: ConfigValue): string | undefined {
  const flags = (v as string).split(" ");
  return flags.includes("save") && flags.includes("nosave")
    ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
    : undefined;
}

const TITLE_VARS = new Set(["title", "listen-addr", "server-mode", "port", "tls-port", "unixsocket", "config-file"]);

/** proc-title-template: known {variables}, balanced braces, and not empty once expanded. */
export function validProcTitleTemplate(v: ConfigValue): string | undefined {
  const err = "template format is invalid or contains unknown variables";
  const t = v as string;
  let out = "";
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === "{" && t[i + 1] === "{") {
      out += "{";
      i++;
    } else if (c === "}" && t[i + 1] === "}") {
      out += "}";
      i++;
    } else if (c === "{") {
      const end = t.indexOf("}", i);
      if (end < 0) return err;
      const name = t.slice(i + 1, end);
      if (!TITLE_VARS.has(name)) return err;
      // Expanded with an empty title, like Redis's validation pass.
      out += name === "listen-addr" ? "*:6379" : name === "port" ? "6379" : name === "tls-port" ? "0" : "";
      i = end;
    } else if (c === "}") {
      return err;
    } else {
      out += c;
    }
  }
  return out.trim() === "" ? err : undefined;
}

/** cluster-announce-hostname: at most 255 characters of [A-Za-z0-9.-]. */
export function validHostname(v: ConfigValue): string | undefined {
  const s = v as string;
  if (s.length >= 256) return "Hostnames must be less than 256 characters";
  return /^[A-Za-z0-9.-]*$/.test(s) ? undefined : "Hostnames may only contain alphanumeric characters, hyphens or dots";
}

/** cluster-announce-human-nodename: [A-Za-z0-9._-]. */
export function validNodename(v: ConfigValue): string | undefined {
  return /^[A-Za-z0-9._-]*$/.test(v as string)
    ? undefined
    : "Nodename may only contain alphanumeric characters, hyphens, dots or underscores";
}
