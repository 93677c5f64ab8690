/**
 * Helpers for persistence tests: a typed dataset script, and a canonical snapshot of every key of a
 * server (type, contents in a comparable order, TTL presence, encoding) to compare two servers.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/resp.ts";
import { Oracle } from "../helpers/oracle.ts";

/** Commands building keys of every type and encoding, in db 0 and db 3, some with TTLs. */
export function datasetScript(): string[][] {
  const big = "y".repeat(5000);
  const s: string[][] = [
    ["SET", "str", "hello"],
    ["SET", "int", "12345"],
    ["SET", "neg", "-70000"],
    ["SET", "i64", "123456789012"],
    ["SET", "lzf", "abc".repeat(50)],
    ["SET", "bin", "\x00\x01\xff\x80binary\r\n"],
    ["SET", "ttl", "v", "PX", "500000"],
    ["RPUSH", "list", "a", "b", "1", "-5000", "300", "70000", "-9000000", "5000000000", "x".repeat(70)],
    ["SADD", "intset", "1", "2", "3", "-40000"],
    ["SADD", "intset64", "1", "9000000000"],
    ["ZADD", "zlp", "1.5", "a", "2", "b", "-3", "c", "1e100", "d", "inf", "e", "-inf", "f"],
    ["HSET", "hlp", "f", "v", "g", "1", "h", "-1"],
    ["SELECT", "3"],
    ["SET", "db3", "x"],
    ["RPUSH", "db3list", "q"],
    ["SELECT", "0"],
  ];
  const ql = ["RPUSH", "quick"];
  for (let i = 0; i < 600; i++) ql.push(i % 3 === 0 ? String(i) : `elem-${i}-${"z".repeat(i % 40)}`);
  ql.push(big);
  s.push(ql);
  const sh = ["SADD", "sethash"];
  for (let i = 0; i < 300; i++) sh.push(`m${i}`);
  s.push(sh);
  const zs = ["ZADD", "zskip"];
  for (let i = 0; i < 200; i++) zs.push(String(i / 7), `zm${i}`);
  s.push(zs);
  const hh = ["HSET", "hashtable"];
  for (let i = 0; i < 200; i++) hh.push(`f${i}`, `value-${i}`);
  s.push(hh);
  s.push(["HSET", "hbigval", "f", big]);
  s.push(["EXPIRE", "hashtable", "100000"]);
  return s;
}

/** A comparable description of every key in the selected databases. */
export async function snapshot(c: RawClient, dbs = [0, 3]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const db of dbs) {
    await c.call("SELECT", db);
    const keys = (await c.call("KEYS", "*")) as string[];
    for (const k of keys.sort()) {
      const type = await c.call("TYPE", k);
      let val: unknown;
      if (type === "string") val = await c.call("GET", k);
      else if (type === "list") val = await c.call("LRANGE", k, 0, -1);
      else if (type === "set") val = ((await c.call("SMEMBERS", k)) as string[]).sort();
      else if (type === "zset") {
        // 7.0 prints scores with %.17g, 8.2 with the shortest round trip: compare the numbers.
        const flat = (await c.call("ZRANGE", k, 0, -1, "WITHSCORES")) as string[];
        val = flat.map((x, i) => (i % 2 === 1 ? String(Number(x)) : x));
      } else if (type === "hash") {
        const flat = (await c.call("HGETALL", k)) as string[];
        const pairs: string[] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push(flat[i] + "=" + flat[i + 1]);
        val = pairs.sort();
      }
      const ttl = (await c.call("PTTL", k)) as number;
      out[`${db}:${k}`] = { type, val, ttl: ttl > 0 ? "yes" : ttl };
    }
  }
  await c.call("SELECT", 0);
  return out;
}

/** OBJECT ENCODING of every key of db 0. */
export async function encodings(c: RawClient): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const k of ((await c.call("KEYS", "*")) as string[]).sort()) out[k] = await c.call("OBJECT", "ENCODING", k);
  return out;
}

/** Runs `script` on `c`, failing on any error reply. */
export async function run(c: RawClient, script: string[][]): Promise<void> {
  for (const cmd of script) {
    const r = await c.call(...cmd);
    if (r && typeof r === "object" && "error" in (r as Record<string, unknown>)) {
      throw new Error(`${cmd.join(" ").slice(0, 80)}: ${(r as { error: string }).error}`);
    }
  }
}

/** Polls until `pred` holds (up to `ms`). */
export async function until(pred: () => Promise<boolean> | boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Asserts that Debian's redis-check-rdb accepts the RDB file at `path`. */
export function checkRdb(path: string): void {
  const out = new Deno.Command("redis-check-rdb", { args: [path], stdout: "piped", stderr: "piped" }).outputSync();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, text);
  assert.match(text, /RDB looks OK!/);
}

/** Starts redis-server 7.0 and makes it load `file` (copied into its dir) with DEBUG RELOAD NOSAVE. */
export async function oracleWith(file: string, extra: string[] = []): Promise<{ o: Oracle; b: RawClient }> {
  const o = await Oracle.start(["--dbfilename", "dump.rdb", ...extra]);
  Deno.copyFileSync(file, `${o.dir}/dump.rdb`);
  const b = await RawClient.connect(o.port);
  assert.equal(await b.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
  return { o, b };
}
