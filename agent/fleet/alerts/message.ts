/**
 * The alert message, pure: from an alert (evaluate.ts) the e-mail subject and text and the webhook's
 * JSON body. It says the reason, the amount, the time, the terminal and merchant, what to do next
 * (the guidance catalog for a failure's code, in the rule's language) and links to the failure's
 * case (`${baseUrl}/failures/${id}`) or the terminal's page. Card numbers: the masked card only;
 * every text that came from a terminal is stripped of control characters, and every string that
 * leaves here passes the PAN scrubber, so a full PAN in any input field never reaches a message.
 */
import { scrubPans } from '../../../protocol/card/pan.js';
import { displayCode, lookupCode } from '../../../protocol/response-codes/index.js';
import { nextStepText } from '../../export/guidance-source.js';
import { fill, REPORT_TEXTS } from '../../export/i18n.js';
import { type Catalog, createCatalog } from '../../guidance/catalog.js';
import { formatAmount } from '../../guidance/currency.js';
import type { Lang } from '../../guidance/langs.js';
import { localTime } from '../../guidance/script.js';
import { terminalSafe } from '../safe-text.js';
import type { AlertEvent } from './evaluate.js';
import { ALERT_TEXTS } from './texts.js';

export interface MessageOptions {
  lang: Lang;
  /** The portal's address, without the trailing slash or with it. */
  baseUrl: string;
  /** IANA zone for times that are no terminal's (the alert's own time, the digest's day). */
  timezone: string;
  catalog?: Catalog;
}

export interface AlertMessage {
  subject: string;
  text: string;
  /** The webhook's JSON body (an object; serialized once by the sender). */
  body: Record<string, unknown>;
}

let defaultCatalog: Catalog | undefined;

/** Untrusted text (ids from a terminal) for a message: no control characters, no PAN. */
function clean(s: string): string {
  return scrubPans(terminalSafe(s));
}

/** Every string in a JSON value scrubbed of PANs and control characters. */
function scrubDeep(v: unknown): unknown {
  if (typeof v === 'string') return clean(v);
  if (Array.isArray(v)) return v.map(scrubDeep);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubDeep(x)]));
  return v;
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

export function caseLink(baseUrl: string, recordId: string): string {
  return `${base(baseUrl)}/failures/${encodeURIComponent(recordId)}`;
}

export function terminalLink(baseUrl: string, fleet: string, terminal: string): string {
  return `${base(baseUrl)}/terminals/${encodeURIComponent(fleet)}/${encodeURIComponent(terminal)}`;
}

function zoned(atMs: number, timezone: string): string {
  return localTime(new Date(atMs).toISOString(), 0, timezone);
}

/** One alert as e-mail text and webhook body. */
export function renderAlert(ev: AlertEvent, opts: MessageOptions): AlertMessage {
  const lang = opts.lang;
  const catalog = opts.catalog ?? (defaultCatalog ??= createCatalog());
  const rt = REPORT_TEXTS[lang];
  const at = ALERT_TEXTS[lang];
  const terminal = ev.terminal === null ? null : clean(ev.terminal);
  const merchant = ev.merchant_id === null ? null : clean(ev.merchant_id);
  const rec = ev.record;
  const amount = rec ? formatAmount(rec.amount_minor, rec.currency, catalog.decimalSeparator(lang)) : null;
  let subject: string;
  let reason: string;
  let todo: string;
  const r = ev.reason;
  if (r.kind === 'failure') {
    const row = lookupCode(rec?.rc ?? '');
    const g = catalog.guidance(row, lang);
    const code = displayCode(row) || clean(rec?.rc ?? '');
    reason = `${g.title} (${rt.categories[row.category]}, ${code})`;
    todo = nextStepText(g, lang) ?? rt.nextSteps[row.category];
    subject = fill(at.subjectFailure, { reason: g.title, amount: amount ?? '-', terminal: terminal ?? '-' });
  } else if (r.kind === 'decline_rate') {
    const v = {
      failures: r.failures,
      attempts: r.attempts,
      rate: r.rate_pct,
      window: r.window_min,
      threshold: r.threshold_pct,
      range: clean(r.group),
      terminal: terminal ?? clean(r.group),
    };
    const range = r.per === 'card_range';
    reason = fill(range ? at.reasonRateRange : at.reasonRateTerminal, v);
    todo = range ? at.todoRateRange : at.todoRateTerminal;
    subject = fill(range ? at.subjectRateRange : at.subjectRateTerminal, v);
  } else if (r.kind === 'terminal_offline') {
    const v = { terminal: terminal ?? '-', minutes: r.minutes };
    const silent = r.status === 'silent';
    reason = fill(silent ? at.reasonSilent : at.reasonOffline, v);
    todo = silent ? at.todoSilent : at.todoOffline;
    subject = fill(silent ? at.subjectSilent : at.subjectOffline, v);
  } else {
    const v = { terminal: terminal ?? '-', backlog: r.backlog, over: r.over };
    reason = fill(at.reasonBacklog, v);
    todo = at.todoBacklog;
    subject = fill(at.subjectBacklog, v);
  }
  const link = rec
    ? caseLink(opts.baseUrl, rec.id)
    : ev.fleet !== null && ev.terminal !== null
      ? terminalLink(opts.baseUrl, ev.fleet, ev.terminal)
      : null;
  const time = rec ? localTime(rec.occurred_at, rec.utc_offset_min) : zoned(ev.at, opts.timezone);
  const lines: Array<[string, string | null]> = [
    [rt.category, reason],
    [rt.amount, amount],
    [rt.time, time],
    [rt.terminal, terminal === null ? null : ev.fleet === null ? terminal : `${clean(ev.fleet)}/${terminal}`],
    [at.merchant, merchant],
    [rt.card, rec?.pan_masked ? clean(rec.pan_masked) : null],
    [rt.nextStep, todo],
    [rec ? at.case : at.terminalPage, link],
    [at.rule, clean(ev.rule_id)],
  ];
  const text = lines
    .filter((l): l is [string, string] => l[1] !== null)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  const fullSubject = clean(`${at.prefix} ${subject}`);
  const body = scrubDeep({
    v: 1,
    key: ev.key,
    rule_id: ev.rule_id,
    kind: r.kind,
    at: new Date(ev.at).toISOString(),
    fleet: ev.fleet,
    terminal: ev.terminal,
    merchant_id: ev.merchant_id,
    reason: r,
    record: rec,
    subject: fullSubject,
    text: reason,
    next_step: todo,
    link,
    language: lang,
  }) as Record<string, unknown>;
  return { subject: fullSubject, text: scrubPans(`${text}\n`), body };
}

/** One digest: the alerts of one day for one recipient, oldest first. */
export function renderDigest(
  key: string,
  day: string,
  events: readonly AlertEvent[],
  opts: MessageOptions,
): AlertMessage {
  const at = ALERT_TEXTS[opts.lang];
  const sorted = [...events].sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
  const parts = sorted.map((e) => renderAlert(e, opts));
  const n = parts.length;
  const subject = clean(`${at.prefix} ${fill(at.subjectDigest, { n, day })}`);
  const text = [
    fill(at.digestHeading, { n, day }),
    ...parts.map((p, i) => `\n${i + 1}. ${p.subject.replace(`${at.prefix} `, '')}\n${p.text}`),
  ].join('\n');
  return {
    subject,
    text: scrubPans(text),
    body: { v: 1, key, kind: 'digest', day, count: n, alerts: parts.map((p) => p.body) },
  };
}
