/**
 * SAVE, LASTSAVE, BGSAVE, DEBUG RELOAD, DUMP/RESTORE (options and errors) and the INFO persistence
 * fields, over TCP against an in-process server. v12 round trips include hashes with field TTLs.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { datasetScript, encodings, run, snapshot, until } from "./helpers.ts";

function tmpdir(): string {
  return Deno.makeTempDirSync({ prefix: "persist-" });
}

function infoField(info: string, name: string): string {
  const m = info.match(new RegExp(`\\r\\n${name}:([^\\r]*)\\r\\n`));
  assert.ok(m, `INFO has ${name}`);
  return m[1];
}

Deno.test("SAVE writes a v12 file; LASTSAVE and INFO persistence follow; DEBUG RELOAD keeps everything", async () => {
  const dir = tmpdir();
  await withServer(async (_srv, c) => {
    await run(c, datasetScript());
    await c.call("HSET", "httl", "a", "1", "b", "2", "c", "3");
    await c.call("HPEXPIRE", "httl", 500000, "FIELDS", 1, "a");
    const big = ["HSET", "httlbig"];
    for (let i = 0; i < 300; i++) big.push(`f${i}`, `v${i}`);
    await c.call(...big);
    await c.call("HPEXPIRE", "httlbig", 400000, "FIELDS", 2, "f1", "f2");
    let info = (await c.call("INFO", "persistence")) as string;
    assert.ok(Number(infoField(info, "rdb_changes_since_last_save")) > 10);
    const before = await snapshot(c);
    const enc = await encodings(c);
    const ttlA = await c.call("HPEXPIRETIME", "httl", "FIELDS", 1, "a");
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(await c.call("SAVE"), "OK");
    const data = Deno.readFileSync(`${dir}/dump.rdb`);
    assert.equal(new TextDecoder().decode(data.subarray(0, 9)), "REDIS0012");
    const last = (await c.call("LASTSAVE")) as number;
    assert.ok(Math.abs(last - Date.now() / 1000) < 3);
    info = (await c.call("INFO", "persistence")) as string;
    assert.equal(infoField(info, "rdb_changes_since_last_save"), "0");
    assert.equal(infoField(info, "rdb_last_save_time"), String(last));
    assert.equal(infoField(info, "rdb_saves"), "1");
    assert.equal(await c.call("DEBUG", "RELOAD"), "OK");
    assert.deepEqual(await snapshot(c), before);
    assert.deepEqual(await encodings(c), enc);
    assert.deepEqual(await c.call("HPEXPIRETIME", "httl", "FIELDS", 1, "a"), ttlA);
    assert.deepEqual(await c.call("HTTL", "httl", "FIELDS", 2, "b", "zz"), [-1, -2]);
    assert.equal(await c.call("OBJECT", "ENCODING", "httl"), "listpackex");
    assert.deepEqual(
      await c.call("HPTTL", "httlbig", "FIELDS", 3, "f1", "f2", "f3").then((r) => (r as number[]).map((x) => x > 0)),
      [true, true, false],
    );
    info = (await c.call("INFO", "persistence")) as string;
    assert.equal(infoField(info, "rdb_last_load_keys_loaded"), String(Object.keys(before).length));
    // NOSAVE reloads the file as it is: a key written since is gone again
    await c.call("SET", "later", "1");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.equal(await c.call("EXISTS", "later"), 0);
    // NOFLUSH MERGE adds the file's keys to the current ones (no save points: FLUSHALL would save)
    await c.call("CONFIG", "SET", "save", "");
    await c.call("FLUSHALL");
    await c.call("SET", "mine", "1");
    await c.call("SET", "str", "changed");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"), "OK");
    assert.equal(await c.call("GET", "mine"), "1");
    assert.equal(await c.call("GET", "str"), "hello");
    assert.deepEqual(await c.call("DEBUG", "RELOAD", "BOGUS"), {
      error: "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
    });
  }, { config: { dir, "enable-debug-command": "yes" } });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("DEBUG RELOAD of a corrupt file fails and leaves the data untouched; checksum off skips the CRC", async () => {
  const dir = tmpdir();
  await withServer(async (_srv, c) => {
    await run(c, datasetScript());
    assert.equal(await c.call("SAVE"), "OK");
    const before = await snapshot(c);
    const path = `${dir}/dump.rdb`;
    const good = Deno.readFileSync(path);
    const bad = good.slice();
    bad[bad.length - 20] ^= 0x55; // inside the last value: the CRC no longer matches
    Deno.writeFileSync(path, bad);
    assert.deepEqual(await c.call("DEBUG", "RELOAD", "NOSAVE"), {
      error: "ERR Error trying to load the RDB dump, check server logs.",
    });
    assert.deepEqual(await snapshot(c), before);
    Deno.writeFileSync(path, good.subarray(0, good.length - 30));
    assert.ok("error" in (await c.call("DEBUG", "RELOAD", "NOSAVE") as object));
    assert.deepEqual(await snapshot(c), before);
  }, { config: { dir, "enable-debug-command": "yes" } });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("rdbcompression no writes plain strings; rdbchecksum no writes a zero CRC that loads", async () => {
  const dir = tmpdir();
  await withServer(async (_srv, c) => {
    await c.call("SET", "k", "abc".repeat(100));
    assert.equal(await c.call("SAVE"), "OK");
    const comp = Deno.readFileSync(`${dir}/dump.rdb`);
    await c.call("CONFIG", "SET", "rdbcompression", "no");
    assert.equal(await c.call("SAVE"), "OK");
    const plain = Deno.readFileSync(`${dir}/dump.rdb`);
    assert.ok(plain.length > comp.length + 250, `${plain.length} vs ${comp.length}`);
    assert.deepEqual([...plain.subarray(plain.length - 8)].some((b) => b !== 0), true);
  }, { config: { dir, "enable-debug-command": "yes" } });
  await withServer(async (_srv, c) => {
    await c.call("SET", "k", "v");
    assert.equal(await c.call("SAVE"), "OK");
    const f = Deno.readFileSync(`${dir}/dump.rdb`);
    assert.deepEqual([...f.subarray(f.length - 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(await c.call("DEBUG", "RELOAD"), "OK");
    assert.equal(await c.call("GET", "k"), "v");
  }, { config: { dir, "enable-debug-command": "yes", rdbchecksum: "no" } });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("BGSAVE writes the snapshot taken when it started", async () => {
  const dir = tmpdir();
  await withServer(async (_srv, c) => {
    await c.call("SET", "a", "1");
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    await c.call("SET", "b", "2"); // after the image: not in the file
    await until(async () => /rdb_bgsave_in_progress:0/.test((await c.call("INFO", "persistence")) as string));
    const info = (await c.call("INFO", "persistence")) as string;
    assert.equal(infoField(info, "rdb_last_bgsave_status"), "ok");
    assert.equal(infoField(info, "rdb_changes_since_last_save"), "1");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.equal(await c.call("GET", "a"), "1");
    assert.equal(await c.call("EXISTS", "b"), 0);
    assert.deepEqual(await c.call("BGSAVE", "x"), { error: "ERR syntax error" });
  }, { config: { dir, "enable-debug-command": "yes" } });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("DUMP / RESTORE: options, TTLs, errors", async () => {
  await withServer(async (_srv, c) => {
    await c.call("RPUSH", "l", "a", "b", "c");
    const p = (await c.call("DUMP", "l")) as string;
    assert.equal(p.charCodeAt(p.length - 10), 12);
    assert.equal(await c.call("DUMP", "nokey"), null);
    assert.deepEqual(await c.call("RESTORE", "l", 0, p), { error: "BUSYKEY Target key name already exists." });
    assert.equal(await c.call("RESTORE", "l2", 0, p), "OK");
    assert.deepEqual(await c.call("LRANGE", "l2", 0, -1), ["a", "b", "c"]);
    assert.equal(await c.call("RESTORE", "l", 5000, p, "REPLACE"), "OK");
    const ttl = (await c.call("PTTL", "l")) as number;
    assert.ok(ttl > 4000 && ttl <= 5000);
    const at = Date.now() + 100000;
    assert.equal(await c.call("RESTORE", "l3", at, p, "ABSTTL"), "OK");
    assert.equal(await c.call("PEXPIRETIME", "l3"), at);
    // an absolute TTL in the past: OK, and the key is not created (and REPLACE deleted the old one)
    assert.equal(await c.call("RESTORE", "l3", 1, p, "ABSTTL", "REPLACE"), "OK");
    assert.equal(await c.call("EXISTS", "l3"), 0);
    assert.equal(await c.call("RESTORE", "l4", 0, p, "IDLETIME", 1000), "OK");
    assert.ok(((await c.call("OBJECT", "IDLETIME", "l4")) as number) >= 999);
    assert.equal(await c.call("RESTORE", "l5", 0, p, "FREQ", 100), "OK");
    const bad = p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) ^ 1);
    assert.deepEqual(await c.call("RESTORE", "x", 0, bad), { error: "ERR DUMP payload version or checksum are wrong" });
    const v13 = p.slice(0, -10) + "\x0d\x00" + p.slice(-8);
    assert.deepEqual(await c.call("RESTORE", "x", 0, v13), { error: "ERR DUMP payload version or checksum are wrong" });
    assert.deepEqual(await c.call("RESTORE", "x", 0, "short"), {
      error: "ERR DUMP payload version or checksum are wrong",
    });
    assert.deepEqual(await c.call("RESTORE", "x", -1, p), { error: "ERR Invalid TTL value, must be >= 0" });
    assert.deepEqual(await c.call("RESTORE", "x", "abc", p), { error: "ERR value is not an integer or out of range" });
    assert.deepEqual(await c.call("RESTORE", "x", 0, p, "IDLETIME", -1), {
      error: "ERR Invalid IDLETIME value, must be >= 0",
    });
    assert.deepEqual(await c.call("RESTORE", "x", 0, p, "FREQ", 256), {
      error: "ERR Invalid FREQ value, must be >= 0 and <= 255",
    });
    assert.deepEqual(await c.call("RESTORE", "x", 0, p, "FREQ", 1, "IDLETIME", 1), { error: "ERR syntax error" });
    assert.deepEqual(await c.call("RESTORE", "x", 0, p, "BOGUS"), { error: "ERR syntax error" });
    assert.deepEqual(await c.call("EXISTS", "x"), 0);
  });
});

Deno.test("RESTORE fuzz: mutated payloads with a valid CRC never crash the server", async () => {
  const { Crc64 } = await import("../../src/persist/crc64.ts");
  const { strToBytes, bytesToStr } = await import("../../src/resp/bytes.ts");
  await withServer(async (_srv, c) => {
    await run(c, datasetScript());
    const payloads: Uint8Array[] = [];
    for (const k of ["str", "lzf", "list", "intset", "zlp", "hlp", "quick", "sethash", "zskip", "hashtable"]) {
      payloads.push(strToBytes((await c.call("DUMP", k)) as string));
    }
    let ok = 0, bad = 0;
    for (let t = 0; t < 600; t++) {
      const p = payloads[t % payloads.length].slice();
      const body = p.length - 10;
      for (let i = 0; i < 1 + (t % 3); i++) p[Math.floor(Math.random() * body)] = Math.floor(Math.random() * 256);
      new Crc64().update(p, 0, p.length - 8).writeLE(p, p.length - 8);
      const r = await c.call("RESTORE", "fz", 0, bytesToStr(p), "REPLACE");
      if (r === "OK") ok++;
      else {
        assert.deepEqual(r, { error: "ERR Bad data format" });
        bad++;
      }
    }
    assert.ok(bad > 100, `bad ${bad} ok ${ok}`);
    assert.equal(await c.call("PING"), "PONG");
  });
});

Deno.test("v10 mode refuses hashes with field TTLs (SAVE and DUMP fail, nothing written)", async () => {
  const { setRdbTargetVersion } = await import("../../src/persist/persistence.ts");
  const dir = tmpdir();
  await withServer(async (srv, c) => {
    setRdbTargetVersion(srv.server, 10);
    await c.call("HSET", "h", "a", "1");
    assert.equal(await c.call("SAVE"), "OK");
    await c.call("HPEXPIRE", "h", 100000, "FIELDS", 1, "a");
    assert.deepEqual(await c.call("SAVE"), { error: "ERR" });
    const d = await c.call("DUMP", "h");
    assert.ok(typeof d === "object" && d !== null && "error" in d);
    assert.deepEqual(Deno.readDirSync(dir).map((e) => e.name).toArray(), ["dump.rdb"]);
  }, { config: { dir } });
  Deno.removeSync(dir, { recursive: true });
});
