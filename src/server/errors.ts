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

/** LATENCY GRAPH of an event without samples. */
export function noLatencySamples(event: string): string {
  return `ERR No samples available for event '${event}'`;
}

/** "ERR invalid expire time in 'set' command" */
export function invalidExpire(cmd: string): string {
  return `ERR invalid expire time in '${cmd}' command`;
}

// ---- connection, CLIENT, DEBUG, SHUTDOWN ---------------------------------------------------------

export const HELLO_NOAUTH =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
export const PROTOVER_NOT_INTEGER = "ERR Protocol version is not an integer or out of range";
export const RESET_NOT_NORMAL = "ERR can only reset normal client connections";
export const CLIENT_NAME_INVALID = "ERR Client names cannot contain spaces, newlines or special characters.";
export const INVALID_CLIENT_ID = "ERR Invalid client ID";
export const NO_SUCH_CLIENT = "ERR No such client";
export const CLIENT_ID_NOT_POSITIVE = "ERR client-id should be greater than 0";
export const MAXAGE_NOT_INTEGER = "ERR maxage is not an integer or out of range";
export const MAXAGE_NOT_POSITIVE = "ERR maxage should be greater than 0";
export const TIMEOUT_NOT_INTEGER = "ERR timeout is not an integer or out of range";
export const TIMEOUT_NEGATIVE = "ERR timeout is negative";
export const PAUSE_MODE = "ERR CLIENT PAUSE mode must be WRITE or ALL";
export const NO_SHUTDOWN_IN_PROGRESS = "ERR No shutdown in progress.";
export const SHUTDOWN_FAILED = "ERR Errors trying to SHUTDOWN. Check logs.";
export const SHUTDOWN_DENY_BLOCKING = "ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client";
export const DEBUG_PROTOCOL_TYPE =
  "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";
export const RESP2_UNSUPPORTED = "ERR RESP2 is not supported by this command";

/** "ERR Syntax error in HELLO option 'x'" */
export function helloSyntax(opt: string): string {
  return `ERR Syntax error in HELLO option '${opt}'`;
}

/** "ERR lib-name cannot contain spaces, newlines or special characters." (attribute as typed). */
export function clientAttrInvalid(attr: string): string {
  return `ERR ${attr} cannot contain spaces, newlines or special characters.`;
}

/** "ERR Unrecognized option 'x'" (CLIENT SETINFO). */
export function unrecognizedOption(opt: string): string {
  return `ERR Unrecognized option '${opt}'`;
}

/** "ERR Unknown client type 'x'" */
export function unknownClientType(type: string): string {
  return `ERR Unknown client type '${type}'`;
}

/** "ERR No such user 'x'" */
export function noSuchUser(user: string): string {
  return `ERR No such user '${user}'`;
}

/** Redis's addReplySubcommandSyntaxError: "ERR unknown subcommand or wrong number of arguments for 'x'. Try DEBUG HELP." */
export function subcommandSyntax(sub: string, container: string): string {
  return `ERR unknown subcommand or wrong number of arguments for '${clip(sub)}'. Try ${container.toUpperCase()} HELP.`;
}

// ---- keyspace: KEYS, SCAN, EXPIRE, OBJECT, MOVE, COPY, SWAPDB ------------------------------------

export const INVALID_CURSOR = "ERR invalid cursor";
export const EXPIRE_NX_CONFLICT = "ERR NX and XX, GT or LT options at the same time are not compatible";
export const EXPIRE_GT_LT_CONFLICT = "ERR GT and LT options at the same time are not compatible";
export const INVALID_FIRST_DB = "ERR invalid first DB index";
export const INVALID_SECOND_DB = "ERR invalid second DB index";
export const NOVALUES_HSCAN_ONLY = "ERR NOVALUES option can only be used in HSCAN";
export const LFU_NOT_SELECTED =
  "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
export const LFU_SELECTED =
  "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

/** "ERR Unsupported option xx" (EXPIRE family flags). */
export function unsupportedOption(opt: string): string {
  return `ERR Unsupported option ${opt}`;
}

/** "ERR value is out of range, value must between -2147483648 and 2147483647" (getRangeLongFromObject). */
export function valueOutOfRange(min: number, max: number): string {
  return `ERR value is out of range, value must between ${min} and ${max}`;
}

