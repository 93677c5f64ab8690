/**
 * Every command family, joined into the list the command table is built from.
 */
import type { CommandDef } from "./table.ts";
import { commands as connection } from "./connection.ts";
import { commands as strings } from "./strings.ts";
import { commands as keys } from "./keys.ts";
import { commands as client } from "./client.ts";
import { commands as server } from "./server.ts";
import { commands as config } from "./config.ts";
import { commands as command } from "./command.ts";

export const ALL_COMMANDS: CommandDef[] = [
  ...connection,
  ...strings,
  ...keys,
  ...client,
  ...server,
  ...config,
  ...command,
];
