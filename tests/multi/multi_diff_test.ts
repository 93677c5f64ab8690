/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH replayed against redis-server (the oracle) and compared
 * byte for byte: queueing, errors while queueing (EXECABORT), errors at run time, nesting, WATCH
 * invalidation by other connections (writes, expiry, FLUSHDB/FLUSHALL, SWAPDB, RENAME, MOVE), RESP3
 * replies, blocking commands inside EXEC, RESET.
 */
import { assertSameTranscript, cmd, differentialScenario, type Step } from "./scenario.ts";
import { haveRedis } from "../helpers/oracle.ts";

const ignore = !haveRedis();

async function same(conns: number, steps: Step[]): Promise<void> {
  assertSameTranscript(await differentialScenario(conns, steps));
}

Deno.test({
  name: "multi diff: queue, run-time errors do not stop the rest, empty EXEC, DISCARD",
  ignore,
  fn: () =>
    same(1, [
      cmd(0, "MULTI"),
      cmd(0, "SET", "k", "1"),
      cmd(0, "INCR", "k"),
      cmd(0, "LPUSH", "k", "x"), // WRONGTYPE at run time
      cmd(0, "INCRBY", "k", "notanumber"),
      cmd(0, "GET", "k"),
      cmd(0, "EXEC"),
      cmd(0, "MULTI"),
      cmd(0, "EXEC"),
      cmd(0, "MULTI"),
      cmd(0, "SET", "k", "changed"),
      cmd(0, "DISCARD"),
      cmd(0, "GET", "k"),
      cmd(0, "EXEC"),
      cmd(0, "DISCARD"),
      cmd(0, "multi"),
      cmd(0, "ping"),
      cmd(0, "echo", "hi"),
      cmd(0, "exec"),
    ]),
});

Deno.test({
  name: "multi diff: nested MULTI and WATCH inside MULTI are errors that do not abort",
  ignore,
  fn: () =>
    same(1, [
      cmd(0, "MULTI"),
      cmd(0, "MULTI"),
      cmd(0, "SET", "a", "1"),
      cmd(0, "WATCH", "a"),
      cmd(0, "EXEC"),
      cmd(0, "GET", "a"),
    ]),
});

Deno.test({
  name: "multi diff: rejections while queueing flag the transaction (EXECABORT)",
  ignore,
  fn: () =>
    same(1, [
      // unknown command
      cmd(0, "MULTI"),
      cmd(0, "SET", "a", "1"),
      cmd(0, "NOSUCHCOMMAND", "x"),
      cmd(0, "SET", "a", "2"),
      cmd(0, "EXEC"),
      cmd(0, "GET", "a"),
      cmd(0, "EXEC"),
      // wrong arity
      cmd(0, "MULTI"),
      cmd(0, "GET"),
      cmd(0, "EXEC"),
      // unknown subcommand
      cmd(0, "MULTI"),
      cmd(0, "CLIENT", "NOSUCH"),
      cmd(0, "EXEC"),
      // no-multi command (SHUTDOWN, SAVE, SYNC, PSYNC)
      cmd(0, "MULTI"),
      cmd(0, "SHUTDOWN"),
      cmd(0, "EXEC"),
      // DISCARD with arguments is rejected too, and flags the transaction
      cmd(0, "MULTI"),
      cmd(0, "DISCARD", "x"),
      cmd(0, "EXEC"),
      // a syntax error detected at run time is not a queueing error
      cmd(0, "MULTI"),
      cmd(0, "SET", "a", "1", "BADOPTION"),
      cmd(0, "EXEC"),
    ]),
});

Deno.test({
  name: "multi diff: a rejected EXEC aborts with the reason; WATCH/MULTI arity",
  ignore,
  fn: () =>
    same(1, [
      cmd(0, "MULTI"),
      cmd(0, "SET", "a", "1"),
      cmd(0, "EXEC", "extra"),
      cmd(0, "EXEC"),
      cmd(0, "GET", "a"),
      cmd(0, "WATCH"),
      cmd(0, "MULTI", "x"),
      cmd(0, "EXEC"),
    ]),
});

