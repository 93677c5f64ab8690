/**
 * The loader on every type and encoding older Redis versions wrote (zipmap, ziplist, quicklist v1,
 * text-double zsets, second-resolution expires, pre-GA field-TTL hashes), built by hand here and
 * cross-checked with Debian's redis-check-rdb where 7.0 understands them; packed-format codecs;
 * and a mutation fuzz proving corrupt input only ever raises RdbError.
 */
import assert from "node:assert/strict";
import { ByteWriter, RdbError } from "../../src/persist/bytes_io.ts";
import { Crc64 } from "../../src/persist/crc64.ts";
import { intsetDecode, intsetEncode, lpDecode, lpEncode, zlDecode } from "../../src/persist/packed.ts";
import { type ParsedRdb, parseRdb } from "../../src/persist/rdb_file.ts";
import { writeLen, writeString } from "../../src/persist/rdb_write.ts";
import type { LoadLimits } from "../../src/persist/rdb_read.ts";
import { ListValue } from "../../src/types/list.ts";
import { RSet } from "../../src/types/set.ts";
import { ZSet } from "../../src/types/zset.ts";
import { Hash } from "../../src/types/hash.ts";
import { haveRedis } from "../helpers/oracle.ts";
import { checkRdb } from "./helpers.ts";

const LIMITS: LoadLimits = {
  set: { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 },
  zset: { maxListpackEntries: 128, maxListpackValue: 64 },
  hashEntries: 128,
  hashValue: 64,
  listFill: -2,
};
const RAW = { version: 12, compress: false };

function parse(data: Uint8Array, now = Date.now()): ParsedRdb {
  return parseRdb(data, { limits: LIMITS, databases: 16, now, dropExpired: true, verifyChecksum: true });
}

// ---- hand-made old encodings ------------------------------------------------------------------------

/** A ziplist of `items` (strings as 6/14/32-bit lengths, integers in Redis's int encodings). */
function ziplist(items: string[]): Uint8Array {
  const entries: Uint8Array[] = [];
  let prev = 0;
  for (const s of items) {
    const w = new ByteWriter(16);
    if (prev < 254) w.u8(prev);
    else {
      w.u8(254);
      w.u32le(prev);
    }
    const n = /^-?[1-9][0-9]{0,17}$|^0$/.test(s) ? Number(s) : null;
    if (n !== null && n >= 0 && n <= 12) w.u8(0xf1 + n);
    else if (n !== null && n >= -128 && n <= 127) {
      w.u8(0xfe);
      w.u8(n & 0xff);
    } else if (n !== null && n >= -32768 && n <= 32767) {
      w.u8(0xc0);
      w.u16le(n & 0xffff);
    } else if (n !== null && n >= -8388608 && n <= 8388607) {
      w.u8(0xf0);
      w.u16le(n & 0xffff);
      w.u8((n >> 16) & 0xff);
    } else if (n !== null && n >= -2147483648 && n <= 2147483647) {
      w.u8(0xd0);
      w.u32le(n >>> 0);
    } else if (n !== null) {
      w.u8(0xe0);
      w.i64le(n);
    } else if (s.length < 64) {
      w.u8(s.length);
      w.str(s);
    } else if (s.length < 16384) {
      w.u8(0x40 | (s.length >> 8));
      w.u8(s.length & 0xff);
      w.str(s);
    } else {
      w.u8(0x80);
      w.u32be(s.length);
      w.str(s);
    }
    const e = w.view().slice();
    entries.push(e);
    prev = e.length;
  }
  const body = entries.reduce((a, e) => a + e.length, 0);
  const w = new ByteWriter(body + 11);
  w.u32le(body + 11);
  w.u32le(entries.length ? 10 + body - entries[entries.length - 1].length : 10);
  w.u16le(items.length);
  for (const e of entries) w.bytes(e);
  w.u8(0xff);
  return w.view().slice();
}

/** A zipmap of field/value pairs. */
function zipmap(pairs: string[]): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(pairs.length / 2);
  for (let i = 0; i < pairs.length; i += 2) {
    w.u8(pairs[i].length);
    w.str(pairs[i]);
    w.u8(pairs[i + 1].length);
    w.u8(1); // one free byte
    w.str(pairs[i + 1]);
    w.u8(0);
  }
  w.u8(0xff);
  return w.view().slice();
}

function blob(w: ByteWriter, b: Uint8Array): void {
  writeLen(w, b.length);
  w.bytes(b);
}

