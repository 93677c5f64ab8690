/**
 * Key extraction: which arguments of a command line are key names, and how each is accessed.
 *
 * Follows Redis's getKeysFromCommandWithSpecs: key specs first (index or keyword begin search, range
 * or keynum find), and the per-command "getkeys" procedures for commands whose specs cannot describe
 * their keys (SORT's STORE, SET's and BITFIELD's variable flags) or when the specs do not fit the
 * command line. Used by COMMAND GETKEYS / GETKEYSANDFLAGS, and by cluster slot checks and ACL key
 * permissions.
 */
import { type Command, type CompiledKeySpec, F, KS } from "./table.ts";
import { GETKEYS_INVALID_ARG_COUNT, GETKEYS_INVALID_ARGS, GETKEYS_NO_KEYS } from "../server/errors.ts";

/** A key argument: its position in argv and its KS access flags. */
export interface KeyRef {
  pos: number;
  flags: number;
}

/** A native key finder for commands whose key specs are not enough (Redis's getkeys_proc). */
type GetKeysProc = (argv: readonly string[]) => KeyRef[];

/** True when some key spec of `cmd` names real keys (not only channels), or it has a key finder. */
export function commandHasKeys(cmd: Command): boolean {
  if (GETKEYS_PROCS.has(cmd.fullName)) return true;
  for (const s of cmd.keySpecs) if (!(s.flags & KS.NOT_KEY)) return true;
  return false;
}

/**
 * The keys of a command line (argv[0] is the command name, argv[1] the subcommand when `cmd` is
 * one), as Redis finds them: an empty list when the line does not fit the command's key layout.
 */
export function extractKeys(cmd: Command, argv: readonly string[]): KeyRef[] {
  let hasKeySpec = false;
  let hasVariableFlags = false;
  for (const s of cmd.keySpecs) {
    if (!(s.flags & KS.NOT_KEY)) hasKeySpec = true;
    if (s.flags & KS.VARIABLE_FLAGS) hasVariableFlags = true;
  }
  if (hasKeySpec && !hasVariableFlags) {
    const keys = keysFromSpecs(cmd, argv);
    if (keys !== null) return keys;
  }
  const proc = GETKEYS_PROCS.get(cmd.fullName);
  return proc ? proc(argv) : [];
}

/**
 * COMMAND GETKEYS semantics: the keys of a command line, or Redis's error text when the command has
 * no keys, the argument count is wrong or no key can be found.
 */
export function getKeys(cmd: Command, argv: readonly string[]): KeyRef[] | { error: string } {
  if (!commandHasKeys(cmd)) return { error: GETKEYS_NO_KEYS };
  const a = cmd.arity;
  if ((a > 0 && a !== argv.length) || argv.length < -a) return { error: GETKEYS_INVALID_ARG_COUNT };
  const keys = extractKeys(cmd, argv);
  if (keys.length === 0 && !cmd.has(F.NO_MANDATORY_KEYS)) return { error: GETKEYS_INVALID_ARGS };
  return keys;
}

/** Redis's getKeysUsingKeySpecs: null when a spec does not fit the command line. */
function keysFromSpecs(cmd: Command, argv: readonly string[]): KeyRef[] | null {
  const argc = argv.length;
  const keys: KeyRef[] = [];
  for (const spec of cmd.keySpecs) {
    if (spec.flags & KS.NOT_KEY) continue;
    const first0 = beginSearch(spec, argv);
    if (first0 === -1) return null;
    if (first0 === 0) continue; // keyword not present: this spec names no key
    let first = first0;
    let last: number;
    let step: number;
    if (spec.fk === "range") {
      step = spec.step;
      if (spec.lastkey >= 0) last = first + spec.lastkey;
      else if (spec.limit === 0) last = argc + spec.lastkey;
      else last = first + (Math.trunc((argc - first) / spec.limit) + spec.lastkey);
    } else if (spec.fk === "keynum") {
      step = spec.step;
      if (first + spec.keynumidx >= argc) return null;
      const numkeys = parseStrictInt(argv[first + spec.keynumidx]);
      if (numkeys === null || numkeys < 0) return null;
      first += spec.firstkey;
      last = first + numkeys - 1;
    } else {
      return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      // Variadic commands are not arity-checked against their key layout: skip missing keys.
      if (i >= argc || i < first) continue;
      keys.push({ pos: i, flags: spec.flags });
    }
    // An incomplete spec may miss keys: let the native finder decide.
    if (spec.flags & KS.INCOMPLETE) return null;
  }
  return keys;
}

