/**
 * Lua libraries Redis bundles that fengari lacks, written here: `bit` (LuaBitOp semantics on 32-bit
 * integers) and `cjson` (encode/decode, cjson.null); `struct` and `cmsgpack` are in libs_pack.ts.
 */
import { lauxlib, lua, type LuaState, pushStr, toStr } from "./lua.ts";
import { openCmsgpack, openStruct } from "./libs_pack.ts";

/** Registers `bit`, `cjson`, `cmsgpack` and `struct` as globals (before globals are made read-only). */
export function openShims(L: LuaState): void {
  openBit(L);
  openCjson(L);
  openCmsgpack(L);
  openStruct(L);
}

function setFn(L: LuaState, name: string, f: (L: LuaState) => number): void {
  lua.lua_pushjsfunction(L, f);
  lua.lua_setfield(L, -2, name);
}

/** LuaBitOp's argument normalization: numbers to signed 32-bit integers. */
function tobit(L: LuaState, i: number): number {
  const n = lauxlib.luaL_checknumber(L, i);
  return Number(BigInt.asIntN(32, BigInt(Math.trunc(n))));
}

function openBit(L: LuaState): void {
  lua.lua_createtable(L, 0, 12);
  const ret = (L: LuaState, v: number) => {
    lua.lua_pushnumber(L, v | 0);
    return 1;
  };
  const fold = (op: (a: number, b: number) => number) => (L: LuaState) => {
    let v = tobit(L, 1);
    const n = lua.lua_gettop(L);
    for (let i = 2; i <= n; i++) v = op(v, tobit(L, i));
    return ret(L, v);
  };
  setFn(L, "tobit", (L) => ret(L, tobit(L, 1)));
  setFn(L, "bnot", (L) => ret(L, ~tobit(L, 1)));
  setFn(L, "band", fold((a, b) => a & b));
  setFn(L, "bor", fold((a, b) => a | b));
  setFn(L, "bxor", fold((a, b) => a ^ b));
  setFn(L, "lshift", (L) => ret(L, tobit(L, 1) << (tobit(L, 2) & 31)));
  setFn(L, "rshift", (L) => ret(L, tobit(L, 1) >>> (tobit(L, 2) & 31)));
  setFn(L, "arshift", (L) => ret(L, tobit(L, 1) >> (tobit(L, 2) & 31)));
  setFn(L, "rol", (L) => {
    const a = tobit(L, 1), n = tobit(L, 2) & 31;
    return ret(L, (a << n) | (a >>> (32 - n)));
  });
  setFn(L, "ror", (L) => {
    const a = tobit(L, 1), n = tobit(L, 2) & 31;
    return ret(L, (a >>> n) | (a << (32 - n)));
  });
  setFn(L, "bswap", (L) => {
    const a = tobit(L, 1);
    return ret(L, (a >>> 24) | ((a >> 8) & 0xff00) | ((a & 0xff00) << 8) | (a << 24));
  });
  setFn(L, "tohex", (L) => {
    const a = tobit(L, 1);
    let n = lua.lua_isnoneornil(L, 2) ? 8 : tobit(L, 2);
    const upper = n < 0;
    if (upper) n = -n;
    if (n > 8) n = 8;
    let s = (a >>> 0).toString(16).padStart(8, "0").slice(8 - n);
    if (upper) s = s.toUpperCase();
    pushStr(L, s);
    return 1;
  });
  lua.lua_setglobal(L, "bit");
}

// ---- cjson --------------------------------------------------------------------------------------

const utf8 = new TextDecoder("utf-8");

/** %.14g, as cjson formats numbers by default. */
function fmtNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e14) return String(n);
  let s = n.toPrecision(14);
  if (s.includes("e")) {
    const [m, e] = s.split("e");
    const mm = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
    const ev = Number(e);
    return mm + "e" + (ev < 0 ? "-" : "+") + String(Math.abs(ev)).padStart(2, "0");
  }
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

function escapeJson(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 34) out += '\\"';
    else if (ch === 92) out += "\\\\";
    else if (ch === 47) out += "\\/";
    else if (ch === 10) out += "\\n";
    else if (ch === 13) out += "\\r";
    else if (ch === 9) out += "\\t";
    else if (ch === 8) out += "\\b";
    else if (ch === 12) out += "\\f";
    else if (ch < 32 || ch === 127) out += "\\u" + ch.toString(16).padStart(4, "0");
    else out += s[i];
  }
  return out + '"';
}

