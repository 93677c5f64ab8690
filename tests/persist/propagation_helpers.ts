/**
 * Test helpers for propagation (AOF / replicas): collect what our server propagates (propagateHooks),
 * tail the incremental AOF file of a real redis-server started with `appendonly yes` and
 * `appendfsync always` (every propagated command is written before the reply), and compare the two
 * streams op by op with tolerance for absolute timestamps and auto-generated stream ids.
 */
import { Buffer } from "node:buffer";
import { Oracle } from "../helpers/oracle.ts";
import type { RunningServer } from "../../src/mod.ts";
import { encodeCommand, RawClient, type RespValue } from "../helpers/resp.ts";

/** One propagated operation: database id (-1 for MULTI / EXEC) and argv. */
export interface Op {
  db: number;
  argv: string[];
}

/** Collects the operations our server propagates. */
export function collectOps(srv: RunningServer): Op[] {
  const ops: Op[] = [];
  srv.server.propagateHooks.push((db, argv) => ops.push({ db, argv: argv.slice() }));
  return ops;
}

/** Starts redis-server (7.0) with an AOF written synchronously before every reply. */
export function startAofOracle(extra: string[] = []): Promise<Oracle> {
  return Oracle.start(["--appendonly", "yes", "--appendfsync", "always", ...extra]);
}

/**
 * Reads the operations appended to a Redis 7 incremental AOF file since the last call. SELECT sets
 * the database of the following operations; MULTI and EXEC get database -1 like our hook gives.
 */
export class AofTail {
  private offset = 0;
  private db = 0;

  constructor(readonly path: string) {}

  static forOracle(o: Oracle): AofTail {
    return new AofTail(`${o.dir}/appendonlydir/appendonly.aof.1.incr.aof`);
  }

  read(): Op[] {
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(this.path);
    } catch {
      return [];
    }
    const text = Buffer.from(bytes.subarray(this.offset)).toString("latin1");
    const ops: Op[] = [];
    let pos = 0;
    while (pos < text.length) {
      const parsed = parseCommand(text, pos);
      if (parsed === null) break;
      pos = parsed.next;
      const argv = parsed.argv;
      const name = argv[0].toLowerCase();
      if (name === "select") {
        this.db = Number(argv[1]);
        continue;
      }
      ops.push({ db: name === "multi" || name === "exec" ? -1 : this.db, argv });
    }
    this.offset += pos;
    return ops;
  }
}

/** Parses one RESP multibulk command at `pos`; null when incomplete. */
function parseCommand(text: string, pos: number): { argv: string[]; next: number } | null {
  if (text[pos] !== "*") throw new Error(`bad AOF at ${pos}: ${JSON.stringify(text.slice(pos, pos + 40))}`);
  let nl = text.indexOf("\r\n", pos);
  if (nl < 0) return null;
  const n = Number(text.slice(pos + 1, nl));
  let p = nl + 2;
  const argv: string[] = [];
  for (let i = 0; i < n; i++) {
    nl = text.indexOf("\r\n", p);
    if (nl < 0) return null;
    const len = Number(text.slice(p + 1, nl));
    const start = nl + 2;
    if (text.length < start + len + 2) return null;
    argv.push(text.slice(start, start + len));
    p = start + len + 2;
  }
  return { argv, next: p };
}

/** Unix ms timestamps (2001…2286) compare within this tolerance. */
export const TIME_TOLERANCE_MS = 2000;

const MS_RE = /^\d{13}$/;
const AUTO_ID_RE = /^(\d{13})-(\d+)$/;

/** True when two arguments are equal, or both absolute ms times / auto stream ids close enough. */
export function sameArg(a: string, b: string): boolean {
  if (a === b) return true;
  if (MS_RE.test(a) && MS_RE.test(b)) return Math.abs(Number(a) - Number(b)) <= TIME_TOLERANCE_MS;
  const ma = AUTO_ID_RE.exec(a), mb = AUTO_ID_RE.exec(b);
  if (ma && mb) return Math.abs(Number(ma[1]) - Number(mb[1])) <= TIME_TOLERANCE_MS;
  return false;
}

