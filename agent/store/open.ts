/**
 * The open path: decides whether the file at the path is ours, creates a missing one 0600, opens
 * it (connection.ts), and when the database the agent had is gone (missing, emptied to 0 bytes,
 * corrupt or unreadable) moves what is left aside, recreates it, salvages the readable rows
 * (salvage.ts) and puts the seq floor above every seq ever used (alarm 'db_recreated'). A file the
 * agent did not create is refused (E_STORE_FOREIGN), never renamed away.
 */
import { existsSync, renameSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import type { Alarms } from './alarms.js';
import { openDb } from './connection.js';
import { createDbFile, inspectDbFile, restrictDbModes } from './db-file.js';
import { CORRUPT, foreign, sqliteCode, StoreError } from './errors.js';
import { type HighWater, highWaterPath, readHighWater } from './high-water.js';
import { salvageInto } from './salvage.js';
import { SCHEMA_VERSION } from './schema.js';

export interface Opened {
  db: Database.Database;
  fresh: boolean;
  /** The high-water mark found at open (null: none). */
  hw: HighWater | null;
  /** Set when the file found at open was moved aside: its new name. */
  movedAside: string | null;
}

interface Lost {
  how: 'missing' | 'emptied' | 'unreadable';
  sqlite?: string;
  reason: string;
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}

const openError = (path: string, verb: string, e: unknown): StoreError =>
  new StoreError('E_STORE_OPEN', `cannot ${verb} ${path}: ${(e as Error).message}`, { cause: e });

export function openDatabase(
  path: string,
  opts: { checkOnOpen: boolean; cacheKiB: number; log: Logger; alarms: Alarms },
): Opened {
  const { log } = opts;
  // Was this path initialized by the agent? Every open writes the high-water mark; the device key
  // sits beside the database too. An SQLite header with one of our schema versions is ours as well.
  const hw = readHighWater(path);
  if (hw === 'invalid') throw foreign(highWaterPath(path), 'not a seq high-water mark');
  const initialized = hw !== null || existsSync(`${path}.key`);
  let found: ReturnType<typeof inspectDbFile>;
  try {
    found = inspectDbFile(path);
  } catch (e) {
    throw openError(path, 'open', e);
  }
  const ours =
    initialized ||
    (found.state === 'sqlite' && found.userVersion >= 1 && found.userVersion <= SCHEMA_VERSION);
  if (found.state === 'special') throw foreign(path, found.kind ?? 'not a regular file');
  if (found.state === 'other' && !ours) throw foreign(path, 'not an SQLite database');
  let lost: Lost | null = null;
  try {
    if (found.state === 'missing') {
      createDbFile(path);
      // a -wal left behind may hold records: handled as an emptied file, so its pages are salvaged
      if (initialized)
        lost = existsSync(`${path}-wal`)
          ? { how: 'emptied', reason: 'database file missing, its -wal left' }
          : { how: 'missing', reason: 'database file missing' };
    } else if (found.state === 'empty' && initialized) {
      lost = { how: 'emptied', reason: 'database file is empty (0 bytes)' };
    } else {
      for (const f of restrictDbModes(path))
        log.warn({ event: 'store_mode_unchanged', path: f }, 'could not restrict the file mode to 0600');
    }
  } catch (e) {
    throw openError(path, 'create', e);
  }

  const first = lost?.how === 'emptied' ? lost : openOrLost(path, ours, opts);
  if (!('how' in first))
    // a missing one was created and opened above: it replaces the lost one without a move
    return lost
      ? recreate(path, first.db, first.fresh, lost, null, hw, opts)
      : { ...first, hw, movedAside: null };
  return quarantine(path, first, hw, opts);
}

/** Opens the database; a damaged one of ours comes back as Lost, anything else throws. */
function openOrLost(
  path: string,
  ours: boolean,
  opts: { checkOnOpen: boolean; cacheKiB: number },
): ReturnType<typeof openDb> | Lost {
  try {
    return openDb(path, opts.checkOnOpen, opts.cacheKiB);
  } catch (e) {
    const code = sqliteCode(e);
    if (!CORRUPT.test(code)) throw e instanceof StoreError ? e : openError(path, 'open', e);
    if (!ours) throw foreign(path, 'an unreadable database');
    return { how: 'unreadable', sqlite: code, reason: (e as Error).message };
  }
}

/** Moves the lost database (and its -wal, -shm) aside, creates a fresh one, salvages into it. */
function quarantine(
  path: string,
  lost: Lost,
  hw: HighWater | null,
  opts: { cacheKiB: number; log: Logger; alarms: Alarms },
): Opened {
  const movedAside = `${path}.${lost.how === 'emptied' ? 'empty' : 'corrupt'}-${stamp()}`;
  try {
    renameSync(path, movedAside);
    for (const sfx of ['-wal', '-shm']) {
      if (existsSync(path + sfx)) renameSync(path + sfx, movedAside + sfx);
    }
    createDbFile(path);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new StoreError('E_STORE_OPEN', `cannot move ${path} aside (${lost.reason}): ${errno}`, {
      cause: e,
    });
  }
  const { db, fresh } = openDb(path, false, opts.cacheKiB);
  return recreate(path, db, fresh, lost, movedAside, hw, opts);
}

/** A fresh database replaces a lost one: alarm, seq floor above every seq used, salvage, log. */
function recreate(
  path: string,
  db: Database.Database,
  fresh: boolean,
  lost: Lost,
  movedAside: string | null,
  hw: HighWater | null,
  opts: { log: Logger; alarms: Alarms },
): Opened {
  const { log } = opts;
  opts.alarms.set('db_recreated', 'open', true, { cause: lost.how });
  log.error(
    {
      event: 'db_recreated',
      code: 'db_recreated',
      cause: lost.how,
      sqlite: lost.sqlite,
      path,
      moved_to: movedAside,
      reason: lost.reason,
    },
    lost.how === 'missing'
      ? 'database of this agent missing at start: starting a fresh one'
      : 'database unreadable or emptied at start: moved aside, starting a fresh one',
  );
  // seq must keep rising for receivers even though the old rows are gone: above the high-water
  // mark, and at least Unix seconds x 100 (12 digits until 2286, so never shaped like a 13-19
  // digit PAN; covers a lost high-water mark as long as the terminal averaged under 100 records/s).
  const floor = Math.max(Math.floor(Date.now() / 1000) * 100, hw?.seq_ceiling ?? 0);
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('seq_floor', String(floor));
  const sv = movedAside
    ? salvageInto(movedAside, db, floor)
    : { held: null, recovered: 0, resequenced: 0, invalid: 0 };
  const held = sv.held ?? hw?.closed?.records ?? null;
  const gone = held === null ? null : Math.max(0, held - sv.recovered);
  log[gone === 0 ? 'warn' : 'error'](
    {
      event: 'db_salvaged',
      code: 'db_recreated',
      held,
      recovered: sv.recovered,
      lost: gone,
      unsynced_at_last_stop: hw?.closed?.unsynced ?? null,
      resequenced: sv.resequenced,
      invalid: sv.invalid,
      ...('error' in sv && sv.error ? { read_error: sv.error } : {}),
      moved_to: movedAside,
    },
    `lost database: held ${held ?? 'an unknown number of'} records, ${sv.recovered} recovered, ${gone ?? 'unknown'} lost`,
  );
  return { db, fresh, hw, movedAside };
}
