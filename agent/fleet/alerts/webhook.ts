/**
 * Webhook delivery: an HTTP POST of the alert's JSON with
 *   Pos-Agent-Timestamp: unix seconds of this attempt
 *   Pos-Agent-Signature: v1=<hex HMAC-SHA256 over "<timestamp>.<body>" with the webhook's secret>
 *   Idempotency-Key: the delivery's key, the same on every retry
 * A receiver recomputes the signature over the raw body, compares in constant time, refuses a
 * timestamp more than 5 minutes away (a replay), and drops a key it has seen (verifyWebhook does
 * the first three; docs/fleet-server.md §Alerts). 2xx is delivered; 408, 425, 429, 5xx and network
 * errors are retried; any other answer is a permanent failure (the receiver refused it).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DeliveryError, type Sender } from './send.js';

export const SIGNATURE_HEADER = 'Pos-Agent-Signature';
export const TIMESTAMP_HEADER = 'Pos-Agent-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** How far a signed timestamp may be from the receiver's clock (seconds). */
export const SIGNATURE_TOLERANCE_S = 300;

/** `v1=<hex>`: HMAC-SHA256 with `secret` over `${timestamp}.${body}`. */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A receiver's check: the signature matches the raw body and the timestamp is recent. */
export function verifyWebhook(opts: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowS?: number;
  toleranceS?: number;
}): boolean {
  const { timestamp, signature } = opts;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return false;
  const now = opts.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceS ?? SIGNATURE_TOLERANCE_S)) return false;
  const want = Buffer.from(signWebhook(opts.secret, timestamp, opts.body));
  const got = Buffer.from(signature);
  return got.length === want.length && timingSafeEqual(got, want);
}

const RETRIED = new Set([408, 425, 429]);

export interface WebhookOptions {
  /** The secret of a webhook URL (the rules'), or undefined when no rule has that URL any more. */
  secretFor: (url: string) => string | undefined;
  timeoutMs: number;
  /** The clock of the signature's timestamp. */
  now?: () => number;
}

export function webhookSender(opts: WebhookOptions): Sender {
  const now = opts.now ?? Date.now;
  return {
    async send(d, msg) {
      const secret = opts.secretFor(d.target);
      if (secret === undefined) throw new DeliveryError('no rule has this webhook any more', true);
      const body = JSON.stringify(msg.body);
      const ts = Math.floor(now() / 1000);
      let res: Response;
      try {
        res = await fetch(d.target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'pos-agent-alerts',
            [TIMESTAMP_HEADER]: String(ts),
            [SIGNATURE_HEADER]: signWebhook(secret, ts, body),
            [IDEMPOTENCY_HEADER]: d.key,
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        throw new DeliveryError(`POST failed: ${err.cause?.code ?? err.name}: ${err.message}`, false);
      }
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return;
      const permanent = !(RETRIED.has(res.status) || res.status >= 500);
      throw new DeliveryError(`HTTP ${res.status}`, permanent);
    },
  };
}
