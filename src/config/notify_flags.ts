/**
 * notify-keyspace-events classes: the flag bits, Redis's string → flags parser and the canonical
 * flags → string form CONFIG GET prints ("KEA" reads back as "AKE").
 */

export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m
  LOADED: 1 << 12, // module key loaded (no letter)
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n
  OVERWRITTEN: 1 << 15, // o (8.2)
  TYPE_CHANGED: 1 << 16, // c (8.2)
} as const;

/** 'A': every class except key-miss, new, overwritten and type-changed. */
export const NOTIFY_ALL = NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.LIST | NOTIFY.SET | NOTIFY.HASH | NOTIFY.ZSET |
  NOTIFY.EXPIRED | NOTIFY.EVICTED | NOTIFY.STREAM | NOTIFY.MODULE;

const LETTERS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY.GENERIC,
  $: NOTIFY.STRING,
  l: NOTIFY.LIST,
  s: NOTIFY.SET,
  h: NOTIFY.HASH,
  z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED,
  e: NOTIFY.EVICTED,
  K: NOTIFY.KEYSPACE,
  E: NOTIFY.KEYEVENT,
  t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE,
  n: NOTIFY.NEW,
  o: NOTIFY.OVERWRITTEN,
  c: NOTIFY.TYPE_CHANGED,
};

/** Redis's error for an unknown class letter (7.0 text; 8.2 accepts 'o' and 'c' too). */
export const INVALID_EVENT_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** Parses a classes string into flags; null when it holds an unknown letter. */
export function parseKeyspaceEvents(classes: string): number | null {
  let flags = 0;
  for (const ch of classes) {
    const bit = LETTERS[ch];
    if (bit === undefined) return null;
    flags |= bit;
  }
  return flags;
}

/**
 * The canonical text of flags, in Redis's order ("A" when every class of A is set). Like Redis, the
 * classes outside 'A' (n, o, c) are only spelled out when 'A' is not: "KEAn" reads back as "AKE".
 */
export function keyspaceEventsToString(flags: number): string {
  let s = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    s += "A";
  } else {
    const order: [number, string][] = [
      [NOTIFY.GENERIC, "g"],
      [NOTIFY.STRING, "$"],
      [NOTIFY.LIST, "l"],
      [NOTIFY.SET, "s"],
      [NOTIFY.HASH, "h"],
      [NOTIFY.ZSET, "z"],
      [NOTIFY.EXPIRED, "x"],
      [NOTIFY.EVICTED, "e"],
      [NOTIFY.STREAM, "t"],
      [NOTIFY.MODULE, "d"],
      [NOTIFY.NEW, "n"],
      [NOTIFY.OVERWRITTEN, "o"],
      [NOTIFY.TYPE_CHANGED, "c"],
    ];
    for (const [bit, ch] of order) if (flags & bit) s += ch;
  }
  if (flags & NOTIFY.KEYSPACE) s += "K";
  if (flags & NOTIFY.KEYEVENT) s += "E";
  if (flags & NOTIFY.KEY_MISS) s += "m";
  return s;
}
