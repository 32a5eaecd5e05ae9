/**
 * What each queued job writes inside the committer's transaction (committer.ts), by named
 * parameters:
 * - record: a new failure row at version 1 with the terminal's next seq (linked_id if given); its card key goes to the
 *   local card_key column as bytes and never into the record handed back;
 * - update: an outcome change as the record's next version: version+1, outcome, outcome_at,
 *   linked_id and recovered_by set (an omitted linked_id/recovered_by keeps the stored one), the
 *   terminal's next seq and synced_at NULL, so the outbox sends it again in seq order; null when
 *   the id is not in the store;
 * - approval: a row of the approval ledger (local only).
 * The in-memory counts change only after COMMIT: each job adds its share to a Delta the committer
 * applies then (a rolled-back batch changes nothing).
 */
import type Database from 'better-sqlite3';
import type { Category, FailureRecord } from '../record.js';
import type { Job, Stored } from './pending.js';
import { APPROVAL_COLUMNS, RECORD_COLUMNS } from './schema.js';
import type { SeqAllocator } from './seq.js';
import type { Tally } from './types.js';

export type Delta = Tally;

export const emptyDelta = (): Delta => ({ outboxDepth: 0, total: 0, counts: {} });

export interface Writer {
  /** Writes one job (inside the caller's transaction); `next` holds the batch's last seq values. */
  apply(job: Job, next: Map<string, number>, delta: Delta): Stored;
}

/**
 * An INSERT binding each column by name from the row object, except card_key, bound by position as
 * its bytes: `run(cardKeyBytes(row.card_key), row)` stores the row as it is, no copy made for it.
 */
export const insertSql = (table: string, cols: readonly string[]) =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => (c === 'card_key' ? '?' : `@${c}`)).join(', ')})`;

/** A hex card key as the bytes stored in a card_key column. */
export const cardKeyBytes = (hex: string | null | undefined): Buffer | null =>
  hex ? Buffer.from(hex, 'hex') : null;

export function createWriter(db: Database.Database, bootId: string, seq: SeqAllocator): Writer {
  const insertFailure = db.prepare(insertSql('failures', [...RECORD_COLUMNS, 'card_key']));
  const insertApproval = db.prepare(insertSql('approvals', APPROVAL_COLUMNS));
  const current = db.prepare(`SELECT ${RECORD_COLUMNS.join(', ')} FROM failures WHERE id = ?`);
  const updateStmt = db.prepare(
    `UPDATE failures SET seq = @seq, version = @version, outcome = @outcome, outcome_at = @outcome_at,
       linked_id = @linked_id, recovered_by = @recovered_by, synced_at = NULL WHERE id = @id`,
  );

  function record(
    id: string,
    job: Extract<Job, { kind: 'record' }>,
    next: Map<string, number>,
    delta: Delta,
  ) {
    const { card_key, outcome, linked_id, ...f } = job.f;
    const rec: FailureRecord = {
      id,
      seq: seq.take(f.terminal_id, next),
      boot_id: bootId,
      ...f,
      version: 1,
      outcome,
      outcome_at: null,
      linked_id: linked_id ?? null,
      recovered_by: null,
      synced_at: null,
    };
    insertFailure.run(cardKeyBytes(card_key), rec);
    delta.outboxDepth++;
    delta.total++;
    const c: Category = rec.category;
    delta.counts[c] = (delta.counts[c] ?? 0) + 1;
    return rec;
  }

  function update(job: Extract<Job, { kind: 'update' }>, next: Map<string, number>, delta: Delta) {
    const was = current.get(job.id) as FailureRecord | undefined;
    if (was === undefined) return null;
    const ch = job.change;
    const rec: FailureRecord = {
      ...was,
      seq: seq.take(was.terminal_id, next),
      version: was.version + 1,
      outcome: ch.outcome,
      outcome_at: ch.at,
      linked_id: ch.linked_id === undefined ? was.linked_id : ch.linked_id,
      recovered_by: ch.recovered_by === undefined ? was.recovered_by : ch.recovered_by,
      synced_at: null,
    };
    updateStmt.run(rec);
    if (was.synced_at !== null) delta.outboxDepth++; // back in the outbox
    return rec;
  }

  return {
    apply(job, next, delta) {
      switch (job.kind) {
        case 'record':
          return record(job.id, job, next, delta);
        case 'update':
          return update(job, next, delta);
        case 'approval':
          insertApproval.run(cardKeyBytes(job.a.card_key), job.a);
          return job.a;
      }
    },
  };
}
