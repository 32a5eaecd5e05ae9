/**
 * The collector's own schema: the agent's `failures` columns (agent/store/schema.ts) plus what only
 * a collector knows. Pure (SQL text and a digest function).
 *
 * At the collector a record is identified by its id. Its fleet is the topic's fleet (the record
 * itself carries none); the terminal is the topic's terminal (the collector refuses a record whose
 * terminal_id differs). Two records with the same id and the same content are one record (a
 * redelivery); the same id with different content is an id conflict and (fleet, terminal_id, seq)
 * shared by two ids is a seq conflict: both are stored and flagged, never dropped.
 *
 * Extra columns:
 *   fleet         the topic's fleet; NULL for rows stored before v3 (the fleet was not kept then)
 *   digest        sha256 (base64) of the record's content (every field but synced_at), see recordDigest
 *   id_conflict   1 when another row has the same id and different content
 *   seq_conflict  1 when another id has the same (fleet, terminal_id, seq); a NULL fleet (old row)
 *                 matches any fleet, so a conflict with an old row is flagged rather than missed
 *
 * Versions of a record (agent/record.ts `version`): the collector keeps the newest version of an
 * id. A higher version replaces the stored rows of its id (seq too); the same version with the same
 * content is a redelivery; a lower one is stale (not stored, counted); the same version with other
 * content is an id conflict as above. Records of agents from before versions count as version 1.
 *
 * SQLite: versions 1 and 2 are the agent's shipped migrations (the collector used the agent schema
 * before v3, so an existing collector database is at user_version 2); v3 rebuilds the table without
 * UNIQUE (terminal_id, seq) and without id as primary key. The migration computes digests with the
 * SQL function `pos_record_digest`, which the SQLite sink registers before migrating. v4 adds the
 * outcome columns (existing rows: version 1, outcome from rc) and digests every row again over them.
 * PostgreSQL: the version lives in `pos_collector_schema` (one row per table); v1 is the table the
 * collector created before versioning, v2 adds the columns above and `notes` when missing, v3 the
 * outcome columns (digests filled, or filled again, by the sink).
 * The fleet store's tables (terminals, users, sessions, cases, case_events, alert_rules,
 * alert_deliveries) and the search indexes are one more step on both: SQLite v5, PostgreSQL v4
 * (agent/fleet/store/migrations.ts); alert_deliveries as the alerts' one outbox (digest states,
 * digest_day, reclaimed) the next: SQLite v6, PostgreSQL v5; the record id at the end of the cases'
 * (merchant_id, status, occurred_at) index the next: SQLite v7, PostgreSQL v6.
 */
import { createHash } from 'node:crypto';
import { initialOutcomeSql, notDeclinedSql } from '../record.js';
import {
  MIGRATIONS,
  type Migration,
  ADD_OUTCOME_COLUMNS_SQL,
  OUTCOME_COLUMNS,
  PRE_OUTCOME_COLUMNS,
  RECORD_COLUMNS,
} from '../store/schema.js';
import {
  CASES_INDEX_MIGRATION_DESCRIPTION,
  casesIndexMigrationSql,
  DELIVERIES_MIGRATION_DESCRIPTION,
  deliveriesMigrationSql,
  FLEET_MIGRATION_DESCRIPTION,
  fleetMigrationSql,
} from './store/migrations.js';

/** The record's content columns: everything but synced_at (the collector stamps that itself). */
export const DIGEST_COLUMNS = RECORD_COLUMNS.filter((c) => c !== 'synced_at');

const TIME_COLUMNS = new Set<string>(['occurred_at', 'outcome_at']);
const INT_COLUMNS = new Set<string>(['seq', 'utc_offset_min', 'amount_minor', 'version']);

/**
 * Digest of a record's content, values in DIGEST_COLUMNS order. Values are normalized so a row read
 * back from either store digests like the record that arrived: instants as ISO-8601 with
 * milliseconds (PostgreSQL returns Date objects), integers as numbers (pg returns bigint as text).
 */
