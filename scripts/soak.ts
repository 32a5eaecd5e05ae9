/**
 * `npm run soak`: a long fault run, outside the default test suite. Two agents run in this process
 * against a real Mosquitto and a real collector (`fleet collect --fleet +` in-process, SQLite sink):
 *
 * - agent A (fleet soak-a, terminal TERM0001, burst scenario) publishes through a TCP proxy this
 *   script controls: the link is cut every --cut-every seconds for --cut-for seconds and the broker
 *   is restarted every --restart-every seconds. Every --flood-every seconds, random bytes are
 *   pushed into A's serial stream as fast as the framer takes them, for --flood-for seconds. A is
 *   stopped and started again on the same database every --agent-restart-every seconds, and at
 *   every other restart its database file is truncated to 0 bytes while it is down (after its
 *   outbox drained: a clean stop checkpoints the WAL away, so unsynced records would really be gone);
 * - agent B (fleet soak-b, also TERM0001: two fleets sharing a terminal id) runs the normal shift
 *   straight to the broker.
 *
 * At the end it prints, over both agents: produced (failures the pipelines recorded), stored
 * (committed to SQLite), delivered (stored records found in the collector's database by id), lost
 * (stored but not delivered, plus produced but not stored), duplicated (collector rows beyond one per
 * id) and the collector's conflict counters. It also scans the MQTT payloads, the agents' log and
 * the collector's database for PANs. The run is OK when lost, duplicated, seq conflicts within a
 * fleet and PAN leaks are all 0.
 *
 *   npm run soak -- [--minutes 10] [--rate 300] [--cut-every 20] [--cut-for 5] [--restart-every 60]
 *                   [--agent-restart-every 45] [--flood-every 30] [--flood-for 5] [--json]
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError } from 'commander';
import mqtt from 'mqtt';
import { loadConfig } from '../agent/config/index.js';
import { startCollector } from '../agent/fleet/collector.js';
import { sqliteSink } from '../agent/fleet/sinks.js';
import { createLogger, type Logger } from '../agent/log.js';
import { type Agent, startAgent } from '../agent/run/agent.js';
import { RECORD_COLUMNS } from '../agent/store/schema.js';
import { frameStream } from '../hardware/serial/index.js';
import { createSimulatorStream, type ScenarioName } from '../hardware/simulator/index.js';
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
  .option('--rate <n>', 'agent A simulator frames per second', num, 300)
  .option('--cut-every <s>', 'cut agent A broker link this often (seconds)', num, 20)
  .option('--cut-for <s>', 'keep it cut this long (seconds)', num, 5)
  .option('--restart-every <s>', 'restart the broker this often (seconds)', num, 60)
  .option(
    '--agent-restart-every <s>',
    'restart agent A this often; every other time its database is emptied',
    num,
    45,
  )
  .option('--flood-every <s>', 'flood agent A serial stream with random bytes this often (seconds)', num, 30)
  .option('--flood-for <s>', 'each flood lasts this long (seconds)', num, 5)
  .option('--json', 'print one JSON object on the last line')
  .parse()
  .opts<{
    minutes: number;
    rate: number;
    cutEvery: number;
    cutFor: number;
    restartEvery: number;
    agentRestartEvery: number;
    floodEvery: number;
    floodFor: number;
    json?: boolean;
  }>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One agent with a simulated module whose byte stream this script can add random bytes to. */
interface SoakAgent {
  agent: Agent;
  /** Pushes random bytes into the serial stream for `ms` as fast as the framer takes them. */
  flood(ms: number): Promise<number>;
  /** Failures the pipeline recorded so far (this run of the agent). */
  produced(): number;
  stop(): Promise<void>;
}

interface AgentSpec {
  fleet: string;
  db: string;
  broker: string;
  scenario: ScenarioName;
  rate: number;
  seed: number;
  stored: Set<string>;
  log: Logger;
}

