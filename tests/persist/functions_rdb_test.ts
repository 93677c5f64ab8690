/**
 * Function libraries survive a restart through dump.rdb (FUNCTION2 records), as in Redis.
 */
import assert from "node:assert/strict";
import { ChildServer } from "../helpers/server.ts";
import { RawClient } from "../helpers/resp.ts";

const LIB = "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)";

Deno.test("persist: function libraries are saved and loaded back at startup", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const first = await ChildServer.spawn(["--dir", dir, "--save", ""]);
    let c = await RawClient.connect(first.port);
    assert.equal(await c.call("FUNCTION", "LOAD", LIB), "mylib");
    assert.equal(await c.call("SET", "k", "v"), "OK");
    assert.equal(await c.call("SAVE"), "OK");
    c.close();
    await first.stop();
    const second = await ChildServer.spawn(["--dir", dir, "--save", ""]);
    c = await RawClient.connect(second.port);
    assert.equal(await c.call("GET", "k"), "v");
    assert.equal(await c.call("FCALL", "myfunc", 0, "hello"), "hello");
    c.close();
    await second.stop();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
