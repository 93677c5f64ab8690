/**
 * Active expiry of hash fields (the cron hook of src/db/field_expire.ts) and the per-database registry
 * behind INFO keyspace `subexpiry`: fields and then keys go away without being accessed, with the
 * hexpired/del events and propagated HDELs; the registry follows hashes through RENAME, MOVE, COPY,
 * SWAPDB, DEL, SET and FLUSHDB; a replica never deletes.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import type { RawClient } from "../helpers/resp.ts";
import { hashesWithFieldTtl } from "../../src/db/field_expire.ts";
import { advance, recordEvents, recordPropagated } from "./helpers.ts";

/** Polls until `cond` holds (cron runs at hz 100 in these tests). */
async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const HZ = { hz: 100 };

Deno.test("hash active expiry: deletes expired fields and emptied hashes", async () => {
  await withServer(async (srv, c) => {
    const events = recordEvents(srv);
    const propagated = recordPropagated(srv);
    srv.server.activeExpireEnabled = false;
    const sizes = [1, 15, 16, 17, 33, 40];
    for (const enc of ["listpack", "hashtable"]) {
      await c.call("FLUSHALL");
      await c.call("CONFIG", "SET", "hash-max-listpack-entries", enc === "listpack" ? "512" : "0");
      for (const n of sizes) {
        for (let i = 1; i <= n; i++) {
          await c.call("HSET", `same${n}`, `f${i}`, `v${i}`);
          await c.call("HPEXPIRE", `same${n}`, 100, "FIELDS", 1, `f${i}`);
          await c.call("HSET", `rand${n}`, `f${i}`, `v${i}`);
          await c.call("HPEXPIRE", `rand${n}`, 50 + Math.floor(Math.random() * 50), "FIELDS", 1, `f${i}`);
          await c.call("HSET", `mix${n}`, `f${i}`, `v${i}`, `keep${i}`, `v${i}`);
          await c.call("HPEXPIRE", `mix${n}`, 100, "FIELDS", 1, `f${i}`);
        }
      }
      assert.equal(hashesWithFieldTtl(srv.server.dbs[0]), 3 * sizes.length);
      events.length = 0;
      propagated.length = 0;
      advance(srv, 200);
      srv.server.activeExpireEnabled = true;
      await until(async () => (await c.call("DBSIZE")) === sizes.length, `${enc}: hashes emptied and deleted`);
      srv.server.activeExpireEnabled = false;
      for (const n of sizes) {
        assert.equal(await c.call("EXISTS", `same${n}`), 0);
        assert.equal(await c.call("EXISTS", `rand${n}`), 0);
        assert.equal(await c.call("HLEN", `mix${n}`), n, `${enc}: mix${n} keeps its persistent fields`);
      }
      assert.equal(hashesWithFieldTtl(srv.server.dbs[0]), 0);
      assert.equal(propagated.length, sizes.reduce((a, n) => a + 3 * n, 0));
      assert.ok(propagated.every((p) => p.startsWith("HDEL ")));
      assert.ok(events.includes("h hexpired same40") && events.includes("g del same40"));
      assert.ok(events.includes("h hexpired mix40") && !events.includes("g del mix40"));
      assert.ok(events.indexOf("h hexpired same1") < events.indexOf("g del same1"));
      srv.server.clock.offsetMs = 0;
    }
  }, { config: HZ });
});

Deno.test("hash active expiry: a big hashtable expires over several ticks; DEBUG switch honored", async () => {
  await withServer(async (srv, c) => {
    await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    const args: string[] = [];
    for (let i = 0; i < 2500; i++) args.push(`f${i}`, "v");
    await c.call("HSET", "big", ...args);
    const fields = args.filter((_, i) => i % 2 === 0);
    await c.call("HPEXPIRE", "big", 10, "FIELDS", fields.length, ...fields);
    await c.call("HSET", "big", "stay", "1");
    advance(srv, 50);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await c.call("HLEN", "big"), 2501, "nothing deleted while active expiry is off");
    await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
    await until(async () => (await c.call("HLEN", "big")) === 1, "2500 fields expired");
    assert.equal(srv.server.stats.expiredSubkeys, 2500);
    const info = (await c.call("INFO", "stats")) as string;
    assert.ok(info.includes("expired_subkeys:"), "INFO stats has the line");
  }, { config: { ...HZ, "enable-debug-command": "yes" } });
});

async function fieldTtlSoon(c: RawClient, key: string, ms: number): Promise<void> {
  await c.call("HSET", key, "f1", "v1", "f2", "v2");
  await c.call("HPEXPIRE", key, ms, "FIELDS", 2, "f1", "f2");
}

