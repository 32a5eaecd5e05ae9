/**
 * Collector benchmark: 1,000 simulated terminals (one MQTT connection each) publish failure records
 * through a spawned Mosquitto to built `fleet collect --pg --group` processes writing into a
 * throwaway PostgreSQL. Measured in one run, for one and for two collectors:
 *   records_per_s  a burst of --records records (one per message, as a terminal sends a fresh
 *                  failure), from the first publish to the last row committed;
 *   lag_p*_ms      at a steady --rate records/s for --seconds: the time from a record's publication
 *                  (its occurred_at) to the collector taking it into its transaction (its synced_at);
 * and the floor: the bare insert rate of the same PostgreSQL with a message's transaction shape
 * (BEGIN, one INSERT of a message's record, COMMIT), on one connection and on two; and, since the
 * collectors store several messages per transaction (group commit), the bare rate of transactions
 * of their mean batch (BEGIN, one multi-row INSERT, COMMIT) on two connections.
 * Also reported, to tell whether the benchmark itself is the limit: how long the burst took to
 * publish (broker PUBACKs to the terminals) against how long it took to store, and each run's
 * transactions (messages per transaction). --prof DIR runs the collectors with --cpu-prof.
 * With --json the last line is one JSON object.
 *
 *   npm run bench:collect -- [--terminals 1000] [--records 10000] [--rate 1000] [--seconds 10] [--json] [--prof DIR]
 * Goal (issue 13): two collectors reach 50% of the floor; lag p99 < 1 s at 1,000 records/s.
 */
import { Command } from 'commander';
import mqtt, { type MqttClient } from 'mqtt';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  COLLECTOR_COLUMNS,
  DIGEST_COLUMNS,
  pgInsertSql,
  recordDigest,
} from '../agent/fleet/collector-schema.js';
import { openPgPool, type PgQueryable } from '../agent/fleet/sinks.js';
import { openPgFleetStore } from '../agent/fleet/store/postgres.js';
import type { FailureRecord } from '../agent/record.js';
import { RECORD_COLUMNS } from '../agent/store/schema.js';
import { syntheticFailure } from '../agent/store/synthetic.js';
import { monotonicUlid } from '../agent/store/ulid.js';
import { startMosquitto } from './lib/mosquitto.js';
import { freshSchemaUrl, startPostgres } from './lib/postgres.js';
import { positiveInt } from './lib/cli-args.js';

const int = positiveInt;
const o = new Command()
  .name('bench-collect')
  .option('--terminals <n>', 'simulated terminals (MQTT connections)', int, 1000)
  .option('--records <n>', 'records of the throughput burst', int, 10_000)
  .option('--rate <n>', 'records per second of the lag phase', int, 1000)
  .option('--seconds <n>', 'length of the lag phase', int, 10)
  .option('--floor-records <n>', 'records of the bare insert measurement', int, 5000)
  .option('--json', 'print one JSON object on the last line')
  .option('--prof <dir>', 'write a CPU profile of each collector into this directory')
  .parse()
  .opts<{
    terminals: number;
    records: number;
    rate: number;
    seconds: number;
    floorRecords: number;
    json?: boolean;
    prof?: string;
  }>();

const CLI = join(import.meta.dirname, '..', 'bin', 'pos-agent.js');
const FLEET = 'bench';
const ulid = monotonicUlid();
const seqs = new Map<string, number>();

function record(i: number, terminal: string, at = Date.now()): FailureRecord {
  const seq = (seqs.get(terminal) ?? 0) + 1;
  seqs.set(terminal, seq);
  return {
    ...syntheticFailure(i, terminal, `M${String(i % 50).padStart(12, '0')}`),
    id: ulid(at),
    seq,
    boot_id: 'bench-boot',
    occurred_at: new Date(at).toISOString(),
    version: 1,
    outcome_at: null,
    linked_id: null,
    recovered_by: null,
    synced_at: null,
  } as FailureRecord;
}

const terminalId = (k: number) => `T${String(k).padStart(5, '0')}`;
const payload = (terminal: string, recs: FailureRecord[]) =>
  JSON.stringify({ v: 1, fleet: FLEET, terminal, boot_id: 'bench-boot', records: recs });

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const pct = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)
    : NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n * 10) / 10;

async function count(pool: PgQueryable): Promise<number> {
  return Number((await pool.query('SELECT count(*) AS n FROM failures')).rows[0]?.n);
}