export function recordDigest(values: readonly unknown[]): string {
  const norm = values.map((v, i) => {
    if (v === null || v === undefined) return null;
    const col = DIGEST_COLUMNS[i] as string;
    if (TIME_COLUMNS.has(col)) {
      const t = v instanceof Date ? v.getTime() : Date.parse(String(v));
      return Number.isNaN(t) ? String(v) : new Date(t).toISOString();
    }
    if (INT_COLUMNS.has(col)) return Number(v);
    return typeof v === 'bigint' ? Number(v) : v;
  });
  // base64, not hex: a hex digest holds Luhn-valid digit runs that a card-data scan flags
  return createHash('sha256').update(JSON.stringify(norm)).digest('base64');
}

export const COLLECTOR_COLUMNS = [...RECORD_COLUMNS, 'fleet', 'digest'] as const;

/** Name of the SQL function the SQLite v3 migration calls (registered by the sink). */
export const SQLITE_DIGEST_FUNCTION = 'pos_record_digest';

const V1_INDEXES = ['occurred_at', 'category', 'rc', 'terminal', 'stan', 'rrn', 'pan_last4'];

/** The record columns of agent schema v2, the collector's table before v3 (no `notes` yet). */
const V2_COLUMNS = PRE_OUTCOME_COLUMNS.filter((c) => c !== 'notes');
/** The digest columns as v3 computed them (no outcome columns yet). */
const V3_DIGEST_COLUMNS = PRE_OUTCOME_COLUMNS.filter((c) => c !== 'synced_at');

/** SQLite migrations of a collector database (applied by agent/store/migrate.ts). */
export const COLLECTOR_MIGRATIONS: readonly Migration[] = [
  ...MIGRATIONS.filter((m) => m.version <= 2),
  {
    version: 3,
    description:
      'collector: a record is its id; no UNIQUE (terminal_id, seq); fleet, content digest and conflict flags',
    sql: `
CREATE TABLE failures_v3 (
  id              TEXT NOT NULL,
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
  notes           TEXT,
  synced_at       TEXT,
  fleet           TEXT,
  digest          TEXT NOT NULL,
  id_conflict     INTEGER NOT NULL DEFAULT 0,
  seq_conflict    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO failures_v3 (${V2_COLUMNS.join(', ')}, fleet, digest)
  SELECT ${V2_COLUMNS.join(', ')}, NULL, ${SQLITE_DIGEST_FUNCTION}(${V3_DIGEST_COLUMNS.map((c) => (c === 'notes' ? 'NULL' : c)).join(', ')})
  FROM failures ORDER BY rowid;
DROP TABLE failures;
ALTER TABLE failures_v3 RENAME TO failures;
CREATE UNIQUE INDEX failures_id_digest ON failures (id, digest);
CREATE INDEX failures_seq ON failures (terminal_id, seq);
INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', 'collector');
${V1_INDEXES.map((i) => `CREATE INDEX failures_${i} ON failures (${i === 'terminal' ? 'terminal_id, occurred_at' : i === 'category' ? 'category, occurred_at' : i});`).join('\n')}
`,
  },
  {
    version: 4,
    description:
      'collector: record versions and outcomes (version, outcome, outcome_at, linked_id, recovered_by); newest version per id',
    sql: `
${ADD_OUTCOME_COLUMNS_SQL}
UPDATE failures SET digest = ${SQLITE_DIGEST_FUNCTION}(${DIGEST_COLUMNS.join(', ')});
CREATE INDEX failures_id_version ON failures (id, version);
`,
  },
  {
    version: 5,
    description: FLEET_MIGRATION_DESCRIPTION,
    sql: fleetMigrationSql('sqlite')
      .map((s) => `${s};`)
      .join('\n'),
  },
  {
    version: 6,
    description: DELIVERIES_MIGRATION_DESCRIPTION,
    sql: deliveriesMigrationSql('sqlite')
      .map((s) => `${s};`)
      .join('\n'),
  },
  {
    version: 7,
    description: CASES_INDEX_MIGRATION_DESCRIPTION,
    sql: casesIndexMigrationSql()
      .map((s) => `${s};`)
      .join('\n'),
  },
];

