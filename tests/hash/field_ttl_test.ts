/**
 * Hash field expiration (Redis 7.4+, asserted from the 8.2 docs and Redis's own tests since the 7.0
 * oracle lacks it): HEXPIRE/HPEXPIRE/HEXPIREAT/HPEXPIREAT codes and conditions, argument errors and
 * their exact texts, HTTL/HPTTL/HEXPIRETIME/HPEXPIRETIME, HPERSIST, lazy expiry on access with its
 * events, and the listpackex encoding with Redis's TTL ordering. Time is driven with the server clock.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { advance, ourHash, recordEvents, recordPropagated } from "./helpers.ts";

const E_NO_FIELD = -2, E_FAIL = 0, E_OK = 1, E_DELETED = 2;

/** Asserts remaining times: negative codes exactly, positive ones within 200 ms below `expected`. */
function assertTtls(actual: unknown, expected: number[], msg?: string): void {
  assert.ok(Array.isArray(actual) && actual.length === expected.length, msg);
  expected.forEach((e, i) => {
    const a = (actual as number[])[i];
    if (e < 0) assert.equal(a, e, msg);
    else assert.ok(a <= e && a > e - 200, `${msg ?? ""} ttl ${a} vs ${e}`);
  });
}

Deno.test("hash ttl: HEXPIRE family result codes and conditions", async () => {
  await withServer(async (srv, c) => {
    for (const enc of ["listpack", "hashtable"]) {
      await c.call("CONFIG", "SET", "hash-max-listpack-entries", enc === "listpack" ? "512" : "0");
      await c.call("DEL", "h");
      assert.deepEqual(await c.call("HEXPIRE", "h", 1000, "FIELDS", 2, "a", "b"), [E_NO_FIELD, E_NO_FIELD]);
      assert.deepEqual(await c.call("HPEXPIREAT", "h", 1000, "FIELDS", 1, "a"), [E_NO_FIELD]);
      await c.call("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3");
      assert.deepEqual(await c.call("HPEXPIRE", "h", 1000, "NX", "FIELDS", 1, "f1"), [E_OK]);
      assert.deepEqual(await c.call("HPEXPIRE", "h", 1000, "NX", "FIELDS", 3, "f1", "f2", "nope"), [
        E_FAIL,
        E_OK,
        E_NO_FIELD,
      ]);
      assert.deepEqual(await c.call("HPEXPIRE", "h", 5000, "XX", "FIELDS", 2, "f1", "f3"), [E_OK, E_FAIL]);
      assert.deepEqual(await c.call("HPEXPIRE", "h", 4000, "GT", "FIELDS", 3, "f1", "f2", "f3"), [
        E_FAIL,
        E_OK,
        E_FAIL,
      ]);
      // LT: a field without a TTL counts as infinite, so LT sets it (Redis 8.x).
      assert.deepEqual(await c.call("HPEXPIRE", "h", 4500, "lt", "fields", 3, "f1", "f2", "f3"), [
        E_OK,
        E_FAIL,
        E_OK,
      ]);
      assertTtls(await c.call("HPTTL", "h", "FIELDS", 3, "f1", "f2", "f3"), [4500, 4000, 4500]);
      // A time at or before now deletes the field instead (code 2).
      const now = srv.server.clock.now();
      assert.deepEqual(await c.call("HPEXPIREAT", "h", now, "FIELDS", 2, "f1", "nope"), [E_DELETED, E_NO_FIELD]);
      assert.deepEqual(await c.call("HEXPIREAT", "h", 0, "FIELDS", 1, "f2"), [E_DELETED]);
      assert.deepEqual(await c.call("HGETALL", "h"), ["f3", "v3"]);
      assert.deepEqual(await c.call("HEXPIRE", "h", 0, "FIELDS", 1, "f3"), [E_DELETED]);
      assert.equal(await c.call("EXISTS", "h"), 0, `${enc}: last field deleted takes the key`);
    }
  });
});

