/**
 * Where `fleet collect` stores records: one narrow interface, two adapters over the collector's
 * schema (agent/fleet/collector-schema.ts: a record is its id, newest version kept; a higher
 * version replaces the stored one, a lower one is stale and ignored; same id, version and content
 * is a redelivery, stored once; an id conflict or a seq conflict is stored and flagged, never
 * dropped).
 *   SQLite (default): versioned migrations through agent/store/migrate.ts; one transaction per
 *     insert call, synchronous=FULL, so a row is on disk before the message is acknowledged. A new
 *     database file is created 0600 (its -wal and -shm inherit the mode).
 *   PostgreSQL: a thin adapter over `pg`; its schema version is kept in `pos_collector_schema` and
 *     migrated under an advisory lock; each insert call is one transaction holding an advisory lock
 *     per (fleet, terminal), so collectors sharing the database never both miss a conflict.
 * insertBatch stores the records of several MQTT messages in one transaction (the collector's
 * group commit): the same checks as one message holding all their records, in about as many
 * round trips as one message.
 */
import { createHash } from 'node:crypto';
import { createDbFile } from '../store/db-file.js';
import Database from 'better-sqlite3';
import type { FailureRecord } from '../record.js';
import { migrate } from '../store/migrate.js';
import { RECORD_COLUMNS } from '../store/schema.js';
import {
  COLLECTOR_COLUMNS,
  COLLECTOR_MIGRATIONS,
  DIGEST_COLUMNS,
  PG_SCHEMA_TABLE,
  PG_SCHEMA_VERSION,
  pgConflictsOfSql,
  pgDropOlderSql,
  pgFlagIdSql,
  pgFlagSeqSql,
  pgBaseType,
  pgIdent,
  pgInsertDetectSql,
  pgV1Sql,
  pgV2AddColumnsSql,
  pgV2FinishSql,
  pgV3Sql,
  pgVersionsSql,
  recordDigest,
  SQLITE_DIGEST_FUNCTION,
  SQLITE_DROP_OLDER,
  SQLITE_FLAG_ID,
  SQLITE_FLAG_SEQ,
  SQLITE_INSERT,
  SQLITE_VERSION_OF,
} from './collector-schema.js';
import { ingestPlan, pgPlan } from './store/ingest.js';
import { casesIndexMigrationSql, deliveriesMigrationSql, fleetMigrationSql } from './store/migrations.js';

/** A store `fleet collect` must not use (exit 2: bad input, nothing touched). */
export class SinkError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly code: 'E_SINK_SCHEMA',
    message: string,
  ) {
    super(message);
  }
}

/** A stored record that is part of a conflict. */
export interface Conflict {
  id: string;
  terminal_id: string;
  seq: number;
  kind: 'id' | 'seq';
}

/** A record older than the version stored for its id: not stored. */
export interface Stale {
  id: string;
  terminal_id: string;
  seq: number;
  version: number;
  /** The newest version stored (or arriving in the same message). */
  stored_version: number;
}

export interface InsertResult {
  /** New rows of ids not stored before. */
  inserted: number;
  /** Newer versions that replaced the stored rows of their id. */
  replaced: number;
  /** Records already stored with the same id, version and content (redeliveries). */
  duplicates: number;
  /** Records older than the version stored for their id (ignored). */
  stale: Stale[];
  /** New rows that are in a conflict (one entry per row and kind). */
  conflicts: Conflict[];
}

/** The records of one message, all of fleet `fleet` (the topic's). */
export interface SinkBatchItem {
  fleet: string;
  records: readonly FailureRecord[];
}

export interface RecordSink {
  /** Stores the records of one message, all of fleet `fleet` (the topic's). */
  insert(fleet: string, records: readonly FailureRecord[]): InsertResult | Promise<InsertResult>;
  /**
   * Stores the records of several messages in one transaction: all or none. The result is their
   * sum. Optional: without it the collector stores message by message.
   */
  insertBatch?(batch: readonly SinkBatchItem[]): InsertResult | Promise<InsertResult>;
  close(): void | Promise<void>;
  readonly kind: 'sqlite' | 'postgres';
}

