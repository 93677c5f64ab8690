/**
 * DEBUG: the subcommands tests and tools rely on — SLEEP, OBJECT, POPULATE, SET-ACTIVE-EXPIRE,
 * PROTOCOL, LOG, ERROR, HELP. Other subsystems add theirs (RELOAD, QUICKLIST-PACKED-THRESHOLD…) with
 * `registerDebugSubcommand()`.
 */
import { flatten } from "../resp/bytes.ts";
import type { CommandDef, Handler } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Db } from "../db/db.ts";
import type { Value } from "../types/value.ts";
import { encodingOf } from "../types/encoding.ts";
import { replyHelp } from "./help.ts";
import { parseInt64 } from "../util/numbers.ts";
import {
  DEBUG_PROTOCOL_TYPE,
  NO_SUCH_KEY,
  OUT_OF_RANGE_ZERO,
  RESP2_UNSUPPORTED,
  subcommandSyntax,
} from "../server/errors.ts";

interface DebugSub {
  handler: Handler;
  /** Accepted argument counts (argv.length, DEBUG included). */
  argc: (n: number) => boolean;
  help: readonly string[];
}

const subs = new Map<string, DebugSub>();

/**
 * Adds a DEBUG subcommand (`name` lowercase). `argc` validates argv.length (DEBUG and the subcommand
 * included); `help` are its DEBUG HELP lines, in Redis's wording.
 */
export function registerDebugSubcommand(
  name: string,
  handler: Handler,
  argc: (n: number) => boolean,
  help: readonly string[],
): void {
  subs.set(name, { handler, argc, help });
}

function debug(c: Client, argv: string[]): void {
  const name = argv[1].toLowerCase();
  if (name === "help" && argv.length === 2) {
    const lines: string[] = [];
    for (const sub of subs.values()) lines.push(...sub.help);
    replyHelp(c, "debug", lines);
    return;
  }
  const sub = subs.get(name);
  if (!sub || !sub.argc(argv.length)) {
    c.addError(subcommandSyntax(argv[1], "debug"));
    return;
  }
  sub.handler(c, argv);
}

/** C's strtod on a prefix: "1.5x" → 1.5, "abc" → 0. */
function strtod(s: string): number {
  const v = parseFloat(s);
  return Number.isNaN(v) ? 0 : v;
}

