/**
 * The failures page: the search form (record id, RRN, STAN, last 4, terminal, fleet, merchant,
 * dates, reason, case status), one page of results newest first, the keyset "older" link, and
 * the live area the client script fills with failures that arrive while the page is open.
 */
import { CATEGORIES } from '../../record.js';
import type { FailureRow, Page } from '../store/types.js';
import { CASE_STATUSES } from '../store/types.js';
import { categoryLabel, failureView } from './format.js';
import { e, page, type PageContext, qs } from './html.js';
import type { SearchForm } from './search.js';

function field(label: string, name: keyof SearchForm, form: SearchForm, attrs = ''): string {
  return `<label>${e(label)}<input type="text" name="${name}" value="${e(form[name] ?? '')}" data-testid="search-${name}" ${attrs}></label>`;
}

function select(
  label: string,
  name: keyof SearchForm,
  form: SearchForm,
  options: Array<[string, string]>,
  any: string,
): string {
  const opts = [['', any] as [string, string], ...options]
    .map(([v, l]) => `<option value="${e(v)}"${form[name] === v ? ' selected' : ''}>${e(l)}</option>`)
    .join('');
  return `<label>${e(label)}<select name="${name}" data-testid="search-${name}">${opts}</select></label>`;
}

export function searchFormHtml(c: PageContext, form: SearchForm): string {
  const t = c.tx.t;
  const cats = CATEGORIES.filter((x) => x !== 'approved').map(
    (x) => [x, categoryLabel(c.tx, x)] as [string, string],
  );
  const cases = CASE_STATUSES.map((s) => [s, c.tx.caseStatus(s)] as [string, string]);
  return (
    `<form class="search" method="get" action="/failures" role="search" data-testid="search-form">` +
    field(
      t('last4'),
      'last4',
      form,
      'inputmode="numeric" maxlength="4" size="5" autofocus data-role="search-box"',
    ) +
    field(t('recordId'), 'id', form, 'maxlength="26" size="28"') +
    field(t('rrn'), 'rrn', form, 'maxlength="12" size="13"') +
    field(t('stan'), 'stan', form, 'inputmode="numeric" maxlength="6" size="7"') +
    field(t('terminal'), 'terminal', form, 'maxlength="16" size="12"') +
    (c.user?.role === 'operator' ? field(t('fleet'), 'fleet', form, 'maxlength="64" size="10"') : '') +
    field(t('merchantId'), 'merchant', form, 'maxlength="15" size="16"') +
    field(t('from'), 'from', form, 'placeholder="YYYY-MM-DD" size="11"') +
    field(t('to'), 'to', form, 'placeholder="YYYY-MM-DD" size="11"') +
    select(t('category'), 'category', form, cats, t('any')) +
    select(t('caseStatus'), 'case', form, cases, t('any')) +
    `<button type="submit" data-testid="search-submit">${e(t('search'))}</button> <a href="/failures">${e(t('clear'))}</a></form>`
  );
}

export function failuresPage(
  c: PageContext,
  form: SearchForm,
  result: Page<FailureRow> | null,
  error?: string,
): string {
  const t = c.tx.t;
  let body = `<h1>${e(t('failures'))}</h1>${searchFormHtml(c, form)}`;
  if (error)
    body += `<p class="message" data-testid="search-error">${e(t('badInput', { reason: error }))}</p>`;
  const live = `<div class="live" aria-live="polite" data-live="failures" data-testid="live-updates" data-text-new="${e(t('liveNew', { n: '{n}' }))}"></div>`;
  body += live;
  const rows = (result?.items ?? [])
    .map((f) => {
      const v = failureView(c.tx, f);
      return (
        `<tr data-testid="result-row" data-id="${e(v.id)}"><td class="nowrap"><a href="/failures/${encodeURIComponent(v.id)}">${e(v.time)}</a></td>` +
        `<td class="nowrap">${e(v.terminal)}</td><td class="nowrap">${e(v.merchant_id)}</td><td class="num">${e(v.amount)}</td>` +
        `<td class="code">${e(v.card)}</td><td class="code">${e(v.rc)}</td><td>${e(v.category)}</td><td>${e(v.outcome)}</td>` +
        `<td data-testid="result-case">${e(v.case_status)}</td></tr>`
      );
    })
    .join('');
  body +=
    `<table data-testid="results"><thead><tr><th>${e(t('time'))}</th><th>${e(t('terminal'))}</th><th>${e(t('merchantId'))}</th>` +
    `<th>${e(t('amount'))}</th><th>${e(t('card'))}</th><th>${e(t('code'))}</th><th>${e(t('category'))}</th><th>${e(t('outcome'))}</th><th>${e(t('caseStatus'))}</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`;
  if (result && result.items.length === 0 && !error)
    body += `<p data-testid="no-results">${e(t('noResults'))}</p>`;
  const pager: string[] = [];
  if (form.after)
    pager.push(
      `<a href="/failures${qs({ ...form, after: undefined })}" data-testid="page-first">${e(t('firstPage'))}</a>`,
    );
  if (result?.next)
    pager.push(
      `<a href="/failures${qs({ ...form, after: result.next })}" data-testid="page-next">${e(t('nextPage'))}</a>`,
    );
  if (pager.length) body += `<div class="pager">${pager.join('')}</div>`;
  return page(c, t('failures'), body);
}
