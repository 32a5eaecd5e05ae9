/**
 * The checkpointer (agent/store/checkpointer.ts) on a real SQLite file in WAL mode with SQLite's own
 * checkpoints off, as the store opens it: no checkpoint while writes keep coming below the hard
 * limit, one after a quiet spell, one at once at the hard limit. Small thresholds stand in for
 * the store's 4 MiB and 32 MiB.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Checkpointer, checkpointPragmas, createCheckpointer } from '../../agent/store/checkpointer.js';
import { captureLogger } from '../helpers/log.js';
import { tempDir } from '../helpers/tmp.js';
import { sleep, waitUntil } from '../helpers/wait.js';

const SOFT = 64 * 1024;
const HARD = 4 * 1024 * 1024;
// long beside the 10 ms between writes below, so a loaded machine does not make a quiet spell
const QUIET_MS = 400;

let db: Database.Database | null = null;
let cp: Checkpointer | null = null;

afterEach(() => {
  cp?.close();
  db?.close();
  cp = db = null;
});

function setUp(): { write: (n: number) => void; lines: string[] } {
  const path = join(tempDir('checkpointer-'), 'db.sqlite');
  db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  checkpointPragmas(db);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const { lines, logger } = captureLogger();
  cp = createCheckpointer({ db, path, log: logger, quietMs: QUIET_MS, softBytes: SOFT, hardBytes: HARD });
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const pad = 'x'.repeat(2000);
  const write = (n: number): void => {
    const d = db!;
    d.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(pad);
    })();
    cp!.wrote();
  };
  return { write, lines };
}

const checkpoints = (lines: string[]) =>
  lines
    .map((l) => JSON.parse(l) as { event: string; reason?: string })
    .filter((l) => l.event === 'store_checkpoint');

describe('checkpointer', () => {
  it('waits for a quiet spell past the soft limit, then checkpoints once', async () => {
    const { write, lines } = setUp();
    // past the soft limit (each row ~2 KB) and on, a write every 10 ms: never quiet for 400 ms
    for (let i = 0; i < 30; i++) {
      write(5);
      await sleep(10);
    }
    expect(checkpoints(lines)).toEqual([]);
    // then the writes stop: one checkpoint, for the quiet
    await waitUntil(() => checkpoints(lines).length > 0, 3000, 'a checkpoint after the writes stopped');
    expect(checkpoints(lines)).toMatchObject([{ reason: 'quiet' }]);
  });

  it('after a checkpoint, a few small writes with quiet spells between them checkpoint nothing', async () => {
    const { write, lines } = setUp();
    for (let i = 0; i < 30; i++) write(5); // past the soft limit
    await waitUntil(() => checkpoints(lines).length > 0, 3000, 'the first checkpoint');
    // a shop's pace: a sale, a quiet spell, a sale; the WAL holds a few pages again, not 64 KiB
    for (let i = 0; i < 3; i++) {
      write(1);
      await sleep(QUIET_MS + 100);
    }
    expect(checkpoints(lines)).toHaveLength(1);
  });

  it('checkpoints at once at the hard limit, however busy', () => {
    const { write, lines } = setUp();
    let n = 0;
    while (checkpoints(lines).length === 0 && n < 1000) {
      write(50);
      n++;
    }
    expect(checkpoints(lines)).toMatchObject([{ reason: 'wal_limit' }]);
    // ~100 KB and more a write: the hard limit (4 MiB) is well past the soft one (64 KiB)
    expect(n).toBeGreaterThan(3);
  });

  it('below the soft limit, no timer and no checkpoint', async () => {
    const { write, lines } = setUp();
    write(1);
    // an absence: nothing to wait for but the time a quiet spell takes, twice over
    await sleep(QUIET_MS * 2);
    expect(checkpoints(lines)).toEqual([]);
  });
});
