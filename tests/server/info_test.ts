/**
 * INFO: sections and field names (Redis 8.2's, a superset of the 7.0 oracle's in the same order),
 * values that track the server's state, section selection, RESP3 verbatim replies, errorstats and
 * commandstats counting compared with redis-server.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { assertSameReplies, differential, Oracle, replay, type Script } from "../helpers/oracle.ts";

/** Parses INFO text into sections: title → [field, value][] in order. */
function parseInfo(text: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  let cur: [string, string][] | null = null;
  for (const line of text.split("\r\n")) {
    if (line.startsWith("# ")) {
      cur = [];
      out.set(line.slice(2), cur);
    } else if (line !== "" && cur) {
      const i = line.indexOf(":");
      cur.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

async function info(c: RawClient, ...sections: string[]): Promise<Map<string, [string, string][]>> {
  const r = await c.call("INFO", ...sections);
  assert.equal(typeof r, "string");
  return parseInfo(r as string);
}

function field(sections: Map<string, [string, string][]>, section: string, name: string): string {
  const f = sections.get(section)?.find(([k]) => k === name);
  assert.ok(f, `missing ${section}.${name}`);
  return f[1];
}

/** True when `sub` appears in `seq` in the same relative order. */
function isSubsequence(sub: string[], seq: string[]): boolean {
  let i = 0;
  for (const s of seq) if (i < sub.length && s === sub[i]) i++;
  return i === sub.length;
}

Deno.test("info: default sections in Redis 8.2's order; all/everything add commandstats and latencystats", async () => {
  await withServer(async (_srv, c) => {
    const dflt = [...(await info(c)).keys()];
    assert.deepEqual(dflt, [
      "Server",
      "Clients",
      "Memory",
      "Persistence",
      "Threads",
      "Stats",
      "Replication",
      "CPU",
      "Modules",
      "Errorstats",
      "Cluster",
      "Keyspace",
    ]);
    assert.deepEqual([...(await info(c, "default")).keys()], dflt);
    const all = [...(await info(c, "all")).keys()];
    assert.deepEqual(all, [...dflt.slice(0, 9), "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"]);
    assert.deepEqual([...(await info(c, "everything")).keys()], all);
    // Several sections, any case, come out in the canonical order.
    assert.deepEqual([...(await info(c, "CPU", "memory", "Server")).keys()], ["Server", "Memory", "CPU"]);
    assert.deepEqual([...(await info(c, "default", "commandstats")).keys()].includes("Commandstats"), true);
  });
});

Deno.test("info: every field redis-server 7.0 prints is present, in the same order, in each section", async () => {
  const oracle = await Oracle.start();
  try {
    const rc = await RawClient.connect(oracle.port);
    const theirs = await info(rc, "everything");
    rc.close();
    await withServer(async (_srv, c) => {
      const ours = await info(c, "everything");
      for (const [title, fields] of theirs) {
        if (title === "Latencystats" || title === "Commandstats" || title === "Errorstats" || title === "Keyspace") {
          continue; // per-command / per-error / per-db lines, compared elsewhere
        }
        assert.ok(ours.has(title), `section ${title}`);
        const names = fields.map(([k]) => k);
        const ourNames = ours.get(title)!.map(([k]) => k);
        assert.ok(isSubsequence(names, ourNames), `${title}: ${names.filter((n) => !ourNames.includes(n))}`);
      }
    });
  } finally {
    await oracle.stop();
  }
});

Deno.test("info: server, clients, memory and persistence fields follow the server's state", async () => {
  await withServer(async (srv, c) => {
    let s = await info(c, "server");
    assert.equal(field(s, "Server", "redis_version"), "8.2.4");
    assert.match(field(s, "Server", "redeno_version"), /^\d+\.\d+\.\d+/);
    assert.equal(field(s, "Server", "tcp_port"), String(srv.port));
    assert.equal(field(s, "Server", "process_id"), String(Deno.pid));
    assert.equal(field(s, "Server", "run_id"), srv.server.runId);
    assert.equal(field(s, "Server", "redis_mode"), "standalone");
    assert.equal(field(s, "Server", "arch_bits"), "64");
    assert.equal(field(s, "Server", "hz"), "10");
    assert.equal(field(s, "Server", "listener0"), `name=tcp,bind=127.0.0.1,port=${srv.port}`);
    assert.ok(Number(field(s, "Server", "uptime_in_seconds")) >= 0);
    const usec = Number(field(s, "Server", "server_time_usec"));
    assert.ok(Math.abs(usec / 1000 - Date.now()) < 5000);
    assert.equal(Number(field(s, "Server", "lru_clock")), Math.floor(Date.now() / 1000) & 0xffffff);

    const others = await Promise.all([1, 2, 3].map(() => RawClient.connect(srv.port)));
    for (const o of others) await o.call("PING");
    s = await info(c, "clients");
    assert.equal(field(s, "Clients", "connected_clients"), "4");
    assert.equal(field(s, "Clients", "maxclients"), "10000");
    for (const o of others) o.close();

    s = await info(c, "memory");
    const used = Number(field(s, "Memory", "used_memory"));
    assert.ok(used > 0);
    assert.match(field(s, "Memory", "used_memory_human"), /^\d+\.\d\d[KMG]$/);
    assert.ok(Number(field(s, "Memory", "used_memory_rss")) > 0);
    assert.ok(Number(field(s, "Memory", "used_memory_peak")) >= used);
    assert.equal(field(s, "Memory", "maxmemory"), "104857600");
    assert.equal(field(s, "Memory", "maxmemory_human"), "100.00M");
    assert.equal(field(s, "Memory", "maxmemory_policy"), "allkeys-lru");
    assert.match(field(s, "Memory", "used_memory_peak_perc"), /^\d+\.\d\d%$/);

    const before = Number(field(await info(c, "persistence"), "Persistence", "rdb_changes_since_last_save"));
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "2");
    const after = Number(field(await info(c, "persistence"), "Persistence", "rdb_changes_since_last_save"));
    assert.equal(after - before, 2);

    s = await info(c, "replication", "cpu", "cluster", "threads");
    assert.equal(field(s, "Replication", "role"), "master");
    assert.equal(field(s, "Replication", "connected_slaves"), "0");
    assert.match(field(s, "Replication", "master_replid"), /^[0-9a-f]{40}$/);
    assert.match(field(s, "CPU", "used_cpu_user"), /^\d+\.\d{6}$/);
    assert.equal(field(s, "Cluster", "cluster_enabled"), "0");
    assert.match(field(s, "Threads", "io_thread_0"), /^clients=1,reads=\d+,writes=\d+$/);
  }, { config: { maxmemory: "100mb", "maxmemory-policy": "allkeys-lru" } });
});

Deno.test("info: stats count commands, connections, keyspace hits and misses", async () => {
  await withServer(async (srv, c) => {
    const s1 = await info(c, "stats");
    const cmds1 = Number(field(s1, "Stats", "total_commands_processed"));
    await c.call("SET", "k", "v");
    await c.call("GET", "k");
    await c.call("GET", "nope");
    const other = await RawClient.connect(srv.port);
    await other.call("PING");
    other.close();
    const s2 = await info(c, "stats");
    // INFO itself counts once it has run: SET, GET, GET, PING, INFO (the first one).
    assert.equal(Number(field(s2, "Stats", "total_commands_processed")) - cmds1, 5);
    assert.equal(field(s2, "Stats", "total_connections_received"), "2");
    assert.equal(field(s2, "Stats", "keyspace_hits"), "1");
    assert.equal(field(s2, "Stats", "keyspace_misses"), "1");
    assert.ok(Number(field(s2, "Stats", "total_net_input_bytes")) > 0);
  });
});

Deno.test("info: keyspace lists non-empty databases with keys and expires", async () => {
  await withServer(async (srv, c) => {
    assert.equal((await info(c, "keyspace")).get("Keyspace")!.length, 0);
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "2");
    await c.call("SELECT", "3");
    await c.call("SET", "c", "3");
    srv.server.dbs[3].setExpire("c", Date.now() + 100_000);
    const ks = (await info(c, "keyspace")).get("Keyspace")!;
    assert.deepEqual(ks.map(([k]) => k), ["db0", "db3"]);
    assert.equal(ks[0][1], "keys=2,expires=0,avg_ttl=0,subexpiry=0");
    assert.match(ks[1][1], /^keys=1,expires=1,avg_ttl=\d+,subexpiry=0$/);
  });
});

Deno.test("info: unknown sections give an empty reply, like redis-server", async () => {
  const script: Script = [["INFO", "nosuchsection"], ["INFO", "nosuch", "other"]];
  assertSameReplies(script, await differential(script));
});

Deno.test("info: RESP3 replies are verbatim strings", async () => {
  await withServer(async (_srv, c) => {
    await c.call("HELLO", "3");
    const raw = await c.callRaw("INFO", "server");
    assert.match(raw, /^=\d+\r\ntxt:# Server\r\nredis_version:8\.2\.4\r\n/);
    assert.equal(await c.callRaw("INFO", "nosuch"), "=4\r\ntxt:\r\n");
  });
});

Deno.test("info: errorstats counts errors by code exactly like redis-server", async () => {
  const script: Script = [
    ["NOSUCHCOMMAND"],
    ["GET"],
    ["SET", "k", "v", "EX", "notanumber"],
    ["CLIENT", "NOSUCH"],
    ["DEBUG", "ERROR", "MYERR boom"],
    ["HELLO", "9"],
    ["AUTH", "nopassword"],
    ["INFO", "errorstats"],
  ];
  const r = await differential(script, { config: { "enable-debug-command": "yes" } });
  assert.equal(r.ours.at(-1), r.redis.at(-1));
  assert.match(r.ours.at(-1)!, /errorstat_ERR:count=5\r\nerrorstat_NOPROTO:count=1\r\n/);
  assert.equal(r.ours[4], "-MYERR boom\r\n"); // DEBUG ERROR replies bypass errorstats
});

Deno.test("info: commandstats counts calls, rejected and failed calls like redis-server", async () => {
  // (No PING here: the oracle helper pings redis-server while waiting for it to start.)
  const script: Script = [
    ["ECHO", "1"],
    ["ECHO", "2"],
    ["SET", "a", "b"],
    ["GET", "a"],
    ["GET"],
    ["CLIENT", "ID"],
    ["CLIENT", "NOSUCH"],
    ["DEBUG", "ERROR", "x"],
    ["DEBUG", "OBJECT", "nosuchkey"],
    ["CLIENT"],
    ["INFO", "commandstats"],
  ];
  const r = await differential(script, { config: { "enable-debug-command": "yes" } });
  const strip = (raw: string) =>
    raw.split("\r\n").filter((l) => l.startsWith("cmdstat_") && !/^cmdstat_(info|ping):/.test(l))
      .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, "")).sort();
  assert.deepEqual(strip(r.ours.at(-1)!), strip(r.redis.at(-1)!));
  assert.ok(strip(r.ours.at(-1)!).includes("cmdstat_get:calls=1,rejected_calls=1,failed_calls=0"));
});

