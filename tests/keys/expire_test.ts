/**
 * Expiry: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX|XX|GT|LT, TTL/PTTL/EXPIRETIME/PEXPIRETIME,
 * PERSIST (differential against redis-server), their keyspace events, and lazy + active expiry end to
 * end with a driven clock.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { assertSameReplies, differential, haveRedis, type Script } from "../helpers/oracle.ts";
import { recordEvents, recordModified } from "./events.ts";

Deno.test({
  name: "expire: options, replies and TTL readings match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["EXPIRE", "nokey", "100"],
      ["TTL", "nokey"],
      ["PTTL", "nokey"],
      ["EXPIRETIME", "nokey"],
      ["PEXPIRETIME", "nokey"],
      ["PERSIST", "nokey"],
      ["SET", "k", "v"],
      ["TTL", "k"],
      ["PTTL", "k"],
      ["EXPIRETIME", "k"],
      ["PEXPIRETIME", "k"],
      ["EXPIRE", "k", "100"],
      ["TTL", "k"],
      ["EXPIRE", "k", "50", "NX"],
      ["EXPIRE", "k", "200", "xx"],
      ["TTL", "k"],
      ["EXPIRE", "k", "100", "GT"],
      ["EXPIRE", "k", "300", "gt"],
      ["TTL", "k"],
      ["EXPIRE", "k", "400", "LT"],
      ["EXPIRE", "k", "100", "lt"],
      ["TTL", "k"],
      ["EXPIRE", "k", "50", "XX", "GT"],
      ["EXPIRE", "k", "100", "XX", "LT"],
      ["PERSIST", "k"],
      ["PERSIST", "k"],
      ["TTL", "k"],
      ["EXPIRE", "k", "100", "XX"],
      ["EXPIRE", "k", "100", "GT"], // no TTL = infinite: GT never succeeds
      ["EXPIRE", "k", "100", "LT"], // … and LT always does
      ["TTL", "k"],
      ["EXPIRE", "k", "100", "NX", "NX"],
      ["PERSIST", "k"],
      ["EXPIRE", "k", "100", "NX", "NX"],
      ["EXPIRE", "k", "10", "NX", "XX"],
      ["EXPIRE", "k", "10", "NX", "GT"],
      ["EXPIRE", "k", "10", "LT", "NX"],
      ["EXPIRE", "k", "10", "GT", "LT"],
      ["EXPIRE", "k", "10", "XX", "GT", "LT"],
      ["EXPIRE", "k", "10", "foo"],
      ["EXPIRE", "k", "10", "NX", "foo", "XX"],
      ["EXPIRE", "k", "abc", "NX", "XX"], // flags are parsed before the time
      ["EXPIRE", "k", "abc"],
      ["EXPIRE", "k", "1.5"],
      ["EXPIRE", "k", ""],
      ["EXPIRE", "k", " 10"],
      ["EXPIRE", "nokey", "abc"],
      ["EXPIRE", "nokey", "9223372036854776"],
      ["EXPIREAT", "k", "4102444800"],
      ["EXPIRETIME", "k"],
      ["PEXPIRETIME", "k"],
      ["PEXPIREAT", "k", "4102444800123"],
      ["EXPIRETIME", "k"],
      ["PEXPIREAT", "k", "4102444800600"],
      ["EXPIRETIME", "k"],
      ["PEXPIRETIME", "k"],
      ["PEXPIRE", "k", "100000"],
      ["TTL", "k"],
      ["PEXPIRE", "k", "2600"],
      ["TTL", "k"],
      ["PEXPIRE", "k", "1499"],
      ["TTL", "k"],
      ["EXPIRE", "k"],
      ["TTL"],
      ["PTTL", "a", "b"],
      ["PERSIST"],
      ["EXPIRETIME", "a", "b"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test({
  name: "expire: 64-bit overflow rules and past times match redis-server",
  ignore: !haveRedis(),
  async fn() {
    const script: Script = [
      ["SET", "foo", "bar"],
      ["EXPIRE", "foo", "9223370399119966"], // when*1000 + now > LLONG_MAX
      ["EXPIRE", "foo", "9223372036854776"], // > LLONG_MAX / 1000
      ["EXPIRE", "foo", "10000000000000000"],
      ["EXPIRE", "foo", "18446744073709561"],
      ["EXPIRE", "foo", "-9223372036854776"], // < LLONG_MIN / 1000
      ["EXPIRE", "foo", "-9999999999999999"],
      ["EXPIREAT", "foo", "9223372036854776"],
      ["PEXPIRE", "foo", "9223372036854770000"], // + now overflows
      ["PEXPIRE", "foo", "9223372036854775808"], // not a 64-bit integer
      ["TTL", "foo"],
      ["PEXPIREAT", "foo", "9223372036854770000"],
      ["PEXPIRETIME", "foo"],
      ["EXPIRETIME", "foo"],
      ["PEXPIREAT", "foo", "-9223372036854770000"], // far in the past: deleted
      ["TTL", "foo"],
      ["SET", "foo", "bar"],
      ["EXPIRE", "foo", "-9223372036854775"], // big negative but no overflow: deleted
      ["EXISTS", "foo"],
      ["SET", "foo", "bar"],
      ["EXPIRE", "foo", "0"],
      ["EXISTS", "foo"],
      ["SET", "foo", "bar"],
      ["EXPIREAT", "foo", "100"],
      ["EXISTS", "foo"],
      ["SET", "foo", "bar"],
      ["PEXPIRE", "foo", "-1", "GT"], // GT without TTL fails before the past-time check
      ["EXISTS", "foo"],
      ["PEXPIRE", "foo", "-1", "LT"],
      ["EXISTS", "foo"],
      ["SET", "foo", "bar"],
      ["EXPIRE", "foo", "-1", "XX"],
      ["EXISTS", "foo"],
    ];
    assertSameReplies(script, await differential(script));
  },
});

Deno.test("expire: keyspace events and WATCH signals for expire, del, persist and expired", async () => {
  await withServer(async (srv, c) => {
    const events = recordEvents(srv.server);
    const modified = recordModified(srv.server);
    await c.call("SET", "k", "v");
    events.length = 0;
    modified.length = 0;
    const dirty = srv.server.dirty;
    assert.equal(await c.call("EXPIRE", "k", "100"), 1);
    assert.equal(await c.call("PEXPIREAT", "k", String(Date.now() + 100_000)), 1);
    assert.equal(await c.call("EXPIRE", "k", "100", "NX"), 0);
    assert.equal(await c.call("PERSIST", "k"), 1);
    assert.equal(await c.call("PERSIST", "k"), 0);
    assert.equal(await c.call("EXPIRE", "k", "-5"), 1);
    assert.deepEqual(events, ["g expire k 0", "g expire k 0", "g persist k 0", "g del k 0"]);
    assert.deepEqual(modified, ["0:k", "0:k", "0:k", "0:k"]);
    assert.equal(srv.server.dirty, dirty + 4);

    events.length = 0;
    srv.server.activeExpireEnabled = false;
    await c.call("SET", "t", "v", "PX", "50");
    srv.server.clock.offsetMs += 1000;
    events.length = 0;
    assert.equal(await c.call("GET", "t"), null);
    assert.deepEqual(events, ["x expired t 0"]);
    assert.equal(await c.call("EXPIRE", "t", "10"), 0);
  });
});

Deno.test("expire: a key is live through its expire millisecond and gone after it (Redis: now > when)", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    let now = Date.now() + 10_000;
    srv.server.clock.now = () => now;
    await c.call("SET", "k", "v");
    assert.equal(await c.call("PEXPIREAT", "k", String(now + 2)), 1);
    assert.equal(await c.call("PTTL", "k"), 2);
    now += 2;
    assert.equal(await c.call("PTTL", "k"), 0);
    assert.equal(await c.call("EXISTS", "k"), 1);
    assert.deepEqual(await c.call("KEYS", "*"), ["k"]);
    now += 1;
    assert.deepEqual(await c.call("KEYS", "*"), []);
    assert.equal(await c.call("DBSIZE"), 1); // logically expired, not reclaimed yet
    assert.equal(await c.call("PTTL", "k"), -2);
    assert.equal(await c.call("DBSIZE"), 0);
    // A time equal to now is already past for EXPIRE: the key is deleted on the spot.
    await c.call("SET", "k", "v");
    assert.equal(await c.call("PEXPIREAT", "k", String(now)), 1);
    assert.equal(await c.call("EXISTS", "k"), 0);
  });
});

Deno.test("expire: lazy expiry hides and reclaims keys on access only", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    for (let i = 0; i < 10; i++) await c.call("SET", `k${i}`, "v", "PX", "100");
    await c.call("SET", "keep", "v");
    srv.server.clock.offsetMs += 500;
    assert.equal(await c.call("DBSIZE"), 11);
    assert.deepEqual(await c.call("KEYS", "*"), ["keep"]);
    assert.equal(await c.call("DBSIZE"), 11); // KEYS skips but does not delete
    assert.equal(await c.call("EXISTS", "k0", "k1", "keep"), 1);
    assert.equal(await c.call("DBSIZE"), 9);
    assert.equal(await c.call("TTL", "k2"), -2);
    assert.equal(await c.call("TYPE", "k3"), "none");
    assert.equal(await c.call("DBSIZE"), 7);
    assert.equal(srv.server.stats.expiredKeys, 4);
  });
});

Deno.test("expire: the active cycle reclaims expired keys by itself within a few hz ticks", async () => {
  await withServer(async (srv, c) => {
    for (let i = 0; i < 500; i++) await c.send("SET", `k${i}`, "v", "PX", "200");
    for (let i = 0; i < 500; i++) await c.read();
    for (let i = 0; i < 100; i++) await c.call("SET", `keep${i}`, "v", "EX", "1000");
    await c.call("SET", "plain", "v");
    assert.equal(await c.call("DBSIZE"), 601);
    const events = recordEvents(srv.server);
    srv.server.clock.offsetMs += 10_000;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (await c.call("DBSIZE")) !== 101) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await c.call("DBSIZE"), 101);
    assert.equal(events.length, 500);
    assert.ok(events.every((e) => e.startsWith("x expired k")));
    assert.equal(srv.server.stats.expiredKeys, 500);
    assert.equal(await c.call("TTL", "plain"), -1);
  }, { config: { hz: 100 } });
});
