/**
 * Process-level persistence: dump.rdb loaded at startup with Redis's log lines, the final save on
 * SHUTDOWN / SIGTERM (save points), SHUTDOWN NOSAVE, and a corrupt file stopping startup.
 */
import assert from "node:assert/strict";
import { ChildServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";
import { run, snapshot } from "./helpers.ts";

Deno.test("startup loads dump.rdb with Redis's log lines; SHUTDOWN saves; NOSAVE does not", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  try {
    let srv = await ChildServer.spawn(["--dir", dir, "--save", ""]);
    let c = await RawClient.connect(srv.port);
    await run(c, [["SET", "a", "1"], ["RPUSH", "l", "x", "y"], ["SET", "t", "v", "EX", "1000"], ["SELECT", "5"], [
      "SET",
      "five",
      "5",
    ]]);
    const before = await snapshot(c, [0, 5]);
    await c.send("SHUTDOWN", "SAVE");
    assert.equal((await srv.status()).code, 0);
    c.close();
    assert.match(srv.output, /Saving the final RDB snapshot before exiting\./);
    assert.match(srv.output, /DB saved on disk/);

    srv = await ChildServer.spawn(["--dir", dir, "--save", ""]);
    assert.match(srv.output, /Loading RDB produced by version 8\.2\.\d+/);
    assert.match(srv.output, /Done loading RDB, keys loaded: 4, keys expired: 0\./);
    assert.match(srv.output, /DB loaded from disk: \d+\.\d{3} seconds/);
    assert.ok(srv.output.indexOf("DB loaded from disk") < srv.output.indexOf("Ready to accept connections"));
    c = await RawClient.connect(srv.port);
    assert.deepEqual(await snapshot(c, [0, 5]), before);
    assert.match((await c.call("INFO", "persistence")) as string, /rdb_changes_since_last_save:0\r\n/);
    await c.call("SET", "after", "1");
    await c.send("SHUTDOWN", "NOSAVE");
    assert.equal((await srv.status()).code, 0);
    c.close();

    srv = await ChildServer.spawn(["--dir", dir, "--save", "3600", "1"]);
    c = await RawClient.connect(srv.port);
    assert.equal(await c.call("EXISTS", "after"), 0);
    await c.call("SET", "sig", "1");
    c.close();
    assert.equal((await srv.stop("SIGTERM")).code, 0);
    assert.match(srv.output, /DB saved on disk/);

    srv = await ChildServer.spawn(["--dir", dir, "--save", ""]);
    c = await RawClient.connect(srv.port);
    assert.equal(await c.call("GET", "sig"), "1");
    c.close();
    await srv.stop("SIGTERM");

    // a corrupt file stops startup with an error status
    const f = Deno.readFileSync(`${dir}/dump.rdb`);
    Deno.writeFileSync(`${dir}/dump.rdb`, f.subarray(0, f.length - 12));
    srv = await ChildServer.spawn(["--dir", dir], { waitFor: null });
    const st = await srv.status();
    assert.equal(st.code, 1);
    assert.match(srv.output, /Fatal error loading the DB/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("clients get LOADING while dump.rdb loads at startup, then the data (INFO loading fields)", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persist-" });
  let srv = await ChildServer.spawn(["--dir", dir, "--save", ""]);
  let c = await RawClient.connect(srv.port);
  for (let i = 0; i < 300; i++) await c.call("SET", `k${i}`, "v");
  await c.send("SHUTDOWN", "SAVE");
  await srv.status();
  c.close();
  srv = await ChildServer.spawn(["--dir", dir, "--save", "", "--key-load-delay", "5000"], {
    waitFor: "Server initialized",
  });
  try {
    while (true) {
      try {
        c = await RawClient.connect(srv.port);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    assert.deepEqual(await c.call("GET", "k1"), { error: "LOADING Redis is loading the dataset in memory" });
    const info = (await c.call("INFO", "persistence")) as string;
    assert.match(info, /loading:1\r\n/);
    assert.match(info, /loading_total_bytes:\d+\r\nloading_rdb_used_mem:0\r\nloading_loaded_bytes:\d+/);
    await srv.waitForOutput("Ready to accept connections");
    assert.equal(await c.call("GET", "k1"), "v");
    assert.equal(await c.call("DBSIZE"), 300);
    c.close();
  } finally {
    await srv.stop();
  }
});