Deno.test("hash ttl: argument errors have Redis 8.2's texts", async () => {
  await withServer(async (_srv, c) => {
    await c.call("HSET", "h", "f1", "v1");
    await c.call("SET", "str", "x");
    const err = (e: string) => ({ error: e });
    const cases: [unknown[], string][] = [
      [["HEXPIRE", "h", -1, "FIELDS", 1, "f1"], "ERR invalid expire time, must be >= 0"],
      [["HEXPIRE", "h", "-9223372036854775808", "FIELDS", 1, "f1"], "ERR invalid expire time, must be >= 0"],
      [["HEXPIRE", "h", "x", "FIELDS", 1, "f1"], "ERR value is not an integer or out of range"],
      [["HEXPIRE", "h", "9223372036854775808", "FIELDS", 1, "f1"], "ERR value is not an integer or out of range"],
      [["HEXPIRE", "h", Math.floor(2 ** 48 / 1000), "FIELDS", 1, "f1"], "ERR invalid expire time in 'hexpire' command"],
      [["HEXPIREAT", "h", 70368744178, "FIELDS", 1, "f1"], "ERR invalid expire time in 'hexpireat' command"],
      [["HPEXPIRE", "h", 2 ** 48, "FIELDS", 1, "f1"], "ERR invalid expire time in 'hpexpire' command"],
      [["HPEXPIREAT", "h", 2 ** 46, "FIELDS", 1, "f1"], "ERR invalid expire time in 'hpexpireat' command"],
      [["HPEXPIRE", "h", 1000, "NX", "FIELDS", 0, "f1"], "ERR Parameter `numFields` should be greater than 0"],
      [["HPEXPIRE", "h", 1000, "FIELDS", "x", "f1"], "ERR Parameter `numFields` should be greater than 0"],
      [
        ["HPEXPIRE", "h", 1000, "NX", "FIELDS", 4, "f1", "f2", "f3"],
        "ERR The `numfields` parameter must match the number of arguments",
      ],
      [
        ["HPEXPIRE", "h", 1000, "FIELDS", 1, "f1", "f2"],
        "ERR The `numfields` parameter must match the number of arguments",
      ],
      [
        ["HPEXPIRE", "h", 1000, "XX", "FIELDX", 1, "f1"],
        "ERR Mandatory argument FIELDS is missing or not at the right position",
      ],
      [
        ["HPEXPIRE", "h", 1000, "BOGUS", "FIELDS", 1, "f1"],
        "ERR Mandatory argument FIELDS is missing or not at the right position",
      ],
      [
        ["HPEXPIRE", "h", 1000, "NX", "XX", "FIELDS", 1],
        "ERR Mandatory argument FIELDS is missing or not at the right position",
      ],
      [
        ["HPEXPIRE", "str", 1000, "FIELDS", 1, "f1"],
        "WRONGTYPE Operation against a key holding the wrong kind of value",
      ],
      // WRONGTYPE comes before argument checks, as in Redis.
      [["HPEXPIRE", "str", -5, "FIELDS", 1, "f1"], "WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["HPEXPIRE", "h", 1000, "FIELDS", 1], "ERR wrong number of arguments for 'hpexpire' command"],
      [["HTTL", "h", "FIELDS", 0, "f1"], "ERR Number of fields must be a positive integer"],
      [["HTTL", "h", "FIELDS", -1, "f1"], "ERR Number of fields must be a positive integer"],
      [["HPTTL", "h", "FIELDS", 2, "f1"], "ERR The `numfields` parameter must match the number of arguments"],
      [["HEXPIRETIME", "h", "FIELD", 1, "f1"], "ERR Mandatory argument FIELDS is missing or not at the right position"],
      [["HPEXPIRETIME", "str", "FIELDS", 1, "f1"], "WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["HTTL", "h", "FIELDS", 1], "ERR wrong number of arguments for 'httl' command"],
      [
        ["HPERSIST", "h", "FIELDS", 2, "f1", "f2", "f3"],
        "ERR The `numfields` parameter must match the number of arguments",
      ],
      [["HPERSIST", "h", "FIELDS", "0", "f1"], "ERR Number of fields must be a positive integer"],
      [["HPERSIST", "h"], "ERR wrong number of arguments for 'hpersist' command"],
      [["HPERSIST", "h", "FIELDS", 1], "ERR wrong number of arguments for 'hpersist' command"],
      [["HPERSIST", "str", "FIELDS", 1, "f"], "WRONGTYPE Operation against a key holding the wrong kind of value"],
    ];
    for (const [argv, e] of cases) {
      assert.deepEqual(await c.call(...(argv as string[])), err(e), JSON.stringify(argv));
    }
    // The largest allowed time: 2^46 - 1 ms.
    assert.deepEqual(await c.call("HPEXPIREAT", "h", 2 ** 46 - 1, "FIELDS", 1, "f1"), [E_OK]);
    assert.deepEqual(await c.call("HPEXPIRETIME", "h", "FIELDS", 1, "f1"), [2 ** 46 - 1]);
    assert.deepEqual(await c.call("HEXPIREAT", "h", Math.floor((2 ** 46 - 1) / 1000), "FIELDS", 1, "f1"), [E_OK]);
  });
});

Deno.test("hash ttl: HTTL HPTTL HEXPIRETIME HPEXPIRETIME values and rounding", async () => {
  await withServer(async (srv, c) => {
    for (const enc of ["listpack", "hashtable"]) {
      await c.call("CONFIG", "SET", "hash-max-listpack-entries", enc === "listpack" ? "512" : "0");
      await c.call("DEL", "h");
      assert.deepEqual(await c.call("HTTL", "h", "FIELDS", 2, "a", "b"), [-2, -2]);
      await c.call("HSET", "h", "a", "1", "b", "2", "c", "3");
      assert.deepEqual(await c.call("HTTL", "h", "FIELDS", 2, "a", "zz"), [-1, -2]);
      const at = srv.server.clock.now() + 10_500;
      await c.call("HPEXPIREAT", "h", at, "FIELDS", 2, "a", "b");
      const hp = (await c.call("HPTTL", "h", "FIELDS", 3, "a", "b", "c")) as number[];
      assert.ok(hp[0] <= 10_500 && hp[0] > 9_000, `hpttl ${hp[0]}`);
      assert.deepEqual(hp.slice(1), [hp[0], -1]);
      assert.deepEqual(await c.call("HPEXPIRETIME", "h", "FIELDS", 2, "a", "c"), [at, -1]);
      assert.deepEqual(await c.call("HEXPIRETIME", "h", "FIELDS", 1, "a"), [Math.floor((at + 999) / 1000)]);
      const ttl = ((await c.call("HTTL", "h", "FIELDS", 1, "a")) as number[])[0];
      assert.ok(ttl === 10 || ttl === 11, `httl rounds up: ${ttl}`);
      // Past its time the field reads as missing (-2) before anything deletes it.
      advance(srv, 11_000);
      assert.deepEqual(await c.call("HTTL", "h", "FIELDS", 3, "a", "b", "c"), [-2, -2, -1]);
      assert.deepEqual(await c.call("HPEXPIRETIME", "h", "FIELDS", 1, "b"), [-2]);
      assert.equal(await c.call("HLEN", "h"), 3, `${enc}: HTTL does not delete`);
      srv.server.clock.offsetMs = 0;
    }
  });
});

Deno.test("hash ttl: HPERSIST codes and events", async () => {
  await withServer(async (srv, c) => {
    const events = recordEvents(srv);
    for (const enc of ["listpack", "hashtable"]) {
      await c.call("CONFIG", "SET", "hash-max-listpack-entries", enc === "listpack" ? "512" : "0");
      await c.call("DEL", "h");
      assert.deepEqual(await c.call("HPERSIST", "h", "FIELDS", 2, "a", "b"), [-2, -2]);
      await c.call("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3");
      assert.deepEqual(await c.call("HPERSIST", "h", "FIELDS", 2, "f1", "zz"), [-1, -2]);
      assert.equal(await c.call("OBJECT", "ENCODING", "h"), enc, "HPERSIST alone keeps the plain encoding");
      await c.call("HEXPIRE", "h", 100, "FIELDS", 2, "f1", "f2");
      await c.call("HPEXPIRE", "h", 10, "FIELDS", 1, "f3");
      events.length = 0;
      assert.deepEqual(await c.call("HPERSIST", "h", "FIELDS", 3, "f1", "f1", "zz"), [1, -1, -2]);
      assert.deepEqual(events, ["h hpersist h"]);
      events.length = 0;
      advance(srv, 20);
      assert.deepEqual(await c.call("HPERSIST", "h", "FIELDS", 1, "f3"), [-2], "expired field: as if missing");
      assert.deepEqual(events, []);
      assertTtls(await c.call("HTTL", "h", "FIELDS", 3, "f1", "f2", "f3"), [-1, 100, -2]);
      srv.server.clock.offsetMs = 0;
    }
  });
});

Deno.test("hash ttl: expired fields are lazily deleted on access, with events", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    const events = recordEvents(srv);
    const propagated = recordPropagated(srv);
    for (const enc of ["listpack", "hashtable"]) {
      await c.call("CONFIG", "SET", "hash-max-listpack-entries", enc === "listpack" ? "512" : "0");
      await c.call("CONFIG", "RESETSTAT");
      await c.call("DEL", "h");
      await c.call("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3");
      await c.call("HPEXPIRE", "h", 100, "NX", "FIELDS", 3, "f1", "f2", "f3");
      advance(srv, 200);
      events.length = 0;
      propagated.length = 0;
      assert.equal(await c.call("EXISTS", "h"), 1, "the key stays while its fields only expired");
      assert.equal(await c.call("HLEN", "h"), 3, "HLEN counts expired fields");
      assert.deepEqual(await c.call("HGETALL", "h"), [], "HGETALL skips them");
      assert.deepEqual(await c.call("HSCAN", "h", 0), ["0", []]);
      assert.equal(await c.call("HEXISTS", "h", "f1"), 0);
      assert.equal(await c.call("HLEN", "h"), 2, "the access deleted f1");
      assert.deepEqual(events, ["h hexpired h"]);
      assert.deepEqual(propagated, ["HDEL h f1"]);
      assert.equal(await c.call("HGET", "h", "f2"), null);
      assert.equal(await c.call("HLEN", "h"), 1);
      events.length = 0;
      assert.equal(await c.call("HSTRLEN", "h", "f3"), 0);
      assert.deepEqual(events, ["h hexpired h", "g del h"], "the last field takes the key");
      assert.equal(await c.call("EXISTS", "h"), 0);
      assert.deepEqual(propagated, ["HDEL h f1", "HDEL h f2", "HDEL h f3"]);
      assert.equal(srv.server.stats.expiredSubkeys, 3);
      srv.server.clock.offsetMs = 0;
    }
  });
});

