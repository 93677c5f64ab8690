/**
 * BGSAVE without fork: the file holds the dataset as it was when BGSAVE started, whatever writes
 * run while the (deliberately slowed) walk is in progress — overwrites, deletes, TTL changes, new
 * keys, MULTI/EXEC, FLUSHALL — and `save` points trigger it from cron.
 */
import assert from "node:assert/strict";
import { ChildServer, withServer } from "../helpers/server.ts";
import { pipeline, RawClient } from "../helpers/resp.ts";
import { haveRedis } from "../helpers/oracle.ts";
import { setRdbTargetVersion } from "../../src/persist/persistence.ts";
import { run, snapshot, until } from "./helpers.ts";
import { strToBytes } from "../../src/resp/bytes.ts";

async function fill(c: RawClient): Promise<void> {
  await c.call("DEBUG", "POPULATE", 150, "k", 10);
  for (let i = 0; i < 20; i++) {
    await run(c, [["RPUSH", `list${i}`, "a", "b", String(i)], ["HSET", `h${i}`, "f", String(i)], [
      "ZADD",
      `z${i}`,
      String(i),
      "m",
    ]]);
  }
  await c.call("EXPIRE", "k:1", 10000);
  await c.call("SELECT", 2);
  await c.call("DEBUG", "POPULATE", 30, "two", 5);
  await c.call("SELECT", 0);
}

function inProgress(info: unknown): boolean {
  return /rdb_bgsave_in_progress:1/.test(info as string);
}

async function finished(c: RawClient): Promise<void> {
  await until(async () => !inProgress(await c.call("INFO", "persistence")), 20000);
  assert.match((await c.call("INFO", "persistence")) as string, /rdb_last_bgsave_status:ok/);
}

