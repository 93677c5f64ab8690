/**
 * Pub/Sub commands, differential: multi-connection scenarios replayed on our server and on
 * redis-server, comparing every reply and every message each connection receives byte for byte —
 * subscribe/unsubscribe confirmations and their counts, null channels, the RESP2 subscribed-mode
 * filter, RESP3 pushes, patterns, shard channels, PUBSUB introspection, binary and large payloads.
 *
 * Scenarios avoid what Redis leaves to hash order (UNSUBSCRIBE without arguments over several
 * channels, PUBSUB CHANNELS listing several): those are checked as sets in state_test.ts.
 */
import { type Action, sameScenario, withPair } from "./helpers.ts";

/** `c` sends argv and reads `frames` frames. */
function cmd(c: number, frames: number, ...argv: (string | number)[]): Action {
  return { c, cmd: argv, frames };
}

/** `c` reads `n` frames produced by others. */
function read(c: number, n: number): Action {
  return { c, read: n };
}

Deno.test("pubsub: RESP2 subscribe, publish, unsubscribe confirmations and messages match redis-server", async () => {
  await withPair(async (p) => {
    await sameScenario(p, 3, [
      cmd(0, 3, "SUBSCRIBE", "news", "sport", "news"),
      cmd(2, 1, "PUBLISH", "news", "hello"),
      read(0, 1),
      cmd(2, 1, "PUBLISH", "nobody", "x"),
      cmd(1, 2, "PSUBSCRIBE", "n*", "s?ort"),
      cmd(2, 1, "PUBLISH", "news", "both"),
      read(0, 1),
      read(1, 1),
      cmd(2, 1, "PUBLISH", "sport", "goal"),
      read(0, 1),
      read(1, 1),
      cmd(0, 2, "PSUBSCRIBE", "ne[wx]s", "ne[wx]s"),
      cmd(2, 1, "PUBLISH", "news", "three"),
      read(0, 2),
      read(1, 1),
      cmd(0, 2, "UNSUBSCRIBE", "news", "never-subscribed"),
      cmd(0, 1, "PUNSUBSCRIBE", "ne[wx]s"),
      cmd(0, 1, "PUNSUBSCRIBE", "unknown*"),
      cmd(0, 1, "UNSUBSCRIBE"),
      cmd(0, 1, "UNSUBSCRIBE"),
      cmd(0, 1, "PUNSUBSCRIBE"),
      cmd(0, 1, "GET", "k"),
      cmd(1, 2, "PUNSUBSCRIBE", "n*", "s?ort"),
      cmd(2, 1, "PUBLISH", "news", "gone"),
    ]);
  });
});

Deno.test("pubsub: RESP2 subscribed mode allows only the (un)subscribe family, PING, QUIT and RESET", async () => {
  await withPair(async (p) => {
    await sameScenario(p, 2, [
      cmd(0, 1, "SUBSCRIBE", "a"),
      cmd(0, 1, "GET", "k"),
      cmd(0, 1, "SET", "k", "v"),
      cmd(0, 1, "PUBLISH", "a", "x"),
      cmd(0, 1, "PUBSUB", "NUMSUB", "a"),
      cmd(0, 1, "CLIENT", "LIST"),
      cmd(0, 1, "CONFIG", "GET", "port"),
      cmd(0, 1, "SELECT", "1"),
      cmd(0, 1, "HELLO", "2"),
      cmd(0, 1, "ECHO", "x"),
      cmd(0, 1, "PING"),
      cmd(0, 1, "PING", "hi"),
      cmd(0, 1, "ping", "HI"),
      cmd(0, 1, "NOSUCHCOMMAND"),
      cmd(0, 1, "GET"),
      cmd(0, 1, "SSUBSCRIBE", "s"),
      cmd(0, 1, "UNSUBSCRIBE", "a"),
      // still subscribed to a shard channel: still in subscribed mode
      cmd(0, 1, "GET", "k"),
      cmd(0, 1, "PSUBSCRIBE", "p*"),
      cmd(0, 1, "SUNSUBSCRIBE"),
      cmd(0, 1, "GET", "k"),
      cmd(0, 1, "PUNSUBSCRIBE"),
      cmd(0, 1, "GET", "k"),
      cmd(0, 1, "PING"),
      // RESET leaves subscribed mode silently and stops the messages
      cmd(0, 1, "SUBSCRIBE", "a"),
      cmd(0, 1, "RESET"),
      cmd(1, 1, "PUBLISH", "a", "after-reset"),
      cmd(0, 1, "GET", "k"),
      cmd(1, 1, "PUBSUB", "NUMSUB", "a"),
      // QUIT is allowed and closes the connection
      cmd(0, 1, "SUBSCRIBE", "a"),
      cmd(0, 1, "QUIT"),
    ]);
  });
});

