/**
 * INFO clients reports the blocking registry: blocked_clients, total_blocking_keys and
 * clients_in_timeout_table follow clients as they block and get served.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { haveRedis, Oracle } from "../helpers/oracle.ts";

function field(info: string, name: string): number {
  const m = new RegExp(`${name}:(\\d+)`).exec(info);
  assert.ok(m, `${name} missing`);
  return Number(m[1]);
}

Deno.test("blocking: INFO clients counts blocked clients, their keys and timeouts", async () => {
  await withServer(async (srv, c) => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    await a.send("BLPOP", "k1", "k2", "0");
    await new Promise((r) => setTimeout(r, 30)); // a blocks first
    await b.send("BLPOP", "k2", "30");
    await new Promise((r) => setTimeout(r, 50));
    let info = await c.call("INFO", "clients") as string;
    assert.equal(field(info, "blocked_clients"), 2);
    assert.equal(field(info, "total_blocking_keys"), 2); // k1 and k2, counted once each
    assert.equal(field(info, "clients_in_timeout_table"), 1);
    assert.equal(await c.call("RPUSH", "k2", "x", "y"), 2);
    assert.deepEqual(await a.read(), ["k2", "x"]);
    assert.deepEqual(await b.read(), ["k2", "y"]);
    info = await c.call("INFO", "clients") as string;
    assert.equal(field(info, "blocked_clients"), 0);
    assert.equal(field(info, "total_blocking_keys"), 0);
    assert.equal(field(info, "clients_in_timeout_table"), 0);
    a.close();
    b.close();
  });
});

/** usec and calls of `cmd` in INFO commandstats. */
function cmdstat(info: string, cmd: string): { calls: number; usec: number } {
  const m = new RegExp(`cmdstat_${cmd}:calls=(\\d+),usec=(\\d+)`).exec(info);
  assert.ok(m, `cmdstat_${cmd} missing`);
  return { calls: Number(m[1]), usec: Number(m[2]) };
}

Deno.test("blocking: INFO commandstats times a blocked command's work, not its wait (as redis-server)", async () => {
  const oracle = haveRedis() ? await Oracle.start() : null;
  try {
    await withServer(async (srv, c) => {
      const sides: [string, RawClient][] = [["ours", c]];
      if (oracle) sides.push(["redis", await RawClient.connect(oracle.port)]);
      for (const [name, conn] of sides) {
        assert.equal(await conn.call("BLPOP", "nolist", "0.3"), null, name); // times out
        const w = await RawClient.connect(name === "ours" ? srv.port : oracle!.port);
        const id = await w.call("CLIENT", "ID") as number;
        await w.send("BLPOP", "other", "0");
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await conn.call("CLIENT", "UNBLOCK", String(id), "ERROR"), 1, name);
        assert.match(String((await w.read() as { error: string }).error), /^UNBLOCKED/, name);
        w.close();
        const blpop = cmdstat(await conn.call("INFO", "commandstats") as string, "blpop");
        assert.equal(blpop.calls, 2, name);
        // 0.6 s were spent blocked; the work is microseconds (Redis: tens).
        assert.ok(blpop.usec < 100_000, `${name}: usec=${blpop.usec}`);
      }
      if (oracle) sides[1][1].close();
    });
  } finally {
    await oracle?.stop();
  }
});
