/**
 * Propagation (what goes to the AOF and to replicas).
 *
 * 1. Differential: the same scripts run, command by command, on our server (propagateHooks) and on
 *    Debian's redis-server 7.0 with `appendonly yes` + `appendfsync always` (its incremental AOF file
 *    is read after every reply). Each command's propagated operations must match: same database,
 *    same argv, absolute ms timestamps within ±2 s, auto-generated stream IDs by shape. Where Redis
 *    8.2 propagates differently from 7.0, the step turns 7.0's operations into 8.2's (`redis82`):
 *    - SET … PXAT is replicated as sent (7.2+; 7.0 rebuilt it as SET key value PXAT ms);
 *    - HINCRBYFLOAT → HSETEX key KEEPTTL FIELDS 1 field value (8.2, keeps the field TTL; 7.x: HSET);
 *    - SPOP with a count → one SREM of up to 1024 members (7.2+; 7.0: one SREM per member);
 *    - XREADGROUP → its XCLAIMs then XGROUP SETID … ENTRIESREAD (7.2+), and a NOACK consumer is
 *      created (XGROUP CREATECONSUMER) even when nothing is delivered (7.2+);
 *    - SPOP / RESTORE deleting a key follow lazyfree-lazy-server-del (UNLINK) (7.2+; 7.0: DEL).
 * 2. Replay: a random workload on our server; its propagated stream replayed into a fresh server of
 *    ours and into redis-server 7.0 must rebuild the same dataset (DEBUG DIGEST, expire times, hash
 *    field TTLs, consumer groups and their pending entries).
 * 3. Commands 7.0 does not have (hash field TTLs, HGETDEL/HGETEX/HSETEX, XDELEX/XACKDEL, XADD/XTRIM
 *    KEEPREF / DELREF / ACKED) are asserted against the Redis 8.2 source (t_hash.c, t_stream.c).
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { haveRedis, Oracle } from "../helpers/oracle.ts";
import { RawClient } from "../helpers/resp.ts";
import {
  AofTail,
  collectOps,
  datasetState,
  diffOps,
  mergeSrem,
  type Op,
  plus82,
  replace82,
  replayOps,
  runDifferential,
  runWorkload,
  startAofOracle,
  type Step,
  workload,
} from "./propagation_helpers.ts";

const ignore = !haveRedis();

/** 8.2 replicates HINCRBYFLOAT as HSETEX key KEEPTTL FIELDS 1 field value (7.0: HSET key field value). */
const hsetexKeepTtl = replace82((op: Op) => ({
  db: op.db,
  argv: ["HSETEX", op.argv[1], "KEEPTTL", "FIELDS", "1", op.argv[2], op.argv[3]],
}));

/** A step whose command 8.2 replicates exactly as sent. */
function asSent(cmd: (string | number)[]): Step {
  return { cmd, redis82: () => [{ db: 0, argv: cmd.map(String) }] };
}

const nowS = () => Math.floor(Date.now() / 1000);

