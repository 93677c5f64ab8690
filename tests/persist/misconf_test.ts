/**
 * stop-writes-on-bgsave-error: after a failed background save (with save points configured), write
 * commands and PING get MISCONF while reads still work, exactly as redis-server 7.0 replies; turning
 * the option off or a successful save lifts it.
 */
import assert from "node:assert/strict";
import { haveRedis, sideBySide } from "../helpers/oracle.ts";
import { until } from "./helpers.ts";

Deno.test({
  name: "MISCONF after a failed BGSAVE matches redis-server, and lifts when allowed again",
  ignore: !haveRedis(),
  async fn() {
    const dirA = Deno.makeTempDirSync(), dirB = Deno.makeTempDirSync();
    await sideBySide(async ({ ours: a, redis: b }) => {
      // the directory disappears: the save cannot create its temp file
      Deno.removeSync(dirA, { recursive: true });
      Deno.removeSync(dirB, { recursive: true });
      for (const c of [a, b]) {
        assert.equal(await c.call("BGSAVE"), "Background saving started");
        await until(async () => /rdb_last_bgsave_status:err/.test((await c.call("INFO", "persistence")) as string));
      }
      const script: (string | number)[][] = [
        ["SET", "a", "1"],
        ["PING"],
        ["GET", "a"],
        ["MULTI"],
        ["INCR", "a"],
        ["EXEC"],
        ["MULTI"],
        ["GET", "a"],
        ["EXEC"],
        // may-replicate but not a write: EXEC is not refused (regression: it was)
        ["MULTI"],
        ["PUBLISH", "ch", "x"],
        ["EXEC"],
        ["CONFIG", "SET", "stop-writes-on-bgsave-error", "no"],
        ["SET", "a", "2"],
        ["PING"],
        ["CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"],
        ["DEL", "a"],
        ["CONFIG", "SET", "save", ""],
        ["SET", "a", "3"],
      ];
      for (const cmd of script) {
        assert.deepEqual(await a.call(...cmd), await b.call(...cmd), JSON.stringify(cmd));
      }
    }, { config: { dir: dirA, save: "3600 1" }, oracleArgs: ["--dir", dirB, "--save", "3600 1"] });
  },
});
