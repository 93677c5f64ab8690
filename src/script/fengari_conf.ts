/**
 * Configures fengari before it loads (imported first by lua.ts): integral floats print without
 * ".0" (tostring(10/2) is "5"), as in Lua 5.1. Without env access this is skipped and such floats
 * print as "5.0" (a documented difference).
 */
try {
  if (!Deno.env.get("FENGARICONF")) Deno.env.set("FENGARICONF", JSON.stringify({ LUA_COMPAT_FLOATSTRING: true }));
} catch {
  // no env permission
}
