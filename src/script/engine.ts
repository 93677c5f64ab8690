/**
 * The Lua scripting engine of one server: a sandboxed Lua state (globals protected as in Redis 7:
 * reading a missing global or writing any global is an error), the `redis` API bound to a fake
 * internal client, and `runFunction`, which runs a compiled chunk with KEYS/ARGV and writes its
 * reply — or Redis's error text, "ERR user_script:1: … script: <sha>, on @user_script:1." — to the
 * caller.
 *
 * Busy scripts. Scripts run in a Lua coroutine of the state (one thread, reused while runs end
 * normally). Every 10k instructions a count hook checks the run time; past busy-reply-threshold it
 * logs Redis's "Slow script detected" warning and, for a top-level command of a connected client,
 * yields the coroutine: `runFunction` returns with the command still open (its execution unit —
 * call depth, clock snapshot, pending propagation, keys made ready — stays held), and the run
 * continues from a macrotask once the event loop has read other clients. Meanwhile
 * `server.busyScript` is set: dispatch answers other clients -BUSY except allow-busy commands
 * (SCRIPT KILL, FUNCTION KILL, FUNCTION STATS, SHUTDOWN NOSAVE, MULTI…), the caller's next commands
 * wait (Redis's protectClient), cron and blocked-client timeouts wait. When the script ends, the
 * rest of the command's call() runs here (`endBusy`) and the caller's pipeline resumes. SCRIPT KILL
 * / FUNCTION KILL set `killed`: the hook then raises "Script killed by user with SCRIPT KILL..."
 * on every line (so pcall cannot swallow it), unless the script already ran a write command
 * (UNKILLABLE). Scripts inside MULTI/EXEC, nested calls and internal clients never yield.
 */
