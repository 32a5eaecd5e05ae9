/** The store's public types (re-exported by store.ts and index.ts). See store.ts for the design. */
import type Database from 'better-sqlite3';
import type { Category, FailureRecord, Outcome, RecoveryMeans } from '../record.js';
import type { Logger } from '../log.js';

/** Fields the store sets itself: at record() (id, seq, boot, version 1, no change yet) or later. */
type StoreSet =
  'id' | 'seq' | 'boot_id' | 'synced_at' | 'version' | 'outcome_at' | 'linked_id' | 'recovered_by';

export type NewFailure = Omit<FailureRecord, StoreSet> & {
  /** What the record is about from the start: the first approval of a double charge. */
  linked_id?: string | null;
  /**
   * The keyed card hash (hex, as the pipeline's panDigest makes it): kept in a local column so
   * recoveries are found after a restart; never in the record handed back, the sync payload,
   * exports, the report, logs or the collector.
   */
  card_key?: string | null;
};

/** An outcome change, stored as a new version of the record (FailureStore.update). */
export interface OutcomeChange {
  outcome: Outcome;
  /** UTC ISO time of the change. */
  at: string;
  linked_id?: string | null;
  recovered_by?: RecoveryMeans | null;
}

/** An approved sale, for the approval ledger (local, never synced). No PAN: masked PAN and card hash. */
export interface NewApproval {
  terminal_id: string;
  merchant_id: string;
  occurred_at: string;
  mti: string | null;
  amount_minor: number | null;
  currency: string | null;
  pan_masked: string | null;
  card_key: string | null;
  stan: string | null;
  rrn: string | null;
  auth_code: string | null;
}
export interface Approval extends NewApproval {
  /** ULID. */
  id: string;
}

/** A failure whose outcome can still change (for the matcher's warm start after a restart). */
export interface OpenFailure {
  id: string;
  occurred_at: string;
  terminal_id: string;
  outcome: Outcome;
  card_key: string | null;
  amount_minor: number | null;
  currency: string | null;
  stan: string | null;
  mti: string | null;
  /** The approval it is linked to (for approved_late: the late approval). */
  linked_id: string | null;
}
export type Durability = 'full' | 'normal';

export interface StoreOptions {
  path: string;
  /** 'full' (default): a committed record survives power loss. 'normal': survives a process crash. */
  synchronous?: Durability;
  /** Size budget of the database's used pages in bytes; 0/undefined = no budget. */
  budgetBytes?: number;
  /**
   * Longest a record waits for its group commit (ms). Default 0: committed at the end of the event
   * loop's turn that queued it (setImmediate), with every record queued in that turn.
   */
  groupCommitMs?: number;
  /** Longest an approval of the ledger waits for its commit when no record waits (ms). Default 250. */
  ledgerCommitMs?: number;
  /** Commit at once when this many records wait; also the largest transaction. Default 512. */
  groupCommitMax?: number;
  bootId: string;
  logger?: Logger;
  /** Most records held in memory while the disk refuses writes; beyond it record() rejects. Default 50,000. */
  maxQueued?: number;
  /** Retry backoff for SQLITE_FULL / I/O errors (ms). Defaults 50 and 5,000. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Approvals older than this many days are purged from the ledger (default 7). */
  approvalRetentionDays?: number;
  /** seq values reserved per write of the high-water mark `<path>.hwm` (default 10,000). */
  seqBlock?: number;
  /** PRAGMA quick_check at open (default true): catches corruption the header check misses. */
  checkOnOpen?: boolean;
  /** SQLite page cache in KiB (default 512: the agent appends and reads little; SQLite would use 2 MiB, better-sqlite3 16 MiB). */
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
  /**
   * Stores an outcome change as the record's next version (version+1, the terminal's next seq,
   * unsynced again), durably like record(); updates of one id apply in call order. Null when the
   * id is not in the store (purged, or never there).
   */
  update(id: string, change: OutcomeChange): Promise<FailureRecord | null>;
  /** Stores an approval in the local ledger, durably like record(). */
  recordApproval(a: NewApproval): Promise<Approval>;
  /** Approvals at or after `sinceIso` (occurred_at), oldest first. */
  recentApprovals(sinceIso: string): Approval[];
  /** One committed approval by id; undefined when it is not in the ledger (never, or purged). */
  approvalById(id: string): Approval | undefined;
  /** Failures at or after `sinceIso` whose outcome can still change, oldest first. */
  openFailures(sinceIso: string): OpenFailure[];
  /** Unsynced records in seq order with seq > afterSeq (default 0), optionally of one terminal. */
  unsynced(limit: number, afterSeq?: number, terminal?: string): FailureRecord[];
  /**
   * Like unsynced(), but each record comes as its JSON text (built by SQLite's json_object, keys in
   * record order, synced_at null): the sync path publishes it without making a JS object per row.
   */
  unsyncedJson(limit: number, afterSeq?: number, terminal?: string): UnsyncedJson[];
  /**
   * Marks records synced, each as the version that was sent (its id and seq: an update commits
   * the record under a new seq, and that version stays unsynced until it is sent itself); only
   * rows still unsynced change. Returns how many changed.
   */
  markSynced(sent: ReadonlyArray<{ id: string; seq: number }>, atIso: string): number;
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
