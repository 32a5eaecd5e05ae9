/**
 * The export stays in bounded memory: rows stream from the SQLite cursor through csv-stringify to
 * the file with back-pressure. The check is a heap limit, not a timing or a sampled figure: the
 * export runs in a child with a 24 MiB old space over 60,000 rows (a ~20 MiB CSV), which it can
 * only finish if it never holds the rows or the text. The million-row run, with its memory figures,
 * is `npm run bench:export`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/global-build.js';

it('exports 60,000 rows as CSV in a 24 MiB heap', () => {
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=24', join(ROOT, 'dist/scripts/bench-export.js'), '--rows', '60000', '--json'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.stderr).not.toMatch(/heap out of memory/i);
  expect(r.status).toBe(0);
  const m = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { rows: number; fileMb: number };
  expect(m.rows).toBe(60_000);
  expect(m.fileMb).toBeGreaterThan(18);
});