Deno.test({
  name: "multi diff: WATCH on the same connection, UNWATCH clears a touched WATCH",
  ignore,
  fn: () =>
    same(1, [
      cmd(0, "WATCH", "k"),
      cmd(0, "SET", "k", "1"),
      cmd(0, "MULTI"),
      cmd(0, "INCR", "k"),
      cmd(0, "EXEC"),
      cmd(0, "GET", "k"),
      cmd(0, "WATCH", "k"),
      cmd(0, "MULTI"),
      cmd(0, "INCR", "k"),
      cmd(0, "EXEC"),
      cmd(0, "WATCH", "k", "k", "other"),
      cmd(0, "SET", "k", "2"),
      cmd(0, "UNWATCH"),
      cmd(0, "MULTI"),
      cmd(0, "INCR", "k"),
      cmd(0, "EXEC"),
      // EXEC unwatches: a write after EXEC does not affect the next transaction
      cmd(0, "WATCH", "k"),
      cmd(0, "MULTI"),
      cmd(0, "EXEC"),
      cmd(0, "SET", "k", "3"),
      cmd(0, "MULTI"),
      cmd(0, "GET", "k"),
      cmd(0, "EXEC"),
      // DISCARD unwatches too
      cmd(0, "WATCH", "k"),
      cmd(0, "MULTI"),
      cmd(0, "DISCARD"),
      cmd(0, "SET", "k", "4"),
      cmd(0, "MULTI"),
      cmd(0, "GET", "k"),
      cmd(0, "EXEC"),
    ]),
});

Deno.test({
  name: "multi diff: writes by another connection invalidate WATCH; non-changes do not",
  ignore,
  fn: () => {
    // For each write: set up, WATCH on c0, the write on c1, then MULTI/EXEC on c0.
    const writes: (string | number)[][] = [
      ["SET", "w", "same"],
      ["DEL", "w"],
      ["DEL", "missing"], // not the watched key
      ["EXPIRE", "w", 100],
      ["PERSIST", "w"], // no TTL: no change
      ["APPEND", "w", "x"],
      ["INCR", "counter"],
      ["RENAME", "w", "w2"],
      ["RENAME", "src", "w"],
      ["MOVE", "w", 1],
      ["SETNX", "w", "x"], // fails: no change
      ["GETDEL", "w"],
      ["LPUSH", "w", "x"], // WRONGTYPE: no change
      ["UNLINK", "w"],
      ["COPY", "src", "w", "REPLACE"],
      ["SWAPDB", 0, 1],
      ["FLUSHDB"],
      ["FLUSHALL"],
    ];
    const steps: Step[] = [];
    for (const w of writes) {
      steps.push(
        cmd(1, "FLUSHALL"),
        cmd(1, "SET", "w", "same"),
        cmd(1, "SET", "src", "s"),
        cmd(0, "WATCH", "w"),
        cmd(1, ...w),
        cmd(0, "MULTI"),
        cmd(0, "GET", "w"),
        cmd(0, "EXEC"),
      );
    }
    return same(2, steps);
  },
});

Deno.test({
  name: "multi diff: WATCH is per database; flushes and swaps of a key that does not exist",
  ignore,
  fn: () =>
    same(2, [
      cmd(0, "SELECT", 2),
      cmd(0, "WATCH", "k"),
      cmd(1, "SET", "k", "db0"), // other db, same name
      cmd(1, "FLUSHALL"), // k does not exist anywhere
      cmd(1, "SWAPDB", 2, 3), // neither has k
      cmd(0, "MULTI"),
      cmd(0, "SET", "k", "mine"),
      cmd(0, "EXEC"),
      cmd(0, "WATCH", "k"),
      cmd(1, "SELECT", 3),
      cmd(1, "SET", "k", "in3"),
      cmd(1, "SWAPDB", 2, 3), // k now exists in db 2
      cmd(0, "MULTI"),
      cmd(0, "GET", "k"),
      cmd(0, "EXEC"),
      cmd(0, "WATCH", "k"),
      cmd(1, "FLUSHDB"), // flushes db 3, not db 2
      cmd(0, "MULTI"),
      cmd(0, "GET", "k"),
      cmd(0, "EXEC"),
    ]),
});

Deno.test({
  name: "multi diff: a watched key that expires before EXEC aborts it; one already expired does not",
  ignore,
  fn: () =>
    same(2, [
      cmd(0, "DEBUG", "SET-ACTIVE-EXPIRE", 0),
      // expires after WATCH (still physically present: lazy expiry only)
      cmd(0, "SET", "k", "v", "PX", 100),
      cmd(0, "WATCH", "k"),
      { sleep: 250 },
      cmd(0, "MULTI"),
      cmd(0, "PING"),
      cmd(0, "EXEC"),
      // already expired when WATCHed: no change by itself, nor when lazily deleted
      cmd(0, "SET", "e", "v", "PX", 50),
      { sleep: 150 },
      cmd(0, "WATCH", "e"),
      cmd(1, "GET", "e"),
      cmd(0, "MULTI"),
      cmd(0, "PING"),
      cmd(0, "EXEC"),
      // already expired when WATCHed, then given a new value by another connection: aborts
      cmd(0, "SET", "e2", "v", "PX", 50),
      { sleep: 150 },
      cmd(0, "WATCH", "e2"),
      cmd(1, "SET", "e2", "new"),
      cmd(0, "MULTI"),
      cmd(0, "PING"),
      cmd(0, "EXEC"),
      cmd(0, "DEBUG", "SET-ACTIVE-EXPIRE", 1),
    ]),
});

