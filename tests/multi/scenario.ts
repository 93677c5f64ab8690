/**
 * Test helper: multi-connection scenarios replayed against our server and against the oracle
 * (Debian's redis-server 7.0), returning every raw reply, push and Pub/Sub message each connection
 * received, in order, so the two streams can be compared byte for byte.
 *
 * A step sends a command on connection `c` and reads its reply, reads extra frames (pushes,
 * messages), sends without reading, or sleeps. Arguments "{id:N}" are replaced by connection N's
 * client id, and with `ids: true` a reply's `:<id of N>` integers are written back as "{id:N}" (ids
 * differ between the two servers).
 */
import { encodeCommand, RawClient } from "../helpers/resp.ts";
import { Oracle } from "../helpers/oracle.ts";
import { startServer } from "../../src/mod.ts";

export type Arg = string | number;

export type Step =
  /** Send `cmd` on connection `c` and read one frame. `skip` records "(skipped)" (HELLO's map differs). */
  | { c: number; cmd: Arg[]; skip?: boolean; ids?: boolean }
  /** Read `read` more frames on connection `c` (pushes, messages, a second reply). */
  | { c: number; read: number; ids?: boolean }
  /** Send without reading. */
  | { c: number; send: Arg[] }
  /** Send several commands in one write (one read on the server), then read their replies. */
  | { c: number; pipeline: Arg[][] }
  /** Close connection `c`. */
  | { c: number; close: true }
  /** Wait (timing-dependent scenarios: TTLs on the oracle's real clock). */
  | { sleep: number };

/** One recorded frame: "<step index> c<conn>: <raw frame>" so a difference points at its step. */
export type Transcript = string[];

/** Runs `steps` against the server on `port` with `conns` connections; returns the transcript. */
export async function runScenario(port: number, conns: number, steps: readonly Step[]): Promise<Transcript> {
  const cs: RawClient[] = [];
  const ids: number[] = [];
  try {
    for (let i = 0; i < conns; i++) {
      const c = await RawClient.connect(port);
      cs.push(c);
      ids.push(Number(await c.call("CLIENT", "ID")));
    }
    const subst = (a: Arg) => typeof a === "string" ? a.replace(/\{id:(\d+)\}/g, (_, n) => String(ids[Number(n)])) : a;
    const unsubst = (raw: string) => {
      let out = raw;
      ids.forEach((id, n) => out = out.replaceAll(`:${id}\r\n`, `:{id:${n}}\r\n`));
      return out;
    };
    const out: Transcript = [];
    for (let i = 0; i < steps.length; i++) {
      const st = steps[i];
      if ("sleep" in st) {
        await new Promise((r) => setTimeout(r, st.sleep));
      } else if ("send" in st) {
        await cs[st.c].send(...st.send.map(subst));
      } else if ("pipeline" in st) {
        await cs[st.c].write(st.pipeline.map((argv) => encodeCommand(argv.map(subst))).join(""));
        for (let k = 0; k < st.pipeline.length; k++) out.push(`${i} c${st.c}: ${await cs[st.c].readRaw()}`);
      } else if ("close" in st) {
        cs[st.c].close();
        // Let the server notice before the next step.
        await new Promise((r) => setTimeout(r, 50));
      } else if ("cmd" in st) {
        const raw = await cs[st.c].callRaw(...st.cmd.map(subst));
        out.push(`${i} c${st.c}: ${st.skip ? "(skipped)" : st.ids ? unsubst(raw) : raw}`);
      } else {
        for (let k = 0; k < st.read; k++) {
          const raw = await cs[st.c].readRaw(3000);
          out.push(`${i} c${st.c}: ${st.ids ? unsubst(raw) : raw}`);
        }
      }
    }
    return out;
  } finally {
    for (const c of cs) c.close();
  }
}

/** Runs the scenario on a fresh server of ours and on a fresh oracle. */
export async function differentialScenario(
  conns: number,
  steps: readonly Step[],
  opts: { config?: Record<string, string | number>; oracleArgs?: string[] } = {},
): Promise<{ ours: Transcript; redis: Transcript }> {
  // The oracle runs with DEBUG enabled (tests/helpers/oracle.ts): so does ours.
  const srv = await startServer({ config: { "enable-debug-command": "yes", ...opts.config } });
  const oracle = await Oracle.start(opts.oracleArgs);
  try {
    const ours = await runScenario(srv.port, conns, steps);
    const redis = await runScenario(oracle.port, conns, steps);
    return { ours, redis };
  } finally {
    await srv.close();
    await oracle.stop();
  }
}

/** Asserts both transcripts are identical, showing the first differing frame with its step. */
export function assertSameTranscript(r: { ours: Transcript; redis: Transcript }): void {
  const n = Math.max(r.ours.length, r.redis.length);
  for (let i = 0; i < n; i++) {
    if (r.ours[i] !== r.redis[i]) {
      throw new Error(
        `transcripts differ at frame ${i}:\n  ours:  ${JSON.stringify(r.ours[i])}\n  redis: ${
          JSON.stringify(r.redis[i])
        }\n  (ours so far: ${JSON.stringify(r.ours.slice(Math.max(0, i - 3), i))})`,
      );
    }
  }
}

/** Shorthand for a command step. */
export function cmd(c: number, ...argv: Arg[]): Step {
  return { c, cmd: argv };
}
