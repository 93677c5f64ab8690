/**
 * redis-server's command line: `[config-file] [--directive value …] [-]`, turned into the option text
 * Redis appends to the config file (values quoted with sdscatrepr), plus the --version line and the
 * usage text.
 */
import { repr } from "./format.ts";
import { splitArgs } from "../util/splitargs.ts";
import { absolutePath } from "./special.ts";
import { REDIS_VERSION, SERVER_VERSION } from "../server/server.ts";

/** What to do for a command line. */
export type CliPlan =
  | { kind: "version" }
  | { kind: "help" }
  | {
    kind: "run";
    /** Absolute path of the config file, or null. */
    configFile: string | null;
    /** `-` given: read the config from stdin (after the file). */
    fromStdin: boolean;
    /** The command-line directives, one per line, values quoted. */
    options: string;
    /** True when no argument at all was given (Redis then warns that no config file is used). */
    noArgs: boolean;
  };

/**
 * Parses argv like redis-server's main(): the first argument is the config file unless it starts with
 * '-'; `--name` starts a directive whose following arguments (even ones starting with '-') are its
 * values until the next `--name` that follows at least one value; a lone `-` first or last reads stdin.
 */
export function parseCommandLine(args: readonly string[], cwd: string): CliPlan {
  if (args.length >= 1) {
    if (args[0] === "-v" || args[0] === "--version") return { kind: "version" };
    if (args[0] === "--help" || args[0] === "-h") return { kind: "help" };
  }
  let configFile: string | null = null;
  let j = 0;
  if (args.length >= 1 && args[0][0] !== "-") {
    configFile = absolutePath(args[0], cwd);
    j = 1;
  }
  let options = "";
  let fromStdin = false;
  let handledLastArg = true;
  const argc = args.length + 1; // as C's argc, counting the program name
  for (; j < args.length; j++) {
    const a = args[j];
    const cIndex = j + 1;
    if (a === "-" && (cIndex === 1 || cIndex === argc - 1)) {
      fromStdin = true;
    } else if (handledLastArg && a.startsWith("--")) {
      if (options.length > 0) options += "\n";
      options += a.slice(2) + " ";
      const next = args[j + 1];
      if (splitArgs(a)?.length === 1) {
        // Only a name ("--port"): its value comes next.
        handledLastArg = false;
        const isSave = a.toLowerCase() === "--save";
        if (isSave && next !== undefined && next.startsWith("--")) {
          options += '""'; // `--save --port 1` means `save ""`
          handledLastArg = true;
        } else if (isSave && next === undefined) {
          options += '""';
        } else if (a.toLowerCase() === "--sentinel" && (next === undefined || next.startsWith("--"))) {
          handledLastArg = true;
        }
      } else {
        handledLastArg = true; // "--port 6380" in one argument
      }
    } else {
      options += repr(a) + " ";
      handledLastArg = true;
    }
  }
  return { kind: "run", configFile, fromStdin, options, noArgs: args.length === 0 };
}

/** A stable 16-hex-digit build id derived from our version (what Redis derives from its build). */
export function buildId(): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of "redeno-" + SERVER_VERSION) {
    h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

/** `redis-server --version`: "Redis server v=8.2.4 sha=00000000:0 malloc=libc bits=64 build=…". */
export function versionLine(): string {
  return `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=${buildId()}\n`;
}

/** `redis-server --help` (printed on stderr; the process then exits with status 1, as Redis does). */
export function usageText(): string {
  return [
    "Usage: ./redis-server [/path/to/redis.conf] [options] [-]",
    "       ./redis-server - (read config from stdin)",
    "       ./redis-server -v or --version",
    "       ./redis-server -h or --help",
    "",
    "Examples:",
    "       ./redis-server (run the server with default conf)",
    "       echo 'maxmemory 128mb' | ./redis-server -",
    "       ./redis-server /etc/redis/6379.conf",
    "       ./redis-server --port 7777",
    "       ./redis-server --port 7777 --replicaof 127.0.0.1 8888",
    "       ./redis-server /etc/myredis.conf --loglevel verbose -",
    "       ./redis-server /etc/myredis.conf --loglevel verbose",
    "",
  ].join("\n");
}
