/**
 * Group and consumer PELs under many random acknowledgements, replayed against redis-server:
 * re-deliveries of acked IDs (XGROUP SETID back), XCLAIM of acked and pending IDs (with FORCE too),
 * XAUTOCLAIM between consumers, DELCONSUMER, and
 * every reader of a consumer PEL: XPENDING (summary, extended, per consumer), XREADGROUP history,
 * XINFO CONSUMERS, XINFO STREAM FULL, and a DEBUG RELOAD round trip. Times and 7.2+ fields are dropped from replies.
 */
import assert from "node:assert/strict";
import { sideBySide } from "../helpers/oracle.ts";
import { prng } from "../helpers/prng.ts";
import type { RawClient, RespValue } from "../helpers/resp.ts";

/** Drops time-dependent fields: idle/inactive/seen-time/active-time/delivery-time values. */
function normalize(cmd: string[], v: RespValue): RespValue {
  const name = cmd.join(" ").toUpperCase();
  if (name.startsWith("XPENDING") && cmd.length > 3 && Array.isArray(v)) {
    return v.map((row) => Array.isArray(row) ? [row[0], row[1], row[3]] : row);
  }
  if (Array.isArray(v)) {
    const out: RespValue[] = [];
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      // Fields added in 7.2 (absent from the 7.0 oracle) are dropped; times are masked.
      if (typeof x === "string" && /^(inactive|active-time)$/.test(x)) {
        i++;
        continue;
      }
      if (typeof x === "string" && /^(idle|seen-time|delivery-time|radix-tree-nodes)$/.test(x)) {
        out.push(x, "*");
        i++;
        continue;
      }
      // XINFO STREAM FULL's group PEL rows [id, consumer, delivery-time, count], consumer rows [id, time, count]
      if (Array.isArray(x) && x.length === 4 && typeof x[1] === "string" && typeof x[2] === "number") {
        out.push([x[0], x[1], x[3]]);
        continue;
      }
      if (
        Array.isArray(x) && x.length === 3 && typeof x[0] === "string" && /^\d+-\d+$/.test(x[0]) &&
        typeof x[1] === "number"
      ) {
        out.push([x[0], x[2]]);
        continue;
      }
      out.push(normalize(cmd, x));
    }
    return out;
  }
  return v;
}

async function both(ours: RawClient, redis: RawClient, cmd: string[]): Promise<void> {
  const a = await ours.call(...cmd).catch((e: Error) => `error: ${e.message}`);
  const b = await redis.call(...cmd).catch((e: Error) => `error: ${e.message}`);
  assert.deepEqual(normalize(cmd, a), normalize(cmd, b), JSON.stringify(cmd));
}

Deno.test("streams: consumer PELs stay exact across random acknowledgements and re-deliveries (vs redis-server)", async () => {
  await sideBySide(async ({ ours, redis }) => {
    const r = prng(7);
    const n = (k: number) => Math.floor(r() * k);
    const run = (...cmd: string[]) => both(ours, redis, cmd);
    for (let i = 1; i <= 600; i++) await run("XADD", "s", `${i}-1`, "f", String(i));
    await run("XGROUP", "CREATE", "s", "g", "0");
    for (const c of ["c0", "c1", "c2"]) await run("XGROUP", "CREATECONSUMER", "s", "g", c);
    for (let round = 0; round < 3; round++) {
      // Deliver everything not yet delivered, spread over three consumers.
      for (let i = 0; i < 12; i++) {
        await run("XREADGROUP", "GROUP", "g", `c${i % 3}`, "COUNT", "60", "STREAMS", "s", ">");
      }
      // Acknowledge most of it at random (crosses the rebuild threshold), checking readers on the way.
      for (let i = 0; i < 70; i++) {
        const ids = Array.from({ length: 8 }, () => `${1 + n(600)}-1`);
        await run("XACK", "s", "g", ...ids);
        if (i % 10 === 0) {
          await run("XPENDING", "s", "g");
          await run("XPENDING", "s", "g", "-", "+", "25", `c${n(3)}`);
          await run("XPENDING", "s", "g", `${n(600)}`, "+", "10");
          await run("XREADGROUP", "GROUP", "g", `c${n(3)}`, "COUNT", "7", "STREAMS", "s", `${n(600)}`);
          await run("XINFO", "CONSUMERS", "s", "g");
        }
      }
      await run("XCLAIM", "s", "g", "c1", "0", ...Array.from({ length: 20 }, () => `${1 + n(600)}-1`), "JUSTID");
      await run("XPENDING", "s", "g", "-", "+", "1000", "c1");
      // FORCE makes acked IDs pending again (reviving removed entries) under another consumer, and
      // XAUTOCLAIM moves pending ones between consumers.
      const forced = Array.from({ length: 20 }, () => `${1 + n(600)}-1`);
      await run("XCLAIM", "s", "g", `c${n(3)}`, "0", ...forced, "FORCE", "JUSTID");
      await run("XAUTOCLAIM", "s", "g", `c${n(3)}`, "0", `${n(600)}`, "COUNT", "15", "JUSTID");
      await run("XPENDING", "s", "g", "-", "+", "1000", `c${n(3)}`);
      await run("XACK", "s", "g", ...forced.slice(0, 10));
      await run("XINFO", "STREAM", "s", "FULL");
      // Deliver the same IDs again: acked (stale) copies are replaced by new pending entries.
      await run("XGROUP", "SETID", "s", "g", `${n(300)}`);
    }
    await run("XGROUP", "DELCONSUMER", "s", "g", "c2");
    await run("XPENDING", "s", "g");
    await run("XINFO", "CONSUMERS", "s", "g");
    await run("DEBUG", "RELOAD");
    await run("XPENDING", "s", "g");
    await run("XPENDING", "s", "g", "-", "+", "1000", "c0");
    await run("XINFO", "STREAM", "s", "FULL", "COUNT", "0");
  }, { config: { "enable-debug-command": "yes", dir: Deno.makeTempDirSync({ prefix: "redeno-pel-" }) } });
});
