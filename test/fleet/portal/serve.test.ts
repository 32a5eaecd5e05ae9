/**
 * `fleet serve` whole (runServe): a record published to Mosquitto is collected into the store,
 * shown in the portal, and alerted by webhook with a link the portal answers; and the portal over
 * a real PostgreSQL (a throwaway cluster): sign-in, search by last 4, a case moved with a note.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPans } from '../../../protocol/card/pan.js';
import { parseServeConfig } from '../../../agent/fleet/portal/config.js';
import { hashPassword } from '../../../agent/fleet/portal/auth.js';
import { runServe, type Served } from '../../../agent/fleet/portal/serve.js';
import { openPgFleetStore } from '../../../agent/fleet/store/postgres.js';
import { OPERATOR } from '../../../agent/fleet/store/types.js';
import { makeRecord } from '../../export/seed.js';
import { captureLogger } from '../../helpers/log.js';
import { haveMosquitto, type Mosquitto, startMosquitto } from '../../helpers/mosquitto.js';
import { freshSchemaUrl, havePostgres, type Postgres, startPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitUntil } from '../../helpers/wait.js';
import { failures, status } from '../payloads.js';
import { Browser, PASSWORD, startPortal, type TestPortal } from './harness.js';

const tmp = tempDir('pos-serve-');

describe.skipIf(!haveMosquitto())('fleet serve with a broker', () => {
  let broker: Mosquitto;
  let hooks: Server;
  const received: string[] = [];
  let served: Served;
  const { lines, logger } = captureLogger({ rateLimit: false });
  beforeAll(async () => {
    broker = await startMosquitto();
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    const port = (hooks.address() as { port: number }).port;
    const config = parseServeConfig({
      fleet: {
        serve: { db: join(tmp, 'serve.db'), broker: broker.url, listen: '127.0.0.1:0', live_poll_ms: 200 },
        alerts: {
          base_url: 'http://portal.example',
          rules: [
            {
              id: 'm1-failures',
              kind: 'failure',
              params: { merchant_id: 'M1', categories: ['insufficient_funds'] },
              channels: {
                webhooks: [{ url: `http://127.0.0.1:${port}/hook`, secret: 'sixteen-chars-or-more' }],
              },
            },
          ],
        },
      },
    });
    served = await runServe({ config, log: logger, clientId: 'serve-test' });
    await served.collector!.ready;
    await served.store.createUser({
      name: 'olga',
      role: 'operator',
      passwordHash: await hashPassword(PASSWORD),
    });
  }, 60_000);
  afterAll(async () => {
    await served?.stop();
    await broker?.close();
    hooks?.close();
  });

  it('collects a published record, shows it, and alerts with a link the portal answers', async () => {
    const r = makeRecord(7, { merchant_id: 'M1', terminal_id: 'T1', pan_masked: '476173******7007' });
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    await pub.publishAsync('pos/v1/shops/T1/failures', JSON.stringify(failures('shops', 'T1', [r])), {
      qos: 1,
    });
    await pub.endAsync();
    await waitUntil(
      () => served.store.getFailure({ role: 'operator' }, r.id),
      10_000,
      'the record stored',
      100,
    );
    const b = new Browser({
      url: served.url,
      store: served.store,
      live: served.live,
      bodies: [],
    } as unknown as TestPortal);
    await b.signIn('olga');
    const list = await b.get('/failures?last4=7007');
    expect(list.body).toContain(`data-id="${r.id}"`);
    const hook = await waitUntil(() => received.find((x) => x.includes(r.id)), 10_000, 'its webhook', 100);
    const link = (JSON.parse(hook) as { link: string }).link;
    expect(link).toBe(`http://portal.example/failures/${r.id}`);
    const page = await b.get(new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-testid="case-form"');
    // the config's rule is in the store and on the rules page
    expect((await b.get('/alerts')).body).toContain('data-id="m1-failures"');
    for (const x of [...received, list.body, page.body]) expect(findPans(x)).toEqual([]);
    expect(lines.some((l) => l.includes('"serve_started"'))).toBe(true);
  });

  it('refuses a spoofed topic: nothing stored, no live event, no alert, logged with a code', async () => {
    const events: string[] = [];
    const off = served.live.subscribe(OPERATOR, (ev) => {
      if (ev.type === 'failure' && ev.failure) events.push(ev.failure.id);
    });
    // T1 publishes records of T9, and T9's status; then a record of its own as a marker
    const spoofed = makeRecord(8, { merchant_id: 'M1', terminal_id: 'T9', pan_masked: '476173******8008' });
    const marker = makeRecord(9, { merchant_id: 'M1', terminal_id: 'T1', pan_masked: '476173******9009' });
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    await pub.publishAsync('pos/v1/shops/T1/failures', JSON.stringify(failures('shops', 'T9', [spoofed])), {
      qos: 1,
    });
    await pub.publishAsync('pos/v1/shops/T1/status', JSON.stringify(status('shops', 'T9', 'online')), {
      qos: 1,
    });
    await pub.publishAsync('pos/v1/shops/T1/failures', JSON.stringify(failures('shops', 'T1', [marker])), {
      qos: 1,
    });
    await pub.endAsync();
    await waitUntil(() => served.store.getFailure(OPERATOR, marker.id), 10_000, 'the marker stored', 100);
    await waitUntil(() => events.includes(marker.id), 10_000, 'the live event of the marker', 100);
    await waitUntil(
      () => received.some((x) => x.includes(marker.id)),
      10_000,
      'the webhook of the marker',
      100,
    );
    off();
    expect(await served.store.getFailure(OPERATOR, spoofed.id)).toBeNull();
    const terminals = await served.store.listTerminals(OPERATOR, { limit: 100 });
    expect(terminals.items.map((t) => t.terminal_id)).not.toContain('T9');
    expect(events).not.toContain(spoofed.id);
    expect(received.some((x) => x.includes(spoofed.id))).toBe(false);
    expect(lines.some((l) => l.includes('"collect_refused"') && l.includes('"E_TOPIC_MISMATCH"'))).toBe(true);
    expect(
      lines.some((l) => l.includes('"collect_health_refused"') && l.includes('"E_TOPIC_MISMATCH"')),
    ).toBe(true);
  });
});

describe.skipIf(!havePostgres())('the portal on PostgreSQL', () => {
  let pg: Postgres;
  let p: TestPortal;
  beforeAll(async () => {
    pg = await startPostgres();
    const store = await openPgFleetStore(await freshSchemaUrl(pg, 'portal'));
    p = await startPortal({
      log: captureLogger().logger,
      store,
      serve: { sign_in: { per_ip_per_min: 1000 } },
    });
    await store.insert('shops', [
      makeRecord(1, { merchant_id: 'M1', terminal_id: 'T1', pan_masked: '476173******1111' }),
      makeRecord(2, { merchant_id: 'M2', terminal_id: 'T2', pan_masked: '476173******2222' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    await pg?.close();
  });

  it('signs in, finds by last 4 in scope, and moves a case with a note into the audit trail', async () => {
    const b = new Browser(p);
    expect((await b.signIn('mia')).status).toBe(303);
    const found = await b.get('/failures?last4=1111');
    const id = /data-testid="result-row" data-id="([^"]+)"/.exec(found.body)![1]!;
    expect((await b.get('/failures?last4=2222')).body).toContain('data-testid="no-results"');
    const page = await b.get(`/failures/${id}`);
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const moved = await b.post(`/failures/${id}/case`, {
      version,
      status: 'issuer_contacted',
      note: 'bank says wait',
    });
    expect(moved.status).toBe(303);
    const after = await b.get(`/failures/${id}`);
    expect(after.body).toContain('status open → issuer contacted');
    expect(after.body).toContain('note: bank says wait');
    const other = makeRecord(2).id;
    expect((await b.get(`/failures/${other}`)).status).toBe(403);
  });
});