import { formatG, lauxlib, lua, luaConst, lualib, type LuaState, pushConst, pushStr, toStr } from "./lua.ts";
import { writeLuaReply } from "./convert.ts";
import { openShims } from "./libs.ts";
import { Rand48 } from "./rand.ts";
import { apiError, openRedisApi, raise } from "./redis_api.ts";
import { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { Command } from "../commands/table.ts";
import { flushPendingPushes, pendingPushCount } from "../server/pubsub.ts";
import { BUSY_EVAL, BUSY_FUNCTION, NOTBUSY, SCRIPT_KILLED, UNKILLABLE_WROTE } from "../server/errors.ts";

export { SF } from "./flags.ts";

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

/** FUNCTION STATS' running_script. */
export interface RunningScript {
  name: string;
  command: readonly string[];
  durationMs: number;
}

/** What a run that yielded to the event loop keeps until it ends. */
interface BusyRun {
  readonly caller: Client;
  readonly isEval: boolean;
  /** The caller's command and argv (statistics, FUNCTION STATS). */
  readonly cmd: Command | null;
  readonly argv: string[];
  /** The caller's reply muting during the command (CLIENT REPLY SKIP). */
  readonly muted: boolean;
}

/**
 * Instructions between two calls of the count hook. Redis uses 100k, which in C is well under a
 * millisecond; fengari runs 100k instructions in several milliseconds, and a script whose time goes
 * into redis.call runs far fewer instructions per millisecond, so the hook runs 10 times as often
 * (its cost, one JS call per 10k instructions, does not show).
 */
const HOOK_COUNT = 10000;

/**
 * How long a busy script runs between two turns of the event loop. A turn costs a timer (~1-2 ms
 * in Deno; faster macrotasks such as MessageChannel do not let the loop poll sockets), so a busy
 * script yields at the first hook past this much running time rather than at every hook.
 */
const BUSY_SLICE_MS = 20;

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
  /** The coroutine scripts run in (threads created later inherit the count hook); null after an error. */
  private co: LuaState | null = null;
  private coRef = 0;
  /** The run in progress: EVAL (or FCALL), a write command ran, KILL asked, past busy-reply-threshold. */
  private isEval = true;
  wrote = false;
  private killed = false;
  private timedOut = false;
  /** Whether this run may yield to the event loop (decided when it first passes the threshold). */
  private pausable = false;
  /** Set while the run has yielded to the event loop at least once. */
  private busy: BusyRun | null = null;
  /** When the busy run last got the thread back (performance.now()). */
  private sliceStart = 0;
  /** Set by the hook when it yields a thread to pause the script; cleared when the pause starts. */
  private busyYield = false;
  /** performance.now() after which the library being loaded fails (0: no limit, or not loading). */
  private loadDeadline = 0;
  private readonly hook = (L: LuaState) => this.checkSlow(L);
  private readonly resumeLater = () => this.resume();

  constructor(readonly server: Server) {
    this.fake = new Client(server, null, "", "", "internal");
    this.fake.authenticated = true;
    const L = this.L = lauxlib.luaL_newstate();
    this.kKeys = luaConst(L, "KEYS");
    this.kArgv = luaConst(L, "ARGV");
    // The slow-script warning, yields to the event loop, SCRIPT KILL (see HOOK_COUNT).
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, HOOK_COUNT);
    // A JS exception inside Lua (a bug, a JS stack overflow) becomes a Lua error with its message.
    lua.lua_atnativeerror(L, (L: LuaState) => {
      const e = lua.lua_touserdata(L, 1);
      pushStr(L, e instanceof Error ? e.message : String(e));
      return 1;
    });
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
    this.openCoroutineShims();
  }

  /**
   * Scripts run in a coroutine, which Lua code must not notice: at the script's own level
   * coroutine.yield fails as in Redis's Lua 5.1 main thread, coroutine.running() is nil, and there
   * is no isyieldable (5.1). pcall/xpcall are fengari's with one fix: a yieldable lua_pcallk never
   * records that hooks were allowed, so after a caught error hooks stopped for good — they must keep
   * running (busy scripts, SCRIPT KILL); and pcall is Redis's, which turns error tables into their
   * `err` string.
   */
  private openCoroutineShims(): void {
    const L = this.L;
    lua.lua_getglobal(L, "coroutine");
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      if (L === this.co) {
        pushStr(L, "attempt to yield across metamethod/C-call boundary");
        return lua.lua_error(L);
      }
      return lua.lua_yield(L, lua.lua_gettop(L));
    });
    lua.lua_setfield(L, -2, "yield");
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      if (L === this.co) {
        lua.lua_pushnil(L);
        return 1;
      }
      lua.lua_pushboolean(L, lua.lua_pushthread(L));
      return 2;
    });
    lua.lua_setfield(L, -2, "running");
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, "isyieldable");
    // resume and wrap pass a busy yield of the coroutine they run on to their own thread, so the
    // script pauses wherever it spins (see `resumeUser`).
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      const co = lua.lua_tothread(L, 1);
      lauxlib.luaL_argcheck(L, co, 1, "thread expected");
      const r = this.resumeUser(L, co, lua.lua_gettop(L) - 1, resumeK);
      return resumeResult(L, r);
    });
    const resumeK = (L: LuaState, _status: number, co: LuaState): number =>
      resumeResult(L, this.continueUser(L, co, lua.lua_resume(co, L, 0), resumeK));
    lua.lua_setfield(L, -2, "resume");
    const auxwrap = (L: LuaState) => {
      const co = lua.lua_tothread(L, lua.lua_upvalueindex(1));
      return wrapResult(L, this.resumeUser(L, co, lua.lua_gettop(L), wrapK));
    };
    const wrapK = (L: LuaState, _status: number, co: LuaState): number =>
      wrapResult(L, this.continueUser(L, co, lua.lua_resume(co, L, 0), wrapK));
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
      const NL = lua.lua_newthread(L);
      lua.lua_pushvalue(L, 1);
      lua.lua_xmove(L, NL, 1);
      lua.lua_pushcclosure(L, auxwrap, 1);
      return 1;
    });
    lua.lua_setfield(L, -2, "wrap");
    lua.lua_pop(L, 1);
    const finishPcall = (L: LuaState, status: number, extra: number) => {
      if (status !== lua.LUA_OK && status !== lua.LUA_YIELD) {
        lua.lua_pushboolean(L, false);
        lua.lua_pushvalue(L, -2);
        return 2;
      }
      return lua.lua_gettop(L) - extra;
    };
    // Redis's pcall (luaRedisPcall) returns an error table's `err` string rather than the table.
    const finishRedisPcall = (L: LuaState, status: number) => {
      if (status !== lua.LUA_OK && status !== lua.LUA_YIELD && lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        lua.lua_getfield(L, -1, "err");
        if (lua.lua_isstring(L, -1)) lua.lua_replace(L, -2);
        else lua.lua_pop(L, 1);
      }
      return finishPcall(L, status, 0);
    };
    const CIST_OAH = 1;
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      lauxlib.luaL_checkany(L, 1);
      lua.lua_pushboolean(L, true);
      lua.lua_insert(L, 1);
      L.ci.callstatus |= CIST_OAH;
      return finishRedisPcall(L, lua.lua_pcallk(L, lua.lua_gettop(L) - 2, lua.LUA_MULTRET, 0, 0, finishRedisPcall));
    });
    lua.lua_setglobal(L, "pcall");
    lua.lua_pushjsfunction(L, (L: LuaState) => {
      const n = lua.lua_gettop(L);
      lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
      lua.lua_pushboolean(L, true);
      lua.lua_pushvalue(L, 1);
      lua.lua_rotate(L, 3, 2);
      L.ci.callstatus |= CIST_OAH;
      return finishPcall(L, lua.lua_pcallk(L, n - 2, lua.LUA_MULTRET, 2, 2, finishPcall), 2);
    });
    lua.lua_setglobal(L, "xpcall");
  }

  /**
   * coroutine.resume's auxresume for a coroutine of the script: moves `narg` arguments to `co`, runs
   * it and returns the number of values it yielded or returned (moved to `L`), or -1 with the error
   * at the top of `L`. A busy yield of `co` (the hook pausing the script) goes on up through `L`.
   */
  private resumeUser(L: LuaState, co: LuaState, narg: number, k: unknown): number {
    if (!lua.lua_checkstack(co, narg)) {
      pushStr(L, "too many arguments to resume");
      return -1;
    }
    if (lua.lua_status(co) === lua.LUA_OK && lua.lua_gettop(co) === 0) {
      pushStr(L, "cannot resume dead coroutine");
      return -1;
    }
    lua.lua_xmove(L, co, narg);
    return this.continueUser(L, co, lua.lua_resume(co, L, narg), k);
  }

  /**
   * After lua_resume of a script's coroutine: a busy yield is passed up by yielding `L` with
   * continuation `k` (which resumes `co` again), or, where `L` cannot yield, `co` just continues.
   * Then the results (or the error) move to `L` as auxresume does.
   */
  private continueUser(L: LuaState, co: LuaState, status: number, k: unknown): number {
    while (status === lua.LUA_YIELD && this.busyYield) {
      if (lua.lua_isyieldable(L)) return lua.lua_yieldk(L, 0, co, k);
      this.busyYield = false;
      status = lua.lua_resume(co, L, 0);
    }
    if (status === lua.LUA_OK || status === lua.LUA_YIELD) {
      const nres = lua.lua_gettop(co);
      if (!lua.lua_checkstack(L, nres + 1)) {
        lua.lua_pop(co, nres);
        pushStr(L, "too many results to resume");
        return -1;
      }
      lua.lua_xmove(co, L, nres);
      return nres;
    }
    lua.lua_xmove(co, L, 1);
    return -1;
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
   * table; returns null, or the error message (the error table's `err`). With `timeoutMs`, a chunk
   * still running after that long fails with "FUNCTION LOAD timeout" (FUNCTION LOAD's 500 ms).
   */
  runLibrary(ref: number, envRef: number, timeoutMs = 0): string | null {
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
      this.loadDeadline = timeoutMs > 0 ? performance.now() + timeoutMs : 0;
      let status;
      try {
        status = lua.lua_pcall(L, 0, 0, -2);
      } finally {
        this.server.blocking.denyBlocking--;
        this.loadDeadline = 0;
        // The timeout switches the hook to every line; scripts' threads inherit the main one's.
        lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, HOOK_COUNT);
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
    locateError(L, L, 1, 1);
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
   * its reply (or error) to `ctx.caller`. When `fcall` is set the function is called with (keys,
   * args) tables instead of globals (FCALL). A run that passes busy-reply-threshold may return
   * before the script ends (see the header): the reply then comes later.
   */
  runFunction(ref: number, ctx: RunContext, argv: readonly string[], keysFrom: number, keysTo: number, fcall = false) {
    const s = this.server;
    const c = ctx.caller;
    if (this.run !== null) {
      // Only reachable by an embedder calling a script while another one is busy.
      c.addError(this.isEval ? BUSY_EVAL : BUSY_FUNCTION);
      return;
    }
    let co = this.co;
    if (co === null) {
      co = this.co = lua.lua_newthread(this.L);
      this.coRef = lauxlib.luaL_ref(this.L, lua.LUA_REGISTRYINDEX);
    }
    lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, ref);
    let nargs = 0;
    if (fcall) {
      for (const [from, to] of [[keysFrom, keysTo], [keysTo, argv.length]]) {
        lua.lua_createtable(co, to - from, 0);
        for (let i = from; i < to; i++) {
          pushStr(co, argv[i]);
          lua.lua_rawseti(co, -2, i - from + 1);
        }
      }
      nargs = 2;
    } else {
      const L = this.L;
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
    this.isEval = !fcall;
    this.wrote = false;
    this.killed = false;
    this.timedOut = false;
    this.busyYield = false;
    s.blocking.denyBlocking++;
    this.step(ctx, co, nargs);
  }
  private runs = 0;

  /** Runs the script's coroutine until the script ends or yields to the event loop. */
  private step(ctx: RunContext, co: LuaState, nargs: number): void {
    const status = lua.lua_resume(co, this.L, nargs);
    if (status === lua.LUA_YIELD) {
      // Always the hook's: coroutine.yield at the script's own level is an error.
      this.busyYield = false;
      this.pause(ctx);
    } else this.finish(ctx, co, status);
  }

  /**
   * The count hook, every HOOK_COUNT instructions (every line once killed): Redis's scriptInterrupt. Past
   * busy-reply-threshold it logs the slow-script warning once, then yields the script's coroutine
   * so the event loop serves other clients; a killed script raises the kill error.
   */
  private checkSlow(L: LuaState): void {
    const ctx = this.run;
    if (ctx === null) {
      if (this.loadDeadline !== 0 && performance.now() > this.loadDeadline) {
        lua.lua_sethook(L, this.hook, lua.LUA_MASKLINE, 0);
        apiError(L, "FUNCTION LOAD timeout");
      }
      return;
    }
    if (this.killed) {
      this.server.log.warning("Lua script killed by user with SCRIPT KILL.");
      // Every line from now on, so that pcall cannot catch it and carry on.
      lua.lua_sethook(L, this.hook, lua.LUA_MASKLINE, 0);
      apiError(L, SCRIPT_KILLED);
    }
    if (!this.timedOut) {
      const elapsed = performance.now() - ctx.start;
      const threshold = this.server.config.num("busy-reply-threshold");
      if (threshold <= 0 || elapsed < threshold) return;
      this.timedOut = true;
      this.server.log.warning(
        `Slow script detected: still in execution after ${Math.round(elapsed)} milliseconds. ` +
          `You can try killing the script using the ${this.isEval ? "SCRIPT KILL" : "FUNCTION KILL"} command. ` +
          `Script name is: ${ctx.funcname}.`,
      );
      // Only the top-level command of a connected client can wait for its reply: not inside
      // MULTI/EXEC or another command, not an internal client.
      const c = ctx.caller;
      const s = this.server;
      this.pausable = c.inBatch && c.transport !== null && s.callDepth === 1 && !s.inExec && !s.shuttingDown;
    }
    // Not from inside a JS call (table.sort's comparator…); from a coroutine of the script the yield
    // is passed up by coroutine.resume / wrap, invisible to the script.
    if (
      this.pausable && lua.lua_isyieldable(L) &&
      (this.busy === null || performance.now() - this.sliceStart >= BUSY_SLICE_MS)
    ) {
      this.busyYield = true;
      lua.lua_yield(L, 0);
    }
  }

  /**
   * The script yielded to the event loop. The first time, the command is still inside call(): it
   * returns now, leaving its execution unit open (one call depth held, the clock snapshot, pending
   * propagation and ready keys kept) and its statistics to `endBusy`; other clients get -BUSY.
   */
  private pause(ctx: RunContext): void {
    const s = this.server;
    if (this.busy === null) {
      const c = ctx.caller;
      const busy: BusyRun = { caller: c, isEval: this.isEval, cmd: c.cmd, argv: c.argv, muted: c.muted };
      s.busyScript = this.busy = busy;
      s.callDepth++;
      s.blocking.blockEpoch++; // call() does not count the command: endBusy does
    }
    setTimeout(this.resumeLater, 0);
  }

  /** Continues a script that yielded, once the event loop has run. */
  private resume(): void {
    const ctx = this.run;
    const co = this.co;
    if (ctx === null || co === null || this.busy === null) return;
    const s = this.server;
    if (s.shuttingDown) {
      // SHUTDOWN NOSAVE: the script never ends, nobody waits for its reply.
      this.run = null;
      s.blocking.denyBlocking--;
      this.dropThread();
      this.endBusy(ctx, false);
      return;
    }
    // Other clients' commands ran at the held call depth; the script's command state comes back.
    s.currentClient = ctx.caller;
    s.touchAllowed = !ctx.caller.noTouch;
    this.sliceStart = performance.now();
    this.step(ctx, co, 0);
  }

  /** The script ended (status from lua_resume): writes its reply or error to the caller. */
  private finish(ctx: RunContext, co: LuaState, status: number): void {
    const s = this.server;
    s.blocking.denyBlocking--;
    this.run = null;
    const c = ctx.caller;
    const busy = this.busy;
    const muted = c.muted;
    if (busy !== null) c.muted = busy.muted; // as during the command (CLIENT REPLY SKIP)
    const errors = c.errorReplies;
    try {
      if (status === lua.LUA_OK) {
        lua.lua_settop(co, 1); // the first value the script returned (nil when none)
        writeLuaReply(co, c, this.fake.resp);
      } else {
        // The dead coroutine keeps its stack: the error is located as Redis's error handler does,
        // from the function that raised it (level 0), and annotated on the main thread.
        const L = this.L;
        const top = lua.lua_gettop(L);
        lua.lua_xmove(co, L, 1);
        try {
          locateError(co, L, top + 1, 0);
          this.writeError(L, ctx);
        } finally {
          lua.lua_settop(L, top);
        }
      }
    } catch (e) {
      c.addError(`ERR internal error: ${e instanceof Error ? e.message : e}`);
    } finally {
      if (status === lua.LUA_OK) lua.lua_settop(co, 0);
      else this.dropThread();
    }
    // Keep the state small between runs, as Redis runs a GC step after each script.
    if ((++this.runs & 1023) === 0) lua.lua_gc(this.L, lua.LUA_GCCOLLECT, 0);
    if (busy !== null) {
      c.muted = muted;
      this.endBusy(ctx, c.errorReplies !== errors);
    }
  }

  /**
   * The end of a run that yielded: the rest of call() for its command (propagation, statistics,
   * clients blocked on keys it made ready…), then the caller's pipeline continues.
   */
  private endBusy(ctx: RunContext, failed: boolean): void {
    const busy = this.busy!;
    this.busy = null;
    const s = this.server;
    s.busyScript = null;
    s.callDepth--;
    if (s.callDepth === 0 && s.pendingPropagation.length !== 0) s.flushPropagation();
    if (s.callDepth === 0) s.clock.endCommand();
    const end = performance.now();
    const cmd = busy.cmd;
    if (cmd !== null) {
      s.latency.addCallTime(cmd, (end - ctx.start) * 1000);
      cmd.calls++;
      if (failed) cmd.failedCalls++;
    }
    s.stats.numCommands++;
    s.touchAllowed = true;
    const c = busy.caller;
    if (s.tracking !== null && cmd !== null) s.tracking.afterCall(c, cmd, busy.argv);
    s.currentClient = null;
    if (s.shuttingDown) return;
    if (pendingPushCount() !== 0) flushPendingPushes();
    if (s.blocking.readyCount !== 0) s.blocking.handleReady();
    s.pausedClients.delete(c);
    if (c.closed) return;
    if (s.resumeClient !== null) s.resumeClient(c);
    else c.requestFlush();
  }

  /** Forgets the coroutine (dead after an error, or abandoned). */
  private dropThread(): void {
    if (this.co === null) return;
    lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, this.coRef);
    this.co = null;
  }

  /**
   * SCRIPT KILL (`isEval`) / FUNCTION KILL: Redis's scriptKill. The script stops at its next hook
   * with the kill error, unless it already wrote.
   */
  kill(c: Client, isEval: boolean): void {
    if (this.busy === null || this.run === null) c.addError(NOTBUSY);
    else if (this.wrote) c.addError(UNKILLABLE_WROTE);
    else if (isEval && !this.isEval) c.addError(BUSY_FUNCTION);
    else if (!isEval && this.isEval) c.addError(BUSY_EVAL);
    else {
      this.killed = true;
      // Stop on the next line rather than at the next count.
      if (this.co !== null) lua.lua_sethook(this.co, this.hook, lua.LUA_MASKLINE | lua.LUA_MASKCOUNT, HOOK_COUNT);
      c.addOk();
    }
  }

  /** FUNCTION STATS' running_script: the busy script, or null. */
  runningScript(): RunningScript | null {
    const busy = this.busy;
    const ctx = this.run;
    if (busy === null || ctx === null) return null;
    return { name: ctx.funcname, command: busy.argv, durationMs: Math.floor(performance.now() - ctx.start) };
  }

  /** Writes the error table (annotated by locateError) at the top of the stack to the caller. */
  private writeError(L: LuaState, ctx: RunContext): void {
    const c = ctx.caller;
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
  }
}

/** coroutine.resume's results: true and the values, or false and the error. */
function resumeResult(L: LuaState, r: number): number {
  if (r < 0) {
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, -2);
    return 2;
  }
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, -(r + 1));
  return r + 1;
}

