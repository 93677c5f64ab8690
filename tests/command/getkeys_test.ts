/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS: key extraction (key specs, keyword and keynum searches, the
 * native finders of SORT, SET, BITFIELD, MIGRATE, XREAD, EVAL…) compared with the 7.0 oracle for
 * command lines of every kind, whether the command is implemented yet or not; the same over TCP for
 * the registered ones; and the 8.x commands against their documented key layout.
 */
import assert from "node:assert/strict";
import { haveRedis, Oracle, sideBySide } from "../helpers/oracle.ts";
import { RawClient } from "../helpers/resp.ts";
import { addGetKeys } from "../../src/commands/command.ts";
import { extractKeys, getKeys } from "../../src/commands/keys_extract.ts";
import { lookupCommandForArgv } from "../../src/commands/table.ts";
import { fullTable, renderReply } from "./meta_helpers.ts";

const ignore = !haveRedis();

/**
 * Where 8.2 differs from the 7.0 oracle: COMMAND GETKEYS takes a lone command name since 7.2
 * (arity -3, 7.0 replies an arity error), and 7.2 corrected SINTERSTORE's destination to OW.
 */
function differsIn82(sub: string, line: string[]): boolean {
  return line.length === 1 || (sub === "GETKEYSANDFLAGS" && line[0] === "SINTERSTORE");
}

