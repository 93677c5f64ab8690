/**
 * Blocking commands against redis-server where one connection can show it: timeout replies of every
 * blocking list command in RESP2 and RESP3 (short timeouts), CLIENT UNBLOCK's argument errors and
 * replies for clients that are not blocked, and commands served at once. Redis 8.2 answers "timeout
 * is out of range" for timeouts past LLONG_MAX ms where 7.0 overflows: asserted here without the
 * oracle.
 */
import assert from "node:assert/strict";
import { sameAsRedis } from "../list/helpers.ts";
import { withServer } from "../helpers/server.ts";

Deno.test("blocking diff: timeout replies and immediate service", async () => {
  await sameAsRedis([
    ["BLPOP", "none", 0.05],
    ["BRPOP", "none", "other", 0.05],
    ["BLMOVE", "none", "dst", "LEFT", "RIGHT", 0.05],
    ["BRPOPLPUSH", "none", "dst", 0.05],
    ["BLMPOP", 0.05, 2, "none", "other", "LEFT", "COUNT", 2],
    ["EXISTS", "dst"],
    ["!HELLO", 3],
    ["BLPOP", "none", 0.05],
    ["BLMOVE", "none", "dst", "LEFT", "RIGHT", 0.05],
    ["BRPOPLPUSH", "none", "dst", 0.05],
    ["BLMPOP", 0.05, 1, "none", "RIGHT"],
    ["RPUSH", "l", "a", "b", "c"],
    ["BLMPOP", 0.05, 2, "none", "l", "RIGHT", "COUNT", 2],
    ["BRPOPLPUSH", "l", "dst", 0.05],
    ["BLPOP", "dst", 0],
    ["!HELLO", 2],
  ]);
});

Deno.test("blocking diff: CLIENT UNBLOCK arguments", async () => {
  await sameAsRedis([
    ["CLIENT", "UNBLOCK", 99999],
    ["CLIENT", "UNBLOCK", 99999, "TIMEOUT"],
    ["CLIENT", "UNBLOCK", 99999, "error"],
    ["CLIENT", "UNBLOCK", 99999, "FOO"],
    ["CLIENT", "UNBLOCK", "abc"],
    ["CLIENT", "UNBLOCK", "abc", "FOO"],
    ["CLIENT", "UNBLOCK", "-1"],
    ["CLIENT", "UNBLOCK"],
    ["CLIENT", "UNBLOCK", 1, "TIMEOUT", "x"],
  ]);
});

Deno.test("blocking: timeouts beyond the 64-bit ms range are out of range (Redis 8.2)", async () => {
  await withServer(async (_srv, c) => {
    await c.call("RPUSH", "l", "a");
    for (const t of ["inf", "+inf", "1e300", "9223372036854775807", "9223372036854775"]) {
      assert.deepEqual(await c.call("BLPOP", "l", t), { error: "ERR timeout is out of range" }, t);
    }
    assert.deepEqual(await c.call("BLPOP", "l", "-inf"), { error: "ERR timeout is negative" });
    assert.deepEqual(await c.call("BLPOP", "l", "nan"), { error: "ERR timeout is not a float or out of range" });
    // Just in range: served at once.
    assert.deepEqual(await c.call("BLPOP", "l", "9223372036"), ["l", "a"]);
  });
});
