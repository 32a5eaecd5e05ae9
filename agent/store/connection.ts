/**
 * Opens the SQLite connection: refuses another application's database, sets and reads back the
 * pragmas the durability design depends on (WAL, synchronous=NORMAL), checks integrity, migrates.
 * Throws on any fault (a damaged file with an SQLITE_CORRUPT / SQLITE_NOTADB code).
 */
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { codedError, foreign, StoreError } from './errors.js';
import { migrate } from './migrate.js';

/** The page cache in KiB unless the config says otherwise (StoreOptions.cacheKiB). */
export const DEFAULT_CACHE_KIB = 512;

/** SQLite's synchronous level in both modes: NORMAL (1). 'full' adds the store's own WAL flush. */
const SQLITE_SYNC_LEVEL = 1;

const requireHere = createRequire(import.meta.url);
let addon: string | null | undefined;

/**
 * The path of better-sqlite3's compiled addon, or undefined. Given to the driver, it skips the
 * `bindings` package's search of a dozen candidate paths: ~5 ms of every start here. Where the
 * addon is not at its usual place (another build type), the driver searches as it always did.
 */
function addonPath(): string | undefined {
  if (addon === undefined) {
    try {
      addon = requireHere.resolve('better-sqlite3/build/Release/better_sqlite3.node');
    } catch {
      addon = null;
    }
  }
  return addon ?? undefined;
}

export function openDb(
  path: string,
  check: boolean,
  cacheKiB: number,
): { db: Database.Database; fresh: boolean } {
  const nativeBinding = addonPath();
  const db = new Database(path, nativeBinding === undefined ? {} : { nativeBinding });
  try {
    // before any pragma that writes: a database of another application is left as it is
    if (
      db.pragma('user_version', { simple: true }) === 0 &&
      (db.prepare('SELECT COUNT(*) FROM sqlite_master').pluck().get() as number) > 0
    )
      throw foreign(path, 'an SQLite database of another application');
    db.pragma(`cache_size = -${Math.max(256, Math.floor(cacheKiB))}`);
    const fresh = (db.pragma('page_count', { simple: true }) as number) === 0;
    if (fresh) db.pragma('auto_vacuum = INCREMENTAL'); // only effective before the first table
    const jm = db.pragma('journal_mode = WAL', { simple: true });
    if (jm !== 'wal')
      throw new StoreError('E_STORE_DURABILITY', `journal_mode reads back '${String(jm)}', expected 'wal'`);
    db.pragma('synchronous = NORMAL');
    const level = db.pragma('synchronous', { simple: true });
    if (level !== SQLITE_SYNC_LEVEL) {
      throw new StoreError(
        'E_STORE_DURABILITY',
        `synchronous reads back ${String(level)} after setting NORMAL (${SQLITE_SYNC_LEVEL})`,
      );
    }
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_size_limit = 8388608'); // truncate the WAL back to 8 MiB after checkpoints
    if (check && !fresh) {
      const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
      if (rows.length !== 1 || rows[0]?.quick_check !== 'ok') {
        const found = rows.slice(0, 3).map((r) => r.quick_check);
        throw codedError(`quick_check: ${found.join('; ')}`, 'SQLITE_CORRUPT');
      }
    }
    migrate(db);
    return { db, fresh };
  } catch (e) {
    db.close();
    throw e;
  }
}
