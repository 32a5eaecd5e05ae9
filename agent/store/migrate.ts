/**
 * Applies the schema migrations of schema.ts that a database lacks. The applied version lives in
 * PRAGMA user_version; each migration runs in its own transaction together with the bump, so a
 * crash leaves the database at one version or the next, never in between.
 */
import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './schema.js';

export class MigrationError extends Error {
  readonly code = 'E_STORE_SCHEMA';
}

/**
 * Returns the versions applied (empty when the database was current). `migrations` defaults to the
 * agent's store; `fleet collect` passes its own list (agent/fleet/collector-schema.ts).
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new MigrationError(
      `database schema version ${current} is newer than this agent knows (${latest}); refusing to touch it`,
    );
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