/** Position of the first key of a spec: > 0, 0 when its keyword is absent, -1 when not describable. */
function beginSearch(spec: CompiledKeySpec, argv: readonly string[]): number {
  if (spec.bs === "index") return spec.pos;
  if (spec.bs !== "keyword") return -1;
  const argc = argv.length;
  const start = spec.startfrom > 0 ? spec.startfrom : argc + spec.startfrom;
  const end = spec.startfrom > 0 ? argc - 1 : 1;
  const kw = spec.keyword.toLowerCase();
  for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
    if (i >= argc || i < 1) break;
    if (argv[i].length === kw.length && argv[i].toLowerCase() === kw) return i + 1;
  }
  return 0;
}

/** A strict base-10 64-bit integer in JS number range (Redis's string2ll), or null. */
function parseStrictInt(s: string): number | null {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** C's atoi: optional blanks and sign, then digits up to the first non-digit; 0 when none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  if (!m) return 0;
  const n = Number(m[1]);
  return n > 2147483647 || n < -2147483648 ? n | 0 : n;
}

const eq = (a: string, lower: string) => a.length === lower.length && a.toLowerCase() === lower;

/**
 * Redis's genericGetKeys: `num` keys counted by argv[keyCountOfs] from firstKeyOfs every keyStep, plus
 * a store key; nothing when the count cannot be right. These procedures do not report flags.
 */
function genericKeys(storeKeyOfs: number, keyCountOfs: number, firstKeyOfs: number, keyStep: number): GetKeysProc {
  return (argv) => {
    if (keyCountOfs >= argv.length) return [];
    const num = atoi(argv[keyCountOfs]);
    if (num < 1 || num > Math.trunc((argv.length - firstKeyOfs) / keyStep)) return [];
    const keys: KeyRef[] = [];
    for (let i = 0; i < num; i++) keys.push({ pos: firstKeyOfs + i * keyStep, flags: 0 });
    if (storeKeyOfs) keys.push({ pos: storeKeyOfs, flags: 0 });
    return keys;
  };
}

/** SORT: the sorted key, and the last STORE destination (skipping LIMIT/GET/BY arguments). */
function sortKeys(argv: readonly string[]): KeyRef[] {
  const keys: KeyRef[] = [{ pos: 1, flags: KS.RO | KS.ACCESS }];
  let store: KeyRef | null = null;
  const skips: [string, number][] = [["limit", 2], ["get", 1], ["by", 1]];
  for (let i = 2; i < argv.length; i++) {
    for (const [name, skip] of skips) {
      if (eq(argv[i], name)) {
        i += skip;
        break;
      } else if (eq(argv[i], "store") && i + 1 < argv.length) {
        store = { pos: i + 1, flags: KS.OW | KS.UPDATE };
        break;
      }
    }
  }
  if (store) keys.push(store);
  return keys;
}

/** MIGRATE: the single key argument, or the keys after KEYS (when the key argument is empty). */
function migrateKeys(argv: readonly string[]): KeyRef[] {
  let first = 3;
  let num = 1;
  const skips: [string, number][] = [["copy", 0], ["replace", 0], ["auth", 1], ["auth2", 2]];
  if (argv.length > 6) {
    for (let i = 6; i < argv.length; i++) {
      if (eq(argv[i], "keys")) {
        if (argv[3].length > 0) return [];
        first = i + 1;
        num = argv.length - first;
        break;
      }
      for (const [name, skip] of skips) {
        if (eq(argv[i], name)) {
          i += skip;
          break;
        }
      }
    }
  }
  const keys: KeyRef[] = [];
  for (let i = 0; i < num; i++) keys.push({ pos: first + i, flags: KS.RW | KS.ACCESS | KS.DELETE });
  return keys;
}

