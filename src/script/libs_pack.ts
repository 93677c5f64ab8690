/**
 * Binary packing libraries Redis bundles, written here for fengari: `cmsgpack` (pack, unpack,
 * unpack_one, unpack_limit — lua_cmsgpack's encoding choices) and `struct` (pack, unpack, size —
 * Roberto Ierusalimschy's struct library formats, native x86-64 sizes, little-endian default).
 */
import { lauxlib, lua, type LuaState, pushOwnedBytes } from "./lua.ts";

function setFn(L: LuaState, name: string, f: (L: LuaState) => number): void {
  lua.lua_pushjsfunction(L, f);
  lua.lua_setfield(L, -2, name);
}

/** A growable byte buffer. */
class Out {
  b = new Uint8Array(64);
  n = 0;
  need(k: number): void {
    if (this.n + k <= this.b.length) return;
    let cap = this.b.length * 2;
    while (cap < this.n + k) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.b.subarray(0, this.n));
    this.b = nb;
  }
  u8(v: number): void {
    this.need(1);
    this.b[this.n++] = v & 0xff;
  }
  bytes(src: Uint8Array): void {
    this.need(src.length);
    this.b.set(src, this.n);
    this.n += src.length;
  }
  /** Big-endian integer of `size` bytes (two's complement for negatives). */
  beInt(v: bigint, size: number): void {
    this.need(size);
    for (let i = size - 1; i >= 0; i--) {
      this.b[this.n + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    this.n += size;
  }
  result(): Uint8Array {
    return this.b.slice(0, this.n);
  }
}

// ---- cmsgpack -----------------------------------------------------------------------------------

const MAX_NESTING = 16;

function encodeNumber(o: Out, n: number): void {
  if (Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808) {
    const v = BigInt(n);
    if (n >= 0) {
      if (n <= 127) o.u8(n);
      else if (n <= 0xff) (o.u8(0xcc), o.u8(n));
      else if (n <= 0xffff) (o.u8(0xcd), o.beInt(v, 2));
      else if (n <= 0xffffffff) (o.u8(0xce), o.beInt(v, 4));
      else (o.u8(0xcf), o.beInt(v, 8));
    } else {
      if (n >= -32) o.u8(n);
      else if (n >= -128) (o.u8(0xd0), o.u8(n));
      else if (n >= -32768) (o.u8(0xd1), o.beInt(v, 2));
      else if (n >= -2147483648) (o.u8(0xd2), o.beInt(v, 4));
      else (o.u8(0xd3), o.beInt(v, 8));
    }
    return;
  }
  const dv = new DataView(new ArrayBuffer(8));
  if (Math.fround(n) === n || Number.isNaN(n)) {
    dv.setFloat32(0, n);
    o.u8(0xca);
    o.bytes(new Uint8Array(dv.buffer, 0, 4));
  } else {
    dv.setFloat64(0, n);
    o.u8(0xcb);
    o.bytes(new Uint8Array(dv.buffer, 0, 8));
  }
}

function encodeLen(o: Out, len: number, fix: number, fixMax: number, c8: number | null, c16: number, c32: number) {
  if (len < fixMax) o.u8(fix | len);
  else if (c8 !== null && len <= 0xff) (o.u8(c8), o.u8(len));
  else if (len <= 0xffff) (o.u8(c16), o.beInt(BigInt(len), 2));
  else (o.u8(c32), o.beInt(BigInt(len), 4));
}

/** True when the table at `idx` has only keys 1..n without holes; returns n, or -1. */
function arrayLength(L: LuaState, idx: number): number {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) !== lua.LUA_TNUMBER) {
      lua.lua_pop(L, 1);
      return -1;
    }
    const k = lua.lua_tonumber(L, -1);
    if (!Number.isInteger(k) || k < 1) {
      lua.lua_pop(L, 1);
      return -1;
    }
    max = Math.max(max, k);
    count++;
  }
  return max === count ? count : -1;
}

function encodeValue(L: LuaState, o: Out, idx: number, level: number): void {
  idx = lua.lua_absindex(L, idx);
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TSTRING: {
      const b = lua.lua_tolstring(L, idx) as Uint8Array;
      encodeLen(o, b.length, 0xa0, 32, 0xd9, 0xda, 0xdb);
      o.bytes(b);
      return;
    }
    case lua.LUA_TBOOLEAN:
      o.u8(lua.lua_toboolean(L, idx) ? 0xc3 : 0xc2);
      return;
    case lua.LUA_TNUMBER:
      encodeNumber(o, lua.lua_tonumber(L, idx));
      return;
    case lua.LUA_TTABLE: {
      if (level >= MAX_NESTING) {
        o.u8(0xc0);
        return;
      }
      lauxlib.luaL_checkstack(L, 4, "in function mp_encode_lua_table");
      const n = arrayLength(L, idx);
      if (n >= 0) {
        encodeLen(o, n, 0x90, 16, null, 0xdc, 0xdd);
        for (let i = 1; i <= n; i++) {
          lua.lua_rawgeti(L, idx, i);
          encodeValue(L, o, -1, level + 1);
          lua.lua_pop(L, 1);
        }
        return;
      }
      let count = 0;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx)) {
        lua.lua_pop(L, 1);
        count++;
      }
      encodeLen(o, count, 0x80, 16, null, 0xde, 0xdf);
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx)) {
        encodeValue(L, o, -2, level + 1);
        encodeValue(L, o, -1, level + 1);
        lua.lua_pop(L, 1);
      }
      return;
    }
    default:
      o.u8(0xc0);
  }
}