async function startSoakAgent(spec: AgentSpec): Promise<SoakAgent> {
  const cfg = loadConfig({
    flags: {
      store: { path: spec.db },
      broker: { url: spec.broker, heartbeat_s: 5 },
      fleet: spec.fleet,
      display: { driver: 'none' },
      log: { level: 'info' },
    },
  });
  const bytes = new PassThrough({ highWaterMark: 64 * 1024 });
  let sim: ReturnType<typeof createSimulatorStream> | null = null;
  const agent = await startAgent(
    cfg,
    {
      openLink: (sink) => {
        sim = createSimulatorStream({
          scenario: spec.scenario,
          framing: 'line',
          dialect: 'ascii',
          seed: spec.seed,
          rate: spec.rate,
          terminalId: cfg.terminal.id.padEnd(8, ' '),
          merchantId: cfg.terminal.merchant_id.padEnd(15, ' '),
        });
        // the simulator pushes whole frames; random bytes go between them
        sim.on('data', (chunk: Buffer) => bytes.write(chunk));
        const framer = frameStream(bytes, { framing: 'line' }, sink);
        return {
          close: async () => {
            sim?.destroy();
            framer.detach();
          },
        };
      },
      onCommitted: (rec) => spec.stored.add(rec.id),
    },
    spec.log,
    'soak',
  );
  return {
    agent,
    produced: () => agent.pipeline.counters.failures,
    async flood(ms) {
      const end = Date.now() + ms;
      let n = 0;
      while (Date.now() < end) {
        // a newline after each burst: the frame after it starts on a line of its own
        const chunk = Buffer.concat([randomBytes(4096), Buffer.from('\n')]);
        n += chunk.length;
        if (!bytes.write(chunk)) await new Promise((r) => bytes.once('drain', r));
        else await new Promise((r) => setImmediate(r));
      }
      return n;
    },
    async stop() {
      await agent.stop();
    },
  };
}

