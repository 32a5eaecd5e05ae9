/**
 * Alert delivery with real parts: an SMTP server started here receives the e-mail (nodemailer), a
 * local HTTP receiver checks each webhook's signature, answers 500 once and sees the retry with
 * the same idempotency key; the outbox is the fleet store's, on SQLite and on a real PostgreSQL, and
 * a crash between send and mark is sent again with its key and logged; a daily digest goes out once
 * its day is over.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_MS, deliverDue, toDeliveries } from '../../../agent/fleet/alerts/dispatch.js';
import { messageId } from '../../../agent/fleet/alerts/email.js';
import { type AlertsConfig, parseAlertsConfig } from '../../../agent/fleet/alerts/rules.js';
import { DeliveryError, type Sender } from '../../../agent/fleet/alerts/send.js';
import { runAlerts } from '../../../agent/fleet/alerts/service.js';
import { IDEMPOTENCY_HEADER, verifyWebhook, webhookSender } from '../../../agent/fleet/alerts/webhook.js';
import { silentLogger } from '../../../agent/log.js';
import { findPans } from '../../../protocol/card/pan.js';
import { openOutbox, storeBackends } from '../../helpers/fleet-stores.js';
import { captureLogger } from '../../helpers/log.js';
import { saleRecord } from '../../helpers/sale.js';
import { waitUntil } from '../../helpers/wait.js';

const SECRET = 'whsec-0123456789abcdef-test';
const T0 = Date.parse('2026-01-15T10:00:00.000Z');

interface Mail {
  to: string[];
  raw: string;
}
interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
  valid: boolean;
}

let smtp: SMTPServer;
let smtpPort = 0;
const mails: Mail[] = [];
let http: Server;
let httpPort = 0;
const hits: Hit[] = [];
/** Status codes the receiver answers with, in order; 200 when empty. */
const answers: number[] = [];

/** Quoted-printable soft breaks and escapes undone, as a mail reader shows the text. */
function qpDecode(raw: string): string {
  const bytes = Buffer.from(raw.replace(/=\r?\n/g, ''), 'latin1');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
    if (bytes[i] === 0x3d && /^[0-9A-F]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else out.push(bytes[i]!);
  }
  return Buffer.from(out).toString('utf8');
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: qpDecode(Buffer.concat(chunks).toString('latin1')),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const valid = verifyWebhook({
        secret: SECRET,
        body,
        timestamp: req.headers['pos-agent-timestamp'] as string | undefined,
        signature: req.headers['pos-agent-signature'] as string | undefined,
      });
      hits.push({ headers: req.headers, body, valid });
      res.statusCode = valid ? (answers.shift() ?? 200) : 401;
      res.end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  httpPort = (http.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => http.close(() => r()));
});

beforeEach(() => {
  mails.length = 0;
  hits.length = 0;
  answers.length = 0;
});

function config(
  mode: 'each-event' | 'daily-digest' = 'each-event',
  extra: Record<string, unknown> = {},
): AlertsConfig {
  return parseAlertsConfig({
    base_url: 'https://portal.example.com',
    timezone: 'Europe/Helsinki',
    smtp: { url: `smtp://127.0.0.1:${smtpPort}`, from: 'alerts@pos.example' },
    retry: { max_attempts: 3, min_delay_s: 1, max_delay_s: 60 },
    rules: [
      {
        id: 'every',
        kind: 'failure',
        mode,
        params: { merchant_id: 'MID000000123456', categories: ['issuer_decline', 'insufficient_funds'] },
        channels: {
          email: ['owner@shop.example'],
          webhooks: [{ url: `http://127.0.0.1:${httpPort}/hook`, secret: SECRET }],
        },
      },
    ],
    ...extra,
  });
}

