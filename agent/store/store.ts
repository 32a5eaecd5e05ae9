/**
 * The durable failure store: one SQLite file (better-sqlite3, WAL) holding every failure record;
 * the outbox is the set of rows with synced_at IS NULL. See docs/store-sync.md.
 *
 * - Durability: SQLite runs WAL at synchronous=NORMAL (set on every open and read back: a mismatch
 *   throws), so a COMMIT is a few write() calls and does not wait for the disk (except SQLite's
 *   automatic checkpoints, every 1,000 WAL pages). In 'full' mode (the default) the store then
 *   fdatasyncs the WAL file in libuv's thread pool and only then resolves the records of that
 *   commit: an acknowledged record survives power loss, as with SQLite's own synchronous=FULL, but
 *   the agent keeps reading frames and drawing prompts while the disk flushes. fdatasync writes
 *   every dirty page of the file, so one flush covers every commit made before it started; commits
 *   made during a flush share the next one. Until its flush completes a row is not handed to the
 *   sync (unsynced() stops before it): the fleet never sees a record that a power cut could still
 *   take back (and whose seq would then be reused). A failed flush is not retried (the kernel may
 *   have dropped the pages' dirty state): a checkpoint rewrites the pages into the database file
 *   and fsyncs it, and only then are the records acknowledged.
 * - Group commit: record() validates and queues; one transaction commits the queue within
 *   groupCommitMs or as soon as groupCommitMax rows wait. The promise resolves only after COMMIT
 *   (and, in 'full' mode, the flush). seq is assigned inside that transaction, so seq has no gaps
 *   even across crashes.
 * - Budget: after commits and acks, synced rows are purged oldest first to stay under budgetBytes;
 *   unsynced rows are never purged (alarm 'store_budget_exceeded' instead).
 * - Files: the database (and so its -wal and -shm, which SQLite creates with the main file's mode)
 *   is created 0600 before SQLite opens it; an existing one is tightened to 0600. A file at the path
 *   that the agent did not create (not SQLite, or another application's database) is refused
 *   (E_STORE_FOREIGN), never renamed away.
 * - Seq high-water mark (high-water.ts): `<db>.hwm` says no seq above its ceiling was used; the
 *   store raises it a block ahead before a commit would pass it, so a lost database never brings
 *   back a seq value. It (or the device key `<db>.key`) also says the path was initialized here.
 * - Faults: a database of ours that is corrupt or unreadable at open, or was emptied to 0 bytes, is
 *   moved aside and recreated (alarm 'db_recreated'); a missing one is recreated with the same
 *   alarm. Rows still readable in the moved file are salvaged (salvage.ts) and the log says how many
 *   records it held, recovered and lost. seq continues above the high-water mark.
 *   SQLITE_FULL (alarm 'disk_full') and I/O or busy errors (alarm 'store_io_error') keep the batch
 *   queued in memory and retry with capped, jittered backoff.
 */
import {
  closeSync,
  constants,
  existsSync,
  fdatasync,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Category, FailureRecord } from '../record.js';
import { createDbFile, inspectDbFile, restrictDbModes } from './db-file.js';
import { HWM_BLOCK, highWaterPath, readHighWater, writeHighWater } from './high-water.js';
import { salvageInto } from './salvage.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { scrubPans } from '../../protocol/card/pan.js';
import { migrate } from './migrate.js';
import { newFailureSchema } from './record-schema.js';
import { RECORD_COLUMNS, SCHEMA_VERSION } from './schema.js';
import { monotonicUlid } from './ulid.js';

export type NewFailure = Omit<FailureRecord, 'id' | 'seq' | 'boot_id' | 'synced_at'>;
export type Durability = 'full' | 'normal';

export interface StoreOptions {
  path: string;
  /** 'full' (default): a committed record survives power loss. 'normal': survives a process crash. */
  synchronous?: Durability;
  /** Size budget of the database's used pages in bytes; 0/undefined = no budget. */
  budgetBytes?: number;
  /** Longest a record waits for its group commit (ms). Default 2. */
  groupCommitMs?: number;
  /** Commit at once when this many records wait; also the largest transaction. Default 512. */
  groupCommitMax?: number;
  bootId: string;
  logger?: Logger;
  /** Most records held in memory while the disk refuses writes; beyond it record() rejects. Default 50,000. */
  maxQueued?: number;
  /** Retry backoff for SQLITE_FULL / I/O errors (ms). Defaults 50 and 5,000. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** seq values reserved per write of the high-water mark `<path>.hwm` (default 10,000). */
  seqBlock?: number;
  /** PRAGMA quick_check at open (default true): catches corruption the header check misses. */
  checkOnOpen?: boolean;
  /** SQLite page cache in KiB (default 8192; better-sqlite3 would use 16 MiB). */
  cacheKiB?: number;
  /**
   * Flushes the WAL file in 'full' mode (default: fs.fdatasync, which runs in libuv's thread pool).
   * Tests pass their own to hold or fail a flush.
   */
  flushWal?: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
}

