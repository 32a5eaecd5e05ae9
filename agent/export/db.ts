/**
 * Read-only access to a failure store for the export. Opens the file read-only (the export never
 * writes and can run next to a live agent), checks that it is a pos-agent store, and exposes the
 * queries built by query.ts.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { FailureRecord } from '../record.js';
import { ExportError } from './errors.js';
import type { SqlQuery } from './query.js';

export type ReadDb = Database.Database;

export function openReadOnly(file: string): ReadDb {
  if (!existsSync(file)) {
    throw new ExportError(
      'E_DB_MISSING',
      `--db: ${file} does not exist (give the agent's database file with --db FILE)`,
    );
  }
  if (!statSync(file).isFile()) throw new ExportError('E_DB_INVALID', `--db: ${file} is not a file`);
  let db: ReadDb;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new ExportError(
      'E_DB_INVALID',
      `--db: ${file} cannot be opened as SQLite: ${(err as Error).message}`,
    );
  }
  try {
    const t = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'failures'").get();
    if (!t)
      throw new ExportError('E_DB_INVALID', `--db: ${file} has no failures table (not a pos-agent database)`);
  } catch (err) {
    db.close();
    if (err instanceof ExportError) throw err;
    throw new ExportError(
      'E_DB_INVALID',
      `--db: ${file} is not a SQLite database: ${(err as Error).message}`,
    );
  }
  return db;
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
