/**
 * Test helpers for Pub/Sub and keyspace notifications: our server and redis-server side by side, each
 * with any number of raw connections, and readers for subscriber streams (raw message texts, so the
 * streams of both servers can be compared byte for byte).
 */
import assert from "node:assert/strict";
import { type RunningServer, startServer } from "../../src/mod.ts";
import { Oracle } from "../helpers/oracle.ts";
import { RawClient } from "../helpers/resp.ts";

/** One side of a pair: a port and the connections opened on it. */
export class Side {
  private readonly conns: RawClient[] = [];
  constructor(readonly name: "ours" | "redis", readonly port: number) {}

  /** Opens a raw connection (closed with the pair). */
  async connect(): Promise<RawClient> {
    const c = await RawClient.connect(this.port);
    this.conns.push(c);
    return c;
  }

  closeAll(): void {
    for (const c of this.conns) c.close();
  }
}

/** Our server and the oracle. */
export interface Pair {
  ours: RunningServer;
  oracle: Oracle;
  sides: [Side, Side];
}

/** Runs `fn` with a fresh server of ours and a fresh redis-server (active expiry off on both). */
export async function withPair(
  fn: (p: Pair) => Promise<void>,
  opts: { config?: Record<string, string>; activeExpire?: boolean } = {},
): Promise<void> {
  const ours = await startServer({ config: opts.config });
  const args: string[] = [];
  for (const [k, v] of Object.entries(opts.config ?? {})) args.push("--" + k, v);
  const oracle = await Oracle.start(args);
  const sides: [Side, Side] = [new Side("ours", ours.port), new Side("redis", oracle.port)];
  try {
    if (!opts.activeExpire) {
      ours.server.activeExpireEnabled = false;
      const r = await sides[1].connect();
      await r.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    }
    await fn({ ours, oracle, sides });
  } finally {
    for (const s of sides) s.closeAll();
    await ours.close();
    await oracle.stop();
  }
}

/** Reads `n` raw replies/messages. */
export async function readN(c: RawClient, n: number, timeoutMs = 3000): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await c.readRaw(timeoutMs));
  return out;
}

/** Reads raw messages until one contains `marker` (excluded from the result). */
export async function readUntil(c: RawClient, marker: string, timeoutMs = 5000): Promise<string[]> {
  const out: string[] = [];
  while (true) {
    const m = await c.readRaw(timeoutMs);
    if (m.includes(marker)) return out;
    out.push(m);
  }
}

/** Asserts nothing arrives on `c` within `ms`. */
export async function assertSilent(c: RawClient, ms = 100): Promise<void> {
  let got: string | null = null;
  try {
    got = await c.readRaw(ms);
  } catch {
    // timed out: silent, as expected
  }
  assert.equal(got, null, `expected no message, got ${JSON.stringify(got)}`);
}

/** Sends `argv` and returns the raw replies: `n` frames (a SUBSCRIBE of k channels gives k). */
export async function callN(c: RawClient, n: number, ...argv: (string | number)[]): Promise<string[]> {
  await c.send(...argv);
  return readN(c, n);
}

/** Encodes a RESP2 "message" frame (what a RESP2 subscriber must receive). */
export function messageFrame(channel: string, payload: string, resp: 2 | 3 = 2): string {
  return `${
    resp === 2 ? "*" : ">"
  }3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${payload.length}\r\n${payload}\r\n`;
}

/** Encodes a "pmessage" frame. */
export function pmessageFrame(pattern: string, channel: string, payload: string, resp: 2 | 3 = 2): string {
  return `${
    resp === 2 ? "*" : ">"
  }4\r\n$8\r\npmessage\r\n$${pattern.length}\r\n${pattern}\r\n$${channel.length}\r\n${channel}\r\n$${payload.length}\r\n${payload}\r\n`;
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * One step of a multi-connection scenario: connection `c` sends `cmd` and reads `frames` frames
 * (default 1; 0 for none) — left out of the comparison with `ignoreReply` (HELLO names the server
 * version) — or reads `read` frames that other connections caused.
 */
export type Action =
  | { c: number; cmd: (string | number)[]; frames?: number; ignoreReply?: boolean }
  | { c: number; read: number };

/**
 * Plays a scenario on one side with `conns` fresh connections; returns the transcript (each command
 * and every frame each connection received, raw), which must be byte-identical on both servers.
 */
export async function playScenario(side: Side, conns: number, actions: Action[]): Promise<string[]> {
  const cs: RawClient[] = [];
  for (let i = 0; i < conns; i++) cs.push(await side.connect());
  const out: string[] = [];
  for (const a of actions) {
    const c = cs[a.c];
    if ("read" in a) {
      for (const f of await readN(c, a.read)) out.push(`c${a.c} << ${f}`);
      continue;
    }
    await c.send(...a.cmd);
    out.push(`c${a.c} >> ${a.cmd.join(" ")}`);
    for (const f of await readN(c, a.frames ?? 1)) out.push(`c${a.c} << ${a.ignoreReply ? "(ignored)" : f}`);
  }
  // Whatever is left unread on a connection is part of the transcript too.
  for (let i = 0; i < cs.length; i++) {
    while (true) {
      try {
        out.push(`c${i} left: ${await cs[i].readRaw(60)}`);
      } catch (e) {
        if (String(e).includes("closed")) out.push(`c${i} closed`);
        break;
      }
    }
  }
  return out;
}

/** Plays the scenario on both servers and asserts identical transcripts. */
export async function sameScenario(p: Pair, conns: number, actions: Action[]): Promise<void> {
  const ours = await playScenario(p.sides[0], conns, actions);
  const redis = await playScenario(p.sides[1], conns, actions);
  for (let i = 0; i < Math.max(ours.length, redis.length); i++) {
    if (ours[i] !== redis[i]) {
      assert.fail(
        `transcripts differ at line ${i} (after ${JSON.stringify(redis[i - 1])}):\n  ours:  ${
          JSON.stringify(ours[i])
        }\n  redis: ${JSON.stringify(redis[i])}`,
      );
    }
  }
}
