/**
 * Builds the single-file binary `dist/redeno` with `deno compile`.
 *
 * `deno compile` needs the `denort` runtime. It normally downloads it; where that is impossible, point
 * `DENORT_BIN` at a local denort binary (same Deno version) and it is used instead.
 * Usage: `DENORT_BIN=/path/to/denort deno task compile [--target <triple>] [--output <path>]`
 */
import { parseArgs } from "node:util";

const ROOT = new URL("../", import.meta.url).pathname;
const { values } = parseArgs({
  args: Deno.args,
  options: { output: { type: "string", default: `${ROOT}dist/redeno` }, target: { type: "string" } },
});

const denort = Deno.env.get("DENORT_BIN");
if (denort) {
  try {
    Deno.statSync(denort);
  } catch {
    console.error(`DENORT_BIN=${denort} does not exist`);
    Deno.exit(1);
  }
  console.error(`using denort from DENORT_BIN=${denort}`);
} else {
  console.error("DENORT_BIN is not set: deno compile will try to download denort");
}

const args = [
  "compile",
  // Same V8 flags as `deno task start` (a smaller young generation: less RSS, same throughput).
  "--v8-flags=--max-semi-space-size=4",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--allow-ffi",
  "--output",
  values.output!,
  ...(values.target ? ["--target", values.target] : []),
  `${ROOT}src/main.ts`,
];
const status = await new Deno.Command(Deno.execPath(), { args, stdout: "inherit", stderr: "inherit" }).spawn().status;
Deno.exit(status.code);
