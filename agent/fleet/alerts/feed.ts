/**
 * What feeds the alerts besides records, made from what the fleet side already has:
 * - terminal states from `fleet watch`'s reducer (watch-state.ts) or from a terminal row of the
 *   fleet store (state derived at read time, ISO times), as evaluate.ts TerminalState;
 * - approvals per terminal from the metrics heartbeats: `counts.approved` is a count since the
 *   agent's boot, so the approvals between two heartbeats are the difference (all of it after a
 *   new boot; nothing for the first heartbeat seen, whose approvals may be hours old).
 * Pure but for the small map ApprovalCounter keeps.
 */
import type { TerminalView, WatchConfig } from '../watch-state.js';
import type { TerminalState } from './evaluate.js';

/** A terminal as `fleet watch` holds it, at `now`: silent when it said online and went quiet. */
export function terminalFromWatch(
  v: TerminalView,
  cfg: Pick<WatchConfig, 'silentAfterMs'>,
  now: number,
  merchantId?: string | null,
): TerminalState {
  const silent = v.status === 'online' && now - v.lastSeen > cfg.silentAfterMs;
  const statusAt = v.statusAt === null ? Number.NaN : Date.parse(v.statusAt);
  return {
    fleet: v.fleet,
    terminal: v.terminal,
    merchant_id: merchantId ?? null,
    status: silent ? 'silent' : v.status,
    // offline since its Last Will / offline status said so; silent since it was last heard
    since: v.status === 'offline' && Number.isFinite(statusAt) ? statusAt : v.lastSeen,
    backlog: v.outboxDepth,
  };
}

/** The fields of a fleet-store terminal row (agent/fleet/store TerminalRow) the alerts read. */
export interface TerminalRowLike {
  fleet: string;
  terminal_id: string;
  merchant_id: string | null;
  state: 'online' | 'offline' | 'silent' | 'unknown';
  status_at: string | null;
  last_seen: string;
  outbox_depth: number | null;
}

export function terminalFromRow(r: TerminalRowLike): TerminalState {
  const statusAt = r.status_at === null ? Number.NaN : Date.parse(r.status_at);
  return {
    fleet: r.fleet,
    terminal: r.terminal_id,
    merchant_id: r.merchant_id,
    status: r.state,
    since: r.state === 'offline' && Number.isFinite(statusAt) ? statusAt : Date.parse(r.last_seen),
    backlog: r.outbox_depth,
  };
}

/** Approvals between heartbeats, per terminal, from `counts.approved` since each boot. */
export class ApprovalCounter {
  private readonly last = new Map<string, { boot: string; approved: number }>();

  /** The approvals since the previous heartbeat of this terminal (0 for the first one seen). */
  delta(fleet: string, terminal: string, bootId: string, approvedSinceBoot: number | undefined): number {
    const key = `${fleet}/${terminal}`;
    const now = approvedSinceBoot ?? 0;
    const prev = this.last.get(key);
    this.last.set(key, { boot: bootId, approved: now });
    if (!prev) return 0;
    if (prev.boot !== bootId) return now; // a new boot counts from zero
    return Math.max(0, now - prev.approved);
  }
}
