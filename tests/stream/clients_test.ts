/**
 * Streams from ioredis as job queues use them (BullMQ-style): a producer XADDs with `*` and an
 * approximate MAXLEN while several consumers loop on XREADGROUP BLOCK + XACK over their own
 * connections; every job is processed exactly once and the PEL drains. A crashed consumer's jobs are
 * recovered with XAUTOCLAIM. Also XADD `*` ID monotonicity under a burst within one millisecond.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { withServer } from "../helpers/server.ts";

function client(port: number): Redis {
  return new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 0 });
}

type Reply = [string, [string, string[]][]][] | null;

Deno.test("ioredis: producer + 3 blocking consumers, each job processed exactly once, PEL drains", async () => {
  await withServer(async (srv) => {
    const prod = client(srv.port);
    const workers = [client(srv.port), client(srv.port), client(srv.port)];
    try {
      await prod.xgroup("CREATE", "jobs", "workers", "$", "MKSTREAM");
      const N = 600;
      const seen = new Map<string, string>();
      let done = false;
      const loops = workers.map(async (w, i) => {
        while (!done) {
          const r = await w.xreadgroup(
            "GROUP",
            "workers",
            `w${i}`,
            "COUNT",
            5,
            "BLOCK",
            100,
            "STREAMS",
            "jobs",
            ">",
          ) as Reply;
          if (r === null) continue;
          for (const [, entries] of r) {
            for (const [id, fields] of entries) {
              assert.ok(!seen.has(id), `job ${id} delivered twice`);
              seen.set(id, fields[1]);
              assert.equal(await w.xack("jobs", "workers", id), 1);
            }
          }
        }
      });
      const ids: string[] = [];
      for (let i = 0; i < N; i++) {
        ids.push(await prod.xadd("jobs", "MAXLEN", "~", 10000, "*", "job", String(i)) as string);
        if (i % 100 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      const deadline = Date.now() + 10000;
      while (seen.size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      done = true;
      await Promise.all(loops);
      assert.equal(seen.size, N);
      for (let i = 1; i < ids.length; i++) assert.ok(cmpId(ids[i - 1], ids[i]) < 0, "ids increase");
      assert.deepEqual(await prod.xpending("jobs", "workers"), [0, null, null, null]);
      const groups = await prod.xinfo("GROUPS", "jobs") as unknown[][];
      const g = groups[0];
      assert.equal(g[g.indexOf("lag") + 1], 0);
      assert.equal(g[g.indexOf("entries-read") + 1], N);
    } finally {
      prod.disconnect();
      for (const w of workers) w.disconnect();
    }
  });
});

function cmpId(a: string, b: string): number {
  const [am, as] = a.split("-").map(BigInt);
  const [bm, bs] = b.split("-").map(BigInt);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

Deno.test("ioredis: a crashed consumer's jobs are recovered with XAUTOCLAIM; pipelined XADD ids stay ordered", async () => {
  await withServer(async (srv) => {
    const r = client(srv.port);
    try {
      await r.xgroup("CREATE", "q", "g", "0", "MKSTREAM");
      const p = r.pipeline();
      for (let i = 0; i < 50; i++) p.xadd("q", "*", "n", String(i));
      const res = await p.exec();
      const ids = res!.map(([e, id]) => {
        assert.equal(e, null);
        return id as string;
      });
      for (let i = 1; i < ids.length; i++) assert.ok(cmpId(ids[i - 1], ids[i]) < 0);
      // The "crashed" consumer takes 20 jobs and never acks.
      const got = await r.xreadgroup("GROUP", "g", "dead", "COUNT", 20, "STREAMS", "q", ">") as Reply;
      assert.equal(got![0][1].length, 20);
      await new Promise((res) => setTimeout(res, 30));
      // A healthy consumer claims those idle for ≥ 20 ms, 8 at a time, following the cursor.
      const claimed: string[] = [];
      let cursor = "0-0";
      do {
        const [next, entries] = await r.xautoclaim("q", "g", "alive", 20, cursor, "COUNT", 8) as [
          string,
          [string, string[]][],
          string[],
        ];
        for (const [id] of entries) claimed.push(id);
        cursor = next;
      } while (cursor !== "0-0");
      assert.deepEqual(claimed, ids.slice(0, 20));
      const summary = await r.xpending("q", "g") as [number, string, string, [string, string][]];
      assert.deepEqual(summary[3], [["alive", "20"]]);
      const ext = await r.xpending("q", "g", "-", "+", 1, "alive") as [string, string, number, number][];
      assert.equal(ext[0][3], 2);
    } finally {
      r.disconnect();
    }
  });
});
