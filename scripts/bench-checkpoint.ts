/**
 * `npm run bench:checkpoint`: what SQLite's automatic checkpoint costs the event loop. The same
 * small transactions (8 approval-like rows each, WAL, synchronous=NORMAL, as the store commits)
 * are timed with SQLite's automatic checkpoint (every 1,000 WAL pages, inside the COMMIT that
 * crosses it) and without it (wal_autocheckpoint = 0, as the store opens its file: its
 * checkpointer runs them between sales, agent/store/checkpointer.ts), in the same run. Prints each
 * case's commit p50, p99 and max, and how many commits took over 2 ms. `--json`: one object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const COMMITS = 2000;
const ROWS = 8;

function commitTimes(autocheckpoint: number, dir: string): number[] {
  const db = new Database(join(dir, `auto-${autocheckpoint}.db`));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
    db.exec(
      'CREATE TABLE a (id INTEGER PRIMARY KEY, at TEXT, card_key BLOB, amount INTEGER); ' +
        'CREATE INDEX a_key ON a (card_key); CREATE INDEX a_at ON a (at)',
    );
    const insert = db.prepare('INSERT INTO a (at, card_key, amount) VALUES (?, ?, ?)');
    const commit = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(new Date().toISOString(), Buffer.alloc(16, i), i);
    });
    const times: number[] = [];
    for (let c = 0; c < COMMITS; c++) {
      const t0 = performance.now();
      commit(ROWS);
      times.push(performance.now() - t0);
    }
    return times.sort((x, y) => x - y);
  } finally {
    db.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-checkpoint-'));
try {
  const result: Record<string, { p50_ms: number; p99_ms: number; max_ms: number; over_2ms: number }> = {};
  for (const [name, auto] of [
    ['sqlite_autocheckpoint', 1000],
    ['store_no_autocheckpoint', 0],
  ] as const) {
    const t = commitTimes(auto, dir);
    const at = (q: number) =>
      Math.round((t[Math.min(t.length - 1, Math.floor(q * t.length))] as number) * 1000) / 1000;
    result[name] = {
      p50_ms: at(0.5),
      p99_ms: at(0.99),
      max_ms: at(1),
      over_2ms: t.filter((x) => x > 2).length,
    };
  }
  if (process.argv.includes('--json'))
    console.log(JSON.stringify({ commits: COMMITS, rows: ROWS, ...result }));
  else
    for (const [name, r] of Object.entries(result))
      console.log(
        `${name}: ${COMMITS} commits of ${ROWS} rows: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms, ${r.over_2ms} over 2 ms`,
      );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