export const COLLECTOR_SCHEMA_VERSION = 7;

/** SQLite: stores one record; a redelivery (same id, same digest) changes nothing. */
export const SQLITE_INSERT = `INSERT INTO failures (${COLLECTOR_COLUMNS.join(', ')}) VALUES (${COLLECTOR_COLUMNS.map((c) => `@${c}`).join(', ')}) ON CONFLICT (id, digest) DO NOTHING`;

/** SQLite: flags every row of the (fleet, terminal, seq) of @terminal_id/@seq held by more than one id. */
export const SQLITE_FLAG_SEQ = `UPDATE failures AS f SET seq_conflict = 1
  WHERE f.terminal_id = @terminal_id AND f.seq = @seq AND f.seq_conflict = 0
    AND EXISTS (SELECT 1 FROM failures g WHERE g.terminal_id = f.terminal_id AND g.seq = f.seq AND g.id <> f.id
                AND (g.fleet = f.fleet OR g.fleet IS NULL OR f.fleet IS NULL))`;

/** SQLite: flags every row of id @id when two contents exist under it. */
export const SQLITE_FLAG_ID = `UPDATE failures AS f SET id_conflict = 1
  WHERE f.id = @id AND f.id_conflict = 0
    AND EXISTS (SELECT 1 FROM failures g WHERE g.id = f.id AND g.digest <> f.digest)`;

// ---- PostgreSQL -------------------------------------------------------------------------------

/** PostgreSQL column types of the record (same names and meaning as the SQLite schema). */
export const PG_COLUMN_TYPES: Record<(typeof RECORD_COLUMNS)[number], string> = {
  id: 'text PRIMARY KEY',
  seq: 'bigint NOT NULL',
  boot_id: 'text NOT NULL',
  terminal_id: 'text NOT NULL',
  merchant_id: 'text NOT NULL',
  occurred_at: 'timestamptz NOT NULL',
  utc_offset_min: 'integer NOT NULL DEFAULT 0',
  mti: 'text',
  processing_code: 'text',
  amount_minor: 'bigint',
  currency: 'text',
  pan_masked: 'text',
  card_brand: 'text',
  entry_mode: 'text',
  stan: 'text',
  rrn: 'text',
  auth_code: 'text',
  rc: 'text NOT NULL',
  rc_source: "text NOT NULL CHECK (rc_source IN ('issuer','host','local'))",
  category: 'text NOT NULL',
  retry: 'text NOT NULL',
  notes: 'text',
  version: 'bigint NOT NULL DEFAULT 1',
  outcome: "text NOT NULL DEFAULT 'declined'",
  outcome_at: 'timestamptz',
  linked_id: 'text',
  recovered_by: 'text',
  synced_at: 'timestamptz',
};

/** The bare type of a column (for casts of VALUES parameters). */
export function pgBaseType(col: (typeof COLLECTOR_COLUMNS)[number]): string {
  if (col === 'fleet' || col === 'digest') return 'text';
  return (PG_COLUMN_TYPES[col].split(' ')[0] as string).trim();
}

/** A table name as a quoted identifier; only plain names are accepted. */
export function pgIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid PostgreSQL identifier: ${name}`);
  return `"${name}"`;
}

export const PG_SCHEMA_TABLE = 'pos_collector_schema';
export const PG_SCHEMA_VERSION = 6;

/** v1: the table as the collector created it before schema versions existed (id primary key). */
export function pgV1Sql(table = 'failures'): string {
  const t = pgIdent(table);
  const cols = PRE_OUTCOME_COLUMNS.map((c) => `  ${c} ${PG_COLUMN_TYPES[c]}`).join(',\n');
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (\n${cols},\n  pan_last4 text GENERATED ALWAYS AS (right(pan_masked, 4)) STORED\n)`,
    `CREATE INDEX IF NOT EXISTS ${pgIdent(`${table}_occurred_at`)} ON ${t} (occurred_at)`,
    `CREATE INDEX IF NOT EXISTS ${pgIdent(`${table}_terminal`)} ON ${t} (terminal_id, occurred_at)`,
    `CREATE INDEX IF NOT EXISTS ${pgIdent(`${table}_category`)} ON ${t} (category, occurred_at)`,
    `CREATE INDEX IF NOT EXISTS ${pgIdent(`${table}_rc`)} ON ${t} (rc)`,
  ].join(';\n');
}

