/** The agent's failure store in tests: a fresh one per test, closed and removed after it. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type FailureStore, openStore } from '../../agent/store/index.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { tempDir } from './tmp.js';

export type StoreOptions = Partial<Parameters<typeof openStore>[0]>;

/**
 * Registers (at file or describe scope) a fresh temp dir `<tmp>/<prefix>XXXXXX` before each test,
 * and after it closes every store `mk` opened and removes the dir. `mk` opens `<dir>/f.db` with
 * boot id boot-1 unless `opts` say otherwise; `dir()` is the current test's dir.
 */
export function storeEachTest(prefix: string): {
  dir: () => string;
  mk: (opts?: StoreOptions) => FailureStore;
} {
  let current: string | undefined;
  const open: FailureStore[] = [];
  beforeEach(() => {
    current = tempDir(prefix);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close().catch(() => {});
    if (current) rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  const dir = () => {
    if (!current) throw new Error('storeEachTest: dir() is for use inside a test');
    return current;
  };
  return {
    dir,
    mk(opts = {}) {
      const s = openStore({ path: join(dir(), 'f.db'), bootId: 'boot-1', ...opts });
      open.push(s);
      return s;
    },
  };
}

/** A record as the store hands it out (synthetic failure 1, version 1, unsynced), for payload checks. */
export function storedRecord() {
  return {
    ...syntheticFailure(1),
    id: '01JD6ZQ3R5W7Y9A1C3E5G7J9KM',
    seq: 1,
    boot_id: 'b',
    version: 1,
    outcome_at: null,
    linked_id: null,
    recovered_by: null,
    synced_at: null,
  };
}
