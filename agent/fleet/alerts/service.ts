/**
 * runAlerts: the alert service a collector or the portal runs. Fed records, approvals counted at
 * terminals and terminal states, it evaluates the rules (evaluate.ts), writes each alert's
 * deliveries to the outbox first (dispatch.ts toDeliveries) and delivers them: at once for
 * each-event rules, in a daily digest for the others. A timer (tickMs) re-evaluates the windows,
 * folds finished days into digests and retries what is due; each delivery pass runs alone.
 * Deliveries a crash left half-sent are sent again with their key once their lease is over, and logged.
 */
import type { Logger } from 'pino';
import type { FailureRecord } from '../../record.js';
import { deliverDue, type DeliverStats, foldDigests, toDeliveries } from './dispatch.js';
import { emailSender } from './email.js';
import {
  type AlertEvent,
  type AlertInput,
  evaluate,
  initialAlertState,
  type TerminalState,
} from './evaluate.js';
import type { AlertOutbox } from './outbox.js';
import { type AlertRule, type AlertsConfig, webhookSecret } from './rules.js';
import type { Senders } from './send.js';
import { webhookSender } from './webhook.js';

export interface AlertsOptions {
  config: AlertsConfig;
  outbox: AlertOutbox;
  log: Logger;
  /** Default: SMTP (fleet.alerts.smtp) and webhooks from the config. */
  senders?: Senders;
  /** Re-evaluate, fold digests and retry this often (ms); 0: only when called. Default 5000. */
  tickMs?: number;
  /** The clock of evaluation and scheduling (tests); signatures always use the real one. */
  now?: () => number;
  /** The backoff's random source (tests). */
  rnd?: () => number;
}

export interface AlertService {
  /** A failure record (or an approval record) of `fleet`; resolves with the alerts it raised. */
  record(fleet: string, record: FailureRecord): Promise<AlertEvent[]>;
  /** Approvals counted at a terminal since the last report (from its metrics). */
  approvals(fleet: string, terminal: string, count: number): Promise<AlertEvent[]>;
  /** The current state of some or all terminals. */
  terminals(states: readonly TerminalState[]): Promise<AlertEvent[]>;
  /** Re-evaluates the windows, folds digests and delivers what is due, now. */
  tick(): Promise<DeliverStats>;
  /** New rules (the portal's edit); the windows of removed rules are dropped. */
  setRules(rules: readonly AlertRule[]): void;
  /** Resolves when the delivery pass running now (if any) and the ones asked for have ended. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function runAlerts(o: AlertsOptions): Promise<AlertService> {
  const now = o.now ?? Date.now;
  const log = o.log;
  let cfg = o.config;
  const state = initialAlertState();
  const senders: Senders = o.senders ?? {
    webhook: webhookSender({
      secretFor: (url) => webhookSecret(cfg.rules, url),
      timeoutMs: cfg.webhook_timeout_s * 1000,
    }),
    ...(cfg.smtp ? { email: emailSender(cfg.smtp) } : {}),
  };

  let running: Promise<void> | undefined;
  let stopped = false;
  let again = false;
  const total: DeliverStats = { sent: 0, retried: 0, failed: 0 };
  const pass = async (): Promise<void> => {
    do {
      again = false;
      try {
        await foldDigests(o.outbox, now(), cfg.timezone);
        const s = await deliverDue({
          outbox: o.outbox,
          senders,
          config: cfg,
          log,
          now: now(),
          ...(o.rnd ? { rnd: o.rnd } : {}),
        });
        total.sent += s.sent;
        total.retried += s.retried;
        total.failed += s.failed;
        // a full batch: more may be due
        if (s.sent + s.retried + s.failed >= 50) again = true;
      } catch (e) {
        log.error(
          { event: 'alert_pass_failed', code: 'E_ALERT_OUTBOX', err: e },
          'alert delivery pass failed',
        );
      }
    } while (again);
  };
  /** Starts a delivery pass, or asks the running one to go round once more. */
  const kick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  const raise = async (input: AlertInput): Promise<AlertEvent[]> => {
    const alerts = evaluate(state, input, cfg.rules);
    if (alerts.length === 0) return alerts;
    const byId = new Map(cfg.rules.map((r) => [r.id, r]));
    const items = alerts.flatMap((a) => toDeliveries(a, byId.get(a.rule_id)!, cfg));
    const added = await o.outbox.enqueue(items, now());
    for (const a of alerts)
      log.info({ event: 'alert_raised', key: a.key, rule: a.rule_id, kind: a.reason.kind }, 'alert raised');
    if (added > 0) void kick();
    return alerts;
  };

  const timer =
    o.tickMs === 0
      ? undefined
      : setInterval(
          () =>
            void tick().catch((e: unknown) =>
              log.error(
                { event: 'alert_tick_failed', code: 'E_ALERT_OUTBOX', err: e },
                'alert evaluation failed',
              ),
            ),
          o.tickMs ?? 5000,
        );
  timer?.unref();
  const tick = async (): Promise<DeliverStats> => {
    const before = { ...total };
    await raise({ type: 'tick', at: now() });
    await kick();
    return {
      sent: total.sent - before.sent,
      retried: total.retried - before.retried,
      failed: total.failed - before.failed,
    };
  };

  return {
    record: (fleet, record) => raise({ type: 'record', at: now(), fleet, record }),
    approvals: (fleet, terminal, count) => raise({ type: 'approvals', at: now(), fleet, terminal, count }),
    terminals: (states) => raise({ type: 'terminals', at: now(), terminals: states }),
    tick,
    setRules(rules) {
      cfg = { ...cfg, rules: [...rules] };
    },
    idle: async () => {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      while (running) await running;
      for (const s of Object.values(senders)) await s?.close?.();
    },
  };
}