/** The differential scripts, one per family; each starts from an empty dataset. */
function families(payload: string): Record<string, Step[]> {
  const futureS = nowS() + 5000;
  const futureMs = Date.now() + 5_000_000;
  return {
    strings: [
      ["set", "s", "v"],
      ["set", "s", "v", "ex", 100],
      ["set", "s", "v2", "px", 100000, "xx"],
      ["set", "s", "v3", "exat", futureS, "get"],
      ["set", "s", "v4", "pxat", futureMs, "nx"],
      // Since 7.2, SET … PXAT is replicated as sent (7.0 rebuilt it as SET key value PXAT ms).
      asSent(["set", "s", "v4", "pxat", futureMs]),
      asSent(["set", "s", "v4", "pxat", futureMs, "get"]),
      ["set", "s", "v4", "get"],
      ["set", "s", "v4", "keepttl", "get", "xx", "get"],
      ["set", "s", "v5", "keepttl"],
      ["set", "s", "v6", "nx"],
      ["set", "s", "v6", "ex", 10, "nx"],
      ["setex", "s2", 100, "x"],
      ["psetex", "s3", 100000, "x"],
      ["setnx", "s4", "x"],
      ["setnx", "s4", "y"],
      ["getset", "s4", "z"],
      ["getdel", "s4"],
      ["getdel", "s4"],
      ["getex", "s", "ex", 100],
      ["getex", "s", "px", 100000],
      ["getex", "s", "exat", futureS],
      ["getex", "s", "pxat", futureMs],
      ["getex", "s", "persist"],
      ["getex", "s", "persist"],
      ["getex", "s"],
      ["getex", "s", "exat", 1],
      ["getex", "nokey", "ex", 10],
      ["set", "n", 10],
      ["incr", "n"],
      ["incrby", "n", 5],
      ["decr", "n"],
      ["decrby", "n", 3],
      ["incrbyfloat", "n", "1.5"],
      ["pexpire", "n", 100000],
      ["incrbyfloat", "n", "2.25e2"],
      ["incrbyfloat", "nf", "3"],
      ["append", "a", "xy"],
      ["setrange", "a", 5, "zz"],
      ["setrange", "a", 1, ""],
      ["setbit", "b", 7, 1],
      ["setbit", "b", 7, 1],
      ["bitfield", "bf", "set", "u8", 0, 255, "incrby", "u8", 0, 10],
      ["bitfield", "bf", "get", "u8", 0],
      ["bitop", "or", "bo", "b", "bf"],
      ["bitop", "and", "bo", "nokey1", "nokey2"],
      ["mset", "m1", "a", "m2", "b"],
      ["msetnx", "m3", "a", "m1", "b"],
      ["msetnx", "m3", "a", "m4", "b"],
      ["set", "e", "v", "px", 1],
      { sleep: 10 },
      ["get", "e"],
      ["set", "e", "v", "px", 1],
      { sleep: 10 },
      ["set", "e", "w", "nx"],
      ["set", "e2", "v", "px", 1],
      { sleep: 10 },
      ["incr", "e2"],
    ],
    expire: [
      ["set", "k", "v"],
      ["expire", "k", 100],
      ["pexpire", "k", 200000, "gt"],
      ["expireat", "k", futureS, "xx"],
      ["pexpireat", "k", futureMs],
      ["expire", "k", 10, "nx"],
      ["persist", "k"],
      ["persist", "k"],
      ["expire", "nokey", 10],
      ["expire", "k", -1],
      ["set", "k", "v"],
      ["expireat", "k", 1],
      ["set", "k", "v"],
      ["pexpireat", "k", 1],
      ["set", "k", "v"],
      ["pexpire", "k", 0],
      ["set", "k2", "v", "px", 1],
      { sleep: 10 },
      ["ttl", "k2"],
      ["set", "k2", "v", "px", 1],
      { sleep: 10 },
      ["expire", "k2", 100],
    ],
    keys: [
      ["set", "a", "1"],
      ["set", "b", "2", "ex", 100],
      ["del", "a", "nokey"],
      ["del", "nokey"],
      ["unlink", "b"],
      ["set", "a", "1", "px", 100000],
      ["rename", "a", "b"],
      ["renamenx", "b", "c"],
      ["set", "d", "x"],
      ["renamenx", "c", "d"],
      ["copy", "c", "e"],
      ["copy", "c", "e"],
      ["copy", "c", "e", "replace"],
      ["copy", "c", "e", "db", 2],
      ["move", "e", 3],
      ["move", "e", 3],
      ["swapdb", 0, 3],
      ["swapdb", 0, 3],
      ["restore", "r1", 0, payload],
      ["restore", "r2", 100000, payload],
      ["restore", "r2", 100000, payload, "replace"],
      ["restore", "r3", Date.now() + 100000, payload, "absttl"],
      ["restore", "r2", 1, payload, "replace", "absttl"],
      ["restore", "r4", 1, payload, "absttl"],
      ["set", "t", "1"],
      ["touch", "t"],
      ["flushdb"],
      ["flushdb"],
      ["select", 5],
      ["set", "x", "1"],
      ["flushall"],
      ["flushall"],
      ["select", 0],
    ],
    hash: [
      ["hset", "h", "a", 1, "b", 2],
      ["hset", "h", "a", 1],
      ["hsetnx", "h", "c", 3],
      ["hsetnx", "h", "c", 3],
      ["hmset", "h", "d", 4],
      ["hincrby", "h", "a", 5],
      { cmd: ["hincrbyfloat", "h", "b", "1.5"], redis82: hsetexKeepTtl },
      { cmd: ["hincrbyfloat", "h", "z", "10"], redis82: hsetexKeepTtl },
      ["hdel", "h", "a", "nofield"],
      ["hdel", "h", "nofield"],
      ["hdel", "h", "b", "c", "d", "z"],
      ["hrandfield", "h"],
    ],
    list: [
      ["rpush", "l", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
      ["lpush", "l", "z"],
      ["lpushx", "nol", "a"],
      ["rpushx", "l", "g"],
      ["linsert", "l", "before", "c", "x"],
      ["linsert", "l", "before", "nope", "x"],
      ["lset", "l", 0, "y"],
      ["lrem", "l", 0, "x"],
      ["ltrim", "l", 0, 20],
      ["ltrim", "l", 1, -1],
      ["lpop", "l"],
      ["rpop", "l", 2],
      ["lpop", "nol"],
      ["lmove", "l", "l2", "left", "right"],
      ["rpoplpush", "l", "l2"],
      ["blpop", "l", 0],
      ["brpop", "nol", "l2", 1],
      ["blmove", "l", "l2", "right", "left", 0],
      ["brpoplpush", "l", "l2", 0],
      ["lmpop", 2, "nol", "l2", "left"],
      ["lmpop", 1, "l2", "right", "count", 10],
      ["rpush", "l3", "a", "b", "c"],
      ["blmpop", 0, 1, "l3", "left", "count", 2],
      { cmd: ["blpop", "bl", 0], conn: 1, send: true },
      ["rpush", "bl", "a", "b"],
      { read: 1 },
      { cmd: ["blmove", "bl2", "dst", "left", "left", 0], conn: 1, send: true },
      ["rpush", "bl2", "a"],
      { read: 1 },
      { cmd: ["blmpop", 0, 1, "bl3", "right", "count", 5], conn: 1, send: true },
      ["rpush", "bl3", "a", "b"],
      { read: 1 },
      ["rpush", "l4", "a"],
      ["lrem", "l4", 0, "a"],
      ["lpop", "l4"],
    ],
    set: [
      ["sadd", "s", "a", "b", "c", "d"],
      ["sadd", "s", "a"],
      ["srem", "s", "a", "zz"],
      ["srem", "s", "zz"],
      ["smove", "s", "s2", "b"],
      ["smove", "s", "s2", "zz"],
      ["srandmember", "s"],
      ["srandmember", "s", 5],
      { cmd: ["spop", "s"], mode: "shape" },
      ["sadd", "one", "x"],
      ["spop", "one"],
      ["sadd", "s3", "a", "b", "c", "d", "e"],
      { cmd: ["spop", "s3", 2], mode: "shape", redis82: mergeSrem },
      ["spop", "s3", 10],
      ["spop", "s3", 0],
      ["sadd", "s4", "a", "b", "c"],
      ["sadd", "s5", "b", "c", "d"],
      ["sinterstore", "si", "s4", "s5"],
      ["sunionstore", "su", "s4", "s5"],
      ["sdiffstore", "sd", "s4", "s5"],
      ["sdiffstore", "sd", "nokey", "s5"],
      ["sinterstore", "si", "s4", "nokey"],
    ],
    zset: [
      ["zadd", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e"],
      ["zadd", "z", "nx", 1, "a"],
      ["zadd", "z", "xx", "ch", 10, "a"],
      ["zadd", "z", "incr", 2, "b"],
      ["zincrby", "z", 2, "c"],
      ["zrem", "z", "a", "nope"],
      ["zrem", "z", "nope"],
      ["zpopmin", "z"],
      ["zpopmax", "z", 2],
      ["zpopmin", "noz"],
      ["zadd", "z2", 1, "a", 2, "b", 3, "c", 4, "d"],
      ["bzpopmin", "z2", 0],
      ["bzpopmax", "noz", "z2", 0],
      ["zmpop", 1, "z2", "min"],
      ["zmpop", 2, "noz", "z2", "max", "count", 5],
      ["zadd", "z3", 1, "a", 2, "b", 3, "c"],
      ["bzmpop", 0, 1, "z3", "min", "count", 2],
      { cmd: ["bzpopmin", "bz", 0], conn: 1, send: true },
      ["zadd", "bz", 1, "a", 2, "b"],
      { read: 1 },
      { cmd: ["bzmpop", 0, 1, "bz2", "max", "count", 3], conn: 1, send: true },
      ["zadd", "bz2", 1, "a", 2, "b"],
      { read: 1 },
      ["zadd", "z4", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e"],
      ["zremrangebyscore", "z4", 1, 2],
      ["zremrangebyrank", "z4", 0, 0],
      ["zremrangebylex", "z4", "[a", "[z"],
      ["zadd", "z5", 1, "a", 2, "b", 3, "c"],
      ["zadd", "z6", 1, "b", 2, "c", 3, "d"],
      ["zunionstore", "zu", 2, "z5", "z6", "weights", 1, 2],
      ["zinterstore", "zi", 2, "z5", "z6", "aggregate", "max"],
      ["zdiffstore", "zd", 2, "z5", "z6"],
      ["zrangestore", "zr", "z5", 0, -1],
      ["zrangestore", "zr", "nokey", 0, -1],
      ["zrandmember", "z5"],
    ],
    stream: [
      ["xadd", "x", "1-1", "f", "v"],
      ["xadd", "x", "1-*", "f", "v"],
      { cmd: ["xadd", "x", "*", "f", "v"], mode: "shape" },
      ["xadd", "x2", "maxlen", 2, "5-1", "f", "v"],
      ["xadd", "x2", "maxlen", 2, "5-2", "f", "v"],
      ["xadd", "x2", "maxlen", 2, "5-3", "f", "v"],
      ["xadd", "x2", "maxlen", "~", 2, "5-4", "f", "v"],
      ["xadd", "x2", "minid", "~", "5-3", "limit", 10, "5-5", "f", "v"],
      ["xadd", "nox", "nomkstream", "1-1", "f", "v"],
      ["xtrim", "x2", "maxlen", "~", 1],
      ["xtrim", "x2", "maxlen", "=", 2],
      ["xtrim", "x2", "minid", "5-5"],
      ["xtrim", "x2", "maxlen", 100],
      ["xdel", "x2", "5-5", "9-9"],
      ["xdel", "x2", "9-9"],
      ["xsetid", "x2", "10-0"],
      ["del", "x"],
      ["xadd", "x", "1-1", "a", "1"],
      ["xadd", "x", "1-2", "b", "2"],
      ["xadd", "x", "1-3", "c", "3"],
      ["xgroup", "create", "x", "g", "0"],
      ["xgroup", "create", "x", "g2", "$", "entriesread", 0],
      ["xgroup", "create", "x", "g3", "0"],
      ["xgroup", "create", "newx", "g", "$", "mkstream"],
      ["xgroup", "createconsumer", "x", "g", "alice"],
      ["xgroup", "createconsumer", "x", "g", "alice"],
      {
        cmd: ["xreadgroup", "group", "g", "bob", "count", 2, "streams", "x", ">"],
        redis82: plus82([["XGROUP", "SETID", "x", "g", "1-2", "ENTRIESREAD", "2"]]),
      },
      ["xreadgroup", "group", "g", "bob", "streams", "x", "0"],
      {
        cmd: ["xreadgroup", "group", "g", "carol", "streams", "x", ">"],
        redis82: plus82([["XGROUP", "SETID", "x", "g", "1-3", "ENTRIESREAD", "3"]]),
      },
      ["xreadgroup", "group", "g", "dave", "streams", "x", ">"],
      // Since 7.2 the consumer is created even when nothing is served (NOACK: replicated).
      {
        cmd: ["xreadgroup", "group", "g2", "erin", "noack", "streams", "x", ">"],
        redis82: plus82([["XGROUP", "CREATECONSUMER", "x", "g2", "erin"]]),
      },
      ["xgroup", "setid", "x", "g2", "0"],
      ["xreadgroup", "group", "g2", "fred", "noack", "count", 1, "streams", "x", ">"],
      ["xreadgroup", "group", "g2", "fred", "noack", "streams", "x", ">"],
      ["xclaim", "x", "g2", "zed", 0, "1-1", "lastid", "5-0"],
      ["xclaim", "x", "g2", "zed", 0, "1-1", "1-2"],
      ["xack", "x", "g", "1-1", "9-9"],
      ["xack", "x", "g", "9-9"],
      { cmd: ["xclaim", "x", "g", "alice", 0, "1-2", "1-3"], mode: "shape" },
      { cmd: ["xclaim", "x", "g", "bob", 0, "1-2", "justid"], mode: "shape" },
      {
        cmd: ["xclaim", "x", "g", "bob", 0, "1-3", "idle", 5, "retrycount", 7, "force", "lastid", "1-3"],
        mode: "shape",
      },
      { cmd: ["xautoclaim", "x", "g", "carol", 0, "0-0", "count", 10], mode: "shape" },
      ["xgroup", "setid", "x", "g", "1-1"],
      ["xgroup", "setid", "x", "g", "$", "entriesread", 3],
      ["xgroup", "delconsumer", "x", "g", "alice"],
      ["xgroup", "delconsumer", "x", "g", "nobody"],
      ["xgroup", "destroy", "x", "g3"],
      ["xgroup", "destroy", "x", "nogroup"],
      ["xreadgroup", "group", "g3", "z", "block", 0, "streams", "x", ">"], // NOGROUP
      ["xgroup", "create", "x", "g3", "$"],
      { cmd: ["xreadgroup", "group", "g3", "z", "block", 0, "streams", "x", ">"], conn: 1, send: true },
      {
        cmd: ["xadd", "x", "2-1", "d", "4"],
        // the blocked client is served after the XADD, in its own execution unit
        redis82: (
          ops,
        ) => [ops[0], ...plus82([["XGROUP", "SETID", "x", "g3", "2-1", "ENTRIESREAD", "4"]])(ops.slice(1))],
      },
      { read: 1 },
    ],
    hll: [
      ["pfadd", "h", "a", "b", "c"],
      ["pfadd", "h", "a"],
      ["pfadd", "h2"],
      ["pfadd", "h2"],
      ["pfcount", "h"],
      ["pfcount", "h"],
      ["pfadd", "h3", "x", "y"],
      ["pfcount", "h", "h3"],
      ["pfmerge", "hm", "h", "h3"],
      ["pfmerge", "hm2"],
    ],
    geo: [
      ["geoadd", "g", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"],
      ["geoadd", "g", "xx", "ch", 13.361389, 38.115556, "Palermo"],
      ["georadius", "g", 15, 37, 200, "km", "store", "gr"],
      ["georadiusbymember", "g", "Palermo", 500, "km", "storedist", "gr2"],
      ["geosearchstore", "gs", "g", "fromlonlat", 15, 37, "byradius", 200, "km"],
      ["geosearchstore", "gs2", "g", "frommember", "Palermo", "bybox", 1000, 1000, "km", "storedist"],
      ["geosearchstore", "gs2", "g", "fromlonlat", 0, 0, "byradius", 1, "km"],
    ],
    sort: [
      ["rpush", "l", 3, 1, 2],
      ["sadd", "s", 3, 1, 2],
      ["sort", "l", "store", "d"],
      ["sort", "s", "by", "nosort", "store", "d2"],
      ["sort", "nokey", "store", "d"],
      ["sort", "l"],
    ],
    transactions: [
      ["multi"],
      ["set", "a", 1],
      ["incr", "a"],
      ["expire", "a", 100],
      ["exec"],
      ["multi"],
      ["get", "a"],
      ["exec"],
      ["multi"],
      ["set", "b", 1],
      ["exec"],
      ["eval", "redis.call('set', KEYS[1], 'x') redis.call('expire', KEYS[1], 100) return 1", 1, "c"],
      ["eval", "redis.call('set', KEYS[1], 'y') return 1", 1, "c"],
      ["eval", "return redis.call('get', KEYS[1])", 1, "c"],
      ["eval", "redis.call('select', 4) redis.call('set', 'in4', 1) return 1", 0],
      {
        cmd: ["eval", "redis.call('sadd', KEYS[1], 'a', 'b') return redis.call('spop', KEYS[1], 1)", 1, "ss"],
        mode: "shape",
      },
      ["eval", "redis.call('incr', KEYS[1]) return redis.call('pfcount', KEYS[2])", 2, "c", "nohll"],
      [
        "function",
        "load",
        "#!lua name=lib\nredis.register_function('f', function(k) return redis.call('incr', k[1]) end)",
      ],
      ["fcall", "f", 1, "fc"],
      ["function", "delete", "lib"],
      ["function", "flush"],
    ],
  };
}

Deno.test({
  name: "propagation matches redis-server 7.0's AOF, command by command",
  ignore,
  async fn() {
    const srv = await startServer({ config: { "enable-debug-command": "yes" } });
    const ops = collectOps(srv);
    const oracle = await startAofOracle();
    const tail = AofTail.forOracle(oracle);
    try {
      const setup = await RawClient.connect(oracle.port);
      await setup.call("SADD", "tmp", "a", "b", "c");
      const payload = (await setup.call("DUMP", "tmp")) as string;
      await setup.call("DEL", "tmp");
      // No active expiry: keys expire lazily, at the same commands on both servers.
      for (const port of [srv.port, oracle.port]) {
        const c = await RawClient.connect(port);
        assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", 0), "OK");
        c.close();
      }
      setup.close();
      const problems: string[] = [];
      for (const [name, steps] of Object.entries(families(payload))) {
        problems.push(
          ...await runDifferential(
            { port: srv.port, ops },
            { port: oracle.port, tail },
            [["flushall"], ...steps],
            name,
          ),
        );
      }
      assert.equal(problems.length, 0, "\n" + problems.join("\n"));
    } finally {
      await srv.close();
      await oracle.stop();
    }
  },
});

Deno.test({
  name: "with lazyfree-lazy-* yes, deletions are replicated as UNLINK like redis-server 7.0 does",
  ignore,
  async fn() {
    const toUnlink = replace82((op: Op) => ({ db: op.db, argv: ["UNLINK", ...op.argv.slice(1)] }));
    const lazy = ["lazyfree-lazy-expire", "lazyfree-lazy-user-del", "lazyfree-lazy-server-del"];
    const srv = await startServer({ config: Object.fromEntries(lazy.map((k) => [k, "yes"])) });
    const ops = collectOps(srv);
    const oracle = await startAofOracle(lazy.flatMap((k) => [`--${k}`, "yes"]));
    const tail = AofTail.forOracle(oracle);
    try {
      const setup = await RawClient.connect(oracle.port);
      await setup.call("SET", "tmp", "x");
      const payload = (await setup.call("DUMP", "tmp")) as string;
      await setup.call("DEL", "tmp");
      setup.close();
      const steps: Step[] = [
        ["set", "k", "v"],
        ["expire", "k", -1],
        ["set", "k", "v"],
        ["getex", "k", "exat", 1],
        ["set", "k", "v"],
        ["getdel", "k"],
        ["sadd", "s", "a", "b"],
        // since 7.2 these follow lazyfree-lazy-server-del too (7.0 always replicated DEL)
        { cmd: ["spop", "s", 5], redis82: toUnlink },
        ["restore", "r", 0, payload],
        { cmd: ["restore", "r", 1, payload, "replace", "absttl"], redis82: toUnlink },
        ["set", "k", "v"],
        ["del", "k"],
      ];
      const problems = await runDifferential({ port: srv.port, ops }, { port: oracle.port, tail }, steps, "lazyfree");
      assert.equal(problems.length, 0, "\n" + problems.join("\n"));
    } finally {
      await srv.close();
      await oracle.stop();
    }
  },
});

/**
 * The one operation of a 7.0-only workload that 7.0 does not know: HINCRBYFLOAT's HSETEX key KEEPTTL
 * FIELDS 1 field value is HSET key field value there (no field has a TTL in such a workload).
 */
function for70(op: Op): Op {
  if (op.argv[0] !== "HSETEX") return op;
  assert.equal(op.argv[2], "KEEPTTL");
  return { db: op.db, argv: ["HSET", op.argv[1], op.argv[5], op.argv[6]] };
}

/** Starts our server with DEBUG allowed and active expiry off (keys expire only when commands meet them). */
async function quietServer() {
  const srv = await startServer({ config: { "enable-debug-command": "yes" } });
  srv.server.activeExpireEnabled = false;
  return srv;
}

/** Runs workload `seed` on a fresh server of ours; returns its propagated operations and final state. */
async function recordWorkload(seed: number, n: number, full: boolean) {
  const a = await quietServer();
  const ops = collectOps(a);
  try {
    await runWorkload(a.port, workload(seed, n, full));
    const state = await datasetState(a.port, [0, 1], full);
    return { ops: ops.slice(), state };
  } finally {
    await a.close();
  }
}

Deno.test({
  name: "replaying what we propagate rebuilds the same dataset, here and in redis-server 7.0",
  ignore,
  async fn() {
    for (const seed of [11, 12]) {
      const { ops, state } = await recordWorkload(seed, 1500, false);
      assert.ok(ops.length > 300, `seed ${seed}: only ${ops.length} operations propagated`);
      // into a fresh server of ours
      const b = await quietServer();
      try {
        assert.deepEqual(await replayOps(b.port, ops), [], `seed ${seed}: replay errors`);
        assert.deepEqual(await datasetState(b.port, [0, 1], false), state, `seed ${seed}: replayed here`);
      } finally {
        await b.close();
      }
      // into redis-server 7.0: the same digest (the algorithms are equal) and the same state
      const o = await Oracle.start();
      try {
        const c = await RawClient.connect(o.port);
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", 0);
        c.close();
        assert.deepEqual(await replayOps(o.port, ops.map(for70)), [], `seed ${seed}: replay errors in 7.0`);
        assert.deepEqual(await datasetState(o.port, [0, 1], false), state, `seed ${seed}: replayed in 7.0`);
      } finally {
        await o.stop();
      }
    }
  },
});

Deno.test({
  name: "replaying what we propagate rebuilds the same dataset, with Redis 8.x commands (hash field TTLs…)",
  async fn() {
    for (const seed of [21, 22]) {
      const { ops, state } = await recordWorkload(seed, 1500, true);
      const b = await quietServer();
      try {
        assert.deepEqual(await replayOps(b.port, ops), [], `seed ${seed}: replay errors`);
        assert.deepEqual(await datasetState(b.port, [0, 1], true), state, `seed ${seed}: replayed`);
      } finally {
        await b.close();
      }
    }
  },
});

/**
 * What Redis 8.2 propagates for commands 7.0 does not have, from the 8.2 source (t_hash.c,
 * t_stream.c): each command with the exact operations it must produce (times within ±2 s).
 */
Deno.test("propagation of Redis 7.4–8.2 commands follows the 8.2 source", async () => {
  const srv = await quietServer();
  const ops = collectOps(srv);
  const c = await RawClient.connect(srv.port);
  const T = (ms: number) => String(Date.now() + ms);
  const M = ["MULTI"], E = ["EXEC"];
  /** [command, expected operations (MULTI/EXEC in database -1, everything else in 0)] or a pause. */
  const steps: ([(string | number)[], string[][]] | number)[] = [
    [["hset", "h", "a", 1, "b", 2, "c", 3], [["hset", "h", "a", "1", "b", "2", "c", "3"]]],
    // HEXPIRE family: HPEXPIREAT <abs ms> with only the fields set, numfields rewritten
    [["hexpire", "h", 100, "FIELDS", 2, "a", "nosuch"], [["HPEXPIREAT", "h", T(100000), "FIELDS", "1", "a"]]],
    [["hpexpire", "h", 100000, "NX", "FIELDS", 2, "a", "b"], [[
      "HPEXPIREAT",
      "h",
      T(100000),
      "NX",
      "FIELDS",
      "1",
      "b",
    ]]],
    [["hpexpireat", "h", T(200000), "FIELDS", 1, "a"], [["hpexpireat", "h", T(200000), "FIELDS", "1", "a"]]],
    [["hexpireat", "h", Math.floor(Date.now() / 1000) + 300, "FIELDS", 1, "a"], [[
      "HPEXPIREAT",
      "h",
      String((Math.floor(Date.now() / 1000) + 300) * 1000),
      "FIELDS",
      "1",
      "a",
    ]]],
    [["hexpire", "h", 100, "XX", "FIELDS", 1, "c"], []], // condition not met: nothing
    [["hpersist", "h", "FIELDS", 2, "a", "c"], [["hpersist", "h", "FIELDS", "2", "a", "c"]]],
    [["hexpire", "h", 0, "FIELDS", 2, "a", "c"], [M, ["HDEL", "h", "a"], ["HDEL", "h", "c"], E]], // past: HDELs only
    [["hpexpireat", "h", 1, "FIELDS", 1, "b"], [["HDEL", "h", "b"]]], // the last field: the key goes too
    // HSETEX: EX | PX | EXAT → PXAT <abs ms>, in place; a past time → the HDELs only
    [["hsetex", "h2", "EX", 100, "FIELDS", 1, "f", "v"], [[
      "hsetex",
      "h2",
      "PXAT",
      T(100000),
      "FIELDS",
      "1",
      "f",
      "v",
    ]]],
    [["hsetex", "h2", "FNX", "PX", 5000, "FIELDS", 1, "g", "v"], [[
      "hsetex",
      "h2",
      "FNX",
      "PXAT",
      T(5000),
      "FIELDS",
      "1",
      "g",
      "v",
    ]]],
    [["hsetex", "h2", "FXX", "KEEPTTL", "FIELDS", 1, "f", "w"], [[
      "hsetex",
      "h2",
      "FXX",
      "KEEPTTL",
      "FIELDS",
      "1",
      "f",
      "w",
    ]]],
    [["hsetex", "h2", "FNX", "EX", 10, "FIELDS", 1, "g", "v"], []], // FNX failed
    [["hsetex", "h2", "PXAT", 1, "FIELDS", 1, "f", "x"], [["HDEL", "h2", "f"]]],
    // HGETEX: HPEXPIREAT <abs ms> / HPERSIST with every field named; a past time → HDELs
    [["hgetex", "h2", "EX", 100, "FIELDS", 2, "g", "nosuch"], [[
      "HPEXPIREAT",
      "h2",
      T(100000),
      "FIELDS",
      "2",
      "g",
      "nosuch",
    ]]],
    [["hgetex", "h2", "PXAT", T(300000), "FIELDS", 1, "g"], [["HPEXPIREAT", "h2", T(300000), "FIELDS", "1", "g"]]],
    [["hgetex", "h2", "PERSIST", "FIELDS", 1, "g"], [["HPERSIST", "h2", "FIELDS", "1", "g"]]],
    [["hgetex", "h2", "PERSIST", "FIELDS", 1, "g"], []], // no TTL to remove
    [["hgetex", "h2", "FIELDS", 1, "g"], []],
    [["hgetex", "h2", "EXAT", 1, "FIELDS", 1, "g"], [["HDEL", "h2", "g"]]],
    // HGETDEL → HDEL with every field named
    [["hset", "h3", "a", 1, "b", 2], [["hset", "h3", "a", "1", "b", "2"]]],
    [["hgetdel", "h3", "FIELDS", 2, "a", "nosuch"], [["HDEL", "h3", "a", "nosuch"]]],
    [["hgetdel", "h3", "FIELDS", 1, "nosuch"], []],
    // HINCRBYFLOAT keeps the field TTL: HSETEX … KEEPTTL (8.2; HSET in 7.x)
    [["hincrbyfloat", "h3", "b", "1.5"], [["HSETEX", "h3", "KEEPTTL", "FIELDS", "1", "b", "3.5"]]],
    // a field expiring lazily is deleted by the command that meets it
    [["hsetex", "h4", "PX", 1, "FIELDS", 2, "f", "v", "g", "w"], [[
      "hsetex",
      "h4",
      "PXAT",
      T(1),
      "FIELDS",
      "2",
      "f",
      "v",
      "g",
      "w",
    ]]],
    10,
    [["hget", "h4", "f"], [["HDEL", "h4", "f"]]],
    [["hgetdel", "h4", "FIELDS", 1, "g"], [["HDEL", "h4", "g"]]],
    // streams: XREADGROUP ends with XGROUP SETID … ENTRIESREAD (7.2+); XDELEX/XACKDEL as sent
    [["xadd", "s", "1-1", "f", "v"], [["xadd", "s", "1-1", "f", "v"]]],
    [["xadd", "s", "1-2", "f", "v"], [["xadd", "s", "1-2", "f", "v"]]],
    [["xgroup", "create", "s", "g", "0"], [["xgroup", "create", "s", "g", "0"]]],
    [["xreadgroup", "GROUP", "g", "c", "COUNT", 1, "STREAMS", "s", ">"], [
      M,
      ["XCLAIM", "s", "g", "c", "0", "1-1", "TIME", T(0), "RETRYCOUNT", "1", "FORCE", "JUSTID", "LASTID", "1-1"],
      ["XGROUP", "SETID", "s", "g", "1-1", "ENTRIESREAD", "1"],
      E,
    ]],
    [["xreadgroup", "GROUP", "g", "d", "NOACK", "STREAMS", "s", ">"], [
      M,
      ["XGROUP", "CREATECONSUMER", "s", "g", "d"],
      ["XGROUP", "SETID", "s", "g", "1-2", "ENTRIESREAD", "2"],
      E,
    ]],
    [["xreadgroup", "GROUP", "g", "c", "STREAMS", "s", "0"], []], // history: nothing
    [["xdelex", "s", "ACKED", "IDS", 1, "1-1"], []], // still pending: kept (2), nothing changed
    [["xackdel", "s", "g", "ACKED", "IDS", 1, "1-1"], [["xackdel", "s", "g", "ACKED", "IDS", "1", "1-1"]]],
    [["xdelex", "s", "KEEPREF", "IDS", 2, "1-2", "9-9"], [["xdelex", "s", "KEEPREF", "IDS", "2", "1-2", "9-9"]]],
    [["xadd", "s", "2-1", "f", "v"], [["xadd", "s", "2-1", "f", "v"]]],
    // an approximate trim is replicated as the exact trim it amounted to (one node: nothing trimmed)
    [["xadd", "s", "KEEPREF", "MAXLEN", "~", 1, "2-2", "f", "v"], [[
      "xadd",
      "s",
      "KEEPREF",
      "MAXLEN",
      "=",
      "2",
      "2-2",
      "f",
      "v",
    ]]],
    [["xtrim", "s", "MINID", "~", "2-2"], []], // nothing trimmed: not replicated
    [["xtrim", "s", "MAXLEN", "=", 1, "ACKED"], []], // not delivered to g yet: kept
    [["xtrim", "s", "MAXLEN", "=", 1, "KEEPREF"], [["xtrim", "s", "MAXLEN", "=", "1", "KEEPREF"]]],
  ];
  const problems: string[] = [];
  try {
    for (const step of steps) {
      if (typeof step === "number") {
        await new Promise((r) => setTimeout(r, step));
        continue;
      }
      const [cmd, want] = step;
      const reply = await c.callRaw(...cmd);
      const got = ops.splice(0);
      const expected = want.map((argv) => ({ db: argv === M || argv === E ? -1 : 0, argv }));
      const d = diffOps(got, expected);
      if (d !== null) problems.push(`${JSON.stringify(cmd)} (${JSON.stringify(reply)}): ${d}`);
    }
  } finally {
    c.close();
    await srv.close();
  }
  assert.equal(problems.length, 0, "\n" + problems.join("\n"));
});
