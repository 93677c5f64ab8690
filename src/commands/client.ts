/**
 * CLIENT subcommands: ID, SETNAME, GETNAME, SETINFO, LIST, INFO, KILL, REPLY, PAUSE, UNPAUSE,
 * NO-EVICT, NO-TOUCH, HELP. The line format and client types live in server/client_info.ts.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { is } from "./args.ts";
import { replyHelp } from "./help.ts";
import { parseInt64 } from "../util/numbers.ts";
import {
  CLIENT_ID_NOT_POSITIVE,
  CLIENT_NAME_INVALID,
  clientAttrInvalid,
  INVALID_CLIENT_ID,
  MAXAGE_NOT_INTEGER,
  MAXAGE_NOT_POSITIVE,
  NO_SUCH_CLIENT,
  noSuchUser,
  PAUSE_MODE,
  subcommandSyntax,
  SYNTAX,
  TIMEOUT_NEGATIVE,
  TIMEOUT_NOT_INTEGER,
  unknownClientType,
  unrecognizedOption,
} from "../server/errors.ts";
import {
  clientInfoLine,
  type ClientType,
  clientType,
  isValidClientName,
  parseClientType,
} from "../server/client_info.ts";

/**
 * True when a user of that name exists. Only the default user exists until ACL users do; the ACL
 * module replaces this function.
 */
export const users = {
  exists: (name: string): boolean => name === "default",
};

function clientId(c: Client): void {
  c.addInt(c.id);
}

function clientSetName(c: Client, argv: string[]): void {
  const name = argv[2];
  if (!isValidClientName(name)) {
    c.addError(CLIENT_NAME_INVALID);
    return;
  }
  c.name = name;
  c.addOk();
}

function clientGetName(c: Client): void {
  if (c.name === "") c.addNull();
  else c.addBulk(c.name);
}

function clientSetInfo(c: Client, argv: string[]): void {
  const attr = argv[2], value = argv[3];
  const lower = attr.toLowerCase();
  if (lower !== "lib-name" && lower !== "lib-ver") {
    c.addError(unrecognizedOption(attr));
    return;
  }
  if (!isValidClientName(value)) {
    c.addError(clientAttrInvalid(attr));
    return;
  }
  if (lower === "lib-name") c.libName = value;
  else c.libVer = value;
  c.addOk();
}

function clientList(c: Client, argv: string[]): void {
  let out = "";
  if (argv.length === 4 && is(argv[2], "type")) {
    const type = parseClientType(argv[3]);
    if (type === null) {
      c.addError(unknownClientType(argv[3]));
      return;
    }
    for (const cl of c.server.clients.values()) if (clientType(cl) === type) out += clientInfoLine(cl) + "\n";
  } else if (argv.length > 3 && is(argv[2], "id")) {
    for (let j = 3; j < argv.length; j++) {
      const id = parseInt64(argv[j]);
      if (id === null) {
        c.addError(INVALID_CLIENT_ID);
        return;
      }
      const cl = c.server.clients.get(Number(id));
      if (cl) out += clientInfoLine(cl) + "\n";
    }
  } else if (argv.length !== 2) {
    c.addError(SYNTAX);
    return;
  } else {
    for (const cl of c.server.clients.values()) out += clientInfoLine(cl) + "\n";
  }
  c.addVerbatim(out);
}

function clientInfo(c: Client): void {
  c.addVerbatim(clientInfoLine(c) + "\n");
}

/** CLIENT KILL filters (the new form); undefined fields match everything. */
interface KillFilter {
  addr?: string;
  laddr?: string;
  type?: ClientType;
  id?: number;
  user?: string;
  skipme: boolean;
  maxAgeSec?: number;
}

/** Parses the `<option> <value>` pairs of CLIENT KILL; replies the error and returns null when invalid. */
function parseKillFilter(c: Client, argv: string[]): KillFilter | null {
  const f: KillFilter = { skipme: true };
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase(), val = argv[i + 1];
    switch (opt) {
      case "id": {
        const id = parseInt64(val);
        if (id === null || id < 1) {
          c.addError(CLIENT_ID_NOT_POSITIVE);
          return null;
        }
        f.id = Number(id);
        break;
      }
      case "type": {
        const type = parseClientType(val);
        if (type === null) {
          c.addError(unknownClientType(val));
          return null;
        }
        f.type = type;
        break;
      }
      case "addr":
        f.addr = val;
        break;
      case "laddr":
        f.laddr = val;
        break;
      case "user":
        if (!users.exists(val)) {
          c.addError(noSuchUser(val));
          return null;
        }
        f.user = val;
        break;
      case "skipme":
        if (is(val, "yes")) f.skipme = true;
        else if (is(val, "no")) f.skipme = false;
        else {
          c.addError(SYNTAX);
          return null;
        }
        break;
      case "maxage": {
        const age = parseInt64(val);
        if (age === null) {
          c.addError(MAXAGE_NOT_INTEGER);
          return null;
        }
        if (age <= 0) {
          c.addError(MAXAGE_NOT_POSITIVE);
          return null;
        }
        f.maxAgeSec = Number(age);
        break;
      }
      default:
        c.addError(SYNTAX);
        return null;
    }
  }
  return f;
}

function killMatches(me: Client, cl: Client, f: KillFilter, nowSec: number): boolean {
  if (f.addr !== undefined && cl.addr !== f.addr) return false;
  if (f.laddr !== undefined && cl.laddr !== f.laddr) return false;
  if (f.type !== undefined && clientType(cl) !== f.type) return false;
  if (f.id !== undefined && cl.id !== f.id) return false;
  if (f.user !== undefined && cl.user !== f.user) return false;
  if (f.skipme && cl === me) return false;
  if (f.maxAgeSec !== undefined && nowSec - Math.floor(cl.createdAt / 1000) <= f.maxAgeSec) return false;
  return true;
}

