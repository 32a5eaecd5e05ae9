/**
 * The checkpointer: when the WAL's pages are copied back into the database file. SQLite does it by
 * itself at the COMMIT that takes the WAL past 1,000 pages, inside that COMMIT, on the event loop:
 * the copy and an fsync of the database file stall every frame arriving meanwhile (with the
 * approval ledger, every few seconds at 500 frames/s: the slowest 1% of bench:e2e's prompts were
 * those). The store turns that off (wal_autocheckpoint = 0) and checkpoints here instead:
 * - once the WAL has grown past `softBytes` (SQLite's own threshold, ~4 MiB), after `quietMs` with no
 *   write: at a terminal, between one sale and the next, when no response is on its way;
 * - at once, whatever the traffic, when it has reached `hardBytes`: the WAL stays bounded (such a
 *   checkpoint copies 8 times what SQLite's own would: 50-75 ms here under a sustained flood).
 * A checkpoint is not part of durability (a commit is durable once its WAL frames are flushed: the
 * acknowledger); a failed one is logged and tried again at the next occasion. PASSIVE: it never
 * waits for a reader.
 */
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { sqliteCode } from './errors.js';

export interface Checkpointer {
  /** Called after each write transaction: checkpoints at once past the hard limit, or arms the quiet timer. */
  wrote(): void;
  /** Stops the timer (SQLite checkpoints the WAL when the last connection closes). */
  close(): void;
}

export interface CheckpointerDeps {
  db: Database.Database;
  /** The database file's path (its WAL is `<path>-wal`). */
  path: string;
  log: Logger;
  quietMs: number;
  softBytes: number;
  hardBytes: number;
}

/** SQLite's own threshold: 1,000 pages of 4 KiB. */
export const CHECKPOINT_SOFT_BYTES = 4_096_000;
/** The WAL is checkpointed at once at this size, however busy the line. */
export const CHECKPOINT_HARD_BYTES = 32 * 1024 * 1024;
/** No write for this long: a checkpoint cannot delay a prompt. */
export const CHECKPOINT_QUIET_MS = 1000;

type Row = { busy: number; log: number; checkpointed: number };

/**
 * The connection settings the checkpointer relies on: SQLite's own checkpoint off, and the WAL
 * truncated to nothing when SQLite restarts it after a full checkpoint, so that the file's size is
 * what was written since (with the 8 MiB the connection keeps otherwise, a WAL that once grew past
 * the soft limit would stay above it, and every quiet second would checkpoint a few pages).
 */
export function checkpointPragmas(db: Database.Database): void {
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('journal_size_limit = 0');
}

export function createCheckpointer(d: CheckpointerDeps): Checkpointer {
  const walPath = `${d.path}-wal`;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  function walBytes(): number {
    try {
      return statSync(walPath, { throwIfNoEntry: false })?.size ?? 0;
    } catch {
      return 0;
    }
  }

  function checkpoint(reason: 'quiet' | 'wal_limit', bytes: number): void {
    const t0 = performance.now();
    try {
      const row = (d.db.pragma('wal_checkpoint(PASSIVE)') as Row[])[0];
      d.log.debug(
        {
          event: 'store_checkpoint',
          reason,
          wal_bytes: bytes,
          frames: row?.log,
          checkpointed: row?.checkpointed,
          ms: Math.round((performance.now() - t0) * 10) / 10,
        },
        'WAL checkpointed',
      );
    } catch (e) {
      d.log.warn(
        { event: 'store_checkpoint_failed', code: 'E_STORE_CHECKPOINT', sqlite: sqliteCode(e), reason },
        'WAL checkpoint failed; tried again after the next write',
      );
    }
  }

  function quiet(): void {
    timer = null;
    if (stopped) return;
    const bytes = walBytes();
    if (bytes >= d.softBytes) checkpoint('quiet', bytes);
  }

  return {
    wrote() {
      if (stopped) return;
      const bytes = walBytes();
      if (bytes >= d.hardBytes) {
        if (timer) clearTimeout(timer);
        timer = null;
        checkpoint('wal_limit', bytes);
      } else if (bytes >= d.softBytes) {
        // restarted by each write (refresh: no new timer object): it fires after quietMs of none
        if (timer) timer.refresh();
        else timer = setTimeout(quiet, d.quietMs).unref();
      }
    },
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