/** Encodes the value at `idx` (a binary string result: Lua strings pass through byte for byte). */
function encodeValue(L: LuaState, idx: number, depth: number): string {
  if (depth > 1000) return raiseCjson(L, "Cannot serialise, excessive nesting (1001)");
  idx = lua.lua_absindex(L, idx);
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TNIL:
      return "null";
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, idx) ? "true" : "false";
    case lua.LUA_TNUMBER: {
      const n = lua.lua_tonumber(L, idx);
      if (!Number.isFinite(n)) return raiseCjson(L, "Cannot serialise number: must not be NaN or Inf");
      return fmtNumber(n);
    }
    case lua.LUA_TSTRING:
      return escapeJson(toStr(L, idx)!);
    case lua.LUA_TLIGHTUSERDATA:
      return "null";
    case lua.LUA_TTABLE: {
      // An array when every key is a positive integer (cjson's default: sparse up to ratio 2).
      let max = 0, count = 0, isArray = true;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx)) {
        lua.lua_pop(L, 1);
        count++;
        if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
          const k = lua.lua_tonumber(L, -1);
          if (Number.isInteger(k) && k >= 1) {
            max = Math.max(max, k);
            continue;
          }
        }
        isArray = false;
      }
      if (isArray && max > 10 && max > count * 2) {
        return raiseCjson(L, "Cannot serialise table: excessively sparse array");
      }
      if (isArray && (count > 0 || max === 0)) {
        if (count === 0) return "{}";
        const parts: string[] = [];
        for (let i = 1; i <= max; i++) {
          lua.lua_rawgeti(L, idx, i);
          parts.push(encodeValue(L, -1, depth + 1));
          lua.lua_pop(L, 1);
        }
        return "[" + parts.join(",") + "]";
      }
      const parts: string[] = [];
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx)) {
        const kt = lua.lua_type(L, -2);
        let key: string;
        if (kt === lua.LUA_TSTRING) key = toStr(L, -2)!;
        else if (kt === lua.LUA_TNUMBER) key = fmtNumber(lua.lua_tonumber(L, -2));
        else return raiseCjson(L, "Cannot serialise table: table key must be a number or string");
        parts.push(escapeJson(key) + ":" + encodeValue(L, -1, depth + 1));
        lua.lua_pop(L, 1);
      }
      return "{" + parts.join(",") + "}";
    }
    default:
      return raiseCjson(L, `Cannot serialise ${lauxlib.luaL_typename(L, idx)}: type not supported`);
  }
}

function raiseCjson(L: LuaState, msg: string): never {
  lauxlib.luaL_where(L, 1);
  pushStr(L, msg);
  lua.lua_concat(L, 2);
  lua.lua_error(L);
  throw new Error("unreachable");
}

/** Pushes a parsed JSON value (strings re-encoded as UTF-8 bytes). */
function pushJson(L: LuaState, v: unknown): void {
  lauxlib.luaL_checkstack(L, 3, "too deep");
  if (v === null) {
    lua.lua_pushlightuserdata(L, null);
  } else if (typeof v === "string") lua.lua_pushstring(L, new TextEncoder().encode(v));
  else if (typeof v === "number") lua.lua_pushnumber(L, v);
  else if (typeof v === "boolean") lua.lua_pushboolean(L, v);
  else if (Array.isArray(v)) {
    lua.lua_createtable(L, v.length, 0);
    for (let i = 0; i < v.length; i++) {
      pushJson(L, v[i]);
      lua.lua_rawseti(L, -2, i + 1);
    }
  } else {
    const o = v as Record<string, unknown>;
    lua.lua_createtable(L, 0, 0);
    for (const k of Object.keys(o)) {
      lua.lua_pushstring(L, new TextEncoder().encode(k));
      pushJson(L, o[k]);
      lua.lua_rawset(L, -3);
    }
  }
}

function openCjson(L: LuaState): void {
  lua.lua_createtable(L, 0, 4);
  setFn(L, "encode", (L) => {
    if (lua.lua_gettop(L) !== 1) return raiseCjson(L, "bad argument #1 to 'encode' (expected 1 argument)");
    pushStr(L, encodeValue(L, 1, 0));
    return 1;
  });
  setFn(L, "decode", (L) => {
    if (lua.lua_gettop(L) !== 1) return raiseCjson(L, "bad argument #1 to 'decode' (expected 1 argument)");
    const text = lauxlib.luaL_checklstring(L, 1);
    let v: unknown;
    try {
      v = JSON.parse(utf8.decode(text));
    } catch (e) {
      return raiseCjson(L, "Expected value but found invalid token. " + (e instanceof Error ? e.message : ""));
    }
    pushJson(L, v);
    return 1;
  });
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, -2, "null");
  lua.lua_setglobal(L, "cjson");
}
