/**
 * The redis-server command line of src/main.ts, run as a child process: --version / --help, config
 * files with include (also wildcards), stdin (`-`) and --directive overrides in Redis's order, a real
 * Debian redis.conf, and the FATAL CONFIG FILE ERROR block compared with redis-server's own.
 */
import assert from "node:assert/strict";
import { ChildServer, freePort, ROOT } from "../helpers/server.ts";
import { haveRedis } from "../helpers/oracle.ts";
import { RawClient, type RespValue } from "../helpers/resp.ts";

const dec = new TextDecoder();

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion with optional stdin text. */
async function run(cmd: string, args: string[], opts: { stdin?: string; cwd?: string } = {}): Promise<RunResult> {
  const p = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    stdin: opts.stdin !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await p.output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function runOurs(args: string[], opts: { stdin?: string; cwd?: string } = {}): Promise<RunResult> {
  return run(Deno.execPath(), ["run", "-A", `${ROOT}src/main.ts`, ...args], opts);
}

async function configMap(port: number, ...names: string[]): Promise<Map<string, string>> {
  const c = await RawClient.connect(port);
  try {
    const r = await c.call("CONFIG", "GET", ...names) as RespValue[];
    const m = new Map<string, string>();
    for (let i = 0; i < r.length; i += 2) m.set(r[i] as string, r[i + 1] as string);
    return m;
  } finally {
    c.close();
  }
}

Deno.test("cli: --version / -v print a Redis-style version line and exit 0", async () => {
  for (const flag of ["--version", "-v"]) {
    const r = await runOurs([flag]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Redis server v=8\.2\.4 sha=00000000:0 malloc=libc bits=64 build=[0-9a-f]{16}\n$/);
  }
});

Deno.test("cli: --help prints the usage on stderr and exits 1, like redis-server", async () => {
  const r = await runOurs(["--help"]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^Usage: \.\/redis-server \[\/path\/to\/redis\.conf\] \[options\] \[-\]\n/);
  assert.match(r.stderr, /\.\/redis-server -v or --version\n/);
});

Deno.test({
  name: "cli: fatal config errors print the same block as redis-server and exit 1",
  ignore: !haveRedis(),
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "cfg-fatal-" });
    try {
      const cases: { file?: string; args?: string[] }[] = [
        { file: "port 1234\n  foo bar  \n" },
        { file: "# comment\n\nport abc\n" },
        { file: "save 10\n" },
        { file: 'port "abc\n' },
        { file: "maxmemory-policy nope\n" },
        { file: "appendonly yes please\n" },
        { file: "rename-command NOSUCHCOMMAND foo\n" },
        { file: "notify-keyspace-events Z\n" },
        { file: "client-output-buffer-limit normal 1 2\n" },
        { file: "port 7000\n", args: ["--foo", "bar"] },
        { args: ["--port", "1", "2"] },
        { args: ["--maxmemory", "lots"] },
        { args: ["--logfile", `${dir}/no/such/dir.log`] },
      ];
      for (const [i, c] of cases.entries()) {
        const args = [...(c.args ?? [])];
        if (c.file !== undefined) {
          Deno.writeTextFileSync(`${dir}/c${i}.conf`, c.file);
          args.unshift(`${dir}/c${i}.conf`);
        }
        const ours = await runOurs(args);
        const redis = await run("redis-server", args);
        const label = JSON.stringify(c);
        assert.equal(ours.code, 1, label);
        assert.equal(redis.code, 1, label);
        assert.equal(ours.stderr, redis.stderr.replace("(Redis 7.0.15)", "(Redis 8.2.4)"), label);
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("cli: a missing config file or include is logged as fatal and exits 1", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-missing-" });
  try {
    const r = await runOurs([`${dir}/nope.conf`]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /^\d+:C .* # Fatal error, can't open config file '.*\/nope\.conf': No such file or directory\n$/,
    );
    Deno.writeTextFileSync(`${dir}/main.conf`, `include ${dir}/absent.conf\n`);
    const r2 = await runOurs([`${dir}/main.conf`]);
    assert.equal(r2.code, 1);
    assert.match(r2.stdout, /can't open config file '.*\/absent\.conf'/);
    // A wildcard include that matches nothing is fine (empty conf.d directories).
    Deno.writeTextFileSync(`${dir}/glob.conf`, `include ${dir}/conf.d/*.conf\nport abc\n`);
    const r3 = await runOurs([`${dir}/glob.conf`]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, />>> 'port abc'\nargument couldn't be parsed into an integer\n$/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cli: file, includes, stdin and --flags apply in Redis's order", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-order-" });
  Deno.mkdirSync(`${dir}/conf.d`);
  const port = freePort();
  Deno.writeTextFileSync(
    `${dir}/main.conf`,
    [
      "# main file",
      `port ${port}`,
      "maxmemory 1mb",
      'dbfilename "my db.rdb"',
      "save 900 1",
      "save 300 10",
      `include ${dir}/conf.d/*.conf`,
      "hash-max-ziplist-entries 77",
      "list-max-ziplist-entries 512", // deprecated: ignored
      "io-threads-do-reads yes", // no longer effective in 8.x: ignored
      "",
    ].join("\n"),
  );
  Deno.writeTextFileSync(`${dir}/conf.d/a.conf`, "timeout 11\nslowlog-max-len 1\n");
  Deno.writeTextFileSync(`${dir}/conf.d/b.conf`, "slowlog-max-len 2\n");
  // `-` (stdin) must come first or last; anywhere else it is a plain value, as in redis-server.
  const srv = await ChildServer.spawn([`${dir}/main.conf`, "--hz", "30", "--list-max-listpack-size", "-3", "-"], {
    port,
    stdin: "maxmemory 2mb\nhz 20\n",
  });
  try {
    const m = await configMap(
      port,
      "maxmemory",
      "dbfilename",
      "save",
      "timeout",
      "slowlog-max-len",
      "hash-max-listpack-entries",
      "hz",
      "list-max-listpack-size",
    );
    assert.equal(m.get("maxmemory"), "2097152"); // stdin after the file
    assert.equal(m.get("dbfilename"), "my db.rdb");
    assert.equal(m.get("save"), "900 1 300 10"); // save lines accumulate, replacing the defaults
    assert.equal(m.get("timeout"), "11");
    assert.equal(m.get("slowlog-max-len"), "2"); // includes in alphabetical order
    assert.equal(m.get("hash-max-listpack-entries"), "77");
    assert.equal(m.get("hz"), "30"); // command line last
    assert.equal(m.get("list-max-listpack-size"), "-3"); // a value may start with '-'
    assert.match(srv.output, /# Reading config from stdin\n/);
    assert.match(srv.output, /\* Configuration loaded\n/);
  } finally {
    assert.equal((await srv.stop()).code, 0);
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cli: --save with no value and rename-command", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cfg-save-" });
  Deno.writeTextFileSync(`${dir}/r.conf`, 'rename-command GET fetch\nrename-command SET ""\n');
  const srv = await ChildServer.spawn([`${dir}/r.conf`, "--save", "--appendonly", "no"]);
  try {
    const m = await configMap(srv.port, "save", "appendonly");
    assert.equal(m.get("save"), "");
    assert.equal(m.get("appendonly"), "no");
    const c = await RawClient.connect(srv.port);
    assert.match(await c.callRaw("GET", "k"), /^-ERR unknown command 'GET'/);
    assert.match(await c.callRaw("SET", "k", "v"), /^-ERR unknown command 'SET'/);
    assert.equal(await c.callRaw("FETCH", "k"), "$-1\r\n");
    c.close();
  } finally {
    await srv.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test({
  name: "cli: Debian's stock redis.conf loads (with the usual overrides)",
  ignore: (() => {
    try {
      return !Deno.statSync("/etc/redis/redis.conf").isFile;
    } catch {
      return true;
    }
  })(),
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "cfg-debian-" });
    const port = freePort();
    const srv = await ChildServer.spawn([
      "/etc/redis/redis.conf",
      "--port",
      String(port),
      "--daemonize",
      "no",
      "--supervised",
      "no",
      "--logfile",
      "",
      "--pidfile",
      `${dir}/redis.pid`,
      "--dir",
      dir,
      "--unixsocket",
      "",
    ], { port });
    try {
      const m = await configMap(port, "dir", "bind", "daemonize", "databases", "maxmemory-policy");
      assert.equal(m.get("dir"), dir);
      assert.equal(m.get("daemonize"), "no");
      assert.equal(m.get("databases"), "16");
      assert.equal(Deno.readTextFileSync(`${dir}/redis.pid`), `${srv.proc.pid}\n`);
    } finally {
      assert.equal((await srv.stop()).code, 0);
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
