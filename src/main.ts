/**
 * The `redis-server`-compatible entry point: `main.ts [config-file] [--directive value …]`.
 */
import { Config } from "./config/config.ts";
import { Server } from "./server/server.ts";
import { startListeners } from "./net/listener.ts";
import { installResume } from "./net/connection.ts";

function main(args: string[]): void {
  const config = new Config();
  let i = 0;
  while (i < args.length) {
    const a = args[i];
    if (a.startsWith("--")) {
      const name = a.slice(2);
      const vals: string[] = [];
      i++;
      while (i < args.length && !args[i].startsWith("--")) vals.push(args[i++]);
      const err = config.setRaw(name, vals);
      if (err) {
        console.error(`Bad directive ${name}: ${err}`);
        Deno.exit(1);
      }
    } else i++;
  }
  const server = new Server(config);
  installResume(server);
  startListeners(server);
  server.startCron();
  server.log.notice("Ready to accept connections tcp");
  const stop = async () => {
    await server.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}

main(Deno.args);
