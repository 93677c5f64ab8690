/**
 * Point-in-time snapshots without fork (DESIGN.md §5), used by BGSAVE and `save` points.
 *
 * A walk serializes the keys present at the start in slices of about 2 ms per event-loop tick, going
 * over each live key list from its end down (nothing is copied at the start: copying a million-key
 * array alone stalled clients for 30+ ms; see DbWalk.pos for why no key is missed). Before a write command
 * runs, `beforeWrite` serializes the old value of each of its keys the walk has not reached
 * (copy-before-write); keys created after the start are remembered as "born" and never saved.
 * Writes whose keys cannot be known in advance (FLUSHALL, SWAPDB, cross-db COPY, keyless writes,
 * or any write while clients are blocked, whose wakeups modify other keys) first finish the walk
 * synchronously. Keys deleted by expiry before the walk reaches them were already expired, so
 * leaving them out loads the same dataset.
 *
 * Serialized bytes stream to a writer child process (writer_child.ts) through its stdin; the child
 * appends the CRC, fsyncs and renames the file atomically.
 */
import type { Server } from "../server/server.ts";
import type { Keyspace } from "../db/db.ts";
import type { Client } from "../server/client.ts";
import type { Command } from "../commands/table.ts";
import { extractKeys } from "../commands/keys_extract.ts";
import { ByteWriter } from "./bytes_io.ts";
import { OP } from "./rdb_format.ts";
import { writeAux, writeHeader, writeKeyValue, writeLen, writeString } from "./rdb_write.ts";
import { COMMIT_TRAILER, WRITER_SUBCOMMAND } from "./writer_child.ts";
import type { DatasetWriteOptions } from "./rdb_file.ts";
import { partitionHash } from "../types/slot_index.ts";

/** Commands that touch keys outside what their key specs say: finish the walk before them. */
const FINISH_FIRST = new Set(["flushall", "flushdb", "swapdb", "copy", "move", "debug", "restore-asking"]);

const SLICE_MS = 2;

/**
 * A string set split into many small Sets by a hash of the key: one big Set rehashes all its entries
 * at once when it grows (measured: an 80 ms stall at 300k keys); small partitions keep each rehash
 * short, so the walk never stalls the event loop.
 */
class KeySet {
  private readonly parts: Set<string>[];
  private readonly mask: number;

  constructor(expected: number) {
    let n = 1;
    while (n * 8192 < expected) n *= 2;
    this.parts = Array.from({ length: n }, () => new Set<string>());
    this.mask = n - 1;
  }

  private part(key: string): Set<string> {
    return this.mask === 0 ? this.parts[0] : this.parts[partitionHash(key) & this.mask];
  }

  has(key: string): boolean {
    return this.part(key).has(key);
  }

  add(key: string): void {
    this.part(key).add(key);
  }
}

interface DbWalk {
  id: number;
  /** Keys in the database when the snapshot started (RESIZEDB, progress). */
  total: number;
  /**
   * Next slot to visit, walking the live keyspace from its end down to 0 (no copy of the key list).
   * A deletion fills its hole with the last key: that key was either visited already (a repeat,
   * skipped by `done`) or is moved within the part still to visit, so no key of the start is missed.
   */
  pos: number;
  /**
   * Keys below `pos` that are already saved: by a write before the walk reached them, or moved down
   * from the visited part by a deletion (Keyspace.onMove). Keys the walk saves itself need no entry
   * (they stay at or above `pos`), so this set stays small.
   */
  done: KeySet;
  /** The keyspace whose onMove listener this walk installed. */
  dict: Keyspace;
  /** Keys created after the snapshot started. */
  born: KeySet;
  /** SELECTDB/RESIZEDB written. */
  announced: boolean;
}

/**
 * Loads, at startup, the runtime code a snapshot's first spawn would otherwise load on the spot:
 * Deno's process and fetch-body modules load lazily, and the first BGSAVE of a process stalled its
 * clients 10 ms longer for it (measured: Command 7–9 ms, the pipes' Response/writer 3 ms). Nothing is
 * spawned.
 */
export function warmUpSnapshots(): void {
  try {
    new Deno.Command(Deno.execPath(), { args: ["--version"], stdin: "piped", stdout: "piped", stderr: "piped" });
  } catch {
    // no permission to run processes: BGSAVE will report it
  }
  new Response(new ReadableStream({ start: (c) => c.close() })).text().catch(() => {});
  new WritableStream().getWriter().releaseLock();
}

