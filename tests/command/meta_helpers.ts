/**
 * Test helpers for the COMMAND tests: render replies with the table's own reply builders (no server
 * needed), decode replies into plain values, normalize COMMAND INFO / COMMAND DOCS entries for
 * comparison with the 7.0 oracle, and the documented list of places where Redis 8.2's metadata
 * (our target) differs from Redis 7.0's.
 */
import { Buffer } from "node:buffer";
import { ReplyBuffer } from "../../src/resp/reply.ts";
import { decodeReply, type RespValue } from "../helpers/resp.ts";
import {
  buildCommandTable,
  type Command,
  type CommandDef,
  referenceMeta,
  referenceNames,
} from "../../src/commands/table.ts";

/** Runs `write` against a fresh reply buffer in protocol `resp` and returns the raw reply text. */
export function renderReply(resp: 2 | 3, write: (r: ReplyBuffer) => void): string {
  const r = new ReplyBuffer();
  r.resp = resp;
  write(r);
  return Buffer.from(r.out.subarray(0, r.outLen)).toString("latin1");
}

/** Plain JS form of a RESP3 value: maps become objects (keys in order), sets `{"~": [...]}`. */
export function plain(v: RespValue): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") {
    if ("map" in v) return Object.fromEntries(v.map.map(([k, x]) => [String(k), plain(x)]));
    if ("set" in v) return { "~": v.set.map(plain) };
    if ("error" in v) return { error: v.error };
  }
  return v;
}

/** Decodes a raw reply into its plain form. */
export function decodePlain(raw: string): unknown {
  return plain(decodeReply(raw));
}

/**
 * Converts a RESP3 reply into the RESP2 bytes Redis would send for it: maps become flat arrays,
 * sets arrays, nulls `$-1`. Used to check our RESP2 shapes against our (oracle-checked) RESP3 ones.
 */
export function resp3ToResp2(raw: string): string {
  let pos = 0;
  let out = "";
  const one = (): void => {
    const nl = raw.indexOf("\r\n", pos);
    const t = raw[pos];
    const line = raw.slice(pos + 1, nl);
    pos = nl + 2;
    if (t === "%" || t === "~" || t === "*") {
      const n = Number(line) * (t === "%" ? 2 : 1);
      out += `*${n}\r\n`;
      for (let i = 0; i < n; i++) one();
    } else if (t === "$") {
      const n = Number(line);
      out += `$${line}\r\n`;
      if (n >= 0) {
        out += raw.slice(pos, pos + n + 2);
        pos += n + 2;
      }
    } else if (t === "_") {
      out += "$-1\r\n";
    } else {
      out += `${t}${line}\r\n`;
    }
  };
  one();
  return out;
}

/** Display names of the commands a non-Sentinel server can have. */
export function serverCommandNames(): string[] {
  return referenceNames().filter((n) => {
    const flags = referenceMeta(n)!.command_flags ?? [];
    return !flags.includes("ONLY_SENTINEL") && n !== "SENTINEL";
  });
}

/** A command table holding every command of metadata.json, with do-nothing handlers. */
export function fullTable(): Map<string, Command> {
  const defs: CommandDef[] = serverCommandNames().map((n) => ({
    name: n.toLowerCase().replace(" ", "|"),
    handler: () => {},
  }));
  return buildCommandTable(defs);
}

/** Every command and subcommand of a table once. */
export function allCommands(table: Map<string, Command>): Command[] {
  const seen = new Set<Command>();
  const out: Command[] = [];
  for (const cmd of table.values()) {
    if (seen.has(cmd)) continue;
    seen.add(cmd);
    out.push(cmd);
    for (const sub of cmd.subcommands?.values() ?? []) out.push(sub);
  }
  return out;
}

/**
 * Where Redis 8.2 (our target, from the 7.4 reference plus the 8.x command pages) differs from the
 * 7.0 oracle. For COMMAND INFO the listed entry indexes (1 arity, 2 flags, 6 ACL categories, 8 key
 * specs) are left out of the comparison; for COMMAND DOCS the listed fields.
 */