async function waitDrained(a: SoakAgent, ms: number): Promise<boolean> {
  const by = Date.now() + ms;
  await a.agent.flush();
  while (a.agent.store.stats().outboxDepth > 0 && Date.now() < by) await sleep(250);
  return a.agent.store.stats().outboxDepth === 0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-soak-'));
  const broker = await startMosquitto();
  const proxy = await startProxy({ port: broker.port });
  const logFile = join(dir, 'agents.log');
  const logOut = createWriteStream(logFile);
  const log = createLogger({ level: 'info', destination: logOut });

  // PAN scan of everything on the wire
  let messages = 0;
  let payloadLeaks = 0;
  const tap = mqtt.connect(broker.url, { clientId: 'soak-tap', clean: true, reconnectPeriod: 200 });
  tap.on('error', () => {});
  tap.on('connect', () => tap.subscribe('pos/v1/#', { qos: 0 }));
  tap.on('message', (_t, payload) => {
    messages++;
    if (findPans(payload.toString('utf8')).length > 0) payloadLeaks++;
  });

  const collectorDb = join(dir, 'fleet.db');
  const sink = sqliteSink(collectorDb);
  const collector = startCollector({
    broker: broker.url,
    fleet: '+',
    clientId: 'soak-collector',
    sink,
    log: createLogger({ level: 'warn', destination: logOut }),
  });
  await collector.ready;

  const storedA = new Set<string>();
  const storedB = new Set<string>();
  const specA: AgentSpec = {
    fleet: 'soak-a',
    db: join(dir, 'a.db'),
    broker: proxy.url,
    scenario: 'burst',
    rate: o.rate,
    seed: 1,
    stored: storedA,
    log,
  };
  const specB: AgentSpec = {
    fleet: 'soak-b',
    db: join(dir, 'b.db'),
    broker: broker.url,
    scenario: 'shift',
    rate: Math.max(1, Math.round(o.rate / 10)),
    seed: 2,
    stored: storedB,
    log,
  };
  let a = await startSoakAgent(specA);
  const b = await startSoakAgent(specB);
  let producedA = 0;

  const t0 = Date.now();
  const end = t0 + o.minutes * 60_000;
  let cuts = 0;
  let restarts = 0;
  let agentRestarts = 0;
  let dbTruncations = 0;
  let floods = 0;
  let floodBytes = 0;
  let peakRss = 0;
  let nextCut = t0 + o.cutEvery * 1000;
  let nextRestart = t0 + o.restartEvery * 1000;
  let nextAgentRestart = t0 + o.agentRestartEvery * 1000;
  let nextFlood = t0 + o.floodEvery * 1000;
  let flooding: Promise<void> | null = null;
  while (Date.now() < end) {
    await sleep(500);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const now = Date.now();
    if (now >= nextFlood && !flooding) {
      floods++;
      flooding = a.flood(o.floodFor * 1000).then((n) => {
        floodBytes += n;
        flooding = null;
      });
      nextFlood = now + o.floodEvery * 1000;
    }
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
    if (now >= nextAgentRestart) {
      await flooding;
      const truncate = agentRestarts % 2 === 1;
      // before emptying the file, let the outbox drain: what is truncated away is then only
      // records the collector already has, and the run checks that new ones are not taken for them
      if (truncate) await waitDrained(a, 60_000);
      producedA += a.produced();
      await a.stop();
      if (truncate) {
        truncateSync(specA.db, 0);
        dbTruncations++;
      }
      a = await startSoakAgent(specA);
      agentRestarts++;
      nextAgentRestart = Date.now() + o.agentRestartEvery * 1000;
    }
  }
  await flooding;
  // The run ends as a shift would: input stops, the link and broker are back, and the agents get
  // the time they need to drain their outboxes (one may be in the middle of a reconnect backoff).
  proxy.restore();
  const drainedA = await waitDrained(a, 60_000);
  const drainedB = await waitDrained(b, 60_000);
  producedA += a.produced();
  const producedB = b.produced();
  await a.stop();
  await b.stop();

  // every stored record must reach the collector; it may need a moment after the last reconnect
  const fleet = new Database(collectorDb, { readonly: true });
  const count = () =>
    fleet.prepare('SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM failures').get() as {
      rows: number;
      ids: number;
    };
  const has = fleet.prepare('SELECT 1 FROM failures WHERE id = ?').pluck();
  const stored = [...storedA, ...storedB];
  const deadline = Date.now() + 60_000;
  let missing = stored.filter((id) => has.get(id) === undefined).length;
  while (missing > 0 && Date.now() < deadline) {
    await sleep(500);
    missing = stored.filter((id) => has.get(id) === undefined).length;
  }
  const { rows, ids } = count();
  const seqConflictRows = fleet
    .prepare('SELECT count(*) FROM failures WHERE seq_conflict = 1')
    .pluck()
    .get() as number;
  const byFleet = fleet.prepare('SELECT fleet, count(*) AS n FROM failures GROUP BY fleet').all();
  fleet.close();
  const collectorStats = { ...collector.stats, alarms: collector.alarms() };
  await collector.stop();
  tap.end(true);
  await proxy.close();
  await broker.close();
  await new Promise<void>((r) => logOut.end(r));
  const logText = readFileSync(logFile, 'utf8');
  const logLeaks = findPans(logText).length;
  // the record's columns, as JSON: the raw file would glue adjacent digit fields (STAN, RRN) into
  // false runs, and the collector's content digest (hex sha256) is no card data
  const dbLeaks = (() => {
    const d = new Database(collectorDb, { readonly: true });
    try {
      let n = 0;
      const rows = d.prepare(`SELECT ${RECORD_COLUMNS.join(', ')} FROM failures`).iterate();
      for (const row of rows) n += findPans(JSON.stringify(row)).length;
      return n;
    } finally {
      d.close();
    }
  })();
  const logEvents = (name: string) =>
    logText.split('\n').filter((l) => l.includes(`"event":"${name}"`)).length;
  rmSync(dir, { recursive: true, force: true });

  const produced = producedA + producedB;
  const lost = missing + Math.max(0, produced - stored.length);
  const result = {
    minutes: o.minutes,
    produced,
    stored: stored.length,
    delivered: stored.length - missing,
    lost,
    duplicated: rows - ids,
    collector_rows: rows,
    collector_by_fleet: byFleet,
    seq_conflict_rows: seqConflictRows,
    collector: collectorStats,
    messages,
    cuts,
    broker_restarts: restarts,
    agent_restarts: agentRestarts,
    db_truncations: dbTruncations,
    db_recreated_logged: logEvents('db_recreated'),
    floods,
    flood_mb: Math.round((floodBytes / 1048576) * 10) / 10,
    drained: drainedA && drainedB,
    peak_rss_mb: Math.round((peakRss / 1048576) * 10) / 10,
    pan_leaks: { payloads: payloadLeaks, log: logLeaks, collector_db: dbLeaks },
    ok: false,
  };
  result.ok =
    lost === 0 &&
    result.duplicated === 0 &&
    seqConflictRows === 0 &&
    payloadLeaks + logLeaks + dbLeaks === 0 &&
    result.db_recreated_logged >= dbTruncations;
  if (!o.json) {
    console.log(
      `soak ${o.minutes} min: produced ${produced}, stored ${stored.length}, delivered ${result.delivered}, ` +
        `lost ${lost}, duplicated ${result.duplicated}, seq conflicts ${seqConflictRows}; ` +
        `${cuts} link cuts, ${restarts} broker restarts, ${agentRestarts} agent restarts ` +
        `(${dbTruncations} with the database emptied, ${result.db_recreated_logged} db_recreated logged), ` +
        `${floods} floods (${result.flood_mb} MB of random bytes), peak RSS ${result.peak_rss_mb} MB, ` +
        `PAN leaks ${payloadLeaks + logLeaks + dbLeaks}: ${result.ok ? 'OK' : 'FAILED'}`,
    );
  }
  if (o.json) console.log(JSON.stringify(result));
  if (!result.ok) process.exitCode = 1;
}

await main();
