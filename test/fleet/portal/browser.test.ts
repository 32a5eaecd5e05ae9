/// <reference lib="dom" />
/**
 * The portal in a real browser (headless Chromium through playwright-core, one launch for the
 * file) against the built `pos-agent fleet serve` with Mosquitto, an SMTP server and a webhook
 * receiver started here. A merchant signs in, finds a failure by the card's last 4 digits, moves
 * its case to "issuer contacted" with a note (the audit trail shows it), sees a failure published
 * over MQTT arrive on the open list (and not another merchant's), and is refused (403) another
 * merchant's failure. The alert of the failure arrives by e-mail and by a webhook whose signature
 * the receiver checks with its own HMAC. Screenshots of the main pages go to
 * test-output/screenshots/ (git-ignored), kept for a person to look at.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../agent/fleet/portal/auth.js';
import { sqliteFleetStore } from '../../../agent/fleet/store/sqlite.js';
import type { FailureRecord } from '../../../agent/record.js';
import { findPans } from '../../../protocol/card/pan.js';
import { haveChromium, launchChromium } from '../../helpers/chromium.js';
import { type CliProc, killAll, spawnCli } from '../../helpers/cli.js';
import { ROOT } from '../../helpers/global-build.js';
import { freePort, haveMosquitto, type Mosquitto, startMosquitto } from '../../helpers/mosquitto.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitUntil } from '../../helpers/wait.js';
import { failures, metrics, recordAt, status } from '../payloads.js';

export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
const PASSWORD = 'correct horse battery';
const SECRET = 'browser-test-webhook-secret';
const FLEET = 'shops';
const NOW = Date.now();
/** Terminals that publish status and metrics. */
const HEALTHY = ['T0000001', 'T0000002'];

// M1's failure found by last 4 and moved along; M2's the one M1 may not open; one more of each
// published while the list is open
const mine = recordAt(1, NOW - 20 * 60_000, {
  merchant_id: 'M1',
  terminal_id: 'T0000001',
  pan_masked: '476173******4321',
  amount_minor: 4250,
});
const theirs = recordAt(2, NOW - 15 * 60_000, {
  merchant_id: 'M2',
  terminal_id: 'T0000002',
  pan_masked: '541333******8765',
});
const older = Array.from({ length: 6 }, (_, i) =>
  recordAt(10 + i, NOW - (90 + i * 37) * 60_000, {
    merchant_id: 'M1',
    terminal_id: i % 3 ? 'T0000001' : 'T0000003',
    pan_masked: `476173******${String(1000 + i * 1111).slice(-4)}`,
    rc: i % 2 ? '05' : '51',
    category: i % 2 ? 'issuer_decline' : 'insufficient_funds',
    amount_minor: 900 + i * 1234,
  }),
);
const liveMine = recordAt(3, NOW, {
  merchant_id: 'M1',
  terminal_id: 'T0000001',
  pan_masked: '476173******5555',
});
const liveTheirs = recordAt(4, NOW, {
  merchant_id: 'M2',
  terminal_id: 'T0000002',
  pan_masked: '541333******6666',
});

interface Hook {
  headers: IncomingHttpHeaders;
  body: string;
  valid: boolean;
}

/** The receiver's own check (docs/fleet-server.md §Webhook signature), not the sender's code. */
function signatureValid(headers: IncomingHttpHeaders, body: string): boolean {
  const ts = headers['pos-agent-timestamp'];
  const sig = headers['pos-agent-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string' || !/^\d+$/.test(ts)) return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const want = Buffer.from(`v1=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`);
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want);
}

