/**
 * Reply conversion between Redis and Lua, as script_lua.c does it:
 * - Redis → Lua (`pushReply`): the RESP bytes a command wrote into the script's fake client become Lua
 *   values (integer → number, bulk → string, null → false in RESP2 / nil in RESP3, status → {ok=},
 *   error → {err=}, array → table, and under RESP3 map → {map=}, set → {set=}, double → {double=},
 *   boolean, big number → {big_number=}, verbatim → {verbatim_string={format=,string=}}).
 * - Lua → Redis (`writeLuaReply`): the script's return value becomes the caller's reply (numbers
 *   truncated to integers, tables cut at the first nil, {err=}, {ok=}, {double=}, {map=}, {set=}…).
 */
import { lua, luaName, type LuaState, pushOwnedBytes, pushStr, toStr } from "./lua.ts";
import type { ReplyBuffer } from "../resp/reply.ts";

const CR = 13;
const N = {
  ok: luaName("ok"),
  err: luaName("err"),
  double: luaName("double"),
  big_number: luaName("big_number"),
  verbatim_string: luaName("verbatim_string"),
  format: luaName("format"),
  string: luaName("string"),
  map: luaName("map"),
  set: luaName("set"),
  ignore: luaName("ignore_err_stats_update"),
};

/** Reads the line of `buf` at `p` up to CRLF; returns [text, next]. */
function readLine(buf: Uint8Array, p: number): [string, number] {
  let e = p;
  while (buf[e] !== CR) e++;
  let s = "";
  for (let i = p; i < e; i++) s += String.fromCharCode(buf[i]);
  return [s, e + 2];
}

/** Reads a length (or -1) at `p` up to CRLF into `lenOut[0]`; returns the position after CRLF. */
function readLen(buf: Uint8Array, p: number, lenOut: number[]): number {
  let n = 0;
  let neg = false;
  if (buf[p] === 45) {
    neg = true;
    p++;
  }
  while (buf[p] !== CR) n = n * 10 + buf[p++] - 48;
  lenOut[0] = neg ? -n : n;
  return p + 2;
}
const lenBox = [0];

/** Pushes `{[name] = value-on-top}` replacing the value on top of the stack. */
function wrapTop(L: LuaState, name: Uint8Array): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_insert(L, -2);
  lua.lua_setfield(L, -2, name);
}

/**
 * Converts one RESP reply starting at `buf[p]` and pushes it on the Lua stack; returns the position
 * after it. The reply was produced by our own writer, so it is well formed.
 */
export function pushReply(L: LuaState, buf: Uint8Array, p: number): number {
  const t = buf[p];
  if (t === 36) { // $ bulk (the common case)
    const q = readLen(buf, p + 1, lenBox);
    const len = lenBox[0];
    if (len < 0) {
      lua.lua_pushboolean(L, false);
      return q;
    }
    if (len <= 32) {
      // Short values go through pushStr's cache of Lua strings.
      let v = "";
      for (let i = q; i < q + len; i++) v += String.fromCharCode(buf[i]);
      pushStr(L, v);
    } else pushOwnedBytes(L, buf.slice(q, q + len));
    return q + len + 2;
  }
  const [line, next] = readLine(buf, p + 1);
  switch (t) {
    case 43: // + status
      pushStr(L, line);
      wrapTop(L, N.ok);
      return next;
    case 45: // - error (already counted in the error statistics by the command that replied it)
      pushStr(L, line);
      wrapTop(L, N.err);
      lua.lua_pushboolean(L, true);
      lua.lua_setfield(L, -2, N.ignore);
      return next;
    case 58: // : integer
      lua.lua_pushnumber(L, Number(line));
      return next;
    case 42: { // * array
      const n = Number(line);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      lua.lua_createtable(L, n, 0);
      let q = next;
      for (let i = 1; i <= n; i++) {
        q = pushReply(L, buf, q);
        lua.lua_rawseti(L, -2, i);
      }
      return q;
    }
    case 95: // _ null
      lua.lua_pushnil(L);
      return next;
    case 44: // , double
      lua.lua_pushnumber(L, parseDouble(line));
      wrapTop(L, N.double);
      return next;
    case 35: // # boolean
      lua.lua_pushboolean(L, line === "t");
      return next;
    case 40: // ( big number
      pushStr(L, line);
      wrapTop(L, N.big_number);
      return next;
    case 61: { // = verbatim
      const len = Number(line);
      lua.lua_createtable(L, 0, 2);
      pushStr(L, String.fromCharCode(...buf.subarray(next, next + 3)));
      lua.lua_setfield(L, -2, N.format);
      pushOwnedBytes(L, buf.slice(next + 4, next + len));
      lua.lua_setfield(L, -2, N.string);
      wrapTop(L, N.verbatim_string);
      return next + len + 2;
    }
    case 37: { // % map
      const n = Number(line);
      lua.lua_createtable(L, 0, n);
      let q = next;
      for (let i = 0; i < n; i++) {
        q = pushReply(L, buf, q);
        q = pushReply(L, buf, q);
        lua.lua_settable(L, -3);
      }
      wrapTop(L, N.map);
      return q;
    }
    case 126: { // ~ set
      const n = Number(line);
      lua.lua_createtable(L, 0, n);
      let q = next;
      for (let i = 0; i < n; i++) {
        q = pushReply(L, buf, q);
        lua.lua_pushboolean(L, true);
        lua.lua_settable(L, -3);
      }
      wrapTop(L, N.set);
      return q;
    }
    case 124: { // | attribute: skipped, the reply follows
      const n = Number(line);
      let q = next;
      for (let i = 0; i < 2 * n; i++) {
        q = pushReply(L, buf, q);
        lua.lua_pop(L, 1);
      }
      return pushReply(L, buf, q);
    }
    default: // > push (never produced for a script) and anything unexpected
      lua.lua_pushnil(L);
      return next;
  }
}

