/**
 * The config file parser and command-line planner in-process: quoting, file-only directives,
 * deprecated lines, Redis's argv rules (`--save` alone, values starting with '-', `-` for stdin) and
 * the embedding API's configFrom.
 */
import assert from "node:assert/strict";
import { Config } from "../../src/config/config.ts";
import { FatalConfigError, loadConfigFromString, loadServerConfig } from "../../src/config/file.ts";
import { parseCommandLine } from "../../src/config/cli.ts";
import { configFrom } from "../../src/mod.ts";

function load(text: string): Config {
  const c = new Config();
  loadConfigFromString(c, text);
  return c;
}

function fatal(text: string): string {
  try {
    load(text);
  } catch (e) {
    assert.ok(e instanceof FatalConfigError);
    return e.text;
  }
  throw new Error("expected a fatal error");
}

Deno.test("config file: quoting, case, comments and blank lines", () => {
  const c = load([
    "  # indented comment",
    "",
    'MAXMEMORY-POLICY "allkeys-lru"',
    "requirepass 'it\\'s'",
    'masterauth "a\\x41\\n"',
    '\tproc-title-template "{title} {port}"  \r',
  ].join("\n"));
  assert.equal(c.str("maxmemory-policy"), "allkeys-lru");
  assert.equal(c.str("requirepass"), "it's");
  assert.equal(c.str("masterauth"), "aA\n");
  assert.equal(c.str("proc-title-template"), "{title} {port}");
});

Deno.test("config file: file-only directives are collected, deprecated ones ignored", () => {
  const c = load([
    "rename-command CONFIG cfg",
    "user alice on >pw ~* +@all",
    "loadmodule /opt/mod.so arg1",
    "search.timeout 100",
    "list-max-ziplist-entries 512",
    "lua-replicate-commands yes",
    "io-threads-do-reads yes",
    "sentinel",
  ].join("\n"));
  assert.deepEqual(c.renames, [["CONFIG", "cfg"]]);
  assert.deepEqual(c.users, [["alice", "on", ">pw", "~*", "+@all"]]);
  assert.deepEqual(c.modules, [["/opt/mod.so", "arg1"]]);
  assert.equal(c.moduleConfigs.get("search.timeout"), "100");
});