Deno.test({
  name: "multi diff: RESP3 null for an aborted EXEC, arrays and maps inside EXEC",
  ignore,
  fn: () =>
    same(2, [
      { c: 0, cmd: ["HELLO", 3], skip: true },
      cmd(0, "HSET", "h", "f", "v"),
      cmd(0, "WATCH", "k"),
      cmd(1, "SET", "k", "x"),
      cmd(0, "MULTI"),
      cmd(0, "GET", "k"),
      cmd(0, "EXEC"),
      cmd(0, "MULTI"),
      cmd(0, "HGETALL", "h"),
      cmd(0, "GET", "nokey"),
      cmd(0, "SMEMBERS", "nokey"),
      cmd(0, "EXEC"),
      cmd(0, "MULTI"),
      cmd(0, "NOSUCH"),
      cmd(0, "EXEC"),
    ]),
});

Deno.test({
  name: "multi diff: blocking commands inside EXEC answer at once; SELECT inside EXEC sticks",
  ignore,
  fn: () =>
    same(1, [
      cmd(0, "MULTI"),
      cmd(0, "BLPOP", "empty", 0),
      cmd(0, "BRPOPLPUSH", "empty", "dst", 0),
      cmd(0, "BLMOVE", "empty", "dst", "LEFT", "RIGHT", 0),
      cmd(0, "BZPOPMIN", "emptyz", 0),
      cmd(0, "RPUSH", "l", "a", "b"),
      cmd(0, "BLPOP", "l", 0),
      cmd(0, "SELECT", 5),
      cmd(0, "SET", "in5", "yes"),
      cmd(0, "EXEC"),
      cmd(0, "GET", "in5"),
      cmd(0, "SELECT", 0),
      cmd(0, "GET", "in5"),
    ]),
});

Deno.test({
  name: "multi diff: RESET discards MULTI and WATCH; pipelined transaction",
  ignore,
  fn: () =>
    same(2, [
      cmd(0, "MULTI"),
      cmd(0, "SET", "r", "1"),
      cmd(0, "RESET"),
      cmd(0, "EXEC"),
      cmd(0, "GET", "r"),
      cmd(0, "WATCH", "r"),
      cmd(0, "RESET"),
      cmd(1, "SET", "r", "2"),
      cmd(0, "MULTI"),
      cmd(0, "GET", "r"),
      cmd(0, "EXEC"),
      // everything sent before reading anything
      { c: 0, send: ["MULTI"] },
      { c: 0, send: ["INCR", "p"] },
      { c: 0, send: ["BADCMD"] },
      { c: 0, send: ["INCR", "p"] },
      { c: 0, send: ["EXEC"] },
      { c: 0, send: ["GET", "p"] },
      { c: 0, read: 6 },
    ]),
});

Deno.test({
  name: "multi diff: clients blocked on keys a transaction fills are served after EXEC",
  ignore,
  fn: () =>
    same(3, [
      { c: 1, send: ["BLPOP", "l", 0] },
      { sleep: 30 }, // c1 blocks first: FIFO order is what is compared
      { c: 2, send: ["BLPOP", "l", 0] },
      { sleep: 50 },
      cmd(0, "MULTI"),
      cmd(0, "RPUSH", "l", "a"),
      cmd(0, "RPUSH", "l", "b", "c"),
      cmd(0, "LLEN", "l"),
      cmd(0, "EXEC"),
      { c: 1, read: 1 },
      { c: 2, read: 1 },
      cmd(0, "LRANGE", "l", 0, -1),
      // a WATCHed list popped by a served client is a change
      cmd(0, "WATCH", "l"),
      { c: 1, send: ["BLPOP", "l2", 0] },
      { sleep: 50 },
      cmd(2, "MULTI"),
      cmd(2, "RPUSH", "l2", "x"),
      cmd(2, "LMOVE", "l", "l2", "LEFT", "RIGHT"),
      cmd(2, "EXEC"),
      { c: 1, read: 1 },
      cmd(0, "MULTI"),
      cmd(0, "LLEN", "l"),
      cmd(0, "EXEC"),
    ]),
});