class Reader {
  p: number;
  constructor(readonly b: Uint8Array, p: number) {
    this.p = p;
  }
  need(n: number): void {
    if (this.p + n > this.b.length) throw new RangeError("Missing bytes in input.");
  }
  u8(): number {
    this.need(1);
    return this.b[this.p++];
  }
  be(n: number, signed: boolean): number {
    this.need(n);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.b[this.p++]);
    if (signed) v = BigInt.asIntN(n * 8, v);
    return Number(v);
  }
  float(n: 4 | 8): number {
    this.need(n);
    const dv = new DataView(this.b.buffer, this.b.byteOffset + this.p, n);
    this.p += n;
    return n === 4 ? dv.getFloat32(0) : dv.getFloat64(0);
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const s = this.b.slice(this.p, this.p + n);
    this.p += n;
    return s;
  }
}

/** Decodes one value and pushes it. */
function decodeValue(L: LuaState, r: Reader): void {
  lauxlib.luaL_checkstack(L, 3, "too many nested values");
  const t = r.u8();
  const arr = (n: number) => {
    lua.lua_createtable(L, n, 0);
    for (let i = 1; i <= n; i++) {
      decodeValue(L, r);
      lua.lua_rawseti(L, -2, i);
    }
  };
  const map = (n: number) => {
    lua.lua_createtable(L, 0, n);
    for (let i = 0; i < n; i++) {
      decodeValue(L, r);
      decodeValue(L, r);
      lua.lua_settable(L, -3);
    }
  };
  if (t <= 0x7f) lua.lua_pushnumber(L, t);
  else if (t >= 0xe0) lua.lua_pushnumber(L, t - 256);
  else if ((t & 0xe0) === 0xa0) pushOwnedBytes(L, r.bytes(t & 0x1f));
  else if ((t & 0xf0) === 0x90) arr(t & 0x0f);
  else if ((t & 0xf0) === 0x80) map(t & 0x0f);
  else {
    switch (t) {
      case 0xc0:
        lua.lua_pushnil(L);
        break;
      case 0xc2:
      case 0xc3:
        lua.lua_pushboolean(L, t === 0xc3);
        break;
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf:
        lua.lua_pushnumber(L, r.be(1 << (t - 0xcc), false));
        break;
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3:
        lua.lua_pushnumber(L, r.be(1 << (t - 0xd0), true));
        break;
      case 0xca:
        lua.lua_pushnumber(L, r.float(4));
        break;
      case 0xcb:
        lua.lua_pushnumber(L, r.float(8));
        break;
      case 0xd9:
      case 0xc4:
        pushOwnedBytes(L, r.bytes(r.be(1, false)));
        break;
      case 0xda:
      case 0xc5:
        pushOwnedBytes(L, r.bytes(r.be(2, false)));
        break;
      case 0xdb:
      case 0xc6:
        pushOwnedBytes(L, r.bytes(r.be(4, false)));
        break;
      case 0xdc:
        arr(r.be(2, false));
        break;
      case 0xdd:
        arr(r.be(4, false));
        break;
      case 0xde:
        map(r.be(2, false));
        break;
      case 0xdf:
        map(r.be(4, false));
        break;
      default:
        throw new TypeError("Bad data format in input.");
    }
  }
}

/** unpack / unpack_one / unpack_limit: decodes up to `limit` values (0 = all) from `offset`. */
function unpackGeneric(L: LuaState, limit: number, offset: number, withOffset: boolean): number {
  const s = lauxlib.luaL_checklstring(L, 1) as Uint8Array;
  if (offset < 0 || limit < 0) {
    return lauxlib.luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", offset, limit);
  }
  if (offset > s.length) {
    return lauxlib.luaL_error(L, "Start offset %d greater than input length %d.", offset, s.length);
  }
  const r = new Reader(s, offset);
  lua.lua_settop(L, 0);
  let n = 0;
  try {
    while (r.p < s.length && (limit === 0 || n < limit)) {
      decodeValue(L, r);
      n++;
    }
  } catch (e) {
    lua.lua_settop(L, 0);
    return lauxlib.luaL_error(L, e instanceof Error ? e.message : "Bad data format in input.");
  }
  if (!withOffset) return n;
  lua.lua_pushnumber(L, r.p >= s.length ? -1 : r.p);
  lua.lua_insert(L, 1);
  return n + 1;
}

