/**
 * RESP protocol over TCP: pipelining, inline commands, split frames, every protocol error.
 */
import assert from "node:assert/strict";
import { withServer } from "../helpers/server.ts";
import { encodeCommand, exchange, RawClient } from "../helpers/resp.ts";
import { sideBySide } from "../helpers/oracle.ts";

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

// Frames that arrive complete in one read take the parser's fast path; malformed ones must still get
// exactly Redis's error (the careful path decides), and well-formed oddities the same replies.
const wholeFrames = [
  "*1\r\n$01\r\nx\r\n",
  "*1\r\n$+1\r\nx\r\n",
  "*1\r\n$1x\r\nx\r\n",
  "*2\r\n$4\r\nECHO\r\n$ 1\r\nx\r\n",
  "*2\r\n$4\r\nECHO\r\n$00\r\n\r\n",
  "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
  "*2\r\n$4\r\nECHO\r\n$-0\r\n\r\n",
  "*2\r\n$4\r\nECHO\r\n$3\r\nabcXY",
  "*3\r\n$4\r\nECHO\r\n$1\r\nx\r\n",
];
Deno.test("protocol: complete malformed frames get Redis's reply (differential)", async () => {
  await sideBySide(async ({ srv, oracle }) => {
    for (const frame of wholeFrames) {
      const data = new TextEncoder().encode("PING\r\n" + frame + "PING\r\n");
      const ours = await exchange(srv.port, data, 200), redis = await exchange(oracle.port, data, 200);
      assert.equal(ours, redis, JSON.stringify(frame));
    }
  });
});

Deno.test("protocol: command names of the same length and ends are told apart (name cache)", async () => {
  await withServer(async (_srv, c) => {
    // SETEX/SETNX and GETEX/GETDEL… share length and first/last bytes: a cache mix-up would run the wrong one.
    const frame = encodeCommand(["SETEX", "k", "100", "v"]) + encodeCommand(["SETNX", "k", "w"]) +
      encodeCommand(["setnx", "k2", "w"]) + encodeCommand(["SeTeX", "k3", "100", "v"]) + encodeCommand(["GET", "k2"]) +
      encodeCommand(["SET", "k4", "z"]) + encodeCommand(["GET", "k4"]);
    await c.write(frame);
    const got: string[] = [];
    for (let i = 0; i < 7; i++) got.push(await c.readRaw());
    assert.deepEqual(got, ["+OK\r\n", ":0\r\n", ":1\r\n", "+OK\r\n", "$1\r\nw\r\n", "+OK\r\n", "$1\r\nz\r\n"]);
  });
});
