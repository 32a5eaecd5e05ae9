/** Durable failure store (SQLite). See store.ts (how its parts fit) and docs/store-sync.md. */
export { openStore } from './store.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export type {
  Approval,
  Durability,
  FailureStore,
  NewApproval,
  NewFailure,
  OpenFailure,
  OutcomeChange,
  StoreOptions,
  StoreStats,
  UnsyncedJson,
} from './types.js';
export { monotonicUlid, ulidTime, ULID_RE } from './ulid.js';
export { migrate, MigrationError } from './migrate.js';
export { newFailureSchema, failureRecordSchema, withOutcomeDefaults } from './record-schema.js';
