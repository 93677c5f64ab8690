/**
 * Keyspace events of the stream commands, compared with redis-server 7.0: each server gets
 * `notify-keyspace-events KEA`, a subscriber on `__keyevent@0__:*` records what a script of stream
 * writes (XADD with trimming, XDEL, XTRIM, XSETID, XGROUP subcommands, XREADGROUP creating a
 * consumer, XCLAIM, XAUTOCLAIM) emits, in order.
 */
import assert from "node:assert/strict";
import { Oracle, type Script } from "../helpers/oracle.ts";
import { RawClient, type RespValue } from "../helpers/resp.ts";
import { startServer } from "../../src/mod.ts";

const SCRIPT: Script = [
  ["XADD", "s", "1-1", "f", "v"],
  ["XADD", "s", "2-1", "f", "v"],
  ["XADD", "s", "MAXLEN", "1", "3-1", "f", "v"],
  ["XADD", "s", "NOMKSTREAM", "4-1", "f", "v"],
  ["XADD", "nokey", "NOMKSTREAM", "4-1", "f", "v"],
  ["XDEL", "s", "4-1", "9-9"],
  ["XDEL", "s", "9-9"],
  ["XTRIM", "s", "MAXLEN", "0"],
  ["XTRIM", "s", "MAXLEN", "0"],
  ["XSETID", "s", "10-1"],
  ["XGROUP", "CREATE", "s", "g", "$"],
  ["XGROUP", "CREATE", "t", "g", "$", "MKSTREAM"],
  ["XGROUP", "SETID", "s", "g", "0"],
  ["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
  ["XADD", "s", "11-1", "f", "v"],
  ["XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"],
  ["XCLAIM", "s", "g", "c3", "0", "11-1"],
  ["XAUTOCLAIM", "s", "g", "c4", "0", "0"],
  ["XACK", "s", "g", "11-1"],
  ["XGROUP", "DELCONSUMER", "s", "g", "c1"],
  ["XGROUP", "DESTROY", "s", "g"],
  ["SET", "end", "1"],
];

async function eventsOf(port: number): Promise<string[]> {
  const sub = await RawClient.connect(port);
  const c = await RawClient.connect(port);
  try {
    await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
    await sub.call("PSUBSCRIBE", "__keyevent@0__:*");
    for (const cmd of SCRIPT) await c.call(...cmd);
    const out: string[] = [];
    while (true) {
      const m = await sub.read() as RespValue[];
      const ev = `${String(m[2]).slice("__keyevent@0__:".length)} ${m[3]}`;
      if (ev === "set end") break;
      out.push(ev);
    }
    return out;
  } finally {
    sub.close();
    c.close();
  }
}

Deno.test("stream keyspace events match redis-server", async () => {
  const srv = await startServer();
  const oracle = await Oracle.start();
  try {
    const ours = await eventsOf(srv.port);
    const theirs = await eventsOf(oracle.port);
    assert.deepEqual(ours, theirs);
    assert.ok(ours.includes("xgroup-createconsumer s"));
  } finally {
    await srv.close();
    await oracle.stop();
  }
});
