/**
 * Read-only access to a failure store for the export. Opens the file read-only (the export never
 * writes and can run next to a live agent), checks that it is a pos-agent store, and exposes the
 * queries built by query.ts.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { type FailureRecord, initialOutcomeSql } from '../record.js';
import { inspectDbFile } from '../store/db-file.js';
import { ExportError } from './errors.js';
import type { SqlQuery } from './query.js';

export type ReadDb = Database.Database;

/**
 * Whether the file is an SQLite database by its header (the store's own check); the errno code
 * when the file is missing or cannot be read at all.
 */
function sqliteHeader(file: string): boolean | string {
  try {
    const { state } = inspectDbFile(file);
    return state === 'missing' ? 'ENOENT' : state === 'sqlite';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'error';
  }
}

/**
 * SQLite cannot read a WAL-mode database read-only when it may not create the -shm beside it (a
 * read-only directory, someone else's files): SQLITE_READONLY_DIRECTORY, SQLITE_CANTOPEN or
 * another SQLITE_READONLY variant.
 */
function needsWritableDir(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN'))
  );
}

/**
 * A database of an agent or collector from before outcomes (schema v4) has no outcome columns; the
 * export does not migrate (it never writes), so a temporary view of the same name (temp objects
 * come first in name lookup, and live in memory) gives its rows what migration v4 would: version
 * 1, the outcome their rc implies, no change.
 */
function withOutcomeColumns(db: ReadDb): void {
  const cols = new Set(db.prepare("SELECT name FROM pragma_table_xinfo('failures')").pluck().all());
  if (cols.has('outcome')) return;
  db.exec(`CREATE TEMP VIEW failures AS SELECT *, 1 AS version,
    ${initialOutcomeSql()} AS outcome,
    NULL AS outcome_at, NULL AS linked_id, NULL AS recovered_by${cols.has('notes') ? '' : ', NULL AS notes'}
    FROM main.failures`);
}

function openAndCheck(file: string, shownAs: string): ReadDb {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const t = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'failures'").get();
    if (!t)
      throw new ExportError(
        'E_DB_INVALID',
        `--db: ${shownAs} has no failures table (not a pos-agent database)`,
      );
    withOutcomeColumns(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * A copy of the database (and its -wal, so records not yet checkpointed are read too) in a
 * private temporary directory, opened read-only there; the copy goes when the handle closes.
 */
function openCopy(file: string, shownAs: string): ReadDb {
  const dir = mkdtempSync(join(tmpdir(), 'pos-export-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const copy = join(dir, basename(file));
    // the -wal first: frames a writer appends meanwhile are checked by SQLite and ignored if torn
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    copyFileSync(file, copy);
    const db = openAndCheck(copy, shownAs);
    const close = db.close.bind(db);
    db.close = () => {
      close();
      cleanup();
      return db;
    };
    return db;
  } catch (err) {
    cleanup();
    throw err;
  }
}

/**
 * A read-only connection to a WAL database that no one has open makes its -wal and -shm and cannot
 * remove them (only a writer's last close checkpoints and deletes them), so an export of a stopped
 * agent's database would leave two files behind, as root even in a read-only directory. At close,
 * when they were not there before, a read-write connection is opened and closed: SQLite deletes
 * them if, and only if, it is the last connection (an agent started meanwhile keeps them). It
 * writes nothing: the -wal has no frames of ours.
 */
function leaveNoWalBehind(db: ReadDb, file: string): void {
  const close = db.close.bind(db);
  db.close = () => {
    close();
    if (!existsSync(`${file}-wal`) && !existsSync(`${file}-shm`)) return db;
    try {
      const rw = new Database(file, { fileMustExist: true, timeout: 0 });
      try {
        rw.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
      } finally {
        rw.close();
      }
    } catch {
      // not writable for us, or busy: the files stay, as they would without this step
    }
    return db;
  };
}

function describeFailure(file: string, err: unknown): ExportError {
  if (err instanceof ExportError) return err;
  const code = (err as { code?: unknown }).code;
  const msg = (err as Error).message;
  const header = sqliteHeader(file);
  if (typeof header === 'string')
    return new ExportError('E_DB_INVALID', `--db: ${file} cannot be read (${header})`);
  if (code === 'SQLITE_NOTADB' || !header)
    return new ExportError('E_DB_INVALID', `--db: ${file} is not a SQLite database`);
  if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))
    return new ExportError('E_DB_INVALID', `--db: ${file} is a damaged SQLite database (${msg})`);
  return new ExportError(
    'E_DB_INVALID',
    `--db: ${file} cannot be read as SQLite (${String(code ?? 'error')}: ${msg})`,
  );
}

export function openReadOnly(file: string): ReadDb {
  if (!existsSync(file)) {
    throw new ExportError(
      'E_DB_MISSING',
      `--db: ${file} does not exist (give the agent's database file with --db FILE)`,
    );
  }
  if (!statSync(file).isFile()) throw new ExportError('E_DB_INVALID', `--db: ${file} is not a file`);
  const hadWal = existsSync(`${file}-wal`) || existsSync(`${file}-shm`);
  try {
    const db = openAndCheck(file, file);
    if (!hadWal) leaveNoWalBehind(db, file);
    return db;
  } catch (err) {
    if (!(err instanceof ExportError) && needsWritableDir(err) && sqliteHeader(file) === true) {
      // a WAL database where no -shm can be made: read a private copy instead
      try {
        return openCopy(file, file);
      } catch (err2) {
        throw describeFailure(file, err2);
      }
    }
    throw describeFailure(file, err);
  }
}

export function iterateRecords(db: ReadDb, q: SqlQuery): IterableIterator<FailureRecord> {
  return db.prepare(q.sql).iterate(...q.params) as IterableIterator<FailureRecord>;
}

/** Rows as arrays in SELECT order (no per-row object): the export's fast path. */
export function iterateRaw(db: ReadDb, q: SqlQuery): IterableIterator<unknown[]> {
  return db
    .prepare(q.sql)
    .raw(true)
    .iterate(...q.params) as IterableIterator<unknown[]>;
}

export function all<T>(db: ReadDb, q: SqlQuery): T[] {
  return db.prepare(q.sql).all(...q.params) as T[];
}

export function one<T>(db: ReadDb, q: SqlQuery): T {
  return db.prepare(q.sql).get(...q.params) as T;
}
