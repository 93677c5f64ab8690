/**
 * The `redis` table scripts see (script_lua.c's luaRegisterRedisAPI): call/pcall through the engine's
 * fake client with Redis's checks and error texts, error_reply/status_reply, sha1hex, log with
 * LOG_* levels, setresp, set_repl with REPL_*, replicate_commands, breakpoint/debug no-ops,
 * acl_check_cmd, register_function (active only during FUNCTION LOAD), REDIS_VERSION(_NUM).
 */
import { formatG, lauxlib, lua, luaName, type LuaState, pushStr, toStr } from "./lua.ts";
import { pushReply } from "./convert.ts";
import type { LuaEngine, RunContext } from "./engine.ts";
import { sha1hex } from "./sha1.ts";
import { REDIS_VERSION } from "../server/server.ts";
import { call } from "../server/dispatch.ts";
import { type Command, F, lookupCommandForArgv } from "../commands/table.ts";

const N_ERR = luaName("err");

const LOG_LEVELS = ["debug", "verbose", "notice", "warning"] as const;

/** Raises a Lua error with a plain message, prefixed with the caller's position (luaL_error). */
export function raise(L: LuaState, msg: string): never {
  lauxlib.luaL_where(L, 1);
  pushStr(L, msg);
  lua.lua_concat(L, 2);
  lua.lua_error(L);
  throw new Error("unreachable");
}

/** Pushes Redis's error table {err="CODE msg"} (luaPushError: "-CODE msg" or "msg" → "ERR msg"). */
export function pushErrorTable(L: LuaState, msg: string): void {
  let final: string;
  if (msg.startsWith("-")) {
    const sp = msg.indexOf(" ");
    final = sp < 0 ? "ERR " + msg.slice(1) : msg.slice(1);
  } else final = "ERR " + msg;
  lua.lua_createtable(L, 0, 1);
  pushStr(L, final.replace(/[\r\n]+$/, ""));
  lua.lua_setfield(L, -2, "err");
}

/** Raises an error table (Redis's luaPushError + luaError, used by the redis.* API). */
export function apiError(L: LuaState, msg: string): never {
  pushErrorTable(L, msg);
  lua.lua_error(L);
  throw new Error("unreachable");
}

/** Creates the global `redis` table for `engine`. */
export function openRedisApi(engine: LuaEngine): void {
  const L = engine.L;
  lua.lua_createtable(L, 0, 32);
  const fn = (name: string, f: (L: LuaState) => number) => {
    lua.lua_pushjsfunction(L, f);
    lua.lua_setfield(L, -2, name);
  };
  const num = (name: string, v: number) => {
    lua.lua_pushnumber(L, v);
    lua.lua_setfield(L, -2, name);
  };
  fn("call", (L) => redisCall(engine, L, true));
  fn("pcall", (L) => redisCall(engine, L, false));
  fn("error_reply", (L) => {
    if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== lua.LUA_TSTRING) {
      return apiError(L, "wrong number or type of arguments");
    }
    const s = toStr(L, 1)!;
    lua.lua_createtable(L, 0, 1);
    pushStr(L, s.startsWith("-") ? s.slice(1) : s);
    lua.lua_setfield(L, -2, "err");
    return 1;
  });
  fn("status_reply", (L) => {
    if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== lua.LUA_TSTRING) {
      return apiError(L, "wrong number or type of arguments");
    }
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushvalue(L, 1);
    lua.lua_setfield(L, -2, "ok");
    return 1;
  });
  fn("sha1hex", (L) => {
    if (lua.lua_gettop(L) !== 1) return apiError(L, "wrong number of arguments");
    pushStr(L, sha1hex(toStr(L, 1) ?? ""));
    return 1;
  });
  fn("log", (L) => {
    const argc = lua.lua_gettop(L);
    if (argc < 2) return apiError(L, "redis.log() requires two arguments or more.");
    if (lua.lua_type(L, 1) !== lua.LUA_TNUMBER) return apiError(L, "First argument must be a number (log level).");
    const level = lua.lua_tonumber(L, 1);
    if (level < 0 || level > 3 || !Number.isInteger(level)) return apiError(L, "Invalid debug level.");
    const parts: string[] = [];
    for (let i = 2; i <= argc; i++) parts.push(toStr(L, i) ?? "");
    engine.server.log.log(LOG_LEVELS[level], parts.join(" "));
    return 0;
  });
  fn("setresp", (L) => {
    if (lua.lua_gettop(L) !== 1) return apiError(L, "redis.setresp() requires one argument.");
    const v = lua.lua_tonumber(L, 1);
    if (v !== 2 && v !== 3) return apiError(L, "RESP version must be 2 or 3.");
    engine.fake.resp = v;
    return 0;
  });
  fn("set_repl", (L) => {
    if (lua.lua_gettop(L) !== 1) return apiError(L, "redis.set_repl() requires one argument.");
    const v = lua.lua_tonumber(L, 1);
    if (!(v >= 0 && v <= 3)) {
      return apiError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    }
    return 0;
  });
  fn("replicate_commands", (L) => {
    lua.lua_pushboolean(L, true);
    return 1;
  });
  fn("breakpoint", (L) => {
    lua.lua_pushboolean(L, false);
    return 1;
  });
  fn("debug", () => 0);
  fn("acl_check_cmd", (L) => {
    const argc = lua.lua_gettop(L);
    if (argc === 0) return apiError(L, "Please specify at least one argument for this redis lib call");
    const argv: string[] = [];
    for (let i = 1; i <= argc; i++) argv.push(toStr(L, i) ?? "");
    const cmd = lookupCommandForArgv(engine.server.commands, argv);
    if (!cmd) {
      pushErrorTable(L, "Invalid command passed to redis.acl_check_cmd()");
      return lua.lua_error(L);
    }
    lua.lua_pushboolean(L, true);
    return 1;
  });
  fn("register_function", (L) => {
    if (engine.registerFunctionHook === null) {
      return apiError(L, "redis.register_function can only be called on FUNCTION LOAD command");
    }
    return engine.registerFunctionHook(L);
  });
  num("LOG_DEBUG", 0);
  num("LOG_VERBOSE", 1);
  num("LOG_NOTICE", 2);
  num("LOG_WARNING", 3);
  num("REPL_NONE", 0);
  num("REPL_AOF", 1);
  num("REPL_SLAVE", 2);
  num("REPL_REPLICA", 2);
  num("REPL_ALL", 3);
  pushStr(L, REDIS_VERSION);
  lua.lua_setfield(L, -2, "REDIS_VERSION");
  const [maj, min, patch] = REDIS_VERSION.split(".").map(Number);
  num("REDIS_VERSION_NUM", (maj << 16) | (min << 8) | patch);
  lua.lua_setglobal(L, "redis");
}

