/**
 * Randomized list tests.
 * - Differential: seeded random command sequences (every non-blocking list command, small value
 *   alphabet so matches happen, occasional multi-KB elements) replayed on redis-server and on ours,
 *   replies compared byte for byte, under several `list-max-listpack-size` settings.
 * - Model: random sequences against an in-test array model, checking after every command the
 *   contents and the internal invariants of the packed nodes (counts, byte accounting, no empty
 *   node), with tiny node limits so that splits, merges and conversions happen constantly.
 */
import assert from "node:assert/strict";
import { rng, sameAsRedis } from "./helpers.ts";
import type { Script } from "../helpers/oracle.ts";
import { withServer } from "../helpers/server.ts";
import { ListValue } from "../../src/types/list.ts";
import { checkList } from "./invariants.ts";

const KEYS = ["a", "b", "c"];

/** A random element: mostly from a small alphabet, sometimes an integer or a long string. */
function element(r: () => number): string {
  const x = r();
  if (x < 0.6) return "v" + Math.floor(r() * 6);
  if (x < 0.8) return String(Math.floor(r() * 70000) - 35000);
  if (x < 0.95) return "s".repeat(Math.floor(r() * 200));
  return "L".repeat(1000 + Math.floor(r() * 9000));
}

function index(r: () => number): number {
  return Math.floor(r() * 40) - 20;
}

/** One random list command. */
function randomCommand(r: () => number): (string | number)[] {
  const key = KEYS[Math.floor(r() * KEYS.length)];
  const other = KEYS[Math.floor(r() * KEYS.length)];
  const side = () => (r() < 0.5 ? "LEFT" : "RIGHT");
  const n = 1 + Math.floor(r() * 5);
  const els = () => Array.from({ length: n }, () => element(r));
  switch (Math.floor(r() * 20)) {
    case 0:
    case 1:
      return ["LPUSH", key, ...els()];
    case 2:
    case 3:
      return ["RPUSH", key, ...els()];
    case 4:
      return [r() < 0.5 ? "LPUSHX" : "RPUSHX", key, ...els()];
    case 5:
      return r() < 0.5 ? ["LPOP", key] : ["LPOP", key, Math.floor(r() * 6)];
    case 6:
      return r() < 0.5 ? ["RPOP", key] : ["RPOP", key, Math.floor(r() * 6)];
    case 7:
      return ["LINDEX", key, index(r)];
    case 8:
      return ["LSET", key, index(r), element(r)];
    case 9:
      return ["LRANGE", key, index(r), index(r)];
    case 10:
      return ["LTRIM", key, index(r), index(r) + 20];
    case 11:
      return ["LREM", key, Math.floor(r() * 7) - 3, element(r)];
    case 12:
      return ["LINSERT", key, r() < 0.5 ? "BEFORE" : "AFTER", element(r), element(r)];
    case 13: {
      const cmd: (string | number)[] = ["LPOS", key, element(r)];
      if (r() < 0.5) cmd.push("RANK", (r() < 0.5 ? -1 : 1) * (1 + Math.floor(r() * 3)));
      if (r() < 0.5) cmd.push("COUNT", Math.floor(r() * 4));
      if (r() < 0.3) cmd.push("MAXLEN", Math.floor(r() * 10));
      return cmd;
    }
    case 14:
      return ["LMOVE", key, other, side(), side()];
    case 15:
      return ["RPOPLPUSH", key, other];
    case 16:
      return ["LMPOP", 2, key, other, side(), "COUNT", 1 + Math.floor(r() * 4)];
    case 17:
      return ["LLEN", key];
    case 18:
      return ["LRANGE", key, 0, -1];
    default:
      return ["BLPOP", key, other, 0.01];
  }
}

for (const [seed, fill] of [[1, -2], [2, 3], [3, -1], [4, 1]] as const) {
  Deno.test(`list random diff: seed ${seed}, list-max-listpack-size ${fill}`, async () => {
    const r = rng(seed);
    const script: Script = [];
    for (let i = 0; i < 1500; i++) {
      const cmd = randomCommand(r);
      // BLPOP may block (and time out) on empty keys: keep only the non-blocking case.
      if (cmd[0] === "BLPOP") script.push(["RPUSH", String(cmd[1]), "x"]);
      script.push(cmd);
    }
    for (const k of KEYS) script.push(["LRANGE", k, 0, -1]);
    await sameAsRedis(script, { "list-max-listpack-size": fill });
  });
}

