/**
 * Glob matching (src/util/glob.ts): a table of Redis's stringmatchlen edge cases, the compiled fast
 * paths against the reference port, and a differential fuzz of KEYS patterns against redis-server.
 */
import assert from "node:assert/strict";
import { compileGlob, stringMatch } from "../../src/util/glob.ts";
import { RawClient } from "../helpers/resp.ts";
import { haveRedis, Oracle } from "../helpers/oracle.ts";
import { startServer } from "../../src/mod.ts";

// [pattern, subject, expected] — expectations follow Redis's util.c (and are re-checked against a
// real server by the fuzz below).
const cases: [string, string, boolean][] = [
  ["", "", true],
  ["", "a", false],
  ["*", "", false], // the loop never runs on an empty subject (KEYS/SCAN special-case "*")
  ["**", "", false],
  ["a*", "a", true],
  ["a**", "a", true],
  ["*", "anything", true],
  ["h?llo", "hello", true],
  ["h?llo", "hllo", false],
  ["h*llo", "hllo", true],
  ["h*llo", "heeeello", true],
  ["h[ae]llo", "hello", true],
  ["h[ae]llo", "hillo", false],
  ["h[^e]llo", "hallo", true],
  ["h[^e]llo", "hello", false],
  ["h[a-b]llo", "hbllo", true],
  ["h[b-a]llo", "hallo", true], // reversed ranges swap
  ["h[a-]llo", "h]llo", false], // "a-]" is the range a..']' and the class stays open
  ["[a-]", "b", false],
  ["[a-]", "]", true], // ']' (93) is inside the swapped range 93..97
  ["[a-]", "^", true],
  ["[]]", "]", false], // ']' right after '[' closes an empty class
  ["[]a]", "]", false],
  ["[abc", "b", true], // unterminated class acts as if closed
  ["[abc", "d", false],
  ["[", "a", false],
  ["[^", "a", true],
  ["a[", "a", false],
  ["\\*", "*", true],
  ["\\*", "a", false],
  ["\\", "\\", true], // a trailing lone backslash matches itself
  ["a\\", "a\\", true],
  ["[\\]]", "]", true],
  ["[\\", "\\", true],
  ["[a\\-z]", "-", true],
  ["[a\\-z]", "b", false],
  ["*a", "a", true],
  ["*a", "ba", true],
  ["*a*b", "xaxb", true],
  ["a*a*a*a*b", "a".repeat(60), false],
  ["?", "", false],
  ["?*", "x", true],
  ["[\x80-\xff]", "\x90", true], // both bounds negative as C chars: -128..-1
  ["[a-\xff]", "\x90", false], // 'a'..-1 swaps to -1..97: 0x90 (-112) is outside
  ["[a-\xff]", "\xff", true],
  ["[a-\xff]", "0", true],
  ["\x00*", "\x00abc", true], // binary safe
];

Deno.test("glob: stringmatchlen edge cases", () => {
  for (const [p, s, want] of cases) {
    assert.equal(stringMatch(p, s), want, `pattern ${JSON.stringify(p)} vs ${JSON.stringify(s)}`);
    assert.equal(compileGlob(p)(s), want, `compiled ${JSON.stringify(p)} vs ${JSON.stringify(s)}`);
  }
});

Deno.test("glob: nocase folds ASCII letters only, in literals, classes and ranges", () => {
  assert.equal(stringMatch("HeLLo", "hello", true), true);
  assert.equal(stringMatch("HeLLo", "hello", false), false);
  assert.equal(stringMatch("h[A-C]*", "hbx", true), true);
  assert.equal(stringMatch("h[A-C]*", "hbx", false), false);
  assert.equal(stringMatch("[X]", "x", true), true);
  assert.equal(stringMatch("\xc9", "\xe9", true), false);
  assert.equal(compileGlob("AB*", true)("abc"), true);
});

Deno.test("glob: deep star nesting stops at Redis's 1000-level limit", () => {
  // 1100 "a*" groups need > 1000 nested calls before the final literal can match: Redis gives up.
  const pattern = "a*".repeat(1100) + "b";
  assert.equal(stringMatch(pattern, "a".repeat(1100) + "b"), false);
  assert.equal(stringMatch("a*".repeat(500) + "b", "a".repeat(500) + "b"), true);
  // The short-cut keeps pathological patterns fast.
  const t0 = performance.now();
  assert.equal(stringMatch("a*".repeat(30) + "b", "a".repeat(5000)), false);
  assert.ok(performance.now() - t0 < 1000);
});

Deno.test("glob: compiled fast paths agree with the reference on random inputs", () => {
  const alphabet = ["a", "b", "*", "?", "[", "]", "\\", "-", "^"];
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = (max: number) => {
    let s = "";
    const len = rnd(max);
    for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
    return s;
  };
  for (let i = 0; i < 5000; i++) {
    const p = rnd(3) === 0 ? "ab" + "*".repeat(rnd(3)) : word(6);
    const s = word(6).replace(/[*?[\]\\^-]/g, "a");
    assert.equal(compileGlob(p)(s), stringMatch(p, s), `${JSON.stringify(p)} vs ${JSON.stringify(s)}`);
  }
});

Deno.test({
  name: "glob: KEYS with fuzzed patterns matches redis-server (sorted)",
  ignore: !haveRedis(),
  async fn() {
    const keys = [
      "",
      "a",
      "b",
      "ab",
      "ba",
      "abc",
      "a]",
      "]",
      "[",
      "\\",
      "a\\",
      "-",
      "^",
      "a-b",
      "*",
      "?",
      "A",
      "aB",
      "\x80",
      "\x90",
      "\xff",
      "z",
      "0",
      "hello",
      "hallo",
      "h]llo",
      "a*b",
      "aaa",
      "aab",
      "xyz",
    ];
    const alphabet = ["a", "b", "*", "?", "[", "]", "\\", "-", "^", "\x80", "\xff", "A", "z"];
    let seed = 777;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const patterns = ["*", "**", "", "[", "[]", "[]]", "[^]", "\\", "[a-]", "[\\", "[a-\xff]", "[\x80-\xff]"];
    for (let i = 0; i < 400; i++) {
      let p = "";
      const len = 1 + rnd(6);
      for (let j = 0; j < len; j++) p += alphabet[rnd(alphabet.length)];
      patterns.push(p);
    }
    const srv = await startServer();
    const oracle = await Oracle.start();
    try {
      const ours = await RawClient.connect(srv.port);
      const theirs = await RawClient.connect(oracle.port);
      for (const k of keys) {
        await ours.call("SET", k, "1");
        await theirs.call("SET", k, "1");
      }
      for (const p of patterns) {
        const a = (await ours.call("KEYS", p)) as string[];
        const b = (await theirs.call("KEYS", p)) as string[];
        assert.deepEqual([...a].sort(), [...b].sort(), `KEYS ${JSON.stringify(p)}`);
        const sa = (await ours.call("SCAN", 0, "MATCH", p, "COUNT", 1000)) as [string, string[]];
        assert.deepEqual([...sa[1]].sort(), [...b].sort(), `SCAN MATCH ${JSON.stringify(p)}`);
      }
      ours.close();
      theirs.close();
    } finally {
      await srv.close();
      await oracle.stop();
    }
  },
});
