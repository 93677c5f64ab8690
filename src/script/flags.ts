/**
 * Script and function flags (shebang `flags=…`, `redis.register_function{flags=…}`). A leaf module
 * with no Lua dependency, so command modules can use the flags without loading the engine.
 */

/** Script flags (shebang `flags=` and function flags). */
export const SF = {
  NO_WRITES: 1,
  ALLOW_OOM: 2,
  ALLOW_STALE: 4,
  NO_CLUSTER: 8,
  ALLOW_CROSS_SLOT: 16,
  /** No shebang: a pre-7.0 script (may write, not checked against flags). */
  EVAL_COMPAT: 32,
} as const;

/** Flag names of function flags, in Redis's order. */
export const FUNCTION_FLAGS: readonly (readonly [string, number])[] = [
  ["no-writes", SF.NO_WRITES],
  ["allow-oom", SF.ALLOW_OOM],
  ["allow-stale", SF.ALLOW_STALE],
  ["no-cluster", SF.NO_CLUSTER],
  ["allow-cross-slot-keys", SF.ALLOW_CROSS_SLOT],
];
