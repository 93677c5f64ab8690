/**
 * Redis 8.0 commands HGETDEL, HGETEX and HSETEX (asserted from the 8.2 docs and Redis's own tests,
 * since the 7.0 oracle lacks them): argument parsing and error texts, FNX/FXX, the expire options,
 * KEEPTTL, PERSIST, times in the past, lazy expiry, keyspace events and propagated HDELs.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { advance, recordEvents, recordPropagated } from "./helpers.ts";

const err = (e: string) => ({ error: e });
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

async function expectErrors(c: { call(...a: (string | number)[]): Promise<unknown> }, cases: [unknown[], string][]) {
  for (const [argv, e] of cases) {
    const got = await c.call(...(argv as string[]));
    if (e.endsWith("*")) {
      assert.ok(
        typeof got === "object" && got !== null && "error" in got && (got.error as string).startsWith(e.slice(0, -1)),
        `${JSON.stringify(argv)} → ${JSON.stringify(got)}`,
      );
    } else assert.deepEqual(got, err(e), JSON.stringify(argv));
  }
}

Deno.test("hash ex: HGETDEL", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    const events = recordEvents(srv);
    await c.call("SET", "str", "x");
    await expectErrors(c, [
      [["HGETDEL", "h", "FIELDS"], "ERR wrong number of arguments for 'hgetdel' command"],
      [["HGETDEL", "h", "FIELDX", 1, "a"], "ERR Mandatory argument FIELDS is missing or not at the right position"],
      [["HGETDEL", "h", "FIELDS", 0, "a"], "ERR Number of fields must be a positive integer"],
      [["HGETDEL", "h", "FIELDS", "x", "a"], "ERR Number of fields must be a positive integer"],
      [["HGETDEL", "h", "FIELDS", 2, "a"], "ERR The `numfields` parameter must match the number of arguments"],
      [["HGETDEL", "str", "FIELDS", 1, "a"], WRONGTYPE],
    ]);
    assert.deepEqual(await c.call("HGETDEL", "nokey", "FIELDS", 2, "a", "b"), [null, null]);
    await c.call("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3");
    events.length = 0;
    assert.deepEqual(await c.call("HGETDEL", "h", "FIELDS", 3, "f1", "zz", "f1"), ["v1", null, null]);
    assert.deepEqual(events, ["h hdel h"]);
    assert.deepEqual(await c.call("HGETALL", "h"), ["f2", "v2", "f3", "v3"]);
    assert.deepEqual(await c.call("HGETDEL", "h", "fields", 1, "zz"), [null]);
    events.length = 0;
    assert.deepEqual(await c.call("HGETDEL", "h", "FIELDS", 2, "f2", "f3"), ["v2", "v3"]);
    assert.deepEqual(events, ["h hdel h", "g del h"]);
    assert.equal(await c.call("EXISTS", "h"), 0);
    // Expired fields read as null; the hexpired event precedes hdel; the key goes when emptied.
    await c.call("HSET", "h", "f1", "10", "f2", "20", "f3", "v3");
    await c.call("HPEXPIRE", "h", 5, "FIELDS", 1, "f2");
    advance(srv, 20);
    events.length = 0;
    assert.deepEqual(await c.call("HGETDEL", "h", "FIELDS", 2, "f2", "f3"), [null, "v3"]);
    assert.deepEqual(events, ["h hexpired h", "h hdel h"]);
    assert.deepEqual(await c.call("HGETALL", "h"), ["f1", "10"]);
    await c.call("HPEXPIRE", "h", 5, "FIELDS", 1, "f1");
    advance(srv, 20);
    events.length = 0;
    assert.deepEqual(await c.call("HGETDEL", "h", "FIELDS", 1, "f1"), [null]);
    assert.deepEqual(events, ["h hexpired h", "g del h"]);
    assert.equal(await c.call("EXISTS", "h"), 0);
  });
});

Deno.test("hash ex: HGETEX argument errors", async () => {
  await withServer(async (_srv, c) => {
    await c.call("SET", "str", "x");
    await expectErrors(c, [
      [["HGETEX"], "ERR wrong number of arguments for 'hgetex' command"],
      [["HGETEX", "h1", "FIELDS", 0], "ERR wrong number of arguments for 'hgetex' command"],
      [["HGETEX", "h1", "XFIELDX", 1, "a"], "ERR Mandatory argument FIELDS is missing or not at the right position"],
      [["HGETEX", "h1", "PXAT", 1, 1], "ERR Mandatory argument FIELDS is missing or not at the right position"],
      [
        ["HGETEX", "h1", "PERSIST", 1, "FIELDS", 1, "a"],
        "ERR Mandatory argument FIELDS is missing or not at the right position",
      ],
      [["HGETEX", "h1", "FIELDS", 2, "a"], "ERR The `numfields` parameter must match the number of arguments"],
      [["HGETEX", "h1", "FIELDS", 0, "a"], "ERR Number of fields must be a positive integer"],
      [["HGETEX", "h1", "FIELDS", -1, "a"], "ERR Number of fields must be a positive integer"],
      [["HGETEX", "h1", "FIELDS", "9223372036854775808", "a"], "ERR Number of fields must be a positive integer"],
      [["HGETEX", "h1", "EX", "bla", "FIELDS", 1, "a"], "ERR value is not an integer or out of range"],
      [["HGETEX", "h1", "EX", "9223372036854775808", "FIELDS", 1, "a"], "ERR value is not an integer or out of range"],
      [["HGETEX", "h1", "PX", -1, "FIELDS", 1, "a"], "ERR invalid expire time, must be >= 0"],
      [["HGETEX", "h1", "PXAT", -1, "FIELDS", 1, "a"], "ERR invalid expire time, must be >= 0"],
      [["HGETEX", "h1", "EX", 2 ** 48, "FIELDS", 1, "a"], "ERR invalid expire time in 'hgetex' command"],
      [["HGETEX", "h1", "EXAT", 2 ** 46 + 100, "FIELDS", 1, "a"], "ERR invalid expire time in 'hgetex' command"],
      [["HGETEX", "h1", "PXAT", 2 ** 46, "FIELDS", 1, "a"], "ERR invalid expire time in 'hgetex' command"],
      [["HGETEX", "h1", "EX", 10, "FIELDS"], "ERR wrong number of arguments for 'hgetex' command"],
      [["HGETEX", "str", "FIELDS", 1, "a"], WRONGTYPE],
      [["HGETEX", "str", "EX", "bla", "FIELDS", 1, "a"], WRONGTYPE],
    ]);
  });
});

Deno.test("hash ex: HGETEX gets and sets or removes TTLs", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    const events = recordEvents(srv);
    const propagated = recordPropagated(srv);
    assert.deepEqual(await c.call("HGETEX", "nokey", "EX", 10, "FIELDS", 2, "a", "b"), [null, null]);
    await c.call("HSET", "h", "a", "1", "b", "2", "c", "strval");
    events.length = 0;
    assert.deepEqual(await c.call("HGETEX", "h", "FIELDS", 3, "a", "b", "zz"), ["1", "2", null]);
    assert.deepEqual(events, [], "no option: a plain read");
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpack");
    assert.deepEqual(await c.call("HGETEX", "h", "EX", 10000, "FIELDS", 2, "a", "zz"), ["1", null]);
    assert.deepEqual(events, ["h hexpire h"]);
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpackex");
    const [ttlA, ttlB] = (await c.call("HTTL", "h", "FIELDS", 2, "a", "b")) as number[];
    assert.ok(ttlA > 9990 && ttlA <= 10000);
    assert.equal(ttlB, -1);
    const now = srv.server.clock.now();
    await c.call("HGETEX", "h", "PXAT", now + 5000, "FIELDS", 1, "b");
    assert.deepEqual(await c.call("HPEXPIRETIME", "h", "FIELDS", 1, "b"), [now + 5000]);
    await c.call("HGETEX", "h", "EXAT", Math.floor(now / 1000) + 100, "FIELDS", 1, "c");
    assert.deepEqual(await c.call("HEXPIRETIME", "h", "FIELDS", 1, "c"), [Math.floor(now / 1000) + 100]);
    const px = await c.call("HGETEX", "h", "PX", 1_000_000, "FIELDS", 1, "c");
    assert.deepEqual(px, ["strval"]);
    // PERSIST removes TTLs; repeating it changes nothing (no event).
    events.length = 0;
    assert.deepEqual(await c.call("HGETEX", "h", "PERSIST", "FIELDS", 2, "a", "b"), ["1", "2"]);
    assert.deepEqual(events, ["h hpersist h"]);
    events.length = 0;
    assert.deepEqual(await c.call("HGETEX", "h", "persist", "fields", 2, "a", "b"), ["1", "2"]);
    assert.deepEqual(events, []);
    assert.deepEqual(await c.call("HTTL", "h", "FIELDS", 2, "a", "b"), [-1, -1]);
    // A time in the past deletes the fields (HDELs propagated) and then the key.
    events.length = 0;
    propagated.length = 0;
    assert.deepEqual(await c.call("HGETEX", "h", "PXAT", 1, "FIELDS", 3, "a", "b", "c"), ["1", "2", "strval"]);
    assert.deepEqual(events, ["h hdel h", "g del h"]);
    // several operations of one command go out as one transaction, as Redis 7+ propagates them
    assert.deepEqual(propagated, ["MULTI", "HDEL h a", "HDEL h b", "HDEL h c", "EXEC"]);
    assert.equal(await c.call("EXISTS", "h"), 0);
    // Lazy expiry while reading.
    await c.call("HSETEX", "h", "PX", 1, "FIELDS", 2, "f1", "v1", "f2", "v2");
    advance(srv, 10);
    events.length = 0;
    assert.deepEqual(await c.call("HGETEX", "h", "FIELDS", 2, "f1", "f2"), [null, null]);
    assert.deepEqual(events, ["h hexpired h", "g del h"]);
    assert.equal(await c.call("EXISTS", "h"), 0);
  });
});

Deno.test("hash ex: HSETEX argument errors", async () => {
  await withServer(async (_srv, c) => {
    await c.call("SET", "str", "x");
    const arity = "ERR wrong number of arguments for 'hsetex' command";
    const one = "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified";
    const fxx = "ERR Only one of FXX or FNX arguments can be specified";
    await expectErrors(c, [
      [["HSETEX", "h"], arity],
      [["HSETEX", "h", "fields", 1, "a"], arity],
      [["HSETEX", "h", "fields", 2, "a", "b"], arity],
      [["HSETEX", "h", "fields", 2, "a", "b", "c"], arity],
      [["HSETEX", "h", "fields", 2, "a", "b", "c", "d", "e"], arity],
      [["HSETEX", "h", "fields", 3, "a", "b", "c", "d"], arity],
      [["HSETEX", "h", "fields", 1, "a", "b", "unknown"], arity],
      [["HSETEX", "h", "nx", "fields", 1, "a", "b"], "ERR unknown argument: nx"],
      [["HSETEX", "h", 1, "fields", 1, "a", "b"], "ERR unknown argument: 1"],
      [["HSETEX", "h", "fxx", "fxx", "EX", 100, "fields", 1, "a", "b"], fxx],
      [["HSETEX", "h", "fnx", "FXX", "EX", 100, "fields", 1, "a", "b"], fxx],
      [["HSETEX", "h", "EX", 100, "PX", 1000, "fields", 1, "a", "b"], one],
      [["HSETEX", "h", "EXAT", 100, "EX", 1000, "fields", 1, "a", "b"], one],
      [["HSETEX", "h", "EX", 100, "KEEPTTL", "fields", 1, "a", "b"], one],
      [["HSETEX", "h", "KEEPTTL", "EX", 100, "fields", 1, "a", "b"], one],
      [["HSETEX", "h", "KEEPTTL", "KEEPTTL", "fields", 1, "a", "b"], one],
      [["HSETEX", "h", "PXAT", 10, "PXAT", 10, "fields", 1, "a", "b"], one],
      [["HSETEX", "h", "ex", "fields", 1, "a", "b"], "ERR value is not an integer or out of range"],
      [["HSETEX", "h", "pxat", "fields", 1, "a", "b"], "ERR value is not an integer or out of range"],
      [["HSETEX", "h", "EXAT", 2 ** 48, 1, "a", "b"], "ERR invalid expire time in 'hsetex' command"],
      [["HSETEX", "h", "PXAT", 2 ** 48, 1, "a", "b"], "ERR invalid expire time in 'hsetex' command"],
      [["HSETEX", "h", "EXAT", -1, 1, "a", "b"], "ERR invalid expire time, must be >= 0"],
      [["HSETEX", "h", "EXAT", "9223372036854775808", 1, "a", "b"], "ERR value is not an integer or out of range"],
      [["HSETEX", "h", "fields", "x", "a", "b"], "ERR invalid number of fields"],
      [["HSETEX", "h", "fields", "9223372036854775808", "a", "b"], "ERR invalid number of fields"],
      [["HSETEX", "h", "fields", 0, "a", "b"], "ERR invalid number of fields"],
      [["HSETEX", "h", "fields", -1, "a", "b"], "ERR invalid number of fields"],
      [["HSETEX", "h", "FXX", "EX", 10, "FIELDS"], arity],
      [["HSETEX", "str", "fields", 1, "a", "b"], WRONGTYPE],
      // Options are parsed before the key is looked up.
      [["HSETEX", "str", "nx", "fields", 1, "a", "b"], "ERR unknown argument: nx"],
    ]);
    assert.equal(await c.call("EXISTS", "h"), 0);
  });
});

Deno.test("hash ex: HSETEX sets fields, FNX/FXX, expire options and KEEPTTL", async () => {
  await withServer(async (srv, c) => {
    srv.server.activeExpireEnabled = false;
    const events = recordEvents(srv);
    const propagated = recordPropagated(srv);
    assert.equal(await c.call("HSETEX", "h", "FIELDS", 1, "f1", "v1"), 1);
    assert.equal(await c.call("HSETEX", "h", "FIELDS", 1, "f1", "v11"), 1);
    assert.equal(await c.call("HSETEX", "h", "FIELDS", 2, "f1", "v1", "f2", "v2"), 1);
    assert.deepEqual(await c.call("HGETALL", "h"), ["f1", "v1", "f2", "v2"]);
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpack");
    // FXX: all fields must exist; an empty key is not created.
    assert.equal(await c.call("HSETEX", "none", "FXX", "FIELDS", 1, "a", "b"), 0);
    assert.equal(await c.call("EXISTS", "none"), 0);
    events.length = 0;
    assert.equal(await c.call("HSETEX", "h", "FXX", "FIELDS", 2, "f1", "x", "f3", "y"), 0);
    assert.deepEqual(events, []);
    assert.equal(await c.call("HSETEX", "h", "FXX", "EX", 100, "FIELDS", 2, "f1", "a", "f2", "b"), 1);
    assert.deepEqual(events, ["h hset h", "h hexpire h"]);
    assert.deepEqual(await c.call("HTTL", "h", "FIELDS", 2, "f1", "f2"), [100, 100]);
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpackex");
    // FNX: no field may exist.
    assert.equal(await c.call("HSETEX", "h", "FNX", "FIELDS", 2, "f3", "x", "f1", "y"), 0);
    assert.equal(await c.call("HSETEX", "h", "PX", 5000, "FNX", "FIELDS", 1, "f3", "v3"), 1);
    // Each field set with a time goes before the fields with an equal or later time (Redis's order).
    assert.deepEqual(await c.call("HGETALL", "h"), ["f3", "v3", "f2", "b", "f1", "a"], "TTL order");
    // KEEPTTL keeps TTLs; no option drops them.
    assert.equal(await c.call("HSETEX", "h", "KEEPTTL", "FIELDS", 1, "f1", "kept"), 1);
    assert.deepEqual(await c.call("HTTL", "h", "FIELDS", 1, "f1"), [100]);
    assert.equal(await c.call("HSETEX", "h", "FIELDS", 1, "f1", "dropped"), 1);
    assert.deepEqual(await c.call("HTTL", "h", "FIELDS", 1, "f1"), [-1]);
    const now = srv.server.clock.now();
    await c.call("HSETEX", "h", "PXAT", now + 12345, "FIELDS", 1, "f4", "v4");
    assert.deepEqual(await c.call("HPEXPIRETIME", "h", "FIELDS", 1, "f4"), [now + 12345]);
    await c.call("HSETEX", "h", "EXAT", Math.floor(now / 1000) + 50, "FIELDS", 1, "f4", "v4");
    assert.deepEqual(await c.call("HEXPIRETIME", "h", "FIELDS", 1, "f4"), [Math.floor(now / 1000) + 50]);
    // A time in the past: the fields are set, then deleted (HDELs propagated), reply 1.
    events.length = 0;
    propagated.length = 0;
    assert.equal(
      await c.call("HSETEX", "past", "EXAT", Math.floor(now / 1000) - 1, "FIELDS", 2, "a", "1", "b", "2"),
      1,
    );
    assert.equal(await c.call("EXISTS", "past"), 0);
    assert.deepEqual(events, ["h hset past", "h hdel past", "g del past"]);
    assert.deepEqual(propagated, ["MULTI", "HDEL past a", "HDEL past b", "EXEC"]);
    await c.call("HSET", "past", "a", "0", "keep", "1");
    assert.equal(await c.call("HSETEX", "past", "PX", 0, "FIELDS", 1, "a", "x"), 1);
    assert.deepEqual(await c.call("HGETALL", "past"), ["keep", "1"]);
    // FXX meeting a lazily expired field: fails, and the emptied key goes.
    await c.call("HSETEX", "lazy", "PX", 10, "FIELDS", 1, "f1", "v1");
    advance(srv, 20);
    events.length = 0;
    assert.equal(await c.call("HSETEX", "lazy", "FXX", "FIELDS", 1, "f1", "v11"), 0);
    assert.deepEqual(events, ["h hexpired lazy", "g del lazy"]);
    assert.equal(await c.call("EXISTS", "lazy"), 0);
    // Conversion: too many fields or a long value.
    await c.call("CONFIG", "SET", "hash-max-listpack-entries", "2");
    assert.equal(await c.call("HSETEX", "big", "EX", 100, "FIELDS", 3, "a", "1", "b", "2", "c", "3"), 1);
    assert.equal(await c.call("OBJECT", "ENCODING", "big"), "hashtable");
    assert.deepEqual(await c.call("HTTL", "big", "FIELDS", 3, "a", "b", "c"), [100, 100, 100]);
  });
});
