/** Durable failure store (SQLite). See store.ts (how its parts fit) and docs/store-sync.md. */
export { openStore, StoreError } from './store.js';
export type {
  Approval,
  Durability,
  FailureStore,
  NewApproval,
  NewFailure,
  OpenFailure,
  OutcomeChange,
  StoreErrorCode,
  StoreOptions,
  StoreStats,
  UnsyncedJson,
} from './store.js';
export { monotonicUlid, ulidTime, ULID_RE } from './ulid.js';
export { migrate, MigrationError } from './migrate.js';
export { newFailureSchema, failureRecordSchema, withOutcomeDefaults } from './record-schema.js';
