/**
 * The HELP reply of container commands (CLIENT HELP, DEBUG HELP…), formatted like Redis's addReplyHelp.
 */
import type { Client } from "../server/client.ts";

/**
 * Replies the help of `container` ("CLIENT"): Redis's header line, the given lines, then the HELP
 * entry, each as a status string.
 */
export function replyHelp(c: Client, container: string, lines: readonly string[]): void {
  c.addArrayLen(lines.length + 3);
  c.addStatus(`${container.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of lines) c.addStatus(line);
  c.addStatus("HELP");
  c.addStatus("    Prints this help.");
}
