/**
 * Randomized differential: seeded sequences of XADD (explicit and `ms-*` IDs, MAXLEN/MINID with = and
 * ~ and LIMIT), XDEL, XTRIM, XRANGE/XREVRANGE with exclusive bounds and COUNT, consumer-group reads,
 * XACK, XCLAIM JUSTID, XAUTOCLAIM JUSTID, XGROUP SETID and XINFO GROUPS replayed on redis-server 7.0
 * and ours, byte for byte. Covers the listpack-node model behind approximate trimming and the lag /
 * entries-read bookkeeping.
 * (Our XREADGROUP creates its consumer even when nothing is served, as 7.2+ does.)
 */
import { assertSameReplies, differential, type Script } from "../helpers/oracle.ts";
import { prng as rng } from "../helpers/prng.ts";

function script(seed: number, steps: number): Script {
  const r = rng(seed);
  const n = (k: number) => Math.floor(r() * k);
  const out: Script = [["XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"], ["XGROUP", "CREATE", "s", "h", "$"]];
  // Redis 7.2+ creates a consumer on every XREADGROUP attempt, 7.0 only when it serves one: create
  // them up front so both count the same consumers.
  for (const g of ["g", "h"]) for (const c of ["c0", "c1", "c2"]) out.push(["XGROUP", "CREATECONSUMER", "s", g, c]);
  let ms = 1;
  const id = () => `${n(ms + 2)}-${n(4)}`;
  for (let i = 0; i < steps; i++) {
    const op = n(100);
    if (op < 45) {
      ms += n(3);
      const trim: string[] = [];
      const t = n(10);
      if (t === 0) trim.push("MAXLEN", ...(n(2) ? ["~"] : []), String(50 + n(300)));
      else if (t === 1) {
        trim.push("MINID", "~", `${Math.max(1, ms - 200 - n(200))}`, ...(n(2) ? ["LIMIT", String(n(300))] : []));
      } else if (t === 2) trim.push("MINID", `${Math.max(1, ms - 300)}-${n(3)}`);
      const idArg = n(4) === 0 ? `${ms}-*` : `${ms}-${n(3) + (n(5) === 0 ? 0 : 5)}`;
      out.push(["XADD", "s", ...trim, idArg, "f", String(i), ...(n(3) === 0 ? ["g", "x".repeat(n(20))] : [])]);
    } else if (op < 55) {
      out.push(["XDEL", "s", id(), id()]);
    } else if (op < 60) {
      const t = n(3);
      if (t === 0) out.push(["XTRIM", "s", "MAXLEN", "~", String(100 + n(200))]);
      else if (t === 1) out.push(["XTRIM", "s", "MAXLEN", String(200 + n(200))]);
      else out.push(["XTRIM", "s", "MINID", "~", String(Math.max(1, ms - 250))]);
    } else if (op < 70) {
      const a = id();
      const b = id();
      out.push([
        n(2) ? "XRANGE" : "XREVRANGE",
        "s",
        n(3) === 0 ? `(${a}` : a,
        n(3) === 0 ? `(${b}` : b,
        "COUNT",
        String(n(6)),
      ]);
    } else if (op < 80) {
      out.push(["XREADGROUP", "GROUP", n(2) ? "g" : "h", `c${n(3)}`, "COUNT", String(1 + n(4)), "STREAMS", "s", ">"]);
    } else if (op < 86) {
      out.push(["XACK", "s", "g", id(), id(), id()]);
    } else if (op < 90) {
      out.push(["XCLAIM", "s", "g", `c${n(3)}`, "0", id(), id(), "JUSTID"]);
    } else if (op < 92) {
      out.push(["XINFO", "GROUPS", "s"]);
    } else if (op < 93) {
      out.push(["XGROUP", "SETID", "s", n(2) ? "g" : "h", id()]);
    } else if (op < 95) {
      out.push(["XAUTOCLAIM", "s", "g", `c${n(3)}`, "0", id(), "COUNT", String(1 + n(5)), "JUSTID"]);
    } else {
      out.push(["XPENDING", "s", n(2) ? "g" : "h"]);
      out.push(["XLEN", "s"]);
    }
  }
  out.push(["XRANGE", "s", "-", "+"], ["XINFO", "GROUPS", "s"], ["XPENDING", "s", "g"]);
  return out;
}

for (const seed of [1, 2, 3, 4, 5]) {
  Deno.test(`random stream workload (seed ${seed}) matches redis-server`, async () => {
    const s = script(seed, 1500);
    assertSameReplies(s, await differential(s));
  });
}
