/**
 * Text helpers shared by the config modules: Redis's memory units (memtoull and the CONFIG REWRITE
 * "1gb" form), sdscatrepr quoting, and strerror-style texts for file errors.
 */

const UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};
const ULLONG_MAX = 18446744073709551615n;

/**
 * Parses a memory amount exactly like Redis's memtoull: digits then an optional unit (b, k, kb, m,
 * mb, g, gb, any case). No sign, no spaces, no fraction. Returns null when invalid or beyond 2^64-1.
 */
export function parseMemoryBig(s: string): bigint | null {
  const m = /^([0-9]*)([a-zA-Z]*)$/.exec(s);
  if (!m || m[1].length === 0 || m[1].length >= 128) return null;
  const mul = UNITS[m[2].toLowerCase()];
  if (mul === undefined) return null;
  const v = BigInt(m[1]);
  if (v > ULLONG_MAX) return null;
  if (v > ULLONG_MAX / mul) return null;
  return v * mul;
}

/** Like parseMemoryBig but as a JS number (callers that only deal with sane sizes). */
export function parseMemory(s: string): number | null {
  const v = parseMemoryBig(s);
  return v === null ? null : Number(v);
}

/** Redis's rewriteConfigFormatMemory: "1gb", "64mb", "4kb" when exact, else the plain number. */
export function formatMemory(bytes: number | bigint): string {
  const b = BigInt(bytes);
  const gb = 1024n * 1024n * 1024n, mb = 1024n * 1024n, kb = 1024n;
  if (b !== 0n && b % gb === 0n) return `${b / gb}gb`;
  if (b !== 0n && b % mb === 0n) return `${b / mb}mb`;
  if (b !== 0n && b % kb === 0n) return `${b / kb}kb`;
  return String(b);
}

/** Redis's sdscatrepr: a double-quoted string with C escapes (\n \r \t \a \b \\ \" and \xHH). */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    switch (c) {
      case "\\":
        out += "\\\\";
        break;
      case '"':
        out += '\\"';
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      case "\x07":
        out += "\\a";
        break;
      case "\b":
        out += "\\b";
        break;
      default:
        out += code >= 0x20 && code <= 0x7e ? c : `\\x${code.toString(16).padStart(2, "0")}`;
    }
  }
  return out + '"';
}

/** The strerror() text for a failed file operation (what Redis prints after "…: "). */
export function strerror(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "No such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "Is a directory";
  if (e instanceof Deno.errors.NotADirectory) return "Not a directory";
  if (e instanceof Deno.errors.AlreadyExists) return "File exists";
  const msg = e instanceof Error ? e.message : String(e);
  // Deno messages look like "Permission denied (os error 13): open '/x'"; keep the OS part.
  const m = /^(.*?) \(os error \d+\)/.exec(msg);
  return m ? m[1] : msg;
}
