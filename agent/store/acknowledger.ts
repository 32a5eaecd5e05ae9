/**
 * The acknowledger: hands committed records to their callers once they are durable. In 'normal'
 * mode a COMMIT is enough and records are handed over at once. In 'full' mode the store fdatasyncs
 * the WAL file in libuv's thread pool (the event loop goes on reading frames meanwhile) and hands
 * over only the records committed before that flush started; commits made during a flush share the
 * next one. Until then a row is hidden from the sync (visible()): the fleet never sees a record a
 * power cut could still take back, whose seq would then be reused.
 *
 * A failed flush is not retried: Linux reports a writeback error once and may already have marked
 * the pages clean, so a second fdatasync would prove nothing. Instead, after a backoff, a PASSIVE
 * checkpoint copies every committed page from the WAL into the database file (fresh writes) and
 * fsyncs it; once it completes, every record committed so far is durable and is handed over.
 */
import { closeSync, constants, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { backoffDelay } from '../../protocol/retry/backoff.js';
import type { Alarms } from './alarms.js';
import { sqliteCode, StoreError } from './errors.js';
import type { FailureRecord } from '../record.js';
import type { Ledger, Pending, Stored } from './pending.js';
import type { FlushWal } from './types.js';

export interface Acknowledger {
  /** Takes a record SQLite has committed (or refused); kick() hands it over. */
  take(p: Pending, outcome: Stored | StoreError): void;
  /** Hands over what was taken: at once, or after the next flush ('full'). */
  kick(): void;
  /** Rows as the sync may see them: up to (not including) the first one whose flush is pending. */
  visible<T extends { id: string }>(rows: T[]): T[];
  /** Records taken and not yet handed over. */
  readonly waiting: number;
  /** Waits for a flush in flight, flushes (or checkpoints) the rest, rejects what cannot be confirmed. */
  close(): Promise<void>;
}

interface AckDeps {
  db: Database.Database;
  path: string;
  ledger: Ledger;
  alarms: Alarms;
  log: Logger;
  retry: { minMs: number; maxMs: number };
  flushWal?: FlushWal;
}

/**
 * A committed row the sync could read: a record or its new version. An approval of the ledger is
 * never in the outbox, so it is not hidden: hiding it was a map entry made and dropped for every
 * approved sale, the map's tables reallocated again and again (garbage in the old generation).
 */
function isOutboxRow(p: Pending, outcome: Stored | StoreError | undefined): outcome is FailureRecord {
  return p.job.kind !== 'approval' && !(outcome instanceof StoreError) && !!outcome;
}

/** 'normal' mode: a COMMIT is the acknowledgement. */
export function immediateAcknowledger(ledger: Ledger): Acknowledger {
  return {
    take(p, outcome) {
      p.outcome = outcome;
      ledger.deliver(p);
    },
    kick() {},
    visible: (rows) => rows,
    waiting: 0,
    close: () => Promise.resolve(),
  };
}

/**
 * The WAL file's descriptor for the store's own flushes. SQLite keeps the WAL file (same inode)
 * while a connection is open, so one descriptor serves the store's whole life. The directory is
 * flushed once, so a freshly created database and WAL keep their names on power loss.
 */
function openWal(path: string, log: Logger): number {
  let fd: number;
  try {
    fd = openSync(`${path}-wal`, constants.O_RDONLY | constants.O_CREAT, 0o600);
  } catch (e) {
    const msg = `cannot open the WAL of ${path} for flushing: ${(e as Error).message}`;
    throw new StoreError('E_STORE_OPEN', msg, { cause: e });
  }
  try {
    const dirFd = openSync(dirname(path), constants.O_RDONLY);
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch (e) {
    // some platforms cannot open or flush a directory; the records' own flushes still hold
    const errno = (e as NodeJS.ErrnoException).code;
    log.warn({ event: 'store_dir_flush_failed', errno }, 'could not flush the database directory');
  }
  return fd;
}

/** 'full' mode: records are handed over after an fdatasync of the WAL (see the header). */
export function walAcknowledger(d: AckDeps): Acknowledger {
  const { db, ledger, alarms, log } = d;
  const fd = openWal(d.path, log);
  const flushWal = d.flushWal ?? fdatasync;
  let taken: Pending[] = []; // in commit order; refused ones wait their turn too, so settling stays FIFO
  // committed rows the sync must not see yet, by id, with how many of their writes wait (a record
  // and its update can wait for the same flush)
  const hidden = new Map<string, number>();
  const hide = (id: string) => hidden.set(id, (hidden.get(id) ?? 0) + 1);
  const unhide = (id: string) => {
    const n = (hidden.get(id) ?? 0) - 1;
    if (n > 0) hidden.set(id, n);
    else hidden.delete(id);
  };
  let flushing = false;
  let recovery: NodeJS.Timeout | null = null;
  let attempt = 0; // failed flushes (and checkpoints) since the last success
  let closed = false;
  const idle: Array<() => void> = []; // close() waits here for a flush in flight

  function takeAll(): Pending[] {
    const batch = taken;
    taken = [];
    return batch;
  }

  function handOver(batch: Pending[]): void {
    for (const p of batch) {
      if (isOutboxRow(p, p.outcome)) unhide(p.outcome.id);
      ledger.deliver(p);
    }
  }

  function kick(): void {
    if (flushing || recovery || closed || taken.length === 0) return; // close() flushes the rest itself
    flushing = true;
    const batch = takeAll();
    flushWal(fd, (err) => {
      flushing = false;
      if (err) {
        taken = batch.concat(taken); // nothing is handed over: the records go back in front
        failed(err.code ?? err.message);
      } else {
        handOver(batch);
        kick();
      }
      for (const w of idle.splice(0)) w();
    });
  }

  function failed(reason: string): void {
    const delay = backoffDelay(attempt++, d.retry.minMs, d.retry.maxMs);
    alarms.set('store_io_error', 'wal_flush', true, {
      errno: reason,
      op: 'wal_flush',
      waiting: taken.length,
    });
    log.warn(
      { event: 'store_flush_retry', code: 'store_io_error', errno: reason, attempt, delay_ms: delay },
      'WAL flush failed; records stay unacknowledged until a checkpoint rewrites them',
    );
    if (closed) return;
    recovery = setTimeout(() => {
      recovery = null;
      if (recoverByCheckpoint()) kick();
    }, delay);
  }

  /** Runs on the event loop, but only on this error path. */
  function recoverByCheckpoint(): boolean {
    let reason: string;
    try {
      type Row = { busy: number; log: number; checkpointed: number };
      const row = (db.pragma('wal_checkpoint(PASSIVE)') as Row[])[0];
      if (row && row.busy === 0 && row.checkpointed === row.log) {
        log.info(
          { event: 'store_flush_recovered', attempts: attempt, method: 'checkpoint', frames: row.log },
          'committed records are on disk again (checkpoint)',
        );
        attempt = 0;
        alarms.set('store_io_error', 'wal_flush', false);
        handOver(takeAll());
        return true;
      }
      reason = `checkpoint incomplete (busy ${row?.busy}, ${row?.checkpointed} of ${row?.log} frames)`;
    } catch (e) {
      reason = sqliteCode(e) || (e as Error).message;
    }
    failed(reason);
    return false;
  }

  return {
    take(p, outcome) {
      p.outcome = outcome;
      taken.push(p);
      if (isOutboxRow(p, outcome)) hide(outcome.id);
    },
    kick,
    visible(rows) {
      if (hidden.size === 0) return rows;
      for (let i = 0; i < rows.length; i++)
        if (hidden.has((rows[i] as { id: string }).id)) return rows.slice(0, i);
      return rows;
    },
    get waiting() {
      return taken.length;
    },
    async close() {
      closed = true;
      while (flushing) await new Promise<void>((r) => idle.push(r));
      if (recovery) clearTimeout(recovery);
      recovery = null;
      // one last flush, unless an earlier one failed; after a failure, one checkpoint instead
      if (taken.length > 0 && attempt === 0) {
        const err = await new Promise<NodeJS.ErrnoException | null>((r) => flushWal(fd, r));
        if (err) failed(err.code ?? err.message);
        else handOver(takeAll());
      }
      if (taken.length > 0) recoverByCheckpoint();
      if (taken.length > 0) {
        log.error(
          { event: 'store_closed_unflushed', code: 'E_STORE_CLOSED', unflushed: taken.length },
          'store closed with committed records it could not confirm on disk; they were never acknowledged',
        );
        for (const p of takeAll()) ledger.refuse(p, 'store closed before the record was confirmed on disk');
      }
      closeSync(fd);
    },
  };
}
