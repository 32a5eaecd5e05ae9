/**
 * The alert rules pages (operators only): the list, and one rule's JSON form checked by the alerts
 * module's schema on save (parseAlertRule), with the rule's JSON Schema beside it. Webhook secrets
 * are never sent to the browser: the form shows SECRET_MASK in their place, and a save that keeps
 * the mask keeps the stored secret.
 */
import type { AlertRuleRow } from '../store/types.js';
import { csrfField, e, eLines, page, type PageContext, utc } from './html.js';

export const SECRET_MASK = '********';

/** A rule's spec for the form: every webhook secret replaced by the mask. */
export function maskedSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(spec)) as { channels?: { webhooks?: Array<{ secret?: unknown }> } };
  for (const w of copy.channels?.webhooks ?? [])
    if (w && typeof w === 'object' && 'secret' in w) w.secret = SECRET_MASK;
  return copy as Record<string, unknown>;
}

export function rulesPage(c: PageContext, rules: AlertRuleRow[], alertsRunning: boolean): string {
  const t = c.tx.t;
  const rows = rules
    .map(
      (r) =>
        `<tr data-testid="rule-row" data-id="${e(r.id)}"><td><a href="/alerts/${encodeURIComponent(r.id)}">${e(r.id)}</a></td><td>${e(String(r.spec.kind ?? ''))}</td>` +
        `<td>${r.enabled ? '✓' : '—'}</td><td>${e(r.source)}</td><td class="nowrap">${e(utc(r.updated_at))}</td></tr>`,
    )
    .join('');
  const body =
    `<h1>${e(t('alertRules'))}</h1>` +
    (alertsRunning
      ? ''
      : `<p class="message">fleet.alerts is not configured: rules are kept but nothing is sent.</p>`) +
    (rules.length
      ? `<table data-testid="rules"><thead><tr><th>${e(t('rule'))}</th><th>${e(t('kind'))}</th><th>${e(t('enabled'))}</th><th>${e(t('source'))}</th><th>${e(t('when'))}</th></tr></thead><tbody>${rows}</tbody></table>`
      : `<p>${e(t('noRules'))}</p>`) +
    `<p><a href="/alerts/new" data-testid="rule-new">${e(t('newRule'))}</a></p>`;
  return page(c, t('alertRules'), body);
}

export function ruleEditPage(
  c: PageContext,
  d: {
    id: string | null;
    json: string;
    enabled: boolean;
    schema: Record<string, unknown>;
    error?: string;
    saved?: boolean;
  },
): string {
  const t = c.tx.t;
  const action = d.id === null ? '/alerts/new' : `/alerts/${encodeURIComponent(d.id)}`;
  const body =
    `<h1>${e(d.id ?? t('newRule'))}</h1>` +
    (d.error
      ? `<p class="message" data-testid="rule-error">${e(t('badInput', { reason: d.error }))}</p>`
      : '') +
    (d.saved ? `<p class="ok" data-testid="rule-saved">${e(t('saved'))}</p>` : '') +
    `<p>${e(t('ruleHelp'))}</p>` +
    `<form method="post" action="${action}" data-testid="rule-form">${csrfField(c.csrf)}` +
    `<label>${e(t('ruleJson'))}<textarea class="json" name="rule" data-testid="rule-json" spellcheck="false">${eLines(d.json)}</textarea></label>` +
    `<p><label><input type="checkbox" name="enabled" value="1"${d.enabled ? ' checked' : ''} data-testid="rule-enabled"> ${e(t('enabled'))}</label></p>` +
    `<button type="submit" data-testid="rule-submit">${e(t('save'))}</button></form>` +
    (d.id !== null
      ? `<form method="post" action="/alerts/${encodeURIComponent(d.id)}/delete">${csrfField(c.csrf)}<button type="submit" data-testid="rule-delete">${e(t('delete'))}</button></form>`
      : '') +
    `<details><summary>${e(t('schema'))}</summary><pre>${eLines(JSON.stringify(d.schema, null, 2))}</pre></details>`;
  return page(c, d.id ?? t('newRule'), body);
}
