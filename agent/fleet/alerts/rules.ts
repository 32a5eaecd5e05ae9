/**
 * Alert rules as data: the config section `fleet.alerts` (its zod schema, checked once at start
 * with errors that name the key) and one rule's JSON form, the same object the portal will store
 * and edit (alert_rules). Evaluation lives in evaluate.ts; this module only says what a rule is.
 *
 * Rule kinds (docs/fleet-server.md §Alerts):
 *   failure           every failure of chosen categories for a merchant
 *   decline_rate      declines over threshold_pct of the attempts in window_min, per terminal or per
 *                     card range (first 6 digits of the masked PAN), once min_count attempts are seen
 *   terminal_offline  a terminal offline or silent for after_min minutes
 *   backlog           a terminal's unsynced records over `over`
 * Each rule has channels (e-mail addresses, webhooks with a secret each) and a mode: each-event
 * (one message per alert) or daily-digest (one message per recipient per day).
 */
import type * as Zod from 'zod';
import { cardDataIn, idHoldsPan } from '../../../protocol/card/card-data.js';
import { scrubPans } from '../../../protocol/card/pan.js';
import { lazy, zod } from '../../../protocol/zod.js';
import { ConfigError } from '../../config/load.js';
import { showKey } from '../../config/data-file.js';
import { LANGS, type Lang } from '../../guidance/langs.js';
import { CATEGORIES, type Category } from '../../record.js';

export const RULE_KINDS = ['failure', 'decline_rate', 'terminal_offline', 'backlog'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const ALERT_MODES = ['each-event', 'daily-digest'] as const;
export type AlertMode = (typeof ALERT_MODES)[number];
/** Categories a failure rule may name: every category but 'approved'. */
export const FAILURE_CATEGORIES = CATEGORIES.filter((c) => c !== 'approved') as Exclude<
  Category,
  'approved'
>[];

export interface Webhook {
  url: string;
  /** HMAC-SHA256 key of the signature header; never printed, never stored with a delivery. */
  secret: string;
}

export interface Channels {
  email: string[];
  webhooks: Webhook[];
}

/** Narrows a rule to some terminals: a fleet, a merchant (both optional). */
interface Scope {
  fleet?: string | undefined;
  merchant_id?: string | undefined;
}

export interface FailureParams {
  merchant_id: string;
  fleet?: string | undefined;
  categories: Exclude<Category, 'approved'>[];
}
export interface DeclineRateParams extends Scope {
  per: 'terminal' | 'card_range';
  threshold_pct: number;
  window_min: number;
  min_count: number;
}
export interface TerminalOfflineParams extends Scope {
  after_min: number;
  states: ('offline' | 'silent')[];
}
export interface BacklogParams extends Scope {
  over: number;
}

interface RuleBase {
  id: string;
  channels: Channels;
  mode: AlertMode;
  /** Language of this rule's messages; default fleet.alerts.language. */
  language?: Lang | undefined;
}
export type AlertRule =
  | (RuleBase & { kind: 'failure'; params: FailureParams })
  | (RuleBase & { kind: 'decline_rate'; params: DeclineRateParams })
  | (RuleBase & { kind: 'terminal_offline'; params: TerminalOfflineParams })
  | (RuleBase & { kind: 'backlog'; params: BacklogParams });

export interface SmtpConfig {
  /** smtp://host[:port] (STARTTLS when the server offers it) or smtps://host[:port] (TLS). */
  url: string;
  user?: string | undefined;
  password?: string | undefined;
  /** Sender address of the alert e-mails. */
  from: string;
}

export interface RetryConfig {
  /** Attempts per delivery before it is given up (state failed, logged). */
  max_attempts: number;
  /** protocol/retry/backoff.ts: the delay before retry n is drawn from [0, min(max, min·2^n)]. */
  min_delay_s: number;
  max_delay_s: number;
}

export interface AlertsConfig {
  /** The portal's address: a failure's case is `${base_url}/failures/${id}`. */
  base_url: string;
  language: Lang;
  /** IANA zone of the digest's day and of times without a terminal offset. */
  timezone: string;
  smtp?: SmtpConfig | undefined;
  retry: RetryConfig;
  webhook_timeout_s: number;
  rules: AlertRule[];
}

const RULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** A bare address: one @, no spaces or angle brackets, a dot in the domain. */
const EMAIL = /^[^\s@<>()",;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !u.password;
  } catch {
    return false;
  }
}

