/**
 * The committer: queue → SQLite. One schedule decides when the queue is written: a group commit
 * within groupCommitMs of the first failure record or outcome change (0, the default: at the end
 * of the event loop's turn, with whatever else that turn queued), within ledgerMs when only
 * approvals wait (an approval matters for what later sales tell, not for the cashier: committing
 * each one at once would cost a commit and a WAL flush per sale), at once
 * (setImmediate) when groupCommitMax jobs wait, or a retry after a backoff while the disk refuses
 * writes. One transaction writes up to groupCommitMax jobs (new
 * records, outcome changes, approvals: writes.ts says what each writes, seq from seq.ts) in queue
 * order and hands each result to the acknowledger.
 * - SQLITE_FULL (alarm 'disk_full') and I/O or busy errors (alarm 'store_io_error') keep the batch
 *   queued in memory and retry with backoff (protocol/retry/backoff.ts).
 * - Any other error (e.g. a constraint) commits the batch's rows one by one, so only the bad ones
 *   are refused (E_STORE_WRITE), loudly. Should the disk refuse one of those single writes (full,
 *   I/O, busy), it and the rest of the batch stay queued for the retry, as a whole batch would.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { backoffDelay } from '../../protocol/retry/backoff.js';
import type { Acknowledger } from './acknowledger.js';
import type { Alarms } from './alarms.js';
import type { Budget } from './budget.js';
import type { Checkpointer } from './checkpointer.js';
import { RETRYABLE, sqliteCode, StoreError } from './errors.js';
import type { Pending, Stored } from './pending.js';
import type { SeqAllocator } from './seq.js';
import type { Tally } from './types.js';
import { createWriter, type Delta, emptyDelta } from './writes.js';

export interface Committer {
  add(p: Pending): void;
  /** Records queued and not yet committed. */
  readonly queued: number;
  /** Commits soon (at once, unless a retry waits for the disk). */
  hurry(): void;
  /** At close: commits what waits, batch by batch, while the disk takes it; no more schedules. */
  drain(): void;
  /** Takes the records that could not be committed (at close). */
  takeQueued(): Pending[];
}

interface CommitterDeps {
  db: Database.Database;
  bootId: string;
  groupMs: number;
  /** Longest an approval of the ledger waits when no record or change waits with it. */
  ledgerMs: number;
  groupMax: number;
  retry: { minMs: number; maxMs: number };
  seq: SeqAllocator;
  ack: Acknowledger;
  budget: Budget;
  checkpoints: Checkpointer;
  tally: Tally;
  alarms: Alarms;
  log: Logger;
}

