/**
 * Fault runs against a real Mosquitto: broker restarts during a steady stream, a cut link, a
 * stalled link. Every record must arrive (after dedup by id), seq without gaps, first arrivals in
 * order, and no output may carry a full PAN.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type FailureStore } from '../../agent/store/index.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { processMetrics, startSync, type SyncHandle } from '../../agent/sync/index.js';
import { findPans } from '../../protocol/card/pan.js';
import {
  collect,
  haveMosquitto,
  startMosquitto,
  type Collector,
  type Mosquitto,
} from '../helpers/mosquitto.js';
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { captureLogger, sleep, uniqueSeqs, until, withoutTime } from './util.js';

const HAVE = haveMosquitto();
const FLEET = 'faults';
let dir: string;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sync-faults-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function agent(url: string, terminal: string, extra: Partial<Parameters<typeof startSync>[0]> = {}) {
  const { lines, logger } = captureLogger();
  const store = openStore({ path: join(dir, `${terminal}.db`), bootId: 'boot-f', logger });
  const sync = startSync({
    url,
    fleet: FLEET,
    terminal,
    store,
    bootId: 'boot-f',
    version: '0.1.0',
    configHash: 'cafe',
    metrics: processMetrics(store),
    heartbeatMs: 250,
    backoffMinMs: 50,
    backoffMaxMs: 300,
    keepaliveS: 1,
    connectTimeoutMs: 1000,
    batchSize: 50,
    logger,
    ...extra,
  });
  cleanups.push(
    () => sync.stop(),
    () => store.close(),
  );
  return { store, sync, lines };
}

/** Records `perTick` records every `tickMs` until stopped; returns the committed ids in order. */
function stream(store: FailureStore, sync: SyncHandle, terminal: string, perTick = 5, tickMs = 10) {
  const ids: string[] = [];
  let i = 0;
  let on = true;
  const done = (async () => {
    while (on) {
      const batch = await Promise.all(
        Array.from({ length: perTick }, () => store.record(syntheticFailure(i++, terminal))),
      );
      for (const r of batch) ids.push(r.id);
      sync.notify();
      await sleep(tickMs);
    }
  })();
  return {
    ids,
    stop: async () => {
      on = false;
      await done;
    },
  };
}

/** Common end checks: all ids arrived, seq 1..n without gap, first arrivals in seq order, no PAN anywhere. */
function checkDelivery(
  c: Collector,
  store: FailureStore,
  committed: string[],
  logLines: string[],
  extraTexts: string[] = [],
) {
  const got = c.records();
  const byId = new Map(got.map((r) => [r.id, r]));
  expect(byId.size).toBe(committed.length);
  for (const id of committed) expect(byId.has(id)).toBe(true);
  const seqs = uniqueSeqs(got);
  expect(seqs).toEqual(Array.from({ length: committed.length }, (_, i) => i + 1));
  // first arrival of each record is in seq order (resends only repeat what was already seen)
  const seen = new Set<string>();
  const firsts: number[] = [];
  for (const r of got) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    firsts.push(r.seq);
  }
  expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  expect(store.stats().outboxDepth).toBe(0);
  // no full PAN in payloads, log lines, database rows
  const rows = store.db.prepare('SELECT * FROM failures').all() as Array<Record<string, unknown>>;
  const texts = [
    ...c.messages.map((m) => m.payload),
    ...logLines.map(withoutTime),
    rows.map((r) => Object.values(r).join(' | ')).join('\n'),
    ...extraTexts,
  ];
  for (const t of texts) expect(findPans(t)).toEqual([]);
  return got.length - byId.size; // duplicates on the wire
}

