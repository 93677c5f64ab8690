/**
 * CLIENT: LIST/INFO line format (field names against redis-server's, plus Redis 8.2's additions),
 * SETNAME/GETNAME/SETINFO/ID, KILL in both forms and every filter, REPLY ON/OFF/SKIP, PAUSE WRITE/ALL
 * holding commands then releasing them, UNPAUSE, NO-EVICT/NO-TOUCH flags and the error replies.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { encodeCommand, RawClient } from "../helpers/resp.ts";
import { assertSameReplies, differential, Oracle, type Script } from "../helpers/oracle.ts";

/** Fields Redis added after 7.0 (so absent from the oracle's lines). */
const NEWER_FIELDS = ["watch", "lib-name", "lib-ver", "io-thread", "tot-net-in", "tot-net-out", "tot-cmds"];
const FIELDS_82 = [
  "id",
  "addr",
  "laddr",
  "fd",
  "name",
  "age",
  "idle",
  "flags",
  "db",
  "sub",
  "psub",
  "ssub",
  "multi",
  "watch",
  "qbuf",
  "qbuf-free",
  "argv-mem",
  "multi-mem",
  "rbs",
  "rbp",
  "obl",
  "oll",
  "omem",
  "tot-mem",
  "events",
  "cmd",
  "user",
  "redir",
  "resp",
  "lib-name",
  "lib-ver",
  "io-thread",
  "tot-net-in",
  "tot-net-out",
  "tot-cmds",
]; // deno-fmt-ignore

function parseLine(line: string): Map<string, string> {
  return new Map(line.split(" ").map((kv) => {
    const i = kv.indexOf("=");
    return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
  }));
}

/** Sends every command in one write, then an ECHO marker; returns the raw bytes before the marker. */
async function exchange(port: number, script: Script): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    await c.write(script.map((cmd) => encodeCommand(cmd)).join("") + encodeCommand(["ECHO", "__end__"]));
    let out = "";
    while (true) {
      const r = await c.readRaw();
      if (r === "$7\r\n__end__\r\n") return out;
      out += r;
    }
  } finally {
    c.close();
  }
}

Deno.test("client list: Redis 8.2's fields in order; the 7.0 subset matches redis-server's names and values", async () => {
  const oracle = await Oracle.start();
  try {
    const rc = await RawClient.connect(oracle.port);
    const theirs = parseLine((await rc.call("CLIENT", "LIST") as string).trimEnd());
    rc.close();
    await withServer(async (srv, c) => {
      const text = await c.call("CLIENT", "LIST") as string;
      assert.ok(text.endsWith("\n"));
      const ours = parseLine(text.trimEnd());
      assert.deepEqual([...ours.keys()], FIELDS_82);
      assert.deepEqual([...ours.keys()].filter((k) => !NEWER_FIELDS.includes(k)), [...theirs.keys()]);
      for (const k of ["name", "flags", "db", "sub", "psub", "ssub", "multi", "argv-mem", "multi-mem"]) {
        assert.equal(ours.get(k), theirs.get(k), k);
      }
      for (const k of ["obl", "oll", "omem", "events", "cmd", "user", "redir", "resp"]) {
        assert.equal(ours.get(k), theirs.get(k), k);
      }
      assert.equal(ours.get("laddr"), `127.0.0.1:${srv.port}`);
      assert.match(ours.get("addr")!, /^127\.0\.0\.1:\d+$/);
      assert.equal(ours.get("watch"), "0");
      assert.equal(ours.get("io-thread"), "0");
      assert.equal(ours.get("tot-net-in"), String(encodeCommand(["CLIENT", "LIST"]).length));
      assert.equal(ours.get("tot-cmds"), "0");
    });
  } finally {
    await oracle.stop();
  }
});

