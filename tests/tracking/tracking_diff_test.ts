/**
 * Client-side caching replayed against redis-server (the oracle) on several connections, comparing
 * every reply, RESP3 push and Pub/Sub message each connection receives: CLIENT TRACKING's option
 * errors, TRACKINGINFO / GETREDIR, default mode, NOLOOP, OPTIN/OPTOUT with CLIENT CACHING, BCAST with
 * prefixes, RESP2 redirection through `__redis__:invalidate`, broken redirection, flushes,
 * transactions and expiry.
 */
import { assertSameTranscript, cmd, differentialScenario, type Step } from "../multi/scenario.ts";
import { haveRedis } from "../helpers/oracle.ts";

const ignore = !haveRedis();

async function same(conns: number, steps: Step[]): Promise<void> {
  assertSameTranscript(await differentialScenario(conns, steps));
}

const hello3 = (c: number): Step => ({ c, cmd: ["HELLO", 3], skip: true });

Deno.test({
  name: "tracking diff: CLIENT TRACKING option errors, in Redis's order",
  ignore,
  fn: () =>
    same(2, [
      cmd(0, "CLIENT", "TRACKING", "FOO"),
      cmd(0, "CLIENT", "TRACKING", "ON", "FOO"),
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT"),
      cmd(0, "CLIENT", "TRACKING", "ON", "PREFIX"),
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT", "x"),
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT", 999999),
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT", 0),
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT", "{id:1}", "REDIRECT", "{id:1}"),
      cmd(0, "CLIENT", "TRACKING", "ON", "PREFIX", "a"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "OPTOUT"),
      cmd(0, "CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "a"),
      cmd(0, "CLIENT", "TRACKING", "OFF", "BCAST", "OPTIN", "OPTOUT"),
      cmd(0, "CLIENT", "TRACKING", "MAYBE", "BCAST"),
      cmd(0, "CLIENT", "TRACKING"),
      cmd(0, "CLIENT", "CACHING", "YES"),
      cmd(0, "CLIENT", "CACHING", "MAYBE"),
      cmd(0, "CLIENT", "TRACKINGINFO"),
      cmd(0, "CLIENT", "GETREDIR"),
      // mode switches while tracking
      cmd(0, "CLIENT", "TRACKING", "ON", "OPTIN"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST"),
      cmd(0, "CLIENT", "TRACKING", "ON", "OPTOUT"),
      cmd(0, "CLIENT", "CACHING", "NO"),
      cmd(0, "CLIENT", "CACHING", "maybe"),
      cmd(0, "CLIENT", "TRACKING", "ON"), // plain mode: allowed, clears OPTIN
      cmd(0, "CLIENT", "TRACKINGINFO"),
      cmd(0, "CLIENT", "CACHING", "YES"),
      cmd(0, "CLIENT", "TRACKING", "OFF"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b"),
      cmd(0, "CLIENT", "TRACKING", "ON"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "c", "PREFIX", "b"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "c", "PREFIX", "d", "NOLOOP"),
      cmd(0, "CLIENT", "TRACKINGINFO"),
    ]),
});

Deno.test({
  name: "tracking diff: an overlap among later given prefixes replies the error and then +OK (as Redis does)",
  ignore,
  fn: () =>
    same(1, [
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b", "PREFIX", "bc"),
      { c: 0, read: 1 },
      cmd(0, "CLIENT", "TRACKINGINFO"),
    ]),
});

Deno.test({
  name: "tracking diff: TRACKINGINFO and GETREDIR in RESP2 and RESP3, REDIRECT ids, OFF",
  ignore,
  fn: () =>
    same(2, [
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT", "{id:1}", "OPTIN", "NOLOOP"),
      { c: 0, cmd: ["CLIENT", "GETREDIR"], ids: true },
      { c: 0, cmd: ["CLIENT", "TRACKINGINFO"], ids: true },
      cmd(0, "CLIENT", "CACHING", "YES"),
      { c: 0, cmd: ["CLIENT", "TRACKINGINFO"], ids: true },
      hello3(0),
      { c: 0, cmd: ["CLIENT", "TRACKINGINFO"], ids: true },
      cmd(0, "CLIENT", "TRACKING", "ON", "OPTIN"),
      cmd(0, "CLIENT", "GETREDIR"),
      cmd(0, "CLIENT", "TRACKING", "OFF"),
      cmd(0, "CLIENT", "TRACKINGINFO"),
      cmd(0, "CLIENT", "GETREDIR"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST"),
      cmd(0, "CLIENT", "TRACKINGINFO"),
      cmd(0, "RESET"),
      cmd(0, "CLIENT", "TRACKINGINFO"),
    ]),
});

Deno.test({
  name: "tracking diff: RESP3 default mode — reads are tracked, one invalidation per key, then forgotten",
  ignore,
  fn: () =>
    same(2, [
      hello3(0),
      cmd(0, "CLIENT", "TRACKING", "ON"),
      cmd(1, "MSET", "a", "1", "b", "2", "c", "3", "s", "x"),
      cmd(1, "HSET", "h", "f", "v"),
      cmd(1, "RPUSH", "l", "x"),
      cmd(0, "GET", "a"),
      cmd(0, "MGET", "b", "c"),
      cmd(0, "HGET", "h", "f"),
      cmd(0, "EXISTS", "missing"),
      cmd(0, "LRANGE", "l", 0, -1),
      cmd(0, "STRLEN", "s"),
      cmd(0, "TYPE", "untracked-by-write"),
      cmd(0, "SET", "w", "written"), // a write does not track
      cmd(1, "SET", "a", "9"),
      { c: 0, read: 1 },
      cmd(1, "MSET", "b", "9", "c", "9"),
      { c: 0, read: 2 },
      cmd(1, "HDEL", "h", "f"),
      { c: 0, read: 1 },
      cmd(1, "SET", "missing", "now"),
      { c: 0, read: 1 },
      cmd(1, "RPUSH", "l", "y"),
      { c: 0, read: 1 },
      cmd(1, "APPEND", "s", "y"),
      { c: 0, read: 1 },
      cmd(1, "SET", "w", "other"),
      cmd(1, "SET", "a", "10"), // no longer tracked: nothing
      cmd(0, "PING"),
      // the connection's own writes are reported too (after the reply)
      cmd(0, "GET", "a"),
      cmd(0, "SET", "a", "11"),
      { c: 0, read: 1 },
      cmd(0, "PING"),
    ]),
});

Deno.test({
  name: "tracking diff: NOLOOP skips the connection's own writes",
  ignore,
  fn: () =>
    same(2, [
      hello3(0),
      cmd(0, "CLIENT", "TRACKING", "ON", "NOLOOP"),
      cmd(0, "GET", "k"),
      cmd(0, "SET", "k", "mine"),
      cmd(0, "PING"),
      cmd(0, "GET", "k"),
      cmd(1, "SET", "k", "theirs"),
      { c: 0, read: 1 },
      cmd(0, "PING"),
    ]),
});

Deno.test({
  name: "tracking diff: OPTIN / OPTOUT with CLIENT CACHING for the next command or transaction",
  ignore,
  fn: () =>
    same(2, [
      hello3(0),
      cmd(0, "CLIENT", "TRACKING", "ON", "OPTIN"),
      cmd(0, "GET", "a"), // not tracked
      cmd(0, "CLIENT", "CACHING", "YES"),
      cmd(0, "GET", "b"), // tracked
      cmd(0, "GET", "c"), // not tracked: CACHING covered one command
      cmd(0, "CLIENT", "CACHING", "YES"),
      { c: 0, cmd: ["CLIENT", "ID"], ids: true }, // CLIENT commands keep it
      cmd(0, "GET", "d"), // tracked
      cmd(0, "CLIENT", "CACHING", "YES"),
      cmd(0, "NOSUCHCOMMAND"), // a rejected command consumes it
      cmd(0, "GET", "e"), // not tracked
      cmd(0, "CLIENT", "CACHING", "YES"),
      cmd(0, "MULTI"),
      cmd(0, "GET", "f"),
      cmd(0, "GET", "g"),
      cmd(0, "EXEC"), // both tracked
      cmd(0, "GET", "h"), // not tracked
      cmd(1, "MSET", "a", 1, "b", 1, "c", 1, "d", 1, "e", 1, "f", 1, "g", 1, "h", 1),
      { c: 0, read: 4 },
      cmd(0, "PING"),
      cmd(0, "CLIENT", "TRACKING", "OFF"),
      cmd(0, "CLIENT", "TRACKING", "ON", "OPTOUT"),
      cmd(0, "GET", "a"), // tracked
      cmd(0, "CLIENT", "CACHING", "NO"),
      cmd(0, "GET", "b"), // not tracked
      cmd(0, "GET", "c"), // tracked
      cmd(1, "MSET", "a", 2, "b", 2, "c", 2),
      { c: 0, read: 2 },
      cmd(0, "PING"),
    ]),
});

Deno.test({
  name: "tracking diff: BCAST — prefixes, one sorted array per prefix per batch, NOLOOP",
  ignore,
  fn: () =>
    same(3, [
      hello3(0),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "obj:"),
      cmd(1, "SET", "user:1", "x"),
      { c: 0, read: 1 },
      cmd(1, "SET", "other", "x"),
      cmd(0, "PING"),
      // a batch of writes in one read: one message per prefix, keys in byte order, no duplicates
      { c: 1, pipeline: [["SET", "user:9", 1], ["SET", "obj:2", 1], ["SET", "user:10", 1], ["DEL", "user:9"]] },
      { c: 0, read: 2 },
      cmd(0, "PING"),
      // BCAST without prefixes: every key
      hello3(2),
      cmd(2, "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP"),
      cmd(2, "SET", "mine", 1), // NOLOOP: not reported to itself
      cmd(2, "PING"),
      { c: 0, read: 0 },
      { c: 1, pipeline: [["SET", "zz", 1], ["SET", "aa", 1]] },
      { c: 2, read: 1 },
      // a batch mixing its own write and another's: only the other's key
      { c: 2, pipeline: [["SET", "own", 1], ["SET", "user:own", 1]] },
      cmd(0, "PING"),
      { c: 0, read: 1 },
      cmd(2, "PING"),
    ]),
});

Deno.test({
  name: "tracking diff: RESP2 redirection to a subscribed connection, RESP3 redirect target, broken redirect",
  ignore,
  fn: () =>
    same(4, [
      cmd(2, "SUBSCRIBE", "__redis__:invalidate"),
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT", "{id:2}"),
      cmd(0, "GET", "a"),
      cmd(0, "GET", "b"),
      cmd(1, "SET", "a", 1),
      { c: 2, read: 1 },
      cmd(0, "SET", "b", 1), // its own write, redirected as well
      { c: 2, read: 1 },
      // BCAST redirected
      cmd(3, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p", "REDIRECT", "{id:2}"),
      { c: 1, pipeline: [["SET", "p2", 1], ["SET", "p1", 1]] },
      { c: 2, read: 1 },
      // a RESP3 redirect target gets pushes
      hello3(1),
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT", "{id:1}"),
      cmd(0, "GET", "c"),
      cmd(3, "SET", "c", 1),
      { c: 1, read: 1 },
      // redirect target not subscribed, RESP2: nothing is sent anywhere
      cmd(2, "UNSUBSCRIBE"),
      cmd(0, "CLIENT", "TRACKING", "ON", "REDIRECT", "{id:2}"),
      cmd(0, "GET", "d"),
      cmd(1, "SET", "d", 1),
      cmd(2, "PING"),
      // the redirect client goes away: RESP2 client is flagged, a RESP3 client is told
      cmd(0, "GET", "e"),
      { c: 2, close: true },
      cmd(1, "SET", "e", 1),
      { c: 0, cmd: ["CLIENT", "TRACKINGINFO"], ids: true },
      hello3(0),
      cmd(0, "GET", "f"),
      cmd(1, "SET", "f", 1),
      { c: 0, read: 1, ids: true },
      { c: 0, cmd: ["CLIENT", "TRACKINGINFO"], ids: true },
      cmd(0, "CLIENT", "TRACKING", "ON"), // re-enabling clears the broken flag
      cmd(0, "CLIENT", "TRACKINGINFO"),
    ]),
});

Deno.test({
  name: "tracking diff: FLUSHDB / FLUSHALL send one null invalidation to every tracking client",
  ignore,
  fn: () =>
    same(4, [
      hello3(0),
      cmd(0, "CLIENT", "TRACKING", "ON"),
      cmd(0, "GET", "a"),
      cmd(3, "SUBSCRIBE", "__redis__:invalidate"),
      cmd(1, "CLIENT", "TRACKING", "ON", "REDIRECT", "{id:3}"),
      hello3(2),
      cmd(2, "CLIENT", "TRACKING", "ON", "BCAST"),
      cmd(1, "SET", "a", 1),
      { c: 0, read: 1 },
      { c: 2, read: 1 },
      cmd(1, "FLUSHALL"),
      { c: 0, read: 1 },
      { c: 2, read: 1 },
      { c: 3, read: 1 },
      cmd(1, "SELECT", 9),
      cmd(1, "FLUSHDB"), // an empty database: still "everything changed"
      { c: 0, read: 1 },
      { c: 2, read: 1 },
      { c: 3, read: 1 },
      // the flushing client itself: after its reply
      cmd(0, "FLUSHALL"),
      { c: 0, read: 1 },
      { c: 2, read: 1 },
      { c: 3, read: 1 },
      // the table was emptied: a key read before the flush is no longer tracked
      cmd(0, "GET", "b"),
      cmd(1, "FLUSHDB"),
      { c: 0, read: 1 },
      { c: 2, read: 1 },
      { c: 3, read: 1 },
      cmd(1, "SELECT", 0),
      cmd(1, "SET", "b", 1),
      { c: 2, read: 1 },
      cmd(0, "PING"),
    ]),
});

Deno.test({
  name: "tracking diff: invalidations caused inside MULTI come after EXEC's reply; expiry invalidates",
  ignore,
  fn: () =>
    same(2, [
      hello3(0),
      cmd(0, "CLIENT", "TRACKING", "ON"),
      cmd(0, "GET", "k"),
      cmd(0, "GET", "j"),
      cmd(0, "MULTI"),
      cmd(0, "SET", "k", 1),
      cmd(0, "SET", "j", 1),
      cmd(0, "GET", "k"),
      cmd(0, "EXEC"),
      { c: 0, read: 2 },
      cmd(1, "SET", "k", 2), // re-tracked by the GET inside EXEC
      { c: 0, read: 1 },
      cmd(1, "SET", "t", "v", "PX", 100),
      cmd(0, "GET", "t"),
      { sleep: 400 }, // active expiry deletes it
      { c: 0, read: 1 },
      cmd(0, "PING"),
    ]),
});

Deno.test({
  name: "tracking diff: reads remembered before OFF still invalidate after ON, but not in BCAST mode",
  ignore,
  fn: () =>
    same(2, [
      hello3(0),
      cmd(0, "CLIENT", "TRACKING", "ON"),
      cmd(0, "GET", "a"),
      cmd(0, "GET", "b"),
      cmd(0, "CLIENT", "TRACKING", "OFF"),
      cmd(1, "SET", "c", 1),
      cmd(0, "CLIENT", "TRACKING", "ON"),
      cmd(1, "SET", "a", 1),
      { c: 0, read: 1 },
      cmd(0, "CLIENT", "TRACKING", "OFF"),
      cmd(0, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x"),
      cmd(1, "SET", "b", 1),
      cmd(0, "PING"),
    ]),
});
