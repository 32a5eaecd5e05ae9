/**
 * The size budget: after commits and acks, synced rows are purged oldest first until the used
 * pages are under 90% of budgetBytes; unsynced rows are never purged (alarm
 * 'store_budget_exceeded' instead). purge() also makes room when the disk is full.
 * The approval ledger's retention: approvals older than the retention (days) are deleted, and the
 * card keys of failures as old are cleared (they only match failures with approvals), at most
 * once a minute (from enforce(), so after commits and acks) and at open.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import type { Alarms } from './alarms.js';
import { sqliteCode } from './errors.js';
import type { Tally } from './types.js';

export interface Budget {
  /** Purges synced rows if the database is over budget; raises or clears the alarm. */
  enforce(): void;
  /** Deletes up to n synced rows, oldest first; returns how many. */
  purge(n: number): number;
  /** Size of the database file's pages in bytes (used and free). */
  fileBytes(): number;
  /** Deletes approvals older than the retention; returns how many. */
  expireApprovals(nowMs?: number): number;
}

/** Longest time between two retention passes over the approval ledger. */
const EXPIRE_EVERY_MS = 60_000;

export function createBudget(
  db: Database.Database,
  budget: number,
  tally: Tally,
  alarms: Alarms,
  log: Logger,
  approvalRetentionDays = 7,
): Budget {
  const expireStmt = db.prepare('DELETE FROM approvals WHERE occurred_at < ?');
  // a failure's card key serves only to match it with approvals of the ledger: it goes with them
  const forgetKeysStmt = db.prepare(
    'UPDATE failures SET card_key = NULL WHERE occurred_at < ? AND card_key IS NOT NULL',
  );
  let expiredAt = -Infinity;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pageCountStmt = db.prepare('PRAGMA page_count').pluck();
  const freelistStmt = db.prepare('PRAGMA freelist_count').pluck();
  const purgeStmt = db.prepare(
    'DELETE FROM failures WHERE rowid IN (SELECT rowid FROM failures WHERE synced_at IS NOT NULL ORDER BY rowid LIMIT ?)',
  );
  const usedBytes = () => ((pageCountStmt.get() as number) - (freelistStmt.get() as number)) * pageSize;

  function purge(n: number): number {
    try {
      const changes = purgeStmt.run(n).changes;
      tally.total -= changes;
      return changes;
    } catch (e) {
      log.warn({ event: 'store_purge_failed', sqlite: sqliteCode(e) }, 'purge of synced rows failed');
      return 0;
    }
  }

  function expireApprovals(nowMs = Date.now()): number {
    expiredAt = nowMs;
    const before = new Date(nowMs - approvalRetentionDays * 86_400_000).toISOString();
    try {
      const n = expireStmt.run(before).changes;
      const keys = forgetKeysStmt.run(before).changes;
      if (n > 0 || keys > 0)
        log.info(
          { event: 'approvals_purged', rows: n, card_keys: keys, before },
          "purged approvals and failures' card keys past their retention",
        );
      return n;
    } catch (e) {
      log.warn({ event: 'store_purge_failed', sqlite: sqliteCode(e) }, 'purge of old approvals failed');
      return 0;
    }
  }

  function enforce(): void {
    if (Date.now() - expiredAt >= EXPIRE_EVERY_MS) expireApprovals();
    if (!budget) return;
    let used = usedBytes();
    const detail = { used_bytes: used, budget_bytes: budget };
    if (used <= budget) return alarms.set('store_budget_exceeded', 'budget', false, detail);
    const target = Math.floor(budget * 0.9);
    let purged = 0;
    while (used > target) {
      const perRow = tally.total > 0 ? Math.max(64, used / tally.total) : 256;
      const n = purge(Math.max(100, Math.ceil((used - target) / perRow)));
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
    alarms.set('store_budget_exceeded', 'budget', used > budget, {
      used_bytes: used,
      budget_bytes: budget,
      outbox_depth: tally.outboxDepth,
    });
  }

  return { enforce, purge, expireApprovals, fileBytes: () => (pageCountStmt.get() as number) * pageSize };
}
