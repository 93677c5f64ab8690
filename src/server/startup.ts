/**
 * Starting a server the way redis-server does, with Redis 8's startup log lines in order: "Redis is
 * starting", the version line, "Configuration loaded" (or the no-config-file warning), the ASCII logo
 * or the one-line "Running mode=…", the pid file, listeners, "Server initialized", data loading hooks,
 * then "Ready to accept connections tcp/unix".
 */
import { REDIS_VERSION, type Server } from "./server.ts";
import { setPidFile } from "./shutdown.ts";
import { startListeners } from "../net/listener.ts";
import { installResume } from "../net/connection.ts";
import { lookupCommand } from "../commands/table.ts";
import { preloadLuaForData } from "../script/preload.ts";
import { warmUpSnapshots } from "../persist/snapshot.ts";

/** Work to do after "Server initialized" and before accepting clients (loading RDB/AOF…). */
export type StartupLoader = (server: Server) => void | Promise<void>;

const loaders: StartupLoader[] = [];

/** Registers a startup step run between "Server initialized" and "Ready to accept connections". */
export function registerStartupLoader(fn: StartupLoader): void {
  loaders.push(fn);
}

/**
 * Runs every registered startup loader in order (also used by the embedding API). The Lua engine,
 * loaded lazily otherwise, is loaded first when the data to load may hold functions or scripts.
 */
export async function runStartupLoaders(server: Server): Promise<void> {
  await preloadLuaForData(server);
  for (const load of loaders) await load(server);
}

const LOGO = [
  "                _._                                                  ",
  "           _.-``__ ''-._                                             ",
  "      _.-``    `.  `_.  ''-._           Redis Open Source            ",
  "  .-`` .-```.  ```\\/    _.,_ ''-._      %VERSION% (00000000/0) 64 bit",
  " (    '      ,       .-`  | `,    )     Running in %MODE% mode",
  " |`-._`-...-` __...-.``-._|'` _.-'|     Port: %PORT%",
  " |    `-._   `._    /     _.-'    |     PID: %PID%",
  "  `-._    `-._  `-./  _.-'    _.-'                                   ",
  " |`-._`-._    `-.__.-'    _.-'_.-'|                                  ",
  " |    `-._`-._        _.-'_.-'    |           https://redis.io       ",
  "  `-._    `-._`-.__.-'_.-'    _.-'                                   ",
  " |`-._`-._    `-.__.-'    _.-'_.-'|                                  ",
  " |    `-._`-._        _.-'_.-'    |                                  ",
  "  `-._    `-._`-.__.-'_.-'    _.-'                                   ",
  "      `-._    `-.__.-'    _.-'                                       ",
  "          `-._        _.-'                                           ",
  "              `-.__.-'                                               ",
  "",
  "",
].join("\n");

/** The ASCII logo block as Redis prints it (raw, no log prefix). */
export function asciiLogo(port: number, mode = "standalone"): string {
  return LOGO.replace("%VERSION%", REDIS_VERSION).replace("%MODE%", mode).replace("%PORT%", String(port))
    .replace("%PID%", String(Deno.pid));
}

function stdoutIsTerminal(): boolean {
  try {
    return Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

/** Applies the config file's `rename-command` lines to the command table ("" removes a command). */
export function applyCommandRenames(server: Server): void {
  for (const [from, to] of server.config.renames) {
    const cmd = lookupCommand(server.commands, from);
    if (!cmd) continue;
    for (const [k, v] of [...server.commands]) if (v === cmd) server.commands.delete(k);
    if (to !== "") {
      server.commands.set(to.toLowerCase(), cmd);
      server.commands.set(to.toUpperCase(), cmd);
    }
  }
}

/** Writes the pid file when `pidfile` is set (or `daemonize yes`, which defaults it). */
function createPidFile(server: Server): void {
  let path = server.config.str("pidfile");
  if (path === "" && !server.config.bool("daemonize")) return;
  if (path === "") path = "/var/run/redis.pid";
  try {
    Deno.writeTextFileSync(path, `${Deno.pid}\n`);
    setPidFile(server, path);
  } catch (e) {
    server.log.warning(
      `Failed to write PID file: ${e instanceof Error ? e.message.replace(/ \(os error \d+\).*$/, "") : e}`,
    );
  }
}

export interface StartupOptions {
  /** True when redis-server got no argument at all (it then warns that no config file is used). */
  noConfig: boolean;
  /** argv[0] for the warning text. */
  program?: string;
}

/**
 * Initializes and starts `server` (listeners, cron) with Redis's startup log. Throws an Error with
 * the log text already written when listening fails (the caller exits with status 1).
 */
export async function startServerProcess(server: Server, opts: StartupOptions): Promise<void> {
  const log = server.log;
  const config = server.config;
  log.role = "C";
  log.notice("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  log.notice(`Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${Deno.pid}, just started`);
  if (opts.noConfig) {
    log.warning(
      `Warning: no config file specified, using the default config. In order to specify a config file use ${
        opts.program ?? "redis-server"
      } /path/to/redis.conf`,
    );
  } else {
    log.notice("Configuration loaded");
  }
  if (config.bool("daemonize")) {
    log.warning("daemonize yes is not supported: the server keeps running in the foreground.");
  }
  log.role = "M";
  log.notice("monotonic clock: POSIX clock_gettime");
  createPidFile(server);
  const port = config.num("port") || config.num("tls-port");
  const showLogo = config.bool("always-show-logo") ||
    (!config.bool("syslog-enabled") && config.str("logfile") === "" && stdoutIsTerminal());
  if (showLogo) {
    if (log.on("notice")) log.raw(asciiLogo(port));
  } else {
    log.notice(`Running mode=standalone, port=${port}.`);
  }
  for (const m of config.modules) {
    log.warning(`Module ${m[0]} not loaded: modules are not supported by this server.`);
  }
  applyCommandRenames(server);
  installResume(server);
  if (config.num("port") === 0 && config.num("tls-port") === 0 && config.str("unixsocket") === "") {
    log.warning("Configured to not listen anywhere, exiting.");
    throw new Error("Configured to not listen anywhere, exiting.");
  }
  try {
    startListeners(server);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log.warning(msg);
    if (!msg.startsWith("Failed listening")) {
      log.warning(`Failed listening on port ${config.num("port")} (tcp), aborting.`);
    }
    throw e;
  }
  log.notice("Server initialized");
  await runStartupLoaders(server);
  warmUpSnapshots();
  server.startCron();
  if (server.boundTcp.length > 0) log.notice("Ready to accept connections tcp");
  if (config.str("unixsocket") !== "") log.notice("Ready to accept connections unix");
}
