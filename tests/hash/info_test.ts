/**
 * INFO reports hash field expiry: keyspace `subexpiry` counts hashes with field TTLs and stats
 * `expired_subkeys` counts fields deleted by their TTL.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";

Deno.test("hash: INFO keyspace subexpiry and stats expired_subkeys", async () => {
  await withServer(async (srv, c) => {
    await c.call("HSET", "h1", "a", "1", "b", "2");
    await c.call("HSET", "h2", "a", "1");
    await c.call("HSET", "plain", "a", "1");
    assert.deepEqual(await c.call("HPEXPIRE", "h1", "100", "FIELDS", "1", "a"), [1]);
    assert.deepEqual(await c.call("HPEXPIRE", "h2", "100", "FIELDS", "1", "a"), [1]);
    let info = await c.call("INFO", "keyspace") as string;
    assert.match(info, /db0:keys=3,expires=0,avg_ttl=0,subexpiry=2\r\n/);
    srv.server.clock.offsetMs += 1000;
    assert.equal(await c.call("HLEN", "h1"), 2); // HLEN counts fields not yet reclaimed…
    assert.equal(await c.call("HGET", "h1", "a"), null); // …an access reclaims the expired one
    assert.equal(await c.call("EXISTS", "h2"), 1);
    assert.deepEqual(await c.call("HGETALL", "h2"), []);
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && (await c.call("EXISTS", "h2")) === 1) await new Promise((r) => setTimeout(r, 20));
    info = await c.call("INFO", "everything") as string;
    assert.match(info, /expired_subkeys:2\r\n/);
    assert.match(info, /db0:keys=2,expires=0,avg_ttl=0,subexpiry=0\r\n/);
  });
});
