/**
 * Listeners: TCP on every `bind` address (a leading `-` makes an address optional, `*` is every IPv4
 * address, `::*` every IPv6 one) and the Unix socket (`unixsocket`, `unixsocketperm`).
 */
import type { Server } from "../server/server.ts";
import { serveConnection } from "./connection.ts";

/** Maps a Redis bind address to a hostname Deno understands. */
function hostFor(addr: string): string {
  if (addr === "*") return "0.0.0.0";
  if (addr === "::*") return "::";
  return addr;
}

async function acceptLoop(server: Server, listener: Deno.Listener, kind: "tcp" | "unix"): Promise<void> {
  while (true) {
    let conn: Deno.Conn;
    try {
      conn = await listener.accept();
    } catch {
      return; // listener closed
    }
    serveConnection(server, conn, kind);
  }
}

/**
 * Binds the configured listeners. `ephemeral` binds TCP on a free port even when the configured port
 * is 0 (the embedding API). Throws an Error with Redis's message when a mandatory bind fails.
 */
export function startListeners(server: Server, ephemeral = false): void {
  const port = server.config.num("port");
  if (port !== 0 || ephemeral) {
    let bindPort = port;
    for (const raw of server.config.get("bind") as string[]) {
      const optional = raw.startsWith("-");
      const addr = optional ? raw.slice(1) : raw;
      let l: Deno.TcpListener;
      try {
        l = Deno.listen({ hostname: hostFor(addr), port: bindPort, transport: "tcp" });
      } catch (e) {
        if (optional) continue;
        throw new Error(
          `Warning: Could not create server TCP listening socket ${addr}:${bindPort}: ${
            e instanceof Deno.errors.AddrInUse ? "bind: Address already in use" : (e as Error).message
          }`,
        );
      }
      const a = l.addr as Deno.NetAddr;
      bindPort = a.port; // every address shares the first one's (possibly ephemeral) port
      server.boundTcp.push({ hostname: a.hostname, port: a.port });
      server.onClose(() => l.close());
      acceptLoop(server, l, "tcp");
    }
    if (server.boundTcp.length === 0) throw new Error("Failed listening on port " + port + " (tcp), aborting.");
  }
  const path = server.config.str("unixsocket");
  if (path !== "") {
    try {
      Deno.removeSync(path);
    } catch {
      // not there
    }
    const l = Deno.listen({ transport: "unix", path });
    const perm = server.config.num("unixsocketperm");
    if (perm) Deno.chmodSync(path, perm);
    server.onClose(() => {
      l.close();
      try {
        Deno.removeSync(path);
      } catch {
        // gone
      }
    });
    acceptLoop(server, l, "unix");
  }
}