/** The reason a rule's text is refused for card data in it (its value is then never shown). */
export const CARD_DATA_REASON = 'holds card data (a card number, track data or a security code)';

/** No card number, track data or security code: a rule is stored and sent as it is written. */
function noCardData(v: string): boolean {
  return scrubPans(v) === v && cardDataIn(v, true) === null;
}

/** The same for an id: a zero-padded one ("M00000000000042") is not a card number (idHoldsPan). */
function idWithoutCardData(v: string): boolean {
  return !idHoldsPan(v) && cardDataIn(v, true) === null;
}

function isSmtpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '' && !u.password;
  } catch {
    return false;
  }
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function makeSchemas() {
  const z = zod();
  const ident = z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\x20-\x7e]+$/, 'printable ASCII only');
  const fleet = z
    .string()
    .regex(/^[^/#+\s]{1,64}$/, 'a fleet name (no / # + or spaces)')
    .refine(idWithoutCardData, CARD_DATA_REASON)
    .optional();
  const merchant = ident
    .max(15, 'at most 15 characters (field 42)')
    .refine(idWithoutCardData, CARD_DATA_REASON);
  const minutes = (max: number) =>
    z.number('minutes: a number').positive('more than 0 minutes').max(max, `at most ${max} minutes`);
  const webhook = z.strictObject({
    url: z
      .string()
      .refine(isHttpUrl, 'an http:// or https:// URL with a host and no password')
      .refine(noCardData, CARD_DATA_REASON),
    secret: z.string().min(16, 'at least 16 characters').max(256),
  });
  const channels = z
    .strictObject({
      email: z
        .array(
          z
            .string()
            .regex(EMAIL, 'an e-mail address such as ops@example.com')
            .refine(noCardData, CARD_DATA_REASON),
        )
        .default([]),
      webhooks: z.array(webhook).default([]),
    })
    .refine((c) => c.email.length + c.webhooks.length > 0, 'at least one e-mail address or webhook');
  const base = {
    id: z.string().regex(RULE_ID, 'letters, digits, _ . - only, at most 64'),
    channels,
    mode: z.enum(ALERT_MODES).default('each-event'),
    language: z.enum(LANGS).optional(),
  };
  const rule = z.discriminatedUnion('kind', [
    z.strictObject({
      ...base,
      kind: z.literal('failure'),
      params: z.strictObject({
        merchant_id: merchant,
        fleet,
        categories: z
          .array(z.enum(FAILURE_CATEGORIES))
          .min(1, 'at least one category')
          .refine((a) => new Set(a).size === a.length, 'a category named twice'),
      }),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('decline_rate'),
      params: z.strictObject({
        per: z.enum(['terminal', 'card_range']),
        threshold_pct: z
          .number('a percentage: a number')
          .positive('more than 0')
          .lt(100, 'under 100 (a percentage)'),
        window_min: minutes(1440),
        min_count: z.number().int('a whole number').min(1).max(1_000_000),
        merchant_id: merchant.optional(),
        fleet,
      }),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('terminal_offline'),
      params: z.strictObject({
        after_min: minutes(7 * 1440),
        states: z
          .array(z.enum(['offline', 'silent']))
          .min(1, 'offline, silent or both')
          .default(['offline', 'silent']),
        merchant_id: merchant.optional(),
        fleet,
      }),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('backlog'),
      params: z.strictObject({
        over: z.number().int('a whole number of records').min(1).max(100_000_000),
        merchant_id: merchant.optional(),
        fleet,
      }),
    }),
  ]);
  const alerts = z
    .strictObject({
      base_url: z.string().refine(isHttpUrl, 'the portal address, an http:// or https:// URL'),
      language: z.enum(LANGS).default('en'),
      timezone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Helsinki').default('UTC'),
      smtp: z
        .strictObject({
          url: z.string().refine(isSmtpUrl, 'smtp://host[:port] or smtps://host[:port] (password apart)'),
          user: z.string().min(1).optional(),
          password: z.string().min(1).optional(),
          from: z.string().regex(EMAIL, 'an e-mail address such as alerts@example.com'),
        })
        .optional(),
      retry: z
        .strictObject({
          max_attempts: z.number().int().min(1).max(100).default(8),
          min_delay_s: z.number().positive().max(86_400).default(30),
          max_delay_s: z
            .number()
            .positive()
            .max(7 * 86_400)
            .default(3600),
        })
        .refine((r) => r.max_delay_s >= r.min_delay_s, {
          message: 'at least min_delay_s',
          path: ['max_delay_s'],
        })
        .prefault({}),
      webhook_timeout_s: z.number().positive().max(300).default(10),
      rules: z.array(rule).default([]),
    })
    .superRefine((a, ctx) => {
      const ids = new Map<string, number>();
      const secrets = new Map<string, string>();
      a.rules.forEach((r, i) => {
        if (ids.has(r.id))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'id'],
            message: `rule id used twice: "${r.id}"`,
          });
        ids.set(r.id, i);
        if (r.channels.email.length > 0 && !a.smtp)
          ctx.addIssue({ code: 'custom', path: ['smtp'], message: 'required: a rule sends e-mail' });
        r.channels.webhooks.forEach((w, j) => {
          const s = secrets.get(w.url);
          if (s !== undefined && s !== w.secret)
            ctx.addIssue({
              code: 'custom',
              path: ['rules', i, 'channels', 'webhooks', j, 'secret'],
              message: 'another rule gives this webhook URL another secret: one secret per URL',
            });
          secrets.set(w.url, w.secret);
        });
      });
    });
  return { rule, alerts };
}

