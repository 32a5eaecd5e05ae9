/**
 * Deprecated, kept one step for `fleet serve` (agent/fleet/portal/serve.ts), which still opens
 * its alert outbox by file: the outbox is the fleet store's alert_deliveries now (outbox-store.ts),
 * so this opens a SQLite fleet store on `file` and its outbox, and close() closes that store.
 * The alert_outbox table this module used to make is gone (taken over by collector migration v6).
 * Callers that have a FleetStore pass it to storeOutbox instead; delete this file once none is left.
 */
import { sqliteFleetStore } from '../store/sqlite.js';
import type { AlertOutbox } from './outbox.js';
import { storeOutbox } from './outbox-store.js';

/** @deprecated use storeOutbox(store) with the fleet store the caller already has. */
export function openSqliteOutbox(file: string): AlertOutbox {
  const store = sqliteFleetStore(file);
  return storeOutbox(store, { close: () => store.close() });
}