/** redis.call (raise = true) and redis.pcall. */
function redisCall(engine: LuaEngine, L: LuaState, raiseErrors: boolean): number {
  const fail = (msg: string): number => {
    pushErrorTable(L, msg);
    return raiseErrors ? lua.lua_error(L) : 1;
  };
  const ctx = engine.run;
  const argc = lua.lua_gettop(L);
  if (argc === 0) return fail("Please specify at least one argument for this redis lib call");
  const argv: string[] = new Array(argc);
  for (let i = 1; i <= argc; i++) {
    const t = lua.lua_type(L, i);
    if (t === lua.LUA_TSTRING) argv[i - 1] = toStr(L, i)!;
    else if (t === lua.LUA_TNUMBER) {
      const n = lua.lua_tonumber(L, i);
      argv[i - 1] = Number.isInteger(n) && Math.abs(n) < 1e15 ? String(n) : formatG(n, 17);
    } else return fail("Lua redis lib command arguments must be strings or integers");
  }
  if (ctx === null) return fail("redis.call called outside of a script");
  const cmd = lookupCommandForArgv(engine.server.commands, argv);
  if (!cmd || (cmd.subcommands !== null && !cmd.handler)) {
    return fail("Unknown Redis command called from script");
  }
  const a = cmd.arity;
  if ((a > 0 && argc !== a) || argc < -a) return fail("Wrong number of args calling Redis command from script");
  const denied = deniedReason(cmd, ctx);
  if (denied !== null) return fail(denied);
  // SCRIPT_WRITE_DIRTY: once a write command ran, SCRIPT KILL / FUNCTION KILL answer UNKILLABLE.
  if (cmd.has(F.WRITE)) engine.wrote = true;
  const fake = engine.fake;
  fake.outLen = 0;
  fake.argv = argv;
  call(fake, cmd, argv);
  const out = fake.out;
  if (out[0] === 45 && raiseErrors) {
    // An error reply raised as an error table (its statistics were counted by the call).
    let e = 1;
    while (out[e] !== 13) e++;
    let msg = "";
    for (let i = 1; i < e; i++) msg += String.fromCharCode(out[i]);
    fake.outLen = 0;
    lua.lua_createtable(L, 0, 2);
    pushStr(L, msg);
    lua.lua_setfield(L, -2, N_ERR);
    // Already counted in the error statistics by the command itself (as Redis flags it).
    lua.lua_pushboolean(L, true);
    lua.lua_setfield(L, -2, "ignore_err_stats_update");
    return lua.lua_error(L);
  }
  if (fake.outLen === 0) lua.lua_pushboolean(L, false);
  else pushReply(L, out, 0);
  fake.outLen = 0;
  return 1;
}

/** Why a command may not run inside this script, or null. */
function deniedReason(cmd: Command, ctx: RunContext): string | null {
  if (cmd.has(F.NOSCRIPT)) return "This Redis command is not allowed from script";
  if (ctx.readOnly && (cmd.has(F.WRITE) || cmd.has(F.MAY_REPLICATE))) {
    return "Write commands are not allowed from read-only scripts.";
  }
  return null;
}