describe('webhook signature', () => {
  it('refuses a forged signature, a replayed timestamp and a changed body (the receiver side)', () => {
    const body = '{"v":1}';
    const ts = String(Math.floor(T0 / 1000));
    const sig = `v1=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
    const ok = { secret: SECRET, body, timestamp: ts, signature: sig, nowS: Math.floor(T0 / 1000) + 10 };
    expect(verifyWebhook(ok)).toBe(true);
    expect(verifyWebhook({ ...ok, body: '{"v":2}' })).toBe(false);
    expect(verifyWebhook({ ...ok, secret: 'another-secret-of-16' })).toBe(false);
    expect(verifyWebhook({ ...ok, nowS: ok.nowS + 600 })).toBe(false);
    expect(verifyWebhook({ ...ok, signature: undefined })).toBe(false);
  });
});

for (const backend of storeBackends('alerts')) {
  describe.skipIf(!backend.available)(`alert delivery through the ${backend.name} fleet store`, () => {
    it('mails the alert over SMTP and posts a signed webhook, retried after a 500 with the same key', async () => {
      const outbox = await openOutbox(backend, await backend.fresh());
      let clock = T0;
      const svc = await runAlerts({
        config: config(),
        outbox,
        log: silentLogger(),
        tickMs: 0,
        now: () => clock,
        rnd: () => 0.5,
      });
      answers.push(500);
      const raised = await svc.record('shops', saleRecord());
      expect(raised).toHaveLength(1);
      await svc.idle();
      // the mail arrived; the webhook was refused once and waits for its retry (backoff: 0.5 × 1 s)
      expect(mails).toHaveLength(1);
      expect(hits).toHaveLength(1);
      const counts = await outbox.counts();
      expect(counts).toMatchObject({ delivered: 1, pending: 1 });
      const waiting = await outbox.get(
        `every:failure:${saleRecord().id}|webhook:http://127.0.0.1:${httpPort}/hook`,
      );
      expect(waiting).toMatchObject({ attempts: 1, next_at: T0 + 500, last_error: 'HTTP 500' });
      expect(await svc.tick()).toEqual({ sent: 0, retried: 0, failed: 0 }); // not due yet
      clock = T0 + 500;
      expect(await svc.tick()).toEqual({ sent: 1, retried: 0, failed: 0 });
      expect(hits).toHaveLength(2);
      expect(hits.every((h) => h.valid)).toBe(true);
      const keys = hits.map((h) => h.headers[IDEMPOTENCY_HEADER.toLowerCase()]);
      expect(keys[0]).toBe(`every:failure:${saleRecord().id}|webhook:http://127.0.0.1:${httpPort}/hook`);
      expect(keys[1]).toBe(keys[0]);
      const body = JSON.parse(hits[1]!.body) as Record<string, unknown>;
      expect(body).toMatchObject({
        kind: 'failure',
        key: keys[0],
        link: `https://portal.example.com/failures/${saleRecord().id}`,
        record: { pan_masked: '476173******0119', amount_minor: 123456 },
      });
      // the e-mail: to the rule's address, the message's text, a Message-ID made from its key
      const mail = mails[0]!;
      expect(mail.to).toEqual(['owner@shop.example']);
      expect(mail.raw).toContain('Subject: [pos-agent] Declined: EUR 1234.56 at TID00042');
      expect(mail.raw).toContain(
        `Message-ID: ${messageId(`every:failure:${saleRecord().id}|email:owner@shop.example`)}`,
      );
      expect(mail.raw).toContain('Card: 476173******0119');
      expect(mail.raw).toContain(`Case: https://portal.example.com/failures/${saleRecord().id}`);
      expect(mail.raw).toContain('Time: 2026-01-16 01:30:05 +02:00');
      expect(findPans(mail.raw + hits.map((h) => h.body).join(''))).toEqual([]);
      // the same record again (a redelivery to the collector): nothing new is sent
      await svc.record('shops', saleRecord());
      await svc.idle();
      expect(mails).toHaveLength(1);
      expect(hits).toHaveLength(2);
      await svc.stop();
      await outbox.close();
    });

    it('gives up after max_attempts with the backoff between attempts, and at once on a permanent refusal', async () => {
      const outbox = await openOutbox(backend, await backend.fresh());
      const cfg = config();
      const failing: Sender = {
        send: async () => {
          throw new DeliveryError('connection refused', false);
        },
      };
      const refusing: Sender = {
        send: async () => {
          throw new DeliveryError('HTTP 410', true);
        },
      };
      const ev = {
        key: 'k',
        rule_id: 'every',
        at: T0,
        fleet: 'f',
        terminal: 'T1',
        merchant_id: 'M',
        reason: { kind: 'backlog' as const, backlog: 9, over: 5 },
        record: null,
      };
      await outbox.enqueue(toDeliveries(ev, cfg.rules[0]!, cfg), T0);
      const { logger, lines } = captureLogger();
      const next: number[] = [];
      let now = T0;
      for (let i = 0; i < 3; i++) {
        const s = await deliverDue({
          outbox,
          senders: { email: failing, webhook: refusing },
          config: cfg,
          log: logger,
          now,
          rnd: () => 0.999,
        });
        const d = await outbox.get('k|email:owner@shop.example');
        next.push(d!.next_at - now);
        if (i === 0) expect(s).toEqual({ sent: 0, retried: 1, failed: 1 }); // the webhook refused for good
        now = d!.next_at;
      }
      // full-jitter backoff from protocol/retry/backoff.ts: up to 1 s, then 2 s; the third attempt is the last
      expect(next.slice(0, 2)).toEqual([999, 1998]);
      expect(await outbox.get('k|email:owner@shop.example')).toMatchObject({
        state: 'failed',
        attempts: 3,
        last_error: 'connection refused',
      });
      expect(await outbox.get('k|webhook:' + `http://127.0.0.1:${httpPort}/hook`)).toMatchObject({
        state: 'failed',
        attempts: 1,
      });
      expect(lines.filter((l) => l.includes('"alert_retry"'))).toHaveLength(2);
      expect(lines.filter((l) => l.includes('"alert_failed"'))).toHaveLength(2);
      await outbox.close();
    });

    it('sends again, with the same key and a log line, what a crash left between send and mark', async () => {
      const where = await backend.fresh();
      const cfg = config('each-event', {
        rules: [
          {
            id: 'hook-only',
            kind: 'failure',
            params: { merchant_id: 'MID000000123456', categories: ['issuer_decline'] },
            channels: { webhooks: [{ url: `http://127.0.0.1:${httpPort}/hook`, secret: SECRET }] },
          },
        ],
      });
      const first = await openOutbox(backend, where);
      const ev = {
        key: 'hook-only:failure:X',
        rule_id: 'hook-only',
        at: T0,
        fleet: 'f',
        terminal: 'T1',
        merchant_id: 'M',
        reason: { kind: 'backlog' as const, backlog: 9, over: 5 },
        record: null,
      };
      expect(await first.enqueue(toDeliveries(ev, cfg.rules[0]!, cfg), T0)).toBe(1);
      const [claimed] = await first.claimDue(T0, 10, DEFAULT_LEASE_MS);
      expect(claimed).toMatchObject({ state: 'sending', attempts: 1, reclaimed: false });
      // sent, and the process dies before marking it sent
      const sender = webhookSender({ secretFor: () => SECRET, timeoutMs: 5000 });
      const { renderDelivery } = await import('../../../agent/fleet/alerts/dispatch.js');
      await sender.send(claimed!, renderDelivery(claimed!, cfg));
      await first.close();
      const outbox = await openOutbox(backend, where);
      const { logger, lines } = captureLogger();
      let clock = T0 + 1000;
      const svc = await runAlerts({ config: cfg, outbox, log: logger, tickMs: 0, now: () => clock });
      await svc.tick(); // still leased to the sender that died: not taken yet
      expect(hits).toHaveLength(1);
      clock = T0 + DEFAULT_LEASE_MS;
      await svc.tick();
      expect(hits).toHaveLength(2);
      expect(hits[1]!.headers['idempotency-key']).toBe(hits[0]!.headers['idempotency-key']);
      expect(await outbox.get(claimed!.key)).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(lines.filter((l) => l.includes('"alert_resend"') && l.includes('"attempt":2'))).toHaveLength(1);
      // enqueued again (the alert evaluated again after the restart): still one row, not resent
      expect(await outbox.enqueue(toDeliveries(ev, cfg.rules[0]!, cfg), clock)).toBe(0);
      await svc.tick();
      expect(hits).toHaveLength(2);
      await svc.stop();
      await outbox.close();
    });

    it('holds daily-digest alerts and mails one digest per recipient once the day is over', async () => {
      const outbox = await openOutbox(backend, await backend.fresh());
      // 10:00 and 11:00 UTC on 15 January are that day in Helsinki too; the digest goes after local midnight
      let clock = T0;
      const svc = await runAlerts({
        config: config('daily-digest'),
        outbox,
        log: silentLogger(),
        tickMs: 0,
        now: () => clock,
      });
      await svc.record('shops', saleRecord({ id: '01JQAAAAAAAAAAAAAAAAAAAAAA' }));
      clock = T0 + 3_600_000;
      await svc.record(
        'shops',
        saleRecord({ id: '01JQBBBBBBBBBBBBBBBBBBBBBB', category: 'insufficient_funds', rc: '51' }),
      );
      await svc.tick();
      expect(mails).toHaveLength(0);
      expect(await outbox.counts()).toMatchObject({ held: 4 });
      clock = Date.parse('2026-01-15T21:59:00.000Z'); // 23:59 in Helsinki: the day is not over
      await svc.tick();
      expect(mails).toHaveLength(0);
      clock = Date.parse('2026-01-15T22:01:00.000Z'); // 00:01 on the 16th in Helsinki
      await svc.tick();
      await waitUntil(
        () => mails.length === 1 && hits.length === 1,
        5000,
        'one digest mail and one digest webhook',
      );
      expect(mails[0]!.raw).toContain('Subject: [pos-agent] 2 alerts on 2026-01-15');
      expect(mails[0]!.raw).toContain('failures/01JQAAAAAAAAAAAAAAAAAAAAAA');
      expect(mails[0]!.raw).toContain('failures/01JQBBBBBBBBBBBBBBBBBBBBBB');
      const body = JSON.parse(hits[0]!.body) as { kind: string; count: number; alerts: unknown[] };
      expect(body).toMatchObject({ kind: 'digest', day: '2026-01-15', count: 2 });
      expect(hits[0]!.valid).toBe(true);
      expect(await outbox.counts()).toMatchObject({ held: 0, digested: 4, delivered: 2 });
      await svc.tick();
      expect(mails).toHaveLength(1);
      await svc.stop();
      await outbox.close();
    });
  });
}
