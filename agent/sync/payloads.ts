/**
 * MQTT payload contract (version 1). Topics live under `pos/v1/{fleet}/{terminal}/`:
 *   failures  QoS 1, not retained: FailuresPayload (a batch of records, in seq order)
 *   status    QoS 1, retained: StatusPayload (birth 'online'; Last Will 'offline')
 *   metrics   QoS 0, not retained: MetricsPayload (heartbeat)
 * Receivers deduplicate failures by record `id`. JSON Schema: docs/payload.schema.json.
 */
import type { Category, FailureRecord } from '../record.js';

export const PAYLOAD_VERSION = 1;

export function topicFor(fleet: string, terminal: string, kind: 'failures' | 'status' | 'metrics'): string {
  return `pos/v1/${fleet}/${terminal}/${kind}`;
}

export interface FailuresPayload {
  v: 1;
  fleet: string;
  terminal: string;
  boot_id: string;
  /** Records in ascending seq order; `synced_at` is always null on the wire. */
  records: FailureRecord[];
}

export interface StatusPayload {
  v: 1;
  state: 'online' | 'offline';
  terminal: string;
  fleet: string;
  boot_id: string;
  /** Agent version (package.json). */
  version: string;
  /** sha256 of the effective config with secrets removed, first 16 hex chars. */
  config_hash: string;
  /** UTC ISO-8601. For the Last Will, the time the birth was sent. */
  at: string;
}

export interface MetricsPayload {
  v: 1;
  terminal: string;
  fleet: string;
  boot_id: string;
  at: string;
  uptime_s: number;
  outbox_depth: number;
  /** Age in seconds of the oldest unsynced record, 0 when the outbox is empty. */
  oldest_unsynced_age_s: number;
  /** Serial link to the payment module. */
  link: 'up' | 'down' | 'unknown';
  /** Counts since boot by category, approvals included. */
  counts: Partial<Record<Category, number>>;
  rss_mb: number;
  heap_used_mb: number;
  db_bytes: number;
  /** Active alarms, e.g. 'store_budget_exceeded', 'disk_full', 'db_recreated'. Empty when healthy. */
  alarms: string[];
}