Deno.test("client list: one line per client in connection order; TYPE and ID filters", async () => {
  await withServer(async (srv, c) => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    await a.call("CLIENT", "SETNAME", "alpha");
    await b.call("SELECT", "5");
    const myId = await c.call("CLIENT", "ID") as number;
    const aId = await a.call("CLIENT", "ID") as number;
    const lines = (await c.call("CLIENT", "LIST") as string).trimEnd().split("\n").map(parseLine);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((l) => Number(l.get("id"))), [myId, aId, aId + 1]);
    assert.equal(lines[1].get("name"), "alpha");
    assert.equal(lines[1].get("cmd"), "client|id");
    assert.equal(lines[2].get("db"), "5");
    assert.equal(lines[2].get("cmd"), "select");
    assert.equal(lines[0].get("cmd"), "client|list");
    assert.equal(lines[1].get("tot-cmds"), "2");

    const byId = (await c.call("CLIENT", "LIST", "ID", aId, 999999, myId) as string).trimEnd().split("\n");
    assert.deepEqual(byId.map((l) => Number(parseLine(l).get("id"))), [aId, myId]);
    assert.equal((await c.call("CLIENT", "LIST", "TYPE", "normal") as string).trimEnd().split("\n").length, 3);
    assert.equal(await c.call("CLIENT", "LIST", "TYPE", "pubsub"), "");
    assert.equal(await c.call("CLIENT", "LIST", "TYPE", "replica"), "");
    a.close();
    b.close();
  });
});

Deno.test("client info: the caller's line, verbatim under RESP3", async () => {
  await withServer(async (_srv, c) => {
    await c.call("CLIENT", "SETNAME", "me");
    const line = await c.call("CLIENT", "INFO") as string;
    assert.ok(line.endsWith("\n") && !line.trimEnd().includes("\n"));
    const f = parseLine(line.trimEnd());
    assert.equal(f.get("name"), "me");
    assert.equal(f.get("cmd"), "client|info");
    assert.equal(f.get("resp"), "2");
    await c.call("HELLO", "3");
    const raw = await c.callRaw("CLIENT", "INFO");
    assert.match(raw, /^=\d+\r\ntxt:id=\d+ .* resp=3 /);
  });
});

Deno.test("client info: tot-net-in, tot-net-out and tot-cmds advance per command", async () => {
  await withServer(async (_srv, c) => {
    const f1 = parseLine((await c.call("CLIENT", "INFO") as string).trimEnd());
    const f2 = parseLine((await c.call("CLIENT", "INFO") as string).trimEnd());
    assert.equal(Number(f2.get("tot-net-in")) - Number(f1.get("tot-net-in")), 26); // "*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n"
    assert.ok(Number(f2.get("tot-net-out")) - Number(f1.get("tot-net-out")) > 300);
    assert.equal(Number(f2.get("tot-cmds")) - Number(f1.get("tot-cmds")), 1);
  });
});

Deno.test("client setname/getname/id and their errors match redis-server", async () => {
  const script: Script = [
    ["CLIENT", "GETNAME"],
    ["CLIENT", "SETNAME", "worker-1"],
    ["CLIENT", "GETNAME"],
    ["CLIENT", "SETNAME", "has space"],
    ["CLIENT", "SETNAME", "new\nline"],
    ["CLIENT", "SETNAME", "caf\xc3\xa9"],
    ["CLIENT", "GETNAME"],
    ["CLIENT", "SETNAME", ""],
    ["CLIENT", "GETNAME"],
    ["CLIENT", "SETNAME"],
    ["CLIENT", "NOSUCH"],
    ["CLIENT"],
    ["CLIENT", "LIST", "TYPE", "bogus"],
    ["CLIENT", "LIST", "ID", "abc"],
    ["CLIENT", "LIST", "ID"],
    ["CLIENT", "LIST", "bogus"],
    ["CLIENT", "LIST", "ID", "99999"],
    ["CLIENT", "REPLY", "maybe"],
    ["CLIENT", "NO-EVICT", "maybe"],
    ["CLIENT", "NO-EVICT", "on"],
    ["CLIENT", "NO-EVICT", "off"],
    ["CLIENT", "PAUSE", "abc"],
    ["CLIENT", "PAUSE", "-1"],
    ["CLIENT", "PAUSE", "10", "sometimes"],
    ["CLIENT", "PAUSE", "10", "write", "extra"],
    ["CLIENT", "UNPAUSE", "extra"],
  ];
  assertSameReplies(script, await differential(script));
});