// ---- strings --------------------------------------------------------------------------------------

export const DECREMENT_OVERFLOW = "ERR decrement would overflow";
export const OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
export const LCS_NOT_STRINGS = "ERR The specified keys must contain string values";
export const LCS_LEN_AND_IDX = "ERR If you want both the length and indexes, please just use IDX.";
export const LCS_TOO_BIG = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

// ---- CONFIG ---------------------------------------------------------------------------------------

export const CONFIG_NO_FILE = "ERR The server is running without a config file";

/** "ERR Unknown option or number of arguments for CONFIG SET - 'x'" */
export function configSetUnknown(name: string): string {
  return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
}

/** "ERR CONFIG SET failed (possibly related to argument 'x') - reason" (reason optional). */
export function configSetFailed(name: string, reason?: string): string {
  const base = `ERR CONFIG SET failed (possibly related to argument '${name}')`;
  return reason === undefined ? base : `${base} - ${reason}`;
}

/** "ERR Rewriting config file: reason" */
export function configRewriteFailed(reason: string): string {
  return `ERR Rewriting config file: ${reason}`;
}

// COMMAND GETKEYS / GETKEYSANDFLAGS
export const GETKEYS_INVALID_COMMAND = "ERR Invalid command specified";
export const GETKEYS_NO_KEYS = "ERR The command has no key arguments";
export const GETKEYS_INVALID_ARG_COUNT = "ERR Invalid number of arguments specified for command";
export const GETKEYS_INVALID_ARGS = "ERR Invalid arguments specified for command";

// ---- hashes (t_hash.c) -------------------------------------------------------------------------

export const HASH_VALUE_NOT_INTEGER = "ERR hash value is not an integer";
export const HASH_VALUE_NOT_FLOAT = "ERR hash value is not a float";
export const VALUE_NAN_OR_INFINITY = "ERR value is NaN or Infinity";
export const VALUE_OUT_OF_RANGE = "ERR value is out of range";
/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) without a custom message (HRANDFIELD count). */
export const LONG_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
export const FIELDS_MISSING = "ERR Mandatory argument FIELDS is missing or not at the right position";
export const NUMFIELDS_NOT_POSITIVE = "ERR Parameter `numFields` should be greater than 0";
export const NUMFIELDS_MISMATCH = "ERR The `numfields` parameter must match the number of arguments";
export const NUMFIELDS_POSITIVE_INTEGER = "ERR Number of fields must be a positive integer";
export const FIELD_EXPIRE_NEGATIVE = "ERR invalid expire time, must be >= 0";
export const HSETEX_NUMFIELDS = "ERR invalid number of fields";
export const HSETEX_MISSING_EXPIRE = "ERR missing expire time";
export const HSETEX_FXX_FNX = "ERR Only one of FXX or FNX arguments can be specified";
export const HSETEX_ONE_EXPIRE = "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified";

/** "ERR unknown argument: x" (HSETEX). */
export function unknownArgument(arg: string): string {
  return `ERR unknown argument: ${arg}`;
}

// ---- sets and sorted sets (t_set.c, t_zset.c) ----------------------------------------------------

export const NUMKEYS_NOT_POSITIVE = "ERR numkeys should be greater than 0";
export const NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
export const LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
export const COUNT_NOT_POSITIVE = "ERR count should be greater than 0";
export const ZADD_XX_AND_NX = "ERR XX and NX options at the same time are not compatible";
export const ZADD_GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
export const ZADD_INCR_SINGLE = "ERR INCR option supports a single increment-element pair";
export const SCORE_NAN = "ERR resulting score is not a number (NaN)";
export const MIN_MAX_NOT_FLOAT = "ERR min or max is not a float";
export const MIN_MAX_NOT_LEX = "ERR min or max not valid string range item";
export const WEIGHT_NOT_FLOAT = "ERR weight value is not a float";
export const ZRANGE_LIMIT_NEEDS_BY =
  "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
export const ZRANGE_WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

/** "ERR at least 1 input key is needed for 'zunionstore' command" */
export function atLeastOneInputKey(cmd: string): string {
  return `ERR at least 1 input key is needed for '${cmd}' command`;
}

