/**
 * Persistence commands: SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE, DEBUG RELOAD / DIGEST / DIGEST-VALUE. The work is in
 * src/persist/ (formats, files, server state); these handlers parse arguments and reply with
 * Redis's texts. Handlers stay synchronous: BGSAVE's file I/O completes later on its own.
 */
import { functionsPersistence } from "../script/loader.ts";
import { setFunctionsPersistence } from "../persist/hooks.ts";
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import {
  AOFRW_IN_PROGRESS,
  BAD_DATA_FORMAT,
  BGSAVE_AOF_ACTIVE,
  BGSAVE_IN_PROGRESS,
  BUSYKEY,
  DUMP_PAYLOAD_BAD,
  ERR_GENERIC,
  NOT_INTEGER,
  RELOAD_FAILED,
  RELOAD_OPTIONS,
  RESTORE_BAD_FREQ,
  RESTORE_BAD_IDLETIME,
  RESTORE_BAD_TTL,
  SYNTAX,
} from "../server/errors.ts";
import { registerDebugSubcommand } from "./debug.ts";
import { bgrewriteaof } from "../persist/aof.ts";
import "../persist/aof_load.ts";
import {
  aofRewriteActive,
  bgsave,
  installPersistence,
  loadLimits,
  loadRdbFile,
  persistState,
  rdbPath,
  saveSync,
  writeOptions,
} from "../persist/persistence.ts";
import { dumpPayload } from "../persist/rdb_write.ts";
import { datasetDigest, valueDigest } from "../persist/digest.ts";
import { readDumpPayload, verifyDumpPayload } from "../persist/dump.ts";
import { parseInt64 } from "../util/numbers.ts";
import { bytesToStr, strToBytes } from "../resp/bytes.ts";
import { RdbError } from "../persist/bytes_io.ts";
import { serverDelCommand } from "./propagation.ts";

function save(c: Client): void {
  installPersistence(c.server);
  if (persistState(c.server).bgsaveInProgress) {
    c.addError(BGSAVE_IN_PROGRESS);
    return;
  }
  persistState(c.server).saves++;
  if (saveSync(c.server) === undefined) c.addOk();
  else c.addError(ERR_GENERIC);
}

function bgsaveCommand(c: Client, argv: string[]): void {
  installPersistence(c.server);
  let schedule = false;
  if (argv.length === 2 && argv[1].toLowerCase() === "schedule") schedule = true;
  else if (argv.length > 1) {
    c.addError(SYNTAX);
    return;
  }
  const st = persistState(c.server);
  if (aofRewriteActive(c.server) && !st.bgsaveInProgress) {
    if (!schedule) {
      c.addError(BGSAVE_AOF_ACTIVE);
      return;
    }
  }
  if (st.bgsaveInProgress || aofRewriteActive(c.server)) {
    if (!schedule) {
      c.addError(BGSAVE_IN_PROGRESS);
      return;
    }
    const server = c.server;
    const retry = () => {
      if (persistState(server).bgsaveInProgress || aofRewriteActive(server) || server.busyScript !== null) {
        setTimeout(retry, 10);
      } else bgsave(server);
    };
    setTimeout(retry, 10);
    c.addStatus("Background saving scheduled");
    return;
  }
  bgsave(c.server);
  c.addStatus("Background saving started");
}

function bgrewriteaofCommand(c: Client): void {
  installPersistence(c.server);
  const r = bgrewriteaof(c.server);
  if (r === "started") c.addStatus("Background append only file rewriting started");
  else if (r === "scheduled") c.addStatus("Background append only file rewriting scheduled");
  else if (r === "in progress") c.addError(AOFRW_IN_PROGRESS);
  else c.addError(`ERR Can't execute an AOF background rewriting. Please check the server logs for more information.`);
}

function lastsave(c: Client): void {
  c.addInt(persistState(c.server).lastSave);
}

