/**
 * The read side of what the outcome matcher needs: after a restart, the approvals of the local
 * ledger and the failures whose outcome can still change, both since a time, oldest first; while
 * running, one approval by id (a possible twin the keeper's window found). Card
 * keys are stored as bytes (schema.ts v4) and read back as the hex the pipeline uses. Written by
 * the committer (writes.ts); purged by age in budget.ts.
 */
import type Database from 'better-sqlite3';
import { FINAL_OUTCOMES } from '../record.js';
import { APPROVAL_COLUMNS } from './schema.js';
import type { Approval, FailureStore, OpenFailure } from './types.js';

export type LedgerReads = Pick<FailureStore, 'recentApprovals' | 'approvalById' | 'openFailures'>;

const OPEN_COLUMNS = [
  'id',
  'occurred_at',
  'terminal_id',
  'outcome',
  'card_key',
  'amount_minor',
  'currency',
  'stan',
  'mti',
  'linked_id',
] as const satisfies readonly (keyof OpenFailure)[];

function hexKeys<T extends { card_key: unknown }>(rows: T[]): T[] {
  for (const r of rows) r.card_key = r.card_key instanceof Buffer ? r.card_key.toString('hex') : null;
  return rows;
}

export function createLedgerReads(db: Database.Database): LedgerReads {
  const approvalsStmt = db.prepare(
    `SELECT ${APPROVAL_COLUMNS.join(', ')} FROM approvals WHERE occurred_at >= ? ORDER BY occurred_at, id`,
  );
  const byIdStmt = db.prepare(`SELECT ${APPROVAL_COLUMNS.join(', ')} FROM approvals WHERE id = ?`);
  const openStmt = db.prepare(
    `SELECT ${OPEN_COLUMNS.join(', ')} FROM failures
     WHERE occurred_at >= ? AND outcome NOT IN (${FINAL_OUTCOMES.map(() => '?').join(', ')})
     ORDER BY occurred_at, id`,
  );
  return {
    recentApprovals: (sinceIso) => hexKeys(approvalsStmt.all(sinceIso) as Approval[]),
    approvalById: (id) => {
      const row = byIdStmt.get(id) as Approval | undefined;
      return row && hexKeys([row])[0];
    },
    openFailures: (sinceIso) => hexKeys(openStmt.all(sinceIso, ...FINAL_OUTCOMES) as OpenFailure[]),
  };
}
