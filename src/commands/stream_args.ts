/**
 * Argument parsing shared by the stream commands: IDs in their strict, interval and XADD forms, the
 * XADD/XTRIM trimming options (MAXLEN|MINID [=|~] n [LIMIT n], 8.2 KEEPREF|DELREF|ACKED), the 8.2
 * `IDS numids id…` block, and the stream lookup with the type check. Each helper replies the error
 * and returns null on failure.
 */
import type { Client } from "../server/client.ts";
import {
  NOT_INTEGER,
  STREAM_ID_INVALID,
  STREAM_LIMIT_NEGATIVE,
  STREAM_LIMIT_NO_APPROX,
  STREAM_LIMIT_NO_STRATEGY,
  STREAM_MAXLEN_MINID,
  STREAM_MAXLEN_NEGATIVE,
  SYNTAX,
  WRONGTYPE,
  XIDS_MISMATCH,
  XIDS_NUMIDS,
  XTRIM_NO_STRATEGY,
} from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";
import { type ParsedId, parseIdSimple, parseIdText, type StreamId } from "../types/stream_id.ts";
import { type RefPolicy, Stream, type TrimArgs } from "../types/stream.ts";
import { mustObeyClient } from "./propagation.ts";

/** streamParseStrictIDOrReply: "ms" or "ms-seq" (no "-" / "+"). */
export function strictId(c: Client, s: string, missingSeq: "min" | "max" = "min"): StreamId | null {
  const simple = parseIdSimple(s, missingSeq);
  if (simple !== undefined) return simple;
  const p = parseIdText(s, missingSeq, true);
  if (p === null) {
    c.addError(STREAM_ID_INVALID);
    return null;
  }
  return p.id;
}

/** streamParseIDOrReply: also accepts "-" and "+". */
export function looseId(c: Client, s: string, missingSeq: "min" | "max" = "min"): StreamId | null {
  const simple = parseIdSimple(s, missingSeq);
  if (simple !== undefined) return simple;
  const p = parseIdText(s, missingSeq, false);
  if (p === null) {
    c.addError(STREAM_ID_INVALID);
    return null;
  }
  return p.id;
}

/** streamParseIntervalIDOrReply: "(id" (exclusive, strict) or a loose ID. */
export function intervalId(
  c: Client,
  s: string,
  missingSeq: "min" | "max",
): { id: StreamId; exclusive: boolean } | null {
  const exclusive = s.length > 1 && s[0] === "(";
  const id = exclusive ? strictId(c, s.slice(1), missingSeq) : looseId(c, s, missingSeq);
  return id === null ? null : { id, exclusive };
}

/** A 64-bit integer argument as a number (clamped beyond 2^53), or null after replying. */
export function llArg(c: Client, s: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.addError(NOT_INTEGER);
    return null;
  }
  return Number(v);
}

/** The stream at `key` for writing/reading, undefined when missing, null after a WRONGTYPE reply. */
export function streamAt(c: Client, key: string, read = false): Stream | undefined | null {
  const v = read ? c.db.lookupRead(key) : c.db.lookup(key);
  if (v === undefined) return undefined;
  if (!(v instanceof Stream)) {
    c.addError(WRONGTYPE);
    return null;
  }
  return v;
}

/** Parsed XADD/XTRIM options (streamParseAddOrTrimArgsOrReply). */
export interface AddTrimArgs {
  trim: TrimArgs | null;
  /** argv index of the trim threshold (rewritten for propagation after approximate trims). */
  trimArgIdx: number;
  nomkstream: boolean;
  /** XADD: the ID argument's index and value (null for `*`). */
  idIdx: number;
  id: ParsedId | null;
  policy: RefPolicy;
}

const DEFAULT_LIMIT_FACTOR = 100;

/** `XADD key * …`: no options (shared, never modified). */
const PLAIN_AUTO_ID: Readonly<AddTrimArgs> = {
  trim: null,
  trimArgIdx: 0,
  nomkstream: false,
  idIdx: 2,
  id: null,
  policy: "keepref",
};

