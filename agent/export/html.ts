/**
 * The HTML report: one self-contained file (inline CSS, inline SVG charts, no script, nothing
 * fetched), readable on screen and on paper. Pure: ReportData in, HTML text out. Every piece of
 * data passes through escapeHtml, so text from the store (terminal ids, codes, texts) cannot
 * inject markup.
 */
import type { Category } from '../record.js';
import { fill } from './i18n.js';
import type { ReportData } from './report.js';
import { columns, escapeHtml as e, horizontalBars } from './svg.js';

export const CATEGORY_COLORS: Record<Category, string> = {
  insufficient_funds: '#d97706',
  card_problem: '#7c3aed',
  cardholder_verification: '#0891b2',
  issuer_decline: '#dc2626',
  network: '#2563eb',
  merchant_setup: '#65a30d',
  system_fault: '#475569',
  approved: '#16a34a',
  unknown: '#9ca3af',
};

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: #111827; background: #fff; margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #e5e7eb; }
.meta { color: #4b5563; margin: 0 0 4px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin-top: 12px; }
.card { border: 1px solid #d1d5db; border-radius: 6px; padding: 10px 14px; }
.card .k { color: #4b5563; font-size: 12px; }
.card .v { font-size: 22px; font-weight: 600; }
.chart { max-width: 100%; height: auto; display: block; }
.chart text { font-size: 12px; fill: #111827; }
.chart text.axis { font-size: 11px; fill: #4b5563; }
.chart text.val { fill: #374151; }
.chart line.grid { stroke: #e5e7eb; stroke-width: 1; }
.chart line.base { stroke: #6b7280; stroke-width: 1; }
.note { color: #4b5563; font-size: 12px; margin: 4px 0; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #e5e7eb; }
th { border-bottom: 2px solid #9ca3af; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.code, td.nowrap { white-space: nowrap; font-variant-numeric: tabular-nums; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; vertical-align: baseline; }
.charts { display: grid; grid-template-columns: 1fr; gap: 8px; }
tr.script td { padding-top: 0; border-bottom: 1px solid #e5e7eb; }
tr.has-script td { border-bottom: none; }
details.script summary { cursor: pointer; color: #1d4ed8; font-size: 12px; }
details.script pre { font: 12px/1.35 ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace;
  white-space: pre; margin: 6px 0 4px; padding: 8px 10px; border: 1px dashed #9ca3af; width: max-content; max-width: 100%; overflow-x: auto; }
section { break-inside: auto; }
@media print {
  @page { margin: 14mm 12mm; }
  body { padding: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; }
  .card, .chart, figure { break-inside: avoid; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  /* an opened script prints whole, as on the slip; closed ones take no paper */
  tr.script:not(:has(details[open])) { display: none; }
  details.script summary { display: none; }
  details.script pre { border: 1px solid #000; font-size: 10px; break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body, .card, table, th, td { background: #fff !important; color: #000; }
  table { font-size: 10px; }
}
`;

function num(locale: string, n: number): string {
  return new Intl.NumberFormat(locale).format(n);
}

function bucketLabel(bucket: string, kind: ReportData['bucket']): string {
  if (kind === 'hour') return bucket.slice(5); // MM-DD HH:00
  if (kind === 'day') return bucket.slice(5); // MM-DD
  return bucket; // YYYY-MM
}

function utcText(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}

export function renderReport(d: ReportData): string {
  const t = d.texts;
  const loc = t.locale;
  const catLabel = (c: Category): string => t.categories[c] ?? c;
  const generated = new Intl.DateTimeFormat(loc, { dateStyle: 'long', timeStyle: 'short' }).format(
    d.generatedAt,
  );
  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html>\n<html lang="${e(loc)}"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${e(t.title)}</title><style>${CSS}</style></head><body>`,
    `<header><h1>${e(t.title)}</h1>`,
    `<p class="meta">${e(fill(t.generated, { at: generated }))}</p>`,
    `<p class="meta">${e(t.filters)}: ${e(d.filterText.length ? d.filterText.join(' ') : t.noFilters)}</p></header>`,
  );

  // Summary cards
  parts.push(
    `<section id="summary"><h2>${e(t.summary)}</h2><div class="cards">`,
    `<div class="card"><div class="k">${e(t.failures)}</div><div class="v" id="total-failures">${e(num(loc, d.totals.failures))}</div></div>`,
    `<div class="card"><div class="k">${e(t.records)}</div><div class="v">${e(num(loc, d.totals.records))}</div></div>`,
    `<div class="card"><div class="k">${e(t.terminals)}</div><div class="v">${e(num(loc, d.totals.terminals))}</div></div>`,
    `<div class="card"><div class="k">${e(t.period)}</div><div class="v" style="font-size:14px">${e(utcText(d.totals.first))}<br>${e(utcText(d.totals.last))}</div></div>`,
    `</div></section>`,
  );

  if (d.totals.records === 0) {
    parts.push(`<p class="note">${e(t.none)}</p></body></html>\n`);
    return parts.join('\n');
  }

  // Charts
  const catTitle = t.byCategory;
  const total = d.byCategory.reduce((s, r) => s + r.n, 0) || 1;
  parts.push(
    `<section id="by-category"><h2>${e(catTitle)}</h2><figure>`,
    horizontalBars(
      d.byCategory.map((r) => ({
        label: catLabel(r.category),
        value: r.n,
        color: CATEGORY_COLORS[r.category] ?? '#9ca3af',
        valueText: `${num(loc, r.n)} (${Math.round((r.n / total) * 100)}%)`,
      })),
      { title: catTitle },
    ),
    `</figure></section>`,
  );
  const timeTitle = d.bucket === 'hour' ? t.byHour : t.byDay;
  parts.push(
    `<section id="by-time"><h2>${e(timeTitle)}</h2><figure>`,
    columns(
      d.byTime.map((p) => ({ label: bucketLabel(p.bucket, d.bucket), value: p.n })),
      { title: timeTitle, format: (n) => num(loc, n) },
    ),
    `<figcaption class="note">${e(t.localTimeNote)}</figcaption></figure></section>`,
  );

  // Top codes
  parts.push(
    `<section id="top-codes"><h2>${e(t.topCodes)}</h2><table><thead><tr>`,
    `<th>${e(t.code)}</th><th>${e(t.source)}</th><th>${e(t.meaning)}</th><th>${e(t.category)}</th><th class="num">${e(t.count)}</th><th class="num">${e(t.share)}</th>`,
    `</tr></thead><tbody>`,
  );
  for (const c of d.topCodes) {
    parts.push(
      `<tr><td class="code">${e(c.rc)}</td><td>${e(c.source)}</td><td>${e(c.meaning || '—')}</td>` +
        `<td><span class="dot" style="background:${CATEGORY_COLORS[c.category] ?? '#9ca3af'}"></span>${e(catLabel(c.category))}</td>` +
        `<td class="num">${e(num(loc, c.n))}</td><td class="num">${e(`${((c.n / d.totals.records) * 100).toFixed(1)}%`)}</td></tr>`,
    );
  }
  parts.push(`</tbody></table></section>`);

  // Lost revenue
  parts.push(
    `<section id="lost-revenue"><h2>${e(t.lostRevenue)}</h2><table><thead><tr>`,
    `<th>${e(t.currency)}</th><th class="num">${e(t.amount)}</th><th class="num">${e(t.failures)}</th></tr></thead><tbody>`,
  );
  for (const r of d.lostRevenue) {
    parts.push(
      `<tr><td>${e(r.alpha)}${r.currency && r.currency !== r.alpha ? ` <span class="note">(${e(r.currency)})</span>` : ''}</td>` +
        `<td class="num">${e(r.formatted)}</td><td class="num">${e(num(loc, r.n))}</td></tr>`,
    );
  }
  parts.push(`</tbody></table><p class="note">${e(t.lostRevenueNote)}</p></section>`);

  // Recovered afterwards: how many failures were paid after all, and how
  if (d.recovered.n > 0) {
    parts.push(
      `<section id="recovered"><h2>${e(t.recovered)}</h2>`,
      `<p>${e(fill(t.recoveredNote, { n: num(loc, d.recovered.n) }))}</p><table><tbody>`,
    );
    for (const r of d.recovered.byMeans) {
      const label = (r.means && t.recoveryMeans[r.means]) || r.means || '—';
      parts.push(`<tr><td>${e(label)}</td><td class="num">${e(num(loc, r.n))}</td></tr>`);
    }
    parts.push(`</tbody></table></section>`);
  }

  // Table of failures
  parts.push(`<section id="failures"><h2>${e(t.table)}</h2>`);
  if (d.totals.records > d.table.length) {
    parts.push(
      `<p class="note" id="capped">${e(fill(t.tableCapped, { shown: num(loc, d.table.length), total: num(loc, d.totals.records) }))}</p>`,
    );
  }
  parts.push(
    `<table><thead><tr><th>${e(t.time)}</th><th>${e(t.terminal)}</th><th class="num">${e(t.amount)}</th><th>${e(t.card)}</th>` +
      `<th>${e(t.stan)}</th><th>${e(t.rrn)}</th><th>${e(t.code)}</th><th>${e(t.category)}</th><th>${e(t.retry)}</th><th>${e(t.outcome)}</th><th>${e(t.nextStep)}</th></tr></thead><tbody>`,
  );
  for (const r of d.table) {
    parts.push(
      `<tr class="has-script"><td class="nowrap">${e(r.time)}</td><td>${e(r.terminal)}</td><td class="num">${e(r.amount)}</td><td class="nowrap">${e(r.card)}</td>` +
        `<td class="code">${e(r.stan)}</td><td class="code">${e(r.rrn)}</td><td class="code">${e(r.rc)}</td>` +
        `<td><span class="dot" style="background:${CATEGORY_COLORS[r.category] ?? '#9ca3af'}"></span>${e(catLabel(r.category))}</td>` +
        `<td>${e(t.retryAdvice[r.retry] ?? r.retry)}</td><td>${e(t.outcomes[r.outcome] ?? r.outcome)}</td><td>${e(r.nextStep)}</td></tr>`,
      `<tr class="script"><td colspan="11"><details class="script"><summary>${e(t.issuerScript)}</summary><pre>${e(r.script.join('\n'))}</pre></details></td></tr>`,
    );
  }
  parts.push(`</tbody></table></section></body></html>\n`);
  return parts.join('\n');
}
