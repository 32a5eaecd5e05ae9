/**
 * Small files that must survive power loss whole or not at all (the seq high-water mark, the device
 * key): written to a temporary file (mode 0600), fsynced, renamed over the target, and the directory
 * fsynced so the new name holds too. A reader sees the old content or the new, never a torn one.
 */
import { closeSync, constants, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileDurable(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dirname(path));
}

/** fsyncs a directory (so a created or renamed entry survives power loss); best effort where unsupported. */
export function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY);
  } catch {
    return; // some platforms cannot open a directory
  }
  try {
    fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a directory; the file's own fsync still holds
  } finally {
    closeSync(fd);
  }
}
