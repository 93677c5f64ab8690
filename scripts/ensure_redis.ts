/**
 * Makes sure the test oracle is installed before the tests run: Debian's `redis-server` and
 * `redis-tools` (redis-cli, redis-benchmark, redis-check-rdb). Installs them with apt-get when missing
 * (root on Debian/Ubuntu), then stops the system service the package starts, so tests own their ports.
 */

function have(cmd: string): boolean {
  try {
    return new Deno.Command(cmd, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

function sh(script: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", script], stdout: "null", stderr: "inherit" }).outputSync().success;
  } catch {
    return false;
  }
}

const needed = ["redis-server", "redis-cli", "redis-benchmark", "ps"];
if (!needed.every(have)) {
  console.error("installing redis-server and redis-tools (the tests' oracle) with apt-get…");
  const ok = sh(
    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools procps",
  );
  sh("(service redis-server stop || pkill -x redis-server) >/dev/null 2>&1");
  if (!ok || !needed.every(have)) {
    console.error("warning: could not install redis-server/redis-tools; differential tests will fail");
  }
}
