/**
 * FLUSHALL with save points (flushAllDataAndResetRDB): a running BGSAVE is killed (not counted as a
 * failed save), dump.rdb is rewritten empty at once, and one change is left counted — compared with
 * redis-server 7.0 through INFO persistence.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/mod.ts";
import { RawClient } from "../helpers/resp.ts";
import { haveRedis, sideBySide } from "../helpers/oracle.ts";
import { until } from "./helpers.ts";

function field(info: string, name: string): string {
  return info.match(new RegExp(`${name}:([^\\r]*)`))?.[1] ?? "";
}

Deno.test({
  name: "FLUSHALL with save points kills BGSAVE and saves the empty dataset, like redis-server",
  ignore: !haveRedis(),
  async fn() {
    const dir = Deno.makeTempDirSync();
    await sideBySide(async ({ ours: a, redis: b }) => {
      for (const c of [a, b]) {
        for (let i = 0; i < 200; i++) await c.call("SET", `k${i}`, "v");
        assert.equal(await c.call("BGSAVE"), "Background saving started");
        assert.equal(await c.call("FLUSHALL"), "OK");
      }
      for (const c of [a, b]) {
        await until(async () =>
          field((await c.call("INFO", "persistence")) as string, "rdb_bgsave_in_progress") === "0"
        );
      }
      const ia = (await a.call("INFO", "persistence")) as string, ib = (await b.call("INFO", "persistence")) as string;
      for (
        const f of ["rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_bgsave_status", "rdb_saves"]
      ) {
        assert.equal(field(ia, f), field(ib, f), f);
      }
      // dump.rdb holds the empty dataset
      assert.deepEqual(await a.call("SET", "x", "1"), await b.call("SET", "x", "1"), "writes still allowed");
      const s2 = await startServer({ load: true, config: { dir, save: "" } });
      const c2 = await RawClient.connect(s2.port);
      assert.equal(await c2.call("DBSIZE"), 0);
      c2.close();
      await s2.close();
    }, {
      load: true,
      config: { dir, save: "3600 1", "rdb-key-save-delay": 1000 },
      oracleArgs: ["--save", "3600 1", "--rdb-key-save-delay", "1000"],
    });
  },
});