// ---- lists, blocking, SORT (t_list.c, blocked.c, timeout.c, sort.c) --------------------------------

export const TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
export const TIMEOUT_OUT_OF_RANGE = "ERR timeout is out of range";
export const INDEX_OUT_OF_RANGE = "ERR index out of range";
export const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
export const COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const UNBLOCK_REASON = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
export const SORT_SCORE_NOT_DOUBLE = "ERR One or more scores can't be converted into double";

// ---- bitmaps, BITFIELD, HyperLogLog (bitops.c, hyperloglog.c) ------------------------------------

export const BIT_OFFSET_INVALID = "ERR bit offset is not an integer or out of range";
export const BIT_VALUE_INVALID = "ERR bit is not an integer or out of range";
export const BITPOS_BIT_INVALID = "ERR The bit argument must be 1 or 0.";
export const BITOP_NOT_ONE_KEY = "ERR BITOP NOT must be called with a single source key.";
export const BITFIELD_TYPE_INVALID =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
export const BITFIELD_OVERFLOW_INVALID = "ERR Invalid OVERFLOW type specified";
export const BITFIELD_RO_GET_ONLY = "ERR BITFIELD_RO only supports the GET subcommand";
export const HLL_WRONGTYPE = "WRONGTYPE Key is not a valid HyperLogLog string value.";
export const HLL_INVALID = "INVALIDOBJ Corrupted HLL object detected";
export const PFDEBUG_NO_KEY = "ERR The specified key does not exist";
export const PFDEBUG_NOT_SPARSE = "ERR HLL encoding is not sparse";

/** "ERR BITOP DIFF must be called with at least two source keys." (operator uppercased). */
export function bitopTwoKeys(op: string): string {
  return `ERR BITOP ${op.toUpperCase()} must be called with at least two source keys.`;
}

/** "ERR Unknown PFDEBUG subcommand 'x'" */
export function pfdebugUnknown(sub: string): string {
  return `ERR Unknown PFDEBUG subcommand '${sub}'`;
}

// ---- Pub/Sub (pubsub.c, server.c) ------------------------------------------------------------------

export const SSUBSCRIBE_DENY_BLOCKING = "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client";

/** The RESP2 subscribed-mode rejection: "ERR Can't execute 'get': only (P|S)SUBSCRIBE / …" (full name). */
export function pubsubContext(fullName: string): string {
  return `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
}

/** PFSELFTEST failures: "ERR TESTFAILED <detail>". */
export function hllTestFailed(detail: string): string {
  return `ERR TESTFAILED ${detail}`;
}

// ---- transactions and client-side caching (multi.c, tracking.c, CLIENT TRACKING) -----------------

export const MULTI_NESTED = "ERR MULTI calls can not be nested";
export const EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
export const DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";
export const WATCH_INSIDE_MULTI = "ERR WATCH inside MULTI is not allowed";
export const EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
export const NOT_ALLOWED_IN_MULTI = "ERR Command not allowed inside a transaction";
export const TRACKING_ONE_REDIRECT = "ERR A client can only redirect to a single other client";
export const TRACKING_NO_REDIRECT_CLIENT = "ERR The client ID you want redirect to does not exist";
export const TRACKING_PREFIX_NEEDS_BCAST = "ERR PREFIX option requires BCAST mode to be enabled";
export const TRACKING_BCAST_SWITCH =
  "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
export const TRACKING_BCAST_OPTIN = "ERR OPTIN and OPTOUT are not compatible with BCAST";
export const TRACKING_OPTIN_AND_OPTOUT = "ERR You can't specify both OPTIN mode and OPTOUT mode";
export const TRACKING_OPT_SWITCH =
  "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
export const CACHING_NOT_TRACKING =
  "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled";
export const CACHING_YES_NOT_OPTIN = "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
export const CACHING_NO_NOT_OPTOUT = "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";

/** "ERR Prefix 'ab' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap." */
export function prefixOverlapsExisting(prefix: string, existing: string): string {
  return `ERR Prefix '${prefix}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`;
}

