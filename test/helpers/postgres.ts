/**
 * PostgreSQL for tests: the throwaway cluster lives in scripts/lib/postgres.ts (shared with the
 * benchmarks). Here: the CI rule (missing binaries fail under CI=true, skip otherwise).
 */
import { postgresBinDir } from '../../scripts/lib/postgres.js';

export * from '../../scripts/lib/postgres.js';

/** True when PostgreSQL can be started; throws under CI=true when it cannot. */
export function havePostgres(): boolean {
  const dir = postgresBinDir();
  if (!dir && process.env.CI === 'true') {
    throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found (CI=true): install postgresql');
  }
  return dir !== null;
}
