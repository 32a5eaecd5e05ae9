/**
 * `npm run soak`: a long fault run, outside the default test suite. The agent runs in this process
 * with the simulator (burst scenario) and a real SQLite file, publishing to a real Mosquitto
 * through a TCP proxy this script controls: the link is cut every --cut-every seconds for
 * --cut-for seconds and the broker is restarted every --restart-every seconds. At the end every
 * record in the database must have reached the broker (deduplicated by id), with no gap in seq.
 *
 *   npm run soak -- [--minutes 10] [--rate 300] [--cut-every 20] [--cut-for 5] [--restart-every 60] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError } from 'commander';
import mqtt from 'mqtt';
import { linkOpener } from '../agent/cli/commands/run.js';
import { loadConfig } from '../agent/config/index.js';
import { createLogger } from '../agent/log.js';
import { type LinkHandle, startAgent } from '../agent/run/agent.js';
import { findPans } from '../protocol/card/pan.js';
import { startMosquitto } from './lib/mosquitto.js';
import { startProxy } from './lib/tcp-proxy.js';

const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
};
const o = new Command()
  .name('soak')
  .option('--minutes <n>', 'how long to run', num, 10)
  .option('--rate <n>', 'simulator frames per second', num, 300)
  .option('--cut-every <s>', 'cut the link this often (seconds)', num, 20)
  .option('--cut-for <s>', 'keep it cut this long (seconds)', num, 5)
  .option('--restart-every <s>', 'restart the broker this often (seconds)', num, 60)
  .option('--json', 'print one JSON object on the last line')
  .parse()
  .opts<{
    minutes: number;
    rate: number;
    cutEvery: number;
    cutFor: number;
    restartEvery: number;
    json?: boolean;
  }>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-soak-'));
  const broker = await startMosquitto();
  const proxy = await startProxy({ port: broker.port });
  const received = new Map<string, number>(); // id → seq
  let messages = 0;
  let leaked = 0;
  const sub = mqtt.connect(broker.url, {
    clientId: 'soak-collector',
    clean: false,
    reconnectPeriod: 200,
    protocolVersion: 4,
  });
  sub.on('error', () => {});
  sub.on('message', (_t, payload) => {
    messages++;
    const text = payload.toString('utf8');
    if (findPans(text).length > 0) leaked++;
    for (const r of (JSON.parse(text) as { records: { id: string; seq: number }[] }).records)
      received.set(r.id, r.seq);
  });
  await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
  await new Promise<void>((resolve, reject) =>
    sub.subscribe('pos/v1/soak/+/failures', { qos: 1 }, (err) => (err ? reject(err) : resolve())),
  );

  const db = join(dir, 'soak.db');
  const cfg = loadConfig({
    flags: {
      simulate: { enabled: true, scenario: 'burst', rate: o.rate },
      store: { path: db },
      broker: { url: proxy.url, heartbeat_s: 5 },
      fleet: 'soak',
      terminal: { id: 'SOAK0001' },
      display: { driver: 'none' },
      log: { level: 'warn' },
    },
  });
  const log = createLogger({ level: 'warn', pretty: false });
  const open = linkOpener(cfg);
  let input: LinkHandle | null = null;
  const agent = await startAgent(
    cfg,
    {
      openLink: async (sink, l) => {
        input = await open(sink, l);
        return input;
      },
    },
    log,
    'soak',
  );

  const t0 = Date.now();
  const end = t0 + o.minutes * 60_000;
  let cuts = 0;
  let restarts = 0;
  let peakRss = 0;
  let peakOutbox = 0;
  let nextCut = t0 + o.cutEvery * 1000;
  let nextRestart = t0 + o.restartEvery * 1000;
  while (Date.now() < end) {
    await sleep(500);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    peakOutbox = Math.max(peakOutbox, agent.store.stats().outboxDepth);
    const now = Date.now();
    if (now >= nextCut) {
      proxy.cut();
      cuts++;
      await sleep(o.cutFor * 1000);
      proxy.restore();
      nextCut = Date.now() + o.cutEvery * 1000;
    }
    if (now >= nextRestart) {
      await broker.restart(1000);
      restarts++;
      nextRestart = Date.now() + o.restartEvery * 1000;
    }
  }
  // The run ends as a shift would: input stops, the link and broker are back, and the agent gets
  // the time it needs to drain its outbox (it may be in the middle of a reconnect backoff).
  await (input as LinkHandle | null)?.close();
  await agent.flush();
  const drainBy = Date.now() + 60_000;
  while (agent.store.stats().outboxDepth > 0 && Date.now() < drainBy) await sleep(250);
  const leftInOutbox = agent.store.stats().outboxDepth;
  await agent.stop();

  // every committed record must arrive; the collector may need a moment after the last reconnect
  const rows = (() => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare('SELECT id, seq FROM failures ORDER BY seq').all() as { id: string; seq: number }[];
    } finally {
      d.close();
    }
  })();
  const deadline = Date.now() + 60_000;
  while (rows.some((r) => !received.has(r.id)) && Date.now() < deadline) await sleep(250);
  const missing = rows.filter((r) => !received.has(r.id)).length;
  const seqs = [...received.values()].sort((a, b) => a - b);
  let gaps = 0;
  for (let i = 1; i < seqs.length; i++) if (seqs[i]! !== seqs[i - 1]! + 1) gaps++;
  sub.end(true);
  await proxy.close();
  await broker.close();
  rmSync(dir, { recursive: true, force: true });

  const result = {
    minutes: o.minutes,
    records: rows.length,
    received_unique: received.size,
    messages,
    missing,
    seq_gaps: gaps,
    cuts,
    broker_restarts: restarts,
    peak_outbox: peakOutbox,
    left_in_outbox: leftInOutbox,
    peak_rss_mb: Math.round((peakRss / 1048576) * 10) / 10,
    pan_leaks: leaked,
    ok: missing === 0 && gaps === 0 && leaked === 0,
  };
  if (!o.json) {
    console.log(
      `soak ${o.minutes} min: ${rows.length} records, ${received.size} received (${messages} messages), ` +
        `${missing} missing, ${gaps} seq gaps, ${cuts} link cuts, ${restarts} broker restarts, ` +
        `peak outbox ${peakOutbox}, peak RSS ${result.peak_rss_mb} MB: ${result.ok ? 'OK' : 'FAILED'}`,
    );
  }
  if (o.json) console.log(JSON.stringify(result));
  if (!result.ok) process.exitCode = 1;
}

await main();
