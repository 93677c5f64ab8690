/**
 * The lazily loaded half of scripting: everything that needs the Lua engine (fengari), gathered in
 * one module that src/script/loader.ts imports dynamically on first use. Nothing outside
 * src/script imports this module statically (only `import type`), so a server that never runs a
 * script never loads fengari.
 */
export { engineOf } from "./engine.ts";
export { flushScripts, loadScript } from "./cache.ts";
export { deleteLibrary, flushFunctions, loadLibrary } from "./functions.ts";
