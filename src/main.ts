/**
 * The `redis-server`-compatible entry point: `main.ts [config-file] [--directive value …] [-]`.
 * Loads the configuration like Redis (file, then stdin, then command-line directives appended to it),
 * prints Redis's fatal config error block and exits 1 on a bad line, then starts the server with
 * Redis's startup log, and shuts down on SIGTERM/SIGINT (exit 0).
 */
import { Config } from "./config/config.ts";
import { parseCommandLine, usageText, versionLine } from "./config/cli.ts";
import { FatalConfigError, loadServerConfig } from "./config/file.ts";
import { Server } from "./server/server.ts";
import { Logger } from "./server/log.ts";
import { startServerProcess } from "./server/startup.ts";
import { installSignalHandlers, setExitHandler } from "./server/shutdown.ts";
import { runRdbWriter, WRITER_SUBCOMMAND } from "./persist/writer_child.ts";

const enc = new TextEncoder();

async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of Deno.stdin.readable) chunks.push(chunk);
  let s = "";
  for (const c of chunks) for (let i = 0; i < c.length; i += 8192) s += String.fromCharCode(...c.subarray(i, i + 8192));
  return s;
}

async function main(args: string[]): Promise<void> {
  const plan = parseCommandLine(args, Deno.cwd());
  if (plan.kind === "version") {
    Deno.stdout.writeSync(enc.encode(versionLine()));
    Deno.exit(0);
  }
  if (plan.kind === "help") {
    Deno.stderr.writeSync(enc.encode(usageText()));
    Deno.exit(1);
  }
  const config = new Config();
  config.processOwner = true;
  const early = new Logger();
  early.role = "C";
  try {
    let stdin: string | null = null;
    if (plan.fromStdin) {
      early.warning("Reading config from stdin");
      stdin = await readStdin();
    }
    if (!plan.noArgs) {
      loadServerConfig(config, { file: plan.configFile, stdin, options: plan.options });
    }
  } catch (e) {
    if (!(e instanceof FatalConfigError)) throw e;
    if (e.logged) early.warning(e.text);
    else Deno.stderr.writeSync(enc.encode(e.text));
    Deno.exit(1);
  }
  config.configFile = plan.configFile ?? "";
  const server = new Server(config);
  server.configFile = config.configFile;
  server.executable = Deno.execPath();
  setExitHandler(server, (code) => Deno.exit(code));
  try {
    await startServerProcess(server, { noConfig: plan.noArgs });
  } catch {
    Deno.exit(1);
  }
  installSignalHandlers(server);
}

// A compiled binary is also the snapshot writer child (DESIGN.md §5): `<binary> __rdb-writer …`.
if (Deno.args[0] === WRITER_SUBCOMMAND) Deno.exit(await runRdbWriter(Deno.args.slice(1)));
else main(Deno.args);
