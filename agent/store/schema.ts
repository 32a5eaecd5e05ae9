/**
 * SQLite schema of the failure store, as ordered migrations. The `failures` table holds exactly the
 * fields of FailureRecord (agent/record.ts); the outbox is the set of rows with synced_at IS NULL.
 * Used by the agent's store, the export command and `fleet collect`. Append migrations; never edit
 * one that has shipped. The applied version is PRAGMA user_version; agent/store/migrate.ts applies
 * the missing ones, each in its own transaction together with the user_version bump.
 * v2 adds `meta` (key/value: created_at, seq_floor after a recreated database) and `terminal_seq`
 * (last seq per terminal, so seq keeps counting up after old synced rows are purged).
 * v3 adds `notes` (problems with the input a record was made from; see agent/record.ts).
 * v4 adds the outcome of a record and its version (existing rows: version 1, outcome from rc),
 * the local-only `card_key` (never in RECORD_COLUMNS: not synced, not exported) and the local
 * approval ledger `approvals` (no PAN: masked PAN and card hash only). A card key is stored as its
 * bytes (BLOB), not as hex text: 32 hex characters can hold a 13-19 digit Luhn-valid run that a
 * card-data scan of the file would rightly flag.
 */
import { initialOutcomeSql, notDeclinedSql } from '../record.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Migration v4's record columns for a `failures` table (the agent's store and the collector's):
 * existing rows get version 1 and the outcome their rc implies.
 */
export const ADD_OUTCOME_COLUMNS_SQL = `ALTER TABLE failures ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE failures ADD COLUMN outcome TEXT NOT NULL DEFAULT 'declined';
ALTER TABLE failures ADD COLUMN outcome_at TEXT;
ALTER TABLE failures ADD COLUMN linked_id TEXT;
ALTER TABLE failures ADD COLUMN recovered_by TEXT;
UPDATE failures SET outcome = ${initialOutcomeSql()} WHERE ${notDeclinedSql()};`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'failures table with export and outbox indexes',
    sql: `
CREATE TABLE failures (
  id              TEXT PRIMARY KEY,
  seq             INTEGER NOT NULL,
  boot_id         TEXT NOT NULL,
  terminal_id     TEXT NOT NULL,
  merchant_id     TEXT NOT NULL,
  occurred_at     TEXT NOT NULL,
  utc_offset_min  INTEGER NOT NULL DEFAULT 0,
  mti             TEXT,
  processing_code TEXT,
  amount_minor    INTEGER,
  currency        TEXT,
  pan_masked      TEXT,
  pan_last4       TEXT GENERATED ALWAYS AS (substr(pan_masked, -4)) VIRTUAL,
  card_brand      TEXT,
  entry_mode      TEXT,
  stan            TEXT,
  rrn             TEXT,
  auth_code       TEXT,
  rc              TEXT NOT NULL,
  rc_source       TEXT NOT NULL CHECK (rc_source IN ('issuer','host','local')),
  category        TEXT NOT NULL,
  retry           TEXT NOT NULL,
  synced_at       TEXT,
  UNIQUE (terminal_id, seq)
);
CREATE INDEX failures_occurred_at ON failures (occurred_at);
CREATE INDEX failures_category ON failures (category, occurred_at);
CREATE INDEX failures_rc ON failures (rc);
CREATE INDEX failures_terminal ON failures (terminal_id, occurred_at);
CREATE INDEX failures_stan ON failures (stan);
CREATE INDEX failures_rrn ON failures (rrn);
CREATE INDEX failures_pan_last4 ON failures (pan_last4);
CREATE INDEX failures_outbox ON failures (seq) WHERE synced_at IS NULL;
`,
  },
  {
    version: 2,
    description: 'meta key/value table and per-terminal last seq (survives purging of old rows)',
    sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE terminal_seq (
  terminal_id TEXT PRIMARY KEY,
  last_seq    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO terminal_seq (terminal_id, last_seq)
  SELECT terminal_id, MAX(seq) FROM failures GROUP BY terminal_id;
`,
  },
  {
    version: 3,
    description:
      'notes: problems with the input a record was made from (a bad optional field is stored empty and named here)',
    sql: `
ALTER TABLE failures ADD COLUMN notes TEXT;
`,
  },
  {
    version: 4,
    description:
      'outcomes: version, outcome, outcome_at, linked_id, recovered_by; local card_key; the approval ledger',
    sql: `
${ADD_OUTCOME_COLUMNS_SQL}
ALTER TABLE failures ADD COLUMN card_key BLOB;
CREATE TABLE approvals (
  id           TEXT PRIMARY KEY,
  terminal_id  TEXT NOT NULL,
  merchant_id  TEXT NOT NULL,
  occurred_at  TEXT NOT NULL,
  mti          TEXT,
  amount_minor INTEGER,
  currency     TEXT,
  pan_masked   TEXT,
  card_key     BLOB,
  stan         TEXT,
  rrn          TEXT,
  auth_code    TEXT
);
CREATE INDEX approvals_occurred_at ON approvals (occurred_at);
`,
  },
];

/** Schema version after all migrations (stored in PRAGMA user_version). */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Column list of the record, in contract order (export column order too). */
export const RECORD_COLUMNS = [
  'id',
  'seq',
  'boot_id',
  'terminal_id',
  'merchant_id',
  'occurred_at',
  'utc_offset_min',
  'mti',
  'processing_code',
  'amount_minor',
  'currency',
  'pan_masked',
  'card_brand',
  'entry_mode',
  'stan',
  'rrn',
  'auth_code',
  'rc',
  'rc_source',
  'category',
  'retry',
  'notes',
  'version',
  'outcome',
  'outcome_at',
  'linked_id',
  'recovered_by',
  'synced_at',
] as const;

/** The columns migration v4 added to the record (receivers keep the newest version of a record). */
export const OUTCOME_COLUMNS = ['version', 'outcome', 'outcome_at', 'linked_id', 'recovered_by'] as const;
const isOutcomeColumn = (c: string) => (OUTCOME_COLUMNS as readonly string[]).includes(c);
/** The record's columns before v4 (what older databases hold; shipped migrations are built on it). */
export const PRE_OUTCOME_COLUMNS = RECORD_COLUMNS.filter((c) => !isOutcomeColumn(c));

/** Columns of the approval ledger (local only), in NewApproval order after the id. */
export const APPROVAL_COLUMNS = [
  'id',
  'terminal_id',
  'merchant_id',
  'occurred_at',
  'mti',
  'amount_minor',
  'currency',
  'pan_masked',
  'card_key',
  'stan',
  'rrn',
  'auth_code',
] as const;
