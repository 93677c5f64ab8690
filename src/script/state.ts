/**
 * Per-server scripting state that outlives no engine and needs none: the EVAL script cache
 * (Redis's lua_scripts dict) and the Redis Functions registry (libraries and their functions).
 * Only the lazily loaded engine modules (cache.ts, functions.ts) add entries, so a non-empty cache
 * or registry implies the Lua engine is loaded; commands that only read them (EVALSHA, SCRIPT
 * EXISTS, FCALL, FUNCTION LIST…) and INFO answer without loading it.
 */
import type { Server } from "../server/server.ts";

/** A cached script. */
export interface CachedScript {
  sha: string;
  body: string;
  /** Registry ref of the compiled chunk. */
  ref: number;
  /** SF bits. */
  flags: number;
}

/** A registered function. */
export interface LuaFunction {
  name: string;
  /** Registry ref of the callback. */
  ref: number;
  /** SF bits. */
  flags: number;
  description: string | null;
  library: Library;
}

/** A loaded library. */
export interface Library {
  name: string;
  code: string;
  functions: Map<string, LuaFunction>;
  /** Registry ref of the library's environment table. */
  envRef: number;
}

/** The server's libraries and the functions they registered (names are global). */
export interface FunctionsState {
  libraries: Map<string, Library>;
  functions: Map<string, LuaFunction>;
}

const caches = new WeakMap<Server, Map<string, CachedScript>>();
const registries = new WeakMap<Server, FunctionsState>();

/** The server's script cache (sha → script). */
export function scriptCache(server: Server): Map<string, CachedScript> {
  let m = caches.get(server);
  if (!m) {
    m = new Map();
    caches.set(server, m);
  }
  return m;
}

/** The server's function libraries. */
export function functionsOf(server: Server): FunctionsState {
  let s = registries.get(server);
  if (!s) {
    s = { libraries: new Map(), functions: new Map() };
    registries.set(server, s);
  }
  return s;
}

/** INFO's number_of_cached_scripts. */
export function cachedScriptCount(server: Server): number {
  return caches.get(server)?.size ?? 0;
}

/** INFO's number_of_functions and number_of_libraries. */
export function functionCounts(server: Server): { functions: number; libraries: number } {
  const s = registries.get(server);
  return { functions: s?.functions.size ?? 0, libraries: s?.libraries.size ?? 0 };
}
