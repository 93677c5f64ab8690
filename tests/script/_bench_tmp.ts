import { startServer } from "../../src/mod.ts";
import { Client } from "../../src/server/client.ts";
import { processCommand } from "../../src/server/dispatch.ts";
const srv = await startServer();
const s = srv.server;
const c = new Client(s, null, "", "", "internal");
c.server.lastCallEnd = performance.now();
processCommand(c, ["SET", "key", "val"]);
processCommand(c, ["SCRIPT", "LOAD", "return redis.call('get', KEYS[1])"]);
const sha = new TextDecoder().decode(c.out.subarray(0, c.outLen)).split("\r\n").at(-2)!;
c.outLen = 0;
for (let round = 0; round < 8; round++) {
  const t = performance.now();
  for (let i = 0; i < 200000; i++) {
    processCommand(c, ["EVALSHA", sha, "1", "key"]);
    c.outLen = 0;
  }
  const t2 = performance.now();
  for (let i = 0; i < 200000; i++) {
    processCommand(c, ["GET", "key"]);
    c.outLen = 0;
  }
  console.log("evalsha µs/op", ((t2 - t) / 200).toFixed(2), "get µs/op", ((performance.now() - t2) / 200).toFixed(2));
}
await srv.close();