function header(version: number): ByteWriter {
  const w = new ByteWriter();
  w.str("REDIS" + String(version).padStart(4, "0"));
  return w;
}

function finish(w: ByteWriter, crc = true): Uint8Array {
  w.u8(0xff);
  const out = new Uint8Array(w.pos + 8);
  out.set(w.view());
  if (crc) new Crc64().update(out, 0, w.pos).writeLE(out, w.pos);
  return out;
}

function key(w: ByteWriter, type: number, k: string): void {
  w.u8(type);
  writeString(w, k, RAW);
}

/** An RDB v9 file with every pre-listpack encoding. */
function oldFile(): Uint8Array {
  const w = header(9);
  w.u8(0xfe);
  writeLen(w, 0);
  key(w, 9, "zipmap");
  blob(w, zipmap(["f1", "v1", "f2", "v2"]));
  key(w, 10, "zl-list");
  blob(w, ziplist(["a", "7", "-100", "1000", "100000", "10000000000", "x".repeat(100)]));
  key(w, 12, "zl-zset");
  blob(w, ziplist(["m1", "1.5", "m2", "2", "m3", "-7"]));
  key(w, 13, "zl-hash");
  blob(w, ziplist(["f", "v", "n", "42"]));
  key(w, 14, "ql1");
  writeLen(w, 2);
  blob(w, ziplist(["a", "b"]));
  blob(w, ziplist(["c", "12"]));
  key(w, 11, "intset");
  blob(w, intsetEncode([-5, 3, 70000]));
  key(w, 1, "plainlist");
  writeLen(w, 2);
  writeString(w, "p", RAW);
  writeString(w, "q", RAW);
  key(w, 2, "plainset");
  writeLen(w, 2);
  writeString(w, "s1", RAW);
  writeString(w, "s2", RAW);
  key(w, 3, "textzset");
  writeLen(w, 3);
  writeString(w, "a", RAW);
  w.u8(3);
  w.str("2.5");
  writeString(w, "b", RAW);
  w.u8(254);
  writeString(w, "c", RAW);
  w.u8(255);
  key(w, 4, "plainhash");
  writeLen(w, 1);
  writeString(w, "hf", RAW);
  writeString(w, "hv", RAW);
  w.u8(0xfd); // EXPIRETIME in seconds
  w.u32le(Math.floor(Date.now() / 1000) + 1000);
  key(w, 0, "secs");
  writeString(w, "v", RAW);
  w.u8(0xfc);
  w.i64le(1000); // long expired
  key(w, 0, "expired");
  writeString(w, "v", RAW);
  return finish(w);
}

function valuesOf(p: ParsedRdb): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const d = p.dbs.get(0)!.dict;
  for (let i = 0; i < d.keys.length; i++) {
    const k = { key: d.keys[i] };
    const v = d.vals[i];
    let val: unknown;
    if (typeof v === "string") val = v;
    else if (v instanceof ListValue) val = ["list", v.encoding(), v.toArray()];
    else if (v instanceof RSet) val = ["set", v.encoding(), v.members().sort()];
    else if (v instanceof ZSet) {
      const e: unknown[] = [];
      v.forEach((m, s) => e.push(m, s));
      val = ["zset", v.encoding(), e];
    } else if (v instanceof Hash) {
      const e: unknown[] = [];
      v.forEachEntry((f, x, t) => e.push(f, x, t));
      val = ["hash", v.encoding(), e];
    }
    out[k.key] = val;
  }
  return out;
}

Deno.test("loader: every pre-listpack encoding (v9 file)", () => {
  const p = parse(oldFile());
  assert.equal(p.version, 9);
  assert.equal(p.expired, 1);
  const v = valuesOf(p);
  assert.deepEqual(v["zipmap"], ["hash", "listpack", ["f1", "v1", 0, "f2", "v2", 0]]);
  assert.deepEqual(v["zl-list"], [
    "list",
    "listpack",
    ["a", "7", "-100", "1000", "100000", "10000000000", "x".repeat(100)],
  ]);
  assert.deepEqual(v["zl-zset"], ["zset", "listpack", ["m3", -7, "m1", 1.5, "m2", 2]]);
  assert.deepEqual(v["zl-hash"], ["hash", "listpack", ["f", "v", 0, "n", "42", 0]]);
  assert.deepEqual(v["ql1"], ["list", "listpack", ["a", "b", "c", "12"]]);
  assert.deepEqual(v["intset"], ["set", "intset", ["-5", "3", "70000"]]);
  assert.deepEqual(v["plainlist"], ["list", "listpack", ["p", "q"]]);
  assert.deepEqual(v["plainset"], ["set", "listpack", ["s1", "s2"]]);
  assert.deepEqual(v["textzset"], ["zset", "listpack", ["c", -Infinity, "a", 2.5, "b", Infinity]]);
  assert.deepEqual(v["plainhash"], ["hash", "listpack", ["hf", "hv", 0]]);
  assert.equal(v["secs"], "v");
  assert.ok(p.dbs.get(0)!.expires.get("secs")! > Date.now() + 900_000);
  assert.equal(v["expired"], undefined);
});

