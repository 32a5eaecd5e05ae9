/**
 * Fleet alerts (docs/fleet-server.md §Alerts): rules as data, pure evaluation, the message, and
 * delivery by e-mail and webhook through an outbox. What the collector, `fleet serve` and the
 * portal use; the modules behind it each do one of these jobs.
 */
export {
  ALERT_MODES,
  type AlertRule,
  type AlertsConfig,
  alertRuleJsonSchema,
  alertRuleSchema,
  FAILURE_CATEGORIES,
  parseAlertRule,
  parseAlertsConfig,
  RULE_KINDS,
  ruleToJson,
} from './rules.js';
export {
  type AlertEvent,
  type AlertInput,
  type AlertState,
  evaluate,
  initialAlertState,
  type TerminalState,
} from './evaluate.js';
export { ApprovalCounter, terminalFromRow, terminalFromWatch, type TerminalRowLike } from './feed.js';
export { caseLink, renderAlert, renderDigest, terminalLink } from './message.js';
export type { AlertOutbox, Delivery, DeliveryState, NewDelivery } from './outbox.js';
export { storeOutbox, type StoreOutboxOptions } from './outbox-store.js';
export { DEFAULT_LEASE_MS, deliverDue, foldDigests, toDeliveries } from './dispatch.js';
export { DeliveryError, type Sender, type Senders } from './send.js';
export { emailSender } from './email.js';
export {
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhook,
  webhookSender,
} from './webhook.js';
export { type AlertService, type AlertsOptions, runAlerts } from './service.js';