/** v2, before the digests are filled: the new columns and a surrogate key. */
export function pgV2AddColumnsSql(table = 'failures'): string {
  const t = pgIdent(table);
  return `ALTER TABLE ${t}
  ADD COLUMN IF NOT EXISTS notes text,
  ADD COLUMN row_id bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN fleet text,
  ADD COLUMN digest text,
  ADD COLUMN id_conflict boolean NOT NULL DEFAULT false,
  ADD COLUMN seq_conflict boolean NOT NULL DEFAULT false`;
}

/** v2, after the digests are filled: id stops being the key; (id, digest) is. */
export function pgV2FinishSql(primaryKey: string | null, table = 'failures'): string {
  const t = pgIdent(table);
  return [
    ...(primaryKey ? [`ALTER TABLE ${t} DROP CONSTRAINT ${pgIdent(primaryKey)}`] : []),
    `ALTER TABLE ${t} ADD PRIMARY KEY (row_id)`,
    `ALTER TABLE ${t} ALTER COLUMN digest SET NOT NULL`,
    `CREATE UNIQUE INDEX ${pgIdent(`${table}_id_digest`)} ON ${t} (id, digest)`,
    `CREATE INDEX ${pgIdent(`${table}_seq`)} ON ${t} (terminal_id, seq)`,
    `UPDATE ${t} AS f SET seq_conflict = true
  WHERE EXISTS (SELECT 1 FROM ${t} g WHERE g.terminal_id = f.terminal_id AND g.seq = f.seq AND g.id <> f.id)`,
  ].join(';\n');
}

/** v3: the outcome columns (rows stored before get version 1 and the outcome their rc implies). */
export function pgV3Sql(table = 'failures'): string {
  const t = pgIdent(table);
  const add = OUTCOME_COLUMNS.map((c) => `ADD COLUMN IF NOT EXISTS ${c} ${PG_COLUMN_TYPES[c]}`);
  return [
    `ALTER TABLE ${t}\n  ${add.join(',\n  ')}`,
    `UPDATE ${t} SET outcome = ${initialOutcomeSql()} WHERE version = 1 AND ${notDeclinedSql()}`,
    `CREATE INDEX IF NOT EXISTS ${pgIdent(`${table}_id_version`)} ON ${t} (id, version)`,
  ].join(';\n');
}

/**
 * The newest stored version of each record ($1 ids, $2 fleets, $3 terminals): a record is its id
 * within its fleet and terminal, so another fleet's row with the same id is never taken for it.
 */
export function pgVersionsSql(table = 'failures'): string {
  return `SELECT f.id, max(f.version) AS version FROM ${pgIdent(table)} AS f
  JOIN unnest($1::text[], $2::text[], $3::text[]) AS p(id, fleet, terminal_id)
    ON f.id = p.id AND f.fleet = p.fleet AND f.terminal_id = p.terminal_id
  GROUP BY f.id`;
}

/** Deletes the rows of each record ($1 ids, $2 fleets, $3 terminals) older than its version in $4. */
export function pgDropOlderSql(table = 'failures'): string {
  return `DELETE FROM ${pgIdent(table)} AS f
  USING unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS p(id, fleet, terminal_id, version)
  WHERE f.id = p.id AND f.fleet = p.fleet AND f.terminal_id = p.terminal_id AND f.version < p.version`;
}

/** SQLite: the newest stored version of a record (id, fleet, terminal; NULL when none). */
export const SQLITE_VERSION_OF =
  'SELECT max(version) FROM failures WHERE id = ? AND fleet = ? AND terminal_id = ?';
