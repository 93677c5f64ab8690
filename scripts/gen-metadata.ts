/**
 * Generates src/commands/metadata.json, the facts half of the command table (DESIGN.md §3), from:
 *
 * - ../shared/reference/redis-commands-7.4.json: every command up to Redis 7.4 (arity, flags, ACL
 *   categories, key specs, arguments, history versions…), no prose;
 * - scripts/metadata-8x.json: Redis 8.0–8.2 commands and argument additions, from the documentation;
 * - scripts/command-tips.json: command tips as a running redis-server reports them (COMMAND INFO);
 * - scripts/summaries.json: summaries, complexity texts, history notes and "replaced by" texts, in
 *   our own words.
 *
 * Usage:
 *   deno run -A scripts/gen-metadata.ts                       write metadata.json
 *   deno run -A scripts/gen-metadata.ts --check               exit 1 when metadata.json is stale
 *   deno run -A scripts/gen-metadata.ts --capture-tips 6379   refresh command-tips.json from a redis-server
 */
import { RawClient, type RespValue } from "../tests/helpers/resp.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const REFERENCE = `${ROOT}../shared/reference/redis-commands-7.4.json`;
const ADDITIONS = `${ROOT}scripts/metadata-8x.json`;
const TIPS = `${ROOT}scripts/command-tips.json`;
const SUMMARIES = `${ROOT}scripts/summaries.json`;
const OUTPUT = `${ROOT}src/commands/metadata.json`;

type Json = Record<string, unknown>;

/** Our prose for one command: summary, complexity, one note per history version, replacement. */
interface Prose {
  summary: string;
  complexity: string;
  history?: string[];
  replaced_by?: string;
}

/** Field order of every generated entry (stable output, readable diffs). */
const FIELD_ORDER = [
  "summary",
  "since",
  "group",
  "complexity",
  "arity",
  "command_flags",
  "acl_categories",
  "tips",
  "key_specs",
  "doc_flags",
  "deprecated_since",
  "replaced_by",
  "history",
  "arguments",
];

function readJson<T>(path: string): T {
  return JSON.parse(Deno.readTextFileSync(path)) as T;
}

/** Builds the metadata object; throws with a list of problems (missing prose, unknown patches). */
export function generate(): Record<string, Json> {
  const reference = readJson<Record<string, Json>>(REFERENCE);
  const additions = readJson<{ commands: Record<string, Json>; patches: Record<string, Json> }>(ADDITIONS);
  const tips = readJson<Record<string, string[]>>(TIPS);
  const prose = readJson<Record<string, Prose>>(SUMMARIES);
  const problems: string[] = [];

  const merged: Record<string, Json> = {};
  for (const [name, meta] of Object.entries(reference)) merged[name] = structuredClone(meta);
  for (const [name, meta] of Object.entries(additions.commands)) {
    if (merged[name]) problems.push(`${name}: listed as new in metadata-8x.json but already in the reference`);
    merged[name] = structuredClone(meta);
  }
  for (const [name, patch] of Object.entries(additions.patches)) {
    if (!merged[name]) problems.push(`${name}: patched in metadata-8x.json but unknown`);
    else Object.assign(merged[name], structuredClone(patch));
  }
  for (const [name, t] of Object.entries(tips)) {
    if (!merged[name]) problems.push(`${name}: has tips but is unknown`);
    else if (!merged[name].tips) merged[name].tips = t;
  }

  const out: Record<string, Json> = {};
  for (const name of Object.keys(merged).sort()) {
    const meta = merged[name];
    const text = prose[name];
    if (!text) {
      problems.push(`${name}: no summary in scripts/summaries.json`);
      continue;
    }
    const versions = (meta.history_versions as string[] | undefined) ?? [];
    delete meta.history_versions;
    if ((text.history?.length ?? 0) !== versions.length) {
      problems.push(`${name}: ${versions.length} history versions but ${text.history?.length ?? 0} notes`);
    }
    if (versions.length > 0) meta.history = versions.map((v, i) => [v, text.history?.[i] ?? ""]);
    // Redis prints group names with dashes ("sorted-set"); the reference file uses underscores.
    meta.group = String(meta.group).replaceAll("_", "-");
    meta.summary = text.summary;
    meta.complexity = text.complexity;
    if (meta.deprecated_since) {
      if (!text.replaced_by && !name.startsWith("SENTINEL ")) problems.push(`${name}: deprecated without replaced_by`);
    }
    if (text.replaced_by) meta.replaced_by = text.replaced_by;
    const ordered: Json = {};
    for (const f of FIELD_ORDER) if (meta[f] !== undefined) ordered[f] = meta[f];
    for (const f of Object.keys(meta)) if (!(f in ordered)) ordered[f] = meta[f];
    out[name] = ordered;
  }
  for (const name of Object.keys(prose)) {
    if (!merged[name]) problems.push(`${name}: summary for an unknown command`);
  }
  if (problems.length > 0) throw new Error("metadata generation failed:\n  " + problems.join("\n  "));
  return out;
}

/** The exact text written to metadata.json. */
export function render(meta: Record<string, Json>): string {
  return JSON.stringify(meta, null, 1) + "\n";
}

/** Reads COMMAND INFO from a running redis-server and rewrites command-tips.json. */
async function captureTips(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  const all = await c.call("COMMAND", "INFO");
  c.close();
  const tips: Record<string, string[]> = {};
  const visit = (entry: RespValue, parent: string) => {
    const e = entry as RespValue[];
    const name = (e[0] as string).split("|").pop()!.toUpperCase();
    const full = parent ? `${parent} ${name}` : name;
    const t = e[7] as string[];
    if (t.length > 0) tips[full] = t;
    for (const sub of e[9] as RespValue[]) visit(sub, full);
  };
  for (const entry of all as RespValue[]) visit(entry, "");
  const sorted: Record<string, string[]> = {};
  for (const k of Object.keys(tips).sort()) sorted[k] = tips[k];
  Deno.writeTextFileSync(TIPS, JSON.stringify(sorted, null, 2) + "\n");
  console.log(`wrote ${Object.keys(sorted).length} commands' tips to ${TIPS}`);
}

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "--capture-tips") {
    await captureTips(Number(args[1] ?? 6379));
  } else {
    const text = render(generate());
    if (args[0] === "--check") {
      let current = "";
      try {
        current = Deno.readTextFileSync(OUTPUT);
      } catch {
        // missing file: stale
      }
      if (current !== text) {
        console.error("src/commands/metadata.json is out of date: run deno run -A scripts/gen-metadata.ts");
        Deno.exit(1);
      }
      console.log("src/commands/metadata.json is up to date");
    } else {
      Deno.writeTextFileSync(OUTPUT, text);
      console.log(`wrote ${OUTPUT}`);
    }
  }
}
