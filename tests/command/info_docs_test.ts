/**
 * COMMAND INFO and COMMAND DOCS against the 7.0 oracle: every command metadata.json describes (via
 * the reply builders, whether implemented yet or not) and every command registered on a live server
 * (over TCP, RESP2 and RESP3). Allowed differences are the 7.0 → 8.2 changes listed in
 * meta_helpers.ts EXCEPTIONS, plus our own prose (summaries, complexity, history notes).
 */
import assert from "node:assert/strict";
import { haveRedis, Oracle, sideBySide } from "../helpers/oracle.ts";
import { RawClient } from "../helpers/resp.ts";
import { startServer } from "../../src/mod.ts";
import { addCommandDocs, addCommandInfo } from "../../src/commands/command.ts";
import type { Command } from "../../src/commands/table.ts";
import {
  allCommands,
  decodePlain,
  EXCEPTIONS,
  fullTable,
  normalizeDocs,
  normalizeInfo,
  renderReply,
  resp3ToResp2,
} from "./meta_helpers.ts";

const ignore = !haveRedis();

/** Asks the oracle for COMMAND INFO and DOCS of every name, in RESP3; plain forms by full name. */
async function oracleMeta(port: number, names: string[]): Promise<{
  info: Map<string, unknown[]>;
  docs: Map<string, Record<string, unknown>>;
}> {
  const c = await RawClient.connect(port);
  try {
    await c.call("HELLO", "3");
    const info = new Map<string, unknown[]>();
    const docs = new Map<string, Record<string, unknown>>();
    const infos = decodePlain(await c.callRaw("COMMAND", "INFO", ...names)) as (unknown[] | null)[];
    names.forEach((n, i) => infos[i] && info.set(n, infos[i]!));
    const d = decodePlain(await c.callRaw("COMMAND", "DOCS", ...names)) as Record<string, Record<string, unknown>>;
    for (const [k, v] of Object.entries(d)) docs.set(k, v);
    return { info, docs };
  } finally {
    c.close();
  }
}

/** Compares one command's INFO and DOCS (plain RESP3 forms) with the oracle's; returns the problems. */
function compare(cmd: Command, ours: { info: unknown[]; docs: Record<string, unknown> }, oracle: {
  info: unknown[];
  docs: Record<string, unknown>;
}): string[] {
  const problems: string[] = [];
  const oi = JSON.stringify(normalizeInfo(oracle.info, cmd.fullName));
  const ui = JSON.stringify(normalizeInfo(ours.info, cmd.fullName));
  if (oi !== ui) problems.push(`COMMAND INFO ${cmd.fullName}\n  ours:  ${ui}\n  redis: ${oi}`);
  const od = JSON.stringify(normalizeDocs(oracle.docs, cmd.fullName));
  const ud = JSON.stringify(normalizeDocs(ours.docs, cmd.fullName));
  if (od !== ud) problems.push(`COMMAND DOCS ${cmd.fullName}\n  ours:  ${ud}\n  redis: ${od}`);
  return problems;
}

Deno.test({
  name: "command metadata: every command Redis 7.0 knows matches its COMMAND INFO and DOCS",
  ignore,
  async fn() {
    const oracle = await Oracle.start();
    try {
      const cmds = allCommands(fullTable());
      const theirs = await oracleMeta(oracle.port, cmds.map((c) => c.fullName));
      const problems: string[] = [];
      let compared = 0;
      for (const cmd of cmds) {
        const info = theirs.info.get(cmd.fullName);
        const docs = theirs.docs.get(cmd.fullName);
        if (!info || !docs) continue; // newer than 7.0
        compared++;
        const ours = {
          info: decodePlain(renderReply(3, (r) => addCommandInfo(r, cmd))) as unknown[],
          docs: decodePlain(renderReply(3, (r) => addCommandDocs(r, cmd))) as Record<string, unknown>,
        };
        problems.push(...compare(cmd, ours, { info, docs }));
      }
      assert.ok(compared > 350, `only ${compared} commands compared`);
      assert.deepEqual(problems, []);
    } finally {
      await oracle.stop();
    }
  },
});

Deno.test({
  name: "command metadata: every exception is still a real difference",
  ignore,
  async fn() {
    const oracle = await Oracle.start();
    try {
      const table = fullTable();
      const cmds = allCommands(table).filter((c) => EXCEPTIONS[c.fullName]);
      assert.equal(cmds.length, Object.keys(EXCEPTIONS).length, "an exception names an unknown command");
      const theirs = await oracleMeta(oracle.port, cmds.map((c) => c.fullName));
      const stale: string[] = [];
      for (const cmd of cmds) {
        const ours = {
          info: decodePlain(renderReply(3, (r) => addCommandInfo(r, cmd))) as unknown[],
          docs: decodePlain(renderReply(3, (r) => addCommandDocs(r, cmd))) as Record<string, unknown>,
        };
        const redisInfo = theirs.info.get(cmd.fullName)!;
        for (const i of EXCEPTIONS[cmd.fullName].info ?? []) {
          if (JSON.stringify(ours.info[i]) === JSON.stringify(redisInfo[i])) stale.push(`${cmd.fullName} info[${i}]`);
        }
        const redisDocs = theirs.docs.get(cmd.fullName)!;
        for (const f of EXCEPTIONS[cmd.fullName].docs ?? []) {
          const a = normalizeDocs({ ...ours.docs }, "")[f];
          const b = normalizeDocs({ ...redisDocs }, "")[f];
          if (JSON.stringify(a) === JSON.stringify(b)) stale.push(`${cmd.fullName} docs.${f}`);
        }
      }
      assert.deepEqual(stale, []);
    } finally {
      await oracle.stop();
    }
  },
});