export const EXCEPTIONS: Record<string, { info?: number[]; docs?: string[]; why: string }> = {
  blmove: { info: [2], why: "7.2 dropped noscript from blocking commands (they run non-blocking in scripts)" },
  blpop: { info: [2], why: "7.2 dropped noscript from blocking commands" },
  brpop: { info: [2], why: "7.2 dropped noscript from blocking commands" },
  brpoplpush: { info: [2], why: "7.2 dropped noscript from blocking commands" },
  bzpopmax: { info: [2], why: "7.2 dropped noscript from blocking commands" },
  bzpopmin: { info: [2], why: "7.2 dropped noscript from blocking commands" },
  wait: { info: [2, 6], why: "7.2 flags WAIT blocking (@blocking) instead of noscript" },
  "cluster|shards": { info: [2], why: "7.2 allows CLUSTER SHARDS while loading" },
  "cluster|slots": { info: [2], why: "7.2 allows CLUSTER SLOTS while loading" },
  "command|getkeys": {
    info: [1],
    docs: ["arguments"],
    why: "7.2 documents the command/args arguments and accepts a command without arguments (arity -3)",
  },
  "command|getkeysandflags": {
    info: [1],
    docs: ["arguments"],
    why: "7.2 documents the command/args arguments and accepts a command without arguments (arity -3)",
  },
  sinterstore: { info: [8], why: "7.2 corrected the destination key spec from RW to OW" },
  zrank: { info: [1], docs: ["arguments"], why: "7.2 added WITHSCORE (arity -3)" },
  zrevrank: { info: [1], docs: ["arguments"], why: "7.2 added WITHSCORE (arity -3)" },
  bitop: {
    docs: ["arguments"],
    why: "7.2 turned the operation into a oneof of tokens; 8.2 adds DIFF, DIFF1, ANDOR, ONE",
  },
  "client|kill": { docs: ["arguments"], why: "7.2 made SKIPME a YES/NO oneof; 7.4 added MAXAGE" },
  "client|list": { docs: ["arguments"], why: "7.2 flattened ID into a multiple integer" },
  "client|pause": { docs: ["since"], why: "7.2 corrected the since version from 2.9.50 to 3.0.0" },
  "config|get": { docs: ["arguments"], why: "7.2 flattened the parameter block" },
  geohash: { docs: ["arguments"], why: "7.2 made the member list optional" },
  geopos: { docs: ["arguments"], why: "7.2 made the member list optional" },
  pfmerge: { docs: ["arguments"], why: "7.2 made the source keys optional" },
  georadius: { docs: ["arguments"], why: "7.2 made STORE/STOREDIST a oneof" },
  georadiusbymember: {
    docs: ["arguments", "history"],
    why: "7.2 made STORE/STOREDIST a oneof and completed the history",
  },
  georadiusbymember_ro: { docs: ["history"], why: "7.2 completed the history" },
  georadius_ro: { docs: ["history"], why: "7.2 completed the history" },
  hscan: { docs: ["arguments"], why: "7.4 added NOVALUES" },
  migrate: { docs: ["arguments"], why: "7.2 fixed the empty-key token and the AUTH/AUTH2 flags" },
  "module|loadex": { docs: ["arguments"], why: "7.2 flattened the ARGS block" },
  psubscribe: { docs: ["arguments"], why: "7.2 flattened the pattern block" },
  "xinfo|stream": { docs: ["arguments"], why: "7.2 made FULL a token inside the optional block" },
  psetex: { docs: ["doc_flags", "deprecated_since", "replaced_by"], why: "deprecated after 7.0 (in favour of SET PX)" },
  setex: { docs: ["doc_flags", "deprecated_since", "replaced_by"], why: "deprecated after 7.0 (in favour of SET EX)" },
  setnx: { docs: ["doc_flags", "deprecated_since", "replaced_by"], why: "deprecated after 7.0 (in favour of SET NX)" },
  quit: { docs: ["doc_flags", "deprecated_since", "replaced_by"], why: "deprecated in 7.2" },
};

/** True when version `v` is newer than the oracle (7.0.15). */
export function newerThanOracle(v: string): boolean {
  return v.localeCompare("7.0.15", undefined, { numeric: true }) > 0;
}

/** A COMMAND INFO entry (plain form) without its subcommands and the excepted indexes. */
export function normalizeInfo(entry: unknown[], fullName: string): unknown[] {
  const e = entry.slice(0, 9);
  for (const i of EXCEPTIONS[fullName]?.info ?? []) e[i] = "(differs in 8.2)";
  return e;
}

type Doc = Record<string, unknown>;

/**
 * A COMMAND DOCS entry (plain form) reduced to comparable facts: prose (summary, complexity,
 * history notes, replaced_by text) is ours, argument names were renamed in 7.2 and display_text is
 * 7.2+, so those are dropped; arguments and history entries newer than 7.0 are dropped; tokens
 * compare case-insensitively (7.2 lowercased some); excepted fields are left out.
 */
export function normalizeDocs(doc: Doc, fullName: string): Doc {
  const d: Doc = { ...doc };
  delete d.summary;
  delete d.complexity;
  delete d.subcommands;
  if (d.replaced_by !== undefined) d.replaced_by = "(prose)";
  if (d.history) {
    const versions = (d.history as { "~": string[][] })["~"].map((h) => h[0]).filter((v) => !newerThanOracle(v));
    if (versions.length > 0) d.history = versions;
    else delete d.history;
  }
  if (d.arguments) d.arguments = normalizeArgs(d.arguments as Doc[]);
  for (const f of EXCEPTIONS[fullName]?.docs ?? []) delete d[f];
  return d;
}

function normalizeArgs(args: Doc[]): Doc[] {
  return args.filter((a) => !(typeof a.since === "string" && newerThanOracle(a.since))).map((a) => {
    const b: Doc = { ...a };
    delete b.name;
    delete b.display_text;
    if (typeof b.token === "string") b.token = b.token.toUpperCase();
    if (b.arguments) b.arguments = normalizeArgs(b.arguments as Doc[]);
    return b;
  });
}
