/**
 * Applies the schema migrations of schema.ts that a database lacks. The applied version lives in
 * PRAGMA user_version; each migration runs in its own transaction together with the bump, so a
 * crash leaves the database at one version or the next, never in between.
 */
import type { Database } from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export class MigrationError extends Error {
  readonly code = 'E_STORE_SCHEMA';
}

/** Returns the versions applied (empty when the database was current). */
export function migrate(db: Database): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new MigrationError(
      `database schema version ${current} is newer than this agent knows (${SCHEMA_VERSION}); refusing to touch it`,
    );
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
