/**
 * The store's one alarm set. An alarm may be held by several parts at once (the committer and the
 * acknowledger both raise 'store_io_error'): it is active while any holder holds it, raised (logged)
 * when the first takes it and cleared (logged) when the last lets go, so no part needs to know
 * whether another still has a problem.
 */
import type { Logger } from '../log.js';

export type AlarmName =
  'store_budget_exceeded' | 'disk_full' | 'store_io_error' | 'db_recreated' | 'db_rolled_back';

export interface Alarms {
  /** Raises (on) or releases (off) `name` on behalf of `holder`; logs only when the alarm changes. */
  set(name: AlarmName, holder: string, on: boolean, detail?: Record<string, unknown>): void;
  has(name: AlarmName): boolean;
  /** Active alarms, sorted. */
  list(): string[];
}

export function createAlarms(log: Logger): Alarms {
  const holders = new Map<AlarmName, Set<string>>();
  return {
    set(name, holder, on, detail = {}) {
      let h = holders.get(name);
      if (on === (h?.has(holder) ?? false)) return;
      if (on) {
        if (!h) holders.set(name, (h = new Set()));
        h.add(holder);
        if (h.size === 1)
          log.error({ event: 'alarm_raised', code: name, ...detail }, `store alarm raised: ${name}`);
      } else if (h) {
        h.delete(holder);
        if (h.size > 0) return;
        holders.delete(name);
        log.warn({ event: 'alarm_cleared', code: name, ...detail }, `store alarm cleared: ${name}`);
      }
    },
    has: (name) => holders.has(name),
    list: () => [...holders.keys()].sort(),
  };
}
