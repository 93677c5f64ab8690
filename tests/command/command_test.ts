/**
 * COMMAND, COUNT, LIST (with its filters), HELP and the subcommand errors, compared with the 7.0
 * oracle where the registered commands allow it; redis-cli's help built from COMMAND DOCS; the
 * metadata.json freshness check.
 */
import assert from "node:assert/strict";
import { haveRedis, sideBySide } from "../helpers/oracle.ts";
import { RawClient } from "../helpers/resp.ts";
import { ROOT } from "../helpers/server.ts";
import { startServer } from "../../src/mod.ts";
import { buildCommandTable, topLevelCommands } from "../../src/commands/table.ts";
import { allCommands, EXCEPTIONS } from "./meta_helpers.ts";

const ignore = !haveRedis();

/** Terminal color sequences redis-cli prints around help text. */
const ANSI_COLOR = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");

Deno.test("COMMAND COUNT is the number of registered top-level commands", async () => {
  const srv = await startServer();
  const c = await RawClient.connect(srv.port);
  try {
    const count = await c.call("COMMAND", "COUNT");
    assert.equal(count, topLevelCommands(srv.server.commands).length);
    assert.equal((await c.call("COMMAND") as unknown[]).length, count);
    assert.ok((count as number) > 5);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test({
  name: "COMMAND LIST: unfiltered and every filter match the oracle for the registered commands",
  ignore,
  async fn() {
    await sideBySide(async ({ srv, ours, redis }) => {
      const registered = new Set(allCommands(srv.server.commands).map((c) => c.fullName));
      const redisAll = new Set(await redis.call("COMMAND", "LIST") as string[]);
      // What the oracle would list if it had exactly our commands (8.x-only ones excepted).
      const expect = async (...filter: string[]) => {
        const theirs = new Set(await redis.call("COMMAND", "LIST", ...filter) as string[]);
        return [...registered].filter((n) => theirs.has(n) || (!redisAll.has(n) && !filter.length)).sort();
      };
      const list = async (...filter: string[]) => (await ours.call("COMMAND", "LIST", ...filter) as string[]).sort();
      assert.deepEqual(await list(), [...registered].sort());
      assert.deepEqual(await list(), await expect());
      const categories = (await redis.call("ACL", "CAT")) as string[];
      for (const cat of [...categories, "nosuch"]) {
        // WAIT's categories changed in 7.2 (see EXCEPTIONS).
        const got = (await list("FILTERBY", "ACLCAT", cat)).filter((n) => !EXCEPTIONS[n]?.info?.includes(6));
        const want = (await expect("FILTERBY", "ACLCAT", cat)).filter((n) => !EXCEPTIONS[n]?.info?.includes(6));
        assert.deepEqual(
          got.filter((n) => redisAll.has(n)),
          want,
          `ACLCAT ${cat}`,
        );
      }
      for (const pattern of ["*", "c*", "CLIENT*", "*|*", "g?t", "[cg]*", "nosuch", "COMMAND|*"]) {
        assert.deepEqual(
          (await list("FILTERBY", "PATTERN", pattern)).filter((n) => redisAll.has(n)),
          await expect("FILTERBY", "PATTERN", pattern),
          `PATTERN ${pattern}`,
        );
      }
      assert.deepEqual(await list("FILTERBY", "MODULE", "x"), []);
      for (
        const bad of [
          ["FILTERBY"],
          ["FILTERBY", "ACLCAT"],
          ["FILTERBY", "NOSUCH", "x"],
          ["FILTERBY", "PATTERN", "*", "extra"],
          ["BOGUS"],
        ]
      ) {
        assert.equal(await ours.callRaw("COMMAND", "LIST", ...bad), await redis.callRaw("COMMAND", "LIST", ...bad));
      }
    });
  },
});

Deno.test({
  name: "COMMAND HELP, unknown subcommands and arity errors match the oracle",
  ignore,
  async fn() {
    await sideBySide(async ({ ours, redis }) => {
      for (
        const args of [
          ["HELP"],
          ["help"],
          ["NOSUCH"],
          ["COUNT", "extra"],
          ["HELP", "extra"],
          ["GETKEYS"],
          ["command"],
        ]
      ) {
        assert.equal(await ours.callRaw("COMMAND", ...args), await redis.callRaw("COMMAND", ...args), args.join(" "));
      }
    });
  },
});

Deno.test("redis-cli builds its help and hints from COMMAND DOCS", async () => {
  const srv = await startServer();
  // A command redis-cli 7.0 has no built-in help for, so its help can only come from COMMAND DOCS.
  if (!srv.server.commands.has("hgetdel")) {
    for (const [k, v] of buildCommandTable([{ name: "hgetdel", handler: (c) => c.addOk() }])) {
      srv.server.commands.set(k, v);
    }
  }
  try {
    const input = "(sleep 0.5; printf 'help hgetdel\\r'; sleep 0.3; printf 'help command getkeys\\r'; sleep 0.3; " +
      "printf 'quit\\r'; sleep 0.2)";
    const out = await new Deno.Command("bash", {
      args: ["-c", `${input} | TERM=dumb script -qec 'redis-cli -p ${srv.port}' /dev/null`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).replace(ANSI_COLOR, "");
    assert.match(text, /HGETDEL key FIELDS numfields field \[field \.\.\.\]/);
    assert.match(text, /summary: Returns the values of fields of a hash and removes those fields\./);
    assert.match(text, /since: 8\.0\.0/);
    assert.match(text, /COMMAND GETKEYS command \[arg \[arg \.\.\.\]\]/);
    assert.doesNotMatch(text, /Assertion|Error:/);
  } finally {
    await srv.close();
  }
});

Deno.test("scripts/gen-metadata.ts --check: metadata.json is up to date", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}scripts/gen-metadata.ts`, "--check"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
});
