/**
 * The last committed seq, kept beside the database (`<db>.seq`, 16 bytes, 0600) so that a database
 * that comes back holding less than was committed (its -wal removed after a crash, an older copy
 * put back) is noticed at the next open: the mark says a higher seq was committed than the
 * database holds. Then the store raises `db_rolled_back` and seq goes on after the mark, so no seq
 * value is ever used twice.
 *
 * Written after every COMMIT with one positioned write of 16 bytes to a file kept open: no fsync
 * (the commit's own fsync made the records durable; the mark only has to outlive the process, and
 * after a power cut that loses the -wal's tail it is at worst as new as the records it speaks of).
 * Format: "PSEQ", u32 version 1, u64 last seq (big-endian).
 */
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { specialAt } from './db-file.js';

const MAGIC = 0x50534551; // "PSEQ"
const SIZE = 16;

export const seqMarkPath = (dbPath: string): string => `${dbPath}.seq`;

/** The mark's last seq; null when there is no mark (or it is not one of ours: a new one replaces it). */
export function readSeqMark(dbPath: string): number | null {
  const file = seqMarkPath(dbPath);
  if (specialAt(file) !== null) return null; // missing, or not a regular file (never opened)
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY);
  } catch {
    return null;
  }
  try {
    const b = Buffer.alloc(SIZE);
    if (readSync(fd, b, 0, SIZE, 0) !== SIZE || b.readUInt32BE(0) !== MAGIC || b.readUInt32BE(4) !== 1)
      return null;
    const v = b.readUInt32BE(8) * 2 ** 32 + b.readUInt32BE(12);
    return Number.isSafeInteger(v) ? v : null;
  } finally {
    closeSync(fd);
  }
}

export interface SeqMark {
  /** After a COMMIT: the highest seq now committed. */
  write(lastSeq: number): void;
  close(): void;
}

/** Opens (creating 0600) the mark for writing; null when it cannot (the store runs without it). */
export function openSeqMark(dbPath: string): SeqMark | null {
  const file = seqMarkPath(dbPath);
  const kind = specialAt(file);
  if (kind !== null && kind !== 'missing') return null;
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT, 0o600);
  } catch {
    return null;
  }
  const buf = Buffer.alloc(SIZE);
  buf.writeUInt32BE(MAGIC, 0);
  buf.writeUInt32BE(1, 4);
  let open = true;
  return {
    write(lastSeq) {
      if (!open) return;
      buf.writeUInt32BE(Math.floor(lastSeq / 2 ** 32), 8);
      buf.writeUInt32BE(lastSeq >>> 0, 12);
      try {
        writeSync(fd, buf, 0, SIZE, 0);
      } catch {
        // a full disk: the mark stays at an older value, which only weakens the check
      }
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