const schemas = lazy(makeSchemas);

/** The zod schema of one rule (the portal's form validates against it too). */
export function alertRuleSchema(): Zod.ZodType<AlertRule> {
  return schemas().rule as unknown as Zod.ZodType<AlertRule>;
}

/** JSON Schema (draft 2020-12) of one rule: the form the portal edits and alert_rules stores. */
export function alertRuleJsonSchema(): Record<string, unknown> {
  return zod().toJSONSchema(schemas().rule, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
}

const HIDDEN = new Set(['secret', 'password']);

/** A zod issue as a ConfigError naming the key under `prefix` (secrets and unknown keys' values not shown). */
export function toConfigError(
  prefix: string,
  input: unknown,
  issues: readonly Zod.core.$ZodIssue[],
): ConfigError {
  const issue = issues[0]!;
  let path = issue.path.map(String);
  let reason = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...path, (issue as { keys?: string[] }).keys?.[0] ?? '?'];
    reason = 'unknown key';
  }
  let value: unknown = input;
  for (const p of path)
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[p] : undefined;
  const key = [prefix, ...path]
    .filter((p) => p !== '')
    .map(showKey)
    .join('.');
  const last = path[path.length - 1] ?? '';
  // a secret's value is never shown, nor an unknown key's (it may be anything a foreign file holds)
  const show = !HIDDEN.has(last) && issue.code !== 'unrecognized_keys' && reason !== CARD_DATA_REASON;
  return new ConfigError(key, value, reason, { show });
}

/** Checks the `fleet.alerts` section; a ConfigError names the key (`fleet.alerts.rules.0.params.window_min`). */
export function parseAlertsConfig(input: unknown, prefix = 'fleet.alerts'): AlertsConfig {
  const r = schemas().alerts.safeParse(input);
  if (!r.success) throw toConfigError(prefix, input, r.error.issues);
  return r.data as AlertsConfig;
}

/** Checks one rule in its JSON form (the portal's edit); a ConfigError names the key. */
export function parseAlertRule(input: unknown, prefix = 'rule'): AlertRule {
  const r = schemas().rule.safeParse(input);
  if (!r.success) throw toConfigError(prefix, input, r.error.issues);
  return r.data as AlertRule;
}

/** A rule as JSON text for alert_rules (what parseAlertRule reads back). */
export function ruleToJson(rule: AlertRule): string {
  return JSON.stringify(rule);
}

/** The secret of a webhook URL across the rules (one per URL, checked by the schema). */
export function webhookSecret(rules: readonly AlertRule[], url: string): string | undefined {
  for (const r of rules) for (const w of r.channels.webhooks) if (w.url === url) return w.secret;
  return undefined;
}
