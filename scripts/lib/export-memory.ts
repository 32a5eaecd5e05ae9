/**
 * The export memory check, shared by `npm run bench:export` (a million rows) and the suite's
 * smaller run (test/export/memory.test.ts): seed a store in SQL, export it as CSV to a file and
 * sample memory while the export runs. The export streams rows from the SQLite cursor through
 * csv-stringify with back-pressure, so heap and RSS growth stay flat however many rows there are.
 */
import { statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { createAnnotator } from '../../agent/export/annotate.js';
import { runExport } from '../../agent/export/run.js';
import { MIGRATIONS, RECORD_COLUMNS } from '../../agent/store/schema.js';

/** SQL expressions of row i for each column: a recursive CTE seeds a million rows in seconds. */
const SEED_VALUES: Record<(typeof RECORD_COLUMNS)[number], string> = {
  id: "printf('01JD%022d', i)",
  seq: 'i + 1',
  boot_id: "'boot-1'",
  terminal_id: "printf('T%07d', i % 500)",
  merchant_id: 'CASE WHEN i % 97 = 0 THEN \'=HYPERLINK("x")\' ELSE \'Café "Zum Löwen", Berlin\' END',
  occurred_at: "strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', (i * 30) || ' seconds')",
  utc_offset_min: '60',
  mti: "'0210'",
  processing_code: "'000000'",
  amount_minor: '1000 + i % 50000',
  currency: "CASE i % 3 WHEN 0 THEN '978' WHEN 1 THEN '392' ELSE '840' END",
  pan_masked: "printf('476173******%04d', i % 10000)",
  card_brand: "'visa'",
  entry_mode: "'051'",
  stan: "printf('%06d', i % 1000000)",
  rrn: "printf('%012d', i)",
  auth_code: 'NULL',
  rc: "CASE i % 4 WHEN 0 THEN '51' WHEN 1 THEN '05' WHEN 2 THEN '91' ELSE 'L_TIMEOUT' END",
  rc_source: "CASE i % 4 WHEN 3 THEN 'local' ELSE 'issuer' END",
  category: "CASE i % 4 WHEN 0 THEN 'insufficient_funds' WHEN 1 THEN 'issuer_decline' ELSE 'network' END",
  retry: "'retry_later'",
  notes: 'NULL',
  version: '1',
  outcome: "CASE i % 4 WHEN 3 THEN 'timed_out' ELSE 'declined' END",
  outcome_at: 'NULL',
  linked_id: 'NULL',
  recovered_by: 'NULL',
  synced_at: 'NULL',
};

/** Creates an agent store at `file` holding `rows` synthetic failure records. */
export function seedStore(file: string, rows: number): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    for (const m of MIGRATIONS) db.exec(m.sql);
    db.pragma(`user_version = ${MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0}`);
    // Seeding speed: keep only the index the export query uses (occurred_at).
    const indexes = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'failures' AND sql IS NOT NULL",
      )
      .pluck()
      .all() as string[];
    for (const idx of indexes) if (idx !== 'failures_occurred_at') db.exec(`DROP INDEX ${idx}`);
    db.exec(
      `WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${rows - 1})
       INSERT INTO failures (${RECORD_COLUMNS.join(', ')}) SELECT ${RECORD_COLUMNS.map((k) => SEED_VALUES[k]).join(', ')} FROM c`,
    );
  } finally {
    db.close();
  }
}

export interface ExportMemory {
  rows: number;
  fileMb: number;
  seconds: number;
  heapGrowthMb: number;
  rssGrowthMb: number;
  peakRssMb: number;
}

/** Exports `db` as CSV to `out`, sampling memory every 10 ms. */
export async function measureCsvExport(db: string, out: string): Promise<ExportMemory> {
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  }, 10);
  const t0 = process.hrtime.bigint();
  try {
    const res = await runExport(
      {
        db,
        format: 'csv',
        out,
        lang: 'en',
        bom: true,
        filters: {},
        filterText: [],
        tableLimit: 5000,
        progress: 'never',
      },
      { stdout: new PassThrough(), stderr: new PassThrough(), annotator: createAnnotator() },
    );
    const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
    return {
      rows: res.rows,
      fileMb: mb(statSync(out).size),
      seconds: Math.round(Number(process.hrtime.bigint() - t0) / 1e8) / 10,
      heapGrowthMb: mb(peakHeap - base.heapUsed),
      rssGrowthMb: mb(peakRss - base.rss),
      peakRssMb: mb(peakRss),
    };
  } finally {
    clearInterval(timer);
  }
}
