/**
 * EVAL family against redis-server, byte for byte: KEYS/ARGV, reply conversion both ways (RESP2 and
 * RESP3), error texts with the script's sha and line, the sandbox, Lua 5.1 shims, shebang flags,
 * read-only variants, SCRIPT LOAD/EXISTS/FLUSH/KILL and NOSCRIPT.
 */
import assert from "node:assert/strict";
import { assertSameReplies, differential, type Script } from "../helpers/oracle.ts";
import { withServer } from "../helpers/server.ts";

async function same(script: Script): Promise<void> {
  assertSameReplies(script, await differential(script));
}

Deno.test("script: EVAL with KEYS/ARGV and Lua → Redis conversion", async () => {
  await same([
    ["EVAL", "return redis.call('set',KEYS[1],ARGV[1])", "1", "k", "v"],
    ["EVAL", "return redis.call('get',KEYS[1])", "1", "k"],
    ["EVAL", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "2", "a", "b", "c", "d"],
    ["EVAL", "return {1,2,3.7,'x',nil,5}", "0"],
    ["EVAL", "return {ok='fine'}", "0"],
    ["EVAL", "return {ok='a\\r\\nb'}", "0"],
    ["EVAL", "return {err='boom'}", "0"],
    ["EVAL", "return true", "0"],
    ["EVAL", "return false", "0"],
    ["EVAL", "return nil", "0"],
    ["EVAL", "return 3.99", "0"],
    ["EVAL", "return -3.7", "0"],
    ["EVAL", "return 1e100", "0"],
    ["EVAL", "return tostring(10/2)", "0"],
    ["EVAL", "return {{1,{2,'x'}},{}}", "0"],
    ["EVAL", "return ARGV[1]", "0", "\x00\xff\r\nbin"],
    ["EVAL", "return {1,2}", "-1"],
    ["EVAL", "return {1,2}", "5"],
    ["EVAL", "return {1,2}", "x"],
    ["EVAL", "return {math.random(100), math.random(100), math.random(5, 10)}", "0"],
  ]);
});

Deno.test("script: Redis → Lua conversion (RESP2 and redis.setresp(3))", async () => {
  await same([
    ["RPUSH", "l", "a", "b"],
    ["HSET", "h", "f", "v"],
    ["SADD", "s", "m"],
    ["EVAL", "return redis.call('lrange','l',0,-1)", "0"],
    ["EVAL", "local v = redis.call('get','nokey') return type(v)", "0"],
    ["EVAL", "return type(redis.call('incr','n'))", "0"],
    ["EVAL", "local r = redis.call('ping') return r['ok']", "0"],
    ["EVAL", "local r = redis.pcall('incr','l') return r['err']", "0"],
    ["EVAL", "return redis.pcall('incr','l')", "0"],
    ["EVAL", "redis.setresp(3) local r = redis.call('hgetall','h') return r['map']['f']", "0"],
    ["EVAL", "redis.setresp(3) return type(redis.call('get','nokey'))", "0"],
    ["EVAL", "redis.setresp(3) return redis.call('hgetall','h')", "0"],
    ["EVAL", "redis.setresp(3) local r = redis.call('smembers','s') return r['set']['m']", "0"],
    ["EVAL", "return redis.setresp(4)", "0"],
  ]);
});

Deno.test("script: RESP3 callers get maps, sets, doubles and booleans", async () => {
  await same([
    ["PING"],
    ["EVAL", "return {double=3.5}", "0"],
  ]);
  // Under RESP3 the conversions need a HELLO 3 connection: compared from the documented forms.
  await withServer(async (_srv, c) => {
    await c.call("HELLO", "3");
    assert.equal(await c.callRaw("EVAL", "return {double=3.5}", "0"), ",3.5\r\n");
    assert.equal(await c.callRaw("EVAL", "return {map={a=1}}", "0"), "%1\r\n$1\r\na\r\n:1\r\n");
    assert.equal(await c.callRaw("EVAL", "return {set={a=true}}", "0"), "~1\r\n$1\r\na\r\n");
    assert.equal(await c.callRaw("EVAL", "return {big_number='123'}", "0"), "(123\r\n");
    assert.equal(await c.callRaw("EVAL", "return nil", "0"), "_\r\n");
    assert.equal(await c.callRaw("EVAL", "redis.setresp(3) return true", "0"), "#t\r\n");
    assert.equal(await c.callRaw("EVAL", "redis.setresp(3) return false", "0"), "#f\r\n");
    assert.equal(await c.callRaw("EVAL", "return true", "0"), ":1\r\n");
  });
});