async function waitCount(pool: PgQueryable, n: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if ((await count(pool)) >= n) return Date.now();
    if (Date.now() > end)
      throw new Error(`only ${await count(pool)} of ${n} records stored after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/**
 * The bare insert rate: transactions of `batch` records (BEGIN, one INSERT, COMMIT) on `connections`
 * connections, without MQTT or the collector's checks, cases and terminals.
 */
async function floor(url: string, connections: number, batch = 1): Promise<number> {
  const pool = await openPgPool(url, connections);
  const per = Math.ceil(o.floorRecords / connections / batch) * batch;
  const at = new Date().toISOString();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const conn = await pool.connect();
      try {
        for (let i = 0; i < per; i += batch) {
          const vals: unknown[] = [];
          for (let j = i; j < i + batch; j++) {
            const r = record(c * per + j, terminalId(j % o.terminals));
            vals.push(...RECORD_COLUMNS.map((k) => (k === 'synced_at' ? at : r[k])));
            vals.push(FLEET, recordDigest(DIGEST_COLUMNS.map((k) => r[k])));
          }
          await conn.query('BEGIN');
          await conn.query(pgInsertSql(batch), vals);
          await conn.query('COMMIT');
        }
      } finally {
        conn.release();
      }
    }),
  );
  const rate = (per * connections) / ((performance.now() - t0) / 1000);
  await pool.end();
  return rate;
}

function collectors(url: string, n: number): ChildProcess[] {
  return Array.from({ length: n }, (_, k) =>
    spawn(
      process.execPath,
      [
        ...(o.prof ? ['--cpu-prof', '--cpu-prof-dir', o.prof] : []),
        CLI,
        'fleet',
        'collect',
        '--broker',
        brokerUrl,
        '--fleet',
        FLEET,
        '--pg',
        url,
        '--group',
        // a group of its own: the one-collector run's persistent session would still take a share
        `bench${n}`,
        '--client-id',
        `bench-${n}-${k}`,
        '--stats-interval',
        '0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    ),
  ).map((c, k) => {
    c.stderr?.on('data', (d: Buffer) => {
      logs.set(c, (logs.get(c) ?? '') + d.toString());
      if (process.env.BENCH_LOG) process.stderr.write(`[c${k}] ${d.toString()}`);
    });
    return c;
  });
}

async function subscribed(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          let err = '';
          const t = setTimeout(() => reject(new Error(`collector did not subscribe:\n${err}`)), 30_000);
          c.stderr?.on('data', (d: Buffer) => {
            err += d.toString();
            if (err.includes('"collect_subscribed"')) {
              clearTimeout(t);
              resolve();
            }
          });
        }),
    ),
  );
}

let brokerUrl = '';
const logs = new Map<ChildProcess, string>();

/** Messages and transactions of stopped collectors, from their last log line (collect_stopped). */
function transactions(children: ChildProcess[]): { messages: number; batches: number } {
  let messages = 0;
  let batches = 0;
  for (const c of children) {
    for (const line of (logs.get(c) ?? '').split('\n')) {
      if (!line.includes('"collect_stopped"')) continue;
      const e = JSON.parse(line) as { messages?: number; batches?: number };
      messages += e.messages ?? 0;
      batches += e.batches ?? 0;
    }
  }
  return { messages, batches };
}

const stats = new Map<number, { messages: number; batches: number; per: number }>();

async function run(n: number, clients: MqttClient[], pgUrl: string) {
  const url = await freshSchemaUrl({ url: pgUrl }, `c${n}`);
  await (await openPgFleetStore(url, 1)).close(); // migrated before the collectors start
  const pool = await openPgPool(url, 1);
  const procs = collectors(url, n);
  try {
    await subscribed(procs);
    // throughput: a burst, one record per message, terminals round-robin; the messages are made
    // before the clock starts (as terminals that had them ready), and sent with up to `window`
    // unacknowledged by the broker at a time
    let i = 0;
    const burst: Array<{ client: MqttClient; topic: string; body: string }> = [];
    for (; i < o.records; i++) {
      const t = i % clients.length;
      const term = terminalId(t);
      burst.push({
        client: clients[t] as MqttClient,
        topic: `pos/v1/${FLEET}/${term}/failures`,
        body: payload(term, [record(i, term)]),
      });
    }
    const window = 1000;
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: window }, async () => {
        while (next < burst.length) {
          const m = burst[next++] as (typeof burst)[number];
          await m.client.publishAsync(m.topic, m.body, { qos: 1 });
        }
      }),
    );
    const published = Date.now();
    const t1 = await waitCount(pool, o.records, 300_000);
    const recordsPerS = o.records / ((t1 - t0) / 1000);
    // lag at a steady rate: every 50 ms, rate/20 records
    const tick = 50;
    const per = Math.max(1, Math.round((o.rate * tick) / 1000));
    const total = o.rate * o.seconds;
    const start = Date.now();
    let sentLag = 0;
    for (let step = 0; sentLag < total; step++) {
      const due = start + step * tick;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      for (let k = 0; k < per && sentLag < total; k++, sentLag++, i++) {
        const t = i % clients.length;
        const term = terminalId(t);
        void (clients[t] as MqttClient).publishAsync(
          `pos/v1/${FLEET}/${term}/failures`,
          payload(term, [record(i, term)]),
          { qos: 1 },
        );
      }
    }
    const achieved = sentLag / ((Date.now() - start) / 1000);
    await waitCount(pool, o.records + total, 300_000);
    const lags = (
      await pool.query(
        `SELECT (extract(epoch FROM synced_at - occurred_at) * 1000)::float8 AS ms FROM failures ORDER BY occurred_at DESC LIMIT ${total}`,
      )
    ).rows
      .map((r) => Number(r.ms))
      .sort((a, b) => a - b);
    return {
      records_per_s: round(recordsPerS),
      // the burst's publishing (every PUBACK from the broker to the terminals) against its storing:
      // publishing done well before storing means the collectors, not the benchmark, set the rate
      burst_published_s: round((published - t0) / 1000),
      burst_stored_s: round((t1 - t0) / 1000),
      lag_rate_per_s: round(achieved),
      lag_p50_ms: round(pct(lags, 50)),
      lag_p99_ms: round(pct(lags, 99)),
      lag_max_ms: round(lags[lags.length - 1] ?? NaN),
    };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(
      procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))),
    );
    await pool.end();
    const t = transactions(procs);
    stats.set(n, { ...t, per: t.batches ? round(t.messages / t.batches) : NaN });
  }
}

async function main() {
  const pg = await startPostgres();
  const broker = await startMosquitto({ persistence: false });
  brokerUrl = broker.url;
  const clients: MqttClient[] = [];
  try {
    for (let k = 0; k < o.terminals; k += 50) {
      clients.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, o.terminals - k) }, (_, j) =>
            mqtt.connectAsync(broker.url, {
              clientId: `term-${k + j}`,
              protocolVersion: 4,
              reconnectPeriod: 0,
            }),
          ),
        )),
      );
    }
    const floorUrl = await freshSchemaUrl(pg, 'floor');
    await (await openPgFleetStore(floorUrl, 1)).close();
    const floor1 = await floor(floorUrl, 1);
    const floor2 = await floor(floorUrl, 2);
    const one = await run(1, clients, pg.url);
    const two = await run(2, clients, pg.url);
    // the bare rate of transactions as big as the two collectors' mean one
    const per = stats.get(2)?.per ?? NaN; // NaN: collectors that do not report transactions
    const batch = Number.isFinite(per) ? Math.max(1, Math.round(per)) : 1;
    const floorBatched = await floor(floorUrl, 2, batch);
    const result = {
      terminals: o.terminals,
      records: o.records,
      lag_target_rate_per_s: o.rate,
      floor_records_per_s: round(floor1),
      floor_2conn_records_per_s: round(floor2),
      floor_batched_2conn_records_per_s: round(floorBatched),
      floor_batch_records: batch,
      one: { ...one, transactions: stats.get(1)?.batches, messages_per_transaction: stats.get(1)?.per },
      two: { ...two, transactions: stats.get(2)?.batches, messages_per_transaction: stats.get(2)?.per },
      ratio_two_to_floor: ratio(two.records_per_s, floor1),
      ratio_two_to_floor_2conn: ratio(two.records_per_s, floor2),
      ratio_two_to_floor_batched: ratio(two.records_per_s, floorBatched),
      ratio_two_to_one: ratio(two.records_per_s, one.records_per_s),
      columns: COLLECTOR_COLUMNS.length,
    };
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else console.log(result);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await broker.close();
    await pg.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
