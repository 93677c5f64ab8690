/**
 * XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID replayed against redis-server 7.0 byte for byte
 * (explicit IDs only: `*` IDs depend on the clock). Approximate trims follow Redis's 100-entry nodes.
 */
import { assertSameReplies, differential, type Script } from "../helpers/oracle.ts";

function fill(key: string, n: number, from = 1): Script {
  const out: Script = [];
  for (let i = from; i < from + n; i++) out.push(["XADD", key, `${i}-${i % 3}`, "f", `v${i}`]);
  return out;
}

Deno.test("XADD ids, errors and XRANGE/XREVRANGE match redis-server", async () => {
  const script: Script = [
    ["XADD", "s", "1-1", "a", "1"],
    ["XADD", "s", "1-1", "a", "1"],
    ["XADD", "s", "1-0", "a", "1"],
    ["XADD", "s", "0-0", "a", "1"],
    ["XADD", "n", "0-0", "a", "1"],
    ["EXISTS", "n"],
    ["XADD", "s", "1-*", "b", "2", "c", "3"],
    ["XADD", "s", "5-*", "b", "2"],
    ["XADD", "s", "5", "b", "2"],
    ["XADD", "s", "6", "b"],
    ["XADD", "s", "abc", "b", "2"],
    ["XADD", "s", "1-x", "b", "2"],
    ["XADD", "s", "-", "b", "2"],
    ["XADD", "s", "+", "b", "2"],
    ["XADD", "s", "18446744073709551615-18446744073709551614", "x", "y"],
    ["XADD", "s", "18446744073709551615-*", "x", "y"],
    ["XADD", "s", "18446744073709551615-*", "x", "y"],
    ["XADD", "s", "*", "x", "y"],
    ["XADD", "s", "18446744073709551616-1", "x", "y"],
    ["XADD", "nomk", "NOMKSTREAM", "1-1", "a", "b"],
    ["EXISTS", "nomk"],
    ["XADD", "s", "MAXLEN", "-1", "9-1", "a", "b"],
    ["XADD", "s", "MAXLEN", "x", "9-1", "a", "b"],
    ["XADD", "s", "MAXLEN", "1", "MINID", "1", "9-1", "a", "b"],
    ["XADD", "s", "MAXLEN", "1", "LIMIT", "1", "9-1", "a", "b"],
    ["XADD", "s", "MAXLEN", "~", "1", "LIMIT", "-1", "9-1", "a", "b"],
    ["XLEN", "s"],
    ["XLEN", "nosuch"],
    ["XRANGE", "s", "-", "+"],
    ["XRANGE", "s", "1", "1"],
    ["XRANGE", "s", "(1-1", "+"],
    ["XRANGE", "s", "-", "(5-0"],
    ["XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"],
    ["XRANGE", "s", "-", "(0-0"],
    ["XRANGE", "s", "(-", "+"],
    ["XRANGE", "s", "-", "+", "COUNT", "2"],
    ["XRANGE", "s", "-", "+", "COUNT", "0"],
    ["XRANGE", "s", "-", "+", "COUNT", "-3"],
    ["XRANGE", "s", "-", "+", "COUNT"],
    ["XRANGE", "s", "-", "+", "LIMIT", "1"],
    ["XRANGE", "s", "x", "+"],
    ["XRANGE", "nosuch", "-", "+"],
    ["XREVRANGE", "s", "+", "-"],
    ["XREVRANGE", "s", "+", "-", "COUNT", "2"],
    ["XREVRANGE", "s", "(5-1", "(1-1"],
    ["XREVRANGE", "s", "-", "+"],
    ["SET", "str", "x"],
    ["XADD", "str", "1-1", "a", "b"],
    ["XRANGE", "str", "-", "+"],
    ["XLEN", "str"],
    ["TYPE", "s"],
    ["OBJECT", "ENCODING", "s"],
    ["XADD", "bin", "1-1", "f\x00\xff", "v\r\n\x80"],
    ["XRANGE", "bin", "-", "+"],
    ["XADD", "nomk", "NOMKSTREAM", "1-1", "a", "b"],
  ];
  assertSameReplies(script, await differential(script));
});

