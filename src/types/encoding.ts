/**
 * OBJECT ENCODING names for values, with Redis's rules for strings: `int` for canonical 64-bit
 * integers up to 20 chars, `embstr` up to 44 bytes, `raw` beyond or after in-place edits.
 */
import type { Value } from "./value.ts";
import { isInt64String } from "../util/numbers.ts";

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const EMBSTR_LIMIT = 44;

/** The encoding Redis reports for string `s`; `forcedRaw` for values edited in place (APPEND…). */
export function stringEncoding(s: string, forcedRaw: boolean): string {
  if (forcedRaw) return "raw"; // an in-place edit stays raw even when it reads as an integer ("1" + "2")
  if (isInt64String(s)) return "int";
  return s.length <= EMBSTR_LIMIT ? "embstr" : "raw";
}

/** The OBJECT ENCODING of any value. */
export function encodingOf(v: Value, forcedRaw = false): string {
  return typeof v === "string" ? stringEncoding(v, forcedRaw) : v.encoding();
}
