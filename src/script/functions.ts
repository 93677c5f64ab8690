/**
 * Redis Functions (functions.c, function_lua.c): libraries loaded with FUNCTION LOAD, each a Lua
 * chunk run once in its own environment where `redis.register_function` registers callbacks. The
 * library registry, metadata parsing (`#!lua name=…`), registration with flags and description,
 * and the DUMP/RESTORE payload (RDB_OPCODE_FUNCTION2 entries + RDB version + CRC-64).
 */
import { engineOf, type LuaEngine, SF } from "./engine.ts";
import { lauxlib, lua, type LuaState, toStr } from "./lua.ts";
import type { Server } from "../server/server.ts";
import { splitArgs } from "../util/splitargs.ts";
import { ByteReader, ByteWriter } from "../persist/bytes_io.ts";
import { Crc64 } from "../persist/crc64.ts";
import { OP, RDB_VERSION } from "../persist/rdb_format.ts";
import { DEFAULT_WRITE, writeString } from "../persist/rdb_write.ts";
import { readString } from "../persist/rdb_read.ts";
import { verifyDumpPayload } from "../persist/dump.ts";

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

const states = new WeakMap<Server, FunctionsState>();

/** The server's function libraries. */
export function functionsOf(server: Server): FunctionsState {
  let s = states.get(server);
  if (!s) {
    s = { libraries: new Map(), functions: new Map() };
    states.set(server, s);
  }
  return s;
}

/** Flag names of function flags, in Redis's order. */
export const FUNCTION_FLAGS: readonly (readonly [string, number])[] = [
  ["no-writes", SF.NO_WRITES],
  ["allow-oom", SF.ALLOW_OOM],
  ["allow-stale", SF.ALLOW_STALE],
  ["no-cluster", SF.NO_CLUSTER],
  ["allow-cross-slot-keys", SF.ALLOW_CROSS_SLOT],
];

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

/** FUNCTION DUMP's payload. */
export function dumpFunctions(server: Server): Uint8Array {
  const w = new ByteWriter(256);
  for (const lib of functionsOf(server).libraries.values()) {
    w.u8(OP.FUNCTION2);
    writeString(w, lib.code, DEFAULT_WRITE);
  }
  w.u16le(RDB_VERSION);
  const out = new Uint8Array(w.pos + 8);
  out.set(w.view());
  new Crc64().update(out, 0, w.pos).writeLE(out, w.pos);
  return out;
}

/** Library codes of a FUNCTION RESTORE payload, or an error text. */
export function parseFunctionPayload(payload: Uint8Array): string[] | string {
  if (!verifyDumpPayload(payload, "no")) return "ERR payload version or checksum are wrong";
  const r = new ByteReader(payload, 0, payload.length - 10);
  const codes: string[] = [];
  try {
    while (r.remaining > 0) {
      if (r.u8() !== OP.FUNCTION2) return "ERR given type is not a function";
      codes.push(readString(r));
    }
  } catch {
    return "ERR payload version or checksum are wrong";
  }
  return codes;
}

/**
 * Function libraries in RDB files, in the shape persist/persistence.ts's `setFunctionsPersistence`
 * takes (wired by whoever starts persistence, so this module does not pull persistence in).
 */
export const functionsPersistence = {
  /** The source of every library, saved as FUNCTION2 records. */
  codes(server: Server): string[] {
    return [...functionsOf(server).libraries.values()].map((l) => l.code);
  },
  /** Loads libraries read from a file, replacing same-named ones; returns an error text on failure. */
  restore(server: Server, codes: string[]): string | undefined {
    for (const code of codes) {
      const r = loadLibrary(server, code, true);
      if (typeof r !== "string") return r.error;
    }
    return undefined;
  },
};