Deno.test("client setinfo and no-touch (Redis 7.2+/8.2, asserted from the docs)", async () => {
  await withServer(async (_srv, c) => {
    assert.equal(await c.call("CLIENT", "SETINFO", "LIB-NAME", "mylib"), "OK");
    assert.equal(await c.call("CLIENT", "SETINFO", "lib-ver", "1.2.3"), "OK");
    let f = parseLine((await c.call("CLIENT", "INFO") as string).trimEnd());
    assert.equal(f.get("lib-name"), "mylib");
    assert.equal(f.get("lib-ver"), "1.2.3");
    assert.deepEqual(await c.call("CLIENT", "SETINFO", "lib-name", "my lib"), {
      error: "ERR lib-name cannot contain spaces, newlines or special characters.",
    });
    assert.deepEqual(await c.call("CLIENT", "SETINFO", "LIB-VER", "1\n2"), {
      error: "ERR LIB-VER cannot contain spaces, newlines or special characters.",
    });
    assert.deepEqual(await c.call("CLIENT", "SETINFO", "color", "red"), { error: "ERR Unrecognized option 'color'" });
    assert.equal(await c.call("CLIENT", "SETINFO", "lib-name", ""), "OK");
    f = parseLine((await c.call("CLIENT", "INFO") as string).trimEnd());
    assert.equal(f.get("lib-name"), "");

    assert.equal(await c.call("CLIENT", "NO-TOUCH", "on"), "OK");
    assert.equal(await c.call("CLIENT", "NO-EVICT", "on"), "OK");
    f = parseLine((await c.call("CLIENT", "INFO") as string).trimEnd());
    assert.equal(f.get("flags"), "eT");
    assert.deepEqual(await c.call("CLIENT", "NO-TOUCH", "maybe"), { error: "ERR syntax error" });
    assert.equal(await c.call("CLIENT", "NO-TOUCH", "off"), "OK");
    assert.equal(await c.call("CLIENT", "NO-EVICT", "off"), "OK");
    f = parseLine((await c.call("CLIENT", "INFO") as string).trimEnd());
    assert.equal(f.get("flags"), "N");
  });
});

Deno.test("client help lists Redis 8.2's subcommands", async () => {
  await withServer(async (_srv, c) => {
    const help = await c.call("CLIENT", "HELP") as string[];
    assert.equal(help[0], "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (const s of ["SETINFO <option> <value>", "NO-TOUCH (ON|OFF)", "    * MAXAGE <maxage>", "HELP"]) {
      assert.ok(help.includes(s), s);
    }
    assert.equal(help.at(-1), "    Prints this help.");
  });
});

Deno.test("client reply off/on/skip: the same bytes as redis-server", async () => {
  const oracle = await Oracle.start();
  try {
    const script: Script = [
      ["CLIENT", "REPLY", "OFF"],
      ["PING", "a"],
      ["GETNAME-ERROR-IS-SILENT-TOO"],
      ["CLIENT", "REPLY", "ON"],
      ["PING", "b"],
      ["CLIENT", "REPLY", "SKIP"],
      ["PING", "c"],
      ["PING", "d"],
      ["CLIENT", "REPLY", "SKIP"],
      ["CLIENT", "REPLY", "ON"],
      ["PING", "e"],
      ["CLIENT", "REPLY", "OFF"],
      ["CLIENT", "REPLY", "SKIP"],
      ["PING", "f"],
      ["CLIENT", "REPLY", "ON"],
    ];
    const theirs = await exchange(oracle.port, script);
    await withServer(async (srv) => {
      const ours = await exchange(srv.port, script);
      assert.equal(ours, theirs);
      assert.equal(ours, "+OK\r\n$1\r\nb\r\n$1\r\nd\r\n+OK\r\n$1\r\ne\r\n+OK\r\n");
    });
  } finally {
    await oracle.stop();
  }
});