export interface StoreStats {
  outboxDepth: number;
  oldestUnsyncedAt: string | null;
  dbBytes: number;
  total: number;
}

export interface UnsyncedJson {
  id: string;
  seq: number;
  json: string;
}

export interface FailureStore {
  record(f: NewFailure): Promise<FailureRecord>;
  /** Unsynced records in seq order with seq > afterSeq (default 0), optionally of one terminal. */
  unsynced(limit: number, afterSeq?: number, terminal?: string): FailureRecord[];
  /**
   * Like unsynced(), but each record comes as its JSON text (built by SQLite's json_object, keys in
   * record order, synced_at null): the sync path publishes it without making a JS object per row.
   */
  unsyncedJson(limit: number, afterSeq?: number, terminal?: string): UnsyncedJson[];
  /** Marks records synced (only those still unsynced); returns how many changed. */
  markSynced(ids: string[], atIso: string): number;
  stats(): StoreStats;
  /** Active alarms: 'store_budget_exceeded', 'disk_full', 'store_io_error', 'db_recreated'. */
  alarms(): string[];
  /** Records committed since open, by category (approvals included). */
  counts(): Partial<Record<Category, number>>;
  /** Resolves once every record queued before the call is committed (and flushed, in 'full' mode). */
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly db: Database.Database;
  readonly path: string;
  readonly durability: Durability;
  /** Set when the file found at open was moved aside: its new name. */
  readonly movedAside: string | null;
}

export type StoreErrorCode =
  | 'E_RECORD' // the NewFailure is invalid
  | 'E_STORE_OPEN' // the database cannot be opened (and is not corrupt: e.g. no such directory)
  | 'E_STORE_FOREIGN' // a file at the database path (or <db>.hwm) that the agent did not create
  | 'E_STORE_DURABILITY' // journal_mode / synchronous read back differently than set
  | 'E_STORE_BACKLOG' // too many records waiting in memory while the disk refuses writes
  | 'E_STORE_WRITE' // a record was refused by SQLite for a reason retrying cannot fix
  | 'E_STORE_CLOSED'; // the store is closed (or closed before the record could commit)

export class StoreError extends Error {
  /** Process exit code for the CLI: 2 (bad input) for a foreign file at the database path. */
  readonly exitCode: number | undefined;
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
    this.exitCode = code === 'E_STORE_FOREIGN' ? 2 : undefined;
  }
}

/** The refusal of a file the agent did not create; names the file, never quotes it. */
function foreign(path: string, what: string): StoreError {
  return new StoreError(
    'E_STORE_FOREIGN',
    `${path} exists and is ${what}, not a failure store this agent created; refusing to touch it: move it away or choose another --db / store.path`,
  );
}

interface Pending {
  f: NewFailure;
  id: string;
  resolve: (r: FailureRecord) => void;
  reject: (e: Error) => void;
  /** Set once SQLite has taken (or refused) the record; handed to the caller after the flush. */
  outcome?: FailureRecord | StoreError;
}

/** SQLite's synchronous level in both modes: NORMAL (1). 'full' adds the store's own WAL flush. */
const SQLITE_SYNC_LEVEL = 1;
const RETRYABLE = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|PROTOCOL|NOMEM)/;
const CORRUPT = /^SQLITE_(NOTADB|CORRUPT)/;

function sqliteCode(e: unknown): string {
  return typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : '';
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** Opens the database file, sets and verifies pragmas, checks integrity, migrates. Throws on any fault. */
function openDb(path: string, check: boolean, cacheKiB: number): { db: Database.Database; fresh: boolean } {
  const db = new Database(path);
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
        const e = new Error(
          `quick_check: ${rows
            .map((r) => r.quick_check)
            .slice(0, 3)
            .join('; ')}`,
        );
        (e as Error & { code: string }).code = 'SQLITE_CORRUPT';
        throw e;
      }
    }
    migrate(db);
    return { db, fresh };
  } catch (e) {
    db.close();
    throw e;
  }
}

