/**
 * Argument helpers shared by command families: integer/float parsing that replies Redis's error
 * and returns null on failure, and case-insensitive keyword matching.
 */
import type { Client } from "../server/client.ts";
import { NOT_FLOAT, NOT_INTEGER } from "../server/errors.ts";
import { parseDouble, parseInt64 } from "../util/numbers.ts";

/**
 * Parses a 64-bit integer argument as a JS number (safe range) or replies `err` and returns null.
 * Values beyond 2^53 that are valid 64-bit integers are clamped to the nearest safe integer sign-wise
 * only when `allowUnsafe`; otherwise they are an error too.
 */
export function intArg(c: Client, s: string, err: string = NOT_INTEGER): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.addError(err);
    return null;
  }
  return typeof v === "number" ? v : Number(v);
}

/** Parses a 64-bit integer argument exactly (number or bigint) or replies `err` and returns null. */
export function int64Arg(c: Client, s: string, err: string = NOT_INTEGER): number | bigint | null {
  const v = parseInt64(s);
  if (v === null) c.addError(err);
  return v;
}

/** Parses a double argument (no NaN) or replies `err` and returns null. */
export function floatArg(c: Client, s: string, err: string = NOT_FLOAT): number | null {
  const v = parseDouble(s);
  if (v === null) {
    c.addError(err);
    return null;
  }
  return v;
}

/** Case-insensitive keyword comparison (`kw` must be lowercase). */
export function is(arg: string, kw: string): boolean {
  return arg.length === kw.length && arg.toLowerCase() === kw;
}
