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
import { commands as hash } from "./hash.ts";
import { commands as set } from "./set.ts";
import { commands as zset } from "./zset.ts";
import { commands as list } from "./list.ts";
import { commands as sort } from "./sort.ts";
import { commands as clientUnblock } from "./client_unblock.ts";
import { commands as pubsub } from "./pubsub.ts";
import { commands as bitmap } from "./bitmap.ts";
import { commands as hll } from "./hll.ts";
import { commands as geo } from "./geo.ts";
import { commands as multi } from "./multi.ts";
import { commands as tracking } from "./tracking.ts";
import { commands as persist } from "./persist.ts";
import { commands as scripting } from "./scripting.ts";
import { commands as functions } from "./functions.ts";
import { commands as stream } from "./stream.ts";
import { commands as streamGroup } from "./stream_group.ts";
import { commands as streamRead } from "./stream_read.ts";
import { commands as streamInfo } from "./stream_info.ts";
import { commands as latency } from "./latency.ts";

export const ALL_COMMANDS: CommandDef[] = [
  ...connection,
  ...strings,
  ...keys,
  ...client,
  ...server,
  ...config,
  ...command,
  ...hash,
  ...set,
  ...zset,
  ...list,
  ...sort,
  ...clientUnblock,
  ...pubsub,
  ...bitmap,
  ...hll,
  ...geo,
  ...multi,
  ...tracking,
  ...persist,
  ...scripting,
  ...functions,
  ...stream,
  ...streamGroup,
  ...streamRead,
  ...streamInfo,
  ...latency,
];