export function createCommitter(d: CommitterDeps): Committer {
  const { seq, ack, tally, alarms, log, groupMax } = d;
  const writer = createWriter(d.db, d.bootId, seq);
  const insertBatch = d.db.transaction((batch: Pending[], out: Stored[], delta: Delta) => {
    const next = new Map<string, number>();
    for (const p of batch) out.push(writer.apply(p.job, next, delta));
    seq.persist(next);
    return next;
  });

  let queue: Pending[] = [];
  /** Records and outcome changes in the queue: they set the group-commit clock, approvals do not. */
  let urgent = 0;
  let due: 'group' | 'ledger' | 'now' | 'retry' | null = null; // the one schedule
  let handle: NodeJS.Timeout | NodeJS.Immediate | null = null;
  let attempt = 0; // failed writes since the last success
  let stopped = false;

  function arm(kind: 'group' | 'ledger' | 'now' | 'retry', ms = 0): void {
    cancel();
    due = kind;
    handle = kind === 'now' ? setImmediate(fire) : setTimeout(fire, ms);
  }
  function cancel(): void {
    if (due === 'now') clearImmediate(handle as NodeJS.Immediate);
    else if (due) clearTimeout(handle as NodeJS.Timeout);
    due = handle = null;
  }
  function fire(): void {
    due = handle = null;
    commitBatch();
  }
  function schedule(): void {
    if (stopped || due === 'retry' || due === 'now' || queue.length === 0) return;
    if (queue.length >= groupMax) arm('now');
    else if (urgent > 0) {
      // 0: at the end of this turn of the event loop, right after the frame that made the record
      // (its screen is up), in the gap before the next one; a timer would fire at some later moment
      // and hold up whichever frame arrives then
      if (d.groupMs === 0) arm('now');
      else if (due !== 'group') arm('group', d.groupMs);
    } else if (!due) arm('ledger', d.ledgerMs);
  }

  /** The queue after `n` jobs left its head. */
  function dropHead(n: number): void {
    for (let i = 0; i < n; i++) if ((queue[i] as Pending).job.kind !== 'approval') urgent--;
    queue = n >= queue.length ? [] : queue.slice(n);
  }

  /** Writes one batch; the acknowledger gets each result (or its refusal) in queue order. */
  function write(batch: Pending[]): void {
    const out: Stored[] = [];
    const delta = emptyDelta();
    seq.commit(insertBatch(batch, out, delta));
    tally.outboxDepth += delta.outboxDepth;
    tally.total += delta.total;
    for (const [c, n] of Object.entries(delta.counts) as Array<[keyof Tally['counts'], number]>)
      tally.counts[c] = (tally.counts[c] ?? 0) + n;
    for (let i = 0; i < out.length; i++) ack.take(batch[i] as Pending, out[i] as Stored);
  }

  /** Commits one batch from the head of the queue; false when the disk refused it (retry armed). */
  function commitBatch(): boolean {
    if (queue.length === 0) return false;
    const batch = queue.length <= groupMax ? queue : queue.slice(0, groupMax);
    let done = batch.length;
    let refusedBy: unknown = null; // the disk's error that stopped the one-by-one writes
    try {
      write(batch);
    } catch (e) {
      if (RETRYABLE.test(sqliteCode(e))) {
        retryLater(e);
        return false;
      }
      ({ done, refusedBy } = isolate(e, batch));
    }
    dropHead(done);
    if (done > 0) {
      d.checkpoints.wrote();
      ack.kick();
    }
    if (done < batch.length) {
      retryLater(refusedBy); // the rest stays queued
      return false;
    }
    if (attempt > 0) {
      log.info(
        { event: 'store_write_recovered', attempts: attempt, committed: batch.length },
        'store writes again',
      );
      attempt = 0;
    }
    alarms.set('disk_full', 'write', false);
    alarms.set('store_io_error', 'write', false);
    d.budget.enforce();
    schedule();
    return true;
  }

  function retryLater(e: unknown): void {
    const code = sqliteCode(e);
    const alarm = code.startsWith('SQLITE_FULL') ? 'disk_full' : 'store_io_error';
    alarms.set(alarm, 'write', true, { sqlite: code, queued: queue.length });
    if (alarm === 'disk_full') d.budget.purge(Math.max(groupMax, 1000)); // make room if synced rows exist
    const delay = backoffDelay(attempt++, d.retry.minMs, d.retry.maxMs);
    log.warn(
      {
        event: 'store_write_retry',
        code: alarm,
        sqlite: code,
        attempt,
        delay_ms: delay,
        queued: queue.length,
      },
      'store write failed; records kept in memory, retrying',
    );
    if (!stopped) arm('retry', delay);
  }

  /**
   * A batch refused for a reason retrying cannot fix: row by row, so only the bad ones fail. Returns
   * how many jobs of the batch are settled (written or refused): fewer than all when the disk
   * refused a single write (`refusedBy`), whose job and the rest then wait for a retry.
   */
  function isolate(e: unknown, batch: Pending[]): { done: number; refusedBy: unknown } {
    log.error(
      { event: 'store_write_failed', sqlite: sqliteCode(e), err: e, batch: batch.length },
      'batch refused; isolating',
    );
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as Pending;
      try {
        write([p]);
      } catch (e2) {
        if (RETRYABLE.test(sqliteCode(e2))) return { done: i, refusedBy: e2 };
        log.error(
          {
            event: 'store_record_rejected',
            code: 'E_STORE_WRITE',
            sqlite: sqliteCode(e2),
            id: p.job.id,
            job: p.job.kind,
          },
          'record refused',
        );
        const msg = `${p.job.kind} ${p.job.id} refused: ${(e2 as Error).message}`;
        ack.take(p, new StoreError('E_STORE_WRITE', msg, { cause: e2 }));
      }
    }
    return { done: batch.length, refusedBy: null };
  }

  return {
    add(p) {
      queue.push(p);
      if (p.job.kind !== 'approval') urgent++;
      schedule();
    },
    get queued() {
      return queue.length;
    },
    hurry() {
      if (!stopped && due !== 'retry' && due !== 'now') arm('now');
    },
    drain() {
      cancel();
      let more = true;
      while (more) more = commitBatch(); // each success shortens the queue: this ends
      stopped = true;
      cancel();
    },
    takeQueued() {
      const rest = queue;
      dropHead(queue.length);
      return rest;
    },
  };
}
