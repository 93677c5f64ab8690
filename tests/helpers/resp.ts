/**
 * Test helper: a raw RESP client over TCP. Sends exact bytes, reads exact replies (raw text of one
 * complete reply, or a decoded value), so protocol edges can be asserted byte for byte.
 */
import { Buffer } from "node:buffer";

export type RespValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | RespValue[]
  | { error: string }
  | { map: [RespValue, RespValue][] }
  | { set: RespValue[] }
  | { push: RespValue[] }
  | { double: string }
  | { verbatim: string };

/** Encodes argv as a RESP multibulk request (binary strings). */
export function encodeCommand(argv: (string | number)[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) {
    const v = String(a);
    s += `$${v.length}\r\n${v}\r\n`;
  }
  return s;
}

function toBytes(s: string | Uint8Array): Uint8Array {
  return typeof s === "string" ? new Uint8Array(Buffer.from(s, "latin1")) : s;
}

/** Length of the complete reply at `pos` in `buf` (binary string), or -1 if incomplete. */
export function replyLength(buf: string, pos = 0): number {
  const nl = buf.indexOf("\r\n", pos);
  if (nl < 0) return -1;
  const t = buf[pos];
  const line = buf.slice(pos + 1, nl);
  const after = nl + 2;
  switch (t) {
    case "+":
    case "-":
    case ":":
    case "_":
    case ",":
    case "#":
    case "(":
      return after - pos;
    case "$":
    case "=":
    case "!": {
      const n = Number(line);
      if (n < 0) return after - pos;
      if (buf.length < after + n + 2) return -1;
      return after + n + 2 - pos;
    }
    case "*":
    case "~":
    case ">":
    case "%":
    case "|": {
      let n = Number(line);
      if (n < 0) return after - pos;
      if (t === "%" || t === "|") n *= 2;
      let p = after;
      for (let i = 0; i < n; i++) {
        const l = replyLength(buf, p);
        if (l < 0) return -1;
        p += l;
      }
      if (t === "|") {
        const l = replyLength(buf, p);
        if (l < 0) return -1;
        p += l;
      }
      return p - pos;
    }
    default:
      throw new Error(`bad reply type byte ${JSON.stringify(t)} in ${JSON.stringify(buf.slice(pos, pos + 40))}`);
  }
}

/** Decodes one complete reply (binary string) into a value. */
export function decodeReply(buf: string): RespValue {
  let pos = 0;
  function one(): RespValue {
    const nl = buf.indexOf("\r\n", pos);
    const t = buf[pos];
    const line = buf.slice(pos + 1, nl);
    pos = nl + 2;
    switch (t) {
      case "+":
        return line;
      case "-":
        return { error: line };
      case ":":
        return Number.isSafeInteger(Number(line)) ? Number(line) : BigInt(line);
      case "_":
        return null;
      case ",":
        return { double: line };
      case "#":
        return line === "t";
      case "(":
        return BigInt(line);
      case "$":
      case "=":
      case "!": {
        const n = Number(line);
        if (n < 0) return null;
        const s = buf.slice(pos, pos + n);
        pos += n + 2;
        if (t === "=") return { verbatim: s };
        if (t === "!") return { error: s };
        return s;
      }
      case "*":
      case "~":
      case ">": {
        const n = Number(line);
        if (n < 0) return null;
        const items: RespValue[] = [];
        for (let i = 0; i < n; i++) items.push(one());
        return t === "*" ? items : t === "~" ? { set: items } : { push: items };
      }
      case "%": {
        const n = Number(line);
        const m: [RespValue, RespValue][] = [];
        for (let i = 0; i < n; i++) m.push([one(), one()]);
        return { map: m };
      }
      case "|": {
        const n = Number(line);
        for (let i = 0; i < 2 * n; i++) one();
        return one();
      }
    }
    throw new Error("bad reply");
  }
  return one();
}

/** A raw RESP connection. */
export class RawClient {
  private buf = "";
  private closed = false;
  private readonly scratch = new Uint8Array(64 * 1024);

  private constructor(readonly conn: Deno.Conn) {}

  static async connect(port: number, hostname = "127.0.0.1"): Promise<RawClient> {
    const conn = await Deno.connect({ port, hostname });
    return new RawClient(conn);
  }

  /** Writes exact bytes (binary string or bytes). */
  async write(data: string | Uint8Array): Promise<void> {
    const b = toBytes(data);
    let off = 0;
    while (off < b.length) off += await this.conn.write(b.subarray(off));
  }

  /** Sends one command as multibulk. */
  send(...argv: (string | number)[]): Promise<void> {
    return this.write(encodeCommand(argv));
  }

  private async fill(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), timeoutMs));
    try {
      const n = await Promise.race([this.conn.read(this.scratch), timeout]);
      if (n === "timeout") {
        throw new Error(`timed out waiting for a reply; buffered: ${JSON.stringify(this.buf.slice(0, 200))}`);
      }
      if (n === null) {
        this.closed = true;
        return false;
      }
      this.buf += Buffer.from(this.scratch.subarray(0, n)).toString("latin1");
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads the raw text of exactly one reply. */
  async readRaw(timeoutMs = 5000): Promise<string> {
    while (true) {
      if (this.buf.length > 0) {
        const len = replyLength(this.buf);
        if (len >= 0) {
          const r = this.buf.slice(0, len);
          this.buf = this.buf.slice(len);
          return r;
        }
      }
      if (!(await this.fill(timeoutMs))) throw new Error("connection closed");
    }
  }

  /** Reads one reply decoded. */
  async read(timeoutMs = 5000): Promise<RespValue> {
    return decodeReply(await this.readRaw(timeoutMs));
  }

  /** Sends a command and returns its decoded reply. */
  async call(...argv: (string | number)[]): Promise<RespValue> {
    await this.send(...argv);
    return this.read();
  }

  /** Sends a command and returns its raw reply text. */
  async callRaw(...argv: (string | number)[]): Promise<string> {
    await this.send(...argv);
    return this.readRaw();
  }

  /** Resolves true when the server closed the connection (after draining pending bytes). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      try {
        if (!(await this.fill(deadline - Date.now()))) return true;
      } catch {
        return this.closed;
      }
    }
    return this.closed;
  }

  /** Everything buffered and not yet consumed as replies. */
  pending(): string {
    return this.buf;
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/** Sends every command in one write and reads all replies (raw texts, in order). */
export async function pipeline(c: RawClient, cmds: (string | number)[][], timeoutMs = 20000): Promise<string[]> {
  await c.write(cmds.map((a) => encodeCommand(a)).join(""));
  const out: string[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.readRaw(timeoutMs));
  return out;
}

const latin1 = new TextDecoder("latin1");

/**
 * Sends `data` on a fresh connection and returns everything the server sends back (latin1) until it
 * closes the connection (then "<closed>" is appended) or stays quiet for `idleMs`.
 */
export async function exchange(port: number, data: Uint8Array, idleMs: number): Promise<string> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  await c.write(data);
  let out = "";
  const buf = new Uint8Array(65536);
  while (true) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<"idle">((res) => timer = setTimeout(() => res("idle"), idleMs));
    const r = await Promise.race([c.read(buf).catch(() => null), idle]);
    clearTimeout(timer);
    if (r === "idle") break;
    if (r === null) {
      out += "<closed>";
      break;
    }
    out += latin1.decode(buf.subarray(0, r));
  }
  try {
    c.close();
  } catch {
    // already closed
  }
  return out;
}
