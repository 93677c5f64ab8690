/**
 * persistence.ts (and snapshot.ts) can be imported before the server's entry module: aof.ts registers
 * with the persistence hooks at its top level, and that used to fail with "Cannot access 'otherChild'
 * before initialization" (the hooks now live in persist/hooks.ts, which imports nothing at run time).
 * Checked in a fresh process, where nothing is loaded yet. (Importing aof.ts or commands/persist.ts
 * first still trips other top-level registrations: INFO field providers, the command table.)
 */
import assert from "node:assert/strict";

const SRC = new URL("../../src/", import.meta.url).href;

/** Runs a module that imports `first` and then the embedding API, and starts and stops a server. */
async function importFirst(first: string): Promise<{ code: number; out: string }> {
  const script = `import * as first from "${SRC}${first}";
import { startServer } from "${SRC}mod.ts";
const s = await startServer({ port: 0, config: { save: "" } });
console.log(Object.keys(first).length > 0 ? "ok" : "empty");
await s.close();`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

for (const first of ["persist/persistence.ts", "persist/snapshot.ts"]) {
  Deno.test(`${first} can be imported before the server's entry module`, async () => {
    const r = await importFirst(first);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^ok$/m);
  });
}