/** GEORADIUS/GEORADIUSBYMEMBER: the source key and the last STORE/STOREDIST destination. */
function georadiusKeys(argv: readonly string[]): KeyRef[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    if ((eq(argv[i], "store") || eq(argv[i], "storedist")) && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  const keys: KeyRef[] = [{ pos: 1, flags: 0 }];
  if (stored !== -1) keys.push({ pos: stored, flags: 0 });
  return keys;
}

/** XREAD/XREADGROUP: the first half of the arguments after STREAMS. */
function xreadKeys(argv: readonly string[]): KeyRef[] {
  let streamsPos = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (eq(a, "block") || eq(a, "count")) i++;
    else if (eq(a, "group")) i += 2;
    else if (eq(a, "noack")) continue;
    else if (eq(a, "streams")) {
      streamsPos = i;
      break;
    } else break;
  }
  let num = argv.length - streamsPos - 1;
  if (streamsPos === -1 || num === 0 || num % 2 !== 0) return [];
  num /= 2;
  const keys: KeyRef[] = [];
  for (let i = streamsPos + 1; i < argv.length - num; i++) keys.push({ pos: i, flags: 0 });
  return keys;
}

/** SET: the key is read too when GET is given. */
function setKeys(argv: readonly string[]): KeyRef[] {
  for (let i = 3; i < argv.length; i++) {
    if (eq(argv[i], "get")) return [{ pos: 1, flags: KS.RW | KS.ACCESS | KS.UPDATE }];
  }
  return [{ pos: 1, flags: KS.OW | KS.UPDATE }];
}

/** BITFIELD: read-only when every operation is a GET (with OVERFLOW allowed). */
function bitfieldKeys(argv: readonly string[]): KeyRef[] {
  let readonly = true;
  for (let i = 2; i < argv.length; i++) {
    const remaining = argv.length - i - 1;
    const a = argv[i];
    if (eq(a, "get") && remaining >= 2) i += 2;
    else if ((eq(a, "set") || eq(a, "incrby")) && remaining >= 3) {
      readonly = false;
      break;
    } else if (eq(a, "overflow") && remaining >= 1) i += 1;
    else {
      readonly = false; // syntax error: assume it writes
      break;
    }
  }
  return [{ pos: 1, flags: readonly ? KS.RO | KS.ACCESS : KS.RW | KS.ACCESS | KS.UPDATE }];
}

const KEYS_AFTER_COUNT_AT_1 = genericKeys(0, 1, 2, 1);
const KEYS_AFTER_COUNT_AT_2 = genericKeys(0, 2, 3, 1);
const STORE_THEN_KEYS = genericKeys(1, 2, 3, 1);

/** Native key finders by full command name (Redis's get_keys_function). */
const GETKEYS_PROCS = new Map<string, GetKeysProc>([
  ["eval", KEYS_AFTER_COUNT_AT_2],
  ["evalsha", KEYS_AFTER_COUNT_AT_2],
  ["eval_ro", KEYS_AFTER_COUNT_AT_2],
  ["evalsha_ro", KEYS_AFTER_COUNT_AT_2],
  ["fcall", KEYS_AFTER_COUNT_AT_2],
  ["fcall_ro", KEYS_AFTER_COUNT_AT_2],
  ["zunionstore", STORE_THEN_KEYS],
  ["zinterstore", STORE_THEN_KEYS],
  ["zdiffstore", STORE_THEN_KEYS],
  ["zunion", KEYS_AFTER_COUNT_AT_1],
  ["zinter", KEYS_AFTER_COUNT_AT_1],
  ["zdiff", KEYS_AFTER_COUNT_AT_1],
  ["zintercard", KEYS_AFTER_COUNT_AT_1],
  ["sintercard", KEYS_AFTER_COUNT_AT_1],
  ["lmpop", KEYS_AFTER_COUNT_AT_1],
  ["zmpop", KEYS_AFTER_COUNT_AT_1],
  ["blmpop", KEYS_AFTER_COUNT_AT_2],
  ["bzmpop", KEYS_AFTER_COUNT_AT_2],
  ["sort", sortKeys],
  ["sort_ro", (_argv) => [{ pos: 1, flags: KS.RO | KS.ACCESS }]],
  ["migrate", migrateKeys],
  ["georadius", georadiusKeys],
  ["georadiusbymember", georadiusKeys],
  ["xread", xreadKeys],
  ["xreadgroup", xreadKeys],
  ["set", setKeys],
  ["bitfield", bitfieldKeys],
]);