Deno.test("hash subexpiry: the registry counts hashes with field TTLs", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    const db0 = srv.server.dbs[0];
    const count = () => hashesWithFieldTtl(db0);
    await c.call("HSET", "h1", "f1", "v1", "f2", "v2", "f3", "v3");
    await c.call("HPEXPIRE", "h1", 150, "FIELDS", 3, "f1", "f2", "f3");
    assert.equal(count(), 1);
    await c.call("HSET", "h2", "f1", "v1");
    assert.equal(count(), 1);
    await c.call("HPEXPIRE", "h2", 100, "FIELDS", 1, "f1");
    assert.equal(count(), 2);
    await c.call("HSET", "h3", "f1", "v1", "f2", "v2");
    await c.call("HPEXPIRE", "h3", 100, "FIELDS", 1, "f2");
    assert.equal(count(), 3);
    await c.call("HDEL", "h3", "f2");
    assert.equal(count(), 2, "HDEL of the last TTL field");
    await c.call("HSET", "h4", "f1", "v1", "f2", "v2");
    await c.call("HPEXPIRE", "h4", 100, "FIELDS", 1, "f2");
    await c.call("HGETDEL", "h4", "FIELDS", 1, "f2");
    assert.equal(count(), 2, "HGETDEL of the last TTL field");
    await c.call("HSETEX", "h5", "EX", 100, "FIELDS", 1, "a", "b");
    assert.equal(count(), 3);
    await c.call("HPERSIST", "h5", "FIELDS", 1, "a");
    assert.equal(count(), 2, "HPERSIST of the last TTL field");
    await c.call("HGETEX", "h5", "PX", 100, "FIELDS", 1, "a");
    assert.equal(count(), 3);
    await c.call("HSET", "h5", "a", "overwritten");
    assert.equal(count(), 2, "HSET dropping the last TTL");
    // Key-level operations.
    await fieldTtlSoon(c, "r1", 100_000);
    assert.equal(count(), 3);
    await c.call("DEL", "r1");
    assert.equal(count(), 2, "DEL");
    await fieldTtlSoon(c, "r2", 100_000);
    await c.call("SET", "r2", "string now");
    assert.equal(count(), 2, "SET over a hash");
    await fieldTtlSoon(c, "r3", 100_000);
    await c.call("RENAME", "r3", "r3b");
    assert.equal(count(), 3, "RENAME keeps one entry");
    await c.call("COPY", "r3b", "r3c");
    assert.equal(count(), 4, "COPY adds one");
    await c.call("MOVE", "r3c", "5");
    assert.equal(count(), 3);
    assert.equal(hashesWithFieldTtl(srv.server.dbs[5]), 1, "MOVE carries it to the target db");
    await c.call("SWAPDB", "0", "5");
    assert.equal(count(), 1, "SWAPDB swaps the registries");
    assert.equal(hashesWithFieldTtl(srv.server.dbs[5]), 3);
    await c.call("SWAPDB", "0", "5");
    await c.call("FLUSHDB");
    assert.equal(count(), 0, "FLUSHDB");
    assert.equal(hashesWithFieldTtl(srv.server.dbs[5]), 1);
    // Key expiry removes it too.
    await fieldTtlSoon(c, "k", 100_000);
    await c.call("PEXPIRE", "k", 10);
    advance(srv, 50);
    assert.equal(await c.call("EXISTS", "k"), 0);
    assert.equal(count(), 0, "key expiry");
  });
});

Deno.test("hash active expiry: renamed, moved, copied and swapped hashes still expire", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    await fieldTtlSoon(c, "a", 100);
    await c.call("RENAME", "a", "a2");
    await fieldTtlSoon(c, "b", 100);
    await c.call("MOVE", "b", "3");
    await fieldTtlSoon(c, "c", 100);
    await c.call("COPY", "c", "c2");
    await fieldTtlSoon(c, "d", 100);
    await c.call("SWAPDB", "0", "4");
    advance(srv, 200);
    srv.server.activeExpireEnabled = true;
    const dbs = srv.server.dbs;
    await until(() => dbs[0].size === 0 && dbs[3].size === 0 && dbs[4].size === 0, "every copy expired");
    assert.equal(hashesWithFieldTtl(dbs[0]) + hashesWithFieldTtl(dbs[3]) + hashesWithFieldTtl(dbs[4]), 0);
  }, { config: HZ });
});

Deno.test("hash field expiry on a replica: reads hide expired fields, nothing is deleted", async () => {
  await withServer(async (srv, c) => {
    await c.call("HSET", "h", "f1", "v1", "f2", "v2");
    await c.call("HPEXPIRE", "h", 10, "FIELDS", 1, "f1");
    srv.server.expiryReadOnly = true;
    advance(srv, 50);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await c.call("HGET", "h", "f1"), null);
    assert.equal(await c.call("HEXISTS", "h", "f1"), 0);
    assert.deepEqual(await c.call("HGETALL", "h"), ["f2", "v2"]);
    assert.equal(await c.call("HLEN", "h"), 2, "still stored");
    assert.deepEqual(await c.call("HPEXPIRE", "h", 0, "FIELDS", 1, "f2"), [1], "a past time is just stored");
    assert.equal(await c.call("HLEN", "h"), 2);
    // back to primary: only the lazy path under test (an active cycle could also take f2 first)
    srv.server.activeExpireEnabled = false;
    srv.server.expiryReadOnly = false;
    assert.equal(await c.call("HGET", "h", "f1"), null);
    assert.equal(await c.call("HLEN", "h"), 1);
  }, { config: HZ });
});
