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
      trackTcp(server, l);
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

// ---- runtime rebinding (CONFIG SET port / bind) --------------------------------------------------

/** TCP listeners currently open per server, so CONFIG SET port/bind can replace them. */
const tcpListeners = new WeakMap<Server, Deno.TcpListener[]>();

function trackTcp(server: Server, l: Deno.TcpListener): void {
  const list = tcpListeners.get(server) ?? [];
  list.push(l);
  tcpListeners.set(server, list);
}

function closeQuietly(l: Deno.Listener): void {
  try {
    l.close();
  } catch {
    // already closed
  }
}

/**
 * Binds `port` on every address of `binds`. Returns the listeners, or null (nothing left open) when
 * a mandatory address fails; `inUse` tells whether that failure was EADDRINUSE.
 */
function bindAll(port: number, binds: readonly string[], failure?: { inUse: boolean }): Deno.TcpListener[] | null {
  const out: Deno.TcpListener[] = [];
  if (port === 0) return out;
  for (const raw of binds) {
    const optional = raw.startsWith("-");
    const addr = optional ? raw.slice(1) : raw;
    try {
      out.push(Deno.listen({ hostname: hostFor(addr), port, transport: "tcp" }));
    } catch (e) {
      if (optional) continue;
      for (const l of out) closeQuietly(l);
      if (failure) failure.inUse = e instanceof Deno.errors.AddrInUse;
      return null;
    }
  }
  return out.length === 0 && binds.length > 0 ? null : out;
}

function install(server: Server, listeners: Deno.TcpListener[]): void {
  for (const l of listeners) {
    const a = l.addr as Deno.NetAddr;
    server.boundTcp.push({ hostname: a.hostname, port: a.port });
    server.onClose(() => closeQuietly(l));
    trackTcp(server, l);
    acceptLoop(server, l, "tcp");
  }
}

function closeAllTcp(server: Server): void {
  for (const l of tcpListeners.get(server) ?? []) closeQuietly(l);
  tcpListeners.set(server, []);
  server.boundTcp.length = 0;
}

/**
 * Replaces the TCP listeners with ones on `port` / `binds` (Redis's changeListenPort and
 * changeBindAddr). The new sockets are bound while the old ones still listen; when that fails and
 * the port is one we hold (a wildcard address overlapping a new specific one), the old sockets are
 * closed and the new ones bound on the next tick (a closed Deno listener frees its address only
 * then), falling back to `oldPort` / `oldBinds` with a warning if that fails. Returns false, leaving
 * everything as it was, when the new addresses cannot be bound.
 */
export function rebindTcp(
  server: Server,
  port: number,
  binds: readonly string[],
  oldPort: number,
  oldBinds: readonly string[],
): boolean {
  const failure = { inUse: false };
  const fresh = bindAll(port, binds, failure);
  if (fresh) {
    closeAllTcp(server);
    install(server, fresh);
    return true;
  }
  if (!failure.inUse || !server.boundTcp.some((b) => b.port === port)) return false;
  closeAllTcp(server);
  setTimeout(() => {
    if (server.shuttingDown) return;
    const retry = bindAll(port, binds);
    if (retry) {
      install(server, retry);
      return;
    }
    server.log.warning(`Failed to bind ${binds.join(" ")} on port ${port}; restoring the previous listeners.`);
    install(server, bindAll(oldPort, oldBinds) ?? []);
  }, 0);
  return true;
}