Deno.test("XDEL, XTRIM (exact and approximate, LIMIT), XADD trimming and XSETID match redis-server", async () => {
  const script: Script = [
    ...fill("s", 350),
    ["XDEL", "s", "2-2", "3-0", "3-0", "9999-0"],
    ["XDEL", "s", "x"],
    ["XDEL", "nosuch", "1-1"],
    ["XLEN", "s"],
    ["XTRIM", "s", "MAXLEN", "~", "300"],
    ["XLEN", "s"],
    ["XTRIM", "s", "MAXLEN", "~", "200"],
    ["XLEN", "s"],
    ["XRANGE", "s", "-", "+", "COUNT", "2"],
    ["XTRIM", "s", "MAXLEN", "245"],
    ["XRANGE", "s", "-", "+", "COUNT", "2"],
    ["XTRIM", "s", "MINID", "~", "250"],
    ["XLEN", "s"],
    ["XTRIM", "s", "MINID", "~", "301"],
    ["XLEN", "s"],
    ["XTRIM", "s", "MINID", "310-1"],
    ["XRANGE", "s", "-", "+", "COUNT", "1"],
    ["XTRIM", "s", "MAXLEN", "=", "30"],
    ["XLEN", "s"],
    ["XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "10"],
    ["XTRIM", "s", "MAXLEN", "LIMIT", "10"],
    ["XTRIM", "s", "MAXLEN", "1", "LIMIT", "10"],
    ["XTRIM", "s", "FOO", "1"],
    ["XTRIM", "s", "MAXLEN", "-1"],
    ["XTRIM", "nosuch", "MAXLEN", "1"],
    ["XTRIM", "s", "MINID", "-"],
    ["XTRIM", "s", "LIMIT", "5", "MAXLEN", "~", "1000"],
    ["XADD", "s", "LIMIT", "5", "9999-1", "f", "v"],
    ["XADD", "s", "LIMIT", "0", "9999-2", "f", "v"],
    ...fill("t", 250),
    ["XADD", "t", "MAXLEN", "~", "100", "1000-0", "f", "v"],
    ["XLEN", "t"],
    ["XADD", "t", "MAXLEN", "~", "10", "LIMIT", "100", "1001-0", "f", "v"],
    ["XLEN", "t"],
    ["XADD", "t", "MINID", "990", "1002-0", "f", "v"],
    ["XRANGE", "t", "-", "+"],
    ["XADD", "t", "MAXLEN", "0", "1003-0", "f", "v"],
    ["XLEN", "t"],
    ["XSETID", "t", "1002-0"],
    ["XSETID", "t", "2000-0", "ENTRIESADDED", "1"],
    ["XSETID", "t", "2000-0", "ENTRIESADDED", "-1"],
    ["XSETID", "t", "2000-0", "MAXDELETEDID", "3000-0"],
    ["XSETID", "t", "2000-0", "ENTRIESADDED", "500", "MAXDELETEDID", "1500-0"],
    ["XSETID", "t", "2000-0", "FOO"],
    ["XSETID", "t", "1999-0"],
    ["XSETID", "nosuch", "1-1"],
    ["XADD", "t", "2000-0", "f", "v"],
    ["XADD", "t", "2000-*", "f", "v"],
    ["XDEL", "t", "2000-1"],
    ["XLEN", "t"],
    ["XSETID", "t", "1-1"],
    ["XSETID", "t", "2000-1"],
  ];
  assertSameReplies(script, await differential(script));
});

Deno.test("streams: XADD replies IDs of every magnitude like Redis (written without building the text)", async () => {
  const script: Script = [
    ["XADD", "b", "0-1", "f", "v"],
    ["XADD", "b", "2147483647-2147483648", "f", "v"],
    ["XADD", "b", "2147483648-4294967296", "f", "v"],
    ["XADD", "b", "99999999-100000000", "f", "v"],
    ["XADD", "b", "100000000-*", "f", "v"],
    ["XADD", "b", "9007199254740991-9007199254740991", "f", "v"],
    ["XADD", "b", "9007199254740992-0", "f", "v"],
    ["XADD", "b", "18446744073709551615-*", "f", "v"],
    ["XADD", "c", "18446744073709551614-18446744073709551615", "f", "v"],
    ["XADD", "c", "*", "f", "v"],
    ["XRANGE", "b", "-", "+"],
  ];
  assertSameReplies(script, await differential(script));
});
