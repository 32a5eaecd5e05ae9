/** MQTT sync of the failure outbox. See sync.ts and docs/store-sync.md. */
export { startSync, processMetrics, SyncError } from './sync.js';
export type { SyncOptions, SyncHandle, SyncState, SyncCounters, AppMetrics } from './sync.js';
export { startEmbeddedBroker } from './broker.js';
export type { EmbeddedBroker } from './broker.js';
export * from './payloads.js';
