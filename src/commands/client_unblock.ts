/**
 * CLIENT UNBLOCK id [TIMEOUT|ERROR] (networking.c): ends another client's blocking command as if it
 * timed out, or with "-UNBLOCKED client unblocked via CLIENT UNBLOCK". Replies 1 when the client was
 * blocked (on keys, or in a key-less wait such as WAIT), 0 otherwise.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { subcommandSyntax, UNBLOCK_REASON } from "../server/errors.ts";
import { longArg } from "./list_util.ts";

function clientUnblock(c: Client, argv: string[]): void {
  if (argv.length !== 3 && argv.length !== 4) {
    c.addError(subcommandSyntax(argv[1], "client"));
    return;
  }
  let withError = false;
  if (argv.length === 4) {
    const reason = argv[3].toLowerCase();
    if (reason === "error") withError = true;
    else if (reason !== "timeout") {
      c.addError(UNBLOCK_REASON);
      return;
    }
  }
  const id = longArg(c, argv[2]);
  if (id === null) return;
  const target = c.server.clients.get(id);
  const done = target !== undefined && c.server.blocking.clientUnblock(target, withError);
  c.addInt(done ? 1 : 0);
}

export const commands: CommandDef[] = [
  { name: "client|unblock", handler: clientUnblock },
];
