/**
 * Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET — protocol negotiation,
 * authentication of the default user (requirepass) and the connection-state reset.
 *
 * Subsystems with per-connection state (MULTI, WATCH, pub/sub, tracking, MONITOR) register what RESET
 * must undo with `onClientReset()`; the ACL module replaces `authenticator.check`.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { REDIS_VERSION } from "../server/server.ts";
import { intArg } from "./args.ts";
import { parseInt64 } from "../util/numbers.ts";
import { configValue, countAuthFailure, infoField } from "../server/info.ts";
import { isValidClientName } from "../server/client_info.ts";
import {
  AUTH_NOT_CONFIGURED,
  CLIENT_NAME_INVALID,
  HELLO_NOAUTH,
  helloSyntax,
  INVALID_DB,
  NOPROTO,
  PROTOVER_NOT_INTEGER,
  RESET_NOT_NORMAL,
  SYNTAX,
  WRONGPASS,
} from "../server/errors.ts";

function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    c.addError("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (c.flags.has("P") && c.resp === 2) {
    // Subscribed RESP2 clients get ["pong", msg].
    c.addArrayLen(2);
    c.addBulk("pong");
    c.addBulk(argv.length === 2 ? argv[1] : "");
    return;
  }
  if (argv.length === 2) c.addBulk(argv[1]);
  else c.addStatus("PONG");
}

function echo(c: Client, argv: string[]): void {
  c.addBulk(argv[1]);
}

function quit(c: Client): void {
  c.addOk();
  c.closeAfterReply = true;
}

function select(c: Client, argv: string[]): void {
  const id = intArg(c, argv[1], "ERR value is not an integer or out of range");
  if (id === null) return;
  if (id < 0 || id >= c.server.dbs.length) {
    c.addError(INVALID_DB);
    return;
  }
  c.select(id);
  c.addOk();
}

/** Password checking; the ACL module replaces `check` when users other than "default" exist. */
export const authenticator = {
  /** True when `user`/`pass` are valid credentials. */
  check(s: Server, user: string, pass: string): boolean {
    if (user !== "default") return false;
    const required = s.config.str("requirepass");
    return required === "" || pass === required;
  },
};

/** Checks credentials; on success authenticates the client, otherwise replies WRONGPASS. */
function authenticate(c: Client, user: string, pass: string): boolean {
  if (!authenticator.check(c.server, user, pass)) {
    countAuthFailure(c.server);
    c.server.log.verbose(`Authentication failed for user '${user}' from client: id=${c.id} addr=${c.addr}`);
    c.addError(WRONGPASS);
    return false;
  }
  c.authenticated = true;
  c.user = user;
  return true;
}

function auth(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.addError(SYNTAX);
    return;
  }
  if (argv.length === 2) {
    // AUTH <password> authenticates the default user, which needs a password to make sense.
    if (!c.server.requiresAuth()) {
      c.addError(AUTH_NOT_CONFIGURED);
      return;
    }
    if (authenticate(c, "default", argv[1])) c.addOk();
    return;
  }
  if (authenticate(c, argv[1], argv[2])) c.addOk();
}

function hello(c: Client, argv: string[]): void {
  let ver = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = parseInt64(argv[next++]);
    if (v === null) {
      c.addError(PROTOVER_NOT_INTEGER);
      return;
    }
    if (v < 2 || v > 3) {
      c.addError(NOPROTO);
      return;
    }
    ver = Number(v);
  }
  let user: string | null = null, pass: string | null = null, name: string | null = null;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    if (more >= 2 && opt.toLowerCase() === "auth") {
      user = argv[j + 1];
      pass = argv[j + 2];
      j += 2;
    } else if (more >= 1 && opt.toLowerCase() === "setname") {
      name = argv[j + 1];
      if (!isValidClientName(name)) {
        c.addError(CLIENT_NAME_INVALID);
        return;
      }
      j++;
    } else {
      c.addError(helloSyntax(opt));
      return;
    }
  }
  if (pass !== null && !authenticate(c, user!, pass)) return;
  if (!c.authenticated) {
    c.addError(HELLO_NOAUTH);
    return;
  }
  if (name !== null) c.name = name;
  if (ver) c.resp = ver as 2 | 3;
  const s = c.server;
  c.addMapLen(7);
  c.addBulk("server");
  c.addBulk("redis");
  c.addBulk("version");
  c.addBulk(REDIS_VERSION);
  c.addBulk("proto");
  c.addInt(c.resp);
  c.addBulk("id");
  c.addInt(c.id);
  c.addBulk("mode");
  c.addBulk(configValue(s, "cluster-enabled") === true ? "cluster" : "standalone");
  c.addBulk("role");
  c.addBulk(infoField(s, "role", "master") === "slave" ? "replica" : "master");
  c.addBulk("modules");
  c.addArrayLen(0);
}

const resetHooks: ((c: Client) => void)[] = [];

/** Registers per-connection state RESET must clear (discard MULTI, unwatch, unsubscribe…). */
export function onClientReset(hook: (c: Client) => void): void {
  resetHooks.push(hook);
}

function reset(c: Client): void {
  if (c.flags.has("M") || c.flags.has("S")) {
    c.addError(RESET_NOT_NORMAL);
    return;
  }
  for (const h of resetHooks) h(c);
  c.select(0);
  c.resp = 2;
  c.name = "";
  c.replyMode = "on";
  c.skipNext = false;
  c.muted = false;
  c.noEvict = false;
  c.noTouch = false;
  c.flags.delete("r"); // READONLY (cluster)
  c.user = "default";
  c.authenticated = !c.server.requiresAuth();
  c.addStatus("RESET");
}

export const commands: CommandDef[] = [
  { name: "ping", handler: ping },
  { name: "echo", handler: echo },
  { name: "quit", handler: quit },
  { name: "select", handler: select },
  { name: "hello", handler: hello },
  { name: "auth", handler: auth },
  { name: "reset", handler: reset },
];
