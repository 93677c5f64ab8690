/**
 * (placeholder) client commands.
 */
import type { CommandDef } from "./table.ts";

export const commands: CommandDef[] = [];