/** How a step's operations are compared. */
export type CompareMode = "exact" | "shape";

/** Returns a description of the first difference between two op lists, or null when they match. */
export function diffOps(ours: Op[], redis: Op[], mode: CompareMode = "exact"): string | null {
  const n = Math.max(ours.length, redis.length);
  for (let i = 0; i < n; i++) {
    const a = ours[i], b = redis[i];
    if (a === undefined || b === undefined) return `op #${i}: ${fmt(a)} vs ${fmt(b)}`;
    if (a.db !== b.db || a.argv.length !== b.argv.length) return `op #${i}: ${fmt(a)} vs ${fmt(b)}`;
    if (mode === "shape") {
      if (a.argv[0].toLowerCase() !== b.argv[0].toLowerCase()) return `op #${i}: ${fmt(a)} vs ${fmt(b)}`;
      continue;
    }
    for (let j = 0; j < a.argv.length; j++) {
      if (!sameArg(a.argv[j], b.argv[j])) return `op #${i} arg ${j}: ${fmt(a)} vs ${fmt(b)}`;
    }
  }
  return null;
}

function fmt(op: Op | undefined): string {
  return op === undefined ? "(none)" : `db${op.db} ${JSON.stringify(op.argv)}`;
}

/** Operations one per line, for failure messages. */
export function formatOps(ops: Op[]): string {
  return ops.map(fmt).join("\n      ");
}

// ---- differential runner ------------------------------------------------------------------------

export type Arg = string | number;

/**
 * One step of a differential script: a command (array), or an object: `cmd` on connection `conn`
 * (default 0), `send` only (a blocking command whose reply is read later by a `read` step), `sleep`
 * ms (both servers), `mode` "shape" for commands whose effects are random (SPOP…).
 */
export type Step = Arg[] | {
  cmd?: Arg[];
  conn?: number;
  send?: boolean;
  read?: number;
  sleep?: number;
  mode?: CompareMode;
  /** Where Redis 8.2 propagates differently from 7.0: turns 7.0's operations into 8.2's. */
  redis82?: (ops: Op[]) => Op[];
};

/** Operations without their MULTI … EXEC wrapper. */
export function unwrap(ops: Op[]): Op[] {
  const n = ops.length;
  if (n >= 2 && ops[0].argv[0].toUpperCase() === "MULTI" && ops[n - 1].argv[0].toUpperCase() === "EXEC") {
    return ops.slice(1, -1);
  }
  return ops;
}

/** Wraps several operations in MULTI … EXEC, as one execution unit propagates them. */
export function wrap(ops: Op[]): Op[] {
  if (ops.length <= 1) return ops;
  return [{ db: -1, argv: ["MULTI"] }, ...ops, { db: -1, argv: ["EXEC"] }];
}

/** 8.2 adds `extra` operations (in database `db`) after 7.0's. */
export function plus82(extra: string[][], db = 0): (ops: Op[]) => Op[] {
  return (ops) => wrap([...unwrap(ops), ...extra.map((argv) => ({ db, argv }))]);
}

/** 8.2 propagates each of 7.0's operations in another form (`fn`). */
export function replace82(fn: (op: Op) => Op): (ops: Op[]) => Op[] {
  return (ops) => wrap(unwrap(ops).map(fn));
}

/** 8.2 replicates SPOP with a count as one SREM of up to 1024 members, 7.0 as one SREM per member. */
export function mergeSrem(ops: Op[]): Op[] {
  const inner = unwrap(ops);
  if (inner.length === 0) return ops;
  const merged: Op = { db: inner[0].db, argv: [inner[0].argv[0], inner[0].argv[1]] };
  for (const op of inner) merged.argv.push(...op.argv.slice(2));
  return [merged];
}