function dump(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) {
    c.addNull();
    return;
  }
  let payload: Uint8Array;
  try {
    payload = dumpPayload(v, writeOptions(c.server));
  } catch (e) {
    c.addError("ERR " + (e instanceof Error ? e.message : String(e)));
    return;
  }
  c.addBulk(bytesToStr(payload, 0, payload.length));
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(c: Client, argv: string[]): void {
  let replace = false, absttl = false;
  let idle = -1, freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - j - 1;
    if (opt === "replace") replace = true;
    else if (opt === "absttl") absttl = true;
    else if (opt === "idletime" && more >= 1 && freq === -1) {
      const v = parseInt64(argv[++j]);
      if (v === null) return c.addError(NOT_INTEGER);
      if (v < 0) return c.addError(RESTORE_BAD_IDLETIME);
      idle = Number(v);
    } else if (opt === "freq" && more >= 1 && idle === -1) {
      const v = parseInt64(argv[++j]);
      if (v === null) return c.addError(NOT_INTEGER);
      if (v < 0 || v > 255) return c.addError(RESTORE_BAD_FREQ);
      freq = Number(v);
    } else return c.addError(SYNTAX);
  }
  const key = argv[1];
  const db = c.db;
  if (!replace && db.lookup(key, false) !== undefined) return c.addError(BUSYKEY);
  const ttlv = parseInt64(argv[2]);
  if (ttlv === null) return c.addError(NOT_INTEGER);
  if (ttlv < 0) return c.addError(RESTORE_BAD_TTL);
  const payload = strToBytes(argv[3]);
  if (!verifyDumpPayload(payload, c.server.config.str("sanitize-dump-payload"))) return c.addError(DUMP_PAYLOAD_BAD);
  const now = c.server.now();
  let value;
  try {
    value = readDumpPayload(payload, loadLimits(c.server), now);
  } catch (e) {
    if (!(e instanceof RdbError)) throw e;
    value = null;
  }
  if (value === null) return c.addError(BAD_DATA_FORMAT);
  const server = c.server;
  let ttl = Number(ttlv);
  let deleted = false;
  if (replace) deleted = db.delete(key);
  if (ttl !== 0 && !absttl) ttl += now;
  if (ttl !== 0 && ttl <= now) {
    if (deleted) {
      c.argv = [serverDelCommand(c), key]; // replicated as the deletion it amounts to
      server.notify("g", "del", key, db.id);
      server.dirty++;
    }
    return c.addOk();
  }
  db.set(key, value);
  if (ttl !== 0) {
    db.setExpire(key, ttl);
    // A relative TTL is replicated as an absolute one: argv[2] rewritten, ABSTTL appended.
    if (!absttl) {
      const rewritten = c.argv.slice();
      rewritten[2] = String(ttl);
      rewritten.push("ABSTTL");
      c.argv = rewritten;
    }
  }
  if (idle >= 0) {
    const i = db.dict.index.get(key);
    if (i !== undefined) db.dict.lru[i] = server.lruClock() - idle;
  }
  server.notify("g", "restore", key, db.id);
  server.dirty++;
  c.addOk();
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] */
function debugReload(c: Client, argv: string[]): void {
  let merge = false, noflush = false, nosave = false;
  for (let j = 2; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    if (o === "merge") merge = true;
    else if (o === "noflush") noflush = true;
    else if (o === "nosave") nosave = true;
    else return c.addError(RELOAD_OPTIONS);
  }
  const server = c.server;
  installPersistence(server);
  if (!nosave && saveSync(server) !== undefined) return c.addError(ERR_GENERIC);
  const err = loadRdbFile(server, rdbPath(server), { noflush, merge });
  if (err !== undefined) return c.addError(RELOAD_FAILED);
  server.log.notice("DB reloaded by DEBUG RELOAD");
  c.addOk();
}

/** DEBUG DIGEST: the dataset fingerprint. */
function debugDigest(c: Client): void {
  c.addStatus(datasetDigest(c.server));
}

/** DEBUG DIGEST-VALUE key [key ...]: one fingerprint per key. */
function debugDigestValue(c: Client, argv: string[]): void {
  c.addArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.addStatus(valueDigest(c.db, argv[i]));
}

registerDebugSubcommand("digest", debugDigest, (n) => n === 2, [
  "DIGEST",
  "    Output a hex signature representing the current DB content.",
]);
registerDebugSubcommand("digest-value", debugDigestValue, (n) => n >= 2, [
  "DIGEST-VALUE <key> [<key> ...]",
  "    Output a hex signature of the values of all the specified keys.",
]);
registerDebugSubcommand("reload", debugReload, (n) => n >= 2, [
  "RELOAD [option ...]",
  "    Save the RDB on disk and reload it back to memory. Available <option> values:",
  "    * MERGE: conflicting keys will be loaded from RDB.",
  "    * NOFLUSH: the existing database will not be removed before load, but",
  "      conflicting keys will generate an exception and kill the server.",
  "    * NOSAVE: the database will be loaded from an existing RDB file.",
  "    Examples:",
  "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
  "      the database.",
  "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
  "      existing RDB file.",
  "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
  "      file to the database.",
]);

// Function libraries are saved in and loaded from RDB files (FUNCTION2 records).
setFunctionsPersistence(functionsPersistence);

export const commands: CommandDef[] = [
  { name: "save", handler: save },
  { name: "bgsave", handler: bgsaveCommand },
  { name: "bgrewriteaof", handler: bgrewriteaofCommand },
  { name: "lastsave", handler: lastsave },
  { name: "dump", handler: dump },
  { name: "restore", handler: restore },
];