/** Kills every client matching `f`; the caller itself is closed once its reply is written. */
function killClients(me: Client, f: KillFilter): number {
  const s = me.server;
  const nowSec = Math.floor(s.clock.now() / 1000);
  const victims = [...s.clients.values()].filter((cl) => killMatches(me, cl, f, nowSec));
  for (const cl of victims) {
    if (cl === me) me.closeAfterReply = true;
    else s.closeClient(cl);
  }
  return victims.length;
}

function clientKill(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    // Old form: CLIENT KILL addr:port (may kill the caller itself).
    const killed = killClients(c, { addr: argv[2], skipme: false });
    if (killed === 0) c.addError(NO_SUCH_CLIENT);
    else c.addOk();
    return;
  }
  if (argv.length % 2 !== 0) {
    c.addError(SYNTAX);
    return;
  }
  const f = parseKillFilter(c, argv);
  if (f === null) return;
  c.addInt(killClients(c, f));
}

function clientReply(c: Client, argv: string[]): void {
  const mode = argv[2];
  if (is(mode, "on")) {
    c.replyMode = "on";
    c.skipNext = false;
    c.muted = false;
    c.addOk();
  } else if (is(mode, "off")) {
    c.replyMode = "off";
    c.skipNext = false;
    c.muted = true;
  } else if (is(mode, "skip")) {
    if (c.replyMode !== "off") c.skipNext = true;
  } else {
    c.addError(SYNTAX);
  }
}

const pauseTimers = new WeakMap<Server, ReturnType<typeof setTimeout>>();

/** Ends the pause right when it expires (cron would only notice it at the next tick). */
function scheduleUnpause(s: Server): void {
  const old = pauseTimers.get(s);
  if (old === undefined) {
    s.shutdownHooks.push(() => clearTimeout(pauseTimers.get(s)));
  } else {
    clearTimeout(old);
  }
  const fire = () => {
    if (s.pauseUntil === 0) return;
    const left = s.pauseUntil - s.clock.now();
    // a busy script is one atomic command: the held clients resume after it
    if (s.busyScript !== null) pauseTimers.set(s, setTimeout(fire, 10));
    else if (left <= 0) s.unpause();
    else pauseTimers.set(s, setTimeout(fire, left));
  };
  pauseTimers.set(s, setTimeout(fire, Math.max(0, s.pauseUntil - s.clock.now())));
}

function clientPause(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    c.addError(subcommandSyntax(argv[1], "client"));
    return;
  }
  let writesOnly = false;
  if (argv.length === 4) {
    if (is(argv[3], "write")) writesOnly = true;
    else if (!is(argv[3], "all")) {
      c.addError(PAUSE_MODE);
      return;
    }
  }
  const ms = parseInt64(argv[2]);
  if (ms === null) {
    c.addError(TIMEOUT_NOT_INTEGER);
    return;
  }
  if (ms < 0) {
    c.addError(TIMEOUT_NEGATIVE);
    return;
  }
  const s = c.server;
  const end = s.clock.now() + Number(ms);
  if (s.pauseUntil === 0) {
    s.pauseUntil = end;
    s.pauseWritesOnly = writesOnly;
  } else {
    // A pause in progress only gets longer and more restrictive, as in Redis.
    if (end > s.pauseUntil) s.pauseUntil = end;
    if (!writesOnly) s.pauseWritesOnly = false;
  }
  scheduleUnpause(s);
  c.addOk();
}

function clientUnpause(c: Client): void {
  c.server.unpause();
  c.addOk();
}

/** CLIENT NO-EVICT / NO-TOUCH: parses ON|OFF or replies a syntax error. */
function onOff(c: Client, arg: string): boolean | null {
  if (is(arg, "on")) return true;
  if (is(arg, "off")) return false;
  c.addError(SYNTAX);
  return null;
}

function clientNoEvict(c: Client, argv: string[]): void {
  const v = onOff(c, argv[2]);
  if (v === null) return;
  c.noEvict = v;
  c.addOk();
}

function clientNoTouch(c: Client, argv: string[]): void {
  const v = onOff(c, argv[2]);
  if (v === null) return;
  c.noTouch = v;
  c.addOk();
}

const HELP = [
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "    * ID <client-id>",
  "      Kill connections by client id.",
  "    * MAXAGE <maxage>",
  "      Kill connections older than the specified age.",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "SETINFO <option> <value>",
  "    Set client meta attr. Options are:",
  "    * LIB-NAME: the client lib name.",
  "    * LIB-VER: the client lib version.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "NO-TOUCH (ON|OFF)",
  "    Will not touch LRU/LFU stats when this mode is on.",
];

function clientHelp(c: Client): void {
  replyHelp(c, "client", HELP);
}

export const commands: CommandDef[] = [
  { name: "client|id", handler: clientId },
  { name: "client|setname", handler: clientSetName },
  { name: "client|getname", handler: clientGetName },
  { name: "client|setinfo", handler: clientSetInfo },
  { name: "client|list", handler: clientList },
  { name: "client|info", handler: clientInfo },
  { name: "client|kill", handler: clientKill },
  { name: "client|reply", handler: clientReply },
  { name: "client|pause", handler: clientPause },
  { name: "client|unpause", handler: clientUnpause },
  { name: "client|no-evict", handler: clientNoEvict },
  { name: "client|no-touch", handler: clientNoTouch },
  { name: "client|help", handler: clientHelp },
];
