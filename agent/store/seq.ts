/**
 * seq: per terminal, no gaps, never reused. Each committing transaction takes the next values
 * (take), stores the last one per terminal in `terminal_seq` (persist, inside the transaction), and
 * only after COMMIT does the in-memory last value move (commit). The seq high-water mark
 * (high-water.ts) is raised a block ahead, durably, before a transaction would pass it, so a lost
 * database never brings back a seq value; seq starts above the floor a recreated database set.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { codedError } from './errors.js';
import { type HighWater, highWaterPath, writeHighWater } from './high-water.js';
import { openSeqMark, readSeqMark } from './seq-mark.js';

export interface SeqAllocator {
  /** The next seq of `terminal` in the batch being written (`next` holds the batch's last values). */
  take(terminal: string, next: Map<string, number>): number;
  /** Stores the batch's last values in terminal_seq (inside its transaction). */
  persist(next: Map<string, number>): void;
  /** After COMMIT: the batch's values are used. */
  commit(next: Map<string, number>): void;
  /** No seq above this has been used (written to `<db>.hwm` at close). */
  readonly ceiling: number;
  /**
   * Set when the database holds less than was committed (seq-mark.ts: a -wal removed after a
   * crash, an older copy put back): seq then continues after the last one committed, never
   * reusing the lost ones.
   */
  readonly rolledBack: { lastSeqThen: number; lastSeqNow: number } | null;
  /** Closes the seq mark. */
  close(): void;
}

export function createSeqAllocator(
  db: Database.Database,
  path: string,
  hw: HighWater | null,
  seqBlock: number,
  log: Logger,
): SeqAllocator {
  const getStmt = db.prepare('SELECT last_seq FROM terminal_seq WHERE terminal_id = ?').pluck();
  const maxStmt = db.prepare('SELECT MAX(seq) FROM failures WHERE terminal_id = ?').pluck();
  const putStmt = db.prepare(
    'INSERT INTO terminal_seq (terminal_id, last_seq) VALUES (?, ?) ON CONFLICT(terminal_id) DO UPDATE SET last_seq = excluded.last_seq',
  );
  const maxUsedStmt = db.prepare(
    'SELECT MAX(m) FROM (SELECT MAX(last_seq) AS m FROM terminal_seq UNION ALL SELECT MAX(seq) FROM failures)',
  );
  const maxUsed = (): number => (maxUsedStmt.pluck().get() as number | null) ?? 0;
  const stored = Number(
    (db.prepare("SELECT value FROM meta WHERE key = 'seq_floor'").pluck().get() as string | undefined) ?? 0,
  );
  const lastSeqThen = readSeqMark(path);
  const lastSeqNow = maxUsed();
  // (a recreated database's floor is above every seq used: not a roll-back, db_recreated says it)
  const rolledBack =
    lastSeqThen !== null && Math.max(lastSeqNow, stored) < lastSeqThen ? { lastSeqThen, lastSeqNow } : null;
  const mark = openSeqMark(path);
  const floor = rolledBack ? Math.max(stored, rolledBack.lastSeqThen) : stored;
  const last = new Map<string, number>();
  let ceiling = hw?.seq_ceiling ?? 0;

  /** Raises the ceiling durably to `upTo` + a block. Throws with a code the committer classifies. */
  function reserve(upTo: number): void {
    const next = upTo + seqBlock;
    try {
      writeHighWater(path, { seq_ceiling: next, closed: null });
    } catch (e) {
      const errno = (e as NodeJS.ErrnoException).code ?? 'EIO';
      // classified like SQLite's own write errors: the batch stays queued and is retried
      const code = errno === 'ENOSPC' || errno === 'EDQUOT' ? 'SQLITE_FULL_HWM' : 'SQLITE_IOERR_HWM';
      throw codedError(`cannot write ${highWaterPath(path)}: ${errno}`, code, e);
    }
    ceiling = next;
  }

  function lastOf(terminal: string): number {
    let s = last.get(terminal);
    if (s === undefined) {
      const stored = (getStmt.get(terminal) as number | undefined) ?? 0;
      const max = (maxStmt.get(terminal) as number | null) ?? 0;
      s = Math.max(stored, max, floor);
      last.set(terminal, s);
    }
    return s;
  }

  // Written at every open, a block above every seq this database (or its lost predecessor) used;
  // this also clears the last close's counts.
  const used = Math.max(ceiling, floor, lastSeqNow);
  // the mark only rises: what it says now (or, lost or new, what the database holds)
  let marked = Math.max(lastSeqThen ?? 0, lastSeqNow, floor);
  mark?.write(marked);
  try {
    reserve(used);
  } catch (e) {
    // the first commit tries again (and waits for the disk if it must)
    log.warn(
      { event: 'store_hwm_write_failed', reason: (e as Error).message },
      'seq high-water mark not written',
    );
  }

  return {
    take(terminal, next) {
      const seq = (next.get(terminal) ?? lastOf(terminal)) + 1;
      next.set(terminal, seq);
      if (seq > ceiling) reserve(seq); // once per block: the mark is durable before the COMMIT
      return seq;
    },
    persist(next) {
      for (const [t, s] of next) putStmt.run(t, s);
    },
    commit(next) {
      let top = 0;
      for (const [t, s] of next) {
        last.set(t, s);
        if (s > top) top = s;
      }
      if (top > marked) {
        marked = top;
        mark?.write(top);
      }
    },
    get ceiling() {
      return ceiling;
    },
    rolledBack,
    close() {
      mark?.close();
    },
  };
}
