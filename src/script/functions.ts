/**
 * Redis Functions (functions.c, function_lua.c): libraries loaded with FUNCTION LOAD, each a Lua
 * chunk run once in its own environment where `redis.register_function` registers callbacks.
 * Metadata parsing (`#!lua name=…`), registration with flags and description, deleting and
 * flushing libraries. Part of the lazily loaded engine (see loader.ts); the registry itself lives
 * in state.ts and the DUMP/RESTORE payload in functions_payload.ts, which need no Lua.
 */
import { engineOf, type LuaEngine } from "./engine.ts";
import { lauxlib, lua, type LuaState, toStr } from "./lua.ts";
import type { Server } from "../server/server.ts";
import { splitArgs } from "../util/splitargs.ts";
import { FUNCTION_FLAGS } from "./flags.ts";
import { functionsOf, type Library } from "./state.ts";

const NAME_RE = /^[A-Za-z0-9_]+$/;

/** Parses the `#!lua name=lib` line: [engine, name, shebang length] or an error text. */
function parseMetadata(code: string): [string, string, number] | string {
  if (!code.startsWith("#!")) return "ERR Missing library metadata";
  const end = code.indexOf("\n");
  if (end < 0) return "ERR Invalid library metadata";
  const parts = splitArgs(code.slice(0, end));
  if (!parts || parts.length === 0) return "ERR Invalid library metadata";
  const engine = parts[0].slice(2);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === "name=") {
      if (name !== null) return "ERR Invalid metadata value, name argument was given multiple times";
      name = part.slice(5);
      continue;
    }
    return `ERR Invalid metadata value given: ${part}`;
  }
  if (name === null) return "ERR Library name was not given";
  return [engine, name, end];
}

/** Releases a library's Lua references. */
function releaseLibrary(engine: LuaEngine, lib: Library): void {
  for (const f of lib.functions.values()) engine.release(f.ref);
  engine.release(lib.envRef);
}

/** Removes a library and its functions. */
export function deleteLibrary(server: Server, name: string): boolean {
  const st = functionsOf(server);
  const lib = st.libraries.get(name);
  if (!lib) return false;
  for (const f of lib.functions.keys()) st.functions.delete(f);
  st.libraries.delete(name);
  releaseLibrary(engineOf(server), lib);
  return true;
}

/** FUNCTION FLUSH. */
export function flushFunctions(server: Server): void {
  for (const name of [...functionsOf(server).libraries.keys()]) deleteLibrary(server, name);
}

/** Reads register_function's arguments; returns the function or an error message. */
function readRegistration(
  L: LuaState,
): { name: string; flags: number; description: string | null } | string {
  const argc = lua.lua_gettop(L);
  let name: string | null = null;
  let description: string | null = null;
  let flags = 0;
  let haveCallback = false;
  if (argc === 2) {
    if (!lua.lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
    if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION) {
      return "second argument to redis.register_function must be a function";
    }
    name = toStr(L, 1);
    lua.lua_pushvalue(L, 2);
    return { name: name!, flags, description };
  }
  if (argc !== 1 || lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
    return "wrong number of arguments to redis.register_function";
  }
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    if (lua.lua_type(L, -2) !== lua.LUA_TSTRING) {
      return "named argument key given to redis.register_function is not a string";
    }
    const key = toStr(L, -2)!;
    const t = lua.lua_type(L, -1);
    if (key === "function_name") {
      if (t !== lua.LUA_TSTRING) return "function_name argument given to redis.register_function must be a string";
      name = toStr(L, -1);
    } else if (key === "description") {
      if (t !== lua.LUA_TSTRING) return "description argument given to redis.register_function must be a string";
      description = toStr(L, -1);
    } else if (key === "callback") {
      if (t !== lua.LUA_TFUNCTION) return "callback argument given to redis.register_function must be a function";
      haveCallback = true;
    } else if (key === "flags") {
      if (t !== lua.LUA_TTABLE) {
        return "flags argument to redis.register_function must be a table representing function flags";
      }
      for (let i = 1;; i++) {
        if (lua.lua_rawgeti(L, -1, i) === lua.LUA_TNIL) {
          lua.lua_pop(L, 1);
          break;
        }
        const f = lua.lua_type(L, -1) === lua.LUA_TSTRING ? toStr(L, -1) : null;
        lua.lua_pop(L, 1);
        const def = FUNCTION_FLAGS.find(([n]) => n === f);
        if (!def) return "unknown flag given";
        flags |= def[1];
      }
    } else return "unknown argument given to redis.register_function";
    lua.lua_pop(L, 1);
  }
  if (name === null) return "redis.register_function must get a function name argument";
  if (!haveCallback) return "redis.register_function must get a callback argument";
  lua.lua_getfield(L, 1, "callback");
  return { name, flags, description };
}

/**
 * FUNCTION LOAD: creates (or with `replace`, replaces) the library `code` defines. Returns the
 * library name, or an error text with its code. `timeoutMs` bounds the run of the library's code
 * (FUNCTION LOAD gives it 500 ms; restores and RDB loading none).
 */
export function loadLibrary(
  server: Server,
  code: string,
  replace: boolean,
  timeoutMs = 0,
): string | { error: string } {
  const md = parseMetadata(code);
  if (typeof md === "string") return { error: md };
  const [engineName, name, skip] = md;
  if (!NAME_RE.test(name)) {
    return {
      error:
        "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long",
    };
  }
  if (engineName.toUpperCase() !== "LUA") return { error: `ERR Engine '${engineName}' not found` };
  const st = functionsOf(server);
  const old = st.libraries.get(name);
  if (old && !replace) return { error: `ERR Library '${name}' already exists` };
  const engine = engineOf(server);
  const ref = engine.compile(code.slice(skip), "@user_function");
  if (typeof ref === "string") return { error: `ERR Error compiling function: ${ref}` };
  const lib: Library = { name, code, functions: new Map(), envRef: engine.newLibraryEnv() };
  let regError: string | null = null;
  engine.registerFunctionHook = (L: LuaState) => {
    const r = readRegistration(L);
    if (typeof r === "string") return engine.raiseApiError(L, r);
    if (!NAME_RE.test(r.name)) {
      return engine.raiseApiError(
        L,
        "Function names can only contain letters, numbers, or underscores(_) and must be at least one character long",
      );
    }
    if (lib.functions.has(r.name)) return engine.raiseApiError(L, "Function already exists in the library");
    // The callback is at the top of the stack (readRegistration pushed it).
    const fref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lib.functions.set(r.name, { name: r.name, ref: fref, flags: r.flags, description: r.description, library: lib });
    return 0;
  };
  try {
    regError = engine.runLibrary(ref, lib.envRef, timeoutMs);
  } finally {
    engine.registerFunctionHook = null;
    engine.release(ref);
  }
  const fail = (error: string) => {
    releaseLibrary(engine, lib);
    return { error };
  };
  if (regError !== null) return fail(`ERR Error registering functions: ${regError}`);
  if (lib.functions.size === 0) return fail("ERR No functions registered");
  for (const fname of lib.functions.keys()) {
    const other = st.functions.get(fname);
    if (other && other.library !== old) return fail(`ERR Function ${fname} already exists`);
  }
  if (old) deleteLibrary(server, name);
  st.libraries.set(name, lib);
  for (const f of lib.functions.values()) st.functions.set(f.name, f);
  return name;
}
