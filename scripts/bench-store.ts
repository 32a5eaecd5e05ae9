/**
 * Store benchmark: sustained insert with group commit in the store's 'full' durability mode (each
 * commit's WAL flushed before its records are acknowledged) on a temp file, with the shipped
 * store.group_commit_max (512) and the shipped commit window (0: at the end of the event loop's turn).
 * The producer behaves like the pipeline: it does not wait for one record before the next, but keeps
 * a bounded number of records awaiting their commit (--window). Prints records/s; with --json the
 * last line is one JSON object: { records_per_s, floor_records_per_s, ratio_to_floor, ... }.
 *
 * The floor, measured in the same run on the same disk: a bare better-sqlite3 loop that inserts
 * the same rows with the store's connection (its pragmas, page cache and schema) and INSERT
 * statement, with the same durability (WAL, synchronous=NORMAL, and in
 * 'full' mode an fdatasync of the -wal file after each commit) and the same batch size, with none
 * of the store's queueing, checks or acknowledgement. Absolute figures move with the machine; the
 * ratio is the store's own cost. Goal: the store at 50% or more of its floor.
 *
 *   npm run bench:store -- [--records 200000] [--window 4096] [--synchronous full|normal] [--json]
 * Target: docs/sources.md §Design targets (store at 50% or more of a bare better-sqlite3 insert loop).
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { openStore } from '../agent/store/index.js';
import { DEFAULT_CACHE_KIB, openDb } from '../agent/store/connection.js';
import { RECORD_COLUMNS } from '../agent/store/schema.js';
import { insertSql } from '../agent/store/writes.js';
import { syntheticFailure } from '../agent/store/synthetic.js';
import { positiveInt, wholeAtLeast } from './lib/cli-args.js';

const int = positiveInt;
const whole = wholeAtLeast(0);
const o = new Command()
  .name('bench-store')
  .option('--records <n>', 'records to insert', int, 200_000)
  .option('--window <n>', 'records awaiting commit at most', int, 4096)
  .option('--group-max <n>', 'groupCommitMax (store.group_commit_max)', int, 512)
  .option('--group-ms <n>', 'groupCommitMs (store.group_commit_ms; 0 = end of the loop turn)', whole, 0)
  .option('--synchronous <mode>', 'full | normal', 'full')
  .option('--json', 'print one JSON object on the last line')
  .parse()
  .opts<{
    records: number;
    window: number;
    groupMax: number;
    groupMs: number;
    synchronous: 'full' | 'normal';
    json?: boolean;
  }>();

/**
 * The floor: `rows` (rows as the store wrote them) inserted o.records times over in batches of
 * o.groupMax, one transaction a batch, the WAL fdatasynced after each commit in 'full' mode.
 */
function floorRecordsPerS(file: string, rows: Record<string, unknown>[]): number {
  // the store's own connection (pragmas, page cache, schema) and INSERT, card_key column included
  const { db } = openDb(file, false, DEFAULT_CACHE_KIB);
  const insert = db.prepare(insertSql('failures', [...RECORD_COLUMNS, 'card_key']));
  const batch = db.transaction((from: number, n: number) => {
    for (let i = from; i < from + n; i++) {
      const r = rows[i % rows.length] as Record<string, unknown>;
      insert.run(null, { ...r, id: `F${String(i).padStart(25, '0')}`, seq: i + 1 });
    }
  });
  const walFd = o.synchronous === 'full' ? openSync(`${file}-wal`, 'r+') : -1;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < o.records; i += o.groupMax) {
    batch(i, Math.min(o.groupMax, o.records - i));
    if (walFd >= 0) fdatasyncSync(walFd);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (walFd >= 0) closeSync(walFd);
  db.close();
  return Math.round(o.records / seconds);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const dbFile = join(dir, 'bench.db');
  const store = openStore({
    path: dbFile,
    bootId: 'bench',
    synchronous: o.synchronous,
    groupCommitMax: o.groupMax,
    groupCommitMs: o.groupMs,
  });
  // pre-build the inputs so the figure is the store's, not the generator's
  const inputs = Array.from({ length: 1000 }, (_, i) => syntheticFailure(i));
  let issued = 0;
  let committed = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (issued < o.records && issued - committed < o.window) {
        const f = inputs[issued % inputs.length] as (typeof inputs)[number];
        issued++;
        store.record(f).then(() => {
          committed++;
          if (committed === o.records) resolve();
          else if (issued - committed <= o.window / 2) pump();
        }, reject);
      }
    };
    pump();
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const stats = store.stats();
  await store.close();
  const sample = (() => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return db.prepare(`SELECT ${RECORD_COLUMNS.join(', ')} FROM failures LIMIT 1000`).all() as Record<
        string,
        unknown
      >[];
    } finally {
      db.close();
    }
  })();
  const floor = floorRecordsPerS(join(dir, 'floor.db'), sample);
  rmSync(dir, { recursive: true, force: true });
  const result = {
    records_per_s: Math.round(o.records / seconds),
    floor_records_per_s: floor,
    ratio_to_floor: Math.round((o.records / seconds / floor) * 100) / 100,
    records: o.records,
    seconds: Math.round(seconds * 1000) / 1000,
    // CPU-time figure: less sensitive to other load on a shared machine (fsync waits excluded)
    records_per_cpu_s: Math.round(o.records / cpuSeconds),
    synchronous: o.synchronous,
    group_commit_max: o.groupMax,
    group_commit_ms: o.groupMs,
    window: o.window,
    db_mb: Math.round((stats.dbBytes / 1048576) * 10) / 10,
  };
  process.stdout.write(
    `store insert (WAL, synchronous=${o.synchronous}, group commit <= ${o.groupMax} rows / ${o.groupMs} ms): ` +
      `${result.records_per_s.toLocaleString('en')} records/s (${o.records} in ${result.seconds} s); ` +
      `bare better-sqlite3 floor ${floor.toLocaleString('en')} records/s; store at ${Math.round(result.ratio_to_floor * 100)}% of its floor (goal >= 50%); ` +
      `${result.records_per_cpu_s.toLocaleString('en')} records per CPU-second\n`,
  );
  if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench-store failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
