/**
 * notify-keyspace-events classes and delivery details, asserted from the Redis 8.2 documentation
 * (keyspace-notifications): every class letter selects exactly its events, `A` is g$lshztxed (not
 * n, m, o, c), K and E choose the channel kinds, the 8.2 classes `o` (overwritten) and `c`
 * (type_changed), hash field expiration events (class h), `expired` from the active cycle, database
 * ids in channel names, CONFIG SET at runtime — and the cost when notifications are off (no hook).
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/resp.ts";
import { withServer } from "../helpers/server.ts";
import { NOTIFY_ALL } from "../../src/config/notify_flags.ts";
import { keyspaceEventFlags } from "../../src/db/notify.ts";
import { callN, readUntil, sleep } from "../pubsub/helpers.ts";

const END = "__keyevent@0__:zz-end";

/** Runs `cmds` on `c` under `flags` and returns "channel message" lines a __key*__ listener got. */
async function eventsOf(port: number, c: RawClient, flags: string, cmds: string[][]): Promise<string[]> {
  await c.call("CONFIG", "SET", "notify-keyspace-events", flags);
  const sub = await RawClient.connect(port);
  try {
    await callN(sub, 1, "PSUBSCRIBE", "__key*__:*");
    for (const argv of cmds) await c.call(...argv);
    await c.call("PUBLISH", END, "x");
    return (await readUntil(sub, END)).map((f) => {
      const parts = f.split("\r\n");
      return `${parts[6]} ${parts[8]}`;
    });
  } finally {
    sub.close();
  }
}

/** For each class: setup, then a command whose events on `key` (default "k") are those of the class. */
const CASES: { letter: string; setup: string[][]; cmd: string[]; events: string[]; key?: string }[] = [
  { letter: "g", setup: [["SET", "k", "v"]], cmd: ["EXPIRE", "k", "100"], events: ["expire"] },
  { letter: "$", setup: [], cmd: ["APPEND", "k", "v"], events: ["append"] },
  { letter: "l", setup: [], cmd: ["RPUSH", "k", "v"], events: ["rpush"] },
  { letter: "s", setup: [], cmd: ["SADD", "k", "v"], events: ["sadd"] },
  { letter: "h", setup: [], cmd: ["HSET", "k", "f", "v"], events: ["hset"] },
  { letter: "z", setup: [], cmd: ["ZADD", "k", "1", "v"], events: ["zadd"] },
  { letter: "n", setup: [], cmd: ["SET", "k", "v"], events: ["new"] },
  { letter: "m", setup: [], cmd: ["GET", "k"], events: ["keymiss"] },
  {
    letter: "o",
    setup: [["SET", "k", "v"], ["SET", "k2", "v"]],
    cmd: ["RENAME", "k", "k2"],
    events: ["overwritten"],
    key: "k2",
  },
  {
    letter: "c",
    setup: [["SET", "k", "v"], ["RPUSH", "k2", "v"]],
    cmd: ["COPY", "k", "k2", "REPLACE"],
    events: ["type_changed"],
    key: "k2",
  },
  { letter: "x", setup: [["SET", "k", "v", "PX", "1"], ["!sleep"]], cmd: ["GET", "k"], events: ["expired"] },
];

Deno.test("notify: each class letter selects exactly its own events, on both channel kinds", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    for (const cs of CASES) {
      await c.call("FLUSHALL");
      for (const s of cs.setup) {
        if (s[0] === "!sleep") await sleep(10);
        else await c.call(...s);
      }
      const got = await eventsOf(srv.port, c, "KE" + cs.letter, [cs.cmd]);
      const key = cs.key ?? "k";
      const expected = cs.events.flatMap((e) => [`__keyspace@0__:${key} ${e}`, `__keyevent@0__:${e} ${key}`]);
      assert.deepEqual(got, expected, `class ${cs.letter}`);
    }
  });
});

Deno.test("notify: K publishes only __keyspace, E only __keyevent, with the database id", async () => {
  await withServer(async (srv, c) => {
    await c.call("SELECT", "7");
    assert.deepEqual(await eventsOf(srv.port, c, "K$", [["SET", "a", "1"]]), ["__keyspace@7__:a set"]);
    assert.deepEqual(await eventsOf(srv.port, c, "E$", [["SET", "a", "1"]]), ["__keyevent@7__:set a"]);
    assert.deepEqual(await eventsOf(srv.port, c, "$", [["SET", "a", "1"]]), []);
  });
});

