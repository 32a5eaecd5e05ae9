/** The store's public types (re-exported by store.ts and index.ts). See store.ts for the design. */
import type Database from 'better-sqlite3';
import type { Category, FailureRecord } from '../record.js';
import type { Logger } from '../log.js';

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
  flushWal?: FlushWal;
}

export type FlushWal = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

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
  /** Active alarms: 'store_budget_exceeded', 'disk_full', 'store_io_error', 'db_recreated', 'db_rolled_back'. */
  alarms(): string[];
  /** Records committed since open, by category (approvals included). */
  counts(): Partial<Record<Category, number>>;
  /** Resolves once every record queued before the call is committed (and flushed, in 'full' mode). */
  flush(): Promise<void>;
  /**
   * Commits and flushes what it can, refuses the rest (E_STORE_CLOSED), closes the file. Resolves
   * with how many records were refused at close: never written, so the caller can fail loudly.
   */
  close(): Promise<{ unwritten: number }>;
  readonly db: Database.Database;
  readonly path: string;
  readonly durability: Durability;
  /** Set when the file found at open was moved aside: its new name. */
  readonly movedAside: string | null;
}

/** Row counts kept in memory (so stats() does not count rows): changed by commits, acks and purges. */
export interface Tally {
  outboxDepth: number;
  total: number;
  counts: Partial<Record<Category, number>>;
}
