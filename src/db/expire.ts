/**
 * Active expiry: Redis's adaptive cycle. Each tick samples keys with a TTL in every db, deletes the
 * expired ones and repeats while more than 25 % of a sample was expired, within a time budget.
 */
import type { Server } from "../server/server.ts";

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE = 10;

/** Runs one active expire cycle (slow cycle: 25 % of the tick's time at most). */
export function activeExpireCycle(server: Server): void {
  const effort = server.config.num("active-expire-effort") - 1;
  const perLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
  const stale = ACCEPTABLE_STALE - effort;
  const hz = Math.max(1, server.config.num("hz"));
  const budgetMs = (1000 / hz) * 0.25;
  const start = performance.now();
  const now = server.clock.now();
  for (const db of server.dbs) {
    const exp = db.expires;
    let iterations = 0;
    while (exp.keys.length > 0) {
      let sampled = 0, expired = 0;
      const n = Math.min(perLoop, exp.keys.length);
      for (let i = 0; i < n && exp.keys.length > 0; i++) {
        const slot = exp.randomSlot();
        const key = exp.keys[slot];
        sampled++;
        if (exp.vals[slot] < now) {
          server.keyExpired(db, key);
          expired++;
        }
      }
      iterations++;
      if ((iterations & 15) === 0 && performance.now() - start > budgetMs) {
        server.stats.expiredTimeCapReached++;
        return;
      }
      if (sampled === 0 || (expired * 100) / sampled <= stale) break;
    }
  }
}
