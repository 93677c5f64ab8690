/**
 * Server commands: INFO, TIME, SHUTDOWN, and DEBUG (implemented in debug.ts). INFO's sections are
 * built by server/info.ts; the shutdown sequence itself is server/shutdown.ts.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { infoText } from "../server/info.ts";
import { shutdownServer } from "../server/shutdown.ts";
import { BUSY_EVAL, BUSY_FUNCTION, NO_SHUTDOWN_IN_PROGRESS, SHUTDOWN_FAILED, SYNTAX } from "../server/errors.ts";
import { commands as debugCommands } from "./debug.ts";

function info(c: Client, argv: string[]): void {
  c.addVerbatim(infoText(c.server, argv.slice(1)));
}

function time(c: Client): void {
  const us = c.server.clock.nowUs();
  c.addArrayLen(2);
  c.addBulk(String(Math.floor(us / 1e6)));
  c.addBulk(String(us % 1e6));
}

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On success nothing is replied: the connection closes
 * with the server. If the shutdown is refused, the client gets Redis's error and continues.
 */
function shutdown(c: Client, argv: string[]): void {
  let nosave = false, save = false, now = false, force = false, abort = false;
  for (let i = 1; i < argv.length; i++) {
    switch (argv[i].toLowerCase()) {
      case "nosave":
        nosave = true;
        break;
      case "save":
        save = true;
        break;
      case "now":
        now = true;
        break;
      case "force":
        force = true;
        break;
      case "abort":
        abort = true;
        break;
      default:
        c.addError(SYNTAX);
        return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    c.addError(SYNTAX);
    return;
  }
  if (abort) {
    // Our shutdown never waits for lagging replicas, so there is never one to abort.
    c.addError(NO_SHUTDOWN_IN_PROGRESS);
    return;
  }
  const s = c.server;
  // A script past busy-reply-threshold: only SHUTDOWN NOSAVE may stop the server (shutdownCommand).
  if (!nosave && s.busyScript !== null) {
    c.addError(s.busyScript.isEval ? BUSY_EVAL : BUSY_FUNCTION);
    return;
  }
  // Hold the client (no more of its pipeline runs) while the shutdown proceeds.
  c.flags.add("b");
  const refused = (why: string) => {
    s.log.warning(`Errors trying to shut down the server: ${why}`);
    c.flags.delete("b");
    c.addError(SHUTDOWN_FAILED);
    if (s.resumeClient) s.resumeClient(c);
    else c.requestFlush();
  };
  shutdownServer(s, { save: nosave ? false : save ? true : undefined, now, force, reason: "user request" })
    .then((err) => {
      if (err !== undefined) refused(err);
    }, (e) => refused(e instanceof Error ? e.message : String(e)));
}

export const commands: CommandDef[] = [
  { name: "info", handler: info },
  { name: "time", handler: time },
  { name: "shutdown", handler: shutdown },
  ...debugCommands,
];