/** C's atoi on a prefix: "12x" → 12, "abc" → 0. */
function atoi(s: string): number {
  const v = parseInt(s, 10);
  return Number.isNaN(v) ? 0 : v;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** DEBUG SLEEP <seconds>: blocks the whole server, as Redis does. */
function debugSleep(c: Client, argv: string[]): void {
  const ms = strtod(argv[2]) * 1000;
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
  c.addOk();
}

function debugSetActiveExpire(c: Client, argv: string[]): void {
  c.server.activeExpireEnabled = atoi(argv[2]) !== 0;
  c.addOk();
}

/** Bytes rdbSaveLen uses for a length. */
function rdbLenBytes(n: number): number {
  if (n < 64) return 1;
  if (n < 16384) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** Bytes of RDB's integer encoding of `s` when it is a canonical integer that fits 32 bits, else 0. */
function rdbIntEncodedBytes(s: string): number {
  const v = parseInt64(s);
  if (v === null || typeof v !== "number") return 0;
  if (v >= -128 && v <= 127) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 0;
}

/**
 * RDB serialized length of a string value (rdbSaveRawString without LZF compression: values longer
 * than 20 bytes that LZF would shrink are reported uncompressed).
 */
function stringSerializedLength(s: string): number {
  if (s.length <= 11) {
    const n = rdbIntEncodedBytes(s);
    if (n > 0) return n;
  }
  return rdbLenBytes(s.length) + s.length;
}

/** Optional introspection a value type may offer to DEBUG OBJECT. */
interface DebugIntrospection {
  serializedLength?(): number;
  /** Extra " field:value" text Redis appends (quicklist details). */
  debugExtra?(): string;
}

/** A stand-in object address (JS has none): stable per key name. */
function fakeAddress(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return "0x7f" + (h * 16).toString(16).padStart(10, "0").slice(-10);
}

/** True for values Redis shares (small integers when maxmemory does not need per-key LRU). */
function isSharedInteger(c: Client, v: Value, encoding: string): boolean {
  if (encoding !== "int" || typeof v !== "string") return false;
  const n = parseInt64(v);
  if (typeof n !== "number" || n < 0 || n >= 10000) return false;
  const policy = c.server.config.str("maxmemory-policy");
  return c.server.config.num("maxmemory") === 0 || !(policy.includes("lru") || policy.includes("lfu"));
}

function debugObject(c: Client, argv: string[]): void {
  const key = argv[2];
  const db: Db = c.db;
  const v = db.lookup(key, false);
  if (v === undefined) {
    c.addError(NO_SUCH_KEY);
    return;
  }
  const enc = encodingOf(v, db.rawStrings.has(key));
  const intro = (typeof v === "string" ? {} : v) as DebugIntrospection;
  const serialized = typeof v === "string" ? stringSerializedLength(v) : intro.serializedLength?.() ?? 0;
  const idle = db.idleTime(key);
  const lru = (Math.floor(c.server.clock.now() / 1000) - idle) & 0xffffff;
  const refcount = isSharedInteger(c, v, enc) ? 2147483647 : 1;
  c.addStatus(
    `Value at:${fakeAddress(key)} refcount:${refcount} encoding:${enc} serializedlength:${serialized} ` +
      `lru:${lru} lru_seconds_idle:${idle}${intro.debugExtra?.() ?? ""}`,
  );
}

/** getPositiveLongFromObjectOrReply: a non-negative integer or null (after replying the error). */
function positiveArg(c: Client, s: string): number | null {
  const v = parseInt64(s);
  if (v === null || v < 0) {
    c.addError(OUT_OF_RANGE_ZERO);
    return null;
  }
  return Number(v);
}

/**
 * DEBUG POPULATE count [prefix] [size]: keys "<prefix>:<n>" (default prefix "key") with values
 * "value:<n>", truncated or padded with NUL bytes to `size` when given. Existing keys are kept.
 */
function debugPopulate(c: Client, argv: string[]): void {
  const count = positiveArg(c, argv[2]);
  if (count === null) return;
  let size = 0;
  if (argv.length === 5) {
    const s = positiveArg(c, argv[4]);
    if (s === null) return;
    size = s;
  }
  let prefix = argv.length >= 4 ? argv[3] : "key";
  const nul = prefix.indexOf("\0");
  if (nul >= 0) prefix = prefix.slice(0, nul); // a C string
  prefix += ":";
  const keyLimit = 127; // Redis formats the key into a 128-byte buffer
  const zeros = size > 0 ? "\0".repeat(size) : "";
  const db = c.db;
  for (let j = 0; j < count; j++) {
    let key = prefix + j;
    if (key.length > keyLimit) key = key.slice(0, keyLimit);
    if (db.lookup(key, false) !== undefined) continue;
    let val = "value:" + j;
    if (size > 0) val = val.length >= size ? val.slice(0, size) : val + zeros.slice(val.length);
    db.set(flatten(key), flatten(val));
  }
  c.addOk();
}

function debugProtocol(c: Client, argv: string[]): void {
  switch (argv[2].toLowerCase()) {
    case "string":
      c.addBulk("Hello World");
      return;
    case "integer":
      c.addInt(12345);
      return;
    case "double":
      c.addDouble(3.141);
      return;
    case "bignum":
      c.addBigNumber("1234567999999999999999999999999999999");
      return;
    case "null":
      c.addNull();
      return;
    case "array":
      c.addArrayLen(3);
      for (let j = 0; j < 3; j++) c.addInt(j);
      return;
    case "set":
      c.addSetLen(3);
      for (let j = 0; j < 3; j++) c.addInt(j);
      return;
    case "map":
      c.addMapLen(3);
      for (let j = 0; j < 3; j++) {
        c.addInt(j);
        c.addBool(j === 1);
      }
      return;
    case "attrib":
      if (c.resp >= 3) {
        c.addAttributeLen(1);
        c.addBulk("key-popularity");
        c.addArrayLen(2);
        c.addBulk("key:123");
        c.addInt(90);
      }
      c.addBulk("Some real reply following the attribute");
      return;
    case "push":
      if (c.resp < 3) {
        c.addError(RESP2_UNSUPPORTED);
        return;
      }
      c.addPushLen(2);
      c.addBulk("server-cpu-usage");
      c.addInt(42);
      c.addBulk("Some real reply following the push reply");
      return;
    case "true":
      c.addBool(true);
      return;
    case "false":
      c.addBool(false);
      return;
    case "verbatim":
      c.addVerbatim("This is a verbatim\nstring");
      return;
    default:
      c.addError(DEBUG_PROTOCOL_TYPE);
  }
}

function debugLog(c: Client, argv: string[]): void {
  c.server.log.warning("DEBUG LOG: " + argv[2]);
  c.addOk();
}

/**
 * DEBUG ERROR <string>: "-<string>" written as is (no ERR prefix added). Like Redis it bypasses the
 * error statistics, so clients can be tested against arbitrary error codes.
 */
function debugError(c: Client, argv: string[]): void {
  c.addRaw("-" + argv[2].replace(/[\r\n]/g, " ") + "\r\n");
}

const exactly = (n: number) => (argc: number) => argc === n;

registerDebugSubcommand("error", debugError, exactly(3), [
  "ERROR <string>",
  "    Return a Redis protocol error with <string> as message. Useful for clients",
  "    unit tests to simulate Redis errors.",
]);

registerDebugSubcommand("log", debugLog, exactly(3), [
  "LOG <message>",
  "    Write <message> to the server log.",
]);
registerDebugSubcommand("object", debugObject, exactly(3), [
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
]);
registerDebugSubcommand("populate", debugPopulate, (n) => n >= 3 && n <= 5, [
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  "    replicas. Cluster slots are not respected so keys not belonging to the",
  "    current node can be created in cluster mode.",
]);
registerDebugSubcommand("protocol", debugProtocol, exactly(3), [
  "PROTOCOL <type>",
  "    Reply with a test value of the specified type. <type> can be: string,",
  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
  "    true, false.",
]);
registerDebugSubcommand("set-active-expire", debugSetActiveExpire, exactly(3), [
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
  "    default.",
]);
registerDebugSubcommand("sleep", debugSleep, exactly(3), [
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
]);
export const commands: CommandDef[] = [{ name: "debug", handler: debug }];
