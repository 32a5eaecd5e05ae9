/**
 * `npm run bench:export -- [--rows 1000000] [--json]`: seeds a store with --rows synthetic failure
 * records and exports it as CSV, printing the file size, the time and the memory growth. The
 * export streams with back-pressure, so heap and RSS growth should not depend on --rows; the suite
 * runs the same check on 100,000 rows (test/export/memory.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { measureCsvExport, seedStore } from './lib/export-memory.js';
import { positiveInt } from './lib/cli-args.js';

const o = new Command()
  .name('bench-export')
  .option('--rows <n>', 'rows to seed and export', positiveInt, 1_000_000)
  .option('--json', 'print one JSON object')
  .parse()
  .opts<{ rows: number; json?: boolean }>();

const dir = mkdtempSync(join(tmpdir(), 'pos-bench-export-'));
try {
  const db = join(dir, 'export.db');
  const s0 = process.hrtime.bigint();
  seedStore(db, o.rows);
  const seedS = Math.round(Number(process.hrtime.bigint() - s0) / 1e8) / 10;
  const m = await measureCsvExport(db, join(dir, 'export.csv'));
  if (o.json) console.log(JSON.stringify({ ...m, seedSeconds: seedS }));
  else
    console.log(
      `seeded ${o.rows} rows in ${seedS} s; CSV export: ${m.rows} rows, ${m.fileMb} MiB, ${m.seconds} s, ` +
        `heap growth ${m.heapGrowthMb} MiB, RSS growth ${m.rssGrowthMb} MiB, peak RSS ${m.peakRssMb} MiB`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
