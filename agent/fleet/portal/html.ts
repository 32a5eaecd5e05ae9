/**
 * The page shell and the small HTML helpers every view uses. Every value that reaches markup goes
 * through `e` (the report's escapeHtml) after the terminal-control and bidi characters are taken
 * out (safe-text.ts) and any card number is masked (scrubPans): store text came from terminals.
 * No inline script or style anywhere (the CSP forbids both): behaviour is /assets/portal.js, looks
 * /assets/portal.css. Key elements carry data-testid for the browser tests.
 */
import { scrubPans } from '../../../protocol/card/pan.js';
import { escapeHtml } from '../../export/svg.js';
import { LANGS } from '../../guidance/langs.js';
import type { User } from '../store/types.js';
import { terminalSafe } from '../safe-text.js';
import type { Texts } from './i18n.js';

/** Text for markup: controls out, PANs masked, escaped. */
export function e(v: unknown): string {
  if (v === null || v === undefined) return '';
  return escapeHtml(scrubPans(terminalSafe(String(v))));
}

/** A text of several lines escaped line by line (e() drops control characters, line feeds too). */
export function eLines(v: string | readonly string[]): string {
  return (typeof v === 'string' ? v.split('\n') : v).map((l) => e(l)).join('\n');
}

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** A hidden CSRF field for a form. */
export function csrfField(token: string): string {
  return `<input type="hidden" name="_csrf" value="${e(token)}">`;
}

/** `2026-11-23 10:15:00 UTC` from an ISO instant; a dash for none. */
export function utc(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

export interface PageContext {
  tx: Texts;
  user: User | null;
  /** CSRF token for the page's forms (sign-out, language, the page's own). */
  csrf: string;
  /** Path of the page (for the language form's return). */
  path: string;
}

function nav(c: PageContext): string {
  const t = c.tx.t;
  if (!c.user) return '';
  const links: Array<[string, string, string]> = [
    ['/failures', t('failures'), 'nav-failures'],
    ['/terminals', t('terminals'), 'nav-terminals'],
  ];
  if (c.user.role === 'operator') links.push(['/alerts', t('alertRules'), 'nav-alerts']);
  const role = c.user.role === 'operator' ? t('operator') : t('merchant');
  return (
    `<nav><ul>${links.map(([href, label, id]) => `<li><a href="${href}" data-testid="${id}">${e(label)}</a></li>`).join('')}</ul>` +
    `<div class="who"><span data-testid="signed-in-as">${e(t('signedInAs', { name: c.user.name, role }))}</span>` +
    `<form method="post" action="/signout" class="inline">${csrfField(c.csrf)}<button type="submit" data-testid="sign-out">${e(t('signOut'))}</button></form></div></nav>`
  );
}

function langForm(c: PageContext): string {
  const options = LANGS.map(
    (l) => `<option value="${l}"${l === c.tx.lang ? ' selected' : ''}>${l}</option>`,
  ).join('');
  return (
    `<form method="post" action="/language" class="lang inline">${csrfField(c.csrf)}` +
    `<input type="hidden" name="next" value="${e(c.path)}">` +
    `<label>${e(c.tx.t('language'))} <select name="lang" data-testid="language">${options}</select></label> ` +
    `<button type="submit">OK</button></form>`
  );
}

/** A whole page: the shell around `body`. */
export function page(c: PageContext, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${c.tx.lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(title)} · ${e(c.tx.t('portal'))}</title>` +
    `<link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/portal.css"><script src="/assets/portal.js" defer></script></head>` +
    `<body><header><a class="brand" href="/failures">${e(c.tx.t('portal'))}</a>${nav(c)}${langForm(c)}</header>` +
    `<main>${body}</main></body></html>`
  );
}

/** A page that only says why not (404, 403, 400, 413, 429). */
export function messagePage(c: PageContext, title: string, message: string): string {
  return page(
    c,
    title,
    `<h1>${e(title)}</h1><p class="message" data-testid="message">${e(message)}</p>` +
      `<p><a href="/failures">${e(c.tx.t('back'))}</a></p>`,
  );
}
