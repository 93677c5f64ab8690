/**
 * The multi-part AOF manifest, as Redis 7+ writes it in `appenddirname`: one line per file,
 * `file <name> seq <n> type <b|h|i>` (base, history, incremental), base first, then history, then
 * the incremental files in order. Also the file names Redis derives from `appendfilename`.
 */

/** One file listed in the manifest. */
export interface AofInfo {
  name: string;
  seq: number;
  type: "b" | "h" | "i";
}

/** The manifest: at most one base, the history files waiting for deletion, the incr files in order. */
export interface AofManifest {
  base: AofInfo | null;
  incrs: AofInfo[];
  history: AofInfo[];
  /** Highest base and incr sequence numbers used so far. */
  baseSeq: number;
  incrSeq: number;
}

/** An empty manifest. */
export function emptyManifest(): AofManifest {
  return { base: null, incrs: [], history: [], baseSeq: 0, incrSeq: 0 };
}

/** `appendonly.aof.3.base.rdb` / `.base.aof`. */
export function baseFileName(appendfilename: string, seq: number, rdb: boolean): string {
  return `${appendfilename}.${seq}.base.${rdb ? "rdb" : "aof"}`;
}

/** `appendonly.aof.3.incr.aof`. */
export function incrFileName(appendfilename: string, seq: number): string {
  return `${appendfilename}.${seq}.incr.aof`;
}

/** `appendonly.aof.manifest`. */
export function manifestFileName(appendfilename: string): string {
  return `${appendfilename}.manifest`;
}

/** Quotes a name the way sdscatrepr does when it holds spaces or unprintable bytes. */
function quoteName(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !name.includes('"') && !name.includes("\\")) return name;
  let s = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === "\\" || ch === '"') s += "\\" + ch;
    else if (ch === "\n") s += "\\n";
    else if (ch === "\r") s += "\\r";
    else if (ch === "\t") s += "\\t";
    else if (c < 0x20 || c >= 0x7f) s += "\\x" + c.toString(16).padStart(2, "0");
    else s += ch;
  }
  return s + '"';
}

/** The manifest's text (what Redis writes, byte for byte). */
export function formatManifest(m: AofManifest): string {
  let s = "";
  const line = (f: AofInfo) => `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`;
  if (m.base !== null) s += line(m.base);
  for (const h of m.history) s += line(h);
  for (const i of m.incrs) s += line(i);
  return s;
}

/** Splits a manifest line into words, honouring double quotes and \x escapes (sdssplitargs). */
function splitWords(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let w = "";
    if (line[i] === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const ch = line[i];
        if (ch === "\\" && i + 1 < line.length) {
          const n = line[i + 1];
          if (n === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            w += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          w += n === "n" ? "\n" : n === "r" ? "\r" : n === "t" ? "\t" : n;
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        w += ch;
        i++;
      }
      if (!closed) return null;
    } else {
      while (i < line.length && !/\s/.test(line[i])) w += line[i++];
    }
    out.push(w);
  }
  return out;
}

/**
 * Parses a manifest (Redis's aofLoadManifestFromFile). Returns the manifest or Redis's error text.
 */
export function parseManifest(text: string): AofManifest | string {
  const m = emptyManifest();
  if (text.length === 0) return "Found an empty AOF manifest";
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const raw of lines) {
    if (raw.length > 1024) return "The AOF manifest file contains too long line";
    const line = raw.replace(/[\r\n\t ]+$/, "").replace(/^[\r\n\t ]+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const words = splitWords(line);
    if (words === null || words.length < 6 || words.length % 2 !== 0) return "Invalid AOF manifest file format";
    let name = "", seq = -1, type = "";
    for (let i = 0; i < words.length; i += 2) {
      const k = words[i], v = words[i + 1];
      if (k === "file") name = v;
      else if (k === "seq") seq = /^[0-9]+$/.test(v) ? Number(v) : -1;
      else if (k === "type") type = v;
      // unknown keys are ignored (forward compatibility, as Redis does)
    }
    if (name === "" || seq < 0 || (type !== "b" && type !== "h" && type !== "i")) {
      return "Invalid AOF manifest file format";
    }
    const info: AofInfo = { name, seq, type };
    if (type === "b") {
      if (m.base !== null) return "Found duplicate base file information";
      m.base = info;
      m.baseSeq = seq;
    } else if (type === "h") m.history.push(info);
    else {
      if (seq <= m.incrSeq) return "Found a non-monotonic sequence number";
      m.incrs.push(info);
      m.incrSeq = seq;
    }
  }
  return m;
}
