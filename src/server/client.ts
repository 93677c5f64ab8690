/**
 * A connected client: identity and state (db, protocol, auth, name, flags), its query parser and its
 * output buffer with the single-writer flush logic (replies of a whole read batch leave in one write;
 * replies produced for it by other clients — pub/sub, unblocking — are flushed on the next tick).
 */
import { ReplyBuffer } from "../resp/reply.ts";
import { RequestParser } from "../resp/parser.ts";
import type { Db } from "../db/db.ts";
import type { Server } from "./server.ts";
import type { Command } from "../commands/table.ts";

/** Something that carries bytes for a client: a Deno connection, or nothing for internal clients. */
export interface Transport {
  write(p: Uint8Array): Promise<number>;
  close(): void;
}

export type ReplyMode = "on" | "off" | "skip";

export class Client extends ReplyBuffer {
  readonly id: number;
  db: Db;
  name = "";
  libName = "";
  libVer = "";
  user = "default";
  authenticated: boolean;
  readonly createdAt: number;
  lastInteraction: number;
  /** Command being executed, and last one executed (CLIENT LIST `cmd=`). */
  cmd: Command | null = null;
  lastCmd: Command | null = null;
  argv: string[] = [];
  /** Set by a command that propagates its effects itself (EXEC, EVAL, FCALL): skip propagating c.argv. */
  preventPropagation = false;
  readonly parser = new RequestParser();
  replyMode: ReplyMode = "on";
  /** CLIENT REPLY SKIP: mute the next command's reply. */
  skipNext = false;
  /** A command held back by CLIENT PAUSE, run when the pause ends. */
  deferred: string[] | null = null;
  /** Close once the pending output is written (QUIT, protocol errors, CLIENT KILL of self). */
  closeAfterReply = false;
  closed = false;
  /** CLIENT NO-EVICT / NO-TOUCH. */
  noEvict = false;
  noTouch = false;
  /** Flag letters for CLIENT LIST beyond the derived ones (e.g. "b" blocked, "x" multi). */
  flags = new Set<string>();
  totNetIn = 0;
  totNetOut = 0;
  totCmds = 0;
  /** True while the connection loop is processing this client's input. */
  inBatch = false;
  private writing = false;
  private flushScheduled = false;
  private spare: Uint8Array = new Uint8Array(16 * 1024);
  /** Resolved when all buffered output has been written. */
  private drainWaiters: (() => void)[] = [];

  constructor(
    readonly server: Server,
    readonly transport: Transport | null,
    readonly addr: string,
    readonly laddr: string,
    readonly kind: "tcp" | "unix" | "internal",
  ) {
    super();
    this.id = server.nextClientId++;
    this.db = server.dbs[0];
    this.authenticated = !server.requiresAuth();
    this.createdAt = server.clock.now();
    this.lastInteraction = this.createdAt;
  }

  protected override onError(msg: string): void {
    this.server.stats.countError(msg);
  }

  /** When the output first went over its class's soft limit (0 = not over). */
  private softLimitSince = 0;

  /**
   * client-output-buffer-limit: a client whose pending output passes its class's hard limit, or stays
   * over the soft limit for the soft seconds, is closed as soon as possible (as Redis does).
   */
  protected override onGrow(size: number): void {
    if (this.kind === "internal" || this.closeAsap) return;
    const limits = this.server.config.outputBufferLimits();
    const cls = this.flags.has("S") ? limits.replica : this.flags.has("P") ? limits.pubsub : limits.normal;
    let over = cls.hard > 0 && size > cls.hard;
    if (!over && cls.soft > 0 && size > cls.soft) {
      const now = this.server.clock.now();
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else if (now - this.softLimitSince >= cls.seconds * 1000) over = true;
    }
    if (!over) return;
    this.closeAsap = true;
    this.muted = true;
    this.outLen = 0;
    this.server.stats.clientOutputBufferLimitDisconnections++;
    this.server.log.warning(
      `Client id=${this.id} addr=${this.addr} name=${this.name} scheduled to be closed ASAP for overcoming of output buffer limits.`,
    );
    queueMicrotask(() => this.server.closeClient(this));
  }

  /** Set when the client must be closed without sending anything more (output limits). */
  closeAsap = false;

  /** Selects database `id` (caller validated the index). */
  select(id: number): void {
    this.db = this.server.dbs[id];
  }

  /**
   * Makes sure buffered output gets written: immediately after a read batch (the connection loop calls
   * `flush()` itself), or on the next tick when produced from elsewhere (pub/sub, unblocking).
   */
  requestFlush(): void {
    if (this.inBatch || this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes all buffered output; resolves when it has left (or the connection failed). */
  async flush(): Promise<void> {
    const before = this.server.beforeReply;
    if (before !== null) before();
    if (this.writing) return new Promise((r) => this.drainWaiters.push(r));
    if (!this.transport) {
      this.outLen = 0;
      return;
    }
    this.writing = true;
    try {
      while (this.outLen > 0 && !this.closed) {
        const data = this.out.subarray(0, this.outLen);
        const len = this.outLen;
        // Swap buffers so new replies can accumulate while this one is in flight.
        const spare = this.spare;
        this.spare = this.out;
        this.out = spare.length >= 16 * 1024 ? spare : new Uint8Array(16 * 1024);
        this.outLen = 0;
        let off = 0;
        while (off < len) off += await this.transport.write(off === 0 ? data : data.subarray(off));
        this.totNetOut += len;
        this.server.stats.netOutput += len;
        if (this.outLen === 0) this.softLimitSince = 0;
        if (this.spare.length > 1024 * 1024) this.spare = new Uint8Array(16 * 1024);
      }
    } catch {
      this.server.closeClient(this);
    } finally {
      this.writing = false;
      const w = this.drainWaiters;
      this.drainWaiters = [];
      for (const r of w) r();
    }
    if (this.closeAfterReply && !this.closed) this.server.closeClient(this);
  }

  /** Bytes of output waiting to be written (CLIENT LIST omem and output limits). */
  get pendingOutput(): number {
    return this.outLen;
  }
}
