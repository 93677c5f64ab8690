/**
 * Redis Functions commands (functions.c): FCALL, FCALL_RO and FUNCTION LOAD | DELETE | LIST | DUMP |
 * RESTORE | FLUSH | KILL | STATS. Libraries are loaded by src/script/functions.ts.
 *
 * The engine is loaded lazily (src/script/loader.ts): FUNCTION LOAD and FUNCTION RESTORE are flagged
 * needsLua, so dispatch loads it before calling them. The others answer from the library registry
 * (src/script/state.ts), which is empty until the engine is loaded.
 */
import { replyHelp } from "./help.ts";
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { FUNCTION_FLAGS, SF } from "../script/flags.ts";
import { functionsOf } from "../script/state.ts";
import { dumpFunctions, parseFunctionPayload } from "../script/functions_payload.ts";
import { scriptRuntime } from "../script/loader.ts";
import { parseNumKeys } from "./scripting.ts";
import {
  BUSY_EVAL,
  FCALL_BAD_NUMKEYS,
  FUNCTION_NOT_FOUND,
  LIBRARY_NOT_FOUND,
  NOTBUSY,
  SCRIPT_RO_WRITE_FLAG,
} from "../server/errors.ts";
import { stringMatch } from "../util/glob.ts";

function fcall(c: Client, argv: string[], ro: boolean): void {
  c.preventPropagation = true; // the script's writes propagate themselves (effects replication)
  const fn = functionsOf(c.server).functions.get(argv[1]);
  if (!fn) {
    c.addError(FUNCTION_NOT_FOUND);
    return;
  }
  const numkeys = parseNumKeys(c, argv, FCALL_BAD_NUMKEYS);
  if (numkeys < 0) return;
  if (ro && !(fn.flags & SF.NO_WRITES)) {
    c.addError(SCRIPT_RO_WRITE_FLAG);
    return;
  }
  // A registered function means the engine is loaded.
  scriptRuntime().engineOf(c.server).runFunction(
    fn.ref,
    {
      caller: c,
      funcname: fn.name,
      flags: fn.flags,
      readOnly: ro || (fn.flags & SF.NO_WRITES) !== 0,
      start: performance.now(),
    },
    argv,
    3,
    3 + numkeys,
    true,
  );
}

/** LOAD_TIMEOUT_MS: how long a library's code may run at FUNCTION LOAD. */
const FUNCTION_LOAD_TIMEOUT_MS = 500;

function functionLoad(c: Client, argv: string[]): void {
  let replace = false;
  let i = 2;
  if (argv.length > 3) {
    if (argv[2].toLowerCase() !== "replace") {
      c.addError(`ERR Unknown option given: ${argv[2]}`);
      return;
    }
    replace = true;
    i = 3;
  }
  if (argv.length > i + 1) {
    c.addError("ERR Function LOAD got too many arguments");
    return;
  }
  const r = scriptRuntime().loadLibrary(c.server, argv[i], replace, FUNCTION_LOAD_TIMEOUT_MS);
  if (typeof r === "string") {
    c.server.dirty++; // a data change: replicated and counted for save points
    c.addBulk(r);
  } else c.addError(r.error);
}

function functionDelete(c: Client, argv: string[]): void {
  // An existing library means the engine is loaded.
  if (functionsOf(c.server).libraries.has(argv[2]) && scriptRuntime().deleteLibrary(c.server, argv[2])) {
    c.server.dirty++;
    c.addOk();
  } else c.addError(LIBRARY_NOT_FOUND);
}

function functionList(c: Client, argv: string[]): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (!withCode && a === "withcode") {
      withCode = true;
      continue;
    }
    if (pattern === null && a === "libraryname") {
      if (i >= argv.length - 1) {
        c.addError("ERR library name argument was not given");
        return;
      }
      pattern = argv[++i];
      continue;
    }
    c.addError(`ERR Unknown argument ${argv[i]}`);
    return;
  }
  const libs = [...functionsOf(c.server).libraries.values()].filter((l) =>
    pattern === null || stringMatch(pattern, l.name)
  );
  c.addArrayLen(libs.length);
  for (const lib of libs) {
    c.addMapLen(withCode ? 4 : 3);
    c.addBulk("library_name");
    c.addBulk(lib.name);
    c.addBulk("engine");
    c.addBulk("LUA");
    c.addBulk("functions");
    c.addArrayLen(lib.functions.size);
    for (const f of lib.functions.values()) {
      c.addMapLen(3);
      c.addBulk("name");
      c.addBulk(f.name);
      c.addBulk("description");
      c.addBulkOrNull(f.description);
      c.addBulk("flags");
      const names = FUNCTION_FLAGS.filter(([, bit]) => f.flags & bit).map(([n]) => n);
      c.addSetLen(names.length);
      for (const n of names) c.addStatus(n);
    }
    if (withCode) {
      c.addBulk("library_code");
      c.addBulk(lib.code);
    }
  }
}