Deno.test("info: commandstats line format", async () => {
  await withServer(async (_srv, c) => {
    await c.call("PING");
    const text = await c.call("INFO", "commandstats") as string;
    assert.match(
      text,
      /\r\ncmdstat_ping:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n/,
    );
  });
});

Deno.test("info: replies to pipelined INFO calls stay in order", async () => {
  await withServer(async (srv, _c) => {
    const r = await replay(srv.port, [["INFO", "server"], ["PING"], ["INFO", "cpu"]]);
    assert.match(r[0], /# Server/);
    assert.equal(r[1], "+PONG\r\n");
    assert.match(r[2], /# CPU/);
  });
});

Deno.test("info: commandstats usec accounts command time, also inside one pipelined batch", async () => {
  await withServer(async (_srv, c) => {
    // One read batch: a 50 ms command and cheap ones. The batch is timed as a whole, so the total
    // time must be there (split among the batch's commands), and INFO in the same batch sees it.
    await c.write(
      "*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$4\r\n0.05\r\nPING\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n",
    );
    assert.equal(await c.readRaw(), "+OK\r\n");
    await c.readRaw();
    await c.readRaw();
    const text = await c.read() as string;
    const usec = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=\\d+,usec=(\\d+)`).exec(text)?.[1] ?? -1);
    assert.ok(usec("debug") + usec("ping") >= 50000, text);
    assert.ok(usec("ping") > 0, text);
  }, { config: { "enable-debug-command": "yes" } });
});
