/**
 * The read side: the outbox (rows with synced_at IS NULL) in seq order, as rows or as JSON text
 * built by SQLite, only as far as the acknowledger lets the sync see; marking rows synced; stats.
 */
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { FailureRecord } from '../record.js';
import type { Acknowledger } from './acknowledger.js';
import type { Checkpointer } from './checkpointer.js';
import type { Budget } from './budget.js';
import { RECORD_COLUMNS } from './schema.js';
import type { FailureStore, Tally, UnsyncedJson } from './types.js';

export type Outbox = Pick<FailureStore, 'unsynced' | 'unsyncedJson' | 'markSynced' | 'stats'>;

export function createOutbox(
  db: Database.Database,
  path: string,
  tally: Tally,
  ack: Acknowledger,
  budget: Budget,
  checkpoints: Checkpointer,
): Outbox {
  const outbox = (what: string, term: boolean) =>
    db.prepare(
      `SELECT ${what} FROM failures WHERE synced_at IS NULL AND seq > ?${term ? ' AND terminal_id = ?' : ''} ORDER BY seq LIMIT ?`,
    );
  const json = `id, seq, json_object(${RECORD_COLUMNS.map((c) => `'${c}', ${c}`).join(', ')}) AS json`;
  const rowsStmt = outbox(RECORD_COLUMNS.join(', '), false);
  const rowsTermStmt = outbox(RECORD_COLUMNS.join(', '), true);
  const jsonStmt = outbox(json, false);
  const jsonTermStmt = outbox(json, true);
  const markStmt = db.prepare(
    'UPDATE failures SET synced_at = ? WHERE id = ? AND seq = ? AND synced_at IS NULL',
  );
  const oldestStmt = db
    .prepare('SELECT occurred_at FROM failures WHERE synced_at IS NULL ORDER BY seq LIMIT 1')
    .pluck();
  const markAll = db.transaction((sent: ReadonlyArray<{ id: string; seq: number }>, atIso: string) => {
    let n = 0;
    for (const r of sent) n += markStmt.run(atIso, r.id, r.seq).changes;
    return n;
  });
  const all = (stmt: Database.Statement, termStmt: Database.Statement, a: number, l: number, t?: string) =>
    t === undefined ? stmt.all(a, l) : termStmt.all(a, t, l);

  return {
    unsynced: (limit, afterSeq = 0, terminal) =>
      ack.visible(all(rowsStmt, rowsTermStmt, afterSeq, limit, terminal) as FailureRecord[]),
    unsyncedJson: (limit, afterSeq = 0, terminal) =>
      ack.visible(all(jsonStmt, jsonTermStmt, afterSeq, limit, terminal) as UnsyncedJson[]),
    markSynced(sent, atIso) {
      if (sent.length === 0) return 0;
      const changed = markAll(sent, atIso);
      tally.outboxDepth -= changed;
      checkpoints.wrote();
      budget.enforce();
      return changed;
    },
    stats() {
      let dbBytes = budget.fileBytes();
      try {
        dbBytes += statSync(`${path}-wal`).size;
      } catch {
        /* no WAL file right now */
      }
      const oldestUnsyncedAt = (oldestStmt.get() as string | undefined) ?? null;
      return { outboxDepth: tally.outboxDepth, oldestUnsyncedAt, dbBytes, total: tally.total };
    },
  };
}