/** The SQLite sink: synchronous. */
export interface SqliteSink extends RecordSink {
  insert(fleet: string, records: readonly FailureRecord[]): InsertResult;
  insertBatch(batch: readonly SinkBatchItem[]): InsertResult;
  close(): void;
}

/** An empty result, to add results to. */
export function emptyResult(): InsertResult {
  return { inserted: 0, replaced: 0, duplicates: 0, stale: [], conflicts: [] };
}

/** Adds `b` into `a` (returns `a`). */
export function addResult(a: InsertResult, b: InsertResult): InsertResult {
  a.inserted += b.inserted;
  a.replaced += b.replaced;
  a.duplicates += b.duplicates;
  a.stale.push(...b.stale);
  a.conflicts.push(...b.conflicts);
  return a;
}

/** The items of a batch by fleet, in first-seen order, each fleet's records in message order. */
function byFleet(batch: readonly SinkBatchItem[]): Map<string, FailureRecord[]> {
  const out = new Map<string, FailureRecord[]>();
  for (const { fleet, records } of batch) {
    const list = out.get(fleet);
    if (list) list.push(...records);
    else out.set(fleet, [...records]);
  }
  return out;
}

/** The row of a record: its columns (synced_at = time received), its fleet and content digest. */
function rowValues(fleet: string, r: FailureRecord, receivedAt: string): unknown[] {
  // records of agents made before `notes` existed have no such key: stored as null
  const vals: unknown[] = RECORD_COLUMNS.map((c) =>
    c === 'synced_at' ? (r.synced_at ?? receivedAt) : (r[c] ?? null),
  );
  vals.push(fleet, recordDigest(DIGEST_COLUMNS.map((c) => r[c])));
  return vals;
}

/** Per id, the highest version among a message's records (an older one beside it is stale). */
function newestInMessage(records: readonly FailureRecord[]): Map<string, number> {
  const newest = new Map<string, number>();
  for (const r of records) newest.set(r.id, Math.max(newest.get(r.id) ?? 0, r.version));
  return newest;
}

function staleOf(r: FailureRecord, stored: number): Stale {
  return { id: r.id, terminal_id: r.terminal_id, seq: r.seq, version: r.version, stored_version: stored };
}