Deno.test("script: error replies name the script and line", async () => {
  await same([
    ["SET", "s", "abc"],
    ["EVAL", "return foo", "0"],
    ["EVAL", "return redis.call('incr','x','y')", "0"],
    ["EVAL", "return redis.call('incr','s')", "0"],
    ["EVAL", "\n\nreturn redis.call('incr','s')", "0"],
    ["EVAL", "return redis.error_reply('My Error')", "0"],
    ["EVAL", "return redis.error_reply('-MY Error')", "0"],
    ["EVAL", "return redis.status_reply('FINE')", "0"],
    ["EVAL", "error('x')", "0"],
    ["EVAL", "error({err='TAB x'})", "0"],
    ["EVAL", "return redis.call('nosuch')", "0"],
    ["EVAL", "return redis.call('get')", "0"],
    ["EVAL", "return redis.call('eval','return 1','0')", "0"],
    ["EVAL", "return 1 +", "0"],
    ["EVAL", "return redis.call({})", "0"],
  ]);
});

Deno.test("script: sandbox and Lua 5.1 shims", async () => {
  await same([
    ["EVAL", "x=1", "0"],
    ["EVAL", "string.x = 1", "0"],
    ["EVAL", "redis.call = nil", "0"],
    ["EVAL", "return loadstring('x=1')()", "0"],
    ["EVAL", "return type(print)", "0"],
    ["EVAL", "return _VERSION", "0"],
    ["EVAL", "return unpack({1,2})", "0"],
    ["EVAL", "return loadstring('return 7')()", "0"],
    ["EVAL", "return table.getn({1,2,3})", "0"],
    [
      "EVAL",
      "return {bit.band(7,3), bit.bor(1,2), bit.bxor(3,1), bit.lshift(1,4), bit.rshift(-1,28), bit.bnot(0)}",
      "0",
    ],
    ["EVAL", "return bit.tohex(255)", "0"],
    ["EVAL", "return cjson.encode({1,2,{a=1}})", "0"],
    ["EVAL", "return cjson.encode({a='x\"y'})", "0"],
    ["EVAL", 'local t = cjson.decode(\'[1,2,{"a":"b"}]\') return {t[1], t[2], t[3].a}', "0"],
    ["EVAL", "return redis.sha1hex('')", "0"],
    ["EVAL", "return redis.sha1hex('abc')", "0"],
    ["EVAL", "return {redis.LOG_WARNING, redis.REPL_ALL, redis.REPL_NONE}", "0"],
    ["EVAL", "redis.log(redis.LOG_DEBUG, 'x') return 1", "0"],
    ["EVAL", "return redis.log(99, 'x')", "0"],
    ["EVAL", "redis.set_repl(redis.REPL_ALL) return redis.replicate_commands()", "0"],
    ["EVAL", "return redis.breakpoint()", "0"],
    ["EVAL", "return string.format('%d %s %.2f', 3, 'x', 1.5)", "0"],
  ]);
});

