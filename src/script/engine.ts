/**
 * The Lua scripting engine of one server: a sandboxed Lua state (globals protected as in Redis 7:
 * reading a missing global or writing any global is an error), the `redis` API bound to a fake
 * internal client, and `runFunction`, which runs a compiled chunk with KEYS/ARGV and writes its
 * reply — or Redis's error text, "ERR user_script:1: … script: <sha>, on @user_script:1." — to the
 * caller.
 *
 * Busy scripts: the engine is synchronous and runs on the event loop thread, so while a script runs
 * no other client is read. Redis answers other clients with -BUSY and accepts SCRIPT KILL during a
 * long script because its Lua hook polls the event loop; a synchronous JS call cannot yield to
 * Deno's loop, so here a long script simply delays other clients until it ends (see the report in
 * src/commands/scripting.ts).
 */
import { formatG, lauxlib, lua, luaConst, lualib, type LuaState, pushConst, pushStr, toStr } from "./lua.ts";
import { writeLuaReply } from "./convert.ts";
import { openShims } from "./libs.ts";
import { Rand48 } from "./rand.ts";
import { apiError, openRedisApi, raise } from "./redis_api.ts";
import { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";

/** Script flags (shebang `flags=` and function flags). */
export const SF = {
  NO_WRITES: 1,
  ALLOW_OOM: 2,
  ALLOW_STALE: 4,
  NO_CLUSTER: 8,
  ALLOW_CROSS_SLOT: 16,
  /** No shebang: a pre-7.0 script (may write, not checked against flags). */
  EVAL_COMPAT: 32,
} as const;

/** The script run in progress. */
export interface RunContext {
  caller: Client;
  /** The sha (EVAL) or the function name (FCALL), as error messages show it. */
  funcname: string;
  /** SF bits. */
  flags: number;
  /** EVAL_RO / FCALL_RO, or a no-writes script: write commands are refused. */
  readOnly: boolean;
  start: number;
}

export { sha1hex } from "./sha1.ts";

/** One server's Lua state. */
export class LuaEngine {
  readonly L: LuaState;
  /** The client redis.call runs commands as. */
  readonly fake: Client;
  readonly rand = new Rand48();
  run: RunContext | null = null;
  /** Registry refs: the real globals table (behind the read-only proxy) and the error handler. */
  private realGlobalsRef = 0;
  private readonly kKeys: unknown;
  private readonly kArgv: unknown;
  private handlerRef = 0;
  /** Registry refs: the restricted `redis` table libraries see while loading, and the full one. */
  private loadRedisRef = 0;
  private redisRef = 0;
  private readonlyRef = 0;
  private globalsProxyRef = 0;
  /** Extra setup for FUNCTION LOAD (register_function), installed by the functions module. */
  registerFunctionHook: ((L: LuaState) => number) | null = null;

  constructor(readonly server: Server) {
    this.fake = new Client(server, null, "", "", "internal");
    this.fake.authenticated = true;
    const L = this.L = lauxlib.luaL_newstate();
    this.kKeys = luaConst(L, "KEYS");
    this.kArgv = luaConst(L, "ARGV");
    // Every 100k instructions: warn once per run about a script slower than busy-reply-threshold.
    lua.lua_sethook(L, () => this.checkSlow(), lua.LUA_MASKCOUNT, 100000);
    this.openLibs();
    openRedisApi(this);
    openShims(L);
    this.protectGlobals();
  }

  /** Base, table, string, math and coroutine libraries, trimmed and extended to look like Lua 5.1. */
  private openLibs(): void {
    const L = this.L;
    const libs: [string, unknown][] = [
      ["_G", lualib.luaopen_base],
      ["table", lualib.luaopen_table],
      ["string", lualib.luaopen_string],
      ["math", lualib.luaopen_math],
      ["coroutine", lualib.luaopen_coroutine],
    ];
    for (const [name, fn] of libs) {
      lauxlib.luaL_requiref(L, name, fn, 1);
      lua.lua_pop(L, 1);
    }
    for (const name of ["dofile", "loadfile", "print", "rawlen", "require"]) {
      lua.lua_pushnil(L);
      lua.lua_setglobal(L, name);
    }
    pushStr(L, "Lua 5.1");
    lua.lua_setglobal(L, "_VERSION");
    // tostring formats numbers as Lua 5.1 ("%.14g"); other values as before (__tostring…).
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      lauxlib.luaL_checkany(L, 1);
      if (lua.lua_type(L, 1) === lua.LUA_TNUMBER) pushStr(L, formatG(lua.lua_tonumber(L, 1), 14));
      else lauxlib.luaL_tolstring(L, 1);
      return 1;
    });
    lua.lua_setglobal(L, "tostring");
    // Lua 5.1 names: unpack, loadstring, table.getn, gcinfo, math.pow/log10/mod.
    lua.lua_getglobal(L, "table");
    lua.lua_getfield(L, -1, "unpack");
    lua.lua_setglobal(L, "unpack");
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
      lua.lua_pushinteger(L, lua.lua_rawlen(L, 1));
      return 1;
    });
    lua.lua_setfield(L, -2, "getn");
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
      let max = 0;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, 1)) {
        lua.lua_pop(L, 1);
        if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) max = Math.max(max, lua.lua_tonumber(L, -1));
      }
      lua.lua_pushnumber(L, max);
      return 1;
    });
    lua.lua_setfield(L, -2, "maxn");
    lua.lua_pop(L, 1);
    lua.lua_getglobal(L, "load");
    lua.lua_setglobal(L, "loadstring");
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      lua.lua_pushnumber(L, 0);
      return 1;
    });
    lua.lua_setglobal(L, "gcinfo");
    lua.lua_getglobal(L, "math");
    const math2 = (name: string, f: (a: number, b: number) => number) => {
      lua.lua_pushjsfunction(L, (L: LuaState) => {
        lua.lua_pushnumber(L, f(lauxlib.luaL_checknumber(L, 1), lua.lua_tonumber(L, 2)));
        return 1;
      });
      lua.lua_setfield(L, -2, name);
    };
    math2("pow", (a, b) => Math.pow(a, b));
    math2("log10", (a) => Math.log10(a));
    math2("ldexp", (a, b) => a * Math.pow(2, b));
    math2("cosh", (a) => Math.cosh(a));
    math2("sinh", (a) => Math.sinh(a));
    math2("tanh", (a) => Math.tanh(a));
    lua.lua_getfield(L, -1, "fmod");
    lua.lua_setfield(L, -2, "mod");
    // math.random / math.randomseed on Redis's rand48, as Lua 5.1 computes the ranges.
    const rand = this.rand;
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      const r = rand.random();
      const n = lua.lua_gettop(L);
      if (n === 0) lua.lua_pushnumber(L, r);
      else if (n === 1) {
        const u = Math.trunc(lauxlib.luaL_checknumber(L, 1));
        if (u < 1) lauxlib.luaL_argerror(L, 1, "interval is empty");
        lua.lua_pushnumber(L, Math.floor(r * u) + 1);
      } else if (n === 2) {
        const l = Math.trunc(lauxlib.luaL_checknumber(L, 1));
        const u = Math.trunc(lauxlib.luaL_checknumber(L, 2));
        if (l > u) lauxlib.luaL_argerror(L, 2, "interval is empty");
        lua.lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
      } else return raise(L, "wrong number of arguments");
      return 1;
    });
    lua.lua_setfield(L, -2, "random");
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      rand.seed(Math.trunc(lauxlib.luaL_checknumber(L, 1)));
      return 0;
    });
    lua.lua_setfield(L, -2, "randomseed");
    lua.lua_pop(L, 1);
  }

  /**
   * Makes the library tables read-only and replaces the globals table by a read-only proxy whose
   * misses raise Redis's "nonexistent global variable" error. Chunks compiled afterwards get the
   * proxy as their environment.
   */
  private protectGlobals(): void {
    const L = this.L;
    const readonly = (L: LuaState) => raise(L, "Attempt to modify a readonly table");
    const proxyTop = (nonexistent: boolean) => {
      // stack: real table → replaced by its proxy
      lua.lua_createtable(L, 0, 0);
      lua.lua_createtable(L, 0, 3);
      lua.lua_pushvalue(L, -3);
      lua.lua_setfield(L, -2, "__index");
      lua.lua_pushjsfunction(L, readonly);
      lua.lua_setfield(L, -2, "__newindex");
      lua.lua_pushboolean(L, false);
      lua.lua_setfield(L, -2, "__metatable");
      lua.lua_setmetatable(L, -2);
      if (nonexistent) {
        lua.lua_createtable(L, 0, 1);
        lua.lua_pushjsfunction(L, (L: LuaState) => {
          return raise(L, `Script attempted to access nonexistent global variable '${toStr(L, 2) ?? "?"}'`);
        });
        lua.lua_setfield(L, -2, "__index");
        lua.lua_setmetatable(L, -3);
      }
      lua.lua_insert(L, -2);
      lua.lua_pop(L, 1);
    };
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    for (const lib of ["redis", "table", "string", "math", "coroutine", "bit", "cjson", "struct", "cmsgpack"]) {
      lua.lua_getfield(L, -1, lib);
      if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
        lua.lua_pop(L, 1);
        continue;
      }
      proxyTop(false);
      lua.lua_setfield(L, -2, lib);
    }
    lua.lua_pushvalue(L, -1);
    this.realGlobalsRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    proxyTop(true);
    // _G names the proxy; the registry's globals become the proxy (load/loadstring chunks too).
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.realGlobalsRef);
    lua.lua_pushvalue(L, -2);
    lua.lua_setfield(L, -2, "_G");
    lua.lua_pop(L, 1);
    lua.lua_pushvalue(L, -1);
    this.globalsProxyRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_pushjsfunction(L, (L: LuaState) => this.errorHandler(L));
    this.handlerRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_pushjsfunction(L, readonly);
    this.readonlyRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    // The full `redis` (proxy) and the restricted one for FUNCTION LOAD, whose misses raise the
    // nonexistent-global error (as `redis.call` does at load time in Redis).
    lua.lua_getglobal(L, "redis");
    lua.lua_pushvalue(L, -1);
    this.redisRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_createtable(L, 0, 12);
    for (
      const f of [
        "register_function",
        "log",
        "setresp",
        "LOG_DEBUG",
        "LOG_VERBOSE",
        "LOG_NOTICE",
        "LOG_WARNING",
        "REDIS_VERSION",
        "REDIS_VERSION_NUM",
      ]
    ) {
      lua.lua_getfield(L, -2, f);
      lua.lua_setfield(L, -2, f);
    }
    lua.lua_remove(L, -2);
    proxyTop(true);
    this.loadRedisRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }

  /** Raises redis.* API error `msg` as an error table (for the functions module). */
  raiseApiError(L: LuaState, msg: string): never {
    return apiError(L, msg);
  }

  /** A new library environment: read-only, falling back to the globals. Returns its registry ref. */
  newLibraryEnv(): number {
    const L = this.L;
    lua.lua_createtable(L, 0, 1);
    lua.lua_createtable(L, 0, 3);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.globalsProxyRef);
    lua.lua_setfield(L, -2, "__index");
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.readonlyRef);
    lua.lua_setfield(L, -2, "__newindex");
    lua.lua_pushboolean(L, false);
    lua.lua_setfield(L, -2, "__metatable");
    lua.lua_setmetatable(L, -2);
    return lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }

  /**
   * Runs a library chunk (FUNCTION LOAD) in environment `envRef` with the restricted `redis`
   * table; returns null, or the error message (the error table's `err`).
   */
  runLibrary(ref: number, envRef: number): string | null {
    const L = this.L;
    const setRedis = (which: number) => {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, envRef);
      lua.lua_pushstring(L, "redis");
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, which);
      lua.lua_rawset(L, -3);
      lua.lua_pop(L, 1);
    };
    try {
      setRedis(this.loadRedisRef);
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.handlerRef);
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, envRef);
      lua.lua_setupvalue(L, -2, 1);
      this.server.blocking.denyBlocking++;
      let status;
      try {
        status = lua.lua_pcall(L, 0, 0, -2);
      } finally {
        this.server.blocking.denyBlocking--;
      }
      if (status === lua.LUA_OK) return null;
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        lua.lua_getfield(L, -1, "err");
        return toStr(L, -1) ?? "unknown error";
      }
      return toStr(L, -1) ?? "unknown error";
    } finally {
      lua.lua_settop(L, 0);
      setRedis(this.redisRef);
    }
  }

  /**
   * The pcall message handler (Redis's __redis__err__handler): turns any error into a table
   * {err=, source=, line=} naming where in the script it happened.
   */
  private errorHandler(L: LuaState): number {
    const ar = new lua.lua_Debug();
    let found = lua.lua_getstack(L, 1, ar);
    if (found) {
      lua.lua_getinfo(L, "nSl", ar);
      const what = String.fromCharCode(...ar.what);
      if (what === "C" || what === "J") {
        found = lua.lua_getstack(L, 2, ar);
        if (found) lua.lua_getinfo(L, "nSl", ar);
      }
    }
    if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
      const msg = "ERR " + (toStr(L, 1) ?? lauxlib.luaL_typename(L, 1));
      lua.lua_createtable(L, 0, 3);
      pushStr(L, msg);
      lua.lua_setfield(L, -2, "err");
      lua.lua_replace(L, 1);
    }
    lua.lua_settop(L, 1);
    if (found) {
      lua.lua_pushstring(L, ar.source);
      lua.lua_setfield(L, 1, "source");
      lua.lua_pushnumber(L, ar.currentline);
      lua.lua_setfield(L, 1, "line");
    }
    return 1;
  }

  /**
   * Compiles `code` as a chunk named `chunkname`; pushes nothing and returns a registry ref to the
   * function, or the Lua error text.
   */
  compile(code: string, chunkname: string): number | string {
    const L = this.L;
    const b = new Uint8Array(code.length);
    for (let i = 0; i < code.length; i++) b[i] = code.charCodeAt(i);
    const status = lauxlib.luaL_loadbuffer(L, b, b.length, chunkname);
    if (status !== lua.LUA_OK) {
      const msg = toStr(L, -1) ?? "";
      lua.lua_pop(L, 1);
      // Lua 5.1 quotes '<eof>' in syntax errors.
      return msg.replace(/ near <eof>$/, " near '<eof>'");
    }
    return lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }

  /** Releases a compiled function. */
  release(ref: number): void {
    lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, ref);
  }

  /**
   * Sets global `name` to an array of binary strings, in the real globals table at the top of the
   * stack (bypassing the read-only proxy).
   */
  private setGlobalArray(name: unknown, items: readonly string[], from: number, to: number): void {
    const L = this.L;
    pushConst(L, name);
    lua.lua_createtable(L, to - from, 0);
    for (let i = from; i < to; i++) {
      pushStr(L, items[i]);
      lua.lua_rawseti(L, -2, i - from + 1);
    }
    lua.lua_rawset(L, -3);
  }

  /**
   * Runs the function `ref` with KEYS = argv[keysFrom, keysTo) and ARGV = argv[keysTo…) and writes
   * its reply (or error) to `ctx.caller`. When `fnArgs` is set the function is called with (keys,
   * args) tables instead of globals (FCALL).
   */
  runFunction(ref: number, ctx: RunContext, argv: readonly string[], keysFrom: number, keysTo: number, fcall = false) {
    const L = this.L;
    const s = this.server;
    const c = ctx.caller;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.handlerRef);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    let nargs = 0;
    if (fcall) {
      for (const [from, to] of [[keysFrom, keysTo], [keysTo, argv.length]]) {
        lua.lua_createtable(L, to - from, 0);
        for (let i = from; i < to; i++) {
          pushStr(L, argv[i]);
          lua.lua_rawseti(L, -2, i - from + 1);
        }
      }
      nargs = 2;
    } else {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.realGlobalsRef);
      this.setGlobalArray(this.kKeys, argv, keysFrom, keysTo);
      this.setGlobalArray(this.kArgv, argv, keysTo, argv.length);
      lua.lua_pop(L, 1);
    }
    const fake = this.fake;
    fake.db = c.db;
    fake.resp = 2;
    fake.user = c.user;
    this.run = ctx;
    this.slowWarned = false;
    s.blocking.denyBlocking++;
    let status: number = lua.LUA_ERRRUN;
    try {
      status = lua.lua_pcall(L, nargs, 1, -2 - nargs);
    } catch (e) {
      lua.lua_settop(L, 0);
      throw e;
    } finally {
      s.blocking.denyBlocking--;
      this.run = null;
    }
    try {
      this.writeResult(L, status, ctx);
    } finally {
      lua.lua_settop(L, 0);
    }
    // Keep the state small between runs, as Redis runs a GC step after each script.
    if ((++this.runs & 1023) === 0) lua.lua_gc(L, lua.LUA_GCCOLLECT, 0);
  }
  private runs = 0;
  private slowWarned = false;

  /**
   * The count hook. Redis uses it to serve other clients (-BUSY) and SCRIPT KILL once a script runs
   * past busy-reply-threshold; a synchronous engine cannot yield to the event loop, so this only logs
   * Redis's slow-script warning.
   */
  private checkSlow(): void {
    const ctx = this.run;
    if (ctx === null || this.slowWarned) return;
    const elapsed = performance.now() - ctx.start;
    const threshold = this.server.config.num("busy-reply-threshold");
    if (threshold <= 0 || elapsed < threshold) return;
    this.slowWarned = true;
    this.server.log.warning(
      `Slow script detected: still in execution after ${Math.round(elapsed)} milliseconds. ` +
        `Script name is: ${ctx.funcname}.`,
    );
  }

  /** Writes the script's result (or its error) at the top of the stack to the caller. */
  private writeResult(L: LuaState, status: number, ctx: RunContext): void {
    const c = ctx.caller;
    if (status === lua.LUA_OK) {
      writeLuaReply(L, c, this.fake.resp);
    } else {
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        const field = (name: string) => {
          lua.lua_getfield(L, -1, name);
          const v = toStr(L, -1);
          lua.lua_pop(L, 1);
          return v;
        };
        let msg = field("err") ?? "ERR unknown error";
        const source = field("source");
        const line = field("line");
        if (source !== null && line !== null) msg += ` script: ${ctx.funcname}, on ${source}:${line}.`;
        if (msg.startsWith("-")) msg = msg.slice(1);
        lua.lua_getfield(L, -1, "ignore_err_stats_update");
        const counted = lua.lua_toboolean(L, -1);
        lua.lua_pop(L, 1);
        if (counted) {
          // The failing command's error was counted already: the script still fails (errorReplies)
          // but the error statistics do not count it twice.
          c.errorReplies++;
          c.addRaw("-" + msg.replace(/[\r\n]/g, " ") + "\r\n");
        } else c.addError(msg);
      } else {
        c.addError(`ERR Error running script ${ctx.funcname}, ${(toStr(L, -1) ?? "execution failure").slice(0, 100)}`);
      }
      lua.lua_pop(L, 1);
    }
  }
}

const engines = new WeakMap<Server, LuaEngine>();

/** The server's Lua engine (created on first use). */
export function engineOf(server: Server): LuaEngine {
  let e = engines.get(server);
  if (!e) {
    e = new LuaEngine(server);
    engines.set(server, e);
  }
  return e;
}