/** Command lines whose keys (or errors) are compared with the oracle. */
const LINES: string[][] = [
  // fixed positions, ranges, steps
  ["GET", "k"],
  ["SET", "k", "v"],
  ["SET", "k", "v", "GET"],
  ["SET", "k", "v", "EX", "10", "get"],
  ["SET", "k", "v", "NX", "GETX"],
  ["MSET", "a", "1", "b", "2", "c", "3"],
  ["MSET", "a", "1", "b"],
  ["MGET", "a", "b", "c"],
  ["DEL", "a", "b"],
  ["EXISTS", "a"],
  ["RENAME", "a", "b"],
  ["COPY", "a", "b", "DB", "1"],
  ["LMOVE", "a", "b", "LEFT", "RIGHT"],
  ["BLPOP", "a", "b", "0"],
  ["BRPOPLPUSH", "a", "b", "0"],
  ["SMOVE", "a", "b", "m"],
  ["SINTERSTORE", "d", "a", "b"],
  ["SDIFF", "a", "b", "c"],
  ["BITOP", "AND", "d", "a", "b"],
  ["PFMERGE", "d", "a", "b"],
  ["PFCOUNT", "a", "b"],
  ["GETEX", "k", "PERSIST"],
  ["OBJECT", "ENCODING", "k"],
  ["OBJECT", "FREQ", "k"],
  ["MEMORY", "USAGE", "k", "SAMPLES", "5"],
  ["XINFO", "STREAM", "s", "FULL"],
  ["XGROUP", "CREATE", "s", "g", "$"],
  ["XADD", "s", "*", "f", "v"],
  ["XAUTOCLAIM", "s", "g", "c", "0", "0"],
  ["LCS", "a", "b", "LEN"],
  ["GEOSEARCHSTORE", "d", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "km"],
  ["ZRANGESTORE", "d", "s", "0", "-1"],
  ["WATCH", "a", "b"],
  ["TOUCH", "a"],
  ["DUMP", "k"],
  ["RESTORE", "k", "0", "payload"],
  // keynum specs and their fallbacks
  ["ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"],
  ["ZUNIONSTORE", "d", "0", "a"],
  ["ZUNIONSTORE", "d", "3", "a", "b"],
  ["ZUNIONSTORE", "d", "2x", "a", "b"],
  ["ZUNIONSTORE", "d", "-1", "a"],
  ["ZINTERSTORE", "d", "1", "a"],
  ["ZDIFFSTORE", "d", "2", "a", "b"],
  ["ZUNION", "2", "a", "b", "WITHSCORES"],
  ["ZINTER", "1", "a"],
  ["ZDIFF", "2", "a", "b"],
  ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
  ["SINTERCARD", "2", "a", "b"],
  ["SINTERCARD", "0", "a"],
  ["SINTERCARD", "3", "a", "b"],
  ["LMPOP", "2", "a", "b", "LEFT"],
  ["LMPOP", "1x", "a", "LEFT"],
  ["BLMPOP", "0", "2", "a", "b", "LEFT"],
  ["ZMPOP", "1", "a", "MIN"],
  ["BZMPOP", "0", "1", "a", "MAX", "COUNT", "2"],
  ["EVAL", "return 1", "0"],
  ["EVAL", "return 1", "2", "a", "b", "arg"],
  ["EVAL", "return 1", "3", "a", "b"],
  ["EVAL", "return 1", "x"],
  ["EVALSHA", "abc", "1", "a"],
  ["EVAL_RO", "return 1", "1", "a"],
  ["EVALSHA_RO", "abc", "0"],
  ["FCALL", "f", "1", "a", "x"],
  ["FCALL_RO", "f", "0"],
  // keyword searches
  ["XREAD", "STREAMS", "a", "b", "0", "0"],
  ["XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "a", "0"],
  ["XREAD", "STREAMS", "a", "b", "0"],
  ["XREAD", "STREAMS", "a"],
  ["XREAD", "COUNT", "1", "a", "0"],
  ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", ">"],
  ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "NOACK", "STREAMS", "a", "b", ">", ">"],
  ["XREADGROUP", "GROUP", "STREAMS", "c", "STREAMS", "a", ">"],
  ["GEORADIUS", "k", "0", "0", "1", "km"],
  ["GEORADIUS", "k", "0", "0", "1", "km", "STORE", "d"],
  ["GEORADIUS", "k", "0", "0", "1", "km", "STOREDIST", "d", "STORE", "e"],
  ["GEORADIUS", "k", "0", "0", "1", "km", "STORE"],
  ["GEORADIUSBYMEMBER", "k", "m", "1", "km", "STORE", "d"],
  ["GEORADIUS_RO", "k", "0", "0", "1", "km"],
  ["MIGRATE", "h", "6379", "k", "0", "1000"],
  ["MIGRATE", "h", "6379", "", "0", "1000", "KEYS", "a", "b"],
  ["MIGRATE", "h", "6379", "", "0", "1000", "COPY", "AUTH", "pw", "KEYS", "a"],
  ["MIGRATE", "h", "6379", "k", "0", "1000", "KEYS", "a"],
  ["MIGRATE", "h", "6379", "", "0", "1000", "AUTH2", "u", "KEYS", "KEYS", "a"],
  // unknown specs: native finders
  ["SORT", "k"],
  ["SORT", "k", "STORE", "d"],
  ["SORT", "k", "BY", "store", "LIMIT", "0", "1", "GET", "#", "STORE", "d", "STORE", "e"],
  ["SORT", "k", "STORE"],
  ["SORT_RO", "k", "BY", "w_*"],
  ["BITFIELD", "k", "GET", "u8", "0"],
  ["BITFIELD", "k", "GET", "u8", "0", "SET", "u8", "0", "1"],
  ["BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "1"],
  ["BITFIELD", "k", "OVERFLOW", "SAT"],
  ["BITFIELD", "k", "BOGUS"],
  ["BITFIELD", "k"],
  ["BITFIELD_RO", "k", "GET", "u8", "0"],
  // not keys, no keys, errors
  ["PUBLISH", "ch", "msg"],
  ["SPUBLISH", "ch", "msg"],
  ["SSUBSCRIBE", "a", "b"],
  ["PING"],
  ["FLUSHALL"],
  ["CLIENT", "LIST"],
  ["CLIENT"],
  ["CLIENT", "NOSUCH"],
  ["NOSUCH", "a"],
  ["GET"],
  ["GET", "a", "b"],
  ["OBJECT", "ENCODING"],
  ["SCAN", "0"],
  ["KEYS", "*"],
];

Deno.test({
  name: "COMMAND GETKEYS / GETKEYSANDFLAGS: every kind of key layout matches the oracle",
  ignore,
  async fn() {
    const oracle = await Oracle.start();
    const redis = await RawClient.connect(oracle.port);
    const table = fullTable();
    try {
      for (const proto of [2, 3] as const) {
        await redis.call("HELLO", String(proto));
        for (const line of LINES) {
          for (const sub of ["GETKEYS", "GETKEYSANDFLAGS"]) {
            if (differsIn82(sub, line)) continue;
            const expected = await redis.callRaw("COMMAND", sub, ...line);
            const got = renderReply(proto, (r) => addGetKeys(r, table, line, sub === "GETKEYSANDFLAGS"));
            assert.equal(got, expected, `COMMAND ${sub} ${line.join(" ")} (RESP${proto})`);
          }
        }
      }
    } finally {
      redis.close();
      await oracle.stop();
    }
  },
});

Deno.test({
  name: "COMMAND GETKEYS over TCP: registered commands match the oracle, errors included",
  ignore,
  async fn() {
    await sideBySide(async ({ srv, ours, redis }) => {
      const lines = LINES.filter((l) => {
        const cmd = lookupCommandForArgv(srv.server.commands, l);
        return cmd !== undefined || l[0] === "NOSUCH";
      });
      lines.push(["COMMAND"], ["COMMAND", "GETKEYS"], ["COMMAND", "GETKEYS", "GET", "k"]);
      for (const line of lines) {
        for (const sub of ["GETKEYS", "GETKEYSANDFLAGS"]) {
          if (differsIn82(sub, line)) continue;
          assert.equal(
            await ours.callRaw("COMMAND", sub, ...line),
            await redis.callRaw("COMMAND", sub, ...line),
            `COMMAND ${sub} ${line.join(" ")}`,
          );
        }
      }
    });
  },
});

Deno.test("COMMAND GETKEYS: 8.2 behaviour where 7.0 differs", () => {
  const table = fullTable();
  const reply = (sub: string, ...line: string[]) =>
    renderReply(2, (r) => addGetKeys(r, table, line, sub === "GETKEYSANDFLAGS"));
  assert.equal(reply("GETKEYS", "PING"), "-ERR The command has no key arguments\r\n");
  assert.equal(reply("GETKEYS", "FLUSHALL"), "-ERR The command has no key arguments\r\n");
  assert.equal(reply("GETKEYS", "GET"), "-ERR Invalid number of arguments specified for command\r\n");
  assert.equal(
    reply("GETKEYSANDFLAGS", "SINTERSTORE", "d", "a"),
    "*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n",
  );
});

Deno.test("COMMAND GETKEYS: Redis 8 commands follow their documented key specs", () => {
  const table = fullTable();
  const keys = (...line: string[]) => {
    const r = getKeys(lookupCommandForArgv(table, line)!, line);
    return "error" in r ? r.error : r.map((k) => line[k.pos]);
  };
  assert.deepEqual(keys("HGETDEL", "h", "FIELDS", "1", "f"), ["h"]);
  assert.deepEqual(keys("HGETEX", "h", "EX", "10", "FIELDS", "1", "f"), ["h"]);
  assert.deepEqual(keys("HSETEX", "h", "FIELDS", "1", "f", "v"), ["h"]);
  assert.deepEqual(keys("HEXPIRE", "h", "10", "FIELDS", "1", "f"), ["h"]);
  assert.deepEqual(keys("XDELEX", "s", "IDS", "1", "1-1"), ["s"]);
  assert.deepEqual(keys("XACKDEL", "s", "g", "ACKED", "IDS", "1", "1-1"), ["s"]);
  assert.equal(keys("HGETDEL", "h", "FIELDS", "1"), "ERR Invalid number of arguments specified for command");
  assert.equal(keys("CLUSTER", "SLOT-STATS", "SLOTSRANGE", "0", "1"), "ERR The command has no key arguments");
  assert.equal(keys("WAITAOF", "0", "0", "0"), "ERR The command has no key arguments");
});

Deno.test("key extraction: flags of keyword, keynum and native finders", () => {
  const table = fullTable();
  const flags = (...line: string[]) =>
    extractKeys(lookupCommandForArgv(table, line)!, line).map((k) => [line[k.pos], k.flags]);
  // SET's key is read too only with GET.
  const [[, plainSet]] = flags("SET", "k", "v");
  const [[, getSet]] = flags("SET", "k", "v", "GET");
  assert.notEqual(plainSet, getSet);
  // A line that does not fit the key layout gives no keys rather than throwing.
  assert.deepEqual(flags("ZUNIONSTORE", "d", "5", "a"), []);
  assert.deepEqual(flags("XREAD", "COUNT"), []);
});
