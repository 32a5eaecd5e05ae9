/**
 * Feeds the alerts service (agent/fleet/alerts runAlerts) from the fleet store, not from the local
 * collector: so one `fleet serve` that runs alerts sees what every collector of the share group
 * stored. Each round: the record versions received since the last round (recentFailures, in the
 * order received), the approvals counted in heartbeats since the last round (ApprovalCounter), and
 * every terminal's state (terminalFromRow). At start it looks back LOOKBACK_MS: what arrived while
 * it was down is evaluated, and what was alerted before is not sent again (the outbox keys).
 */
import type { Logger } from 'pino';
import { ApprovalCounter, terminalFromRow } from '../alerts/feed.js';
import type { AlertService } from '../alerts/service.js';
import type { TerminalState } from '../alerts/evaluate.js';
import { type FleetStore, MAX_PAGE, OPERATOR } from '../store/types.js';

export const LOOKBACK_MS = 10 * 60_000;
/** Terminals read per round at most. */
export const MAX_FEED_TERMINALS = 50 * MAX_PAGE;

export interface AlertFeed {
  /** One round now (coalesced with one running). */
  kick(): Promise<void>;
  stop(): Promise<void>;
}

export function startAlertFeed(o: {
  store: FleetStore;
  alerts: AlertService;
  log: Logger;
  everyMs: number;
  silentAfterMs: number;
  now?: () => number;
}): AlertFeed {
  const now = o.now ?? Date.now;
  const since = new Date(now() - LOOKBACK_MS).toISOString();
  let after: string | undefined;
  const approvals = new ApprovalCounter();
  const heartbeat = new Map<string, string | null>();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function round(): Promise<void> {
    for (;;) {
      const page = await o.store.recentFailures(OPERATOR, {
        since,
        ...(after ? { after } : {}),
        limit: MAX_PAGE,
      });
      if (page.next) after = page.next;
      for (const r of page.items) await o.alerts.record(r.fleet ?? '', r);
      if (page.items.length < MAX_PAGE || stopped) break;
    }
    const states: TerminalState[] = [];
    let cursor: string | undefined;
    do {
      const page = await o.store.listTerminals(OPERATOR, {
        limit: MAX_PAGE,
        now: new Date(now()).toISOString(),
        silentAfterMs: o.silentAfterMs,
        ...(cursor ? { after: cursor } : {}),
      });
      for (const t of page.items) {
        states.push(terminalFromRow(t));
        const key = `${t.fleet}/${t.terminal_id}`;
        // a new heartbeat: the approvals since the previous one count as attempts
        if (t.metrics_at !== null && heartbeat.get(key) !== t.metrics_at && t.boot_id) {
          heartbeat.set(key, t.metrics_at);
          const n = approvals.delta(t.fleet, t.terminal_id, t.boot_id, t.counts.approved);
          if (n > 0) await o.alerts.approvals(t.fleet, t.terminal_id, n);
        }
      }
      cursor = page.next ?? undefined;
    } while (cursor && states.length < MAX_FEED_TERMINALS);
    if (states.length) await o.alerts.terminals(states);
  }

  function kick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await round();
        } catch (err) {
          o.log.error({ event: 'alert_feed_failed', err }, 'alert feed round failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => void kick(), o.everyMs);
  timer.unref();
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
    },
  };
}
