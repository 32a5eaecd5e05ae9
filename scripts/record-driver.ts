/**
 * Fault-run driver: opens the failure store and the MQTT sync on a database file, records N
 * synthetic failures at a given rate and prints one line per committed record on stdout:
 *
 *   C <id> seq=<n>      the record is committed (printed only after its COMMIT)
 *   U <id> seq=<n> v=<v>  (--update-every) an outcome change of it is committed as version v
 *   DRAINED <n>         (--drain) the outbox is empty; the process then stops cleanly
 *
 * Tests kill it with SIGKILL at random moments and start it again on the same file
 * (test/sync/sigkill.test.ts). Logs (pino JSON) go to stderr.
 *
 *   node dist/scripts/record-driver.js --db F --broker mqtt://127.0.0.1:1883 --fleet F --terminal T \
 *        --count 500 --rate 2000 [--drain] [--synchronous full|normal] [--update-every N]
 */
import { Command } from 'commander';
import { createLogger } from '../agent/log.js';
import { monotonicUlid, openStore } from '../agent/store/index.js';
import { syntheticFailure } from '../agent/store/synthetic.js';
import { processMetrics, startSync } from '../agent/sync/index.js';
import { wholeAtLeast } from './lib/cli-args.js';

const int = wholeAtLeast(0);

const program = new Command()
  .name('record-driver')
  .requiredOption('--db <file>', 'SQLite file')
  .requiredOption('--broker <url>', 'MQTT broker URL')
  .option('--fleet <id>', 'fleet id', 'fault')
  .option('--terminal <id>', 'terminal id', 'T0001')
  .option('--count <n>', 'records to write', int, 500)
  .option('--rate <n>', 'records per second', int, 1000)
  .option('--start <n>', 'index of the first synthetic record', int, 0)
  .option('--drain', 'after recording, wait for an empty outbox, then exit 0')
  .option('--update-every <n>', 'store an outcome change of every nth committed record (0: none)', int, 0)
  .option('--synchronous <mode>', 'full | normal', 'full')
  .option('--heartbeat-ms <n>', 'metrics period', int, 500)
  .option('--log-level <level>', 'pino level', 'info')
  .parse();

const o = program.opts<{
  db: string;
  broker: string;
  fleet: string;
  terminal: string;
  count: number;
  rate: number;
  start: number;
  drain?: boolean;
  updateEvery: number;
  synchronous: 'full' | 'normal';
  heartbeatMs: number;
  logLevel: string;
}>();

const logger = createLogger({ level: o.logLevel, pretty: false });
const bootId = monotonicUlid()();
const store = openStore({ path: o.db, bootId, synchronous: o.synchronous, logger });
const sync = startSync({
  url: o.broker,
  fleet: o.fleet,
  terminal: o.terminal,
  store,
  bootId,
  version: 'driver',
  configHash: 'driver',
  metrics: processMetrics(store),
  heartbeatMs: o.heartbeatMs,
  backoffMinMs: 50,
  backoffMaxMs: 500,
  logger,
});

const TICK_MS = 10;
const perTick = Math.max(1, Math.round((o.rate * TICK_MS) / 1000));
let issued = 0;
let committed = 0;
const inFlight = new Set<Promise<unknown>>();
const track = (p: Promise<unknown>) => {
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
};

/** An outcome change of a committed record, reported once it is committed itself. */
function change(id: string): void {
  const p = store.update(id, { outcome: 'reversal_sent', at: new Date().toISOString() }).then(
    (u) => {
      if (u) process.stdout.write(`U ${u.id} seq=${u.seq} v=${u.version}\n`);
      sync.notify();
    },
    (e: Error & { code?: string }) => {
      logger.error({ event: 'driver_update_failed', code: e.code, err: e }, 'update failed');
    },
  );
  track(p);
}

async function recordAll(): Promise<void> {
  while (issued < o.count) {
    const n = Math.min(perTick, o.count - issued);
    for (let k = 0; k < n; k++) {
      const p = store.record(syntheticFailure(o.start + issued++, o.terminal)).then(
        (r) => {
          process.stdout.write(`C ${r.id} seq=${r.seq}\n`); // synchronous on a pipe (Linux): after COMMIT
          if (o.updateEvery > 0 && committed++ % o.updateEvery === 0) change(r.id);
          sync.notify();
        },
        (e: Error & { code?: string }) => {
          logger.error({ event: 'driver_record_failed', code: e.code, err: e }, 'record failed');
        },
      );
      track(p);
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  await Promise.all(inFlight);
}

async function main(): Promise<void> {
  await recordAll();
  if (!o.drain) {
    // keep syncing until killed or the outbox is empty and stdin closes: tests usually SIGKILL
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (store.stats().outboxDepth === 0) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
  } else {
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        sync.notify();
        if (store.stats().outboxDepth === 0) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    process.stdout.write(`DRAINED ${store.stats().total}\n`);
  }
  await sync.stop();
  await store.close();
}

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => {
    void sync
      .stop()
      .then(() => store.close())
      .finally(() => process.exit(0));
  });
}

main().catch((e: Error & { code?: string }) => {
  logger.fatal({ event: 'driver_failed', code: e.code, err: e }, 'driver failed');
  process.exitCode = 1;
});
