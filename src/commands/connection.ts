/**
 * Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { intArg } from "./args.ts";
import { INVALID_DB } from "../server/errors.ts";

function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    c.addError("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (c.flags.has("P") && c.resp === 2) {
    // Subscribed RESP2 clients get ["pong", msg].
    c.addArrayLen(2);
    c.addBulk("pong");
    c.addBulk(argv.length === 2 ? argv[1] : "");
    return;
  }
  if (argv.length === 2) c.addBulk(argv[1]);
  else c.addStatus("PONG");
}

function echo(c: Client, argv: string[]): void {
  c.addBulk(argv[1]);
}

function quit(c: Client): void {
  c.addOk();
  c.closeAfterReply = true;
}

function select(c: Client, argv: string[]): void {
  const id = intArg(c, argv[1], "ERR value is not an integer or out of range");
  if (id === null) return;
  if (id < 0 || id >= c.server.dbs.length) {
    c.addError(INVALID_DB);
    return;
  }
  c.select(id);
  c.addOk();
}

export const commands: CommandDef[] = [
  { name: "ping", handler: ping },
  { name: "echo", handler: echo },
  { name: "quit", handler: quit },
  { name: "select", handler: select },
];
