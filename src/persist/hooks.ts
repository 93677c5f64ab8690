/**
 * Registrations between the persistence modules that import each other: what the AOF module tells
 * persistence.ts (an AOF rewrite's child is running) and what the functions module tells it (how
 * libraries are saved and loaded).
 *
 * This module imports nothing at run time, so it is evaluated before any module that imports it,
 * whatever the import cycles around it (aof.ts registers at its top level; with the setters in
 * persistence.ts, importing persistence.ts first failed with "Cannot access 'otherChild' before
 * initialization").
 */
import type { Server } from "../server/server.ts";

/** How function libraries (FUNCTION LOAD) take part in RDB files; registered by the functions module. */
export interface FunctionsPersistence {
  /** The source of every library, saved as FUNCTION2 records. */
  codes(server: Server): string[];
  /** Loads libraries read from a file (replacing same-named ones); returns an error text on failure. */
  restore(server: Server, codes: string[]): string | undefined;
}

let functionsHook: FunctionsPersistence | null = null;

/** Plugs function libraries into RDB save and load. */
export function setFunctionsPersistence(h: FunctionsPersistence): void {
  functionsHook = h;
}

/** The registered function-library persistence, or null. */
export function functionsPersistence(): FunctionsPersistence | null {
  return functionsHook;
}

/** Library sources to save (none until the functions module registers). */
export function functionCodes(server: Server): string[] {
  return functionsHook?.codes(server) ?? [];
}

/** True while another snapshot child runs (an AOF rewrite): BGSAVE and save points wait. */
let otherChild: (server: Server) => boolean = () => false;

/** Registered by the AOF module. */
export function setOtherChildCheck(fn: (server: Server) => boolean): void {
  otherChild = fn;
}

/** True when an AOF rewrite runs (BGSAVE must wait or fail). */
export function aofRewriteActive(server: Server): boolean {
  return otherChild(server);
}
