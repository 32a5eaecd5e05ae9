/**
 * A write on its way through the store (queued, committed, flushed, handed to its caller), and the
 * ledger that hands it over: writes are settled (resolved or rejected) in the order they were
 * queued, so flush() only has to compare two counters. A write is a job: a new record, an outcome
 * change of a stored one (its next version), or an approval for the approval ledger.
 */
import type { FailureRecord } from '../record.js';
import { StoreError } from './errors.js';
import type { Approval, NewFailure, OutcomeChange } from './types.js';

export type Job =
  | { kind: 'record'; id: string; f: NewFailure }
  | { kind: 'update'; id: string; change: OutcomeChange }
  | { kind: 'approval'; id: string; a: Approval };

/** What a committed job made: the record (new or its new version), the approval, or null (update of an unknown id). */
export type Stored = FailureRecord | Approval | null;

export interface Pending {
  job: Job;
  resolve: (r: Stored) => void;
  reject: (e: Error) => void;
  /** Set once SQLite has taken (or refused) the job; handed to the caller after the flush. */
  outcome: Stored | StoreError | undefined;
}

export class Ledger {
  /** Records ever queued. */
  enqueued = 0;
  /** Records ever resolved or rejected (FIFO: commits and flushes keep queue order). */
  private settled = 0;
  private waiters: Array<{ upTo: number; resolve: () => void }> = [];

  /** Hands over what SQLite made of the job (its row, null, or the error that refused it). */
  deliver(p: Pending): void {
    if (p.outcome instanceof StoreError || p.outcome === undefined)
      p.reject(p.outcome ?? new StoreError('E_STORE_CLOSED', 'record was never committed'));
    else p.resolve(p.outcome);
    this.settle();
  }

  /** Records given up on by refuse() (at close: never written). */
  refused = 0;

  /** Rejects a record the store gives up on (a refused one with its own error). */
  refuse(p: Pending, message: string): void {
    this.refused++;
    p.reject(p.outcome instanceof StoreError ? p.outcome : new StoreError('E_STORE_CLOSED', message));
    this.settle();
  }

  /** Resolves once every record queued so far is settled; null when they all are. */
  whenSettled(): Promise<void> | null {
    if (this.enqueued === this.settled) return null;
    return new Promise((resolve) => this.waiters.push({ upTo: this.enqueued, resolve }));
  }

  /** At close: nothing is left to wait for. */
  releaseAll(): void {
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private settle(): void {
    this.settled++;
    // waiters come in rising upTo order: the ones done are at the front
    for (let w = this.waiters[0]; w && w.upTo <= this.settled; w = this.waiters[0]) {
      this.waiters.shift();
      w.resolve();
    }
  }
}
