/** An agent's SQLite file read from a test (read-only; the agent may still be writing it). */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

function read<T>(file: string, q: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return q(db);
  } finally {
    db.close();
  }
}

/** Every row of `failures`, in seq order. */
export function failureRows(file: string): Array<Record<string, unknown>> {
  return read(
    file,
    (db) => db.prepare('SELECT * FROM failures ORDER BY seq').all() as Array<Record<string, unknown>>,
  );
}

/** Committed rows of `failures`; 0 while the agent has not created the file or the table yet. */
export function failureCount(file: string): number {
  if (!existsSync(file)) return 0;
  try {
    return read(file, (db) => db.prepare('SELECT COUNT(*) FROM failures').pluck().get() as number);
  } catch (e) {
    if (/no such table/.test(String(e))) return 0;
    throw e;
  }
}