/** Parses options from argv[2]; for XADD stops at the ID (`*` or explicit). */
export function parseAddTrim(c: Client, argv: string[], xadd: boolean): Readonly<AddTrimArgs> | null {
  if (xadd && argv.length > 2 && argv[2] === "*") return PLAIN_AUTO_ID;
  let strategy: "maxlen" | "minid" | null = null;
  let maxlen = -1;
  let minid: StreamId = "";
  let approx = false;
  let limit = -1;
  let trimArgIdx = 0;
  let policy: RefPolicy = "keepref";
  const out: AddTrimArgs = { trim: null, trimArgIdx: 0, nomkstream: false, idIdx: -1, id: null, policy };
  let i = 2;
  for (; i < argv.length; i++) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i];
    const lo = opt.length <= 10 ? opt.toLowerCase() : "";
    if (xadd && opt === "*") {
      out.idIdx = i;
      break;
    } else if ((lo === "maxlen" || lo === "minid") && moreargs) {
      if (strategy !== null) {
        c.addError(STREAM_MAXLEN_MINID);
        return null;
      }
      approx = false;
      const next = argv[i + 1];
      if (moreargs >= 2 && next === "~") {
        approx = true;
        i++;
      } else if (moreargs >= 2 && next === "=") i++;
      if (lo === "maxlen") {
        const v = llArg(c, argv[i + 1]);
        if (v === null) return null;
        if (v < 0) {
          c.addError(STREAM_MAXLEN_NEGATIVE);
          return null;
        }
        maxlen = v;
      } else {
        const id = strictId(c, argv[i + 1]);
        if (id === null) return null;
        minid = id;
      }
      i++;
      strategy = lo;
      trimArgIdx = i;
    } else if (lo === "limit" && moreargs) {
      const v = llArg(c, argv[i + 1]);
      if (v === null) return null;
      if (v < 0) {
        c.addError(STREAM_LIMIT_NEGATIVE);
        return null;
      }
      limit = v;
      i++;
    } else if (lo === "keepref" || lo === "delref" || lo === "acked") {
      policy = lo;
    } else if (xadd && lo === "nomkstream") {
      out.nomkstream = true;
    } else if (xadd) {
      const p = parseIdText(opt, "min", true, true);
      if (p === null) {
        c.addError(STREAM_ID_INVALID);
        return null;
      }
      out.idIdx = i;
      out.id = p;
      break;
    } else {
      c.addError(SYNTAX);
      return null;
    }
  }
  if (xadd && out.idIdx < 0) out.idIdx = i;
  if (limit > 0 && strategy === null) {
    c.addError(STREAM_LIMIT_NO_STRATEGY);
    return null;
  }
  if (!xadd && strategy === null) {
    c.addError(XTRIM_NO_STRATEGY);
    return null;
  }
  if (mustObeyClient(c)) {
    // Replicated / AOF commands carry exact thresholds (approximate trims are rewritten with "="),
    // possibly with the original LIMIT: it is not enforced.
    limit = 0;
  } else if (limit !== -1 && !approx) {
    c.addError(STREAM_LIMIT_NO_APPROX);
    return null;
  }
  if (strategy !== null) {
    if (limit === -1) limit = approx ? DEFAULT_LIMIT_FACTOR * c.server.config.num("stream-node-max-entries") : 0;
    out.trim = { strategy, maxlen, minid, approx, limit, policy };
    out.trimArgIdx = trimArgIdx;
  }
  out.policy = policy;
  return out;
}

/** Parses `[KEEPREF|DELREF|ACKED] IDS numids id…` from argv[from]; null after replying. */
export function parsePolicyIds(
  c: Client,
  argv: string[],
  from: number,
): { policy: RefPolicy; ids: StreamId[] } | null {
  let policy: RefPolicy = "keepref";
  let i = from;
  const lo = argv[i].toLowerCase();
  if (lo === "keepref" || lo === "delref" || lo === "acked") {
    policy = lo;
    i++;
  }
  if (i >= argv.length || argv[i].toLowerCase() !== "ids" || i + 1 >= argv.length) {
    c.addError(SYNTAX);
    return null;
  }
  const n = parseInt64(argv[i + 1]);
  if (n === null || n <= 0) {
    c.addError(XIDS_NUMIDS);
    return null;
  }
  if (Number(n) !== argv.length - i - 2) {
    c.addError(XIDS_MISMATCH);
    return null;
  }
  const ids: StreamId[] = [];
  for (let j = i + 2; j < argv.length; j++) {
    const id = strictId(c, argv[j]);
    if (id === null) return null;
    ids.push(id);
  }
  return { policy, ids };
}
