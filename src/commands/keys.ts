/**
 * (placeholder) keys commands.
 */
import type { CommandDef } from "./table.ts";

export const commands: CommandDef[] = [];