describe.skipIf(!HAVE)('fault runs', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => broker?.close());

  it('broker restarted 10 times during a steady stream: all arrive, no duplicate after dedup, no seq gap', async () => {
    const terminal = 'Trestart';
    const { store, sync, lines } = agent(broker.url, terminal);
    const c = await collect(broker.url, `pos/v1/${FLEET}/${terminal}/#`, 'collector-restart');
    cleanups.push(() => c.close());
    await until(() => sync.counters().connects >= 1, 5000, 'first connect');
    const s = stream(store, sync, terminal);
    for (let k = 0; k < 10; k++) {
      // Each restart hits a connected agent: wait for the reconnect before the next one, so a
      // restart that lands while the client is still backing off is not silently merged with it.
      const before = sync.counters().connects;
      await sleep(150 + Math.floor(Math.random() * 150));
      await broker.restart(Math.floor(Math.random() * 100));
      await until(() => sync.counters().connects > before, 10000, `reconnect after restart ${k + 1}`);
    }
    await sleep(200);
    await s.stop();
    expect(s.ids.length).toBeGreaterThan(300);
    await until(() => store.stats().outboxDepth === 0, 20000, 'outbox drained after restarts');
    await c.waitFor(
      () => new Set(c.records().map((r) => r.id)).size >= s.ids.length,
      20000,
      'all records at the subscriber',
    );
    const dups = checkDelivery(c, store, s.ids, lines, [broker.log()]);
    expect(sync.counters().connects).toBeGreaterThanOrEqual(11);
    expect(lines.filter((l) => l.includes('"event":"mqtt_disconnected"')).length).toBeGreaterThanOrEqual(10);
    console.log(
      `restart run: ${s.ids.length} records, ${dups} duplicates on the wire, ${sync.counters().connects} connects`,
    );
  });

  it('link cut for a while, then restored: the backlog drains, in order', async () => {
    const terminal = 'Tcut';
    const proxy: TcpProxy = await startProxy({ port: broker.port });
    cleanups.push(() => proxy.close());
    const { store, sync, lines } = agent(proxy.url, terminal);
    const c = await collect(broker.url, `pos/v1/${FLEET}/${terminal}/#`, 'collector-cut');
    cleanups.push(() => c.close());
    const s = stream(store, sync, terminal);
    await sleep(300);
    proxy.cut();
    await sleep(1200);
    const depthDuringCut = store.stats().outboxDepth;
    expect(depthDuringCut).toBeGreaterThan(100);
    expect(sync.state()).not.toBe('online');
    proxy.restore();
    await sleep(300);
    await s.stop();
    await until(() => store.stats().outboxDepth === 0, 20000, 'backlog drained');
    await c.waitFor(() => new Set(c.records().map((r) => r.id)).size >= s.ids.length, 10000, 'all records');
    checkDelivery(c, store, s.ids, lines);
    expect(lines.some((l) => l.includes('mqtt_connect_failed'))).toBe(true);
    // the offline period shows in the metrics heartbeat as a deep outbox once back online
    const depths = c.messages
      .filter((m) => m.topic.endsWith('/metrics'))
      .map((m) => JSON.parse(m.payload).outbox_depth as number);
    expect(Math.max(...depths)).toBeGreaterThan(0);
  });

  it('link stalled (black hole), then restored: keepalive notices, the agent reconnects and drains', async () => {
    const terminal = 'Tstall';
    const proxy = await startProxy({ port: broker.port });
    cleanups.push(() => proxy.close());
    const { store, sync, lines } = agent(proxy.url, terminal);
    const c = await collect(broker.url, `pos/v1/${FLEET}/${terminal}/#`, 'collector-stall');
    cleanups.push(() => c.close());
    const s = stream(store, sync, terminal);
    await sleep(300);
    proxy.stall();
    await until(() => sync.state() !== 'online', 8000, 'stall detected');
    await sleep(300);
    proxy.restore();
    await sleep(200);
    await s.stop();
    await until(() => store.stats().outboxDepth === 0, 20000, 'drained after stall');
    await c.waitFor(() => new Set(c.records().map((r) => r.id)).size >= s.ids.length, 10000, 'all records');
    checkDelivery(c, store, s.ids, lines);
    expect(lines.some((l) => l.includes('mqtt_disconnected') && /[Kk]eepalive|timeout|PUBACK/.test(l))).toBe(
      true,
    );
  });
});
