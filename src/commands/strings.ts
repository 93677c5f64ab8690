/**
 * String commands: SET family, GET family, counters, ranges, APPEND, LCS.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { WRONGTYPE } from "../server/errors.ts";

function get(c: Client, argv: string[]): void {
  const v = c.db.lookup(argv[1]);
  if (v === undefined) c.addNull();
  else if (typeof v === "string") c.addBulk(v);
  else c.addError(WRONGTYPE);
}

function set(c: Client, argv: string[]): void {
  c.db.set(argv[1], argv[2]);
  c.server.dirty++;
  c.addOk();
}

export const commands: CommandDef[] = [
  { name: "get", handler: get },
  { name: "set", handler: set },
];
