/**
 * Store faults seen from the fleet: disk budget exceeded, SQLITE_FULL (a size-limited file via
 * PRAGMA max_page_count), a corrupt database at start. Each must raise its alarm in the `metrics`
 * heartbeat and in the logs, lose no record, and clear (where it can) once the cause is gone.
 */
import { copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type FailureStore } from '../../agent/store/index.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { captureLogger } from '../helpers/log.js';
import { collect, haveMosquitto, type Collector, mosquittoForFile } from '../helpers/mosquitto.js';
import { distinctIds, startTestSync } from '../helpers/sync.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const HAVE = haveMosquitto();
const FLEET = 'alarms';
const dir = tempDir('sync-alarms-');
const broker = mosquittoForFile();
const cleanup = cleanupAfterEach();

function metricsWith(c: Collector, alarm: string): Record<string, unknown> | undefined {
  for (const m of [...c.messages].reverse()) {
    if (!m.topic.endsWith('/metrics')) continue;
    const p = JSON.parse(m.payload);
    if (p.alarms.includes(alarm)) return p;
  }
  return undefined;
}

async function withSync(store: FailureStore, terminal: string, url = broker().url) {
  const c = await collect(broker().url, `pos/v1/${FLEET}/${terminal}/#`);
  const sync = startTestSync({ url, fleet: FLEET, terminal, store, heartbeatMs: 100, backoffMaxMs: 200 });
  cleanup(
    () => c.close(),
    () => sync.stop(),
  );
  return { c, sync };
}

describe.skipIf(!HAVE)('store alarms in metrics', () => {
  it('budget exceeded by unsynced rows: alarm in metrics and logs, nothing dropped; cleared once synced and purged', async () => {
    const terminal = 'Tbudget';
    const { lines, logger } = captureLogger();
    const store = openStore({ path: join(dir, 'budget.db'), bootId: 'b', budgetBytes: 200 * 1024, logger });
    cleanup(() => store.close());
    const proxy = await startProxy({ port: broker().port });
    cleanup(() => proxy.close());
    proxy.cut(); // offline: everything piles up in the outbox
    const { c } = await withSync(store, terminal, proxy.url);
    const recs = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => store.record(syntheticFailure(i, terminal))),
    );
    expect(store.alarms()).toContain('store_budget_exceeded');
    expect(store.stats().total).toBe(2000);
    expect(lines.some((l) => l.includes('"code":"store_budget_exceeded"') && l.includes('"level":50'))).toBe(
      true,
    );
    proxy.restore();
    await waitUntil(() => metricsWith(c, 'store_budget_exceeded') !== undefined, 5000, 'alarm in metrics');
    await waitUntil(() => distinctIds(c.records()) >= 2000, 15000, 'all records delivered');
    await waitUntil(() => !store.alarms().includes('store_budget_exceeded'), 5000, 'alarm cleared');
    expect(store.stats().total).toBeLessThan(2000); // synced rows purged
    expect(new Set(c.records().map((r) => r.id))).toEqual(new Set(recs.map((r) => r.id)));
    expect(lines.some((l) => l.includes('"event":"store_purged"'))).toBe(true);
  });

  it('SQLITE_FULL: alarm disk_full in metrics, records wait in memory and commit once space returns', async () => {
    const terminal = 'Tfull';
    const { lines, logger } = captureLogger();
    const store = openStore({
      path: join(dir, 'full.db'),
      bootId: 'b',
      logger,
      retryMinMs: 10,
      retryMaxMs: 100,
    });
    cleanup(() => store.close());
    const { c, sync } = await withSync(store, terminal);
    await store.record(syntheticFailure(0, terminal));
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 2}`); // the "disk" is now nearly full
    const pending = Array.from({ length: 500 }, (_, i) => store.record(syntheticFailure(i + 1, terminal)));
    await waitUntil(() => metricsWith(c, 'disk_full') !== undefined, 5000, 'disk_full in metrics');
    expect(lines.some((l) => l.includes('"code":"disk_full"'))).toBe(true);
    expect(sync.state()).toBe('online'); // no crash
    store.db.pragma('max_page_count = 1073741823');
    const recs = await Promise.all(pending);
    expect(recs.at(-1)?.seq).toBe(501);
    sync.notify();
    await waitUntil(() => distinctIds(c.records()) >= 501, 10000, 'all delivered');
    await waitUntil(() => !store.alarms().includes('disk_full'), 2000, 'alarm cleared');
    // the next heartbeats say so too
    const heartbeats = () => c.messages.filter((m) => m.topic.endsWith('/metrics'));
    const seen = heartbeats().length;
    await waitUntil(() => heartbeats().length > seen + 1, 2000, 'two heartbeats after the alarm cleared');
    expect(JSON.parse(heartbeats().at(-1)!.payload).alarms).not.toContain('disk_full');
  });

  it('corrupt database at start: moved aside, fresh one created, db_recreated in metrics', async () => {
    const terminal = 'Tcorrupt';
    const path = join(dir, 'corrupt.db');
    await openStore({ path, bootId: 'a' }).close(); // a database of this agent (a foreign file is refused)
    writeFileSync(path, Buffer.from('this is not an SQLite database at all, just bytes '.repeat(200)));
    const { lines, logger } = captureLogger();
    const store = openStore({ path, bootId: 'b', logger });
    cleanup(() => store.close());
    expect(store.movedAside).not.toBeNull();
    expect(lines.some((l) => l.includes('"event":"db_recreated"'))).toBe(true);
    const { c } = await withSync(store, terminal);
    await store.record(syntheticFailure(1, terminal));
    const m = await waitUntil(() => metricsWith(c, 'db_recreated'), 5000, 'db_recreated in metrics');
    expect(m).toMatchObject({ terminal, fleet: FLEET });
    await waitUntil(() => c.records().length >= 1, 5000, 'record delivered from the fresh database');
  });

  it('emptied database after a crash: the records its -wal still held are salvaged, logged and delivered', async () => {
    const terminal = 'Tempty';
    const live = join(dir, 'live.db');
    const first = openStore({ path: live, bootId: 'a' });
    const old = await Promise.all(
      Array.from({ length: 111 }, (_, i) => first.record(syntheticFailure(i, terminal))),
    );
    // the files as a SIGKILL leaves them, then the database file is truncated to 0 bytes
    const path = join(dir, 'empty.db');
    for (const sfx of ['', '-wal', '.hwm']) copyFileSync(live + sfx, path + sfx);
    await first.close();
    truncateSync(path, 0);
    const { lines, logger } = captureLogger();
    const store = openStore({ path, bootId: 'b', logger });
    cleanup(() => store.close());
    expect(store.alarms()).toContain('db_recreated');
    const salvaged = lines.find((l) => l.includes('"event":"db_salvaged"'));
    expect(salvaged && JSON.parse(salvaged)).toMatchObject({ held: 111, recovered: 111, lost: 0 });
    const { c } = await withSync(store, terminal);
    const fresh = await store.record(syntheticFailure(111, terminal));
    expect(fresh.seq).toBeGreaterThan(111); // seq never goes back
    await waitUntil(() => metricsWith(c, 'db_recreated') !== undefined, 5000, 'db_recreated in metrics');
    await waitUntil(() => distinctIds(c.records()) >= 112, 10000, 'all delivered');
    expect(new Set(c.records().map((r) => r.id))).toEqual(new Set([...old, fresh].map((r) => r.id)));
  });
});
