/**
 * A failure's page: the details, the guidance for its code (the catalog in the page's language),
 * the contact-issuer script (agent/guidance/script.ts, 48 columns, printable on its own), the
 * outcome, a timeline (the record's moments and the case's events, oldest first) and the
 * follow-up case: its status moves (CASE_MOVES), a note, the assignee, and the audit trail.
 * The store keeps a record's newest version only, so the record's part of the timeline is what
 * that version says: when it failed, when its outcome last changed (version > 1), when it arrived.
 */
import { lookupCode } from '../../../protocol/response-codes/index.js';
import type { Catalog } from '../../guidance/catalog.js';
import { issuerScript, localTime, PRINTER_80MM } from '../../guidance/script.js';
import {
  CASE_MOVES,
  type CaseEvent,
  type CaseRow,
  type CaseStatus,
  type FailureRow,
  NOTE_MAX,
} from '../store/types.js';
import { amountText, card, categoryLabel } from './format.js';
import { csrfField, e, eLines, page, type PageContext, utc } from './html.js';
import type { Texts } from './i18n.js';

export interface FailurePageData {
  failure: FailureRow;
  kase: CaseRow | null;
  events: CaseEvent[];
  /** Names a user may assign the case to. */
  assignees: string[];
  catalog: Catalog;
  /** A notice above the case form: saved, or why not. */
  notice?: { ok: boolean; text: string };
}

function statusText(tx: Texts, s: string | null): string {
  return s === null ? '—' : (tx.caseStatus(s as CaseStatus) ?? s);
}

function eventText(tx: Texts, ev: CaseEvent): string {
  switch (ev.action) {
    case 'created':
      return tx.t('evCreated');
    case 'status':
      return tx.t('evStatus', { old: statusText(tx, ev.old), new: statusText(tx, ev.new) });
    case 'assignee':
      return tx.t('evAssignee', { old: ev.old ?? tx.t('unassigned'), new: ev.new ?? tx.t('unassigned') });
    case 'note':
      return tx.t('evNote', { text: ev.new ?? '' });
  }
}

