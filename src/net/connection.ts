/**
 * The per-connection reactor: read into the client's query buffer, execute every complete request in
 * order, then write all replies in one go (waiting for the write before reading more gives natural
 * backpressure). Also the admission checks Redis makes on accept (maxclients, protected mode).
 */
import { Client, type Transport } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { isLoopback, processCommand } from "../server/dispatch.ts";
import { MAX_CLIENTS, PROTECTED_MODE } from "../server/errors.ts";

const enc = new TextEncoder();

/** Formats a Deno address as Redis prints it ("127.0.0.1:6379", "[::1]:6379", "/tmp/r.sock:0"). */
export function formatAddr(a: Deno.Addr): string {
  if (a.transport === "tcp" || a.transport === "udp") {
    return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
  }
  return `${(a as Deno.UnixAddr).path}:0`;
}

/**
 * Executes the requests buffered in the client's parser until it runs out of complete frames, hits a
 * protocol error, must wait (pause/blocked), or is closing.
 */
export function processInput(c: Client): void {
  const s = c.server;
  const p = c.parser;
  c.inBatch = true;
  if (s.untimedCount === 0) s.timingStart = performance.now(); // the batch's commands are timed together
  try {
    if (c.deferred) {
      const argv = c.deferred;
      c.deferred = null;
      if (!processCommand(c, argv)) {
        c.deferred = argv;
        s.pausedClients.add(c);
        return;
      }
    }
    p.maxBulk = s.protoMaxBulkLen;
    while (!c.closed && !c.closeAfterReply && (c.flags.size === 0 || !c.flags.has("b"))) {
      p.strict = !c.authenticated;
      const argv = p.next();
      if (argv === null) {
        if (p.error !== null) {
          s.log.verbose(`Protocol error (${p.error}) from client: id=${c.id} addr=${c.addr}`);
          c.addError("ERR " + p.error);
          p.error = null;
          p.reset();
          c.closeAfterReply = true;
        }
        break;
      }
      if (argv.length === 0) continue;
      if (!processCommand(c, argv)) {
        c.deferred = argv;
        s.pausedClients.add(c);
        break;
      }
    }
  } finally {
    c.inBatch = false;
    if (s.untimedCount !== 0) s.settleCommandTime();
  }
}

/**
 * Protected mode (Redis's default): with no password for the default user, only loopback and Unix
 * socket clients are accepted; others get the DENIED message.
 */
export function protectedModeDenies(server: Server, addr: string, kind: "tcp" | "unix"): boolean {
  return kind === "tcp" && server.config.bool("protected-mode") && !server.requiresAuth() && !isLoopback(addr);
}

/** Serves one accepted connection until it closes. */
export async function serveConnection(server: Server, conn: Deno.Conn, kind: "tcp" | "unix"): Promise<void> {
  const transport: Transport = {
    write: (b) => conn.write(b),
    close: () => conn.close(),
  };
  const addr = kind === "tcp" ? formatAddr(conn.remoteAddr) : `${(conn.localAddr as Deno.UnixAddr).path}:0`;
  const laddr = formatAddr(conn.localAddr);
  if (kind === "tcp") {
    try {
      (conn as Deno.TcpConn).setNoDelay(true);
      if (server.config.num("tcp-keepalive") > 0) (conn as Deno.TcpConn).setKeepAlive(true);
    } catch {
      // not fatal
    }
  }
  const c = new Client(server, transport, addr, laddr, kind);
  if (!server.addClient(c)) {
    await writeAndClose(conn, "-" + MAX_CLIENTS + "\r\n");
    return;
  }
  if (protectedModeDenies(server, addr, kind)) {
    server.stats.rejectedConnections++;
    server.closeClient(c);
    await writeAndClose(conn, PROTECTED_MODE);
    return;
  }
  try {
    while (!c.closed) {
      const target = c.parser.readTarget();
      const n = await conn.read(target);
      if (n === null || c.closed) break;
      c.parser.len += n;
      c.totNetIn += n;
      server.stats.netInput += n;
      c.lastInteraction = server.clock.now();
      processInput(c);
      if (c.parser.pending() > server.queryBufferLimit) {
        server.log.warning(`Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`);
        server.stats.clientQueryBufferLimitDisconnections++;
        break;
      }
      if (c.outLen > 0) await c.flush();
      if (c.closeAfterReply) break;
    }
  } catch {
    // connection reset: just close
  } finally {
    server.closeClient(c);
  }
}

async function writeAndClose(conn: Deno.Conn, text: string): Promise<void> {
  try {
    await conn.write(enc.encode(text));
  } catch {
    // ignore
  }
  try {
    conn.close();
  } catch {
    // ignore
  }
}

/** Installs the resume hook used when a pause ends or a blocked client is served. */
export function installResume(server: Server): void {
  server.resumeClient = (c) => {
    if (c.closed) return;
    processInput(c);
    c.requestFlush();
  };
}
