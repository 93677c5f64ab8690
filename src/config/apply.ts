/**
 * Runtime effects of CONFIG SET: the built-in apply hooks (log level, protocol limits, rebinding TCP
 * listeners on port/bind changes) and a registry other subsystems use to react to their directives.
 * A hook returns an error text to refuse the change; CONFIG SET then restores the old values.
 */
import type { Server } from "../server/server.ts";
import type { ConfigValue } from "./types.ts";
import type { LogLevel } from "../server/log.ts";
import { rebindTcp } from "../net/listener.ts";

/** Applies a directive's new value to a running server; returns an error text to refuse it. */
export type ApplyFn = (server: Server, value: ConfigValue, old: ConfigValue) => string | void;

const BUILTIN: Record<string, ApplyFn> = {
  loglevel: (s, v) => {
    s.log.level = v as LogLevel;
  },
  "proto-max-bulk-len": (s, v) => {
    s.protoMaxBulkLen = Number(v);
  },
  "client-query-buffer-limit": (s, v) => {
    s.queryBufferLimit = Number(v);
  },
  port: (s, v, old) => {
    const binds = s.config.get("bind") as string[];
    if (!rebindTcp(s, Number(v), binds, Number(old), binds)) return "Unable to listen on this port";
  },
  bind: (s, v, old) => {
    const port = s.config.num("port");
    if (!rebindTcp(s, port, v as string[], port, old as string[])) return "Failed to bind to specified addresses.";
  },
};

const registry = new Map<string, ApplyFn[]>();

/** Registers `fn` to run when CONFIG SET changes directive `name` (canonical name). */
export function registerConfigApply(name: string, fn: ApplyFn): void {
  const list = registry.get(name) ?? [];
  list.push(fn);
  registry.set(name, list);
}

/** The hooks to run when `name` changes: the built-in one first, then registered ones. */
export function appliersFor(name: string): ApplyFn[] {
  const builtin = BUILTIN[name];
  const extra = registry.get(name) ?? [];
  return builtin ? [builtin, ...extra] : extra;
}