export function openStore(opts: StoreOptions): FailureStore {
  const log = opts.logger ?? silentLogger();
  const durability: Durability = opts.synchronous ?? 'full';
  if (durability !== 'full' && durability !== 'normal') {
    throw new StoreError(
      'E_STORE_DURABILITY',
      `synchronous must be 'full' or 'normal', got '${String(durability)}'`,
    );
  }
  const groupMs = Math.max(0, opts.groupCommitMs ?? 2);
  const groupMax = Math.max(1, opts.groupCommitMax ?? 512);
  const maxQueued = Math.max(groupMax, opts.maxQueued ?? 50_000);
  const retryMin = Math.max(1, opts.retryMinMs ?? 50);
  const retryMax = Math.max(retryMin, opts.retryMaxMs ?? 5_000);
  const budget = opts.budgetBytes && opts.budgetBytes > 0 ? opts.budgetBytes : 0;
  const seqBlock = Math.max(1, Math.floor(opts.seqBlock ?? HWM_BLOCK));
  const alarmSet = new Set<string>();
  let movedAside: string | null = null;
  const cacheKiB = opts.cacheKiB ?? 8192;

  // Was this path initialized by the agent? Every open writes the high-water mark; the device key
  // sits beside the database too. An SQLite header with one of our schema versions is ours as well.
  const hw = readHighWater(opts.path);
  if (hw === 'invalid') throw foreign(highWaterPath(opts.path), 'not a seq high-water mark');
  const initialized = hw !== null || existsSync(`${opts.path}.key`);
  let found: ReturnType<typeof inspectDbFile>;
  try {
    found = inspectDbFile(opts.path);
  } catch (e) {
    throw new StoreError('E_STORE_OPEN', `cannot open ${opts.path}: ${(e as Error).message}`, { cause: e });
  }
  const ours =
    initialized ||
    (found.state === 'sqlite' && found.userVersion >= 1 && found.userVersion <= SCHEMA_VERSION);
  if (found.state === 'other' && !ours) throw foreign(opts.path, 'not an SQLite database');
  /** Set when the database the agent had is gone: how. */
  let lost: { how: 'missing' | 'emptied' | 'unreadable'; sqlite?: string; reason: string } | null = null;
  try {
    if (found.state === 'missing') {
      createDbFile(opts.path);
      // a -wal left behind may hold records: handled as an emptied file, so its pages are salvaged
      if (initialized)
        lost = existsSync(`${opts.path}-wal`)
          ? { how: 'emptied', reason: 'database file missing, its -wal left' }
          : { how: 'missing', reason: 'database file missing' };
    } else if (found.state === 'empty' && initialized) {
      lost = { how: 'emptied', reason: 'database file is empty (0 bytes)' };
    } else {
      for (const f of restrictDbModes(opts.path))
        log.warn({ event: 'store_mode_unchanged', path: f }, 'could not restrict the file mode to 0600');
    }
  } catch (e) {
    throw new StoreError('E_STORE_OPEN', `cannot create ${opts.path}: ${(e as Error).message}`, { cause: e });
  }

  let db!: Database.Database;
  let fresh = false;
  if (lost?.how !== 'emptied') {
    try {
      ({ db, fresh } = openDb(opts.path, opts.checkOnOpen ?? true, cacheKiB));
    } catch (e) {
      const code = sqliteCode(e);
      if (!CORRUPT.test(code)) {
        if (e instanceof StoreError) throw e;
        throw new StoreError('E_STORE_OPEN', `cannot open ${opts.path}: ${(e as Error).message}`, {
          cause: e,
        });
      }
      if (!ours) throw foreign(opts.path, 'an unreadable database');
      lost = { how: 'unreadable', sqlite: code, reason: (e as Error).message };
    }
  }
  if (lost) {
    if (lost.how !== 'missing') {
      movedAside = `${opts.path}.${lost.how === 'emptied' ? 'empty' : 'corrupt'}-${stamp()}`;
      try {
        renameSync(opts.path, movedAside);
        for (const sfx of ['-wal', '-shm']) {
          if (existsSync(opts.path + sfx)) renameSync(opts.path + sfx, movedAside + sfx);
        }
        createDbFile(opts.path);
      } catch (e) {
        const errno = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        throw new StoreError('E_STORE_OPEN', `cannot move ${opts.path} aside (${lost.reason}): ${errno}`, {
          cause: e,
        });
      }
      ({ db, fresh } = openDb(opts.path, false, cacheKiB));
    } // a missing one was created and opened above
    alarmSet.add('db_recreated');
    log.error(
      {
        event: 'db_recreated',
        code: 'db_recreated',
        cause: lost.how,
        sqlite: lost.sqlite,
        path: opts.path,
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
  }
  if (fresh)
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(
      'created_at',
      new Date().toISOString(),
    );
  log.info(
    { event: 'store_opened', path: opts.path, synchronous: durability, fresh, budget_bytes: budget },
    'failure store opened',
  );

  const ulid = monotonicUlid();
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const seqFloor = Number(
    (db.prepare("SELECT value FROM meta WHERE key = 'seq_floor'").pluck().get() as string | undefined) ?? 0,
  );
  const lastSeq = new Map<string, number>();
  const counts: Partial<Record<Category, number>> = {};

  const cols = RECORD_COLUMNS.filter((c) => c !== 'synced_at');
  const insertStmt = db.prepare(
    `INSERT INTO failures (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
  );
  const selectCols = RECORD_COLUMNS.join(', ');
  const unsyncedStmt = db.prepare(
    `SELECT ${selectCols} FROM failures WHERE synced_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
  );
  const unsyncedTermStmt = db.prepare(
    `SELECT ${selectCols} FROM failures WHERE synced_at IS NULL AND seq > ? AND terminal_id = ? ORDER BY seq LIMIT ?`,
  );
  const jsonExpr = `json_object(${RECORD_COLUMNS.map((c) => `'${c}', ${c}`).join(', ')})`;
  const unsyncedJsonStmt = db.prepare(
    `SELECT id, seq, ${jsonExpr} AS json FROM failures WHERE synced_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
  );
  const unsyncedJsonTermStmt = db.prepare(
    `SELECT id, seq, ${jsonExpr} AS json FROM failures WHERE synced_at IS NULL AND seq > ? AND terminal_id = ? ORDER BY seq LIMIT ?`,
  );
  const markStmt = db.prepare('UPDATE failures SET synced_at = ? WHERE id = ? AND synced_at IS NULL');
  const seqGetStmt = db.prepare('SELECT last_seq FROM terminal_seq WHERE terminal_id = ?').pluck();
  const seqMaxStmt = db.prepare('SELECT MAX(seq) FROM failures WHERE terminal_id = ?').pluck();
  const seqPutStmt = db.prepare(
    'INSERT INTO terminal_seq (terminal_id, last_seq) VALUES (?, ?) ON CONFLICT(terminal_id) DO UPDATE SET last_seq = excluded.last_seq',
  );
  const oldestStmt = db
    .prepare('SELECT occurred_at FROM failures WHERE synced_at IS NULL ORDER BY seq LIMIT 1')
    .pluck();
  const purgeStmt = db.prepare(
    'DELETE FROM failures WHERE rowid IN (SELECT rowid FROM failures WHERE synced_at IS NOT NULL ORDER BY rowid LIMIT ?)',
  );
  const pageCountStmt = db.prepare('PRAGMA page_count').pluck();
  const freelistStmt = db.prepare('PRAGMA freelist_count').pluck();

  let outboxDepth = db
    .prepare('SELECT COUNT(*) FROM failures WHERE synced_at IS NULL')
    .pluck()
    .get() as number;
  let total = db.prepare('SELECT COUNT(*) FROM failures').pluck().get() as number;

  // The high-water mark: durable before any commit passes it. Written at every open, a block above
  // every seq this database (or its lost predecessor) used; this also clears the last close's counts.
  let ceiling = hw?.seq_ceiling ?? 0;
  /** Raises the ceiling durably to `upTo` + a block. Throws with a code onWriteError classifies. */
  function reserveSeq(upTo: number): void {
    const next = upTo + seqBlock;
    try {
      writeHighWater(opts.path, { seq_ceiling: next, closed: null });
    } catch (e) {
      const errno = (e as NodeJS.ErrnoException).code ?? 'EIO';
      // classified like SQLite's own write errors: the batch stays queued and is retried
      const err = new Error(`cannot write ${highWaterPath(opts.path)}: ${errno}`, { cause: e });
      (err as Error & { code: string }).code =
        errno === 'ENOSPC' || errno === 'EDQUOT' ? 'SQLITE_FULL_HWM' : 'SQLITE_IOERR_HWM';
      throw err;
    }
    ceiling = next;
  }
  {
    const used = Math.max(
      ceiling,
      seqFloor,
      (db.prepare('SELECT MAX(last_seq) FROM terminal_seq').pluck().get() as number | null) ?? 0,
      (db.prepare('SELECT MAX(seq) FROM failures').pluck().get() as number | null) ?? 0,
    );
    try {
      reserveSeq(used);
    } catch (e) {
      // the first commit tries again (and waits for the disk if it must)
      log.warn(
        { event: 'store_hwm_write_failed', reason: (e as Error).message },
        'seq high-water mark not written',
      );
    }
  }

  // 'full' mode: the WAL file's descriptor for the store's own flushes. SQLite keeps the WAL file
  // (same inode) while a connection is open, so one descriptor serves the store's whole life. The
  // directory is flushed once, so a freshly created database and WAL keep their names on power loss.
  let walFd = -1;
  if (durability === 'full') {
    try {
      walFd = openSync(`${opts.path}-wal`, constants.O_RDONLY | constants.O_CREAT, 0o600);
    } catch (e) {
      db.close();
      throw new StoreError(
        'E_STORE_OPEN',
        `cannot open the WAL of ${opts.path} for flushing: ${(e as Error).message}`,
        { cause: e },
      );
    }
    try {
      const dirFd = openSync(dirname(opts.path), constants.O_RDONLY);
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch (e) {
      // some platforms cannot open or flush a directory; the records' own flushes still hold
      log.warn(
        { event: 'store_dir_flush_failed', errno: (e as NodeJS.ErrnoException).code },
        'could not flush the database directory',
      );
    }
  }
  const flushWal = opts.flushWal ?? fdatasync;

  function seqOf(terminal: string): number {
    let s = lastSeq.get(terminal);
    if (s === undefined) {
      const stored = (seqGetStmt.get(terminal) as number | undefined) ?? 0;
      const max = (seqMaxStmt.get(terminal) as number | null) ?? 0;
      s = Math.max(stored, max, seqFloor);
      lastSeq.set(terminal, s);
    }
    return s;
  }

  const insertBatch = db.transaction((batch: Pending[], out: FailureRecord[]) => {
    const next = new Map<string, number>();
    for (const p of batch) {
      const f = p.f;
      const seq = (next.get(f.terminal_id) ?? seqOf(f.terminal_id)) + 1;
      next.set(f.terminal_id, seq);
      if (seq > ceiling) reserveSeq(seq); // once per block: the mark is durable before the COMMIT
      const rec: FailureRecord = { id: p.id, seq, boot_id: opts.bootId, ...f, synced_at: null };
      insertStmt.run(
        rec.id,
        rec.seq,
        rec.boot_id,
        rec.terminal_id,
        rec.merchant_id,
        rec.occurred_at,
        rec.utc_offset_min,
        rec.mti,
        rec.processing_code,
        rec.amount_minor,
        rec.currency,
        rec.pan_masked,
        rec.card_brand,
        rec.entry_mode,
        rec.stan,
        rec.rrn,
        rec.auth_code,
        rec.rc,
        rec.rc_source,
        rec.category,
        rec.retry,
        rec.notes,
      );
      out.push(rec);
    }
    for (const [t, s] of next) seqPutStmt.run(t, s);
    return next;
  });

  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryAttempt = 0;
  let closed = false;
  let flushWaiters: Array<{ upTo: number; resolve: () => void }> = [];
  let enqueued = 0; // records ever queued
  let settled = 0; // records ever acknowledged or rejected (FIFO: commits and flushes keep queue order)
  // Records SQLite has taken or refused (`outcome` set), in commit order, waiting to be handed to
  // their callers: in 'full' mode after the next WAL flush, in 'normal' mode at once. A refused
  // record waits its turn too, so settle() stays FIFO.
  let unflushed: Pending[] = [];
  const unflushedIds = new Set<string>(); // committed rows the sync must not see yet
  let flushing = false;
  let flushRetry: NodeJS.Timeout | null = null;
  let flushAttempt = 0;
  const flushDone: Array<() => void> = []; // close() waits here for a flush in flight

  function setAlarm(name: string, on: boolean, detail: Record<string, unknown> = {}): void {
    if (on === alarmSet.has(name)) return;
    if (on) {
      alarmSet.add(name);
      log.error({ event: 'alarm_raised', code: name, ...detail }, `store alarm raised: ${name}`);
    } else {
      alarmSet.delete(name);
      log.warn({ event: 'alarm_cleared', code: name, ...detail }, `store alarm cleared: ${name}`);
    }
  }

  function schedule(): void {
    if (closed || retryTimer || queue.length === 0) return;
    if (queue.length >= groupMax) {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      if (!immediate) immediate = setImmediate(commitNow);
    } else if (!timer && !immediate) {
      timer = setTimeout(commitNow, groupMs);
    }
  }

  function settle(n: number): void {
    settled += n;
    if (flushWaiters.length === 0) return;
    const still: typeof flushWaiters = [];
    for (const w of flushWaiters) {
      if (w.upTo <= settled) w.resolve();
      else still.push(w);
    }
    flushWaiters = still;
  }

  /** Queues a committed (or refused) record for its caller; startFlush() hands it over. */
  function acknowledge(p: Pending, outcome: FailureRecord | StoreError): void {
    p.outcome = outcome;
    unflushed.push(p);
    if (walFd >= 0 && !(outcome instanceof StoreError)) unflushedIds.add(outcome.id);
  }

  /**
   * Hands over every record committed so far: in 'normal' mode at once; in 'full' mode after a WAL
   * flush, unless one is in flight (its completion starts the next). The flush runs in the thread
   * pool; the event loop goes on reading frames meanwhile.
   */
  function startFlush(): void {
    if (walFd < 0) {
      if (unflushed.length > 0) resolveFlushed(takeUnflushed());
      return;
    }
    if (flushing || flushRetry || closed || unflushed.length === 0) return; // close() flushes the rest itself
    flushing = true;
    const batch = takeUnflushed();
    flushWal(walFd, (err) => {
      flushing = false;
      if (err) {
        // Nothing is acknowledged on a failed flush: the records go back in front. Retrying the
        // fdatasync would prove nothing (Linux reports a writeback error once and may already have
        // marked the pages clean), so recovery rewrites them instead: see recoverByCheckpoint().
        unflushed = batch.concat(unflushed);
        flushFailed(err.code ?? err.message);
      } else {
        resolveFlushed(batch);
        startFlush();
      }
      for (const w of flushDone.splice(0)) w();
    });
  }

  function takeUnflushed(): Pending[] {
    const batch = unflushed;
    unflushed = [];
    return batch;
  }

  function flushFailed(reason: string): void {
    const base = Math.min(retryMax, retryMin * 2 ** Math.min(flushAttempt, 20));
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    flushAttempt++;
    setAlarm('store_io_error', true, { errno: reason, op: 'wal_flush', waiting: unflushed.length });
    log.warn(
      {
        event: 'store_flush_retry',
        code: 'store_io_error',
        errno: reason,
        attempt: flushAttempt,
        delay_ms: delay,
      },
      'WAL flush failed; records stay unacknowledged until a checkpoint rewrites them',
    );
    if (closed) return;
    flushRetry = setTimeout(() => {
      flushRetry = null;
      if (recoverByCheckpoint()) startFlush();
    }, delay);
  }

  /**
   * After a failed flush: a checkpoint copies every committed page from the WAL into the database
   * file (fresh writes, not pages the kernel may have dropped) and fsyncs that file; SQLite only
   * counts them as copied once that fsync succeeded. When it completes, every record committed so
   * far is durable and is acknowledged. Otherwise the next attempt follows with backoff. Runs on
   * the event loop, but only on this error path.
   */
  function recoverByCheckpoint(): boolean {
    let reason: string;
    try {
      const row = (
        db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>
      )[0];
      if (row && row.busy === 0 && row.checkpointed === row.log) {
        log.info(
          { event: 'store_flush_recovered', attempts: flushAttempt, method: 'checkpoint', frames: row.log },
          'committed records are on disk again (checkpoint)',
        );
        flushAttempt = 0;
        if (retryAttempt === 0) setAlarm('store_io_error', false);
        resolveFlushed(takeUnflushed());
        return true;
      }
      reason = `checkpoint incomplete (busy ${row?.busy}, ${row?.checkpointed} of ${row?.log} frames)`;
    } catch (e) {
      reason = sqliteCode(e) || (e as Error).message;
    }
    flushFailed(reason);
    return false;
  }

  function resolveFlushed(batch: Pending[]): void {
    for (const p of batch) {
      const r = p.outcome as FailureRecord | StoreError;
      if (r instanceof StoreError) p.reject(r);
      else {
        unflushedIds.delete(r.id);
        p.resolve(r);
      }
    }
    settle(batch.length);
  }

  /** Rows as the sync may see them: up to (not including) the first one whose flush is pending. */
  function flushedOnly<T extends { id: string }>(rows: T[]): T[] {
    if (unflushedIds.size === 0) return rows;
    for (let i = 0; i < rows.length; i++) if (unflushedIds.has((rows[i] as T).id)) return rows.slice(0, i);
    return rows;
  }

  /** Commits one batch (up to groupMax) from the head of the queue; reschedules for the rest. */
  function commitNow(): void {
    timer = null;
    immediate = null;
    if (queue.length === 0) return;
    const batch = queue.length <= groupMax ? queue : queue.slice(0, groupMax);
    const out: FailureRecord[] = [];
    try {
      const next = insertBatch(batch, out);
      for (const [t, s] of next) lastSeq.set(t, s);
    } catch (e) {
      onWriteError(e, batch);
      return;
    }
    queue = batch === queue ? [] : queue.slice(batch.length);
    outboxDepth += out.length;
    total += out.length;
    for (let i = 0; i < out.length; i++) {
      const rec = out[i] as FailureRecord;
      counts[rec.category] = (counts[rec.category] ?? 0) + 1;
      acknowledge(batch[i] as Pending, rec);
    }
    startFlush();
    if (retryAttempt > 0) {
      log.info(
        { event: 'store_write_recovered', attempts: retryAttempt, committed: out.length },
        'store writes again',
      );
      retryAttempt = 0;
    }
    setAlarm('disk_full', false);
    if (flushAttempt === 0) setAlarm('store_io_error', false);
    enforceBudget();
    schedule();
  }

  function onWriteError(e: unknown, batch: Pending[]): void {
    const code = sqliteCode(e);
    if (RETRYABLE.test(code)) {
      const alarm = code.startsWith('SQLITE_FULL') ? 'disk_full' : 'store_io_error';
      setAlarm(alarm, true, { sqlite: code, queued: queue.length });
      if (alarm === 'disk_full') purgeSynced(Math.max(groupMax, 1000)); // make room if synced rows exist
      const base = Math.min(retryMax, retryMin * 2 ** Math.min(retryAttempt, 20));
      const delay = Math.round(base / 2 + (Math.random() * base) / 2);
      retryAttempt++;
      log.warn(
        {
          event: 'store_write_retry',
          code: alarm,
          sqlite: code,
          attempt: retryAttempt,
          delay_ms: delay,
          queued: queue.length,
        },
        'store write failed; records kept in memory, retrying',
      );
      if (!closed) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          commitNow();
        }, delay);
      }
      return;
    }
    // Not retryable (e.g. a constraint): commit the rows one by one so only the bad ones fail, loudly.
    log.error(
      { event: 'store_write_failed', sqlite: code, err: e, batch: batch.length },
      'batch refused; isolating',
    );
    queue = queue.slice(batch.length);
    for (const p of batch) {
      const out: FailureRecord[] = [];
      try {
        const next = insertBatch([p], out);
        for (const [t, s] of next) lastSeq.set(t, s);
        outboxDepth++;
        total++;
        const rec = out[0] as FailureRecord;
        counts[rec.category] = (counts[rec.category] ?? 0) + 1;
        acknowledge(p, rec);
      } catch (e2) {
        log.error(
          { event: 'store_record_rejected', code: 'E_STORE_WRITE', sqlite: sqliteCode(e2), id: p.id },
          'record refused',
        );
        acknowledge(
          p,
          new StoreError('E_STORE_WRITE', `record ${p.id} refused: ${(e2 as Error).message}`, { cause: e2 }),
        );
      }
    }
    startFlush();
    schedule();
  }

  function usedBytes(): number {
    return ((pageCountStmt.get() as number) - (freelistStmt.get() as number)) * pageSize;
  }

  /** Deletes up to n synced rows, oldest first; returns how many. */
  function purgeSynced(n: number): number {
    try {
      const changes = purgeStmt.run(n).changes;
      total -= changes;
      return changes;
    } catch (e) {
      log.warn({ event: 'store_purge_failed', sqlite: sqliteCode(e) }, 'purge of synced rows failed');
      return 0;
    }
  }

  function enforceBudget(): void {
    if (!budget) return;
    let used = usedBytes();
    if (used <= budget) {
      setAlarm('store_budget_exceeded', false, { used_bytes: used, budget_bytes: budget });
      return;
    }
    const target = Math.floor(budget * 0.9);
    let purged = 0;
    while (used > target) {
      const perRow = total > 0 ? Math.max(64, used / total) : 256;
      const n = purgeSynced(Math.max(100, Math.ceil((used - target) / perRow)));
      if (n === 0) break;
      purged += n;
      used = usedBytes();
    }
    if (purged > 0) {
      try {
        db.pragma('incremental_vacuum');
      } catch {
        /* shrinking the file is best effort */
      }
      log.info(
        { event: 'store_purged', rows: purged, used_bytes: used, budget_bytes: budget },
        'purged synced rows',
      );
    }
    setAlarm('store_budget_exceeded', used > budget, {
      used_bytes: used,
      budget_bytes: budget,
      outbox_depth: outboxDepth,
    });
  }

  /** Masks any full PAN that slipped into a text field (defence in depth; the decoder masks first). */
  function scrub(f: NewFailure): NewFailure {
    let out = f;
    for (const key in f) {
      const k = key as keyof NewFailure;
      const v = f[k];
      if (typeof v !== 'string') continue;
      // scrubPans returns the same string when there is no PAN (one pass, nothing allocated)
      const clean = scrubPans(v);
      if (clean !== v) {
        if (out === f) out = { ...f };
        (out as unknown as Record<string, unknown>)[k] = clean;
        log.warn({ event: 'pan_masked_on_store', field: k }, 'a full PAN reached the store and was masked');
      }
    }
    return out;
  }

  const store: FailureStore = {
    db,
    path: opts.path,
    durability,
    movedAside,
    record(f: NewFailure): Promise<FailureRecord> {
      if (closed) return Promise.reject(new StoreError('E_STORE_CLOSED', 'store is closed'));
      const scrubbed = scrub(f);
      // one check, the zod schema; its output is a fresh copy, so what was checked is what gets
      // written, whatever the caller does with `f` later
      const parsed = newFailureSchema.safeParse(scrubbed);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return Promise.reject(
          new StoreError(
            'E_RECORD',
            `invalid failure record: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
          ),
        );
      }
      if (queue.length + unflushed.length >= maxQueued) {
        log.error(
          { event: 'store_backlog_full', code: 'E_STORE_BACKLOG', queued: queue.length },
          'record refused',
        );
        return Promise.reject(
          new StoreError(
            'E_STORE_BACKLOG',
            `${queue.length} records already wait for the disk; record refused`,
          ),
        );
      }
      return new Promise<FailureRecord>((resolve, reject) => {
        queue.push({ f: parsed.data, id: ulid(), resolve, reject, outcome: undefined }); // one shape throughout
        enqueued++;
        schedule();
      });
    },
    unsynced(limit: number, afterSeq = 0, terminal?: string): FailureRecord[] {
      return flushedOnly(
        (terminal === undefined
          ? unsyncedStmt.all(afterSeq, limit)
          : unsyncedTermStmt.all(afterSeq, terminal, limit)) as FailureRecord[],
      );
    },
    unsyncedJson(limit: number, afterSeq = 0, terminal?: string): UnsyncedJson[] {
      return flushedOnly(
        (terminal === undefined
          ? unsyncedJsonStmt.all(afterSeq, limit)
          : unsyncedJsonTermStmt.all(afterSeq, terminal, limit)) as UnsyncedJson[],
      );
    },
    markSynced(ids: string[], atIso: string): number {
      if (ids.length === 0) return 0;
      const changed = db.transaction(() => {
        let n = 0;
        for (const id of ids) n += markStmt.run(atIso, id).changes;
        return n;
      })();
      outboxDepth -= changed;
      enforceBudget();
      return changed;
    },
    stats(): StoreStats {
      let dbBytes = (pageCountStmt.get() as number) * pageSize;
      try {
        dbBytes += statSync(`${opts.path}-wal`).size;
      } catch {
        /* no WAL file right now */
      }
      return {
        outboxDepth,
        oldestUnsyncedAt: (oldestStmt.get() as string | undefined) ?? null,
        dbBytes,
        total,
      };
    },
    alarms: () => [...alarmSet].sort(),
    counts: () => ({ ...counts }),
    flush(): Promise<void> {
      if (enqueued === settled) return Promise.resolve();
      return new Promise((resolve) => {
        flushWaiters.push({ upTo: enqueued, resolve });
        if (timer || (!immediate && !retryTimer)) {
          if (timer) clearTimeout(timer);
          timer = null;
          immediate = setImmediate(commitNow);
        }
      });
    },
    close(): Promise<void> {
      closing ??= closeNow();
      return closing;
    },
  };

  let closing: Promise<void> | null = null;
  /** Rejects every record of `list` (a refused one with its own error), in order. */
  function refuseAll(list: Pending[], message: string): void {
    for (const p of list)
      p.reject(p.outcome instanceof StoreError ? p.outcome : new StoreError('E_STORE_CLOSED', message));
    settle(list.length);
  }

  /** Commits what waits, flushes what is committed, settles every promise, closes the file. */
  async function closeNow(): Promise<void> {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    if (retryTimer) clearTimeout(retryTimer);
    timer = immediate = retryTimer = null;
    // final attempts: commit what waits, batch by batch
    let guard = Math.ceil(queue.length / groupMax) + 1;
    while (queue.length > 0 && guard-- > 0) {
      const before = queue.length;
      commitNow();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      if (queue.length === before) break;
    }
    closed = true;
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    if (walFd >= 0) {
      // let a flush in flight finish (it uses the descriptor), then flush the rest here
      while (flushing) await new Promise<void>((r) => flushDone.push(r));
      if (flushRetry) clearTimeout(flushRetry);
      flushRetry = null;
      // one last flush, unless an earlier one failed; after a failure, one checkpoint instead
      if (unflushed.length > 0 && flushAttempt === 0) {
        const err = await new Promise<NodeJS.ErrnoException | null>((r) => flushWal(walFd, r));
        if (err) flushFailed(err.code ?? err.message);
        else resolveFlushed(takeUnflushed());
      }
      if (unflushed.length > 0) recoverByCheckpoint();
      if (unflushed.length > 0) {
        log.error(
          { event: 'store_closed_unflushed', code: 'E_STORE_CLOSED', unflushed: unflushed.length },
          'store closed with committed records it could not confirm on disk; they were never acknowledged',
        );
        refuseAll(takeUnflushed(), 'store closed before the record was confirmed on disk');
      }
      closeSync(walFd);
      walFd = -1;
    }
    if (queue.length > 0) {
      log.error(
        { event: 'store_closed_with_pending', code: 'E_STORE_CLOSED', lost_uncommitted: queue.length },
        'store closed while records still waited for the disk; they were never acknowledged',
      );
      refuseAll(queue, 'store closed before the record was committed');
      queue = [];
    }
    for (const w of flushWaiters) w.resolve();
    flushWaiters = [];
    db.close();
    try {
      // what the database holds now: if it is emptied or lost before the next start, the log can say
      writeHighWater(opts.path, { seq_ceiling: ceiling, closed: { records: total, unsynced: outboxDepth } });
    } catch (e) {
      log.warn(
        { event: 'store_hwm_write_failed', reason: (e as Error).message },
        'seq high-water mark not updated at close',
      );
    }
    log.info({ event: 'store_closed', path: opts.path }, 'failure store closed');
  }
  return store;
}
