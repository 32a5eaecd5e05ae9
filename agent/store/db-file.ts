/**
 * The database file before SQLite opens it: what is at the path (nothing, an empty file, an SQLite
 * database, something else), creating it 0600 (SQLite gives -wal and -shm the main file's mode), and
 * tightening the mode of an existing one. Reads at most the 100-byte header, never echoes it.
 */
import { chmodSync, closeSync, constants, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { specialFileKind } from '../config/data-file.js';

export type DbFileState = 'missing' | 'empty' | 'sqlite' | 'other' | 'special';

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * What is at `path`, and the header's user_version (our schema version) when it is SQLite. Not a
 * regular file ('special': a directory, a FIFO, a device) is told by stat alone, never opened: the
 * open of a FIFO blocks until somebody writes to it.
 */
export function inspectDbFile(path: string): { state: DbFileState; userVersion: number; kind?: string } {
  const kind = specialAt(path);
  if (kind === 'missing') return { state: 'missing', userVersion: 0 };
  if (kind !== null) return { state: 'special', userVersion: 0, kind };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing', userVersion: 0 };
    throw e;
  }
  try {
    const head = Buffer.alloc(100);
    const n = readSync(fd, head, 0, 100, 0);
    if (n === 0) return { state: 'empty', userVersion: 0 };
    if (n < 100 || !head.subarray(0, 16).equals(MAGIC)) return { state: 'other', userVersion: 0 };
    return { state: 'sqlite', userVersion: head.readUInt32BE(60) };
  } finally {
    closeSync(fd);
  }
}

/** Creates an empty database file 0600 (fails if one appeared meanwhile). */
export function createDbFile(path: string): void {
  closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
}

/** Removes group and other permissions from the database and its -wal and -shm where present. */
export function restrictDbModes(path: string): string[] {
  const failed: string[] = [];
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      const mode = statSync(f).mode & 0o777;
      if ((mode & 0o077) !== 0) chmodSync(f, mode & 0o700);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') failed.push(f);
    }
  }
  return failed;
}

/**
 * null when `path` is a regular file (or a link to one), 'missing' when nothing is there, else what
 * is there ('a directory', 'a FIFO (named pipe)', ...): for the files beside the database (.hwm,
 * .key), which are read whole and must not block.
 */
export function specialAt(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isFile() ? null : specialFileKind(st);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // nothing there, or a symbolic link that points nowhere (creating the file would fail on it)
    try {
      if (lstatSync(path).isSymbolicLink()) return 'a symbolic link to a missing file';
    } catch {
      // really nothing
    }
    return 'missing';
  }
}