Deno.test("pubsub: RESP3 pushes, normal commands while subscribed, null channels", async () => {
  await withPair(async (p) => {
    const hello: Action = { c: 0, cmd: ["HELLO", "3"], ignoreReply: true };
    await sameScenario(
      p,
      2,
      [
        cmd(0, 1, "SET", "k", "v"),
        cmd(0, 1, "UNSUBSCRIBE"),
        cmd(0, 1, "PUNSUBSCRIBE"),
        cmd(0, 1, "SUNSUBSCRIBE"),
        cmd(0, 2, "SUBSCRIBE", "a", "b"),
        cmd(0, 1, "PSUBSCRIBE", "a*"),
        cmd(0, 1, "GET", "k"),
        cmd(0, 1, "PING"),
        cmd(1, 1, "PUBLISH", "a", "m1"),
        read(0, 2),
        cmd(0, 1, "PUBSUB", "NUMSUB", "a", "b", "c"),
        cmd(0, 1, "PUBSUB", "NUMPAT"),
        cmd(0, 1, "UNSUBSCRIBE", "a"),
        cmd(1, 1, "PUBLISH", "a", "m2"),
        read(0, 1),
        cmd(0, 1, "UNSUBSCRIBE"),
        cmd(0, 1, "PUNSUBSCRIBE"),
        cmd(0, 1, "UNSUBSCRIBE"),
      ].map((a, i) => (i === 0 ? [hello, a] : [a])).flat(),
    );
  });
});

Deno.test("pubsub: shard channels — SSUBSCRIBE, SPUBLISH, SUNSUBSCRIBE, counts apart from channels", async () => {
  await withPair(async (p) => {
    await sameScenario(p, 3, [
      cmd(0, 1, "SUBSCRIBE", "ch"),
      cmd(0, 2, "SSUBSCRIBE", "ch", "other"),
      cmd(0, 1, "SSUBSCRIBE", "ch"),
      cmd(1, 1, "SSUBSCRIBE", "ch"),
      cmd(2, 1, "SPUBLISH", "ch", "shard-msg"),
      read(0, 1),
      read(1, 1),
      cmd(2, 1, "PUBLISH", "ch", "plain-msg"),
      read(0, 1),
      cmd(2, 1, "SPUBLISH", "nobody", "x"),
      cmd(2, 1, "PUBSUB", "SHARDNUMSUB", "ch", "other", "none"),
      cmd(2, 1, "PUBSUB", "SHARDNUMSUB"),
      cmd(2, 1, "PUBSUB", "SHARDCHANNELS", "o*"),
      cmd(2, 1, "PUBSUB", "SHARDCHANNELS", "zz*"),
      cmd(2, 1, "PUBSUB", "NUMSUB", "ch", "other"),
      cmd(0, 2, "SUNSUBSCRIBE", "ch", "nope"),
      cmd(0, 1, "SUNSUBSCRIBE"),
      cmd(0, 1, "SUNSUBSCRIBE"),
      { c: 1, cmd: ["HELLO", "3"], ignoreReply: true },
      cmd(2, 1, "SPUBLISH", "ch", "to-resp3"),
      read(1, 1),
      cmd(1, 1, "SUNSUBSCRIBE", "ch"),
      cmd(1, 1, "SUNSUBSCRIBE"),
      cmd(0, 1, "UNSUBSCRIBE"),
    ]);
  });
});

