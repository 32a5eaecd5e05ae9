/**
 * Temporary directories for tests. `tempDir` makes one under the OS temp dir and remembers it;
 * the per-file setup (test/helpers/after-file.ts) removes every one after the file's tests, so a
 * failed or forgetful test leaves nothing in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A fresh directory `<tmp>/<prefix>XXXXXX`, removed after this test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every directory `tempDir` made (and forgets them). */
export function removeTempDirs(): void {
  for (const d of made) rmSync(d, { recursive: true, force: true });
  made.clear();
}