/** Runs `steps` on both servers, command by command, and returns the propagation differences. */
export async function runDifferential(
  ours: { port: number; ops: Op[] },
  oracle: { port: number; tail: AofTail },
  steps: Step[],
  label: string,
): Promise<string[]> {
  const a = [await RawClient.connect(ours.port), await RawClient.connect(ours.port)];
  const b = [await RawClient.connect(oracle.port), await RawClient.connect(oracle.port)];
  const problems: string[] = [];
  try {
    oracle.tail.read();
    ours.ops.length = 0;
    for (const step of steps) {
      const s = Array.isArray(step) ? { cmd: step } : step;
      let replies = "";
      try {
        replies = await execStep(s, a, b);
      } catch (e) {
        throw new Error(`[${label}] ${JSON.stringify(s)}: ${e instanceof Error ? e.message : e}`);
      }
      if (s.sleep !== undefined) continue;
      const mine = ours.ops.splice(0);
      let theirs = oracle.tail.read();
      if (s.redis82) theirs = s.redis82(theirs);
      const d = diffOps(mine, theirs, s.mode);
      if (d !== null) {
        problems.push(
          `[${label}] ${JSON.stringify(s.cmd ?? `read ${s.read}`)} (replies ${JSON.stringify(replies)}): ${d}\n` +
            `    ours:  ${formatOps(mine)}\n    redis: ${formatOps(theirs)}`,
        );
      }
    }
  } finally {
    for (const c of [...a, ...b]) c.close();
  }
  return problems;
}

type StepObj = Exclude<Step, Arg[]>;