/** Registers the `cmsgpack` global. */
export function openCmsgpack(L: LuaState): void {
  lua.lua_createtable(L, 0, 4);
  setFn(L, "pack", (L) => {
    const n = lua.lua_gettop(L);
    if (n === 0) return lauxlib.luaL_argerror(L, 0, "MessagePack pack needs input.");
    const o = new Out();
    for (let i = 1; i <= n; i++) encodeValue(L, o, i, 0);
    pushOwnedBytes(L, o.result());
    return 1;
  });
  setFn(L, "unpack", (L) => unpackGeneric(L, 0, 0, false));
  setFn(L, "unpack_one", (L) => unpackGeneric(L, 1, Math.trunc(lauxlib.luaL_optnumber(L, 2, 0)), true));
  setFn(
    L,
    "unpack_limit",
    (L) =>
      unpackGeneric(
        L,
        Math.trunc(lauxlib.luaL_optnumber(L, 2, 0)),
        Math.trunc(lauxlib.luaL_optnumber(L, 3, 0)),
        true,
      ),
  );
  lua.lua_setglobal(L, "cmsgpack");
}

// ---- struct -------------------------------------------------------------------------------------

interface FmtState {
  little: boolean;
  align: number;
}

const MAXINTSIZE = 32;

/** Parses the optional size digits after a format letter. */
function readNum(fmt: Uint8Array, pos: { i: number }, def: number): number {
  if (pos.i >= fmt.length || fmt[pos.i] < 48 || fmt[pos.i] > 57) return def;
  let a = 0;
  while (pos.i < fmt.length && fmt[pos.i] >= 48 && fmt[pos.i] <= 57) a = a * 10 + fmt[pos.i++] - 48;
  return a;
}

/** The size of option `opt` (advancing past its digits). */
function optSize(L: LuaState, opt: number, fmt: Uint8Array, pos: { i: number }): number {
  switch (String.fromCharCode(opt)) {
    case "B":
    case "b":
      return 1;
    case "H":
    case "h":
      return 2;
    case "L":
    case "l":
    case "T":
      return 8;
    case "f":
      return 4;
    case "d":
      return 8;
    case "x":
      return 1;
    case "c":
      return readNum(fmt, pos, 1);
    case "i":
    case "I": {
      const sz = readNum(fmt, pos, 4);
      if (sz > MAXINTSIZE) lauxlib.luaL_error(L, "integral size %d is larger than limit of %d", sz, MAXINTSIZE);
      return sz;
    }
    default:
      return 0;
  }
}

/** Padding needed before an item of `size` at offset `len`. */
function gap(st: FmtState, size: number, len: number): number {
  const align = Math.min(size, st.align);
  if (align <= 1 || (align & (align - 1)) !== 0) return 0;
  return (align - (len & (align - 1))) & (align - 1);
}

/** Handles the non-data options (endianness, alignment); returns true when `opt` was one. */
function controlOpt(L: LuaState, opt: number, fmt: Uint8Array, pos: { i: number }, st: FmtState): boolean {
  switch (String.fromCharCode(opt)) {
    case " ":
      return true;
    case ">":
      st.little = false;
      return true;
    case "<":
    case "=":
      st.little = true;
      return true;
    case "!": {
      const a = readNum(fmt, pos, 8);
      if ((a & (a - 1)) !== 0) lauxlib.luaL_argerror(L, 1, "alignment must be power of 2");
      st.align = a;
      return true;
    }
    default:
      return false;
  }
}

function putInt(o: Out, v: bigint, size: number, little: boolean): void {
  o.need(size);
  for (let i = 0; i < size; i++) {
    const byte = Number(v & 0xffn);
    o.b[o.n + (little ? i : size - 1 - i)] = byte;
    v >>= 8n;
  }
  o.n += size;
}