/** How the child process is started: `deno run` from source, or our compiled binary. */
function writerCommand(args: string[]): Deno.Command {
  const exe = Deno.execPath();
  const base = exe.replace(/^.*\//, "");
  const full = /^deno(\.exe)?$/.test(base)
    ? ["run", "--allow-read", "--allow-write", new URL("./writer_child.ts", import.meta.url).href, ...args]
    : [WRITER_SUBCOMMAND, ...args];
  return new Deno.Command(exe, { args: full, stdin: "piped", stdout: "piped", stderr: "piped" });
}

/** One running snapshot. */
export class Snapshot {
  private readonly walks: DbWalk[];
  private readonly out = new ByteWriter(1 << 16);
  private current = -1;
  private walkDone = false;
  private child: Deno.ChildProcess | null = null;
  private aborted = false;
  private failure: string | undefined;
  /** Resolves with undefined on success or an error text. */
  readonly done: Promise<string | undefined>;
  private resolveDone!: (err: string | undefined) => void;
  private wake: (() => void) | null = null;
  /** Keys saved so far (INFO current_save_keys_processed). */
  keysProcessed = 0;
  readonly keysTotal: number;

  constructor(
    private readonly server: Server,
    private readonly opts: DatasetWriteOptions,
    private readonly tmp: string,
    private readonly final: string,
  ) {
    this.walks = server.dbs.map((db) => ({
      id: db.id,
      total: db.dict.keys.length,
      pos: db.dict.keys.length,
      // sized for the worst case (every key written or created during the save): partitions are cheap
      done: new KeySet(db.dict.keys.length),
      born: new KeySet(db.dict.keys.length),
      announced: false,
      dict: db.dict,
    }));
    for (const w of this.walks) {
      if (w.total === 0) continue;
      w.dict.onMove = (hole, from, key) => {
        if (hole < w.pos && from >= w.pos) w.done.add(key);
      };
    }
    this.keysTotal = this.walks.reduce((n, w) => n + w.total, 0);
    this.done = new Promise((r) => this.resolveDone = r);
    const w = this.out;
    writeHeader(w, opts.version);
    writeAux(w, "redis-ver", opts.redisVer, opts);
    writeAux(w, "redis-bits", "64", opts);
    writeAux(w, "ctime", String(Math.floor(Date.now() / 1000)), opts);
    writeAux(w, "used-mem", String(Deno.memoryUsage().heapUsed), opts);
    writeAux(w, "aof-base", opts.aofBase ? "1" : "0", opts);
    for (const code of opts.functions ?? []) {
      w.u8(OP.FUNCTION2);
      writeString(w, code, opts);
    }
  }

  /**
   * Starts the child and the walk, from the next event-loop turn: spawning takes 1.5–3 ms, our
   * counterpart of Redis's fork, and should not add to the time of the command that started the save
   * (the snapshot's point in time is already fixed: copy-before-write runs from the constructor on).
   */
  start(): void {
    setTimeout(() => this.launch(), 0);
  }

  private launch(): void {
    if (this.aborted) {
      this.resolveDone(this.failure ?? "snapshot aborted");
      return;
    }
    const started = this.server.latency.start();
    try {
      this.child = writerCommand([this.tmp, this.final, this.opts.checksum ? "1" : "0"]).spawn();
    } catch (e) {
      this.resolveDone(e instanceof Error ? e.message : String(e));
      return;
    } finally {
      this.server.latency.end("snapshot-spawn", started);
    }
    this.pump().then(
      (err) => this.resolveDone(err),
      (e) => this.resolveDone(e instanceof Error ? e.message : String(e)),
    );
  }

  /** Stops the snapshot (SHUTDOWN, FLUSHALL in Redis kills the child): the temp file is removed. */
  abort(): void {
    this.aborted = true;
    this.detach();
    try {
      this.child?.kill("SIGKILL");
    } catch {
      // already gone
    }
    this.wake?.();
  }

  /** Removes the move listeners (walk finished or aborted). */
  private detach(): void {
    for (const w of this.walks) if (w.total !== 0 && w.dict.onMove !== null) w.dict.onMove = null;
  }

  /** Serializes one key of walk `w` (its current value, unchanged since the start). */
  private saveKey(w: DbWalk, key: string): void {
    const db = this.server.dbs[w.id];
    const i = db.dict.index.get(key);
    if (i === undefined) return; // expired and deleted meanwhile
    if (this.current !== w.id) {
      this.out.u8(OP.SELECTDB);
      writeLen(this.out, w.id);
      if (!w.announced) {
        this.out.u8(OP.RESIZEDB);
        writeLen(this.out, w.total);
        writeLen(this.out, Math.min(w.total, db.expires.keys.length));
      }
      w.announced = true;
      this.current = w.id;
    }
    try {
      writeKeyValue(this.out, key, db.dict.vals[i], db.getExpire(key), this.opts, db.dict.lru[i]);
    } catch (e) {
      // A value this format cannot hold: the save fails (commands keep running).
      this.failure ??= e instanceof Error ? e.message : String(e);
      this.abort();
      return;
    }
    this.keysProcessed++;
  }

  /** Walks until `deadline` (performance.now() ms; Infinity = to the end). Returns true when finished. */
  private walk(deadline: number): boolean {
    const delay = this.server.config.num("rdb-key-save-delay");
    for (const w of this.walks) {
      // The live key list (no command runs during a slice, so it cannot change under us here).
      const keys = this.server.dbs[w.id].dict.keys;
      if (w.pos > keys.length) w.pos = keys.length; // the keyspace shrank meanwhile
      while (w.pos > 0) {
        if (this.aborted) return true;
        const key = keys[--w.pos];
        if (!w.done.has(key) && !w.born.has(key)) this.saveKey(w, key);
        if (delay !== 0 && deadline !== Infinity) return false; // one key per tick (tests)
        if ((w.pos & 15) === 0 && performance.now() > deadline) return false;
      }
    }
    this.walkDone = true;
    this.detach();
    return true;
  }

  /** Serializes everything the walk has not reached yet, now (before a bulk change of the keyspace). */
  finishWalk(): void {
    if (this.walkDone || this.aborted) return;
    const started = this.server.latency.start();
    this.walk(Infinity);
    this.server.latency.end("snapshot-walk", started);
    this.wake?.();
  }

  /** Copy-before-write: called before a write command runs. */
  beforeWrite(c: Client, cmd: Command, argv: string[]): void {
    if (this.walkDone || this.aborted) return;
    let keys;
    try {
      keys = extractKeys(cmd, argv);
    } catch {
      return this.finishWalk();
    }
    if (keys.length === 0 || FINISH_FIRST.has(cmd.name) || this.server.blocking.blockedCount !== 0) {
      return this.finishWalk();
    }
    const w = this.walks[c.db.id];
    const db = c.db;
    for (const k of keys) {
      const key = argv[k.pos];
      if (key === undefined || w.done.has(key) || w.born.has(key)) continue;
      const slot = db.dict.index.get(key);
      if (slot === undefined) w.born.add(key);
      else if (slot < w.pos) {
        // not reached yet: save the old value now
        w.done.add(key);
        this.saveKey(w, key);
      }
      // at or above `pos`: already saved by the walk
    }
  }

  /** The async loop: yield, walk a slice, ship the bytes; then EOF and wait for the child. */
  private async pump(): Promise<string | undefined> {
    const child = this.child!;
    const writer = child.stdin.getWriter();
    const stdout = new Response(child.stdout).text();
    const stderr = new Response(child.stderr).text();
    try {
      while (!this.aborted) {
        // Yield first (the spawn just took this turn), then one slice per turn.
        const delay = this.server.config.num("rdb-key-save-delay");
        await new Promise<void>((r) => {
          this.wake = r;
          // A timer, not setImmediate: immediates run before I/O is polled, so back-to-back slices
          // starved clients (80 ms stalls measured); 2 ms slices keep the walk fast despite the timer floor.
          setTimeout(r, delay > 0 ? Math.max(1, Math.round(delay / 1000)) : 0);
        });
        this.wake = null;
        if (this.aborted) break;
        const sliceStart = performance.now();
        const finished = this.walkDone || this.walk(sliceStart + SLICE_MS);
        this.server.latency.record("snapshot-walk", performance.now() - sliceStart); // LATENCY: the slice's time
        if (finished) this.out.u8(OP.EOF);
        if (this.out.pos > 0) {
          const chunk = this.out.view().slice();
          this.out.reset();
          await writer.write(chunk);
        }
        if (finished) break;
      }
      if (this.aborted) throw new Error(this.failure ?? "snapshot aborted");
      // The commit trailer: without it (we died mid-stream) the child discards the temp file.
      await writer.write(COMMIT_TRAILER);
      await writer.close();
    } catch (e) {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone
      }
      await child.status;
      await Deno.remove(this.tmp).catch(() => {});
      return e instanceof Error ? e.message : String(e);
    }
    const status = await child.status;
    const text = (await stdout).trim();
    await stderr;
    if (!status.success || text !== "ok") return text.replace(/^error /, "") || `writer exited with ${status.code}`;
    return undefined;
  }
}
