/**
 * Glob-style pattern matching with the exact semantics of Redis's `stringmatchlen` (util.c), used by
 * KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, COMMAND LIST, ACL key patterns…
 *
 * `*` any run, `?` any one byte, `[abc]` / `[^abc]` / `[a-z]` classes (reversed ranges swap, an
 * unterminated class acts as if closed, `\x` escapes inside), `\x` escapes outside (a trailing lone
 * `\` matches itself). Quirks are kept on purpose: `*` never matches an empty subject unless more
 * pattern precedes it ("*" vs "" is false, "a*" vs "a" is true), range bounds compare as C `char`
 * (signed, so bytes ≥ 0x80 sort below 0), `nocase` folds ASCII only, recursion stops at depth 1000
 * and the "skip longer matches" short-cut defuses patterns like `a*a*a*…b`.
 *
 * Subjects and patterns are binary strings (one char per byte).
 */

const STAR = 42; // *
const QUESTION = 63; // ?
const OPEN = 91; // [
const CLOSE = 93; // ]
const BACKSLASH = 92; // \
const CARET = 94; // ^
const DASH = 45; // -

/** ASCII tolower on a byte, like C's tolower() in the "C" locale. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A byte as C's signed `char` on x86/ARM Linux builds of Redis. */
function signedChar(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/** Shared state of one match: the short-cut flag of Redis's CVE-2022-36021 fix. */
interface MatchState {
  skipLonger: boolean;
}

function matchImpl(
  p: string,
  pi: number,
  plen: number,
  s: string,
  si: number,
  slen: number,
  nocase: boolean,
  st: MatchState,
  nesting: number,
): boolean {
  // Protection against abusive patterns (Redis: nesting > 1000).
  if (nesting > 1000) return false;
  while (plen > 0 && slen > 0) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case STAR: {
        while (plen > 0 && p.charCodeAt(pi + 1) === STAR) {
          pi++;
          plen--;
        }
        if (plen === 1) return true;
        while (slen > 0) {
          if (matchImpl(p, pi + 1, plen - 1, s, si, slen, nocase, st, nesting + 1)) return true;
          if (st.skipLonger) return false;
          si++;
          slen--;
        }
        st.skipLonger = true;
        return false;
      }
      case QUESTION:
        si++;
        slen--;
        break;
      case OPEN: {
        pi++;
        plen--;
        const not = p.charCodeAt(pi) === CARET;
        if (not) {
          pi++;
          plen--;
        }
        let match = false;
        const sc = s.charCodeAt(si);
        while (true) {
          // Past the end of the pattern Redis reads the terminating NUL: never '\\' nor ']'.
          const c0 = plen > 0 ? p.charCodeAt(pi) : 0;
          if (c0 === BACKSLASH && plen >= 2) {
            pi++;
            plen--;
            if (p.charCodeAt(pi) === sc) match = true;
          } else if (c0 === CLOSE && plen > 0) {
            break;
          } else if (plen === 0) {
            pi--;
            plen++;
            break;
          } else if (plen >= 3 && p.charCodeAt(pi + 1) === DASH) {
            let start = signedChar(c0);
            let end = signedChar(p.charCodeAt(pi + 2));
            let c = signedChar(sc);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              c = lower(c);
            }
            pi += 2;
            plen -= 2;
            if (c >= start && c <= end) match = true;
          } else if (!nocase) {
            if (c0 === sc) match = true;
          } else if (lower(c0) === lower(sc)) {
            match = true;
          }
          pi++;
          plen--;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        slen--;
        break;
      }
      default: {
        let c = pc;
        if (c === BACKSLASH && plen >= 2) {
          pi++;
          plen--;
          c = p.charCodeAt(pi);
        }
        const sc = s.charCodeAt(si);
        if (nocase ? lower(c) !== lower(sc) : c !== sc) return false;
        si++;
        slen--;
        break;
      }
    }
    pi++;
    plen--;
    if (slen === 0) {
      // Redis reads through the NUL terminator here, which is never '*'.
      while (plen > 0 && p.charCodeAt(pi) === STAR) {
        pi++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}

/** True when `subject` matches the glob `pattern` (Redis's stringmatchlen). */
export function stringMatch(pattern: string, subject: string, nocase = false): boolean {
  return matchImpl(pattern, 0, pattern.length, subject, 0, subject.length, nocase, { skipLonger: false }, 0);
}

/** True when the pattern uses no glob syntax at all (it then matches only itself). */
function isLiteral(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === STAR || c === QUESTION || c === OPEN || c === BACKSLASH) return false;
  }
  return true;
}

/**
 * A matcher for `pattern`, with fast paths for the common shapes (a literal, `prefix*`) that give
 * exactly the same answers as `stringMatch`. Build it once per command, call it per key.
 */
export function compileGlob(pattern: string, nocase = false): (subject: string) => boolean {
  if (!nocase) {
    if (isLiteral(pattern)) return (s) => s === pattern;
    const last = pattern.length - 1;
    if (last > 0 && pattern.charCodeAt(last) === STAR) {
      let end = last;
      while (end > 0 && pattern.charCodeAt(end - 1) === STAR) end--;
      const prefix = pattern.slice(0, end);
      if (prefix.length > 0 && isLiteral(prefix)) return (s) => s.startsWith(prefix);
    }
  }
  return (s) => stringMatch(pattern, s, nocase);
}
