/**
 * Filling and flushing the EVAL script cache (Redis's lua_scripts dict): sha → compiled function,
 * with the shebang flags parsed as eval.c's evalExtractShebangFlags does. Part of the lazily loaded
 * engine (see loader.ts); the cache map itself lives in state.ts.
 */
import { engineOf } from "./engine.ts";
import { sha1hex } from "./sha1.ts";
import { SF } from "./flags.ts";
import { type CachedScript, scriptCache } from "./state.ts";
import type { Server } from "../server/server.ts";
import { splitArgs } from "../util/splitargs.ts";

const SHEBANG_FLAGS: Record<string, number> = {
  "no-writes": SF.NO_WRITES,
  "allow-oom": SF.ALLOW_OOM,
  "allow-stale": SF.ALLOW_STALE,
  "no-cluster": SF.NO_CLUSTER,
  "allow-cross-slot-keys": SF.ALLOW_CROSS_SLOT,
};

/**
 * Parses the `#!lua flags=…` line; returns [flags, shebang length] or an error text (with code).
 * Without a shebang the script runs in EVAL compatibility mode.
 */
export function parseShebang(body: string): [number, number] | string {
  if (!body.startsWith("#!")) return [SF.EVAL_COMPAT, 0];
  const end = body.indexOf("\n");
  if (end < 0) return "ERR Invalid script shebang";
  const parts = splitArgs(body.slice(0, end));
  if (!parts || parts.length === 0) return "ERR Invalid engine in script shebang";
  if (parts[0] !== "#!lua") return `ERR Unexpected engine in script shebang: ${parts[0]}`;
  let flags = 0;
  for (const part of parts.slice(1)) {
    if (!part.startsWith("flags=")) return `ERR Unknown lua shebang option: ${part}`;
    const list = part.slice(6);
    if (list === "") continue;
    for (const f of list.split(",")) {
      const bit = SHEBANG_FLAGS[f];
      if (bit === undefined) return `ERR Unexpected flag in script shebang: ${f}`;
      flags |= bit;
    }
  }
  return [flags, end];
}

/**
 * Compiles and caches `body` (or returns the cached script); returns an error text (with code) when
 * the shebang or the code is invalid.
 */
export function loadScript(server: Server, body: string, sha = sha1hex(body)): CachedScript | string {
  const cache = scriptCache(server);
  const hit = cache.get(sha);
  if (hit) return hit;
  const sb = parseShebang(body);
  if (typeof sb === "string") return sb;
  const [flags, skip] = sb;
  // The shebang line is skipped but its line feed kept, so line numbers stay the user's.
  const ref = engineOf(server).compile(body.slice(skip), "@user_script");
  if (typeof ref === "string") return `ERR Error compiling script (new function): ${ref}`;
  const script = { sha, body, ref, flags };
  cache.set(sha, script);
  return script;
}

/** SCRIPT FLUSH: drops every cached script. */
export function flushScripts(server: Server): void {
  const cache = scriptCache(server);
  const engine = engineOf(server);
  for (const s of cache.values()) engine.release(s.ref);
  cache.clear();
}