/** Executes one step on both servers; returns both replies (for messages). */
async function execStep(s: StepObj, a: RawClient[], b: RawClient[]): Promise<string> {
  if (s.sleep !== undefined) {
    await new Promise((r) => setTimeout(r, s.sleep));
    return "";
  }
  if (s.read !== undefined) return `${await a[s.read].readRaw()} / ${await b[s.read].readRaw()}`;
  const c = s.conn ?? 0;
  if (s.send) {
    await a[c].send(...s.cmd!);
    await b[c].send(...s.cmd!);
    // wait until both servers have blocked the client
    for (const x of [a[0], b[0]]) {
      const deadline = Date.now() + 5000;
      while (!/blocked_clients:[1-9]/.test(String(await x.call("INFO", "clients")))) {
        if (Date.now() > deadline) throw new Error("the client did not block");
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    return "";
  }
  return `${await a[c].callRaw(...s.cmd!)} / ${await b[c].callRaw(...s.cmd!)}`;
}

// ---- replay ---------------------------------------------------------------------------------------

/**
 * Replays propagated operations into a server through one connection, as an AOF load does: SELECT
 * whenever the database changes, MULTI … EXEC kept. Returns the error replies (there should be none).
 */
export async function replayOps(port: number, ops: Op[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  const errors: string[] = [];
  try {
    let db = 0;
    for (const op of ops) {
      if (op.db !== -1 && op.db !== db) {
        await c.call("SELECT", op.db);
        db = op.db;
      }
      const r = await c.callRaw(...op.argv);
      if (r.startsWith("-")) errors.push(`${JSON.stringify(op.argv)} -> ${r.trim()}`);
    }
  } finally {
    c.close();
  }
  return errors;
}

import { prng } from "../helpers/prng.ts";
export { prng };

/** One unit of a workload: commands sent in order, or a pause (ms) so 1 ms TTLs pass. */
export type Action = string[][] | number;

/**
 * A random workload over every type: writes with relative and absolute TTLs, random pops, consumer
 * groups, MULTI/EXEC, scripts, lazy expiry. `full` adds what only Redis 7.4+/8.x knows (hash field
 * TTLs, HGETDEL/HGETEX/HSETEX, XDELEX/XACKDEL, XADD KEEPREF/DELREF/ACKED); without it every command
 * exists in Redis 7.0.
 *
 * A key given a 1 ms TTL is not touched again before a pause: an operation replayed later than it ran
 * must not meet a key that expired in between (an AOF load or a replica never expires keys itself).
 */
export function workload(seed: number, n: number, full: boolean): Action[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const k = (t: string) => `${t}:${int(0, t === "x" ? 1 : 4)}`;
  const m = () => `m${int(0, 12)}`;
  const now = Date.now();
  const longMs = () => String(now + int(200, 900) * 1000);
  const out: Action[] = [];
  /** Keys with a 1 ms TTL waiting for the next pause, and per stream the IDs added. */
  let shortLived: string[] = [];
  const streamSeq = new Map<string, number>();
  const nextId = (key: string) => {
    const n = (streamSeq.get(key) ?? 0) + 1;
    streamSeq.set(key, n);
    return `${n}-${int(0, 2)}`;
  };
  const anyId = (key: string) => `${int(1, Math.max(1, streamSeq.get(key) ?? 1))}-${int(0, 2)}`;
  const gens: (() => string[])[] = [
    () => ["SET", k("s"), `v${int(0, 99)}`],
    () => ["SET", k("s"), "v", "EX", String(int(100, 900))],
    () => ["SET", k("s"), "v", "PXAT", longMs(), pick(["NX", "XX", "GET"])],
    () => ["SET", k("s"), "w", pick(["KEEPTTL", "GET", "NX"])],
    () => ["SETEX", k("s"), String(int(100, 900)), "x"],
    () => ["PSETEX", k("s"), String(int(100000, 900000)), "x"],
    () => ["GETSET", k("s"), "g"],
    () => ["GETDEL", k("s")],
    () => ["GETEX", k("s"), pick(["EX", "PX", "EXAT", "PXAT"]), String(int(100, 900) * 1000)],
    () => ["GETEX", k("s"), "PERSIST"],
    () => ["GETEX", k("s"), "EXAT", "1"],
    () => ["INCRBYFLOAT", k("n"), pick(["1.5", "-0.25", "3", "1e3"])],
    () => ["INCRBY", k("n"), String(int(-5, 5))],
    () => ["APPEND", k("s"), "ap"],
    () => ["SETRANGE", k("s"), String(int(0, 6)), "zz"],
    () => ["SETBIT", k("b"), String(int(0, 40)), String(int(0, 1))],
    () => ["MSET", k("s"), "a", k("s"), "b"],
    () => [
      "EXPIRE",
      pick([k("s"), k("h"), k("l")]),
      String(int(100, 900)),
      ...(r() < 0.3 ? [pick(["NX", "XX", "GT", "LT"])] : []),
    ],
    () => ["PEXPIRE", k("z"), String(int(100000, 900000))],
    () => ["EXPIREAT", k("s"), String(Math.floor(now / 1000) + int(100, 900))],
    () => ["PEXPIREAT", k("l"), longMs()],
    () => ["EXPIRE", pick([k("s"), k("z")]), "-1"],
    () => ["PERSIST", pick([k("s"), k("h")])],
    () => ["DEL", k(pick(["s", "h", "l", "z", "x", "st"]))],
    () => ["UNLINK", k(pick(["s", "l"]))],
    () => ["RENAME", k(pick(["s", "l"])), k("s")],
    () => ["COPY", k(pick(["s", "z", "h"])), k("c"), ...(r() < 0.5 ? ["REPLACE"] : [])],
    () => ["COPY", k("s"), k("s"), "DB", "1", "REPLACE"],
    () => ["MOVE", k("s"), "1"],
    () => ["HSET", k("h"), m(), `v${int(0, 9)}`, m(), "x"],
    () => ["HINCRBYFLOAT", k("h"), m(), pick(["0.5", "2", "-1.25"])],
    () => ["HINCRBY", k("h"), "cnt", "2"],
    () => ["HDEL", k("h"), m(), m()],
    () => ["HSETNX", k("h"), m(), "n"],
    () => ["RPUSH", k("l"), m(), m(), m()],
    () => ["LPUSH", k("l"), m()],
    () => ["LPOP", k("l"), ...(r() < 0.5 ? [String(int(1, 3))] : [])],
    () => ["LMOVE", k("l"), k("l"), pick(["LEFT", "RIGHT"]), pick(["LEFT", "RIGHT"])],
    () => ["LMPOP", "2", k("l"), k("l"), pick(["LEFT", "RIGHT"]), "COUNT", String(int(1, 3))],
    () => ["LTRIM", k("l"), "0", String(int(2, 8))],
    () => ["LREM", k("l"), "0", m()],
    () => ["SADD", k("t"), m(), m(), m(), m()],
    () => ["SREM", k("t"), m()],
    () => ["SPOP", k("t")],
    () => ["SPOP", k("t"), String(int(1, 6))],
    () => ["SRANDMEMBER", k("t"), String(int(-3, 3))],
    () => ["SMOVE", k("t"), k("t"), m()],
    () => ["SINTERSTORE", k("t"), k("t"), k("t")],
    () => ["ZADD", k("z"), String(int(0, 20)), m(), String(int(0, 20)), m()],
    () => ["ZINCRBY", k("z"), "1.5", m()],
    () => ["ZPOPMIN", k("z"), String(int(1, 2))],
    () => ["ZMPOP", "1", k("z"), pick(["MIN", "MAX"]), "COUNT", "2"],
    () => ["ZUNIONSTORE", k("z"), "2", k("z"), k("z")],
    () => ["ZRANGESTORE", k("z"), k("z"), "0", "2"],
    () => ["ZREMRANGEBYSCORE", k("z"), "0", String(int(0, 5))],
    () => ["PFADD", k("p"), m(), m()],
    () => ["PFCOUNT", k("p")],
    () => ["PFMERGE", k("p"), k("p"), k("p")],
    () => ["GEOADD", k("g"), String(int(-170, 170)), String(int(-80, 80)), m()],
    () => ["GEOSEARCHSTORE", k("z"), k("g"), "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km"],
    () => ["SORT", k("l"), "ALPHA", "STORE", k("l")],
    () => [
      "EVAL",
      "redis.call('sadd', KEYS[1], ARGV[1], ARGV[2]) return redis.call('spop', KEYS[1])",
      "1",
      k("t"),
      m(),
      m(),
    ],
    () => ["EVAL", "return redis.call('incrbyfloat', KEYS[1], '0.5')", "1", k("n")],
    () => ["FLUSHDB"],
  ];
  const streamGens: (() => string[])[] = [
    () => {
      const key = k("x");
      return ["XADD", key, ...(r() < 0.3 ? ["MAXLEN", "~", String(int(2, 6))] : []), nextId(key), "f", m()];
    },
    () => ["XADD", k("xa"), ...(r() < 0.5 ? ["MAXLEN", "~", "3"] : []), "*", "f", "auto"],
    () => ["XTRIM", k("x"), "MAXLEN", pick(["~", "="]), String(int(1, 8))],
    () => ["XDEL", k("x"), anyId(k("x"))],
    () => ["XGROUP", "CREATE", k("x"), pick(["g1", "g2"]), pick(["0", "$"]), "MKSTREAM"],
    () => ["XGROUP", "CREATECONSUMER", k("x"), pick(["g1", "g2"]), pick(["c1", "c2", "c3"])],
    () => ["XGROUP", "SETID", k("x"), pick(["g1", "g2"]), "0"],
    () => ["XGROUP", "DELCONSUMER", k("x"), pick(["g1", "g2"]), pick(["c1", "c2"])],
    () => [
      "XREADGROUP",
      "GROUP",
      pick(["g1", "g2"]),
      pick(["c1", "c2", "c3"]),
      "COUNT",
      String(int(1, 3)),
      ...(r() < 0.3 ? ["NOACK"] : []),
      "STREAMS",
      k("x"),
      ">",
    ],
    () => ["XACK", k("x"), pick(["g1", "g2"]), anyId(k("x"))],
    () => [
      "XCLAIM",
      k("x"),
      pick(["g1", "g2"]),
      pick(["c1", "c2"]),
      "0",
      anyId(k("x")),
      anyId(k("x")),
      ...(r() < 0.3 ? ["JUSTID"] : []),
    ],
    () => ["XAUTOCLAIM", k("x"), pick(["g1", "g2"]), pick(["c1", "c2"]), "0", "0", "COUNT", String(int(1, 4))],
    () => {
      const key = k("x");
      return [
        "XCLAIM",
        key,
        pick(["g1", "g2"]),
        "c3",
        "0",
        anyId(key),
        "IDLE",
        "5",
        "RETRYCOUNT",
        "3",
        "FORCE",
        "LASTID",
        anyId(key),
      ];
    },
    () => [
      "XREADGROUP",
      "GROUP",
      "g1",
      pick(["c1", "c2"]),
      ...(r() < 0.3 ? ["NOACK"] : []),
      "STREAMS",
      "x:0",
      "x:1",
      ">",
      ">",
    ],
  ];
  const fullGens: (() => string[])[] = [
    () => [
      "HEXPIRE",
      k("h"),
      String(int(100, 900)),
      ...(r() < 0.3 ? [pick(["NX", "XX", "GT", "LT"])] : []),
      "FIELDS",
      "2",
      m(),
      m(),
    ],
    () => ["HPEXPIREAT", k("h"), r() < 0.2 ? "1" : longMs(), "FIELDS", "2", m(), m()],
    () => ["HPERSIST", k("h"), "FIELDS", "1", m()],
    () => ["HGETDEL", k("h"), "FIELDS", "2", m(), m()],
    () => [
      "HGETEX",
      k("h"),
      ...pick([["EX", String(int(100, 900))], ["PXAT", "1"], ["PERSIST"], ["PX", "500000"]]),
      "FIELDS",
      "2",
      m(),
      m(),
    ],
    () => [
      "HSETEX",
      k("h"),
      ...pick([[], ["FNX"], ["FXX"]]),
      ...pick([["EX", "500"], ["PXAT", longMs()], ["KEEPTTL"], [], ["EXAT", "1"]]),
      "FIELDS",
      "1",
      m(),
      "hv",
    ],
    () => ["XDELEX", k("x"), pick(["KEEPREF", "DELREF", "ACKED"]), "IDS", "1", anyId(k("x"))],
    () => ["XACKDEL", k("x"), pick(["g1", "g2"]), pick(["KEEPREF", "DELREF", "ACKED"]), "IDS", "1", anyId(k("x"))],
    () => {
      const key = k("x");
      return [
        "XADD",
        key,
        pick(["KEEPREF", "DELREF", "ACKED"]),
        "MAXLEN",
        "~",
        String(int(1, 4)),
        nextId(key),
        "f",
        "v",
      ];
    },
  ];
  // Streams (consumer groups above all) get more weight: their propagation has the most rewrites.
  // Streams (consumer groups above all) get more weight: their propagation has the most rewrites.
  const all = [...gens, ...streamGens, ...streamGens, ...streamGens, ...(full ? [...fullGens, ...fullGens] : [])];
  for (let i = 0; i < n; i++) {
    const roll = r();
    if (roll < 0.03) {
      // a key (and in full mode a hash field) with a 1 ms TTL, untouched until the next pause
      const key = `e:${i}`;
      shortLived.push(key);
      const cmds: string[][] = [pick([["SET", key, "v", "PX", "1"], ["RPUSH", key, "a"], ["SADD", key, "a"]])];
      if (cmds[0][0] !== "SET") cmds.push(["PEXPIRE", key, "1"]);
      if (full) cmds.push(["HSET", `eh:${i}`, "keep", "1"], ["HSETEX", `eh:${i}`, "PX", "1", "FIELDS", "1", "f", "v"]);
      out.push(cmds);
    } else if (roll < 0.05 && shortLived.length !== 0) {
      out.push(5);
      out.push(shortLived.map((key) => [pick(["GET", "EXISTS", "TYPE", "DEL"]), key]));
      if (full) out.push(shortLived.map((key) => ["HGET", key.replace("e:", "eh:"), "f"]));
      shortLived = [];
    } else if (roll < 0.08) {
      // a transaction, in another database sometimes
      const cmds: string[][] = [["MULTI"]];
      if (r() < 0.3) cmds.push(["SELECT", "1"]);
      for (let j = int(1, 4); j > 0; j--) cmds.push(pick(all)());
      if (r() < 0.3) cmds.push(["BLMPOP", "0", "1", k("l"), "LEFT"], ["BZPOPMIN", k("z"), "0"]);
      cmds.push(["EXEC"], ["SELECT", "0"]);
      out.push(cmds);
    } else if (roll < 0.1) {
      out.push([["SELECT", "1"], pick(all)(), ["SELECT", "0"]]);
    } else {
      const cmd = pick(all)();
      if (cmd[0] === "FLUSHDB" && r() < 0.9) continue;
      out.push([cmd]);
    }
  }
  if (shortLived.length !== 0) {
    out.push(5);
    out.push(shortLived.map((key) => ["EXISTS", key]));
    if (full) out.push(shortLived.map((key) => ["HGET", key.replace("e:", "eh:"), "f"]));
  }
  return out;
}

/** Runs a workload on one connection (each action's commands pipelined). */
export async function runWorkload(port: number, actions: Action[]): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    for (const a of actions) {
      if (typeof a === "number") {
        await new Promise((res) => setTimeout(res, a));
        continue;
      }
      await c.write(a.map((cmd) => encodeCommand(cmd)).join(""));
      for (let i = 0; i < a.length; i++) await c.readRaw();
    }
  } finally {
    c.close();
  }
}

type Flat = RespValue[];

/** A flat [name, value, name, value…] reply as an object. */
function asObject(v: RespValue): Record<string, RespValue> {
  const o: Record<string, RespValue> = {};
  const a = v as Flat;
  for (let i = 0; i + 1 < a.length; i += 2) o[String(a[i])] = a[i + 1];
  return o;
}

/**
 * What must be equal after a replay: DEBUG DIGEST, and per key its type and absolute expire time,
 * hash field expire times (`fieldTtls`), and the consumer-group state of streams (last delivered ID,
 * entries read, pending entries with owner, delivery time and count; not seen/active times, which
 * are not replicated, nor consumers without pending entries).
 */
export async function datasetState(port: number, dbs: number[], fieldTtls: boolean): Promise<Record<string, unknown>> {
  const c = await RawClient.connect(port);
  const out: Record<string, unknown> = {};
  try {
    out.digest = await c.call("DEBUG", "DIGEST");
    for (const db of dbs) {
      await c.call("SELECT", db);
      const keys = ((await c.call("KEYS", "*")) as string[]).sort();
      for (const key of keys) {
        const type = await c.call("TYPE", key);
        const st: Record<string, unknown> = { type, pexpiretime: await c.call("PEXPIRETIME", key) };
        if (type === "hash" && fieldTtls) {
          const fields = ((await c.call("HKEYS", key)) as string[]).sort();
          st.fieldTtls = await c.call("HPEXPIRETIME", key, "FIELDS", fields.length, ...fields);
          st.fields = fields;
        }
        if (type === "stream") {
          const full = asObject(await c.call("XINFO", "STREAM", key, "FULL", "COUNT", 0));
          const groups = (full.groups as Flat).map((g) => {
            const go = asObject(g);
            return {
              name: go.name,
              lastDelivered: go["last-delivered-id"],
              entriesRead: go["entries-read"],
              pending: go.pending,
              // A consumer that never had a delivery is not replicated (Redis replicates consumers
              // through the XCLAIMs of their deliveries, and explicitly only for CREATECONSUMER and
              // NOACK reads), so only consumers with pending entries are compared.
              consumers: (go.consumers as Flat).map((x) => asObject(x)).filter((co) =>
                (co.pending as Flat).length !== 0
              )
                .map((co) => ({ name: co.name, pending: co.pending })),
            };
          });
          st.stream = {
            length: full.length,
            lastId: full["last-generated-id"],
            maxDeleted: full["max-deleted-entry-id"],
            entriesAdded: full["entries-added"],
            firstId: full["recorded-first-entry-id"],
            groups,
          };
        }
        out[`${db}:${key}`] = st;
      }
    }
  } finally {
    c.close();
  }
  return out;
}
