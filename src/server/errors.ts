/**
 * Redis's error reply texts, in one place. Handlers reply with these constants or builders and never
 * retype an error inline, so clients that match on them keep working.
 */

export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const SYNTAX = "ERR syntax error";
export const NOT_INTEGER = "ERR value is not an integer or out of range";
export const NOT_FLOAT = "ERR value is not a valid float";
export const OVERFLOW = "ERR increment or decrement would overflow";
export const NO_SUCH_KEY = "ERR no such key";
export const INVALID_DB = "ERR DB index is out of range";
export const SAME_OBJECT = "ERR source and destination objects are the same";
export const NOAUTH = "NOAUTH Authentication required.";
export const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
export const AUTH_NOT_CONFIGURED =
  "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
export const STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
export const INCR_NAN = "ERR increment would produce NaN or Infinity";
export const MAX_CLIENTS = "ERR max number of clients reached";
export const OUT_OF_RANGE_ZERO = "ERR value is out of range, must be positive";
export const NOPROTO = "NOPROTO unsupported protocol version";
export const DEBUG_DISABLED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';
export const PROTECTED_MODE =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/** Truncates like Redis's `%.128s` for arguments echoed in errors. */
function clip(s: string): string {
  return s.length > 128 ? s.slice(0, 128) : s;
}

/** "ERR wrong number of arguments for 'get' command" (full name, lowercase, `a|b` for subcommands). */
export function wrongArity(fullName: string): string {
  return `ERR wrong number of arguments for '${fullName}' command`;
}

/** Redis's unknown command error, listing the first arguments. */
export function unknownCommand(name: string, args: readonly string[]): string {
  let s = `ERR unknown command '${clip(name)}', with args beginning with: `;
  for (const a of args) {
    if (s.length >= 128 + 60) break;
    s += `'${clip(a)}' `;
  }
  return s;
}

/** "ERR unknown subcommand 'x'. Try CLIENT HELP." */
export function unknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${clip(sub)}'. Try ${container.toUpperCase()} HELP.`;
}

/** "ERR invalid expire time in 'set' command" */
export function invalidExpire(cmd: string): string {
  return `ERR invalid expire time in '${cmd}' command`;
}
