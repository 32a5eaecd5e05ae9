/**
 * Live updates for the portal's server-sent events: new failures and terminal changes, each for
 * the scope of the person watching. Subscribers are grouped by scope (every operator shares one
 * group, each distinct set of merchant ids has its own), and each group polls the store with its
 * Scope in the query, as every portal read does: nothing is fetched wider and filtered after.
 * Polling the store, not the local collector, also shows what other collectors of the share group
 * stored. kick() polls at once (the local collector just stored something).
 *
 * A group's failure feed starts at its first subscriber (what arrived before is on the page) and
 * follows the store's receive-order cursor (recentFailures). Terminals are compared with the last
 * poll and only changed rows are sent; at most MAX_TERMINALS per group are compared.
 */
import type { Logger } from 'pino';
import { type FailureRow, type FleetStore, MAX_PAGE, type Scope, type TerminalRow } from '../store/types.js';

export interface LiveEvent {
  type: 'failure' | 'terminal';
  failure?: FailureRow;
  terminal?: TerminalRow;
}

type Listener = (ev: LiveEvent) => void;

/** Terminals compared per group and poll. */
export const MAX_TERMINALS = 4 * MAX_PAGE;

interface Group {
  scope: Scope;
  listeners: Set<Listener>;
  since: string;
  after?: string;
  terminals: Map<string, string> | null;
}

export function scopeKey(scope: Scope): string {
  return scope.role === 'operator' ? 'operator' : `m:${[...new Set(scope.merchantIds)].sort().join(',')}`;
}

function terminalSig(t: TerminalRow): string {
  return JSON.stringify([t.state, t.last_seen, t.outbox_depth, t.alarms, t.failures, t.counts]);
}

export interface LiveHub {
  subscribe(scope: Scope, listener: Listener): () => void;
  /** Polls now (coalesced with a poll already running). */
  kick(): void;
  /** Subscribers now (tests, stats). */
  size(): number;
  close(): void;
}

export function createLiveHub(o: {
  store: FleetStore;
  log: Logger;
  pollMs: number;
  silentAfterMs: number;
  now?: () => number;
}): LiveHub {
  const now = o.now ?? Date.now;
  const groups = new Map<string, Group>();
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  async function pollGroup(g: Group): Promise<void> {
    // failures, in the order received
    for (let round = 0; round < 10; round++) {
      const page = await o.store.recentFailures(g.scope, {
        since: g.since,
        ...(g.after ? { after: g.after } : {}),
        limit: 200,
      });
      if (page.next) g.after = page.next;
      for (const f of page.items) for (const l of g.listeners) l({ type: 'failure', failure: f });
      if (page.items.length < 200) break;
    }
    // terminals that changed since the last poll
    const seen = new Map<string, string>();
    let after: string | undefined;
    const nowIso = new Date(now()).toISOString();
    do {
      const page = await o.store.listTerminals(g.scope, {
        limit: MAX_PAGE,
        now: nowIso,
        silentAfterMs: o.silentAfterMs,
        ...(after ? { after } : {}),
      });
      for (const t of page.items) {
        const key = `${t.fleet}/${t.terminal_id}`;
        const sig = terminalSig(t);
        seen.set(key, sig);
        if (g.terminals && g.terminals.get(key) !== sig)
          for (const l of g.listeners) l({ type: 'terminal', terminal: t });
      }
      after = page.next ?? undefined;
    } while (after && seen.size < MAX_TERMINALS);
    g.terminals = seen;
  }

  async function pollAll(): Promise<void> {
    do {
      again = false;
      for (const g of [...groups.values()]) {
        if (g.listeners.size === 0) continue;
        try {
          await pollGroup(g);
        } catch (err) {
          o.log.warn({ event: 'portal_live_failed', err }, 'live update poll failed');
        }
      }
    } while (again && !closed);
  }

  function kick(): void {
    if (closed || groups.size === 0) return;
    if (running) {
      again = true;
      return;
    }
    running = pollAll().finally(() => {
      running = null;
    });
  }

  const timer = setInterval(kick, o.pollMs);
  timer.unref();

  return {
    subscribe(scope, listener) {
      const key = scopeKey(scope);
      let g = groups.get(key);
      if (!g) {
        g = { scope, listeners: new Set(), since: new Date(now()).toISOString(), terminals: null };
        groups.set(key, g);
      }
      g.listeners.add(listener);
      const group = g;
      return () => {
        group.listeners.delete(listener);
        if (group.listeners.size === 0) groups.delete(key);
      };
    },
    kick,
    size: () => [...groups.values()].reduce((n, g) => n + g.listeners.size, 0),
    close() {
      closed = true;
      clearInterval(timer);
      groups.clear();
    },
  };
}