Deno.test("pubsub: PUBSUB CHANNELS / NUMSUB / NUMPAT / HELP and argument errors match redis-server", async () => {
  await withPair(async (p) => {
    await sameScenario(p, 3, [
      cmd(2, 1, "PUBSUB", "CHANNELS"),
      cmd(2, 1, "PUBSUB", "NUMPAT"),
      cmd(2, 1, "PUBSUB", "NUMSUB"),
      cmd(0, 1, "SUBSCRIBE", "alpha"),
      cmd(1, 1, "SUBSCRIBE", "alpha"),
      cmd(0, 1, "PSUBSCRIBE", "a*"),
      cmd(1, 1, "PSUBSCRIBE", "a*"),
      cmd(1, 1, "PSUBSCRIBE", "b*"),
      cmd(2, 1, "PUBSUB", "CHANNELS"),
      cmd(2, 1, "PUBSUB", "CHANNELS", "al*"),
      cmd(2, 1, "PUBSUB", "CHANNELS", "AL*"),
      cmd(2, 1, "PUBSUB", "CHANNELS", "[a-b]lph?"),
      cmd(2, 1, "PUBSUB", "NUMSUB", "alpha", "beta", "alpha"),
      cmd(2, 1, "PUBSUB", "NUMPAT"),
      cmd(2, 1, "pubsub", "numpat"),
      cmd(2, 1, "PUBSUB", "HELP"),
      cmd(2, 1, "PUBSUB"),
      cmd(2, 1, "PUBSUB", "NOPE"),
      cmd(2, 1, "PUBSUB", "CHANNELS", "a", "b"),
      cmd(2, 1, "PUBSUB", "channels", "a", "b"),
      cmd(2, 1, "PUBSUB", "SHARDCHANNELS", "a", "b"),
      cmd(2, 1, "PUBSUB", "NUMPAT", "x"),
      cmd(2, 1, "PUBSUB", "HELP", "x"),
      cmd(2, 1, "PUBLISH", "a"),
      cmd(2, 1, "PUBLISH", "a", "b", "c"),
      cmd(2, 1, "SPUBLISH", "a"),
      cmd(2, 1, "SUBSCRIBE"),
      cmd(2, 1, "PSUBSCRIBE"),
      cmd(2, 1, "SSUBSCRIBE"),
      cmd(2, 1, "PUBLISH", "alpha", "x"),
      read(0, 2),
      read(1, 2),
      cmd(0, 1, "UNSUBSCRIBE"),
      cmd(2, 1, "PUBSUB", "NUMSUB", "alpha"),
      cmd(1, 1, "UNSUBSCRIBE"),
      cmd(2, 1, "PUBSUB", "CHANNELS"),
      cmd(2, 1, "PUBSUB", "NUMPAT"),
    ]);
  });
});

Deno.test("pubsub: binary, empty and large channels and payloads arrive byte-exact", async () => {
  await withPair(async (p) => {
    let bin = "";
    for (let i = 0; i < 256; i++) bin += String.fromCharCode(i);
    const big = "x".repeat(200_000) + "\r\n*3\r\n";
    await sameScenario(p, 2, [
      cmd(0, 1, "SUBSCRIBE", bin),
      cmd(0, 1, "SUBSCRIBE", ""),
      cmd(0, 1, "PSUBSCRIBE", "\x00*\xff"),
      cmd(1, 1, "PUBLISH", bin, bin),
      read(0, 2),
      cmd(1, 1, "PUBLISH", "", ""),
      read(0, 1),
      cmd(1, 1, "PUBLISH", "", big),
      read(0, 1),
      cmd(1, 1, "PUBSUB", "NUMSUB", bin, ""),
      cmd(0, 1, "PUNSUBSCRIBE", "\x00*\xff"),
      cmd(0, 1, "UNSUBSCRIBE", bin),
      cmd(0, 1, "UNSUBSCRIBE", ""),
    ]);
  });
});

Deno.test("pubsub: glob patterns match channels as Redis's stringmatchlen does", async () => {
  await withPair(async (p) => {
    const patterns = ["*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo", "h\\*llo", "*o", "h[", "[z-a]*"];
    const channels = ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h[", "o", "bello", "zebra"];
    // One subscriber per pattern (Redis visits patterns in hash order): connection i+1 has pattern i.
    const actions: Action[] = patterns.map((pat, i) => cmd(i + 1, 1, "PSUBSCRIBE", pat));
    // Receiver counts are compared here; the pmessages themselves are each connection's unread tail.
    for (const ch of channels) actions.push(cmd(0, 1, "PUBLISH", ch, "m"));
    await sameScenario(p, patterns.length + 1, actions);
  });
});

Deno.test("pubsub: confirmations and messages ignore CLIENT REPLY OFF / SKIP (push semantics)", async () => {
  await withPair(async (p) => {
    await sameScenario(p, 2, [
      cmd(0, 0, "CLIENT", "REPLY", "OFF"),
      cmd(0, 1, "SUBSCRIBE", "quiet"),
      cmd(1, 1, "PUBLISH", "quiet", "still-delivered"),
      read(0, 1),
      cmd(0, 1, "PSUBSCRIBE", "q*"),
      cmd(0, 1, "UNSUBSCRIBE"),
      cmd(0, 1, "PUNSUBSCRIBE"),
      cmd(0, 0, "SET", "k", "v"),
      cmd(0, 1, "CLIENT", "REPLY", "ON"),
      cmd(0, 0, "CLIENT", "REPLY", "SKIP"),
      cmd(0, 1, "SUBSCRIBE", "skip"),
      cmd(1, 1, "PUBLISH", "skip", "m"),
      read(0, 1),
    ]);
  });
});
