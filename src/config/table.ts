/**
 * The config table: every directive Redis 8.2 knows, with its type, default, bounds and flags.
 * Directives of features not built yet are still listed so real redis.conf files load and CONFIG GET
 * answers them exactly as Redis formats them. The entries live in table_server.ts, table_data.ts and
 * special.ts; runtime apply hooks live in apply.ts.
 */
import type { ConfigDef } from "./types.ts";
import { SERVER_CONFIGS } from "./table_server.ts";
import { DATA_CONFIGS } from "./table_data.ts";
import { SPECIAL_CONFIGS } from "./special.ts";

export const CONFIG_TABLE: readonly ConfigDef[] = [...SERVER_CONFIGS, ...DATA_CONFIGS, ...SPECIAL_CONFIGS];

/**
 * Directives Redis still accepts in a config file but ignores (name → accepted argument counts,
 * directive included): removed long ago, or no longer effective in 8.x (io-threads-do-reads).
 */
export const DEPRECATED_DIRECTIVES: ReadonlyMap<string, [number, number]> = new Map([
  ["list-max-ziplist-entries", [2, 2]],
  ["list-max-ziplist-value", [2, 2]],
  ["lua-replicate-commands", [2, 2]],
  ["io-threads-do-reads", [2, 2]],
]);