Deno.test("command metadata: RESP2 replies are the RESP3 ones flattened, for every command", () => {
  for (const cmd of allCommands(fullTable())) {
    for (
      const write of [
        (r: Parameters<typeof addCommandInfo>[0]) => addCommandInfo(r, cmd),
        (r: Parameters<typeof addCommandInfo>[0]) => addCommandDocs(r, cmd),
      ]
    ) {
      assert.equal(renderReply(2, write), resp3ToResp2(renderReply(3, write)), cmd.fullName);
    }
  }
});

Deno.test({
  name: "COMMAND INFO / DOCS over TCP: registered commands match the oracle (RESP2 and RESP3)",
  ignore,
  async fn() {
    const srv = await startServer();
    const oracle = await Oracle.start();
    const ours = await RawClient.connect(srv.port);
    try {
      const registered = allCommands(srv.server.commands);
      const names = registered.map((c) => c.fullName);
      const theirs = await oracleMeta(oracle.port, names);
      const redis2 = await RawClient.connect(oracle.port);
      const problems: string[] = [];
      let rawEqual = 0;
      for (const cmd of registered) {
        const info2 = await ours.callRaw("COMMAND", "INFO", cmd.fullName);
        const docs2 = await ours.callRaw("COMMAND", "DOCS", cmd.fullName);
        await ours.call("HELLO", "3");
        const info3 = await ours.callRaw("COMMAND", "INFO", cmd.fullName);
        const docs3 = await ours.callRaw("COMMAND", "DOCS", cmd.fullName);
        await ours.call("HELLO", "2");
        // RESP2 is the RESP3 reply flattened (the RESP3 one is compared with the oracle below).
        assert.equal(info2, resp3ToResp2(info3), `RESP2 COMMAND INFO ${cmd.fullName}`);
        assert.equal(docs2, resp3ToResp2(docs3), `RESP2 COMMAND DOCS ${cmd.fullName}`);
        const info = theirs.info.get(cmd.fullName);
        const docs = theirs.docs.get(cmd.fullName);
        if (!info || !docs) continue; // newer than 7.0
        const oursDocs = (decodePlain(docs3) as Record<string, Record<string, unknown>>)[cmd.fullName];
        problems.push(
          ...compare(cmd, { info: (decodePlain(info3) as unknown[][])[0], docs: oursDocs }, { info, docs }),
        );
        // Without exceptions and subcommands, COMMAND INFO is byte for byte the oracle's.
        if (!EXCEPTIONS[cmd.fullName] && !cmd.subcommands) {
          assert.equal(
            info2,
            await redis2.callRaw("COMMAND", "INFO", cmd.fullName),
            `raw COMMAND INFO ${cmd.fullName}`,
          );
          rawEqual++;
        }
      }
      redis2.close();
      assert.deepEqual(problems, []);
      assert.ok(rawEqual > 0);
    } finally {
      ours.close();
      await srv.close();
      await oracle.stop();
    }
  },
});

Deno.test({
  name: "COMMAND INFO / DOCS: several names, unknown names, subcommand names, no names",
  ignore,
  async fn() {
    await sideBySide(async ({ srv, ours, redis }) => {
      for (const proto of ["2", "3"]) {
        await ours.call("HELLO", proto);
        await redis.call("HELLO", proto);
        // COMMAND INFO gives a null for each unknown name, in place.
        for (const args of [["nosuch"], ["get", "nosuch", "GET"], ["command|count"], ["COMMAND|COUNT", "get|x"]]) {
          const o = await ours.callRaw("COMMAND", "INFO", ...args);
          const r = await redis.callRaw("COMMAND", "INFO", ...args);
          assert.equal(o, r, `COMMAND INFO ${args.join(" ")} (RESP${proto})`);
        }
        // COMMAND DOCS skips unknown names.
        assert.equal(
          await ours.callRaw("COMMAND", "DOCS", "nosuch", "x|y"),
          await redis.callRaw("COMMAND", "DOCS", "nosuch", "x|y"),
        );
        const docs = decodePlain(await ours.callRaw("COMMAND", "DOCS", "nosuch", "command|count", "GET")) as unknown;
        const keys = proto === "3" ? Object.keys(docs as object) : (docs as string[]).filter((_, i) => i % 2 === 0);
        assert.deepEqual(keys, ["command|count", "get"]);
      }
      await ours.call("HELLO", "2");
      // No names: every registered command, same as plain COMMAND.
      const all = decodePlain(await ours.callRaw("COMMAND", "INFO")) as unknown[][];
      const plainCommand = decodePlain(await ours.callRaw("COMMAND")) as unknown[][];
      assert.deepEqual(all, plainCommand);
      const topLevel = new Set(allCommands(srv.server.commands).filter((c) => !c.parent).map((c) => c.fullName));
      assert.deepEqual(new Set(all.map((e) => e[0])), topLevel);
      const docs = decodePlain(await ours.callRaw("COMMAND", "DOCS")) as string[];
      assert.deepEqual(new Set(docs.filter((_, i) => i % 2 === 0)), topLevel);
      // Containers list their registered subcommands in both replies.
      const cmdInfo = (decodePlain(await ours.callRaw("COMMAND", "INFO", "command")) as unknown[][])[0];
      const subs = (cmdInfo[9] as unknown[][]).map((s) => s[0]);
      assert.ok(subs.includes("command|getkeys") && subs.includes("command|docs"));
    });
  },
});
