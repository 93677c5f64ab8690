/**
 * List behaviour where Redis 8.2 differs from the 7.0 oracle, asserted from the 8.2 sources:
 * LREM's count and LPOS's RANK reject LLONG_MIN (getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)),
 * while 7.0 accepted them.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";

const RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

Deno.test("list 8.2: LREM and LPOS RANK reject LLONG_MIN", async () => {
  await withServer(async (_srv, c) => {
    await c.call("RPUSH", "l", "a", "b", "a");
    assert.deepEqual(await c.call("LREM", "l", "-9223372036854775808", "a"), { error: RANGE });
    assert.deepEqual(await c.call("LPOS", "l", "a", "RANK", "-9223372036854775808"), { error: RANGE });
    assert.equal(await c.call("LREM", "l", "-9223372036854775807", "a"), 2);
    assert.equal(await c.call("LPOS", "l", "b", "RANK", "-9223372036854775807"), null);
    assert.equal(await c.call("LPOS", "l", "b", "RANK", -1), 0);
    assert.equal(await c.call("LPOS", "l", "b", "RANK", "9223372036854775807"), null);
  });
});
