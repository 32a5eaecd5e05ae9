/**
 * The durable failure store: one SQLite file (better-sqlite3, WAL) holding every failure record;
 * the outbox is the set of rows with synced_at IS NULL. See docs/store-sync.md. openStore() wires
 * parts that each have one job:
 *
 * - open.ts: the open path. The database (and so its -wal and -shm) is created 0600 before SQLite
 *   opens it; a file the agent did not create is refused (E_STORE_FOREIGN), never renamed away; a
 *   database of ours that is missing, emptied, corrupt or unreadable is moved aside and recreated
 *   (alarm 'db_recreated') and its readable rows salvaged (salvage.ts). connection.ts sets WAL and
 *   synchronous=NORMAL on every open and reads them back (a mismatch throws), so a COMMIT is a few
 *   write() calls that do not wait for the disk.
 * - intake.ts: record(), update() and recordApproval() mask, check and copy their input before it
 *   is queued.
 * - committer.ts: group commit. One transaction commits the queue (new records, outcome changes,
 *   approvals: writes.ts) within groupCommitMs or as soon as groupCommitMax jobs wait; seq (seq.ts: per terminal, no gaps, never reused, guarded by the
 *   high-water mark `<db>.hwm`) is assigned inside it. SQLITE_FULL and I/O errors keep the batch
 *   queued and retry with backoff.
 * - acknowledger.ts: when a committed record is handed to its caller. 'full' mode (the default):
 *   after an fdatasync of the WAL in libuv's thread pool, so an acknowledged record survives power
 *   loss while the event loop goes on; a failed flush is recovered by a checkpoint, never retried.
 *   'normal' mode: at COMMIT (survives a process crash). Until then the sync does not see the row.
 * - checkpointer.ts: the WAL is copied back into the database file after a quiet second, or at once
 *   past 32 MiB, never inside whichever COMMIT crosses SQLite's own threshold (a stall of the
 *   event loop with frames arriving).
 * - budget.ts: synced rows are purged oldest first to stay under budgetBytes; unsynced rows never;
 *   approvals past their retention.
 * - outbox.ts: the read side (unsynced rows, markSynced, stats); approvals.ts: the approval ledger
 *   and the open failures for the outcome matcher. alarms.ts: the one alarm set.
 */
import type { FailureRecord } from '../record.js';
import { createLedgerReads } from './approvals.js';
import { silentLogger } from '../log.js';
import { type Acknowledger, immediateAcknowledger, walAcknowledger } from './acknowledger.js';
import { createAlarms } from './alarms.js';
import { createBudget } from './budget.js';
import {
  CHECKPOINT_HARD_BYTES,
  CHECKPOINT_QUIET_MS,
  CHECKPOINT_SOFT_BYTES,
  checkpointPragmas,
  createCheckpointer,
} from './checkpointer.js';
import { createCommitter } from './committer.js';
import { StoreError } from './errors.js';
import { writeHighWater, HWM_BLOCK } from './high-water.js';
import { admit, admitApproval, admitChange } from './intake.js';
import { openDatabase } from './open.js';
import { createOutbox } from './outbox.js';
import { type Job, Ledger, type Stored } from './pending.js';
import { DEFAULT_CACHE_KIB } from './connection.js';
import { createSeqAllocator } from './seq.js';
import type { Approval, Durability, FailureStore, StoreOptions, Tally } from './types.js';
import { monotonicUlid } from './ulid.js';