Deno.test("client kill: old addr form, kills others and itself; unknown address", async () => {
  await withServer(async (srv, c) => {
    const victim = await RawClient.connect(srv.port);
    await victim.call("PING");
    const addr = parseLine((await victim.call("CLIENT", "INFO") as string).trimEnd()).get("addr")!;
    assert.equal(await c.call("CLIENT", "KILL", addr), "OK");
    assert.equal(await victim.waitClosed(), true);
    assert.deepEqual(await c.call("CLIENT", "KILL", "1.2.3.4:5"), { error: "ERR No such client" });
    const myAddr = parseLine((await c.call("CLIENT", "INFO") as string).trimEnd()).get("addr")!;
    assert.equal(await c.call("CLIENT", "KILL", myAddr), "OK");
    assert.equal(await c.waitClosed(), true);
    assert.equal(srv.server.clients.size, 0);
  });
});

Deno.test("client kill filters: ID, TYPE, USER, ADDR, LADDR, SKIPME, MAXAGE", async () => {
  await withServer(async (srv, c) => {
    const open = () => Promise.all([0, 1, 2].map(() => RawClient.connect(srv.port)));
    let others = await open();
    const ids = await Promise.all(others.map((o) => o.call("CLIENT", "ID"))) as number[];
    assert.equal(await c.call("CLIENT", "KILL", "ID", ids[1]), 1);
    assert.equal(await others[1].waitClosed(), true);
    assert.equal(await c.call("CLIENT", "KILL", "ID", 999999), 0);
    const addr0 = parseLine((await others[0].call("CLIENT", "INFO") as string).trimEnd()).get("addr")!;
    assert.equal(await c.call("CLIENT", "KILL", "ADDR", addr0, "ID", ids[2]), 0); // filters combine (AND)
    assert.equal(await c.call("CLIENT", "KILL", "ADDR", addr0), 1);
    assert.equal(await others[0].waitClosed(), true);
    assert.equal(await others[2].call("PING"), "PONG");

    others.push(...await open());
    // LADDR matches every client here, SKIPME (default yes) spares the caller.
    assert.equal(await c.call("CLIENT", "KILL", "LADDR", `127.0.0.1:${srv.port}`, "TYPE", "pubsub"), 0);
    assert.equal(await c.call("CLIENT", "KILL", "LADDR", `127.0.0.1:${srv.port}`, "USER", "default"), 4);
    assert.equal(await c.call("PING"), "PONG");
    for (const o of others) o.close();

    // MAXAGE: only clients older than the age die (the clock is moved instead of sleeping).
    others = await open();
    for (const o of others) await o.call("PING");
    srv.server.clock.offsetMs += 10_000;
    const young = await RawClient.connect(srv.port);
    await young.call("PING");
    assert.equal(await young.call("CLIENT", "KILL", "MAXAGE", 5, "SKIPME", "yes"), 4); // the 3 + the caller c
    assert.equal(await young.call("PING"), "PONG");
    assert.equal(await c.waitClosed(), true);

    // SKIPME NO kills the caller too, after its reply.
    const peer = await RawClient.connect(srv.port);
    await peer.call("PING");
    assert.equal(await young.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"), 2);
    assert.equal(await young.waitClosed(), true);
    assert.equal(await peer.waitClosed(), true);
    for (const o of others) o.close();
  });
});

Deno.test("client kill errors match redis-server", async () => {
  const script: Script = [
    ["CLIENT", "KILL"],
    ["CLIENT", "KILL", "ID", "abc"],
    ["CLIENT", "KILL", "ID", "0"],
    ["CLIENT", "KILL", "ID", "-5"],
    ["CLIENT", "KILL", "ID", "1", "extra"],
    ["CLIENT", "KILL", "TYPE", "bogus"],
    ["CLIENT", "KILL", "TYPE", "slave"],
    ["CLIENT", "KILL", "TYPE", "master"],
    ["CLIENT", "KILL", "USER", "nobody"],
    ["CLIENT", "KILL", "SKIPME", "maybe"],
    ["CLIENT", "KILL", "FOO", "bar"],
    ["CLIENT", "KILL", "127.0.0.1:"],
    ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "no"],
  ];
  assertSameReplies(script, await differential(script));
});