Deno.test("script: shebang flags, read-only variants, SCRIPT and NOSCRIPT", async () => {
  await same([
    ["EVAL_RO", "return redis.call('set','a','b')", "0"],
    ["EVAL_RO", "return redis.call('get','a')", "0"],
    ["EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"],
    ["EVAL", "#!lua flags=no-writes,allow-oom\nreturn redis.call('get','a')", "0"],
    ["EVAL", "#!lua flags=bad\nreturn 1", "0"],
    ["EVAL", "#!luax\nreturn 1", "0"],
    ["EVAL", "#!lua foo=bar\nreturn 1", "0"],
    ["EVAL", "#!lua\nreturn 1", "0"],
    ["EVAL_RO", "#!lua\nreturn 1", "0"],
    ["EVAL", "#!lua\nreturn foo", "0"],
    ["SCRIPT", "LOAD", "return 'hi'"],
    ["EVALSHA", "2f31ba2bb6d6a0f42cc159d2e2dad55440778de3", "0"],
    ["EVALSHA", "2F31BA2BB6D6A0F42CC159D2E2DAD55440778DE3", "0"],
    ["EVALSHA_RO", "2f31ba2bb6d6a0f42cc159d2e2dad55440778de3", "0"],
    ["EVALSHA", "d6a6dcd6bcda9f0ea5db01d4d8f0a8dc5f4c3ee8", "0"],
    ["EVALSHA", "nope", "0"],
    ["SCRIPT", "EXISTS", "2f31ba2bb6d6a0f42cc159d2e2dad55440778de3", "b"],
    ["SCRIPT", "LOAD", "return +"],
    ["SCRIPT", "FLUSH", "bogus"],
    ["SCRIPT", "FLUSH", "ASYNC"],
    ["SCRIPT", "EXISTS", "2f31ba2bb6d6a0f42cc159d2e2dad55440778de3"],
    ["SCRIPT", "FLUSH"],
    ["SCRIPT", "KILL"],
  ]);
});

Deno.test("script: cmsgpack and struct", async () => {
  await same([
    ["EVAL", "return cmsgpack.pack({1,2,3})", "0"],
    ["EVAL", "return cmsgpack.pack({a=1})", "0"],
    [
      "EVAL",
      "return cmsgpack.pack(nil, true, false, 0, -1, -33, 127, 128, 255, 256, 65536, 4294967296, -129, -40000)",
      "0",
    ],
    ["EVAL", "return cmsgpack.pack(1.5, 0.1, 'abc', string.rep('x', 40))", "0"],
    ["EVAL", "return cmsgpack.pack({{{}}})", "0"],
    ["EVAL", "local t = cmsgpack.unpack(cmsgpack.pack({1,'two',{3}})) return {t[1], t[2], t[3][1]}", "0"],
    ["EVAL", "return {cmsgpack.unpack(cmsgpack.pack(1, 2, 'x'))}", "0"],
    ["EVAL", "return {cmsgpack.unpack_one(cmsgpack.pack(7, 8))}", "0"],
    ["EVAL", "return {cmsgpack.unpack_limit(cmsgpack.pack(7, 8, 9), 2)}", "0"],
    ["EVAL", "return cmsgpack.unpack(ARGV[1])", "0", "\x93\x01\x02\x03"],
    ["EVAL", "return struct.pack('>I2<i4', 258, -2)", "0"],
    ["EVAL", "return struct.pack('bBhHlLi', -1, 255, -2, 65535, -3, 4, 5)", "0"],
    ["EVAL", "return struct.pack('c3sx', 'abcdef', 'zz')", "0"],
    ["EVAL", "return {struct.unpack('>I2<i4', struct.pack('>I2<i4', 258, -2))}", "0"],
    ["EVAL", "return {struct.unpack('c2s', 'hiyo\\0')}", "0"],
    ["EVAL", "return {struct.unpack('d', struct.pack('d', 2.5))}", "0"],
    ["EVAL", "return {struct.size('>!4bi'), struct.size('hd'), struct.size('c9')}", "0"],
    ["EVAL", "return {struct.unpack('!4bi', struct.pack('!4bi', 1, 2))}", "0"],
  ]);
});