Deno.test("hash ttl: commands meeting expired fields behave as Redis 8.2", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    const events = recordEvents(srv);
    await c.call("HSET", "h1", "01", "01");
    await c.call("HSET", "h2", "01", "01", "02", "02");
    await c.call("HSET", "h4", "1", "99", "2", "99", "3", "99");
    await c.call("HSET", "h5", "1", "1", "2", "22", "3", "333", "4", "4444");
    await c.call("HSET", "h6", "a", "1", "b", "2", "c", "3");
    await c.call("HPEXPIRE", "h1", 1, "FIELDS", 1, "01");
    await c.call("HPEXPIRE", "h2", 1, "FIELDS", 2, "01", "02");
    await c.call("HPEXPIRE", "h4", 1, "FIELDS", 1, "2");
    await c.call("HPEXPIRE", "h5", 1, "FIELDS", 1, "3");
    await c.call("HPEXPIRE", "h6", 1, "FIELDS", 2, "a", "c");
    advance(srv, 10);
    // HDEL deletes an expired field like any other.
    assert.equal(await c.call("HDEL", "h1", "01"), 1);
    // HINCRBY / HINCRBYFLOAT restart from 0 on an expired field.
    assert.equal(await c.call("HINCRBY", "h4", "2", 1), 1);
    assert.equal(await c.call("HINCRBY", "h4", "3", 1), 100);
    assert.equal(await c.call("HSTRLEN", "h5", "3"), 0);
    assert.equal(await c.call("HSTRLEN", "h5", "4"), 4);
    // HMGET: nulls for expired fields; one hexpired event (and del when the hash went away).
    events.length = 0;
    assert.deepEqual(await c.call("HMGET", "h2", "01", "02", "03"), [null, null, null]);
    assert.deepEqual(events, ["h hexpired h2", "g del h2"]);
    assert.equal(await c.call("EXISTS", "h2"), 0);
    assert.deepEqual(await c.call("HMGET", "h6", "a", "b"), [null, "2"]);
    // HSETNX sets an expired field.
    assert.equal(await c.call("HSETNX", "h6", "c", "new"), 1);
    assert.equal(await c.call("HGET", "h6", "c"), "new");
    assert.deepEqual(await c.call("HTTL", "h6", "FIELDS", 1, "c"), [-1]);
    // HSET overwrites in place: an update (0), and the TTL goes.
    await c.call("HSET", "h7", "f1", "v1", "f2", "v2");
    await c.call("HPEXPIRE", "h7", 1, "FIELDS", 1, "f2");
    advance(srv, 10);
    assert.equal(await c.call("HSET", "h7", "f2", "again"), 0);
    assert.deepEqual(await c.call("HTTL", "h7", "FIELDS", 1, "f2"), [-1]);
    // HINCRBY keeps a field's TTL.
    await c.call("HPEXPIRE", "h7", 5000, "FIELDS", 1, "f2");
    await c.call("HSET", "h7", "n", "10");
    await c.call("HPEXPIRE", "h7", 5000, "FIELDS", 1, "n");
    assert.equal(await c.call("HINCRBY", "h7", "n", 2), 12);
    assert.equal(await c.call("HINCRBYFLOAT", "h7", "n", "0.5"), "12.5");
    assertTtls(await c.call("HPTTL", "h7", "FIELDS", 1, "n"), [5000]);
    // HSET without KEEPTTL drops it.
    assert.equal(await c.call("HSET", "h7", "n", "1"), 0);
    assert.deepEqual(await c.call("HPTTL", "h7", "FIELDS", 1, "n"), [-1]);
    // A hash whose only field expired: HINCRBY recreates it.
    await c.call("HSET", "solo", "x", "5");
    await c.call("HPEXPIRE", "solo", 1, "FIELDS", 1, "x");
    advance(srv, 10);
    events.length = 0;
    assert.equal(await c.call("HINCRBY", "solo", "x", 3), 3);
    assert.deepEqual(events, ["h hexpired solo", "g del solo", "h hincrby solo"]);
    assert.equal(await c.call("OBJECT", "ENCODING", "solo"), "listpack");
  });
});