Deno.test("config file: the fatal error names the line", () => {
  assert.equal(
    fatal("port 1\n\nbogus 1\n"),
    "\n*** FATAL CONFIG FILE ERROR (Redis 8.2.4) ***\nReading the configuration file, at line 3\n>>> 'bogus 1'\nBad directive or wrong number of arguments\n",
  );
  assert.match(fatal("port\n"), />>> 'port'\nwrong number of arguments\n$/);
  assert.match(fatal("search.timeout\n"), /Module config specified without value\n$/);
  assert.match(fatal("rename-command GET SET\n"), /Target command name already exists\n$/);
  assert.match(fatal("sentinel monitor x\n"), /sentinel directive while not in sentinel mode\n$/);
  assert.match(
    fatal("cluster-enabled yes\nreplicaof 127.0.0.1 6379\n"),
    /\nreplicaof directive not allowed in cluster mode\n$/,
  );
  assert.match(fatal("replicaof host port\n"), /Invalid master port\n$/);
  assert.match(fatal("dir /no/such/dir\n"), /No such file or directory\n$/);
  assert.match(fatal("dbfilename a/b\n"), /dbfilename can't be a path, just a filename\n$/);
  assert.match(fatal("unixsocketperm 999\n"), /argument couldn't be parsed as an octal number\n$/);
  assert.match(fatal("unixsocketperm 1777\n"), /argument must be between 0 and 777 inclusive\n$/);
});

Deno.test("config file: save lines add up, client-output-buffer-limit lines merge, hz is clamped", () => {
  const c = load(
    "save 900 1\nsave 300 10\nclient-output-buffer-limit normal 1mb 2mb 3\nclient-output-buffer-limit pubsub 0 0 0\nhz 1000\n",
  );
  assert.deepEqual(c.savePoints(), [{ seconds: 900, changes: 1 }, { seconds: 300, changes: 10 }]);
  const l = c.outputBufferLimits();
  assert.deepEqual(l.normal, { hard: 1048576, soft: 2097152, seconds: 3 });
  assert.deepEqual(l.replica, { hard: 268435456, soft: 67108864, seconds: 60 });
  assert.deepEqual(l.pubsub, { hard: 0, soft: 0, seconds: 0 });
  assert.equal(c.num("hz"), 500);
  assert.deepEqual(load('save ""\n').savePoints(), []);
  assert.deepEqual(load('save 60 1\nsave ""\n').savePoints(), []);
});

Deno.test("config file: a wildcard include reads every match in order", () => {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-glob-" });
  try {
    Deno.writeTextFileSync(`${dir}/20-b.conf`, "timeout 2\n");
    Deno.writeTextFileSync(`${dir}/10-a.conf`, "timeout 1\ntcp-keepalive 5\n");
    Deno.writeTextFileSync(`${dir}/skip.txt`, "bogus\n");
    const c = new Config();
    loadServerConfig(c, { file: null, options: `include ${dir}/*.conf` });
    assert.equal(c.num("timeout"), 2);
    assert.equal(c.num("tcp-keepalive"), 5);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cli: argv becomes Redis's option text", () => {
  const plan = (args: string[]) => {
    const p = parseCommandLine(args, "/work");
    assert.equal(p.kind, "run");
    return p as Extract<typeof p, { kind: "run" }>;
  };
  assert.deepEqual(plan(["redis.conf", "--port", "7777"]), {
    kind: "run",
    configFile: "/work/redis.conf",
    fromStdin: false,
    options: 'port "7777" ',
    noArgs: false,
  });
  assert.equal(plan(["--save", "--port", "1"]).options, 'save ""\nport "1" ');
  assert.equal(plan(["--port", "1", "--save"]).options, 'port "1" \nsave ""');
  assert.equal(plan(["--list-max-listpack-size", "-2"]).options, 'list-max-listpack-size "-2" ');
  assert.equal(plan(["--bind", "127.0.0.1", "::1"]).options, 'bind "127.0.0.1" "::1" ');
  assert.equal(plan(["--port 6380", "--hz", "20"]).options, 'port 6380 \nhz "20" ');
  assert.equal(plan(["-"]).fromStdin, true);
  assert.equal(plan(["/etc/r.conf", "--hz", "1", "-"]).fromStdin, true);
  assert.equal(plan(["/etc/r.conf", "-", "--hz", "1"]).options, '"-" \nhz "1" ');
  assert.equal(plan(["../x.conf"]).configFile, "/x.conf");
  assert.equal(plan([]).noArgs, true);
  assert.equal(parseCommandLine(["-v"], "/").kind, "version");
  assert.equal(parseCommandLine(["--help"], "/").kind, "help");
});

Deno.test("configFrom: embedding values follow redis.conf argument rules", () => {
  const c = configFrom({
    "proc-title-template": "{title} {port}",
    save: "60 1 30 2",
    bind: ["127.0.0.1", "::1"],
    maxmemory: "1mb",
    appendonly: true,
    hz: 20,
  });
  assert.equal(c.str("proc-title-template"), "{title} {port}");
  assert.deepEqual(c.savePoints(), [{ seconds: 60, changes: 1 }, { seconds: 30, changes: 2 }]);
  assert.deepEqual(c.get("bind"), ["127.0.0.1", "::1"]);
  assert.equal(c.num("maxmemory"), 1048576);
  assert.equal(c.bool("appendonly"), true);
  assert.equal(c.num("hz"), 20);
  assert.throws(() => configFrom({ nope: 1 }), /config 'nope': Bad directive or wrong number of arguments/);
});