/** Applies a command to the model; returns nothing (contents are compared afterwards). */
function applyModel(m: Map<string, string[]>, cmd: (string | number)[]): void {
  const name = String(cmd[0]);
  const key = String(cmd[1]);
  const get = (k: string) => m.get(k) ?? [];
  const put = (k: string, l: string[]) => (l.length === 0 ? m.delete(k) : m.set(k, l));
  const l = get(key);
  const norm = (i: number) => (i < 0 ? i + l.length : i);
  switch (name) {
    case "LPUSH":
      for (const e of cmd.slice(2)) l.unshift(String(e));
      return void put(key, l);
    case "RPUSH":
      for (const e of cmd.slice(2)) l.push(String(e));
      return void put(key, l);
    case "LPOP":
    case "RPOP": {
      const count = cmd.length === 3 ? Number(cmd[2]) : 1;
      for (let i = 0; i < count && l.length; i++) name === "LPOP" ? l.shift() : l.pop();
      return void put(key, l);
    }
    case "LSET": {
      const i = norm(Number(cmd[2]));
      if (i >= 0 && i < l.length) l[i] = String(cmd[3]);
      return;
    }
    case "LTRIM": {
      let s = norm(Number(cmd[2]));
      let e = norm(Number(cmd[3]));
      if (s < 0) s = 0;
      if (e >= l.length) e = l.length - 1;
      return void put(key, s > e ? [] : l.slice(s, e + 1));
    }
    case "LREM": {
      const count = Number(cmd[2]);
      const v = String(cmd[3]);
      let removed = 0;
      const limit = Math.abs(count);
      if (count >= 0) {
        for (let i = 0; i < l.length && (limit === 0 || removed < limit);) {
          if (l[i] === v) {
            l.splice(i, 1);
            removed++;
          } else i++;
        }
      } else {
        for (let i = l.length - 1; i >= 0 && removed < limit; i--) {
          if (l[i] === v) {
            l.splice(i, 1);
            removed++;
          }
        }
      }
      return void put(key, l);
    }
    case "LINSERT": {
      const i = l.indexOf(String(cmd[3]));
      if (i >= 0) l.splice(cmd[2] === "BEFORE" ? i : i + 1, 0, String(cmd[4]));
      return;
    }
    case "LMOVE": {
      if (l.length === 0) return;
      const v = cmd[3] === "LEFT" ? l.shift()! : l.pop()!;
      put(key, l);
      const d = get(String(cmd[2]));
      if (cmd[4] === "LEFT") d.unshift(v);
      else d.push(v);
      return void put(String(cmd[2]), d);
    }
  }
}

for (const fill of [1, 2, 3, 5, -1, -2]) {
  Deno.test(`list model: contents and node invariants, list-max-listpack-size ${fill}`, async () => {
    await withServer(async (srv, c) => {
      await c.call("CONFIG", "SET", "list-max-listpack-size", String(fill));
      const r = rng(100 + fill);
      const model = new Map<string, string[]>();
      const names = ["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPOP", "RPOP", "LSET", "LTRIM", "LREM", "LINSERT", "LMOVE"];
      let maxNodes = 0;
      const encodings = new Set<string>();
      for (let i = 0; i < 1500; i++) {
        const key = KEYS[Math.floor(r() * KEYS.length)];
        const other = KEYS[Math.floor(r() * KEYS.length)];
        const name = names[Math.floor(r() * names.length)];
        let cmd: (string | number)[];
        const el = () => (r() < 0.1 ? "L".repeat(Math.floor(r() * 3000)) : "v" + Math.floor(r() * 8));
        switch (name) {
          case "LPUSH":
          case "RPUSH":
            cmd = [name, key, ...Array.from({ length: 1 + Math.floor(r() * 6) }, el)];
            break;
          case "LPOP":
          case "RPOP":
            cmd = [name, key, Math.floor(r() * 4)];
            break;
          case "LSET":
            cmd = [name, key, index(r), el()];
            break;
          case "LTRIM":
            cmd = [name, key, Math.floor(r() * 3), -1 - Math.floor(r() * 3)];
            break;
          case "LREM":
            cmd = [name, key, Math.floor(r() * 5) - 2, el()];
            break;
          case "LINSERT":
            cmd = [name, key, r() < 0.5 ? "BEFORE" : "AFTER", el(), el()];
            break;
          default:
            cmd = [name, key, other, r() < 0.5 ? "LEFT" : "RIGHT", r() < 0.5 ? "LEFT" : "RIGHT"];
        }
        await c.call(...cmd);
        applyModel(model, cmd);
        for (const k of KEYS) {
          const v = srv.server.dbs[0].dict.get(k);
          const expected = model.get(k);
          if (expected === undefined) {
            assert.equal(v, undefined, `after ${JSON.stringify(cmd).slice(0, 100)}: ${k} should not exist`);
            continue;
          }
          assert.ok(v instanceof ListValue);
          assert.deepEqual(checkList(v), expected, `after ${JSON.stringify(cmd).slice(0, 100)}: contents of ${k}`);
          maxNodes = Math.max(maxNodes, v.nodeCount);
          encodings.add(v.encoding());
        }
      }
      // The sequence really exercised multi-node quicklists and both encodings.
      assert.ok(maxNodes >= 4, `max nodes ${maxNodes}`);
      // (With a limit of 1 element a list only shrinks back to listpack at 0 elements: never.)
      assert.deepEqual([...encodings].sort(), fill === 1 ? ["quicklist"] : ["listpack", "quicklist"]);
    });
  });
}
