/**
 * From alerts to the outbox, and from the outbox to the receivers:
 * - toDeliveries: one outbox item per alert and recipient (each e-mail address, each webhook URL),
 *   keyed `${alert key}|${channel}:${target}`; a daily-digest rule's items are held for their day;
 * - foldDigests: once a day is over (in fleet.alerts.timezone), each recipient's held items of that
 *   day become one digest item, in one transaction;
 * - deliverDue: claims the due items for a lease, renders and sends each, and marks it delivered,
 *   or pending again after the backoff delay (protocol/retry/backoff.ts), or failed when the
 *   receiver refused it or the attempts reached fleet.alerts.retry.max_attempts. An item whose
 *   lease ran out (a stop between sending and marking) is sent again with its key, and logged.
 */
import type { Logger } from 'pino';
import { backoffDelay } from '../../../protocol/retry/backoff.js';
import type { Lang } from '../../guidance/langs.js';
import type { AlertEvent } from './evaluate.js';
import { type AlertMessage, renderAlert, renderDigest } from './message.js';
import type { AlertOutbox, Delivery, NewDelivery } from './outbox.js';
import type { AlertRule, AlertsConfig } from './rules.js';
import { DeliveryError, type Senders } from './send.js';

/** What an outbox item holds (JSON): masked alerts only, rendered when sent. */
export type DeliveryPayload =
  | { type: 'alert'; lang: Lang; event: AlertEvent }
  | { type: 'digest'; lang: Lang; day: string; events: AlertEvent[] };

/** The date (YYYY-MM-DD) of instant `atMs` in the IANA zone `timezone`. */
export function dayOf(atMs: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(atMs));
}

export function toDeliveries(ev: AlertEvent, rule: AlertRule, cfg: AlertsConfig): NewDelivery[] {
  const payload = JSON.stringify({
    type: 'alert',
    lang: rule.language ?? cfg.language,
    event: ev,
  } satisfies DeliveryPayload);
  const day = rule.mode === 'daily-digest' ? dayOf(ev.at, cfg.timezone) : null;
  const targets = [
    ...rule.channels.email.map((t) => ['email', t] as const),
    ...rule.channels.webhooks.map((w) => ['webhook', w.url] as const),
  ];
  return targets.map(([channel, target]) => ({
    key: `${ev.key}|${channel}:${target}`,
    channel,
    target,
    rule_id: rule.id,
    payload,
    digest_day: day,
  }));
}

/** Folds the held items of days before today (in `timezone`) into one digest per recipient and day. */
export async function foldDigests(outbox: AlertOutbox, now: number, timezone: string): Promise<number> {
  const held = await outbox.held(dayOf(now, timezone));
  const groups = new Map<string, Delivery[]>();
  for (const d of held) {
    const k = `${d.channel}:${d.target}|${d.digest_day}`;
    const g = groups.get(k);
    if (g) g.push(d);
    else groups.set(k, [d]);
  }
  for (const [k, items] of groups) {
    const first = items[0]!;
    const payloads = items.map((d) => JSON.parse(d.payload) as DeliveryPayload);
    const events = payloads.flatMap((p) => (p.type === 'alert' ? [p.event] : p.events));
    const digest: DeliveryPayload = {
      type: 'digest',
      lang: payloads[0]!.lang,
      day: first.digest_day!,
      events,
    };
    await outbox.replaceHeld(
      {
        key: `digest|${k}`,
        channel: first.channel,
        target: first.target,
        rule_id: 'digest',
        payload: JSON.stringify(digest),
        digest_day: null,
      },
      items.map((d) => d.key),
      now,
    );
  }
  return groups.size;
}

export function renderDelivery(d: Delivery, cfg: AlertsConfig): AlertMessage {
  const p = JSON.parse(d.payload) as DeliveryPayload;
  const opts = { lang: p.lang, baseUrl: cfg.base_url, timezone: cfg.timezone };
  if (p.type === 'alert') {
    const m = renderAlert(p.event, opts);
    // the receiver's idempotency key is the delivery's (one alert, one recipient)
    return { ...m, body: { ...m.body, key: d.key } };
  }
  return renderDigest(d.key, p.day, p.events, opts);
}

export interface DeliverOptions {
  outbox: AlertOutbox;
  senders: Senders;
  config: AlertsConfig;
  log: Logger;
  now: number;
  /** Most items claimed in one call. */
  limit?: number;
  /** How long a claimed item is this sender's before another may take it (default 5 min). */
  leaseMs?: number;
  /** The backoff's random source (tests). */
  rnd?: () => number;
}

/** Default lease: longer than an attempt can take (SMTP and webhook time limits are 30 s or less). */
export const DEFAULT_LEASE_MS = 5 * 60_000;

export interface DeliverStats {
  sent: number;
  retried: number;
  failed: number;
}

/** One pass over the due items: each sent, rescheduled or given up. */
export async function deliverDue(o: DeliverOptions): Promise<DeliverStats> {
  const stats: DeliverStats = { sent: 0, retried: 0, failed: 0 };
  const due = await o.outbox.claimDue(o.now, o.limit ?? 50, o.leaseMs ?? DEFAULT_LEASE_MS);
  const r = o.config.retry;
  await Promise.all(
    due.map(async (d) => {
      const base = { key: d.key, channel: d.channel, rule: d.rule_id, attempt: d.attempts };
      if (d.reclaimed)
        o.log.warn(
          { event: 'alert_resend', ...base },
          'sending again with the same idempotency key: an earlier attempt stopped before it was marked (it may have arrived)',
        );
      try {
        const sender = o.senders[d.channel];
        if (!sender) throw new DeliveryError(`no ${d.channel} sender configured`, true);
        await sender.send(d, renderDelivery(d, o.config));
        await o.outbox.markDelivered(d.key, Date.now());
        stats.sent++;
        o.log.info({ event: 'alert_sent', ...base }, 'alert delivered');
      } catch (e) {
        const err =
          e instanceof DeliveryError ? e : new DeliveryError(String((e as Error).message ?? e), false);
        if (err.permanent || d.attempts >= r.max_attempts) {
          await o.outbox.markFailed(d.key, err.message, null);
          stats.failed++;
          o.log.error(
            { event: 'alert_failed', code: 'E_ALERT_DELIVERY', ...base, reason: err.message },
            err.permanent
              ? 'alert refused by its receiver: given up'
              : 'alert undelivered after the last attempt',
          );
          return;
        }
        const delay = backoffDelay(d.attempts - 1, r.min_delay_s * 1000, r.max_delay_s * 1000, o.rnd);
        await o.outbox.markFailed(d.key, err.message, o.now + delay);
        stats.retried++;
        o.log.warn(
          { event: 'alert_retry', ...base, delayMs: delay, reason: err.message },
          'alert delivery failed; retrying',
        );
      }
    }),
  );
  return stats;
}
