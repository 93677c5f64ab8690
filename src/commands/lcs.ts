/**
 * LCS: longest common subsequence of two string keys (LEN, IDX, MINMATCHLEN, WITHMATCHLEN), with
 * Redis's dynamic-programming table, its backtracking order (so match ranges come out identical) and
 * its RESP2/RESP3 reply shapes.
 */
import type { CommandDef } from "./table.ts";
import type { Client } from "../server/client.ts";
import { LCS_LEN_AND_IDX, LCS_NOT_STRINGS, LCS_TOO_BIG, NOT_INTEGER, SYNTAX } from "../server/errors.ts";
import { parseInt64 } from "../util/numbers.ts";

/** One match range: [aStart, aEnd, bStart, bEnd] (inclusive). */
type Range = [number, number, number, number];

function lcs(c: Client, argv: string[]): void {
  const oa = c.db.lookupRead(argv[1]);
  const ob = c.db.lookupRead(argv[2]);
  if ((oa !== undefined && typeof oa !== "string") || (ob !== undefined && typeof ob !== "string")) {
    c.addError(LCS_NOT_STRINGS);
    return;
  }
  const a = oa === undefined ? "" : oa;
  const b = ob === undefined ? "" : ob;
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const moreArgs = argv.length - 1 - j;
    if (opt === "idx") getIdx = true;
    else if (opt === "len") getLen = true;
    else if (opt === "withmatchlen") withMatchLen = true;
    else if (opt === "minmatchlen" && moreArgs > 0) {
      const v = parseInt64(argv[j + 1]);
      if (v === null) {
        c.addError(NOT_INTEGER);
        return;
      }
      minMatchLen = v < 0 ? 0 : Number(v);
      j++;
    } else {
      c.addError(SYNTAX);
      return;
    }
  }
  if (getIdx && getLen) {
    c.addError(LCS_LEN_AND_IDX);
    return;
  }
  const alen = a.length;
  const blen = b.length;
  const cols = blen + 1;
  if ((alen + 1) * cols * 4 > c.server.protoMaxBulkLen) {
    c.addError(LCS_TOO_BIG);
    return;
  }
  // table[i * cols + j] = LCS length of a[0, i) and b[0, j).
  const table = new Uint32Array((alen + 1) * cols);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * cols;
    const prev = row - cols;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) table[row + j] = table[prev + j - 1] + 1;
      else {
        const up = table[prev + j];
        const left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * cols + blen];
  if (getLen) {
    c.addInt(total);
    return;
  }
  // Backtrack from the end exactly like Redis, collecting the string and the match ranges.
  const chars = new Array<string>(total);
  const ranges: Range[] = [];
  let idx = total;
  let aStart = alen; // alen means "no range open"
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (table[(i - 1) * cols + j] > table[i * cols + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push([aStart, aEnd, bStart, bEnd]);
      aStart = alen;
    }
  }
  if (!getIdx) {
    c.addBulk(chars.join(""));
    return;
  }
  c.addMapLen(2);
  c.addBulk("matches");
  c.addArrayLen(ranges.length);
  for (const r of ranges) {
    c.addArrayLen(withMatchLen ? 3 : 2);
    c.addArrayLen(2);
    c.addInt(r[0]);
    c.addInt(r[1]);
    c.addArrayLen(2);
    c.addInt(r[2]);
    c.addInt(r[3]);
    if (withMatchLen) c.addInt(r[1] - r[0] + 1);
  }
  c.addBulk("len");
  c.addInt(total);
}

export const commands: CommandDef[] = [{ name: "lcs", handler: lcs }];
