/**
 * The terminals page (state, backlog, failure rate, alarms, last seen; live updates) and one
 * terminal's page (alert links point here: /terminals/FLEET/TERMINAL). The failure rate is the
 * terminal's own count since its boot from its metrics: failures / (failures + approvals). The
 * charts are the HTML report's SVG charts (agent/export/svg.ts) with its category colours.
 */
import { CATEGORY_COLORS } from '../../export/html.js';
import { horizontalBars } from '../../export/svg.js';
import type { Category } from '../../record.js';
import type { CountRow, Page, TerminalRow } from '../store/types.js';
import { categoryLabel } from './format.js';
import { e, page, type PageContext, qs, utc } from './html.js';
import type { Texts } from './i18n.js';

/** failures / attempts since boot from the metrics counts, as "12.5 %"; '' without counts. */
export function failureRate(tx: Texts, counts: TerminalRow['counts']): string {
  let failures = 0;
  let approved = 0;
  for (const [k, v] of Object.entries(counts)) {
    if (typeof v !== 'number') continue;
    if (k === 'approved') approved += v;
    else failures += v;
  }
  if (failures + approved === 0) return '';
  return `${new Intl.NumberFormat(tx.locale, { maximumFractionDigits: 1 }).format((100 * failures) / (failures + approved))} %`;
}

/** The fields of a terminal row as shown (and sent to the client script on a change). */
export function terminalView(tx: Texts, r: TerminalRow) {
  return {
    key: `${r.fleet}/${r.terminal_id}`,
    state: tx.state(r.state),
    state_key: r.state,
    backlog: r.outbox_depth === null ? '' : String(r.outbox_depth),
    rate: failureRate(tx, r.counts),
    alarms: r.alarms.join(', '),
    last_seen: utc(r.last_seen),
    failures: String(r.failures),
  };
}

function categoryBars(tx: Texts, rows: ReadonlyArray<{ key: string; n: number }>, title: string): string {
  if (rows.length === 0) return '';
  return horizontalBars(
    rows.map((r) => ({
      label: categoryLabel(tx, r.key as Category),
      value: r.n,
      color: CATEGORY_COLORS[r.key as Category] ?? '#9ca3af',
      valueText: new Intl.NumberFormat(tx.locale).format(r.n),
    })),
    { title },
  );
}

export function terminalsPage(
  c: PageContext,
  result: Page<TerminalRow>,
  byCategory: CountRow[],
  after?: string,
): string {
  const { tx } = c;
  const t = tx.t;
  const rows = result.items
    .map((r) => {
      const v = terminalView(tx, r);
      return (
        `<tr data-testid="terminal-row" data-key="${e(v.key)}"><td class="nowrap"><a href="/terminals/${encodeURIComponent(r.fleet)}/${encodeURIComponent(r.terminal_id)}">${e(v.key)}</a></td>` +
        `<td class="nowrap">${e(r.merchant_id ?? '')}</td><td data-col="state" class="state-${e(r.state)}">${e(v.state)}</td>` +
        `<td class="num" data-col="backlog">${e(v.backlog)}</td><td class="num" data-col="rate">${e(v.rate)}</td>` +
        `<td data-col="alarms">${e(v.alarms)}</td><td class="nowrap" data-col="last_seen">${e(v.last_seen)}</td><td class="num" data-col="failures">${e(v.failures)}</td></tr>`
      );
    })
    .join('');
  const chart = categoryBars(
    tx,
    byCategory.map((r) => ({ key: r.key, n: r.failures })),
    t('byCategory'),
  );
  const body =
    `<h1>${e(t('terminals'))}</h1>` +
    `<div class="live" aria-live="polite" data-live="terminals" data-testid="live-updates" data-text-new="${e(t('liveNew', { n: '{n}' }))}"></div>` +
    (result.items.length === 0
      ? `<p data-testid="no-terminals">${e(t('noTerminals'))}</p>`
      : `<table data-testid="terminals"><thead><tr><th>${e(t('terminal'))}</th><th>${e(t('merchantId'))}</th><th>${e(t('state'))}</th><th>${e(t('backlog'))}</th>` +
        `<th>${e(t('failureRate'))}</th><th>${e(t('alarms'))}</th><th>${e(t('lastSeen'))}</th><th>${e(t('failuresStored'))}</th></tr></thead><tbody>${rows}</tbody></table>`) +
    `<div class="pager">${after ? `<a href="/terminals">${e(t('firstPage'))}</a>` : ''}${result.next ? `<a href="/terminals${qs({ after: result.next })}" data-testid="page-next">${e(t('nextPage'))}</a>` : ''}</div>` +
    (chart ? `<h2>${e(t('byCategory'))} (24 h)</h2><figure>${chart}</figure>` : '');
  return page(c, t('terminals'), body);
}

/** The host link of a terminal's heartbeat, as a text key. */
const LINK_TEXT: Record<string, 'linkUp' | 'linkDown' | 'linkUnknown'> = {
  up: 'linkUp',
  down: 'linkDown',
  unknown: 'linkUnknown',
};

export function terminalPage(c: PageContext, r: TerminalRow): string {
  const { tx } = c;
  const t = tx.t;
  const v = terminalView(tx, r);
  const kv: Array<[string, string]> = [
    [t('state'), v.state],
    [t('merchantId'), r.merchant_id ?? ''],
    [t('backlog'), v.backlog],
    [t('failureRate'), v.rate],
    [t('alarms'), v.alarms],
    [t('lastSeen'), v.last_seen],
    [t('failuresStored'), v.failures],
    [t('agentVersion'), r.version ?? ''],
    [t('hostLink'), r.link ? t(LINK_TEXT[r.link] ?? 'linkUnknown') : ''],
  ];
  const counts = Object.entries(r.counts)
    .filter(([k, n]) => k !== 'approved' && typeof n === 'number' && n > 0)
    .map(([key, n]) => ({ key, n: n as number }))
    .sort((a, b) => b.n - a.n);
  const chart = categoryBars(tx, counts, t('byCategory'));
  const body =
    `<h1 data-testid="terminal-title">${e(v.key)}</h1>` +
    `<section class="box"><dl class="kv">${kv
      .filter(([, x]) => x !== '')
      .map(([k, x]) => `<dt>${e(k)}</dt><dd data-col="${e(k)}">${e(x)}</dd>`)
      .join('')}</dl>` +
    `<p><a href="/failures${qs({ terminal: r.terminal_id, fleet: c.user?.role === 'operator' ? r.fleet : undefined })}" data-testid="terminal-failures">${e(t('failures'))}</a></p></section>` +
    (chart ? `<h2>${e(t('byCategory'))}</h2><figure>${chart}</figure>` : '');
  return page(c, v.key, body);
}