Deno.test("hash ttl: listpackex encoding and Redis's TTL ordering", async () => {
  await withServer(async (srv, c) => {
    await c.call("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3", "f4", "v4", "f5", "v5");
    // Any field TTL command turns a listpack into listpackex, even without a change.
    assert.deepEqual(await c.call("HEXPIRE", "h", 100, "FIELDS", 1, "missing"), [E_NO_FIELD]);
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpackex");
    // Fields with a TTL come first, earliest first; the others keep insertion order at the end.
    // Absolute times: f4 and f5 share one expire time (a newer equal TTL goes first), f2 is earlier.
    const at = srv.server.clock.now() + 60_000;
    await c.call("HPEXPIREAT", "h", at, "FIELDS", 1, "f4");
    await c.call("HPEXPIREAT", "h", at - 2000, "FIELDS", 1, "f2");
    await c.call("HPEXPIREAT", "h", at, "FIELDS", 1, "f5");
    assert.deepEqual(await c.call("HKEYS", "h"), ["f2", "f5", "f4", "f1", "f3"]);
    // A new field goes at the end; persisting moves a field to the end.
    await c.call("HSET", "h", "f6", "v6");
    await c.call("HPERSIST", "h", "FIELDS", 1, "f2");
    assert.deepEqual(await c.call("HKEYS", "h"), ["f5", "f4", "f1", "f3", "f6", "f2"]);
    // Overwriting a field with a TTL drops the TTL and moves it to the end too.
    await c.call("HSET", "h", "f5", "new");
    assert.deepEqual(await c.call("HKEYS", "h"), ["f4", "f1", "f3", "f6", "f2", "f5"]);
    // No TTL left: still listpackex.
    await c.call("HPERSIST", "h", "FIELDS", 1, "f4");
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpackex");
    assert.equal(ourHash(srv, "h").hasTtls(), false);
    // Conversion to hashtable keeps every TTL.
    await c.call("HPEXPIRE", "h", 7000, "FIELDS", 2, "f1", "f3");
    await c.call("CONFIG", "SET", "hash-max-listpack-entries", "6");
    await c.call("HSET", "h", "f7", "v7");
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "hashtable");
    assertTtls(await c.call("HPTTL", "h", "FIELDS", 3, "f1", "f3", "f7"), [7000, 7000, -1]);
    assert.equal(await c.call("HLEN", "h"), 7);
    // A value too long for a listpack converts listpackex as well.
    await c.call("CONFIG", "SET", "hash-max-listpack-entries", "512");
    await c.call("HSET", "x", "a", "1");
    await c.call("HPEXPIRE", "x", 9000, "FIELDS", 1, "a");
    await c.call("HSET", "x", "b", "y".repeat(65));
    assert.equal(await c.call("OBJECT", "ENCODING", "x"), "hashtable");
    assertTtls(await c.call("HPTTL", "x", "FIELDS", 2, "a", "b"), [9000, -1]);
  });
});
