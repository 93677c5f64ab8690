/**
 * Differential tests against Debian's redis-server 7.0 (RDB v10): DUMP payloads byte for byte,
 * RESTORE of 7.0's payloads, 7.0's dump.rdb loaded here, and our v10 files checked by redis-check-rdb
 * and loaded by 7.0.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { RawClient } from "../helpers/resp.ts";
import { haveRedis, Oracle } from "../helpers/oracle.ts";
import { setRdbTargetVersion } from "../../src/persist/persistence.ts";
import { checkRdb, datasetScript, encodings, oracleWith, run, snapshot, until } from "./helpers.ts";

const ignore = !haveRedis();

Deno.test({
  name: "v10 DUMP payloads are byte-identical to redis-server 7.0's (deterministic encodings)",
  ignore,
  async fn() {
    const srv = await startServer({});
    setRdbTargetVersion(srv.server, 10);
    const o = await Oracle.start();
    const a = await RawClient.connect(srv.port), b = await RawClient.connect(o.port);
    try {
      const script = datasetScript();
      await run(a, script);
      await run(b, script);
      // Hash-table orders differ between implementations; everything else must match exactly.
      for (const k of ["str", "int", "neg", "i64", "lzf", "bin", "list", "intset", "intset64", "zlp", "hlp", "quick"]) {
        assert.equal(await a.call("DUMP", k), await b.call("DUMP", k), `DUMP ${k}`);
      }
      // regression: long runs near the end of the input (liblzf's unrolled match loop may overshoot
      // its length bound by up to two bytes), for every length around the boundary
      for (let n = 14; n <= 48; n++) {
        for (const v of ["a".repeat(n), "ab".repeat(n), "xyz" + "a".repeat(n), "abc".repeat(n) + "q"]) {
          await a.call("SET", "r", v);
          await b.call("SET", "r", v);
          assert.equal(await a.call("DUMP", "r"), await b.call("DUMP", "r"), `DUMP of ${JSON.stringify(v)}`);
        }
      }
      // random strings of many sizes: string encodings and LZF output
      for (let i = 0; i < 200; i++) {
        const n = Math.floor(Math.random() * 400);
        let v = "";
        for (let j = 0; j < n; j++) v += String.fromCharCode(97 + Math.floor(Math.random() * (1 + (i % 5))));
        await a.call("SET", "r", v);
        await b.call("SET", "r", v);
        assert.equal(await a.call("DUMP", "r"), await b.call("DUMP", "r"), `DUMP of ${JSON.stringify(v)}`);
      }
    } finally {
      a.close();
      b.close();
      await srv.close();
      await o.stop();
    }
  },
});

Deno.test({
  name: "RESTORE of redis-server 7.0 payloads gives the same values; ours restore in 7.0",
  ignore,
  async fn() {
    const srv = await startServer({});
    setRdbTargetVersion(srv.server, 10);
    const o = await Oracle.start();
    const a = await RawClient.connect(srv.port), b = await RawClient.connect(o.port);
    try {
      await run(b, datasetScript());
      await b.call("SELECT", 0);
      const keys = (await b.call("KEYS", "*")) as string[];
      for (const k of keys) {
        const p = (await b.call("DUMP", k)) as string;
        assert.equal(await a.call("RESTORE", k, 0, p), "OK", k);
        const back = (await a.call("DUMP", k)) as string;
        await b.call("RESTORE", "copy:" + k, 0, back);
      }
      const ours = await snapshot(a, [0]);
      const theirs = await snapshot(b, [0]);
      for (const [k, v] of Object.entries(ours)) {
        assert.deepEqual({ ...(v as object), ttl: 0 }, { ...(theirs[k] as object), ttl: 0 }, k);
        const name = k.slice(2);
        const copy = theirs["0:copy:" + name] as Record<string, unknown>;
        assert.deepEqual(copy.val, (v as Record<string, unknown>).val, "7.0 restored our payload of " + name);
      }
    } finally {
      a.close();
      b.close();
      await srv.close();
      await o.stop();
    }
  },
});

Deno.test({
  name: "a dump.rdb written by redis-server 7.0 loads here with the same keys, values, TTLs, encodings",
  ignore,
  async fn() {
    const o = await Oracle.start();
    const b = await RawClient.connect(o.port);
    const dir = Deno.makeTempDirSync({ prefix: "persist-" });
    try {
      await run(b, datasetScript());
      await b.call("DEBUG", "POPULATE", 2000, "pop", 50);
      await b.call("SET", "gone", "x", "PX", 1);
      await new Promise((r) => setTimeout(r, 5));
      assert.equal(await b.call("SAVE"), "OK");
      Deno.copyFileSync(`${o.dir}/dump.rdb`, `${dir}/dump.rdb`);
      const srv = await startServer({ config: { dir, "enable-debug-command": "yes" } });
      const a = await RawClient.connect(srv.port);
      try {
        assert.equal(await a.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
        assert.deepEqual(await snapshot(a), await snapshot(b));
        const ea = await encodings(a), eb = await encodings(b);
        for (const k of Object.keys(eb)) {
          if (eb[k] === "hashtable" && ea[k] === "listpack") continue; // 7.0 has no set listpacks
          if (eb[k] === "quicklist" && ea[k] === "listpack" && k !== "quick") continue; // nor list listpacks
          assert.equal(ea[k], eb[k], `encoding of ${k}`);
        }
        const info = (await a.call("INFO", "persistence")) as string;
        assert.match(info, /rdb_last_load_keys_loaded:2\d{3}\r\n/);
        assert.match(info, /rdb_last_load_keys_expired:1\r\n/);
      } finally {
        a.close();
        await srv.close();
      }
    } finally {
      b.close();
      await o.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "our v10 dump.rdb passes redis-check-rdb and loads in redis-server 7.0 with the same data",
  ignore,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "persist-" });
    const srv = await startServer({ config: { dir } });
    setRdbTargetVersion(srv.server, 10);
    const a = await RawClient.connect(srv.port);
    try {
      await run(a, datasetScript());
      assert.equal(await a.call("SAVE"), "OK");
      checkRdb(`${dir}/dump.rdb`);
      // The oracle starts with its own empty dir: it loads a copy of ours with DEBUG RELOAD NOSAVE.
      const { o, b } = await oracleWith(`${dir}/dump.rdb`);
      try {
        await until(async () => (await b.call("DBSIZE")) !== 0);
        assert.deepEqual(await snapshot(b), await snapshot(a));
      } finally {
        b.close();
        await o.stop();
      }
    } finally {
      a.close();
      await srv.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "DEBUG DIGEST and DIGEST-VALUE match redis-server 7.0 on the same data, and survive DEBUG RELOAD",
  ignore,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "persist-" });
    const srv = await startServer({ config: { dir, "enable-debug-command": "yes" } });
    const o = await Oracle.start();
    const a = await RawClient.connect(srv.port), b = await RawClient.connect(o.port);
    try {
      assert.equal(await a.call("DEBUG", "DIGEST"), "0".repeat(40));
      // zset scores whose text is the same under 7.0's %.17g and 8.2's shortest form
      const script = datasetScript().filter((c) => c[0] !== "ZADD");
      script.push(["ZADD", "z", "1.5", "a", "2", "b", "-3", "c", "0.25", "d"]);
      await run(a, script);
      await run(b, script);
      await a.call("DEBUG", "POPULATE", 100);
      await b.call("DEBUG", "POPULATE", 100);
      const d = await a.call("DEBUG", "DIGEST");
      assert.equal(d, await b.call("DEBUG", "DIGEST"));
      assert.notEqual(d, "0".repeat(40));
      for (const k of ["str", "list", "intset", "sethash", "hashtable", "z", "quick", "nokey"]) {
        assert.deepEqual(await a.call("DEBUG", "DIGEST-VALUE", k), await b.call("DEBUG", "DIGEST-VALUE", k), k);
      }
      assert.equal(await a.call("DEBUG", "RELOAD"), "OK");
      assert.equal(await a.call("DEBUG", "DIGEST"), d);
      await a.call("SET", "str", "changed");
      assert.notEqual(await a.call("DEBUG", "DIGEST"), d);
    } finally {
      a.close();
      b.close();
      await srv.close();
      await o.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "LRU/LFU policies: idle times (IDLE) and frequencies (FREQ) saved as Redis does, read by redis-server 7.0",
  ignore,
  async fn() {
    for (const policy of ["allkeys-lru", "volatile-lfu"]) {
      const dir = Deno.makeTempDirSync();
      const srv = await startServer({ config: { dir, "maxmemory-policy": policy } });
      setRdbTargetVersion(srv.server, 10);
      const a = await RawClient.connect(srv.port);
      await a.call("SET", "plain", "v");
      const payload = await a.call("DUMP", "plain");
      await a.call("RESTORE", "old", 0, payload as string, "IDLETIME", 1000);
      assert.equal(await a.call("SAVE"), "OK");
      a.close();
      await srv.close();
      const { o, b } = await oracleWith(`${dir}/dump.rdb`, ["--maxmemory-policy", policy]);
      try {
        if (policy.endsWith("lru")) {
          const idle = Number(await b.call("OBJECT", "IDLETIME", "old"));
          assert.ok(idle >= 999 && idle <= 1003, `idle ${idle}`);
          assert.ok(Number(await b.call("OBJECT", "IDLETIME", "plain")) < 5);
        } else {
          assert.equal(await b.call("OBJECT", "FREQ", "plain"), 5);
        }
      } finally {
        b.close();
        await o.stop();
      }
    }
  },
});
