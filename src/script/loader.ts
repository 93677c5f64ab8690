/**
 * Lazy loading of the Lua engine. fengari costs ~14 MB of memory once imported, and most servers
 * never run a script, so the engine half of scripting (runtime.ts: engine, script cache filling,
 * function libraries) is imported dynamically on first use. This module, with no Lua dependency,
 * is what the rest of the server imports statically:
 *
 * - `luaReady()` / `loadLua(server)` (idempotent) / `scriptRuntime()` (the engine's exports, once
 *   loaded). Command handlers stay synchronous: dispatch holds a command flagged `needsLua` (EVAL,
 *   SCRIPT LOAD, FUNCTION LOAD…) with `waitForLua`, which parks the client like CLIENT PAUSE does
 *   (argv kept in `c.deferred`, client in `server.pausedClients`) and resumes it once the import
 *   resolved. Commands that only read the script cache or the library registry (state.ts) need no
 *   engine: both are empty until it is loaded.
 * - `functionsPersistence`: function libraries in RDB files. Saving reads only sources; loading
 *   libraries needs the engine, which startup loads first when the file holds any (preload.ts). A
 *   synchronous load that meets libraries while the engine is not loaded (DEBUG RELOAD NOSAVE of a
 *   file put in place by hand) fails with an error and starts loading the engine, so a retry works.
 *
 * If the import fails (a broken build), waiting clients resume and their commands fail with
 * "ERR internal error: Lua engine unavailable: …".
 */
import type { Server } from "../server/server.ts";
import type { Client } from "../server/client.ts";
import type * as Runtime from "./runtime.ts";
import { functionsOf } from "./state.ts";

/** The engine's exports (runtime.ts). */
export type ScriptRuntime = typeof Runtime;

let runtime: ScriptRuntime | null = null;
let loading: Promise<void> | null = null;
let failure: string | null = null;
/** Clients whose command waits for the engine. */
const waiting = new Set<Client>();

/** True once the Lua engine is loaded. */
export function luaReady(): boolean {
  return runtime !== null;
}

/**
 * Loads the Lua engine (once per process; later calls return the same promise). Never rejects: a
 * failed import is logged and remembered, and `scriptRuntime()` then throws its message.
 */
export function loadLua(server: Server): Promise<void> {
  if (loading === null) {
    // A string literal, so `deno compile` finds the module and bundles fengari.
    loading = import("./runtime.ts").then(
      (m) => {
        runtime = m;
      },
      (e) => {
        failure = e instanceof Error ? e.message : String(e);
        server.log.warning(`Failed loading the Lua engine: ${failure}`);
      },
    ).finally(resumeWaiting);
  }
  return loading;
}

/** The engine's exports; throws when it is not loaded (callers check `luaReady()` or wait first). */
export function scriptRuntime(): ScriptRuntime {
  if (runtime !== null) return runtime;
  throw new Error(failure === null ? "Lua engine not loaded" : `Lua engine unavailable: ${failure}`);
}

/**
 * Dispatch's wait for the engine: starts loading it and registers `c` to be resumed when it is
 * loaded. Returns false when the engine failed to load (the command then runs, and fails).
 */
export function waitForLua(c: Client): boolean {
  if (failure !== null) return false;
  waiting.add(c);
  void loadLua(c.server);
  return true;
}

/** Resumes the clients held by `waitForLua` (their deferred command runs first). */
function resumeWaiting(): void {
  const held = [...waiting];
  waiting.clear();
  for (const c of held) {
    if (c.closed) continue;
    const s = c.server;
    s.pausedClients.delete(c);
    // Still CLIENT PAUSEd: dispatch parks it again.
    if (s.resumeClient !== null) s.resumeClient(c);
  }
}

/**
 * Function libraries in RDB files, in the shape persist/hooks.ts's `setFunctionsPersistence`
 * takes (wired by commands/persist.ts, so this module does not pull persistence in).
 */
export const functionsPersistence = {
  /** The source of every library, saved as FUNCTION2 records. */
  codes(server: Server): string[] {
    return [...functionsOf(server).libraries.values()].map((l) => l.code);
  },
  /** Loads libraries read from a file, replacing same-named ones; returns an error text on failure. */
  restore(server: Server, codes: string[]): string | undefined {
    if (codes.length === 0) return undefined;
    if (runtime === null) {
      void loadLua(server);
      return failure === null
        ? "ERR the Lua engine was not loaded yet (it is loading now, retry)"
        : `ERR Lua engine unavailable: ${failure}`;
    }
    for (const code of codes) {
      const r = runtime.loadLibrary(server, code, true);
      if (typeof r !== "string") return r.error;
    }
    return undefined;
  },
};