/** Creates `file` with mode 0600 unless it exists (SQLite would create it 0644 under the usual umask). */
function createPrivate(file: string): void {
  try {
    createDbFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/**
 * Opens (creating it 0600 when missing) and migrates a collector database: the fleet store's too
 * (agent/fleet/store/sqlite.ts). Refuses an agent's own store.
 */
export function openCollectorDb(file: string): Database.Database {
  if (file !== ':memory:') createPrivate(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.function(SQLITE_DIGEST_FUNCTION, { deterministic: true, varargs: true }, (...v: unknown[]) =>
      recordDigest(v),
    );
    // the agent's own store (schema v2 or later; a collector database before v3 had the agent's
    // v2 schema) writes meta rows; the collector wrote none before v3 and marks its own since:
    // refuse to convert an agent's store into a collector's, before any migration touches it
    const version = db.pragma('user_version', { simple: true }) as number;
    const meta = (sql: string) => db.prepare(sql).pluck().get();
    if (
      version >= 2 &&
      meta('SELECT 1 FROM meta LIMIT 1') !== undefined &&
      meta("SELECT value FROM meta WHERE key = 'schema'") !== 'collector'
    ) {
      throw new SinkError(
        'E_SINK_SCHEMA',
        `${file} is an agent's failure store, not a fleet collect database; give fleet collect its own --db`,
      );
    }
    migrate(db, COLLECTOR_MIGRATIONS);
    const kind = db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get();
    if (kind !== 'collector') {
      throw new SinkError(
        'E_SINK_SCHEMA',
        `${file} is not a fleet collect database (an agent store?); give fleet collect its own --db`,
      );
    }
  } catch (e) {
    db.close();
    throw e;
  }
  db.pragma('foreign_keys = ON');
  return db;
}

export function sqliteSink(file: string): SqliteSink {
  const db = openCollectorDb(file);
  return { ...sqliteSinkOn(db), close: () => db.close() };
}

/** The sink over an open, migrated collector database (close() leaves it open). */
export function sqliteSinkOn(db: Database.Database): SqliteSink {
  const ins = db.prepare(SQLITE_INSERT);
  const flagSeq = db.prepare(SQLITE_FLAG_SEQ);
  const flagId = db.prepare(SQLITE_FLAG_ID);
  const flagsOf = db.prepare('SELECT id_conflict, seq_conflict FROM failures WHERE rowid = ?');
  const versionOf = db.prepare(SQLITE_VERSION_OF).pluck();
  const dropOlder = db.prepare(SQLITE_DROP_OLDER);
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  };
  /** The records of one fleet, inside the caller's transaction. */
  const insertIn = (fleet: string, records: readonly FailureRecord[], at: string) => {
    const res = emptyResult();
    const newest = newestInMessage(records);
    const stored: FailureRecord[] = [];
    const newIds = new Set<string>();
    for (const r of records) {
      const storedVersion = versionOf.get(r.id, fleet, r.terminal_id) as number | null;
      const top = Math.max(storedVersion ?? 0, newest.get(r.id) ?? 0);
      if (r.version < top) {
        res.stale.push(staleOf(r, top));
        continue;
      }
      const replacing = storedVersion !== null && r.version > storedVersion;
      if (replacing) dropOlder.run(r.id, fleet, r.terminal_id, r.version);
      const vals = rowValues(fleet, r, at);
      const named: Record<string, unknown> = {};
      COLLECTOR_COLUMNS.forEach((c, i) => {
        named[c] = vals[i];
      });
      const info = ins.run(named);
      if (info.changes === 0) {
        res.duplicates++;
        continue;
      }
      if (replacing) res.replaced++;
      else {
        res.inserted++;
        newIds.add(r.id);
      }
      stored.push(r);
      flagSeq.run({ terminal_id: r.terminal_id, seq: r.seq });
      flagId.run({ id: r.id });
      const f = flagsOf.get(info.lastInsertRowid) as { id_conflict: number; seq_conflict: number };
      const ref = { id: r.id, terminal_id: r.terminal_id, seq: r.seq };
      if (f.id_conflict) res.conflicts.push({ ...ref, kind: 'id' });
      if (f.seq_conflict) res.conflicts.push({ ...ref, kind: 'seq' });
    }
    for (const [sql, params] of ingestPlan(fleet, stored, newIds, at, 'sqlite')) prepared(sql).run(...params);
    return res;
  };
  const insertAll = db.transaction((batch: readonly SinkBatchItem[], at: string) => {
    const res = emptyResult();
    for (const [fleet, records] of byFleet(batch)) addResult(res, insertIn(fleet, records, at));
    return res;
  });
  return {
    kind: 'sqlite',
    insert(fleet, records) {
      return insertAll([{ fleet, records }], new Date().toISOString());
    },
    insertBatch(batch) {
      return insertAll(batch, new Date().toISOString());
    },
    close() {},
  };
}

// ---- PostgreSQL -------------------------------------------------------------------------------

/** Parameters matching pgInsertSql(records.length). */
export function pgInsertParams(
  fleet: string,
  records: readonly FailureRecord[],
  receivedAt: string,
): unknown[] {
  const out: unknown[] = [];
  for (const r of records) out.push(...rowValues(fleet, r, receivedAt));
  return out;
}

interface PgResult {
  rowCount: number | null;
  rows: Array<Record<string, unknown>>;
}

/** One connection (a transaction runs on one). */
export interface PgClient {
  query(sql: string, params?: unknown[]): Promise<PgResult>;
  release(): void;
}

/** The part of pg.Pool the adapter uses. */
export interface PgQueryable {
  query(sql: string, params?: unknown[]): Promise<PgResult>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
}

/** PostgreSQL limits a statement to 65,535 parameters: 24 columns × 2,000 rows stays below. */
export const PG_MAX_ROWS_PER_INSERT = 2000;

/**
 * pgInsertDetectSql with one array parameter per column (unnest) instead of a VALUES row per
 * record: the same text for any number of rows, so a batch of hundreds of records is planned as
 * fast as one record (a 200-row VALUES took longer to plan than to run).
 */
export function pgInsertArraysSql(table = 'failures'): string {
  const arrays = COLLECTOR_COLUMNS.map((c, i) => `$${i + 1}::${pgBaseType(c)}[]`).join(', ');
  const values = `SELECT * FROM unnest(${arrays})`;
  return pgInsertDetectSql(1, table).replace(/VALUES \([^)]*\)/, () => values);
}

