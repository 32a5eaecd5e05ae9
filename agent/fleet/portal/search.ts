/**
 * The failures search form's query string as a FailureQuery, each field checked on its own: a bad
 * value is refused with a SearchError that names the field and says what it should be (the page
 * shows it with 400), never passed on to the store. Dates are days (YYYY-MM-DD, UTC; `to` takes
 * the whole day) or minutes (YYYY-MM-DDTHH:MM, UTC). Unknown parameters are ignored.
 */
import { CATEGORIES, type Category } from '../../record.js';
import { CASE_STATUSES, type CaseStatus, type FailureQuery } from '../store/types.js';

export class SearchError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The form's fields as given (strings), for filling the form again. */
export interface SearchForm {
  id?: string;
  rrn?: string;
  stan?: string;
  last4?: string;
  terminal?: string;
  fleet?: string;
  merchant?: string;
  from?: string;
  to?: string;
  category?: string;
  case?: string;
  after?: string;
}

export const SEARCH_FIELDS = [
  'id',
  'rrn',
  'stan',
  'last4',
  'terminal',
  'fleet',
  'merchant',
  'from',
  'to',
  'category',
  'case',
  'after',
] as const;

/** field → [pattern, what it should be]; one row per field. */
const CHECKS: Record<Exclude<keyof SearchForm, 'from' | 'to' | 'category' | 'case'>, [RegExp, string]> = {
  id: [/^[0-9A-HJKMNP-TV-Z]{26}$/i, 'a record id: 26 letters and digits (ULID)'],
  rrn: [/^[A-Za-z0-9]{1,12}$/, 'an RRN: up to 12 letters and digits'],
  stan: [/^\d{1,6}$/, 'a STAN: up to 6 digits'],
  last4: [/^\d{4}$/, 'the last 4 digits of the card'],
  terminal: [/^[\x21-\x7e]{1,16}$/, 'a terminal id: up to 16 characters without spaces'],
  fleet: [/^[^/#+\s]{1,64}$/, 'a fleet name (no / # + or spaces)'],
  merchant: [/^[\x20-\x7e]{1,15}$/, 'a merchant id: up to 15 characters'],
  after: [/^[A-Za-z0-9_-]{1,200}$/, 'a page cursor from a "next" link'],
};

function instant(field: 'from' | 'to', v: string): string {
  const day = /^(\d{4})-(\d\d)-(\d\d)$/.exec(v);
  const minute = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(v);
  let t = Number.NaN;
  if (day) t = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
  else if (minute) t = Date.parse(`${v}:00Z`);
  // a day that does not exist (2026-02-30) rolls over in Date.UTC: it must read back as given
  if (!Number.isFinite(t) || (day && new Date(t).toISOString().slice(0, 10) !== v))
    throw new SearchError(field, 'a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM (UTC)');
  return new Date(t + (day && field === 'to' ? 86_400_000 : 0)).toISOString();
}

/** The form fields from a parsed query string (first value of each, trimmed, empty left out). */
export function readSearchForm(query: Record<string, unknown>): SearchForm {
  const form: SearchForm = {};
  for (const f of SEARCH_FIELDS) {
    let v = query[f];
    if (Array.isArray(v)) v = v[0];
    if (typeof v !== 'string') continue;
    const s = v.trim();
    if (s !== '') form[f] = s;
  }
  return form;
}

/** The store query of a form; throws SearchError on the first bad field. */
export function toFailureQuery(form: SearchForm, limit: number): FailureQuery {
  const q: FailureQuery = { limit };
  for (const [field, [re, what]] of Object.entries(CHECKS) as Array<
    [keyof typeof CHECKS, [RegExp, string]]
  >) {
    const v = form[field];
    if (v === undefined) continue;
    if (v.length > 200 || !re.test(v)) throw new SearchError(field, what);
  }
  if (form.id) q.id = form.id.toUpperCase();
  if (form.rrn) q.rrn = form.rrn;
  if (form.stan) q.stan = form.stan.padStart(6, '0');
  if (form.last4) q.last4 = form.last4;
  if (form.terminal) q.terminal = form.terminal;
  if (form.fleet) q.fleet = form.fleet;
  if (form.merchant) q.merchantId = form.merchant;
  if (form.from) q.from = instant('from', form.from);
  if (form.to) q.to = instant('to', form.to);
  if (q.from && q.to && q.from >= q.to) throw new SearchError('to', 'after "from"');
  if (form.category) {
    if (!(CATEGORIES as readonly string[]).includes(form.category) || form.category === 'approved')
      throw new SearchError('category', `one of ${CATEGORIES.filter((c) => c !== 'approved').join(', ')}`);
    q.categories = [form.category as Category];
  }
  if (form.case) {
    if (!(CASE_STATUSES as readonly string[]).includes(form.case))
      throw new SearchError('case', `one of ${CASE_STATUSES.join(', ')}`);
    q.caseStatuses = [form.case as CaseStatus];
  }
  if (form.after) q.after = form.after;
  return q;
}