/** SQLite: deletes a record's rows older than a version (id, fleet, terminal, version). */
export const SQLITE_DROP_OLDER =
  'DELETE FROM failures WHERE id = ? AND fleet = ? AND terminal_id = ? AND version < ?';

/** Multi-row insert of `rows` records ($1…$n, COLLECTOR_COLUMNS per row); redeliveries ignored. */
export function pgInsertSql(rows: number, table = 'failures'): string {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError('rows must be a positive integer');
  const width = COLLECTOR_COLUMNS.length;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const ph: string[] = [];
    for (let c = 0; c < width; c++) {
      const col = COLLECTOR_COLUMNS[c] as (typeof COLLECTOR_COLUMNS)[number];
      ph.push(`$${r * width + c + 1}::${pgBaseType(col)}`);
    }
    tuples.push(`(${ph.join(', ')})`);
  }
  return `INSERT INTO ${pgIdent(table)} (${COLLECTOR_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id, digest) DO NOTHING RETURNING id, digest`;
}

/** Flags the rows sharing (fleet, terminal, seq) with another id, for the pairs $1 (terminal[]) / $2 (seq[]). */
export function pgFlagSeqSql(table = 'failures'): string {
  const t = pgIdent(table);
  return `UPDATE ${t} AS f SET seq_conflict = true
  FROM unnest($1::text[], $2::bigint[]) AS p(terminal_id, seq)
  WHERE f.terminal_id = p.terminal_id AND f.seq = p.seq AND NOT f.seq_conflict
    AND EXISTS (SELECT 1 FROM ${t} g WHERE g.terminal_id = f.terminal_id AND g.seq = f.seq AND g.id <> f.id
                AND (g.fleet = f.fleet OR g.fleet IS NULL OR f.fleet IS NULL))`;
}

/** Flags the rows of the ids in $1 that exist with two contents. */
export function pgFlagIdSql(table = 'failures'): string {
  const t = pgIdent(table);
  return `UPDATE ${t} AS f SET id_conflict = true
  WHERE f.id = ANY($1::text[]) AND NOT f.id_conflict
    AND EXISTS (SELECT 1 FROM ${t} g WHERE g.id = f.id AND g.digest <> f.digest)`;
}

/** The flags of the rows just inserted ($1 ids, $2 digests) that are in a conflict. */
export function pgConflictsOfSql(table = 'failures'): string {
  return `SELECT f.id, f.terminal_id, f.seq, f.id_conflict, f.seq_conflict FROM ${pgIdent(table)} AS f
  JOIN unnest($1::text[], $2::text[]) AS p(id, digest) ON f.id = p.id AND f.digest = p.digest
  WHERE f.id_conflict OR f.seq_conflict`;
}

/**
 * pgInsertSql whose result also says, per inserted row, whether a row stored before this statement
 * shares its (fleet, terminal, seq) under another id (seq_hit) or its id with other content
 * (id_hit): the common case, no conflict, then needs no flagging statements. The subqueries see the
 * table as it was before the statement, so conflicts among the rows of one statement are the
 * caller's to find.
 */
export function pgInsertDetectSql(rows: number, table = 'failures'): string {
  const t = pgIdent(table);
  const ins = pgInsertSql(rows, table).replace(
    /RETURNING id, digest$/,
    'RETURNING id, digest, terminal_id, seq, fleet',
  );
  return `WITH ins AS (${ins})
SELECT ins.id, ins.digest,
  EXISTS (SELECT 1 FROM ${t} g WHERE g.terminal_id = ins.terminal_id AND g.seq = ins.seq AND g.id <> ins.id
          AND (g.fleet = ins.fleet OR g.fleet IS NULL OR ins.fleet IS NULL)) AS seq_hit,
  EXISTS (SELECT 1 FROM ${t} g WHERE g.id = ins.id AND g.digest <> ins.digest) AS id_hit
FROM ins`;
}
