/** Test payload factories (valid v1 payloads, as agent/sync sends them). */
import type { FailureRecord } from '../../agent/record.js';
import type { FailuresPayload, MetricsPayload, StatusPayload } from '../../agent/sync/payloads.js';
import { makeRecord } from '../export/seed.js';

export function failures(fleet: string, terminal: string, records: FailureRecord[]): FailuresPayload {
  return {
    v: 1,
    fleet,
    terminal,
    boot_id: 'boot-1',
    records: records.map((r) => ({ ...r, terminal_id: terminal, synced_at: null })),
  };
}

export function status(
  fleet: string,
  terminal: string,
  state: 'online' | 'offline',
  at = '2026-11-23T08:00:00.000Z',
): StatusPayload {
  return {
    v: 1,
    state,
    terminal,
    fleet,
    boot_id: 'boot-1',
    version: '0.1.0',
    config_hash: 'abcdef0123456789',
    at,
  };
}

export function metrics(fleet: string, terminal: string, outbox: number, oldest = 0): MetricsPayload {
  return {
    v: 1,
    terminal,
    fleet,
    boot_id: 'boot-1',
    at: '2026-11-23T08:00:00.000Z',
    uptime_s: 100,
    outbox_depth: outbox,
    oldest_unsynced_age_s: oldest,
    link: 'up',
    counts: {},
    rss_mb: 40,
    heap_used_mb: 10,
    db_bytes: 4096,
    alarms: [],
  };
}

/** A record occurring at `t` (ms). */
export function recordAt(i: number, t: number, over: Partial<FailureRecord> = {}): FailureRecord {
  return makeRecord(i, { occurred_at: new Date(t).toISOString(), ...over });
}