Deno.test("script: numbers passed to redis.call are formatted like %.17g", async () => {
  await same([
    ["EVAL", "redis.call('set','f',0.1) return redis.call('get','f')", "0"],
    ["EVAL", "redis.call('set','f',1e20) return redis.call('get','f')", "0"],
    ["EVAL", "redis.call('set','f',-0.5) return redis.call('get','f')", "0"],
    ["EVAL", "redis.call('set','f',2^53+1) return redis.call('get','f')", "0"],
    ["EVAL", "redis.call('set','f',2^60) return redis.call('get','f')", "0"],
    ["EVAL", "redis.call('set','f',1/3) return redis.call('get','f')", "0"],
    ["EVAL", "redis.call('set','f',0.00001) return redis.call('get','f')", "0"],
    ["EVAL", "redis.call('set','f',123456) return redis.call('get','f')", "0"],
    ["EVAL", "redis.call('set','f',-7) return redis.call('get','f')", "0"],
    ["EVAL", "return redis.call('incrby','n', 5)", "0"],
  ]);
});

Deno.test("script: error statistics count a failing redis.call once", async () => {
  const script: Script = [
    ["CONFIG", "RESETSTAT"],
    ["SET", "s", "abc"],
    ["EVAL", "return redis.call('incr','s')", "0"],
    ["EVAL", "return redis.pcall('incr','s')", "0"],
    ["EVAL", "return redis.error_reply('MY custom')", "0"],
    ["EVAL", "error('boom')", "0"],
    ["INFO", "errorstats"],
  ];
  const r = await differential(script);
  assertSameReplies(script, r);
});

Deno.test("script: EVAL inside MULTI, and transaction commands inside scripts", async () => {
  await same([
    ["MULTI"],
    ["EVAL", "return redis.call('incr', KEYS[1])", "1", "c"],
    ["EVAL", "return redis.call('incr', KEYS[1])", "1", "c"],
    ["EXEC"],
    ["EVAL", "return redis.call('multi')", "0"],
    ["EVAL", "return redis.call('watch', 'c')", "0"],
    ["EVAL", "return redis.pcall('subscribe', 'ch')", "0"],
    ["EVAL", "redis.call('select', 2) redis.call('set', 'in2', 'x') return redis.call('dbsize')", "0"],
    ["DBSIZE"],
    ["SELECT", "2"],
    ["GET", "in2"],
  ]);
});

Deno.test("script: Lua 5.1 number semantics (no integer wrap-around, %.14g strings)", async () => {
  await same([
    ["EVAL", "return 100000 * 100000", "0"],
    ["EVAL", "return tonumber(ARGV[1]) * 1000", "0", "1700000000"],
    ["EVAL", "return tostring(100000*100000)", "0"],
    ["EVAL", "return 2147483647 + 1", "0"],
    ["EVAL", "return -2147483648 - 1", "0"],
    ["EVAL", "local s=0 for i=1,10 do s=s+i end return s", "0"],
    ["EVAL", "local t={} for i,v in ipairs({5,6,7}) do t[#t+1]=i*v end return t", "0"],
    ["EVAL", "local a = {} for i = 10, 1, -3 do a[#a+1] = i end return a", "0"],
    ["EVAL", "return string.format('%d %5.2f %s', 42, 3.14159, 7)", "0"],
    ["EVAL", "local t={} t[1]='a' return {t[1.0], #t}", "0"],
    [
      "EVAL",
      "return {math.floor(3.7), math.ceil(3.2), math.max(1,5,3), math.abs(-4), 7 % 3, -7 % 3, 7 / 2, 2^10}",
      "0",
    ],
    ["EVAL", "return tostring(7/2) .. ' ' .. tostring(2^53) .. ' ' .. tostring(-0.0) .. ' ' .. tostring(1e15)", "0"],
    ["EVAL", "return tostring(123456789012) .. ' ' .. tostring(0.1 + 0.2) .. ' ' .. tostring(1/0)", "0"],
    ["EVAL", "return 1e15 .. ' ' .. 2^53 .. ' ' .. (1/0) .. ' ' .. 0.1", "0"],
    ["EVAL", "return {string.byte('A'), string.len('abc'), select('#', 1, 2, 3)}", "0"],
    ["EVAL", "return (10 == 10.0) and 1 or 0", "0"],
    ["EVAL", "return table.concat({1, 2.5, 'x'}, ',')", "0"],
    ["EVAL", "return {tonumber('0x10'), tonumber('  12  '), tonumber('1e3'), tonumber('z')}", "0"],
  ]);
});