function dl(rows: Array<[string, string | null | undefined]>): string {
  return `<dl class="kv">${rows
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`)
    .join('')}</dl>`;
}

export function failurePage(c: PageContext, d: FailurePageData): string {
  const { tx } = c;
  const t = tx.t;
  const f = d.failure;
  const row = lookupCode(f.rc);
  const g = d.catalog.guidance(row, tx.lang);
  const amount = amountText(tx, f.amount_minor, f.currency);
  const title = `${g.title}: ${amount || f.rc}`;

  const details = dl([
    [t('time'), localTime(f.occurred_at, f.utc_offset_min)],
    [t('terminal'), f.fleet ? `${f.fleet}/${f.terminal_id}` : f.terminal_id],
    [t('merchantId'), f.merchant_id],
    [t('amount'), amount],
    [t('card'), [card(f.pan_masked), f.card_brand].filter(Boolean).join(' ')],
    [t('code'), `${f.rc} (${row.meaning})`],
    [t('category'), categoryLabel(tx, f.category)],
    [t('stan'), f.stan],
    [t('rrn'), f.rrn],
    [t('recordId'), f.id],
    [t('note'), f.notes],
  ]);

  const guidance =
    `<p data-testid="guidance-cashier">${e(g.cashier)}</p>` +
    (g.steps.length
      ? `<h3>${e(t('steps'))}</h3><ol data-testid="guidance-steps">${g.steps.map((s) => `<li>${e(s)}</li>`).join('')}</ol>`
      : '') +
    `<h3>${e(t('tellCustomer'))}</h3><p>${e(g.customer)}</p>`;

  const script = issuerScript(f, { merchantName: '' }, tx.lang, {
    columns: PRINTER_80MM,
    catalog: d.catalog,
  });

  const outcome = dl([
    [t('outcome'), tx.outcome(f.outcome)],
    [t('time'), f.outcome_at ? utc(f.outcome_at) : null],
  ]);
  const linked = f.linked_id
    ? `<p><a href="/failures/${encodeURIComponent(f.linked_id)}" data-testid="linked">${e(f.linked_id)}</a></p>`
    : '';

  // timeline: the record's moments and the case's events, oldest first
  const moments: Array<[string, string]> = [[f.occurred_at, t('occurred')]];
  if (f.version > 1 && f.outcome_at)
    moments.push([f.outcome_at, t('outcomeChanged', { outcome: tx.outcome(f.outcome), version: f.version })]);
  moments.push([f.received_at, t('received')]);
  for (const ev of d.events) moments.push([ev.at, `${ev.actor}: ${eventText(tx, ev)}`]);
  moments.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const timeline = `<ol class="timeline" data-testid="timeline">${moments.map(([at, what]) => `<li><time datetime="${e(at)}">${e(utc(at))}</time> ${eLines(what)}</li>`).join('')}</ol>`;

  let kase = '';
  if (d.kase) {
    const k = d.kase;
    const moves = [k.status, ...CASE_MOVES[k.status]];
    const statusOpts = moves
      .map((s) => `<option value="${s}"${s === k.status ? ' selected' : ''}>${e(tx.caseStatus(s))}</option>`)
      .join('');
    const names = [...new Set([...(k.assignee ? [k.assignee] : []), ...d.assignees])];
    const assigneeOpts =
      `<option value=""${k.assignee === null ? ' selected' : ''}>${e(t('unassigned'))}</option>` +
      names
        .map((n) => `<option value="${e(n)}"${n === k.assignee ? ' selected' : ''}>${e(n)}</option>`)
        .join('');
    const notice = d.notice
      ? `<p class="${d.notice.ok ? 'ok' : 'message'}" data-testid="case-notice">${e(d.notice.text)}</p>`
      : '';
    const trail = d.events
      .map(
        (ev) =>
          `<tr data-testid="audit-row"><td class="nowrap">${e(utc(ev.at))}</td><td class="nowrap">${e(ev.actor)}</td><td class="lines">${eLines(eventText(tx, ev))}</td></tr>`,
      )
      .join('');
    kase =
      `<section class="box noprint" data-testid="case"><h2>${e(t('followUp'))}</h2>${notice}` +
      `<p>${e(t('status'))}: <strong data-testid="case-status-now">${e(tx.caseStatus(k.status))}</strong>` +
      ` · ${e(t('assignee'))}: <span data-testid="case-assignee-now">${e(k.assignee ?? t('unassigned'))}</span></p>` +
      `<form method="post" action="/failures/${encodeURIComponent(f.id)}/case" class="case" data-testid="case-form">${csrfField(c.csrf)}` +
      `<input type="hidden" name="version" value="${k.version}">` +
      `<label>${e(t('status'))} <select name="status" data-testid="case-status">${statusOpts}</select></label>` +
      `<label>${e(t('assignee'))} <select name="assignee" data-testid="case-assignee">${assigneeOpts}</select></label>` +
      `<label>${e(t('note'))}<textarea name="note" maxlength="${NOTE_MAX}" data-testid="case-note"></textarea></label>` +
      `<div><button type="submit" data-testid="case-submit">${e(t('save'))}</button></div></form>` +
      `<h3>${e(t('auditTrail'))}</h3><table data-testid="audit-trail"><thead><tr><th>${e(t('when'))}</th><th>${e(t('who'))}</th><th>${e(t('what'))}</th></tr></thead><tbody>${trail}</tbody></table></section>`;
  }

  const body =
    `<h1 data-testid="failure-title">${e(title)}</h1>` +
    `<div class="grid2"><section class="box"><h2>${e(t('details'))}</h2>${details}</section>` +
    `<section class="box"><h2>${e(t('guidance'))}</h2>${guidance}</section>` +
    `<section class="box"><h2>${e(t('outcome'))}</h2>${outcome}${linked}</section>` +
    `<section class="box"><h2>${e(t('timeline'))}</h2>${timeline}</section></div>` +
    kase +
    `<section class="script-section"><h2>${e(t('issuerScript'))}</h2>` +
    `<p class="noprint"><button type="button" data-print data-testid="print-script">${e(t('print'))}</button></p>` +
    `<pre class="script" data-testid="issuer-script">${eLines(script)}</pre></section>`;
  return page(c, title, body);
}
