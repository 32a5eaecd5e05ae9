/**
 * Sync benchmark: spawns a local Mosquitto on a free loopback port, seeds a backlog of synthetic
 * records (default 100,000) in a fresh store, then starts the sync and measures how long the
 * outbox takes to drain (every record acknowledged by the broker and marked synced) and the peak
 * resident memory of this process during the drain. With --json the last line is one JSON object:
 * { drain_s, peak_rss_mb, records, batches, ... }.
 *
 *   npm run bench:sync -- [--records 100000] [--batch 200] [--batch-bytes 131072] [--inflight 10] [--json]
 * Target (docs/sources.md §Design targets): < 10 s for 100,000 records, memory bounded.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { openStore } from '../agent/store/index.js';
import { syntheticFailure } from '../agent/store/synthetic.js';
import { processMetrics, startSync } from '../agent/sync/index.js';
import { startMosquitto } from './lib/mosquitto.js';
import { positiveInt } from './lib/cli-args.js';

const int = positiveInt;
const o = new Command()
  .name('bench-sync')
  .option('--records <n>', 'backlog size', int, 100_000)
  .option('--batch <n>', 'records per failures message', int, 200)
  .option('--batch-bytes <n>', 'byte cap per message', int, 128 * 1024)
  .option('--inflight <n>', 'unacknowledged messages at most', int, 10)
  .option('--mosquitto <path>', 'mosquitto binary', process.env.MOSQUITTO_BIN)
  .option('--json', 'print one JSON object on the last line')
  .option('--seed <file>', '(internal) only seed the backlog into FILE, in a child process, and exit')
  .parse()
  .opts<{
    records: number;
    batch: number;
    batchBytes: number;
    inflight: number;
    mosquitto: string;
    json?: boolean;
    seed?: string;
  }>();

/** Seeds the backlog; runs in a child process so the drain's memory figure is the sync's own. */
async function seed(path: string): Promise<void> {
  const store = openStore({ path, bootId: 'seed', synchronous: 'normal', groupCommitMax: 2048 });
  const inputs = Array.from({ length: 1000 }, (_, i) => syntheticFailure(i));
  for (let i = 0; i < o.records; i += 5000) {
    const n = Math.min(5000, o.records - i);
    await Promise.all(
      Array.from({ length: n }, (_, k) => store.record(inputs[(i + k) % 1000] as (typeof inputs)[number])),
    );
  }
  await store.close();
}

async function main(): Promise<void> {
  if (o.mosquitto) process.env.MOSQUITTO_BIN = o.mosquitto;
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
  const broker = await startMosquitto({ persistence: false });
  const port = broker.port;
  try {
    const path = join(dir, 'backlog.db');
    // seed the backlog in a child process (not timed), then open it as an agent after a restart would
    const seeded = spawn(
      process.execPath,
      [process.argv[1] as string, '--seed', path, '--records', String(o.records)],
      {
        stdio: 'inherit',
      },
    );
    const code = await new Promise<number | null>((resolve) => seeded.once('exit', resolve));
    if (code !== 0) throw new Error(`seeding failed (${code})`);
    const store = openStore({ path, bootId: 'bench', synchronous: 'full' });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 10);
    const t0 = process.hrtime.bigint();
    const sync = startSync({
      url: `mqtt://127.0.0.1:${port}`,
      fleet: 'bench',
      terminal: 'T0001',
      store,
      bootId: 'bench',
      version: 'bench',
      configHash: 'bench',
      metrics: processMetrics(store),
      batchSize: o.batch,
      batchBytes: o.batchBytes,
      inflight: o.inflight,
      backoffMinMs: 50,
    });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (store.stats().outboxDepth === 0) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    const drain = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const counters = sync.counters();
    await sync.stop();
    await store.close();
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    const result = {
      drain_s: Math.round(drain * 1000) / 1000,
      peak_rss_mb: mb(peak),
      rss_before_mb: mb(rssBefore),
      peak_heap_used_mb: mb(peakHeap),
      records: o.records,
      records_per_s: Math.round(o.records / drain),
      batches: counters.published_batches,
      batch_size: o.batch,
      batch_bytes: o.batchBytes,
      inflight: o.inflight,
      target_drain_s: 10,
    };
    process.stdout.write(
      `sync drain to local Mosquitto: ${o.records} records in ${result.drain_s} s (${result.records_per_s.toLocaleString('en')}/s, ` +
        `${counters.published_batches} messages), peak RSS ${result.peak_rss_mb} MB (before drain ${result.rss_before_mb} MB, ` +
        `peak JS heap used ${result.peak_heap_used_mb} MB); target < 10 s\n`,
    );
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

(o.seed ? seed(o.seed) : main()).catch((e) => {
  process.stderr.write(`bench-sync failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