export function openStore(opts: StoreOptions): FailureStore {
  const log = opts.logger ?? silentLogger();
  const durability: Durability = opts.synchronous ?? 'full';
  if (durability !== 'full' && durability !== 'normal') {
    throw new StoreError(
      'E_STORE_DURABILITY',
      `synchronous must be 'full' or 'normal', got '${String(durability)}'`,
    );
  }
  const groupMax = Math.max(1, opts.groupCommitMax ?? 512);
  const maxQueued = Math.max(groupMax, opts.maxQueued ?? 50_000);
  const retryMin = Math.max(1, opts.retryMinMs ?? 50);
  const retry = { minMs: retryMin, maxMs: Math.max(retryMin, opts.retryMaxMs ?? 5_000) };
  const budgetBytes = opts.budgetBytes && opts.budgetBytes > 0 ? opts.budgetBytes : 0;
  const alarms = createAlarms(log);
  const { db, fresh, hw, movedAside } = openDatabase(opts.path, {
    checkOnOpen: opts.checkOnOpen ?? true,
    cacheKiB: opts.cacheKiB ?? DEFAULT_CACHE_KIB,
    log,
    alarms,
  });
  if (fresh)
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(
      'created_at',
      new Date().toISOString(),
    );
  log.info(
    { event: 'store_opened', path: opts.path, synchronous: durability, fresh, budget_bytes: budgetBytes },
    'failure store opened',
  );

  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  const tally: Tally = {
    outboxDepth: count('SELECT COUNT(*) FROM failures WHERE synced_at IS NULL'),
    total: count('SELECT COUNT(*) FROM failures'),
    counts: {},
  };
  const seqBlock = Math.max(1, Math.floor(opts.seqBlock ?? HWM_BLOCK));
  const seq = createSeqAllocator(db, opts.path, hw, seqBlock, log);
  const then = hw?.closed ?? null;
  if (seq.rolledBack || (then !== null && tally.total < then.records)) {
    // older than at the last clean stop: records were lost outside the agent (a copy put back, a
    // -wal removed); say how many, and seq goes on after the last one used
    const detail = {
      records_at_last_stop: then?.records ?? null,
      records_now: tally.total,
      lost_at_least: then !== null ? Math.max(0, then.records - tally.total) : null,
      last_seq_committed: seq.rolledBack?.lastSeqThen ?? null,
      last_seq_now: seq.rolledBack?.lastSeqNow ?? null,
    };
    alarms.set('db_rolled_back', 'open', true, detail);
    log.error(
      { event: 'db_rolled_back', code: 'db_rolled_back', path: opts.path, ...detail },
      'the database holds less than at the last clean stop: records were lost outside the agent',
    );
  }
  const ledger = new Ledger();
  let ack: Acknowledger;
  try {
    ack =
      durability === 'full'
        ? walAcknowledger({ db, path: opts.path, ledger, alarms, log, retry, flushWal: opts.flushWal })
        : immediateAcknowledger(ledger);
  } catch (e) {
    db.close();
    throw e;
  }
  const budget = createBudget(db, budgetBytes, tally, alarms, log, opts.approvalRetentionDays ?? 7);
  budget.expireApprovals();
  // checkpoints when the line is quiet, not inside whichever COMMIT crosses SQLite's threshold
  checkpointPragmas(db);
  const checkpoints = createCheckpointer({
    db,
    path: opts.path,
    log,
    quietMs: CHECKPOINT_QUIET_MS,
    softBytes: CHECKPOINT_SOFT_BYTES,
    hardBytes: CHECKPOINT_HARD_BYTES,
  });
  const groupMs = Math.max(0, opts.groupCommitMs ?? 0);
  const committer = createCommitter({
    db,
    bootId: opts.bootId,
    groupMs,
    ledgerMs: Math.max(groupMs, opts.ledgerCommitMs ?? 250),
    groupMax,
    retry,
    seq,
    ack,
    budget,
    checkpoints,
    tally,
    alarms,
    log,
  });
  const ulid = monotonicUlid();
  let closed = false;
  let closing: Promise<{ unwritten: number }> | null = null;

  /** Commits what waits, flushes what is committed, settles every promise, closes the file. */
  async function closeNow(): Promise<{ unwritten: number }> {
    committer.drain(); // final attempts, batch by batch, while the disk takes them
    closed = true;
    await ack.close();
    const rest = committer.takeQueued();
    if (rest.length > 0) {
      log.error(
        { event: 'store_closed_with_pending', code: 'E_STORE_CLOSED', lost_uncommitted: rest.length },
        'store closed while records still waited for the disk; they were never acknowledged',
      );
      for (const p of rest) ledger.refuse(p, 'store closed before the record was committed');
    }
    ledger.releaseAll();
    seq.close();
    checkpoints.close();
    db.close();
    try {
      // what the database holds now: if it is emptied or lost before the next start, the log can say
      const closedCounts = { records: tally.total, unsynced: tally.outboxDepth };
      writeHighWater(opts.path, { seq_ceiling: seq.ceiling, closed: closedCounts });
    } catch (e) {
      log.warn(
        { event: 'store_hwm_write_failed', reason: (e as Error).message },
        'seq high-water mark not updated at close',
      );
    }
    log.info({ event: 'store_closed', path: opts.path }, 'failure store closed');
    return { unwritten: ledger.refused };
  }

  /** Queues a checked job (or refuses it: closed, bad input, backlog full). */
  function enqueue<T extends Stored>(make: () => Job | StoreError): Promise<T> {
    if (closed) return Promise.reject(new StoreError('E_STORE_CLOSED', 'store is closed'));
    const job = make();
    if (job instanceof StoreError) return Promise.reject(job);
    const queued = committer.queued;
    if (queued + ack.waiting >= maxQueued) {
      log.error(
        { event: 'store_backlog_full', code: 'E_STORE_BACKLOG', queued, job: job.kind },
        'record refused',
      );
      const msg = `${queued} records already wait for the disk; ${job.kind} refused`;
      return Promise.reject(new StoreError('E_STORE_BACKLOG', msg));
    }
    return new Promise<T>((resolve, reject) => {
      ledger.enqueued++;
      committer.add({ job, resolve: resolve as (r: Stored) => void, reject, outcome: undefined });
    });
  }

  return {
    db,
    path: opts.path,
    durability,
    movedAside,
    record(f) {
      return enqueue<FailureRecord>(() => {
        const checked = admit(f, log);
        return checked instanceof StoreError ? checked : { kind: 'record', id: ulid(), f: checked };
      });
    },
    update(id, change) {
      return enqueue<FailureRecord | null>(() => {
        const checked = admitChange(change);
        return checked instanceof StoreError ? checked : { kind: 'update', id, change: checked };
      });
    },
    recordApproval(a) {
      return enqueue<Approval>(() => {
        const checked = admitApproval(a, log);
        if (checked instanceof StoreError) return checked;
        // the checked copy is the store's own: it becomes the ledger row and what the caller gets
        const id = ulid();
        return { kind: 'approval', id, a: Object.assign(checked, { id }) };
      });
    },
    ...createLedgerReads(db),
    ...createOutbox(db, opts.path, tally, ack, budget, checkpoints),
    alarms: () => alarms.list(),
    counts: () => ({ ...tally.counts }),
    flush(): Promise<void> {
      const settled = ledger.whenSettled();
      if (!settled) return Promise.resolve();
      committer.hurry();
      return settled;
    },
    close(): Promise<{ unwritten: number }> {
      closing ??= closeNow();
      return closing;
    },
  };
}