Deno.test("BGSAVE: writes during the walk do not leak into the snapshot", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  await withServer(async (srv, c) => {
    setRdbTargetVersion(srv.server, 10); // so redis-check-rdb (7.0) can verify the file too
    await fill(c);
    const before = await snapshot(c, [0, 2]);
    assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", 2000), "OK");
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    assert.deepEqual(await c.call("BGSAVE"), { error: "ERR Background save already in progress" });
    assert.deepEqual(await c.call("SAVE"), { error: "ERR Background save already in progress" });
    let concurrent = 0;
    for (let i = 149; i >= 0; i -= 3) {
      if (inProgress(await c.call("INFO", "persistence"))) concurrent++;
      await run(c, [
        ["SET", `k:${i}`, "overwritten"],
        ["DEL", `k:${i - 1}`],
        ["PEXPIRE", `k:${i - 2}`, "5000"],
        ["SET", `new:${i}`, "x"],
      ]);
      if (i % 30 === 0) {
        await run(c, [
          ["RPUSH", `list${i / 30}`, "more"],
          ["HSET", `h${i / 30}`, "g", "1"],
          ["MULTI"],
          [
            "ZADD",
            `z${i / 30}`,
            "99",
            "n",
          ],
          ["DEL", `list${i / 30 + 5}`],
          ["EXEC"],
        ]);
      }
    }
    await c.call("SELECT", 2);
    await c.call("FLUSHDB");
    await c.call("SELECT", 0);
    assert.ok(concurrent > 10, `writes ran while the snapshot was in progress (${concurrent})`);
    const info = await c.call("INFO", "persistence");
    assert.match(info as string, /current_save_keys_total:240\r\n/);
    await finished(c);
    const check = new Deno.Command("redis-check-rdb", { args: [`${dir}/dump.rdb`], stdout: "piped" }).outputSync();
    if (haveRedis()) assert.ok(check.success, new TextDecoder().decode(check.stdout));
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.deepEqual(await snapshot(c, [0, 2]), before);
  }, { config: { dir, "enable-debug-command": "yes" } });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("BGSAVE: FLUSHALL kills it and saves the empty dataset; save points trigger a background save", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  await withServer(async (_srv, c) => {
    await fill(c);
    await c.call("CONFIG", "SET", "rdb-key-save-delay", 2000);
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    // flushAllDataAndResetRDB: the running save is killed (not an error) and, with the default save
    // points, the empty dataset is saved at once
    assert.equal(await c.call("FLUSHALL"), "OK");
    await c.call("SET", "after", "1");
    await finished(c);
    assert.match((await c.call("INFO", "persistence")) as string, /rdb_last_bgsave_status:ok/);
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.equal(await c.call("DBSIZE"), 0);

    await c.call("CONFIG", "SET", "rdb-key-save-delay", 0);
    await c.call("CONFIG", "SET", "save", "1 1");
    await c.call("SET", "sp", "1");
    const saves = Number(((await c.call("INFO", "persistence")) as string).match(/rdb_saves:(\d+)/)![1]);
    await until(async () => {
      const m = ((await c.call("INFO", "persistence")) as string).match(/rdb_saves:(\d+)/)!;
      return Number(m[1]) > saves;
    }, 8000);
    await finished(c);
    await c.call("DEL", "sp");
    await c.call("CONFIG", "SET", "save", "");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.equal(await c.call("GET", "sp"), "1");
  }, { config: { dir, "enable-debug-command": "yes" } });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("writer child via the main entrypoint's internal subcommand: CRC footer, atomic rename, errors", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  const { parseRdb } = await import("../../src/persist/rdb_file.ts");
  const body = strToBytes("REDIS0012\xfa\x09redis-ver\x058.2.4\xff");
  const { COMMIT_TRAILER } = await import("../../src/persist/writer_child.ts");
  const spawn = async (tmp: string, final: string, commit = true) => {
    const p = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../src/main.ts", import.meta.url).pathname, "__rdb-writer", tmp, final, "1"],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const w = p.stdin.getWriter();
    await w.write(body);
    if (commit) await w.write(COMMIT_TRAILER);
    await w.close();
    const out = await p.output();
    return { code: out.code, text: new TextDecoder().decode(out.stdout) };
  };
  try {
    const r = await spawn(`${dir}/tmp.rdb`, `${dir}/dump.rdb`);
    assert.equal(r.code, 0);
    assert.equal(r.text, "ok\n");
    const data = Deno.readFileSync(`${dir}/dump.rdb`);
    assert.equal(data.length, body.length + 8);
    const parsed = parseRdb(data, {
      limits: {
        set: { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 },
        zset: { maxListpackEntries: 128, maxListpackValue: 64 },
        hashEntries: 128,
        hashValue: 64,
        listFill: -2,
      },
      databases: 16,
      now: Date.now(),
      dropExpired: true,
      verifyChecksum: true,
    });
    assert.equal(parsed.aux.get("redis-ver"), "8.2.4");
    assert.throws(() => Deno.statSync(`${dir}/tmp.rdb`));
    // a stream that ends without the commit trailer (the server died) never replaces the file
    const cut = await spawn(`${dir}/tmp.rdb`, `${dir}/dump.rdb`, false);
    assert.equal(cut.code, 1);
    assert.deepEqual(Deno.readFileSync(`${dir}/dump.rdb`), data);
    assert.throws(() => Deno.statSync(`${dir}/tmp.rdb`));
    const bad = await spawn(`${dir}/nodir/tmp.rdb`, `${dir}/nodir/dump.rdb`);
    assert.equal(bad.code, 1);
    assert.match(bad.text, /^error /);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("BGSAVE into a directory that disappeared: status err, data untouched", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  await withServer(async (_srv, c) => {
    await c.call("SET", "a", "1");
    Deno.removeSync(dir, { recursive: true });
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    await until(async () => !inProgress(await c.call("INFO", "persistence")), 20000);
    assert.match((await c.call("INFO", "persistence")) as string, /rdb_last_bgsave_status:err/);
    assert.equal(await c.call("GET", "a"), "1");
    assert.deepEqual(await c.call("SAVE"), { error: "ERR" });
  }, { config: { dir } });
});

Deno.test("DEBUG RELOAD during a walk: the snapshot keeps the pre-reload data; BGSAVE SCHEDULE", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  await withServer(async (_srv, c) => {
    await fill(c);
    assert.equal(await c.call("SAVE"), "OK");
    await c.call("SET", "k:3", "in-memory");
    const mem = await snapshot(c, [0, 2]);
    await c.call("CONFIG", "SET", "rdb-key-save-delay", 2000);
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK"); // the old file replaces the keyspace
    assert.notEqual(await c.call("GET", "k:3"), "in-memory");
    await finished(c);
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.deepEqual(await snapshot(c, [0, 2]), mem);

    const saves = Number(((await c.call("INFO", "persistence")) as string).match(/rdb_saves:(\d+)/)![1]);
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    assert.equal(await c.call("BGSAVE", "SCHEDULE"), "Background saving scheduled");
    await until(async () => {
      const info = (await c.call("INFO", "persistence")) as string;
      return Number(info.match(/rdb_saves:(\d+)/)![1]) === saves + 2 && /rdb_bgsave_in_progress:0/.test(info);
    }, 20000);
  }, { config: { dir, "enable-debug-command": "yes" } });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("BGSAVE: commands pipelined behind it (before its child is spawned) stay out of the snapshot", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  await withServer(async (_srv, c) => {
    await fill(c);
    const before = await snapshot(c, [0, 2]);
    // One write: these run in the same turn as BGSAVE, before the writer child exists.
    const replies = await pipeline(c, [
      ["BGSAVE"],
      ["SET", "k:1", "overwritten"],
      ["DEL", "k:2"],
      ["SET", "born", "x"],
      ["BGSAVE"],
    ]);
    assert.deepEqual(replies, [
      "+Background saving started\r\n",
      "+OK\r\n",
      ":1\r\n",
      "+OK\r\n",
      "-ERR Background save already in progress\r\n",
    ]);
    await finished(c);
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.deepEqual(await snapshot(c, [0, 2]), before);

    // FLUSHALL in the same turn kills the save before its child is spawned: no error, no temp file.
    const flushed = await pipeline(c, [["SET", "a", "1"], ["BGSAVE"], ["FLUSHALL"], ["DBSIZE"]]);
    assert.deepEqual(flushed, ["+OK\r\n", "+Background saving started\r\n", "+OK\r\n", ":0\r\n"]);
    await finished(c);
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    await finished(c);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["dump.rdb"]);
  }, { config: { dir, "enable-debug-command": "yes" } });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("closing the server during BGSAVE stops the child and leaves no temp file", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  await withServer(async (_srv, c) => {
    await fill(c);
    await c.call("CONFIG", "SET", "rdb-key-save-delay", 5000);
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    await new Promise((r) => setTimeout(r, 100));
  }, { config: { dir } });
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), []);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("kill -9 of the server during BGSAVE leaves the previous dump.rdb intact", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  const srv = await ChildServer.spawn(["--dir", dir, "--save", ""]);
  const c = await RawClient.connect(srv.port);
  for (let i = 0; i < 300; i++) await c.call("SET", `k${i}`, "old");
  assert.equal(await c.call("SAVE"), "OK");
  const before = Deno.readFileSync(`${dir}/dump.rdb`);
  for (let i = 0; i < 300; i++) await c.call("SET", `k${i}`, "new");
  await c.call("CONFIG", "SET", "rdb-key-save-delay", 3000);
  assert.equal(await c.call("BGSAVE"), "Background saving started");
  await new Promise((r) => setTimeout(r, 300));
  assert.match((await c.call("INFO", "persistence")) as string, /rdb_bgsave_in_progress:1/);
  await srv.stop("SIGKILL");
  c.close();
  // the writer child sees its input end without the commit trailer and gives up
  await until(() => ![...Deno.readDirSync(dir)].some((e) => e.name.startsWith("temp-")), 10000);
  assert.deepEqual(Deno.readFileSync(`${dir}/dump.rdb`), before);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("BGSAVE: random deletes, overwrites and new keys during a slow walk never change the snapshot", async () => {
  const { prng } = await import("../helpers/prng.ts");
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  await withServer(async (_srv, c) => {
    const N = 600;
    for (let i = 0; i < N; i += 100) {
      const args: string[] = [];
      for (let j = i; j < i + 100; j++) args.push(`k${j}`, `v${j}`);
      await c.call("MSET", ...args);
    }
    const before = await snapshot(c, [0]);
    await c.call("CONFIG", "SET", "rdb-key-save-delay", 100);
    assert.equal(await c.call("BGSAVE"), "Background saving started");
    const rnd = prng(7);
    let ops = 0;
    while (inProgress(await c.call("INFO", "persistence"))) {
      // deletions move the last key into the hole: the walk over the live key list must cope
      const k = `k${Math.floor(rnd() * N)}`;
      const r = rnd();
      if (r < 0.4) await c.call("DEL", k);
      else if (r < 0.6) await c.call("SET", k, "changed");
      else if (r < 0.8) await c.call("SET", `n${Math.floor(rnd() * N)}`, "born");
      else await c.call("DEL", `n${Math.floor(rnd() * N)}`);
      ops++;
    }
    assert.ok(ops > 50, `ops during the walk: ${ops}`);
    await c.call("CONFIG", "SET", "rdb-key-save-delay", 0);
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.deepEqual(await snapshot(c, [0]), before);
  }, { config: { dir, "enable-debug-command": "yes" } });
  Deno.removeSync(dir, { recursive: true });
});
