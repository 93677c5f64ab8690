/**
 * Logging in Redis's format: `pid:M 27 Nov 2026 04:05:06.123 * message` (role C before the server is
 * initialized, M master, S replica), with `loglevel` filtering (`nothing` silences everything),
 * `logfile` (empty = stdout), raw blocks (the logo) and the signal-handler line format.
 */

export type LogLevel = "debug" | "verbose" | "notice" | "warning" | "nothing";
const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARKS = [".", "-", "*", "#"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** Redis's timestamp: "27 Nov 2026 04:05:06.123" (local time). */
export function logTimestamp(d = new Date()): string {
  return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${
    pad(d.getSeconds())
  }.${pad(d.getMilliseconds(), 3)}`;
}

const enc = new TextEncoder();

export class Logger {
  level: LogLevel = "notice";
  /** Log file path; empty logs to stdout. */
  file = "";
  /** 'M' master, 'S' replica, 'C' child. */
  role = "M";
  /** When false nothing is written (embedded use defaults to quiet). */
  enabled = true;
  private fileHandle: Deno.FsFile | null = null;
  private openedFile = "";

  /** True when messages of `level` are emitted. */
  on(level: LogLevel): boolean {
    return this.enabled && LEVELS[level] >= LEVELS[this.level];
  }

  /** Logs one line at `level`. */
  log(level: LogLevel, msg: string): void {
    if (!this.on(level)) return;
    this.raw(`${Deno.pid}:${this.role} ${logTimestamp()} ${MARKS[LEVELS[level]]} ${msg}\n`);
  }

  debug(msg: string): void {
    this.log("debug", msg);
  }
  verbose(msg: string): void {
    this.log("verbose", msg);
  }
  notice(msg: string): void {
    this.log("notice", msg);
  }
  warning(msg: string): void {
    this.log("warning", msg);
  }

  /**
   * Logs like Redis's serverLogFromHandler (signal handlers): "pid:signal-handler (unixtime) msg",
   * at warning level.
   */
  fromSignalHandler(msg: string): void {
    if (!this.on("warning")) return;
    this.raw(`${Deno.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) ${msg}\n`);
  }

  /** Writes text as-is (the logo block is printed raw, like Redis's LL_RAW). */
  raw(text: string): void {
    if (!this.enabled) return;
    const bytes = enc.encode(text);
    if (this.file === "") {
      Deno.stdout.writeSync(bytes);
      return;
    }
    try {
      if (!this.fileHandle || this.openedFile !== this.file) {
        this.fileHandle?.close();
        this.fileHandle = Deno.openSync(this.file, { append: true, create: true, write: true });
        this.openedFile = this.file;
      }
      this.fileHandle.writeSync(bytes);
    } catch {
      // Like Redis, a log that cannot be written is silently skipped.
    }
  }

  /** Reopens the log file (after rotation) and releases it. */
  close(): void {
    this.fileHandle?.close();
    this.fileHandle = null;
  }
}
