import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../agent/store/index.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { startEmbeddedBroker, type SyncOptions } from '../../agent/sync/index.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { captureLogger } from '../helpers/log.js';
import {
  collect,
  haveMosquitto,
  type Collector,
  startMosquitto,
  mosquittoForFile,
} from '../helpers/mosquitto.js';
import { recordN, startTestSync, uniqueSeqs } from '../helpers/sync.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const HAVE = haveMosquitto();
const FLEET = 'fl1';

const dir = tempDir('sync-test-');
const broker = mosquittoForFile();
const cleanup = cleanupAfterEach();

let n = 0;
function setup(url: string, extra: Partial<SyncOptions> = {}, terminal = `T${++n}`) {
  const store = openStore({ path: join(dir, `${terminal}-${Date.now()}.db`), bootId: 'b1' });
  const { lines, logger } = captureLogger();
  const sync = startTestSync({ url, fleet: FLEET, terminal, store, logger, ...extra });
  cleanup(
    () => sync.stop(),
    () => store.close(),
  );
  return { store, sync, lines, terminal };
}

async function sub(terminal: string): Promise<Collector> {
  const c = await collect(broker().url, `pos/v1/${FLEET}/${terminal}/#`);
  cleanup(() => c.close());
  return c;
}

describe.skipIf(!HAVE)('sync against a real Mosquitto', () => {
  it('publishes committed records in seq order, marks them synced on PUBACK, sends birth, metrics and a clean offline', async () => {
    const { store, sync, terminal } = setup(broker().url, {}, 'Tbasic');
    const c = await sub(terminal);
    const recs = await recordN(store, sync, 0, 1500, terminal);
    await waitUntil(() => c.records().length >= 1500, 15000, '1500 records');
    await waitUntil(() => store.stats().outboxDepth === 0, 5000, 'outbox drained');
    const got = c.records();
    expect(got.map((r) => r.id)).toEqual(recs.map((r) => r.id)); // in order, no duplicates here
    expect(got[0]).toEqual({ ...recs[0], synced_at: null });
    expect(store.db.prepare('SELECT COUNT(*) FROM failures WHERE synced_at IS NULL').pluck().get()).toBe(0);
    const status = c.messages.filter((m) => m.topic.endsWith('/status')).map((m) => JSON.parse(m.payload));
    expect(status[0]).toMatchObject({
      v: 1,
      state: 'online',
      version: '0.1.0',
      config_hash: 'abcdef0123456789',
      boot_id: 'b1',
    });
    // a heartbeat sent before the first commit carries no counts yet: wait for one sent after
    const lastMetrics = () =>
      JSON.parse(c.messages.filter((m) => m.topic.endsWith('/metrics')).at(-1)?.payload ?? '{}');
    await waitUntil(() => lastMetrics().counts?.approved > 0, 3000, 'metrics after the records');
    const metrics = lastMetrics();
    expect(metrics).toMatchObject({ v: 1, terminal, fleet: FLEET, boot_id: 'b1', alarms: [] });
    expect(metrics.counts.insufficient_funds).toBeGreaterThan(0);
    expect(metrics.counts.approved).toBeGreaterThan(0);
    await sync.stop();
    expect(sync.state()).toBe('stopped');
    await waitUntil(
      () => c.messages.some((m) => m.topic.endsWith('/status') && m.payload.includes('"offline"')),
      3000,
      'offline',
    );
    // the retained status a newcomer sees is 'offline'
    const late = await collect(broker().url, `pos/v1/${FLEET}/${terminal}/status`);
    cleanup(() => late.close());
    await waitUntil(() => late.messages.length > 0, 3000, 'retained status');
    expect(late.messages[0]).toMatchObject({ retain: true });
    expect(JSON.parse(late.messages[0]?.payload ?? '{}').state).toBe('offline');
  });

  it('respects the batch byte cap and the in-flight window', async () => {
    const { store, sync, terminal } = setup(broker().url, { batchBytes: 4096, inflight: 3 }, 'Tcap');
    const c = await sub(terminal);
    await recordN(store, sync, 0, 300, terminal);
    await waitUntil(() => c.records().length >= 300, 10000, '300 records');
    const batches = c.messages.filter((m) => m.topic.endsWith('/failures'));
    for (const b of batches) expect(Buffer.byteLength(b.payload)).toBeLessThanOrEqual(4096);
    expect(batches.length).toBeGreaterThan(300 / 12);
    expect(uniqueSeqs(c.records())).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('publishes the Last Will offline when the link dies, and resumes after the link returns', async () => {
    const proxy = await startProxy({ port: broker().port });
    cleanup(() => proxy.close());
    const { store, sync, terminal, lines } = setup(proxy.url, { keepaliveS: 1 }, 'Twill');
    const c = await sub(terminal);
    await waitUntil(() => c.messages.some((m) => m.payload.includes('"online"')), 5000, 'birth');
    proxy.cut();
    await waitUntil(
      () => c.messages.some((m) => m.topic.endsWith('/status') && m.payload.includes('"offline"')),
      5000,
      'will',
    );
    await waitUntil(() => sync.state() !== 'online', 3000, 'sync offline');
    const failed = sync.counters().connect_failures;
    await recordN(store, sync, 0, 50, terminal); // recorded while offline
    // a reconnect attempt after the records failed: they had no way out, and stay in the outbox
    await waitUntil(
      () => sync.counters().connect_failures > failed,
      3000,
      'a failed reconnect after the records',
    );
    expect(store.stats().outboxDepth).toBe(50);
    expect(lines.some((l) => l.includes('"event":"mqtt_connect_failed"') && l.includes('"reason"'))).toBe(
      true,
    );
    proxy.restore();
    await waitUntil(() => c.records().length >= 50, 10000, 'records after restore');
    expect(sync.state()).toBe('online');
  });

  it('keeps a row the broker refuses (error PUBACK), raises publish_rejected, and delivers it once allowed', async () => {
    const acl = join(dir, 'acl');
    writeFileSync(acl, 'topic read #\ntopic write pos/v1/+/+/status\ntopic write pos/v1/+/+/metrics\n');
    const b = await startMosquitto({ extra: [`acl_file ${acl}`] });
    cleanup(() => b.close());
    const { store, sync, terminal, lines } = setup(b.url, {}, 'Tacl');
    const c = await collect(b.url, `pos/v1/${FLEET}/${terminal}/#`);
    cleanup(() => c.close());
    await recordN(store, sync, 0, 20, terminal);
    await waitUntil(() => sync.counters().rejected_batches > 0, 5000, 'rejected batch');
    expect(store.stats().outboxDepth).toBe(20);
    expect(lines.some((l) => l.includes('mqtt_publish_rejected') && l.includes('"reason_code":135'))).toBe(
      true,
    );
    await waitUntil(
      () => c.messages.some((m) => m.topic.endsWith('/metrics') && m.payload.includes('publish_rejected')),
      5000,
      'publish_rejected in metrics',
    );
    writeFileSync(acl, 'topic readwrite #\n');
    b.reload();
    await waitUntil(() => c.records().length >= 20, 10000, 'records after ACL fix');
    await waitUntil(() => store.stats().outboxDepth === 0, 5000, 'outbox drained');
    expect(uniqueSeqs(c.records())).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await waitUntil(() => !sync.alarms().includes('publish_rejected'), 3000, 'alarm cleared');
  });

  it('authenticates with username/password; a wrong password is logged with its reason and retried', async () => {
    const pw = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-b', '-c', pw, 'term', 's3cret']);
    const b = await startMosquitto({ anonymous: false, extra: [`password_file ${pw}`] });
    cleanup(() => b.close());
    const bad = setup(b.url, { username: 'term', password: 'wrong' }, 'Tauth1');
    await waitUntil(() => bad.sync.counters().connect_failures >= 2, 5000, 'two failed attempts');
    expect(
      bad.lines.some(
        (l) =>
          l.includes('mqtt_connect_failed') && /[Nn]ot authorized|Bad User Name or Password|135|134/.test(l),
      ),
    ).toBe(true);
    expect(bad.lines.join('\n')).not.toContain('wrong'); // password redacted
    const good = setup(b.url, { username: 'term', password: 's3cret' }, 'Tauth2');
    await recordN(good.store, good.sync, 0, 5, 'Tauth2');
    await waitUntil(() => good.store.stats().outboxDepth === 0, 5000, 'authenticated drain');
  });

  it('works over TLS with a CA and a client certificate', async () => {
    const d = mkdtempSync(join(dir, 'tls-'));
    const ossl = (...a: string[]) => execFileSync('openssl', a, { cwd: d, stdio: 'ignore' });
    ossl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      '/CN=test-ca',
    );
    for (const who of ['server', 'client']) {
      ossl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${who}.key`,
        '-out',
        `${who}.csr`,
        '-subj',
        `/CN=${who === 'server' ? '127.0.0.1' : 'T-tls'}`,
      );
      writeFileSync(
        join(d, `${who}.ext`),
        who === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n',
      );
      ossl(
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-out',
        `${who}.crt`,
        '-extfile',
        `${who}.ext`,
      );
    }
    const b = await startMosquitto({
      extra: [
        `cafile ${d}/ca.crt`,
        `certfile ${d}/server.crt`,
        `keyfile ${d}/server.key`,
        'require_certificate true',
      ],
    });
    cleanup(() => b.close());
    const url = `mqtts://127.0.0.1:${b.port}`;
    const { store, sync } = setup(
      url,
      { ca: join(d, 'ca.crt'), cert: join(d, 'client.crt'), key: join(d, 'client.key') },
      'Ttls',
    );
    await recordN(store, sync, 0, 10, 'Ttls');
    await waitUntil(() => store.stats().outboxDepth === 0, 8000, 'TLS drain');
    expect(sync.counters().connects).toBeGreaterThanOrEqual(1);
    // without a client certificate the broker refuses, and the store keeps the rows
    const nocert = setup(url, { ca: join(d, 'ca.crt') }, 'Ttls2');
    await recordN(nocert.store, nocert.sync, 0, 3, 'Ttls2');
    await waitUntil(() => nocert.sync.counters().connect_failures >= 1, 5000, 'refused without a cert');
    expect(nocert.store.stats().outboxDepth).toBe(3);
  });

  it('resumes from the outbox after a restart of the agent (new store and sync on the same file)', async () => {
    const path = join(dir, 'resume.db');
    let store = openStore({ path, bootId: 'b1' });
    const a = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.record(syntheticFailure(i, 'Tres'))),
    );
    await store.close();
    const c = await sub('Tres');
    store = openStore({ path, bootId: 'b2' });
    const sync = startTestSync({ url: broker().url, fleet: FLEET, terminal: 'Tres', store, bootId: 'b2' });
    cleanup(
      () => sync.stop(),
      () => store.close(),
    );
    await waitUntil(() => c.records().length >= 200, 8000, 'resumed records');
    expect(c.records().map((r) => r.id)).toEqual(a.map((r) => r.id));
    expect(c.records()[0]?.boot_id).toBe('b1');
    expect(JSON.parse(c.messages.find((m) => m.topic.endsWith('/failures'))?.payload ?? '{}').boot_id).toBe(
      'b2',
    );
  });
});

describe('embedded broker (aedes)', () => {
  it('accepts the agent (falling back to MQTT 3.1.1) and carries records', async () => {
    const eb = await startEmbeddedBroker({ port: 0 });
    cleanup(() => eb.close());
    const { store, sync, terminal, lines } = setup(eb.url, {}, 'Temb');
    const c = await collect(eb.url, `pos/v1/${FLEET}/${terminal}/failures`);
    cleanup(() => c.close());
    await recordN(store, sync, 0, 100, terminal);
    await waitUntil(() => c.records().length >= 100, 8000, 'records via aedes');
    await waitUntil(() => store.stats().outboxDepth === 0, 5000, 'drained');
    expect(lines.some((l) => l.includes('mqtt_protocol_fallback'))).toBe(true);
  });
});
