/**
 * RESP protocol over TCP: pipelining, inline commands, split frames, every protocol error.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { encodeCommand, RawClient } from "../helpers/resp.ts";

Deno.test("protocol: 10k pipelined commands in one write all answer in order", async () => {
  await withServer(async (_srv, c) => {
    let req = "";
    for (let i = 0; i < 10000; i++) req += encodeCommand(["SET", `k${i}`, `v${i}`]) + encodeCommand(["GET", `k${i}`]);
    await c.write(req);
    for (let i = 0; i < 10000; i++) {
      assert.equal(await c.readRaw(), "+OK\r\n");
      assert.equal(await c.readRaw(), `$${`v${i}`.length}\r\nv${i}\r\n`);
    }
  });
});

Deno.test("protocol: inline commands with quotes and escapes", async () => {
  await withServer(async (_srv, c) => {
    await c.write("PING\r\n");
    assert.equal(await c.readRaw(), "+PONG\r\n");
    await c.write('ECHO "a b\\x41\\n"\n');
    assert.equal(await c.readRaw(), "$5\r\na bA\n\r\n");
    await c.write("ECHO 'it\\'s'\r\n");
    assert.equal(await c.readRaw(), "$4\r\nit's\r\n");
    await c.write("\r\n\r\nPING\r\n");
    assert.equal(await c.readRaw(), "+PONG\r\n");
  });
});

Deno.test("protocol: a frame split at every byte boundary parses the same", async () => {
  await withServer(async (_srv, c) => {
    const frame = encodeCommand(["SET", "key\r\nx", "va\x00lue\xff"]) + encodeCommand(["GET", "key\r\nx"]);
    for (let cut = 1; cut < frame.length; cut += 3) {
      await c.write(frame.slice(0, cut));
      await new Promise((r) => setTimeout(r, 1));
      await c.write(frame.slice(cut));
      assert.equal(await c.readRaw(), "+OK\r\n");
      assert.equal(await c.readRaw(), "$7\r\nva\x00lue\xff\r\n");
    }
  });
});

const errorCases: [string, string][] = [
  ["*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*1\r\nxfoo\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"],
  ['ECHO "unbalanced\r\n', "-ERR Protocol error: unbalanced quotes in request\r\n"],
  ["x".repeat(70 * 1024), "-ERR Protocol error: too big inline request\r\n"],
  ["*" + "1".repeat(70 * 1024), "-ERR Protocol error: too big mbulk count string\r\n"],
  ["*1\r\n$" + "1".repeat(70 * 1024), "-ERR Protocol error: too big bulk count string\r\n"],
];

for (const [input, expected] of errorCases) {
  Deno.test(`protocol: error then close for ${JSON.stringify(input.slice(0, 24))}`, async () => {
    await withServer(async (srv, c) => {
      await c.write("PING\r\n" + input);
      assert.equal(await c.readRaw(), "+PONG\r\n");
      assert.equal(await c.readRaw(), expected);
      assert.equal(await c.waitClosed(), true);
      // the server is still fine for others
      const other = await RawClient.connect(srv.port);
      assert.equal(await other.callRaw("PING"), "+PONG\r\n");
      other.close();
    });
  });
}

Deno.test("protocol: empty multibulk and zero-count requests are skipped", async () => {
  await withServer(async (_srv, c) => {
    await c.write("*0\r\n*-1\r\nPING\r\n");
    assert.equal(await c.readRaw(), "+PONG\r\n");
  });
});

Deno.test("protocol: a 2 MB value arriving in pieces round-trips", async () => {
  await withServer(async (_srv, c) => {
    let v = "";
    for (let i = 0; i < 2 * 1024 * 1024; i++) v += String.fromCharCode(i % 256);
    const frame = encodeCommand(["SET", "big", v]);
    for (let off = 0; off < frame.length; off += 100_000) await c.write(frame.slice(off, off + 100_000));
    assert.equal(await c.readRaw(), "+OK\r\n");
    assert.equal(await c.callRaw("GET", "big"), `$${v.length}\r\n${v}\r\n`);
  });
});
