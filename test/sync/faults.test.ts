/**
 * Fault runs against a real Mosquitto: broker restarts during a steady stream, a cut link, a
 * stalled link. Every record must arrive (after dedup by id), seq without gaps, first arrivals in
 * order, and no output may carry a full PAN.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type FailureStore } from '../../agent/store/index.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import type { SyncHandle, SyncOptions } from '../../agent/sync/index.js';
import { findPans } from '../../protocol/card/pan.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { captureLogger, withoutTime } from '../helpers/log.js';
import { collect, haveMosquitto, type Collector, mosquittoForFile } from '../helpers/mosquitto.js';
import { distinctIds, startTestSync, uniqueSeqs } from '../helpers/sync.js';
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { tempDir } from '../helpers/tmp.js';
import { sleep, waitUntil } from '../helpers/wait.js';

const HAVE = haveMosquitto();
const FLEET = 'faults';
const dir = tempDir('sync-faults-');
const cleanup = cleanupAfterEach();

function agent(url: string, terminal: string, extra: Partial<SyncOptions> = {}) {
  const { lines, logger } = captureLogger();
  const store = openStore({ path: join(dir, `${terminal}.db`), bootId: 'boot-f', logger });
  const sync = startTestSync({
    url,
    fleet: FLEET,
    terminal,
    store,
    bootId: 'boot-f',
    heartbeatMs: 250,
    backoffMaxMs: 300,
    keepaliveS: 1,
    connectTimeoutMs: 1000,
    batchSize: 50,
    logger,
    ...extra,
  });
  cleanup(
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
  const broker = mosquittoForFile();

  it('broker restarted 10 times during a steady stream: all arrive, no duplicate after dedup, no seq gap', async () => {
    const terminal = 'Trestart';
    const { store, sync, lines } = agent(broker().url, terminal);
    const c = await collect(broker().url, `pos/v1/${FLEET}/${terminal}/#`, 'collector-restart');
    cleanup(() => c.close());
    await waitUntil(() => sync.counters().connects >= 1, 5000, 'first connect');
    const s = stream(store, sync, terminal);
    for (let k = 0; k < 10; k++) {
      // Each restart hits a connected agent: wait for the reconnect before the next one, so a
      // restart that lands while the client is still backing off is not silently merged with it.
      const before = sync.counters().connects;
      const due = s.ids.length + 40 + Math.floor(Math.random() * 40); // a restart at a random moment
      await waitUntil(() => s.ids.length >= due, 5000, `${due} records committed before restart ${k + 1}`);
      await broker().restart(Math.floor(Math.random() * 100));
      await waitUntil(() => sync.counters().connects > before, 10000, `reconnect after restart ${k + 1}`);
    }
    const last = s.ids.length;
    await waitUntil(
      () => distinctIds(c.records()) > last,
      10000,
      'records published after the last reconnect',
    );
    await s.stop();
    expect(s.ids.length).toBeGreaterThan(300);
    await waitUntil(() => store.stats().outboxDepth === 0, 20000, 'outbox drained after restarts');
    await waitUntil(() => distinctIds(c.records()) >= s.ids.length, 20000, 'all records at the subscriber');
    const dups = checkDelivery(c, store, s.ids, lines, [broker().log()]);
    expect(sync.counters().connects).toBeGreaterThanOrEqual(11);
    expect(lines.filter((l) => l.includes('"event":"mqtt_disconnected"')).length).toBeGreaterThanOrEqual(10);
    console.log(
      `restart run: ${s.ids.length} records, ${dups} duplicates on the wire, ${sync.counters().connects} connects`,
    );
  });

  it('link cut for a while, then restored: the backlog drains, in order', async () => {
    const terminal = 'Tcut';
    const proxy: TcpProxy = await startProxy({ port: broker().port });
    cleanup(() => proxy.close());
    const { store, sync, lines } = agent(proxy.url, terminal);
    const c = await collect(broker().url, `pos/v1/${FLEET}/${terminal}/#`, 'collector-cut');
    cleanup(() => c.close());
    const s = stream(store, sync, terminal);
    await waitUntil(() => distinctIds(c.records()) >= 50, 5000, '50 records through the link before the cut');
    proxy.cut();
    await waitUntil(() => sync.counters().connect_failures >= 2, 8000, 'two refused connects during the cut');
    await waitUntil(
      () => store.stats().outboxDepth > 100,
      5000,
      'a backlog of over 100 records during the cut',
    );
    expect(sync.state()).not.toBe('online');
    proxy.restore();
    await waitUntil(() => sync.state() === 'online', 8000, 'online again after the restore');
    const atRestore = s.ids.length;
    await waitUntil(() => s.ids.length > atRestore + 50, 5000, '50 more records committed once back online');
    await s.stop();
    await waitUntil(() => store.stats().outboxDepth === 0, 20000, 'backlog drained');
    await waitUntil(() => distinctIds(c.records()) >= s.ids.length, 10000, 'all records');
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
    const proxy = await startProxy({ port: broker().port });
    cleanup(() => proxy.close());
    const { store, sync, lines } = agent(proxy.url, terminal);
    const c = await collect(broker().url, `pos/v1/${FLEET}/${terminal}/#`, 'collector-stall');
    cleanup(() => c.close());
    const s = stream(store, sync, terminal);
    await waitUntil(
      () => distinctIds(c.records()) >= 50,
      5000,
      '50 records through the link before the stall',
    );
    proxy.stall();
    await waitUntil(() => sync.state() !== 'online', 8000, 'stall detected');
    await waitUntil(
      () => store.stats().outboxDepth > 100,
      5000,
      'a backlog of over 100 records during the stall',
    );
    proxy.restore();
    await waitUntil(() => sync.state() === 'online', 8000, 'online again after the restore');
    const atRestore = s.ids.length;
    await waitUntil(() => s.ids.length > atRestore + 50, 5000, '50 more records committed once back online');
    await s.stop();
    await waitUntil(() => store.stats().outboxDepth === 0, 20000, 'drained after stall');
    await waitUntil(() => distinctIds(c.records()) >= s.ids.length, 10000, 'all records');
    checkDelivery(c, store, s.ids, lines);
    expect(lines.some((l) => l.includes('mqtt_disconnected') && /[Kk]eepalive|timeout|PUBACK/.test(l))).toBe(
      true,
    );
  });
});
