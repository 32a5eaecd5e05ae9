/**
 * The seq high-water mark, kept beside the database (`<db>.hwm`, 0600) so that losing the database
 * file never makes seq values come back: the store reserves seq in blocks (the file says "no seq
 * above `seq_ceiling` has been used") and raises the ceiling, durably, before a commit would pass it,
 * so the hot path writes this file once per block. A clean close adds how many records the
 * database held, so an emptied database, or one put back to an older copy, can say what it lost. Its presence also marks the database
 * path as the agent's own. Written atomically (durable-file.ts); one line of JSON.
 */
import { readFileSync } from 'node:fs';
import { specialAt } from './db-file.js';
import { writeFileDurable } from './durable-file.js';

export interface HighWater {
  /** No record of this database path has a seq above this (any terminal). */
  seq_ceiling: number;
  /** Set by a clean close, cleared at the next open: what the database held then. */
  closed?: { records: number; unsynced: number } | null;
}

export const HWM_BLOCK = 10_000;

export const highWaterPath = (dbPath: string): string => `${dbPath}.hwm`;

/** The file's content; null when there is none; 'invalid' when the file exists but is not ours. */
export function readHighWater(dbPath: string): HighWater | null | 'invalid' {
  const kind = specialAt(highWaterPath(dbPath));
  if (kind === 'missing') return null;
  if (kind !== null) return 'invalid'; // a directory or FIFO there: not ours, never read (a FIFO blocks)
  let text: string;
  try {
    text = readFileSync(highWaterPath(dbPath), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const v = JSON.parse(text) as Partial<HighWater> & { v?: unknown };
    if (v.v !== 1 || !Number.isSafeInteger(v.seq_ceiling) || (v.seq_ceiling as number) < 0) return 'invalid';
    const c = v.closed;
    const closed =
      c && Number.isSafeInteger(c.records) && Number.isSafeInteger(c.unsynced)
        ? { records: c.records, unsynced: c.unsynced }
        : null;
    return { seq_ceiling: v.seq_ceiling as number, closed };
  } catch {
    return 'invalid';
  }
}

export function writeHighWater(dbPath: string, hw: HighWater): void {
  writeFileDurable(highWaterPath(dbPath), `${JSON.stringify({ v: 1, ...hw })}\n`);
}