Deno.test("client kill maxage errors (Redis 7.4+, asserted from the docs)", async () => {
  await withServer(async (_srv, c) => {
    const notInt = { error: "ERR maxage is not an integer or out of range" };
    assert.deepEqual(await c.call("CLIENT", "KILL", "MAXAGE", "str"), notInt);
    assert.deepEqual(await c.call("CLIENT", "KILL", "MAXAGE", "9999999999999999999"), notInt);
    assert.deepEqual(await c.call("CLIENT", "KILL", "MAXAGE", "-1"), { error: "ERR maxage should be greater than 0" });
    assert.deepEqual(await c.call("CLIENT", "KILL", "MAXAGE", "0"), { error: "ERR maxage should be greater than 0" });
  });
});

/** Resolves with the time a reply takes to arrive, or "none" when nothing comes within `ms`. */
async function timedReply(c: RawClient, ms: number): Promise<{ reply: string; after: number } | "none"> {
  const start = performance.now();
  try {
    const reply = await c.readRaw(ms);
    return { reply, after: performance.now() - start };
  } catch {
    return "none";
  }
}

Deno.test("client pause write: writes wait until the pause ends, reads go on", async () => {
  await withServer(async (srv, c) => {
    const writer = await RawClient.connect(srv.port);
    const reader = await RawClient.connect(srv.port);
    const start = performance.now();
    assert.equal(await c.call("CLIENT", "PAUSE", 400, "WRITE"), "OK");
    await writer.send("SET", "k", "v");
    assert.equal(await reader.call("GET", "k"), null);
    assert.equal(await reader.call("PING"), "PONG");
    const r = await timedReply(writer, 3000);
    assert.notEqual(r, "none");
    assert.equal((r as { reply: string }).reply, "+OK\r\n");
    assert.ok(performance.now() - start >= 390, "the SET waited for the pause");
    assert.equal(await reader.call("GET", "k"), "v");
    writer.close();
    reader.close();
  });
});

Deno.test("client pause all holds every command; unpause releases held writes at once", async () => {
  await withServer(async (srv, c) => {
    const other = await RawClient.connect(srv.port);
    assert.equal(await c.call("CLIENT", "PAUSE", 250, "ALL"), "OK");
    const start = performance.now();
    await other.send("PING");
    const r = await timedReply(other, 3000);
    assert.notEqual(r, "none");
    assert.ok(performance.now() - start >= 200, "PING waited");

    assert.equal(await c.call("CLIENT", "PAUSE", 60_000, "WRITE"), "OK");
    await other.send("SET", "x", "1");
    await new Promise((r) => setTimeout(r, 100));
    // Held: (a timed-out read would lose the late reply, so look at the server instead)
    assert.equal(srv.server.pausedClients.size, 1);
    assert.equal(await c.call("GET", "x"), null);
    assert.equal(await c.call("CLIENT", "UNPAUSE"), "OK");
    const released = await timedReply(other, 2000);
    assert.notEqual(released, "none");
    assert.equal((released as { reply: string }).reply, "+OK\r\n");
    assert.equal(srv.server.pauseUntil, 0);
    other.close();
  });
});

Deno.test("client pause: a shorter or looser pause does not shorten or loosen the current one", async () => {
  await withServer(async (srv, c) => {
    assert.equal(await c.call("CLIENT", "PAUSE", 60_000, "WRITE"), "OK");
    const until = srv.server.pauseUntil;
    assert.equal(await c.call("CLIENT", "PAUSE", 10, "WRITE"), "OK");
    assert.equal(srv.server.pauseUntil, until);
    assert.equal(srv.server.pauseWritesOnly, true);
    assert.equal(await c.call("CLIENT", "UNPAUSE"), "OK");
    assert.equal(await c.call("CLIENT", "PAUSE", 0), "OK");
    assert.equal(await c.call("SET", "a", "b"), "OK");
  });
});
