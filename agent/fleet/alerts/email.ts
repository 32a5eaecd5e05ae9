/**
 * E-mail delivery over SMTP with nodemailer, loaded at the first e-mail (import() here only: a
 * collector or portal without e-mail rules never loads it, and start-up stays short). The message
 * is plain text; its Message-ID is made from the delivery's idempotency key, so a message sent again
 * after a crash carries the same id (and the key itself in Pos-Agent-Alert-Key). An SMTP 5xx answer
 * (mailbox refused, message rejected) is a permanent failure; anything else is retried.
 */
import { createHash } from 'node:crypto';
import type * as Nodemailer from 'nodemailer';
import type { SmtpConfig } from './rules.js';
import { DeliveryError, type Sender } from './send.js';

export interface EmailOptions {
  /** Connection, greeting and socket time limits (ms). */
  timeoutMs?: number;
}

/** `<hash@pos-agent>`: the same key gives the same Message-ID. */
export function messageId(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@pos-agent>`;
}

export function emailSender(smtp: SmtpConfig, opts: EmailOptions = {}): Sender {
  let transport: Promise<Nodemailer.Transporter> | undefined;
  const timeout = opts.timeoutMs ?? 30_000;
  const open = async (): Promise<Nodemailer.Transporter> => {
    const mod = (await import('nodemailer')) as typeof Nodemailer & { default?: typeof Nodemailer };
    const nm = mod.default ?? mod;
    const u = new URL(smtp.url);
    const secure = u.protocol === 'smtps:';
    return nm.createTransport({
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : secure ? 465 : 587,
      secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  };
  return {
    async send(d, msg) {
      const t = await (transport ??= open());
      try {
        await t.sendMail({
          from: smtp.from,
          to: d.target,
          subject: msg.subject,
          text: msg.text,
          messageId: messageId(d.key),
          headers: { 'Pos-Agent-Alert-Key': d.key },
        });
      } catch (e) {
        const err = e as Error & { responseCode?: number; code?: string };
        const code = err.responseCode;
        throw new DeliveryError(
          `SMTP ${code ?? err.code ?? 'error'}: ${err.message}`,
          code !== undefined && code >= 500 && code < 600,
        );
      }
    },
    async close() {
      if (transport) (await transport.catch(() => undefined))?.close();
    },
  };
}