/** A coroutine.wrap function's results: the values, or the error raised again (with its position). */
function wrapResult(L: LuaState, r: number): number {
  if (r >= 0) return r;
  if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
    lauxlib.luaL_where(L, 1);
    lua.lua_insert(L, -2);
    lua.lua_concat(L, 2);
  }
  return lua.lua_error(L);
}

/**
 * Redis's __redis__err__handler on the error value at `idx` of `L` (left at the top): a non-table
 * error becomes {err="ERR <msg>"}, and the table gets the `source` and `line` of the Lua function
 * at `level` of `stack`'s call stack (the level above when that one is a JS function: `error`,
 * redis.call…).
 */
function locateError(stack: LuaState, L: LuaState, idx: number, level: number): void {
  const ar = new lua.lua_Debug();
  let found = lua.lua_getstack(stack, level, ar);
  if (found) {
    lua.lua_getinfo(stack, "nSl", ar);
    const what = String.fromCharCode(...ar.what);
    if (what === "C" || what === "J") {
      found = lua.lua_getstack(stack, level + 1, ar);
      if (found) lua.lua_getinfo(stack, "nSl", ar);
    }
  }
  lua.lua_settop(L, idx);
  if (lua.lua_type(L, idx) !== lua.LUA_TTABLE) {
    const msg = "ERR " + (toStr(L, idx) ?? lauxlib.luaL_typename(L, idx));
    lua.lua_createtable(L, 0, 3);
    pushStr(L, msg);
    lua.lua_setfield(L, -2, "err");
    lua.lua_replace(L, idx);
  }
  if (found) {
    lua.lua_pushstring(L, ar.source);
    lua.lua_setfield(L, idx, "source");
    lua.lua_pushnumber(L, ar.currentline);
    lua.lua_setfield(L, idx, "line");
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