Deno.test({
  name: "the hand-made v9 file is valid for redis-check-rdb (7.0) too",
  ignore: !haveRedis(),
  fn() {
    const dir = Deno.makeTempDirSync();
    try {
      Deno.writeFileSync(`${dir}/old.rdb`, oldFile());
      checkRdb(`${dir}/old.rdb`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("loader: pre-GA field-TTL hashes (types 22, 23) and GA types drop expired fields", () => {
  const future = Date.now() + 100000;
  const w = header(12);
  w.u8(0xfe);
  writeLen(w, 0);
  key(w, 22, "meta-pre");
  writeLen(w, 3);
  writeLen(w, future);
  writeString(w, "a", RAW);
  writeString(w, "1", RAW);
  writeLen(w, 0);
  writeString(w, "b", RAW);
  writeString(w, "2", RAW);
  writeLen(w, 5); // expired long ago: dropped
  writeString(w, "c", RAW);
  writeString(w, "3", RAW);
  key(w, 23, "lpex-pre");
  blob(w, lpEncode(["x", "1", String(future), "y", "2", "0"]));
  key(w, 25, "lpex-allgone");
  w.i64le(5);
  blob(w, lpEncode(["x", "1", "5"]));
  const p = parse(finish(w));
  const v = valuesOf(p);
  assert.deepEqual(v["meta-pre"], ["hash", "listpackex", ["a", "1", future, "b", "2", 0]]);
  assert.deepEqual(v["lpex-pre"], ["hash", "listpackex", ["x", "1", future, "y", "2", 0]]);
  assert.equal(v["lpex-allgone"], undefined);
  assert.equal(p.emptySkipped, 1);
});

Deno.test("loader errors: versions, signature, duplicates, bad checksum, unknown types, db index", () => {
  const expectErr = (data: Uint8Array, re: RegExp) =>
    assert.throws(() => parse(data), (e) => e instanceof RdbError && re.test(e.message));
  const v13 = header(13);
  expectErr(finish(v13), /Can't handle RDB format version 13/);
  expectErr(new TextEncoder().encode("RUBIS0009"), /Wrong signature/);
  const dup = header(9);
  key(dup, 0, "k");
  writeString(dup, "1", RAW);
  key(dup, 0, "k");
  writeString(dup, "2", RAW);
  expectErr(finish(dup), /duplicated key 'k'/);
  const crc = finish(header(9));
  crc[crc.length - 1] ^= 1;
  expectErr(crc, /Wrong RDB checksum/);
  const unk = header(9);
  key(unk, 30, "k");
  expectErr(finish(unk), /Unknown RDB encoding type 30/);
  const db = header(9);
  db.u8(0xfe);
  writeLen(db, 16);
  expectErr(finish(db), /more than 16 databases/);
  // Streams load (tests/persist/stream_rdb_test.ts); one whose body is cut off is an error, not a crash.
  const stream = header(9);
  key(stream, 15, "s");
  expectErr(finish(stream), /length encoding|Unexpected EOF|stream/i);
  const dupz = header(9);
  key(dupz, 5, "z");
  writeLen(dupz, 2);
  writeString(dupz, "m", RAW);
  dupz.f64le(1);
  writeString(dupz, "m", RAW);
  dupz.f64le(2);
  expectErr(finish(dupz), /Duplicate zset fields/);
  // no CRC check for version < 5 files (no footer at all)
  const v4 = header(4);
  key(v4, 0, "k");
  writeString(v4, "v", RAW);
  v4.u8(0xff);
  assert.equal(parse(v4.view().slice()).loaded, 1);
});

Deno.test("packed codecs: listpack integer widths and strings round trip; intset widths; ziplist", () => {
  const items = [
    "0",
    "127",
    "128",
    "-1",
    "-4096",
    "4095",
    "-4097",
    "32767",
    "-32768",
    "32768",
    "8388607",
    "-8388608",
    "8388608",
    "2147483647",
    "-2147483648",
    "2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "007",
    "+1",
    "",
    "a".repeat(63),
    "b".repeat(64),
    "c".repeat(4095),
    "d".repeat(4096),
    "e".repeat(20000),
  ];
  const lp = lpEncode(items);
  assert.deepEqual(lpDecode(lp), items);
  assert.deepEqual(lpEncode([]), new Uint8Array([7, 0, 0, 0, 0, 0, 0xff]));
  assert.deepEqual(zlDecode(ziplist(items.slice(0, 20))), items.slice(0, 20));
  assert.equal(intsetEncode([1, 2])[0], 2);
  assert.equal(intsetEncode([1, 40000])[0], 4);
  assert.equal(intsetEncode([1, 9000000000])[0], 8);
  const big = [-9223372036854775808n, -5, 0, 9007199254740993n];
  assert.deepEqual(intsetDecode(intsetEncode(big)), big);
  assert.throws(() => intsetDecode(intsetEncode([3, 1])), RdbError);
  const broken = lp.slice();
  broken[broken.length - 1] = 0;
  assert.throws(() => lpDecode(broken), RdbError);
});

Deno.test("fuzz: random mutations of valid files only ever raise RdbError", () => {
  const bases = [oldFile()];
  // a v12 file from the writer, with compression
  const w = header(12);
  key(w, 18, "l");
  writeLen(w, 1);
  writeLen(w, 2);
  writeString(w, String.fromCharCode(...lpEncode(["a", "b", "1", "x".repeat(60)])), { version: 12, compress: true });
  key(w, 17, "z");
  writeString(w, String.fromCharCode(...lpEncode(["m", "1", "n", "2.5"])), { version: 12, compress: true });
  key(w, 0, "s");
  writeString(w, "abc".repeat(40), { version: 12, compress: true });
  bases.push(finish(w));
  let errors = 0, ok = 0;
  for (let trial = 0; trial < 3000; trial++) {
    const base = bases[trial % bases.length];
    const d = base.slice();
    const kind = trial % 4;
    const n = 1 + Math.floor(Math.random() * 4);
    for (let i = 0; i < n; i++) {
      const at = 9 + Math.floor(Math.random() * (d.length - 9));
      if (kind === 0) d[at] = Math.floor(Math.random() * 256);
      else if (kind === 1) d[at] ^= 1 << Math.floor(Math.random() * 8);
      else d[at] = [0, 0xff, 0x80, 0xc3, 0x3f, 0x40][Math.floor(Math.random() * 6)];
    }
    const data = kind === 3 ? d.subarray(0, 9 + Math.floor(Math.random() * (d.length - 9))) : d;
    try {
      // checksum off so mutations reach the value decoders
      parseRdb(data, { limits: LIMITS, databases: 16, now: Date.now(), dropExpired: true, verifyChecksum: false });
      ok++;
    } catch (e) {
      if (!(e instanceof RdbError)) throw new Error(`non-RdbError on trial ${trial}: ${e}`);
      errors++;
    }
  }
  assert.ok(errors > 1000, `errors ${errors}, ok ${ok}`);
});

Deno.test("function libraries travel as FUNCTION2 records (ours and redis-server 7.0's)", async () => {
  const { serializeDataset } = await import("../../src/persist/rdb_file.ts");
  const code = "#!lua name=mylib\nredis.register_function('f', function() return 1 end)";
  const file = serializeDataset([], {
    version: 10,
    compress: true,
    checksum: true,
    redisVer: "8.2.4",
    now: Date.now(),
    functions: [code],
  });
  assert.deepEqual(parse(file).functions, [code]);
  if (!haveRedis()) return;
  const { Oracle } = await import("../helpers/oracle.ts");
  const { RawClient } = await import("../helpers/resp.ts");
  const o = await Oracle.start();
  const c = await RawClient.connect(o.port);
  try {
    assert.equal(await c.call("FUNCTION", "LOAD", code), "mylib");
    assert.equal(await c.call("SAVE"), "OK");
    assert.deepEqual(parse(Deno.readFileSync(`${o.dir}/dump.rdb`)).functions, [code]);
    // and 7.0 loads the library from our file
    Deno.writeFileSync(`${o.dir}/dump.rdb`, file);
    await c.call("FUNCTION", "FLUSH");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.equal(await c.call("FCALL", "f", 0), 1);
  } finally {
    c.close();
    await o.stop();
  }
});
