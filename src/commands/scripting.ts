/**
 * Lua scripting commands (eval.c): EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD | EXISTS |
 * FLUSH | KILL. The engine, sandbox and `redis` API live in src/script/.
 *
 * The engine is loaded lazily (src/script/loader.ts): commands that compile scripts (EVAL, EVAL_RO,
 * SCRIPT LOAD) are flagged needsLua, so dispatch loads it before calling them. The others answer
 * from the script cache, which is empty until the engine is loaded.
 *
 * Busy scripts: past busy-reply-threshold a script lets the event loop serve other clients (-BUSY,
 * SCRIPT KILL; see src/script/engine.ts).
 */
import { replyHelp } from "./help.ts";
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { SF } from "../script/flags.ts";
import { scriptCache } from "../script/state.ts";
import { scriptRuntime } from "../script/loader.ts";
import {
  NOSCRIPT,
  NOT_INTEGER,
  NOTBUSY,
  NUMKEYS_NEGATIVE,
  NUMKEYS_TOO_BIG,
  SCRIPT_FLUSH_OPTION,
  SCRIPT_RO_WRITE_FLAG,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";

/**
 * Parses numkeys at argv[2]; replies the error (`notInteger` when it is not a number) and returns
 * -1 when invalid.
 */
export function parseNumKeys(c: Client, argv: string[], notInteger = NOT_INTEGER): number {
  const a = argv[2];
  // Fast path: one digit.
  if (a.length === 1 && a >= "0" && a <= "9" && +a <= argv.length - 3) return +a;
  const n = parseInt64(a);
  if (n === null) {
    c.addError(notInteger);
    return -1;
  }
  if (n > argv.length - 3) {
    c.addError(NUMKEYS_TOO_BIG);
    return -1;
  }
  if (n < 0) {
    c.addError(NUMKEYS_NEGATIVE);
    return -1;
  }
  return Number(n);
}

/** evalGenericCommand. */
function evalGeneric(c: Client, argv: string[], bySha: boolean, ro: boolean): void {
  c.preventPropagation = true; // the script's writes propagate themselves (effects replication)
  const numkeys = parseNumKeys(c, argv);
  if (numkeys < 0) return;
  const server = c.server;
  let script;
  if (bySha) {
    const cache = scriptCache(server);
    script = argv[1].length === 40 ? cache.get(argv[1]) ?? cache.get(argv[1].toLowerCase()) : undefined;
    if (!script) {
      c.addError(NOSCRIPT);
      return;
    }
  } else {
    const s = scriptRuntime().loadScript(server, argv[1]);
    if (typeof s === "string") {
      c.addError(s);
      return;
    }
    script = s;
  }
  const flags = script.flags;
  if (!(flags & SF.EVAL_COMPAT) && !(flags & SF.NO_WRITES) && ro) {
    c.addError(SCRIPT_RO_WRITE_FLAG);
    return;
  }
  // A cached script means the engine is loaded.
  scriptRuntime().engineOf(server).runFunction(
    script.ref,
    {
      caller: c,
      funcname: script.sha,
      flags,
      readOnly: ro || (flags & SF.NO_WRITES) !== 0,
      start: performance.now(),
    },
    argv,
    3,
    3 + numkeys,
  );
}

function scriptLoad(c: Client, argv: string[]): void {
  const s = scriptRuntime().loadScript(c.server, argv[2]);
  if (typeof s === "string") c.addError(s);
  else c.addBulk(s.sha);
}

function scriptExists(c: Client, argv: string[]): void {
  const cache = scriptCache(c.server);
  c.addArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.addInt(cache.has(argv[i].toLowerCase()) ? 1 : 0);
}

function scriptFlush(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.addError(SCRIPT_FLUSH_OPTION);
    return;
  }
  if (argv.length === 3) {
    const mode = argv[2].toLowerCase();
    if (mode !== "sync" && mode !== "async") {
      c.addError(SCRIPT_FLUSH_OPTION);
      return;
    }
  }
  if (scriptCache(c.server).size !== 0) scriptRuntime().flushScripts(c.server);
  c.addOk();
}

function scriptKill(c: Client): void {
  if (c.server.busyScript === null) c.addError(NOTBUSY);
  else scriptRuntime().engineOf(c.server).kill(c, true); // a busy script means the engine is loaded
}

/** SCRIPT HELP: Redis's text. */
function scriptHelp(c: Client): void {
  replyHelp(c, "SCRIPT", [
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
  ]);
}

export const commands: CommandDef[] = [
  { name: "script|help", handler: scriptHelp },
  { name: "eval", handler: (c, argv) => evalGeneric(c, argv, false, false), needsLua: true },
  { name: "evalsha", handler: (c, argv) => evalGeneric(c, argv, true, false) },
  { name: "eval_ro", handler: (c, argv) => evalGeneric(c, argv, false, true), needsLua: true },
  { name: "evalsha_ro", handler: (c, argv) => evalGeneric(c, argv, true, true) },
  { name: "script|load", handler: scriptLoad, needsLua: true },
  { name: "script|exists", handler: scriptExists },
  { name: "script|flush", handler: scriptFlush },
  { name: "script|kill", handler: scriptKill },
];