/** "ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap." */
export function prefixOverlapsProvided(prefix: string, other: string): string {
  return `ERR Prefix '${prefix}' overlaps with another provided prefix '${other}'. Prefixes for a single client must not overlap.`;
}

// ---- GEO (geo.c) -----------------------------------------------------------------------------------

export const GEO_BAD_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";
export const GEO_NEED_RADIUS = "ERR need numeric radius";
export const GEO_NEED_WIDTH = "ERR need numeric width";
export const GEO_NEED_HEIGHT = "ERR need numeric height";
export const GEO_NEGATIVE_RADIUS = "ERR radius cannot be negative";
export const GEO_NEGATIVE_BOX = "ERR height or width cannot be negative";
export const GEO_BAD_MEMBER = "ERR could not decode requested zset member";
export const GEO_COUNT_POSITIVE = "ERR COUNT must be > 0";
export const GEO_ANY_NEEDS_COUNT = "ERR the ANY argument requires COUNT argument";

/** "ERR invalid longitude,latitude pair 200.000000,10.000000" (coordinates already formatted). */
export function geoInvalidPair(lon: string, lat: string): string {
  return `ERR invalid longitude,latitude pair ${lon},${lat}`;
}

/** "ERR GEOSEARCHSTORE is not compatible with …" / "ERR STORE option in GEORADIUS is not compatible with …" */
export function geoStoreIncompatible(searchStore: boolean): string {
  return `ERR ${
    searchStore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"
  } is not compatible with WITHDIST, WITHHASH and WITHCOORD options`;
}

/** "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch" (name as typed). */
export function geoNeedFrom(cmd: string): string {
  return `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cmd}`;
}

/** "ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch" (name as typed). */
export function geoNeedBy(cmd: string): string {
  return `ERR exactly one of BYRADIUS and BYBOX can be specified for ${cmd}`;
}

// ---- streams (t_stream.c) ----
export const STREAM_ID_INVALID = "ERR Invalid stream ID specified as stream command argument";
export const XADD_ID_SMALLER = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
export const XADD_ID_ZERO = "ERR The ID specified in XADD must be greater than 0-0";
export const STREAM_EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items";
export const STREAM_MAXLEN_MINID = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
export const STREAM_MAXLEN_NEGATIVE = "ERR The MAXLEN argument must be >= 0.";
export const STREAM_LIMIT_NEGATIVE = "ERR The LIMIT argument must be >= 0.";
export const STREAM_LIMIT_NO_APPROX = "ERR syntax error, LIMIT cannot be used without the special ~ option";
export const STREAM_BAD_START = "ERR invalid start ID for the interval";
export const STREAM_BAD_END = "ERR invalid end ID for the interval";
export const XGROUP_NO_KEY =
  "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
export const XGROUP_BUSY = "BUSYGROUP Consumer Group name already exists";
export const XGROUP_ENTRIESREAD = "ERR value for ENTRIESREAD must be positive or -1";
export const XSETID_SMALLER = "ERR The ID specified in XSETID is smaller than the target stream top item";
export const XSETID_ENTRIES_ADDED =
  "ERR The entries_added specified in XSETID is smaller than the target stream length";
export const XSETID_MAX_DELETED = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
export const XREAD_UNBALANCED =
  "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.";
export const XREADGROUP_UNBALANCED =
  "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.";
export const XREAD_GT_WITHOUT_GROUP =
  "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.";
export const XREAD_DOLLAR_IN_GROUP =
  "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.";
export const XREAD_PLUS_IN_GROUP = "ERR The + ID is meaningful only for XREAD, not for XREADGROUP.";
export const XREAD_NO_GROUP_OPT = "ERR Missing GROUP option for XREADGROUP";
export const XCLAIM_BAD_IDLE = "ERR Invalid IDLE option argument for XCLAIM";
export const XCLAIM_BAD_TIME = "ERR Invalid TIME option argument for XCLAIM";
export const XCLAIM_BAD_RETRYCOUNT = "ERR Invalid RETRYCOUNT option argument for XCLAIM";
export const XAUTOCLAIM_BAD_COUNT = "ERR COUNT must be > 0";
export const XIDS_NUMIDS = "ERR Number of IDs must be a positive integer";
export const XIDS_MISMATCH = "ERR The `numids` parameter must match the number of arguments";