describe.skipIf(!haveChromium() || !haveMosquitto())('the portal in headless Chromium', () => {
  const dir = tempDir('pos-browser-');
  let broker: Mosquitto;
  let pub: MqttClient;
  let smtp: SMTPServer;
  const mails: string[] = [];
  let hooks: Server;
  const hits: Hook[] = [];
  let serve: CliProc;
  let url = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const bodies: string[] = [];
  let unreadable = 0;
  const problems: string[] = [];
  /** The merchant's page, signed in by the first test. */
  let mia: Page | undefined;

  const publish = (records: FailureRecord[]) =>
    Promise.all(
      records.map((r) =>
        pub.publishAsync(
          `pos/v1/${FLEET}/${r.terminal_id}/failures`,
          JSON.stringify(failures(FLEET, r.terminal_id, [r])),
          { qos: 1 },
        ),
      ),
    );

  async function person(name: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('console', (m) => {
      // the refused page (403) is the one error the browser reports by design
      if (m.type() === 'error' && !/status of 403/.test(m.text()))
        problems.push(`${name} console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name} pageerror: ${e.message}`));
    page.on('response', (r) => {
      if ((r.headers()['content-type'] ?? '').startsWith('text/html'))
        // a page the test navigated away from before it loaded has no body left to read: it is
        // counted, not scanned (the same pages are read again elsewhere; the server's own HTML is
        // scanned by the HTTP tests)
        void r.text().then(
          (t) => bodies.push(t),
          () => unreadable++,
        );
    });
    await page.goto(`${url}/signin`);
    await page.getByTestId('signin-name').fill(name);
    await page.getByTestId('signin-password').fill(PASSWORD);
    await Promise.all([page.waitForURL(`${url}/failures`), page.getByTestId('signin-submit').click()]);
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    broker = await startMosquitto();
    smtp = new SMTPServer({
      authOptional: true,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(
            Buffer.concat(chunks)
              .toString('utf8')
              .replace(/=\r?\n/g, ''),
          );
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    hooks = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const valid = signatureValid(req.headers, body);
        hits.push({ headers: req.headers, body, valid });
        res.statusCode = valid ? 200 : 401;
        res.end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));

    const db = join(dir, 'fleet.db');
    const store = sqliteFleetStore(db);
    const hash = await hashPassword(PASSWORD);
    await store.createUser({ name: 'mia', role: 'merchant', merchantIds: ['M1'], passwordHash: hash });
    await store.createUser({ name: 'olga', role: 'operator', passwordHash: hash });
    await store.close();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const config = join(dir, 'fleet.json');
    writeFileSync(
      config,
      JSON.stringify({
        fleet: {
          serve: { db, broker: broker.url, listen: `127.0.0.1:${port}`, live_poll_ms: 200 },
          alerts: {
            base_url: url,
            smtp: {
              url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
              from: 'alerts@pos.test',
            },
            rules: [
              {
                id: 'm1-declines',
                kind: 'failure',
                params: { merchant_id: 'M1', categories: ['insufficient_funds'] },
                channels: {
                  email: ['owner@m1.test'],
                  webhooks: [
                    { url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`, secret: SECRET },
                  ],
                },
              },
            ],
          },
        },
      }),
    );
    const [b] = await Promise.all([
      launchChromium(),
      (async () => {
        serve = spawnCli(['fleet', 'serve', '--config', config], { env: { POS_AGENT_LOG_LEVEL: 'info' } });
        const log = () => `; stderr: ${serve.stderr().slice(-1500)}`;
        await waitUntil(
          () => serve.stdout().includes('portal at'),
          30_000,
          () => `fleet serve listening${log()}`,
          100,
        );
        await waitUntil(
          () => serve.stderr().includes('"collect_subscribed"'),
          30_000,
          () => `the collector subscribed${log()}`,
          100,
        );
      })(),
    ]);
    browser = b;
    pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    for (const t of HEALTHY) {
      await pub.publishAsync(
        `pos/v1/${FLEET}/${t}/status`,
        JSON.stringify(status(FLEET, t, 'online', new Date().toISOString())),
        { qos: 1, retain: true },
      );
      await pub.publishAsync(
        `pos/v1/${FLEET}/${t}/metrics`,
        JSON.stringify({
          ...metrics(FLEET, t, t.endsWith('1') ? 0 : 3),
          at: new Date().toISOString(),
          counts: { approved: 240, insufficient_funds: 7, issuer_decline: 3 },
        }),
        { qos: 0 },
      );
    }
    await publish([mine, theirs, ...older]);
  }, 90_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await pub?.endAsync();
    serve?.child.kill('SIGTERM');
    killAll();
    await broker?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    hooks?.close();
  });

  it('signs in, finds by last 4, moves the case with a note, sees a live failure, and is refused another merchant’s', async () => {
    const page = (mia = await person('mia'));
    // the sign-in page, as someone who is not signed in sees it
    const anon = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(anon);
    const signin = await anon.newPage();
    await signin.goto(`${url}/signin`);
    await shot(signin, '01-sign-in');

    // find M1's failure by the card's last 4 digits (it may still be on its way through the broker)
    for (let i = 0; ; i++) {
      await page.getByTestId('search-last4').fill('4321');
      await Promise.all([page.waitForURL(/last4=4321/), page.getByTestId('search-submit').click()]);
      if ((await page.getByTestId('result-row').count()) > 0 || i > 50) break;
      await page.waitForTimeout(200);
    }
    await expect.poll(() => page.getByTestId('result-row').count()).toBe(1);
    expect(await page.getByTestId('result-row').getAttribute('data-id')).toBe(mine.id);
    await page.goto(`${url}/failures`);
    await expect.poll(() => page.getByTestId('result-row').count()).toBe(1 + older.length);
    await shot(page, '02-failures');

    // the failure's page: move its case to issuer contacted with a note
    await page.goto(`${url}/failures?last4=4321`);
    await Promise.all([
      page.waitForURL(`${url}/failures/${mine.id}`),
      page.getByTestId('result-row').getByRole('link').click(),
    ]);
    await page.getByTestId('case-status').selectOption('issuer_contacted');
    await page.getByTestId('case-note').fill('Called the bank: the hold is lifted tomorrow morning');
    await Promise.all([
      page.waitForURL(`${url}/failures/${mine.id}`),
      page.getByTestId('case-submit').click(),
    ]);
    expect(await page.getByTestId('case-status-now').textContent()).toBe('issuer contacted');
    const trail = await page.getByTestId('audit-trail').textContent();
    expect(trail).toContain('status open → issuer contacted');
    expect(trail).toContain('note: Called the bank: the hold is lifted tomorrow morning');
    expect(trail).toContain('mia');
    // the contact-issuer script prints as the slip: one line each, 48 columns at most
    const script = (await page.getByTestId('issuer-script').textContent())!.split('\n');
    expect(script.length).toBeGreaterThan(8);
    expect(Math.max(...script.map((l) => l.length))).toBeLessThanOrEqual(48);
    await shot(page, '03-failure');

    // live: the open list gets M1's new failure, never M2's
    const events = page.waitForResponse((r) => r.url() === `${url}/events`);
    await page.goto(`${url}/failures`);
    await events;
    await publish([liveTheirs, liveMine]);
    await page.locator(`[data-testid="result-row"][data-id="${liveMine.id}"]`).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('live-updates').textContent()).toMatch(/1/);
    expect(await page.locator(`[data-id="${liveTheirs.id}"]`).count()).toBe(0);

    // another merchant's failure: 403
    const refused = await page.goto(`${url}/failures/${theirs.id}`);
    expect(refused?.status()).toBe(403);
    expect(await page.getByTestId('case-form').count()).toBe(0);
  });

  it('delivers the alert by e-mail and by a signed webhook whose link opens the case', async () => {
    const hook = await waitUntil(
      () => hits.find((h) => h.body.includes(mine.id)),
      15_000,
      'the webhook of the failure',
      100,
    );
    expect(hook.valid).toBe(true);
    expect(hook.headers['idempotency-key']).toContain(mine.id);
    const link = (JSON.parse(hook.body) as { link: string }).link;
    expect(link).toBe(`${url}/failures/${mine.id}`);
    const mail = await waitUntil(
      () => mails.find((m) => m.includes(mine.id)),
      15_000,
      'the e-mail of the failure',
      100,
    );
    expect(mail).toMatch(/^To: owner@m1\.test/m);
    expect(mail).toContain(link);
    expect(mail).toContain('476173******4321');
    // nothing was sent for the other merchant
    expect(hits.some((h) => h.body.includes(theirs.id))).toBe(false);
    expect(mails.some((m) => m.includes(theirs.id))).toBe(false);
    const page = mia!;
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.getByTestId('case-status-now').textContent()).toBe('issuer contacted');
  });

  it('shows an operator the terminals and the alert rules', async () => {
    const page = await person('olga');
    await page.goto(`${url}/terminals`);
    const terminals = new Set([...[mine, theirs, ...older].map((r) => r.terminal_id), ...HEALTHY]);
    await expect.poll(() => page.getByTestId('terminal-row').count()).toBe(terminals.size);
    for (const t of HEALTHY)
      expect(await page.locator(`[data-key="${FLEET}/${t}"] [data-col="state"]`).textContent()).toBe(
        'online',
      );
    await shot(page, '04-terminals');
    await page.goto(`${url}/alerts`);
    expect(await page.locator('[data-testid="rule-row"][data-id="m1-declines"]').count()).toBe(1);
    await shot(page, '05-alert-rules');
    await page.goto(`${url}/alerts/m1-declines`);
    // the webhook's secret is not shown
    const json = await page.getByTestId('rule-json').inputValue();
    expect(json).not.toContain(SECRET);
    expect(json.split('\n').length).toBeGreaterThan(10); // indented, one key a line
    await shot(page, '06-alert-rule');
  });

  it('logged no script error, and no page or message held a full card number', () => {
    expect(problems).toEqual([]);
    expect(bodies.length).toBeGreaterThan(unreadable); // most pages were read and scanned
    for (const t of [...bodies, ...mails, ...hits.map((h) => h.body), serve.stdout(), serve.stderr()])
      expect(findPans(t)).toEqual([]);
  });
});