function functionDump(c: Client): void {
  const p = dumpFunctions(c.server);
  let s = "";
  for (let i = 0; i < p.length; i++) s += String.fromCharCode(p[i]);
  c.addBulk(s);
}

function functionRestore(c: Client, argv: string[]): void {
  let policy = "append";
  if (argv.length > 4) {
    c.addError("ERR syntax error");
    return;
  }
  if (argv.length === 4) {
    policy = argv[3].toLowerCase();
    if (policy !== "flush" && policy !== "append" && policy !== "replace") {
      c.addError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
      return;
    }
  }
  const bytes = new Uint8Array(argv[2].length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = argv[2].charCodeAt(i);
  const codes = parseFunctionPayload(bytes);
  if (typeof codes === "string") {
    c.addError(codes);
    return;
  }
  const server = c.server;
  const { flushFunctions, loadLibrary } = scriptRuntime();
  // Loaded atomically: on any error the previous libraries come back.
  const saved = [...functionsOf(server).libraries.values()].map((l) => l.code);
  const restorePrevious = () => {
    flushFunctions(server);
    for (const code of saved) loadLibrary(server, code, true);
  };
  if (policy === "flush") flushFunctions(server);
  for (const code of codes) {
    const r = loadLibrary(server, code, policy === "replace");
    if (typeof r !== "string") {
      restorePrevious();
      c.addError(r.error);
      return;
    }
  }
  server.dirty++;
  c.addOk();
}

function functionFlush(c: Client, argv: string[]): void {
  if (argv.length > 3 || (argv.length === 3 && !["sync", "async"].includes(argv[2].toLowerCase()))) {
    c.addError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  if (functionsOf(c.server).libraries.size !== 0) scriptRuntime().flushFunctions(c.server);
  c.server.dirty++;
  c.addOk();
}

function functionKill(c: Client): void {
  if (c.server.busyScript === null) c.addError(NOTBUSY);
  else scriptRuntime().engineOf(c.server).kill(c, false); // a busy script means the engine is loaded
}

function functionStats(c: Client): void {
  const busy = c.server.busyScript;
  if (busy !== null && busy.isEval) {
    c.addError(BUSY_EVAL);
    return;
  }
  const st = functionsOf(c.server);
  c.addMapLen(2);
  c.addBulk("running_script");
  const running = busy === null ? null : scriptRuntime().engineOf(c.server).runningScript();
  if (running === null) c.addNull();
  else {
    c.addMapLen(3);
    c.addBulk("name");
    c.addBulk(running.name);
    c.addBulk("command");
    c.addArrayLen(running.command.length);
    for (const a of running.command) c.addBulk(a);
    c.addBulk("duration_ms");
    c.addInt(running.durationMs);
  }
  c.addBulk("engines");
  c.addMapLen(1);
  c.addBulk("LUA");
  c.addMapLen(2);
  c.addBulk("libraries_count");
  c.addInt(st.libraries.size);
  c.addBulk("functions_count");
  c.addInt(st.functions.size);
}

/** FUNCTION HELP: Redis's text. */
function functionHelp(c: Client): void {
  replyHelp(c, "FUNCTION", [
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
    "      in case of functions name collision with another library).",
  ]);
}

export const commands: CommandDef[] = [
  { name: "function|help", handler: functionHelp },
  { name: "fcall", handler: (c, argv) => fcall(c, argv, false) },
  { name: "fcall_ro", handler: (c, argv) => fcall(c, argv, true) },
  { name: "function|load", handler: functionLoad, needsLua: true },
  { name: "function|delete", handler: functionDelete },
  { name: "function|list", handler: functionList },
  { name: "function|dump", handler: (c) => functionDump(c) },
  { name: "function|restore", handler: functionRestore, needsLua: true },
  { name: "function|flush", handler: functionFlush },
  { name: "function|kill", handler: functionKill },
  { name: "function|stats", handler: (c) => functionStats(c) },
];
