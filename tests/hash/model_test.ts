/**
 * Randomized model-based test: long random sequences of hash commands, field TTL commands included,
 * run against our server on a virtual clock and checked reply by reply against a small in-test model
 * of Redis 8.2's semantics (lazy deletion on access, HLEN counting expired fields, conditions, times in
 * the past, FNX/FXX, keys deleted when emptied). Small listpack limits make conversions happen midway.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { Hash } from "../../src/types/hash.ts";
import { prng } from "./helpers.ts";

interface Entry {
  value: string;
  /** Expire time (virtual ms), 0 = none. */
  exp: number;
}

type Model = Map<string, Map<string, Entry>>;

Deno.test("hash model: random command sequences match the model", async () => {
  for (const seed of [1, 2, 3, 4]) {
    await withServer(async (srv, c) => {
      srv.server.activeExpireEnabled = false;
      let now = 1_700_000_000_000;
      (srv.server.clock as unknown as { now: () => number }).now = () => now;
      const rnd = prng(seed);
      const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
      const keys = ["k1", "k2", "k3"];
      const fields = ["a", "b", "c", "d", "e", "f"];
      const model: Model = new Map();
      const hashOf = (k: string) => {
        let h = model.get(k);
        if (!h) model.set(k, h = new Map());
        return h;
      };
      const dropIfEmpty = (k: string) => {
        if (model.get(k)?.size === 0) model.delete(k);
      };
      const expired = (e: Entry) => e.exp !== 0 && e.exp < now;
      /** Lazy read: "ok" | "missing"; deletes an expired field (and the key unless keepHash). */
      const lazyRead = (k: string, f: string, keepHash = false): Entry | undefined => {
        const h = model.get(k);
        const e = h?.get(f);
        if (!e) return undefined;
        if (!expired(e)) return e;
        h!.delete(f);
        if (!keepHash) dropIfEmpty(k);
        return undefined;
      };
      const value = () => (rnd() < 0.15 ? "long-value-" + Math.floor(rnd() * 100) : String(Math.floor(rnd() * 20)));
      const someFields = (n: number) => Array.from({ length: n }, () => pick(fields));
      const ops = 1500;
      for (let step = 0; step < ops; step++) {
        if (rnd() < 0.15) now += Math.floor(rnd() * 40);
        const k = pick(keys);
        const r = rnd();
        let argv: (string | number)[];
        let expect: unknown;
        if (r < 0.12) {
          const fs = someFields(1 + Math.floor(rnd() * 3));
          argv = ["HSET", k];
          const h = hashOf(k);
          let added = 0;
          for (const f of fs) {
            const v = value();
            argv.push(f, v);
            const e = h.get(f);
            if (e) {
              e.value = v;
              e.exp = 0;
            } else {
              h.set(f, { value: v, exp: 0 });
              added++;
            }
          }
          expect = added;
        } else if (r < 0.17) {
          const f = pick(fields), v = value();
          argv = ["HSETNX", k, f, v];
          if (lazyRead(k, f)) expect = 0;
          else {
            hashOf(k).set(f, { value: v, exp: 0 });
            expect = 1;
          }
        } else if (r < 0.22) {
          const fs = someFields(1 + Math.floor(rnd() * 2));
          argv = ["HDEL", k, ...fs];
          let n = 0;
          const h = model.get(k);
          for (const f of fs) if (h?.delete(f)) n++;
          dropIfEmpty(k);
          expect = n;
        } else if (r < 0.30) {
          const f = pick(fields);
          const cmd = pick(["HGET", "HEXISTS", "HSTRLEN"]);
          argv = [cmd, k, f];
          const e = lazyRead(k, f);
          expect = cmd === "HGET" ? (e ? e.value : null) : cmd === "HEXISTS" ? (e ? 1 : 0) : (e ? e.value.length : 0);
        } else if (r < 0.34) {
          const fs = someFields(1 + Math.floor(rnd() * 3));
          argv = ["HMGET", k, ...fs];
          const out: (string | null)[] = [];
          for (const f of fs) out.push(model.has(k) ? lazyRead(k, f)?.value ?? null : null);
          expect = out;
        } else if (r < 0.40) {
          const f = pick(fields), by = Math.floor(rnd() * 10) - 3;
          argv = ["HINCRBY", k, f, by];
          const e = lazyRead(k, f);
          if (e && !/^-?(0|[1-9][0-9]*)$/.test(e.value)) expect = { error: "ERR hash value is not an integer" };
          else {
            const nv = (e ? Number(e.value) : 0) + by;
            if (e) e.value = String(nv);
            else hashOf(k).set(f, { value: String(nv), exp: 0 });
            expect = nv;
          }
        } else if (r < 0.46) {
          argv = [pick(["HLEN", "HGETALL", "EXISTS"]), k];
          const h = model.get(k);
          if (argv[0] === "HLEN") expect = h?.size ?? 0;
          else if (argv[0] === "EXISTS") expect = h ? 1 : 0;
          else {
            expect = [...(h ?? new Map()).entries()].filter(([, e]) => !expired(e)).map(([f, e]) => `${f}=${e.value}`)
              .sort();
          }
        } else if (r < 0.60) {
          const ms = pick([0, 1, 5, 20, 50, 100, 500]);
          const cond = pick(["", "", "NX", "XX", "GT", "LT"]);
          const fs = someFields(1 + Math.floor(rnd() * 3));
          argv = ["HPEXPIRE", k, ms, ...(cond ? [cond] : []), "FIELDS", fs.length, ...fs];
          const h = model.get(k);
          const when = now + ms;
          const codes: number[] = [];
          for (const f of fs) {
            const e = h?.get(f);
            if (!e) codes.push(-2);
            else if (e.exp === 0 && (cond === "XX" || cond === "GT")) codes.push(0);
            else if (
              e.exp !== 0 && (cond === "NX" || (cond === "GT" && e.exp >= when) || (cond === "LT" && e.exp <= when))
            ) codes.push(0);
            else if (when <= now) {
              h!.delete(f);
              codes.push(2);
            } else {
              e.exp = when;
              codes.push(1);
            }
          }
          dropIfEmpty(k);
          expect = codes;
        } else if (r < 0.65) {
          const fs = someFields(1 + Math.floor(rnd() * 2));
          argv = ["HPERSIST", k, "FIELDS", fs.length, ...fs];
          const h = model.get(k);
          expect = fs.map((f) => {
            const e = h?.get(f);
            if (!e) return -2;
            if (e.exp === 0) return -1;
            if (e.exp < now) return -2;
            e.exp = 0;
            return 1;
          });
        } else if (r < 0.72) {
          const fs = someFields(1 + Math.floor(rnd() * 3));
          argv = ["HPEXPIRETIME", k, "FIELDS", fs.length, ...fs];
          const h = model.get(k);
          const v = srv.server.dbs[0].dict.get(k);
          const lp = v instanceof Hash && v.isListpack;
          expect = fs.map((f) => {
            const e = h?.get(f);
            if (!e) return -2;
            if (e.exp === 0) return -1;
            return e.exp < now || (lp && e.exp === now) ? -2 : e.exp;
          });
        } else if (r < 0.82) {
          const cond = pick(["", "FNX", "FXX"]);
          const ttl = pick(["", "", "KEEPTTL", "PX"]);
          const ms = pick([0, 10, 100]);
          const fs = [...new Set(someFields(1 + Math.floor(rnd() * 2)))];
          const pairs = fs.flatMap((f) => [f, value()]);
          argv = ["HSETEX", k, ...(cond ? [cond] : []), ...(ttl === "PX" ? ["PX", ms] : ttl ? [ttl] : [])];
          argv.push("FIELDS", fs.length, ...pairs);
          if (!model.has(k) && cond === "FXX") expect = 0;
          else {
            let ok = true;
            if (cond) {
              let present = 0;
              for (const f of fs) {
                const e = lazyRead(k, f, true);
                if (e) present++;
                if ((cond === "FXX" && !e) || (cond === "FNX" && e)) break;
              }
              ok = cond === "FNX" ? present === 0 : present === fs.length;
            }
            if (ok) {
              const h = hashOf(k);
              for (let i = 0; i < pairs.length; i += 2) {
                const f = pairs[i], v = pairs[i + 1];
                const e = h.get(f);
                const keep = ttl !== "";
                if (e) {
                  e.value = v;
                  if (!keep) e.exp = 0;
                } else h.set(f, { value: v, exp: 0 });
                if (ttl === "PX") {
                  if (now + ms <= now) h.delete(f);
                  else h.get(f)!.exp = now + ms;
                }
              }
            }
            dropIfEmpty(k);
            expect = ok ? 1 : 0;
          }
        } else if (r < 0.90) {
          const mode = pick(["", "PX", "PERSIST"]);
          const ms = pick([0, 30, 300]);
          const fs = someFields(1 + Math.floor(rnd() * 2));
          argv = ["HGETEX", k, ...(mode === "PX" ? ["PX", ms] : mode ? [mode] : []), "FIELDS", fs.length, ...fs];
          const out: (string | null)[] = [];
          if (model.has(k)) {
            for (const f of fs) {
              const e = lazyRead(k, f, true);
              out.push(e?.value ?? null);
              if (!e) continue;
              if (mode === "PERSIST") e.exp = 0;
              else if (mode === "PX") {
                if (now + ms <= now) model.get(k)!.delete(f);
                else e.exp = now + ms;
              }
            }
            dropIfEmpty(k);
          } else for (const _ of fs) out.push(null);
          expect = out;
        } else if (r < 0.97) {
          const fs = someFields(1 + Math.floor(rnd() * 2));
          argv = ["HGETDEL", k, "FIELDS", fs.length, ...fs];
          const out: (string | null)[] = [];
          for (const f of fs) {
            const e = model.has(k) ? lazyRead(k, f, true) : undefined;
            out.push(e?.value ?? null);
            if (e) model.get(k)!.delete(f);
          }
          dropIfEmpty(k);
          expect = out;
        } else {
          argv = ["DEL", k];
          expect = model.delete(k) ? 1 : 0;
        }
        let got = await c.call(...argv);
        if (argv[0] === "HGETALL") {
          const arr = got as string[];
          const pairs: string[] = [];
          for (let i = 0; i < arr.length; i += 2) pairs.push(`${arr[i]}=${arr[i + 1]}`);
          got = pairs.sort();
        }
        assert.deepEqual(got, expect, `seed ${seed} step ${step}: ${JSON.stringify(argv)}`);
      }
      // Every hash left must agree field by field, TTLs included.
      for (const k of keys) {
        const h = model.get(k);
        assert.equal(await c.call("EXISTS", k), h ? 1 : 0, `seed ${seed}: EXISTS ${k}`);
        if (!h) continue;
        const fs = [...h.keys()];
        const times = await c.call("HPEXPIRETIME", k, "FIELDS", fs.length, ...fs);
        const v = srv.server.dbs[0].dict.get(k) as Hash;
        assert.deepEqual(
          times,
          fs.map((f) => {
            const e = h.get(f)!;
            return e.exp === 0 ? -1 : e.exp < now || (v.isListpack && e.exp === now) ? -2 : e.exp;
          }),
        );
      }
    }, { config: { "hash-max-listpack-entries": 4, "hash-max-listpack-value": 12 } });
  }
});
