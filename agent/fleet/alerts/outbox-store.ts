/**
 * The alert outbox port (outbox.ts) over the fleet store: its alert_deliveries table is the one
 * outbox, on SQLite and PostgreSQL alike, so alerts live in the fleet's database and several
 * senders on it share the work (a claim leases, see FleetStore.claimDeliveries). This adapter only
 * translates: the port's epoch milliseconds to the store's ISO instants and back, the payload's
 * JSON text to the store's object and back, a rule id of null to ''. It does not own the store:
 * close() leaves it open unless told otherwise (the store's owner closes it).
 */
import type { DeliveryRow, FleetStore, NewDelivery as StoreDelivery } from '../store/types.js';
import type { AlertOutbox, Delivery, NewDelivery } from './outbox.js';

const iso = (ms: number) => new Date(ms).toISOString();

function toStore(d: NewDelivery): StoreDelivery {
  return {
    key: d.key,
    rule_id: d.rule_id,
    channel: d.channel,
    target: d.target,
    payload: JSON.parse(d.payload) as Record<string, unknown>,
    digest_day: d.digest_day,
  };
}

function fromStore(r: DeliveryRow): Delivery {
  return {
    key: r.key,
    channel: r.channel,
    target: r.target,
    rule_id: r.rule_id ?? '',
    payload: JSON.stringify(r.payload),
    digest_day: r.digest_day,
    state: r.state,
    attempts: r.attempts,
    next_at: Date.parse(r.next_at),
    last_error: r.last_error,
    created_at: Date.parse(r.created_at),
    delivered_at: r.delivered_at === null ? null : Date.parse(r.delivered_at),
    reclaimed: r.reclaimed,
  };
}

export interface StoreOutboxOptions {
  /** What close() does (default: nothing; e.g. close the store when the outbox is its only user). */
  close?: () => Promise<void>;
}

export function storeOutbox(store: FleetStore, opts: StoreOutboxOptions = {}): AlertOutbox {
  return {
    enqueue: (items, now) => store.enqueueDeliveries(items.map(toStore), iso(now)),
    claimDue: async (now, limit, leaseMs) =>
      (await store.claimDeliveries(iso(now), limit, leaseMs)).map(fromStore),
    markDelivered: (key, now) => store.markDelivered(key, iso(now)),
    markFailed: (key, error, nextAt) => store.markFailed(key, error, nextAt === null ? null : iso(nextAt)),
    held: async (beforeDay) => (await store.heldDeliveries(beforeDay)).map(fromStore),
    replaceHeld: (digest, heldKeys, now) => store.digestHeld(toStore(digest), heldKeys, iso(now)),
    get: async (key) => {
      const r = await store.getDelivery(key);
      return r ? fromStore(r) : undefined;
    },
    counts: () => store.deliveryCounts(),
    close: opts.close ?? (async () => {}),
  };
}