function structPack(L: LuaState): number {
  const fmt = lauxlib.luaL_checklstring(L, 1) as Uint8Array;
  const st: FmtState = { little: true, align: 1 };
  const o = new Out();
  const pos = { i: 0 };
  let arg = 2;
  while (pos.i < fmt.length) {
    const opt = fmt[pos.i++];
    if (controlOpt(L, opt, fmt, pos, st)) continue;
    const size = optSize(L, opt, fmt, pos);
    const pad = gap(st, size, o.n);
    for (let k = 0; k < pad; k++) o.u8(0);
    const ch = String.fromCharCode(opt);
    if ("bBhHlLTiI".includes(ch)) {
      const n = lauxlib.luaL_checknumber(L, arg++);
      putInt(o, BigInt(Math.trunc(n)), size, st.little);
    } else if (ch === "x") o.u8(0);
    else if (ch === "f" || ch === "d") {
      const dv = new DataView(new ArrayBuffer(size));
      const n = lauxlib.luaL_checknumber(L, arg++);
      if (size === 4) dv.setFloat32(0, n, st.little);
      else dv.setFloat64(0, n, st.little);
      o.bytes(new Uint8Array(dv.buffer));
    } else if (ch === "c" || ch === "s") {
      const s = lauxlib.luaL_checklstring(L, arg++) as Uint8Array;
      if (ch === "c") {
        const l = size === 0 ? s.length : size;
        if (s.length < l) lauxlib.luaL_argerror(L, arg - 1, "string too short");
        o.bytes(s.subarray(0, l));
      } else {
        o.bytes(s);
        o.u8(0);
      }
    } else lauxlib.luaL_error(L, "invalid format option '%c'", opt);
  }
  pushOwnedBytes(L, o.result());
  return 1;
}

function structUnpack(L: LuaState): number {
  const fmt = lauxlib.luaL_checklstring(L, 1) as Uint8Array;
  const data = lauxlib.luaL_checklstring(L, 2) as Uint8Array;
  let p = Math.trunc(lauxlib.luaL_optnumber(L, 3, 1)) - 1;
  if (p < 0) lauxlib.luaL_argerror(L, 3, "offset must be 1 or greater");
  const st: FmtState = { little: true, align: 1 };
  const pos = { i: 0 };
  let n = 0;
  while (pos.i < fmt.length) {
    const opt = fmt[pos.i++];
    if (controlOpt(L, opt, fmt, pos, st)) continue;
    const size = optSize(L, opt, fmt, pos);
    p += gap(st, size, p);
    if (size > data.length - p || p > data.length) lauxlib.luaL_argerror(L, 2, "data string too short");
    lauxlib.luaL_checkstack(L, 2, "too many results");
    const ch = String.fromCharCode(opt);
    if ("bBhHlLTiI".includes(ch)) {
      let v = 0n;
      for (let k = 0; k < size; k++) v = (v << 8n) | BigInt(data[p + (st.little ? size - 1 - k : k)]);
      if (ch === ch.toLowerCase()) v = BigInt.asIntN(size * 8, v);
      lua.lua_pushnumber(L, Number(v));
      n++;
    } else if (ch === "x") {
      // padding
    } else if (ch === "f" || ch === "d") {
      const dv = new DataView(data.buffer, data.byteOffset + p, size);
      lua.lua_pushnumber(L, size === 4 ? dv.getFloat32(0, st.little) : dv.getFloat64(0, st.little));
      n++;
    } else if (ch === "c") {
      let l = size;
      if (l === 0) {
        if (n === 0 || lua.lua_type(L, -1) !== lua.LUA_TNUMBER) {
          lauxlib.luaL_error(L, "format 'c0' needs a previous size");
        }
        l = lua.lua_tonumber(L, -1);
        lua.lua_pop(L, 1);
        n--;
        if (l > data.length - p) lauxlib.luaL_argerror(L, 2, "data string too short");
      }
      pushOwnedBytes(L, data.slice(p, p + l));
      n++;
      p += l;
      continue;
    } else if (ch === "s") {
      let e = p;
      while (e < data.length && data[e] !== 0) e++;
      if (e >= data.length) lauxlib.luaL_error(L, "unfinished string in data");
      pushOwnedBytes(L, data.slice(p, e));
      n++;
      p = e + 1;
      continue;
    } else lauxlib.luaL_error(L, "invalid format option '%c'", opt);
    p += size;
  }
  lua.lua_pushnumber(L, p + 1);
  return n + 1;
}

function structSize(L: LuaState): number {
  const fmt = lauxlib.luaL_checklstring(L, 1) as Uint8Array;
  const st: FmtState = { little: true, align: 1 };
  const pos = { i: 0 };
  let total = 0;
  while (pos.i < fmt.length) {
    const opt = fmt[pos.i++];
    if (controlOpt(L, opt, fmt, pos, st)) continue;
    const size = optSize(L, opt, fmt, pos);
    if (opt === 115) lauxlib.luaL_argerror(L, 1, "options 's' has no fixed size");
    else if (opt === 99 && size === 0) lauxlib.luaL_argerror(L, 1, "options 'c0' has no fixed size");
    total += gap(st, size, total) + size;
  }
  lua.lua_pushnumber(L, total);
  return 1;
}

/** Registers the `struct` global. */
export function openStruct(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  setFn(L, "pack", structPack);
  setFn(L, "unpack", structUnpack);
  setFn(L, "size", structSize);
  lua.lua_setglobal(L, "struct");
}