/** Parameters matching pgInsertArraysSql: one array per column. */
export function pgInsertArrayParams(
  fleet: string,
  records: readonly FailureRecord[],
  receivedAt: string,
): unknown[][] {
  const cols: unknown[][] = COLLECTOR_COLUMNS.map(() => []);
  for (const r of records) rowValues(fleet, r, receivedAt).forEach((v, i) => cols[i]?.push(v));
  return cols;
}

/** Runs `fn` on one client of the pool between BEGIN and COMMIT (ROLLBACK when it throws). */
export async function inTransaction<T>(pool: PgQueryable, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** Digests of every stored row (after v2 added them, or v3 the columns they cover), in batches. */
async function fillDigests(c: PgClient, table: string): Promise<void> {
  const cols = DIGEST_COLUMNS.join(', ');
  let after = '0';
  for (;;) {
    const batch = await c.query(
      `SELECT row_id, ${cols} FROM ${pgIdent(table)} WHERE row_id > $1 ORDER BY row_id LIMIT 1000`,
      [after],
    );
    if (batch.rows.length === 0) break;
    const rowIds = batch.rows.map((r) => String(r.row_id));
    const digests = batch.rows.map((r) => recordDigest(DIGEST_COLUMNS.map((k) => r[k])));
    after = rowIds[rowIds.length - 1] as string;
    await c.query(
      `UPDATE ${pgIdent(table)} AS f SET digest = d.digest FROM unnest($1::bigint[], $2::text[]) AS d(row_id, digest) WHERE f.row_id = d.row_id`,
      [rowIds, digests],
    );
  }
}

/**
 * Brings the collector table to PG_SCHEMA_VERSION, in one transaction under an advisory lock (two
 * collectors starting together on one database migrate once). Returns the versions applied.
 */
export async function pgMigrate(pool: PgQueryable, table = 'failures'): Promise<number[]> {
  pgIdent(table);
  return inTransaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('pos-agent fleet collect schema'))");
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${pgIdent(PG_SCHEMA_TABLE)} (table_name text PRIMARY KEY, version integer NOT NULL)`,
    );
    const v = await c.query(`SELECT version FROM ${pgIdent(PG_SCHEMA_TABLE)} WHERE table_name = $1`, [table]);
    let version = v.rows[0] ? Number(v.rows[0].version) : 0;
    if (!v.rows[0]) {
      // a table without a version row was created by a collector from before schema versions: v1
      const exists = await c.query('SELECT to_regclass($1) AS t', [pgIdent(table)]);
      if (exists.rows[0]?.t) version = 1;
    }
    if (version > PG_SCHEMA_VERSION) {
      throw new SinkError(
        'E_SINK_SCHEMA',
        `PostgreSQL table ${table} is at collector schema version ${version}, newer than this version knows (${PG_SCHEMA_VERSION})`,
      );
    }
    const applied: number[] = [];
    if (version < 1) {
      await c.query(pgV1Sql(table));
      applied.push(1);
    }
    if (version < 2) await c.query(pgV2AddColumnsSql(table));
    if (version < 3) {
      await c.query(pgV3Sql(table));
      await fillDigests(c, table); // over the outcome columns too: every row, again
    }
    if (version < 2) {
      const pk = await c.query(
        "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'",
        [pgIdent(table)],
      );
      await c.query(pgV2FinishSql((pk.rows[0]?.conname as string | undefined) ?? null, table));
      applied.push(2);
    }
    if (version < 3) applied.push(3);
    if (version < 4) {
      if (table !== 'failures')
        throw new Error('the fleet store tables need the records table named failures');
      for (const sql of fleetMigrationSql('postgres')) await c.query(sql);
      applied.push(4);
    }
    if (version < 5) {
      for (const sql of deliveriesMigrationSql('postgres')) await c.query(sql);
      applied.push(5);
    }
    if (version < 6) {
      for (const sql of casesIndexMigrationSql()) await c.query(sql);
      applied.push(6);
    }
    if (applied.length) {
      await c.query(
        `INSERT INTO ${pgIdent(PG_SCHEMA_TABLE)} (table_name, version) VALUES ($1, $2)
         ON CONFLICT (table_name) DO UPDATE SET version = EXCLUDED.version`,
        [table, PG_SCHEMA_VERSION],
      );
    }
    return applied;
  });
}

/**
 * The records of a message that are not older than what is stored (or arrives with them) for their
 * id; the stale ones go to `stale`. The stored rows of an id a newer version replaces are deleted
 * (inside the caller's transaction); `replacing` names those ids.
 */
async function newestOnly(
  c: PgClient,
  table: string,
  fleet: string,
  records: readonly FailureRecord[],
  stale: Stale[],
): Promise<{ keep: FailureRecord[]; replacing: Set<string> }> {
  const newest = newestInMessage(records);
  const stored = new Map<string, number>();
  const terminalOf = new Map(records.map((r) => [r.id, r.terminal_id]));
  const ids = [...newest.keys()];
  const got = await c.query(pgVersionsSql(table), [
    ids,
    ids.map(() => fleet),
    ids.map((id) => terminalOf.get(id)),
  ]);
  for (const row of got.rows) stored.set(row.id as string, Number(row.version));
  const keep: FailureRecord[] = [];
  const replacing = new Set<string>();
  for (const r of records) {
    const top = Math.max(newest.get(r.id) ?? 0, stored.get(r.id) ?? 0);
    if (r.version < top) stale.push(staleOf(r, top));
    else {
      keep.push(r);
      const was = stored.get(r.id);
      if (was !== undefined && r.version > was) replacing.add(r.id);
    }
  }
  if (replacing.size > 0) {
    const ids = [...replacing];
    await c.query(pgDropOlderSql(table), [
      ids,
      ids.map(() => fleet),
      ids.map((id) => terminalOf.get(id)),
      ids.map((id) => newest.get(id)),
    ]);
  }
  return { keep, replacing };
}

/** The records without repeats of the same id and content (the first of each kept). */
function onceEach(records: readonly FailureRecord[]): FailureRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = `${r.id}\0${recordDigest(DIGEST_COLUMNS.map((c) => r[c]))}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A 64-bit advisory lock key for a text (the same in every collector). */
export function lockKey(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigInt64BE(0);
}

/** The PostgreSQL sink: asynchronous, batches too. */
export interface PgSink extends RecordSink {
  insert(fleet: string, records: readonly FailureRecord[]): Promise<InsertResult>;
  insertBatch(batch: readonly SinkBatchItem[]): Promise<InsertResult>;
}

export async function pgSink(pool: PgQueryable, table = 'failures'): Promise<PgSink> {
  await pgMigrate(pool, table);
  const insertSql = pgInsertArraysSql(table);
  /** One fleet's records (of one message or a batch), inside the caller's transaction. */
  async function insertIn(c: PgClient, fleet: string, records: readonly FailureRecord[], at: string) {
    const res = emptyResult();
    const newest = await newestOnly(c, table, fleet, records, res.stale);
    const { replacing } = newest;
    // a record twice with the same content (a redelivery beside the first delivery in a batch) is
    // inserted once; the second is a duplicate like a redelivery of a stored one
    const keep = onceEach(newest.keep);
    res.duplicates = newest.keep.length - keep.length;
    const newIds: string[] = [];
    const newDigests: string[] = [];
    let hit = false;
    for (let i = 0; i < keep.length; i += PG_MAX_ROWS_PER_INSERT) {
      const chunk = keep.slice(i, i + PG_MAX_ROWS_PER_INSERT);
      const r = await c.query(insertSql, pgInsertArrayParams(fleet, chunk, at));
      for (const row of r.rows) {
        newIds.push(row.id as string);
        newDigests.push(row.digest as string);
        if (row.seq_hit || row.id_hit) hit = true;
      }
    }
    res.replaced = newIds.filter((id) => replacing.has(id)).length;
    res.inserted = newIds.length - res.replaced;
    res.duplicates += keep.length - newIds.length;
    if (newIds.length === 0) return res;
    const isNew = new Set(newIds);
    const fresh = keep.filter((r) => isNew.has(r.id));
    const firstSeen = new Set(fresh.filter((r) => !replacing.has(r.id)).map((r) => r.id));
    for (const [sql, params] of pgPlan(ingestPlan(fleet, fresh, firstSeen, at, 'postgres'))) {
      await c.query(sql, params);
    }
    // conflicts among the message's own records, which the insert's check cannot see
    const seqs = new Set(fresh.map((r) => `${r.terminal_id}\0${r.seq}`));
    if (seqs.size < fresh.length || isNew.size < newIds.length) hit = true;
    if (!hit) return res;
    await c.query(pgFlagSeqSql(table), [fresh.map((r) => r.terminal_id), fresh.map((r) => r.seq)]);
    await c.query(pgFlagIdSql(table), [newIds]);
    const flagged = await c.query(pgConflictsOfSql(table), [newIds, newDigests]);
    for (const row of flagged.rows) {
      const ref = { id: row.id as string, terminal_id: row.terminal_id as string, seq: Number(row.seq) };
      if (row.id_conflict) res.conflicts.push({ ...ref, kind: 'id' });
      if (row.seq_conflict) res.conflicts.push({ ...ref, kind: 'seq' });
    }
    return res;
  }
  /** One transaction for a batch: the locks of all its (fleet, terminal) pairs, then each fleet's records. */
  async function insertBatch(batch: readonly SinkBatchItem[]): Promise<InsertResult> {
    const at = new Date().toISOString();
    const fleets = byFleet(batch);
    // collectors sharing the database (a share group) store one terminal's records one
    // transaction at a time, so two transactions never both miss the seq they conflict on; the
    // keys are taken in one order (sorted by name) by every collector, so none waits in a cycle,
    // and sent as numbers with BEGIN in one round trip
    const names = new Set<string>();
    for (const [fleet, records] of fleets) for (const r of records) names.add(`${fleet}/${r.terminal_id}`);
    const keys = [...names].sort().map((k) => lockKey(`pos-agent collect ${k}`).toString());
    const c = await pool.connect();
    try {
      await c.query(pgBeginLockedSql(keys));
      const res = emptyResult();
      for (const [fleet, records] of fleets) addResult(res, await insertIn(c, fleet, records, at));
      await c.query('COMMIT');
      return res;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }
  return {
    kind: 'postgres',
    insert: (fleet, records) => insertBatch([{ fleet, records }]),
    insertBatch,
    async close() {
      await pool.end();
    },
  };
}

/**
 * BEGIN and the transaction's advisory locks on `keys` (decimal 64-bit integers), taken in the
 * order given, in one simple-protocol round trip.
 */
export function pgBeginLockedSql(keys: readonly string[]): string {
  for (const k of keys) if (!/^-?\d{1,19}$/.test(k)) throw new RangeError(`not a lock key: ${k}`);
  if (keys.length === 0) return 'BEGIN';
  if (keys.length === 1) return `BEGIN; SELECT pg_advisory_xact_lock(${keys[0]})`;
  // unnest yields the array in order and the aggregate takes the locks row by row
  return `BEGIN; SELECT count(pg_advisory_xact_lock(k)) FROM unnest('{${keys.join(',')}}'::bigint[]) AS k`;
}

/** Opens a pg Pool for a postgres:// URL (loaded only when used). */
export async function openPgPool(url: string, max = 2): Promise<PgQueryable> {
  const pg = await import('pg');
  const Pool = pg.default.Pool;
  const pool = new Pool({ connectionString: url, max });
  return pool as unknown as PgQueryable;
}