/** "NOGROUP No such key 'k' or consumer group 'g' in XREADGROUP with GROUP option" and friends. */
export function noGroup(key: string, group: string, cmd: string): string {
  return `NOGROUP No such key '${key}' or consumer group '${group}'${cmd}`;
}
export const XSETID_ENTRIES_ADDED_NEGATIVE = "ERR entries_added must be positive";
export const XSETID_BELOW_MAX_DELETED = "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id";

// ---- scripting (EVAL, SCRIPT, FUNCTION, FCALL) ------------------------------------------------------
export const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
export const NOTBUSY = "NOTBUSY No scripts in execution right now.";
export const NUMKEYS_TOO_BIG = "ERR Number of keys can't be greater than number of args";
export const NUMKEYS_NEGATIVE = "ERR Number of keys can't be negative";
export const SCRIPT_FLUSH_OPTION = "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
export const SCRIPT_RO_WRITE_FLAG = "ERR Can not execute a script with write flag using *_ro command.";
export const FUNCTION_NOT_FOUND = "ERR Function not found";
export const LIBRARY_NOT_FOUND = "ERR Library not found";
export const FCALL_BAD_NUMKEYS = "ERR Bad number of keys provided";

// ---- persistence (SAVE, BGSAVE, DEBUG RELOAD, DUMP, RESTORE) ----------------------------------------
export const ERR_GENERIC = "ERR";
/** Writes refused after a failed background save (stop-writes-on-bgsave-error). */
export const MISCONF_RDB =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
/** Writes refused after a failed AOF write. */
export function misconfAof(err: string): string {
  return `MISCONF Errors writing to the AOF file: ${err}`;
}
/** A command that cannot run while the dataset is being loaded. */
export const LOADING = "LOADING Redis is loading the dataset in memory";
/** BGSAVE while an AOF rewrite runs. */
export const BGSAVE_AOF_ACTIVE =
  "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";
/** BGREWRITEAOF twice. */
export const AOFRW_IN_PROGRESS = "ERR Background append only file rewriting already in progress";
export const BGSAVE_IN_PROGRESS = "ERR Background save already in progress";
export const RELOAD_FAILED = "ERR Error trying to load the RDB dump, check server logs.";
export const RELOAD_OPTIONS = "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.";
export const BUSYKEY = "BUSYKEY Target key name already exists.";
export const DUMP_PAYLOAD_BAD = "ERR DUMP payload version or checksum are wrong";
export const BAD_DATA_FORMAT = "ERR Bad data format";
export const RESTORE_BAD_TTL = "ERR Invalid TTL value, must be >= 0";
export const RESTORE_BAD_IDLETIME = "ERR Invalid IDLETIME value, must be >= 0";
export const RESTORE_BAD_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255";
export const XAUTOCLAIM_BAD_IDLE = "ERR Invalid min-idle-time argument for XAUTOCLAIM";
export const XCLAIM_BAD_MINIDLE = "ERR Invalid min-idle-time argument for XCLAIM";

/** "ERR Unrecognized XCLAIM option 'x'" */
export function xclaimBadOption(opt: string): string {
  return `ERR Unrecognized XCLAIM option '${opt}'`;
}

/** "NOGROUP No such consumer group 'g' for key name 'k'" (XGROUP). */
export function noGroupForKey(group: string, key: string): string {
  return `NOGROUP No such consumer group '${group}' for key name '${key}'`;
}
export const XREAD_GROUP_ONLY = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
export const XREAD_NOACK_ONLY = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
export const STREAM_LIMIT_NO_STRATEGY = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
export const XTRIM_NO_STRATEGY = "ERR syntax error, XTRIM must be called with a trimming strategy";

// ---- busy scripts (script.c) ------------------------------------------------------------------------
/** shared.slowevalerr: what other clients get while an EVAL runs past busy-reply-threshold. */
export const BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
/** shared.slowscripterr: the same while a function (FCALL) runs. */
export const BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
export const UNKILLABLE_WROTE =
  "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
/** The error a killed script raises (its caller gets it with the script name and line appended). */
export const SCRIPT_KILLED = "Script killed by user with SCRIPT KILL...";
