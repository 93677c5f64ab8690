/**
 * The Lua engine binding: loads fengari (Lua 5.3 in pure JS, synchronous) patched to behave like
 * Lua 5.1 for numbers (one number type: no 32-bit integer wrap-around; "%.14g" strings), and
 * converts between our binary strings (one byte per char, DESIGN.md §2) and Lua's byte strings.
 *
 * Why fengari (measured on this machine, see the scripting notes in src/script/engine.ts): a cached
 * chunk calling a host function costs ~0.6 µs in fengari versus ~4.3 µs through wasmoon's
 * (Lua 5.4/WASM) bindings, every host call is synchronous, and Lua strings are byte arrays so binary
 * values need no UTF-8 round trip. wasmoon runs pure-Lua loops ~4.6× faster, which matters less for
 * Redis scripts, whose time goes into redis.call.
 */
import "./fengari_conf.ts";
import fengariModule from "fengari";
// Internals (loaded by the line above first, so the circular requires resolve): strings pushed
// without the extra copy lua_pushstring makes.
import lstring from "fengari/src/lstring.js";
import lobject from "fengari/src/lobject.js";

// deno-lint-ignore no-explicit-any
const fengari: any = fengariModule;

// Lua 5.1 has one number type (doubles). fengari is Lua 5.3 with 32-bit integers, where integer
// arithmetic wraps (100000 * 100000 would be 1410065408). Making every value tagged integer answer
// "I am a float" sends all arithmetic, comparisons and conversions down the float paths, which
// gives 5.1's results; integer-tagged values keep their exact numeric value.
{
  const LUA_TNUMFLT = fengari.lua.LUA_TNUMBER; // variant 0
  const LUA_TNUMINT = fengari.lua.LUA_TNUMBER | (1 << 4);
  const proto = lobject.TValue.prototype;
  proto.ttisinteger = () => false;
  proto.ttisfloat = function (this: { type: number }) {
    return this.type === LUA_TNUMFLT || this.type === LUA_TNUMINT;
  };
  // Number → string conversions (tostring, concatenation, lua_tolstring) as Lua 5.1's "%.14g".
  lobject.luaO_tostring = (L: LuaState, obj: { value: number; setsvalue(ts: unknown): void }) => {
    obj.setsvalue(lstring.luaS_bless(L, fengari.to_luastring(formatG(obj.value, 14))));
  };
}

/**
 * C's "%.<precision>g" for a double (Lua 5.1 uses 14 digits; Redis formats redis.call arguments
 * with 17). NaN prints as glibc prints 0/0, "-nan".
 */
export function formatG(n: number, precision: number): string {
  if (n !== n) return "-nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const e = n.toExponential(precision - 1);
  const x = Number(e.slice(e.indexOf("e") + 1));
  const trim = (s: string) => s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  if (x < -4 || x >= precision) {
    const m = trim(e.slice(0, e.indexOf("e")));
    return m + "e" + (x < 0 ? "-" : "+") + String(Math.abs(x)).padStart(2, "0");
  }
  return trim(n.toFixed(precision - 1 - x));
}

/** fengari's C-API modules (typed loosely: the package ships no types). */
// deno-lint-ignore no-explicit-any
export const lua: any = fengari.lua;
// deno-lint-ignore no-explicit-any
export const lauxlib: any = fengari.lauxlib;
// deno-lint-ignore no-explicit-any
export const lualib: any = fengari.lualib;

/** A Lua state handle. */
// deno-lint-ignore no-explicit-any
export type LuaState = any;

/** A binary string as Lua bytes. */
export function toLuaBytes(s: string): Uint8Array {
  const n = s.length;
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** Lua bytes as a binary string. */
export function fromLuaBytes(b: Uint8Array): string {
  const n = b.length;
  if (n < 64) {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(b[i]);
    return s;
  }
  let s = "";
  for (let i = 0; i < n; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
  }
  return s;
}

/**
 * Short strings recently pushed (keys, arguments, field names), as immutable Lua string values:
 * reusing them saves an allocation and keeps their table hash. Cleared when it grows too large.
 */
const shortStrings = new Map<string, unknown>();

/** Pushes a binary string. */
export function pushStr(L: LuaState, s: string): void {
  if (s.length > 32) {
    lobject.pushsvalue2s(L, lstring.luaS_bless(L, toLuaBytes(s)));
    return;
  }
  let ts = shortStrings.get(s);
  if (ts === undefined) {
    if (shortStrings.size >= 4096) shortStrings.clear();
    ts = lstring.luaS_bless(L, toLuaBytes(s));
    shortStrings.set(s, ts);
  }
  lobject.pushsvalue2s(L, ts);
}

/** Pushes bytes the caller hands over (not copied: they must not be modified afterwards). */
export function pushOwnedBytes(L: LuaState, b: Uint8Array): void {
  lobject.pushsvalue2s(L, lstring.luaS_bless(L, b));
}

/** An interned Lua string value (TString) made once and pushed without copying or rehashing. */
export type LuaConst = unknown;

/** Makes a reusable string value for `s` (field names used on hot paths). */
export function luaConst(L: LuaState, s: string): LuaConst {
  return lstring.luaS_bless(L, fengari.to_luastring(s));
}

/** Pushes a string made by luaConst. */
export function pushConst(L: LuaState, k: LuaConst): void {
  lobject.pushsvalue2s(L, k);
}

/** A Lua string constant (field names), converted once. */
export function luaName(s: string): Uint8Array {
  return fengari.to_luastring(s, true);
}

/** The string at `idx` (numbers converted as Lua does) as a binary string, or null. */
export function toStr(L: LuaState, idx: number): string | null {
  const b = lua.lua_tolstring(L, idx);
  return b === null || b === undefined ? null : fromLuaBytes(b);
}
