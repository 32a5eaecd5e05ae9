/**
 * Store benchmark: sustained insert with group commit in the store's 'full' durability mode (each
 * commit's WAL flushed before its records are acknowledged) on a temp file, with the shipped
 * store.group_commit_max (512) and the store's own 2 ms commit window (the agent config uses 4).
 * The producer behaves like the pipeline: it does not wait for one record before the next, but keeps
 * a bounded number of records awaiting their commit (--window). Prints records/s; with --json the
 * last line is one JSON object: { records_per_s, records, seconds, synchronous, group_commit_max, ... }.
 *
 *   npm run bench:store -- [--records 200000] [--window 4096] [--synchronous full|normal] [--json]
 * Target: docs/sources.md §Design targets (store at 50% or more of a bare better-sqlite3 insert loop).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { openStore } from '../agent/store/index.js';
import { syntheticFailure } from '../agent/store/synthetic.js';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const o = new Command()
  .name('bench-store')
  .option('--records <n>', 'records to insert', int, 200_000)
  .option('--window <n>', 'records awaiting commit at most', int, 4096)
  .option('--group-max <n>', 'groupCommitMax (store.group_commit_max)', int, 512)
  .option('--group-ms <n>', 'groupCommitMs', int, 2)
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const store = openStore({
    path: join(dir, 'bench.db'),
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
  rmSync(dir, { recursive: true, force: true });
  const result = {
    records_per_s: Math.round(o.records / seconds),
    records: o.records,
    seconds: Math.round(seconds * 1000) / 1000,
    // CPU-time figure: less sensitive to other load on a shared machine (fsync waits excluded)
    records_per_cpu_s: Math.round(o.records / cpuSeconds),
    synchronous: o.synchronous,
    group_commit_max: o.groupMax,
    group_commit_ms: o.groupMs,
    window: o.window,
    db_mb: Math.round((stats.dbBytes / 1048576) * 10) / 10,
    target_records_per_s: 20_000,
  };
  process.stdout.write(
    `store insert (WAL, synchronous=${o.synchronous}, group commit <= ${o.groupMax} rows / ${o.groupMs} ms): ` +
      `${result.records_per_s.toLocaleString('en')} records/s (${o.records} in ${result.seconds} s; target >= 20,000); ` +
      `${result.records_per_cpu_s.toLocaleString('en')} records per CPU-second\n`,
  );
  if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench-store failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