function parseDouble(s: string): number {
  if (s === "inf") return Infinity;
  if (s === "-inf") return -Infinity;
  if (s === "nan" || s === "-nan") return NaN;
  return Number(s);
}

/** C's (long long) cast of a double, as Redis applies it to Lua numbers (x86: out of range → LLONG_MIN). */
export function luaNumberToInteger(n: number): number | bigint {
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) return n;
  if (!(n > -9223372036854775808 && n < 9223372036854775808)) return -9223372036854775808n;
  return BigInt(Math.trunc(n));
}

/** Reads string field `name` of the table at the top (raw access); null when not a string. */
function stringField(L: LuaState, name: Uint8Array): string | null {
  lua.lua_pushstring(L, name);
  lua.lua_rawget(L, -2);
  const s = lua.lua_type(L, -1) === lua.LUA_TSTRING ? toStr(L, -1) : null;
  lua.lua_pop(L, 1);
  return s;
}

/**
 * Writes the Lua value at the top of the stack as a reply to `c` and pops it. `scriptResp` is the
 * protocol the script chose with redis.setresp (it decides how booleans are sent).
 */
export function writeLuaReply(L: LuaState, c: ReplyBuffer, scriptResp: 2 | 3): void {
  if (!lua.lua_checkstack(L, 4)) throw new Error("reply nested too deeply");
  const t = lua.lua_type(L, -1);
  switch (t) {
    case lua.LUA_TSTRING:
      c.addBulk(toStr(L, -1)!);
      break;
    case lua.LUA_TBOOLEAN: {
      const b = lua.lua_toboolean(L, -1);
      if (scriptResp === 2) {
        if (b) c.addInt(1);
        else c.addNull();
      } else c.addBool(b);
      break;
    }
    case lua.LUA_TNUMBER:
      c.addInt(luaNumberToInteger(lua.lua_tonumber(L, -1)));
      break;
    case lua.LUA_TTABLE:
      writeTable(L, c, scriptResp);
      break;
    default:
      c.addNull();
  }
  lua.lua_pop(L, 1);
}

/** The table branch of writeLuaReply (the table stays on the stack). */
function writeTable(L: LuaState, c: ReplyBuffer, resp: 2 | 3): void {
  const err = stringField(L, N.err);
  if (err !== null) {
    const msg = err.startsWith("-") ? err.slice(1) : err;
    lua.lua_pushstring(L, N.ignore);
    lua.lua_rawget(L, -2);
    const counted = lua.lua_toboolean(L, -1);
    lua.lua_pop(L, 1);
    if (counted) {
      // A command's error passed through (redis.pcall): a failure, not counted a second time.
      c.errorReplies++;
      c.addRaw("-" + msg.replace(/[\r\n]/g, " ") + "\r\n");
    } else c.addError(msg);
    return;
  }
  const ok = stringField(L, N.ok);
  if (ok !== null) {
    c.addStatus(ok.replace(/[\r\n]/g, " "));
    return;
  }
  lua.lua_pushstring(L, N.double);
  lua.lua_rawget(L, -2);
  if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
    c.addDouble(lua.lua_tonumber(L, -1));
    lua.lua_pop(L, 1);
    return;
  }
  lua.lua_pop(L, 1);
  const big = stringField(L, N.big_number);
  if (big !== null) {
    c.addBigNumber(big.replace(/[\r\n]/g, " "));
    return;
  }
  lua.lua_pushstring(L, N.verbatim_string);
  lua.lua_rawget(L, -2);
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
    const format = stringField(L, N.format);
    const str = stringField(L, N.string);
    if (format !== null && str !== null) {
      c.addVerbatim(str, format);
      lua.lua_pop(L, 1);
      return;
    }
  }
  lua.lua_pop(L, 1);
  for (const kind of ["map", "set"] as const) {
    lua.lua_pushstring(L, N[kind]);
    lua.lua_rawget(L, -2);
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      // Count first (the header precedes the elements), then write.
      let n = 0;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, -2)) {
        lua.lua_pop(L, 1);
        n++;
      }
      if (kind === "map") c.addMapLen(n);
      else c.addSetLen(n);
      lua.lua_pushnil(L);
      while (lua.lua_next(L, -2)) {
        if (kind === "map") {
          lua.lua_pushvalue(L, -2);
          writeLuaReply(L, c, resp); // key
          writeLuaReply(L, c, resp); // value
        } else {
          lua.lua_pop(L, 1);
          lua.lua_pushvalue(L, -1);
          writeLuaReply(L, c, resp);
        }
      }
      lua.lua_pop(L, 1);
      return;
    }
    lua.lua_pop(L, 1);
  }
  // An array, cut at the first nil.
  let n = 0;
  while (lua.lua_rawgeti(L, -1, n + 1) !== lua.LUA_TNIL) {
    lua.lua_pop(L, 1);
    n++;
  }
  lua.lua_pop(L, 1);
  c.addArrayLen(n);
  for (let i = 1; i <= n; i++) {
    lua.lua_rawgeti(L, -1, i);
    writeLuaReply(L, c, resp);
  }
}