Deno.test("notify (8.2): A is g$lshztxed — new, keymiss, overwritten and type_changed need their own letters", async () => {
  await withServer(async (srv, c) => {
    const script = [["SET", "a", "1"], ["RPUSH", "b", "x"], ["RENAME", "a", "b"], ["GET", "nope"]];
    assert.deepEqual(await eventsOf(srv.port, c, "KA", script), [
      "__keyspace@0__:a set",
      "__keyspace@0__:b rpush",
      "__keyspace@0__:a rename_from",
      "__keyspace@0__:b rename_to",
    ]);
    await c.call("FLUSHALL");
    assert.deepEqual(await eventsOf(srv.port, c, "KAnmoc", script), [
      "__keyspace@0__:a new",
      "__keyspace@0__:a set",
      "__keyspace@0__:b new",
      "__keyspace@0__:b rpush",
      "__keyspace@0__:b new",
      "__keyspace@0__:a rename_from",
      "__keyspace@0__:b rename_to",
      "__keyspace@0__:b overwritten",
      "__keyspace@0__:b type_changed",
      "__keyspace@0__:nope keymiss",
    ]);
    // CONFIG GET spells the classes canonically (n, o and c are not spelled out next to A)
    assert.deepEqual(await c.call("CONFIG", "GET", "notify-keyspace-events"), ["notify-keyspace-events", "AKm"]);
  });
});

Deno.test("notify: hash field expiration events (hexpire, hexpired, hpersist) are class h", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    const got = await eventsOf(srv.port, c, "Eh", [
      ["HSET", "h", "f", "v", "g", "w"],
      ["HEXPIRE", "h", "100", "FIELDS", "1", "f"],
      ["HPERSIST", "h", "FIELDS", "1", "f"],
      ["HPEXPIRE", "h", "1", "FIELDS", "1", "g"],
    ]);
    assert.deepEqual(got, [
      "__keyevent@0__:hset h",
      "__keyevent@0__:hexpire h",
      "__keyevent@0__:hpersist h",
      "__keyevent@0__:hexpire h",
    ]);
    await sleep(10);
    // the expired field is found (lazily or by the field expiry cycle) and reported as hexpired
    const sub = await RawClient.connect(srv.port);
    try {
      await callN(sub, 1, "SUBSCRIBE", "__keyevent@0__:hexpired");
      srv.server.activeExpireEnabled = true;
      await c.call("HGET", "h", "g");
      assert.deepEqual(await sub.read(3000), ["message", "__keyevent@0__:hexpired", "h"]);
    } finally {
      sub.close();
    }
  });
});

Deno.test("notify: keys expired by the active cycle publish expired (class x)", async () => {
  await withServer(async (srv, c) => {
    await c.call("CONFIG", "SET", "notify-keyspace-events", "Ex");
    const sub = await RawClient.connect(srv.port);
    try {
      await callN(sub, 1, "SUBSCRIBE", "__keyevent@0__:expired");
      await c.call("SET", "soon", "v", "PX", "20");
      // nobody touches the key: the cron's active expiry finds it
      const msg = await sub.read(3000);
      assert.deepEqual(msg, ["message", "__keyevent@0__:expired", "soon"]);
      assert.equal(await c.call("DBSIZE"), 0);
    } finally {
      sub.close();
    }
  });
});

Deno.test("notify: CONFIG SET turns delivery on and off; off means no hook and no Db-level checks", async () => {
  await withServer(async (srv, c) => {
    const s = srv.server;
    const base = s.notifyHooks.length;
    assert.equal(keyspaceEventFlags(s), 0);
    assert.equal(s.dbs[0].newKeyEvents, false);
    await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
    assert.equal(s.notifyHooks.length, base + 1);
    assert.equal(keyspaceEventFlags(s) & NOTIFY_ALL, NOTIFY_ALL);
    assert.deepEqual(await eventsOf(srv.port, c, "KEA", [["DEL", "k"], ["SET", "k", "1"]]), [
      "__keyspace@0__:k set",
      "__keyevent@0__:set k",
    ]);
    await c.call("CONFIG", "SET", "notify-keyspace-events", "KEAnm");
    assert.equal(s.notifyHooks.length, base + 1, "one hook, whatever the classes");
    assert.ok(s.dbs.every((db) => db.newKeyEvents && db.keyMissEvents));
    await c.call("CONFIG", "SET", "notify-keyspace-events", "nm");
    assert.equal(s.notifyHooks.length, base, "without K or E nothing can be published");
    assert.ok(s.dbs.every((db) => !db.newKeyEvents && !db.keyMissEvents));
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
    assert.equal(s.notifyHooks.length, base);
    assert.deepEqual(await eventsOf(srv.port, c, "", [["SET", "k", "2"], ["GET", "zz"]]), []);
  });
});

Deno.test("notify: the notify-keyspace-events of the startup config is honoured", async () => {
  await withServer(async (srv, c) => {
    const sub = await RawClient.connect(srv.port);
    try {
      await callN(sub, 1, "SUBSCRIBE", "__keyevent@0__:lpush");
      await c.call("LPUSH", "l", "a");
      assert.deepEqual(await sub.read(), ["message", "__keyevent@0__:lpush", "l"]);
    } finally {
      sub.close();
    }
  }, { config: { "notify-keyspace-events": "El" } });
});
