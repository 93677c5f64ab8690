/**
 * LCS against redis-server: the documentation's examples, every option and error, random strings
 * with IDX/WITHMATCHLEN/MINMATCHLEN (same ranges in the same order), and RESP2 and RESP3 shapes.
 */
import assert from "node:assert/strict";
import { makeList, same, withPair } from "./helpers.ts";

const RNA1 =
  "CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG";
const RNA2 =
  "ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT";

const OPTION_SETS: string[][] = [
  [],
  ["LEN"],
  ["IDX"],
  ["IDX", "WITHMATCHLEN"],
  ["IDX", "MINMATCHLEN", "4"],
  ["IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
  ["WITHMATCHLEN", "idx", "minmatchlen", "2"],
  ["IDX", "MINMATCHLEN", "-5"],
  ["LEN", "WITHMATCHLEN", "MINMATCHLEN", "3"],
];

function lcsScript(k1: string, k2: string): (string | number)[][] {
  return OPTION_SETS.map((opts) => ["LCS", k1, k2, ...opts]);
}

Deno.test("strings: LCS documentation examples and options (RESP2 and RESP3)", async () => {
  await withPair(async (p) => {
    const script: (string | number)[][] = [
      ["MSET", "key1", "ohmytext", "key2", "mynewtext", "virus1", RNA1, "virus2", RNA2],
      ...lcsScript("key1", "key2"),
      ...lcsScript("virus1", "virus2"),
      ...lcsScript("key1", "missing"),
      ...lcsScript("missing", "missing2"),
      ...lcsScript("key1", "key1"),
    ];
    await same(p, script);
    await same(p, [["!HELLO", "3"], ...script.slice(1)]);
  });
});

Deno.test("strings: LCS errors", async () => {
  await withPair(async (p) => {
    await makeList(p, "lst");
    await same(p, [
      ["SET", "a", "abc"],
      ["SET", "b", "abd"],
      ["LCS", "a", "lst"],
      ["LCS", "lst", "a", "FOO"],
      ["LCS", "a", "b", "FOO"],
      ["LCS", "a", "b", "LEN", "IDX"],
      ["LCS", "a", "b", "IDX", "LEN"],
      ["LCS", "a", "b", "MINMATCHLEN"],
      ["LCS", "a", "b", "MINMATCHLEN", "x"],
      ["LCS", "a", "b", "MINMATCHLEN", "x", "LEN", "IDX"],
      ["LCS", "a", "b", "LEN", "IDX", "FOO"],
      ["LCS", "a", "b", "MINMATCHLEN", "9223372036854775807", "IDX"],
      ["LCS", "a", "b", "MINMATCHLEN", "9223372036854775808", "IDX"],
      ["LCS", "a"],
    ]);
  });
});

Deno.test("strings: LCS on random strings matches Redis's ranges", async () => {
  await withPair(async (p) => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const randomString = (len: number, alphabet: string) => {
      let s = "";
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      return s;
    };
    const script: (string | number)[][] = [];
    for (let i = 0; i < 60; i++) {
      const alphabet = ["ab", "abc", "ACGT", "abcdefghij", "\x00\xff\x80"][i % 5];
      script.push(["SET", "x", randomString(Math.floor(rnd() * 60), alphabet)]);
      script.push(["SET", "y", randomString(Math.floor(rnd() * 60), alphabet)]);
      script.push(["LCS", "x", "y"], ["LCS", "x", "y", "IDX", "WITHMATCHLEN"]);
      script.push(["LCS", "x", "y", "IDX", "MINMATCHLEN", String(1 + (i % 4))]);
    }
    await same(p, script);
  });
});

Deno.test("strings: LCS refuses tables larger than proto-max-bulk-len", async () => {
  await withPair(async (p) => {
    p.ours.server.protoMaxBulkLen = 1024 * 1024;
    assert.equal(await p.redis.call("CONFIG", "SET", "proto-max-bulk-len", "1048576"), "OK");
    await same(p, [
      ["SET", "a", "a".repeat(600)],
      ["SET", "b", "a".repeat(400)],
      ["LCS", "a", "a", "LEN"],
      ["LCS", "a", "b", "LEN"],
      ["LCS", "b", "b", "LEN"],
    ]);
  });
});
