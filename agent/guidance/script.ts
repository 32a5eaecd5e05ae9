/**
 * The contact-issuer script: what the merchant or the customer reads out to the card issuer (or,
 * for technical failures, the acquirer) after a failed payment. First what to ask, then the
 * details in a fixed order: local and UTC time, merchant name and id, terminal id, acquirer (when
 * configured), transaction type, amount and currency, masked card and brand, how the card was
 * read, STAN, RRN, approval code (only if any), response code and its meaning; for a referral
 * (01/02: the issuer may approve by phone) a blank line to write the approval code on.
 * For receipt printers (58 mm = 32 columns, 80 mm = 48, 42 on some) and as pages for the display;
 * widths in display columns (CJK counts two).
 *
 * Numbers and ids are never split across lines: a label and its value share a line only when
 * both fit, else the value goes on the lines below, broken only at spaces between its parts
 * (date / time / offset, currency / amount, card / brand). A masked card number wider than the
 * line is shown with four stars in the middle (first 6 and last 4 stay).
 *
 * Card data: only the masked PAN is printed; a value that still looks like a full card number is
 * masked again, and every output line passes through scrubPans.
 * For a sensitive code the meaning printed is the generic "declined by the bank": the customer
 * may be the one reading the script.
 */

import { maskPan, scrubPans } from '../../protocol/card/pan.js';
import { type CodeRow, lookupCode } from '../../protocol/response-codes/index.js';
import type { FailureRecord } from '../record.js';
import { type Catalog, createCatalog } from './catalog.js';
import { formatAmount } from './currency.js';
import { GuidanceError } from './errors.js';
import type { Geometry } from '../../hardware/display/types.js';
import { checkLayoutSize, displayWidth, paginate, wrap } from './layout.js';
import { entryModeKey, transactionKey } from './txn-kind.js';

export interface TerminalInfo {
  /** Merchant name as it appears on the cardholder's statement. */
  merchantName: string;
  /** IANA time zone of the terminal, e.g. "Europe/Helsinki"; else the record's utc_offset_min. */
  timezone?: string;
  /** The acquirer (the merchant's card-acceptance bank), config terminal.acquirer; no line without it. */
  acquirer?: string;
}

export interface ScriptOptions {
  /** Printer columns: 32 for 58 mm paper, 48 for 80 mm (42 on some printers). */
  columns: number;
  /** Catalog to use (with the merchant's overrides); default: the built-in texts. */
  catalog?: Catalog;
  /** The classified row (e.g. from a table with acquirer overrides); default: lookupCode(rec.rc). */
  row?: CodeRow;
}

export const PRINTER_58MM = 32;
export const PRINTER_80MM = 48;
const MIN_PRINTER_COLUMNS = 16;

const LABEL_SUFFIX: Readonly<Record<string, string>> = { zh: '：', fr: '\u00a0:' };

const BRANDS: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  unionpay: 'UnionPay',
  jcb: 'JCB',
  discover: 'Discover',
  diners: 'Diners Club',
  maestro: 'Maestro',
};

let defaultCatalog: Catalog | undefined;
function builtInCatalog(): Catalog {
  defaultCatalog ??= createCatalog();
  return defaultCatalog;
}

// ---------------------------------------------------------------------------------------------
// Memos over layout.ts: the export lays out a script per row (a million rows in a CSV), and most
// of a script (title, question, labels, closing, reasons) is the same text at the same width every
// time. Measured (100,000 scripts, 48 columns, six languages): ~2.7 s with both memos, ~6.7 s
// with the wrap memo alone, ~17 s with neither.

const MEMO_MAX = 2048;
const wrapMemo = new Map<string, readonly string[]>();
const widthMemo = new Map<string, number>();

/** layout.ts wrap, memoized. */
function cachedWrap(text: string, width: number): readonly string[] {
  const key = `${width}\u0000${text}`;
  let lines = wrapMemo.get(key);
  if (!lines) {
    lines = wrap(text, width);
    if (wrapMemo.size >= MEMO_MAX) wrapMemo.clear();
    wrapMemo.set(key, lines);
  }
  return lines;
}

/** layout.ts displayWidth, memoized. */
function cachedWidth(s: string): number {
  let w = widthMemo.get(s);
  if (w === undefined) {
    w = displayWidth(s);
    if (widthMemo.size >= MEMO_MAX) widthMemo.clear();
    widthMemo.set(s, w);
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// Times

const dtfCache = new Map<string, Intl.DateTimeFormat>();

/** Offset of `tz` from UTC at instant `t`, in minutes east. Throws RangeError for a bad zone. */
export function zoneOffsetMinutes(t: number, tz: string): number {
  let dtf = dtfCache.get(tz);
  if (!dtf) {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (dtfCache.size < 64) dtfCache.set(tz, dtf);
  }
  const p: Record<string, number> = {};
  for (const part of dtf.formatToParts(new Date(t))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    p.year ?? 1970,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return Math.round((asUtc - Math.floor(t / 1000) * 1000) / 60_000);
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function stamp(d: Date): string {
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function offsetText(min: number): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${sign}${two(Math.floor(a / 60))}:${two(a % 60)}`;
}

/** Local time "2026-11-23 11:15:00 +01:00": the IANA zone if valid, else the record's offset. */
export function localTime(occurredAt: string, utcOffsetMin: number, timezone?: string): string {
  const t = Date.parse(occurredAt);
  if (Number.isNaN(t)) return occurredAt;
  let off = Number.isFinite(utcOffsetMin) ? utcOffsetMin : 0;
  if (timezone) {
    try {
      off = zoneOffsetMinutes(t, timezone);
    } catch {
      // unknown zone: keep the offset recorded with the failure
    }
  }
  return `${stamp(new Date(t + off * 60_000))} ${offsetText(off)}`;
}

export function utcTime(occurredAt: string): string {
  const t = Date.parse(occurredAt);
  return Number.isNaN(t) ? occurredAt : stamp(new Date(t));
}

// ---------------------------------------------------------------------------------------------
// Script

function safeCard(panMasked: string | null): string | null {
  if (!panMasked) return null;
  const compact = panMasked.replace(/[\s-]/g, '');
  return /^\d{12,19}$/.test(compact) ? maskPan(compact) : scrubPans(panMasked);
}

function brandName(brand: string | null): string | null {
  return brand && brand !== 'unknown' ? (BRANDS[brand] ?? brand) : null;
}

/** "476173******0119" → "476173****0119": the same first 6 and last 4, for a narrow line. */
function shortMask(card: string): string {
  return card.replace(/^(\d{6})\*{5,}(\d{4})$/, '$1****$2');
}

type AskKind = 'decline' | 'referral' | 'technical';

function askKind(row: CodeRow): AskKind {
  if (row.textKey === 'refer_issuer') return 'referral';
  // a local fault (card read, removed early, PIN timeout or cancel, host timeout) is no decline:
  // nobody at the issuer said no; ask whether the payment reached them
  if (row.standard === 'local') return 'technical';
  if (row.category === 'network' || row.category === 'system_fault' || row.category === 'approved')
    return 'technical';
  if (row.category === 'merchant_setup') return 'technical';
  return 'decline';
}

/** Blank to write the issuer's approval code on (referrals). */
export const APPROVAL_CODE_BLANK = '__________';

/** One detail: its label and value; `narrow` is the value for a line the value does not fit. */
interface Field {
  label: string;
  value: string;
  narrow?: string;
}

interface Built {
  title: string;
  ask: string;
  fields: Field[];
  closing: string;
  labelSuffix: string;
}

function build(rec: FailureRecord, term: TerminalInfo, lang: string, catalog: Catalog, row: CodeRow): Built {
  const t = (k: string) => catalog.text(k, lang);
  const reason = row.sensitive
    ? catalog.guidanceFor('cat.issuer_decline', lang).title
    : catalog.guidance(row, lang).title;
  const dash = '-';
  const f = (label: string, value: string | null | undefined): Field => ({
    label: t(label),
    value: value || dash,
  });
  const txnKey = transactionKey(rec.mti, rec.processing_code);
  const rawTxn = [rec.mti, rec.processing_code].filter(Boolean).join(' / ');
  const entryKey = entryModeKey(rec.entry_mode);
  const card = safeCard(rec.pan_masked);
  const brand = brandName(rec.card_brand);
  const kind = askKind(row);
  const fields: Field[] = [
    f('label.time_local', localTime(rec.occurred_at, rec.utc_offset_min, term.timezone)),
    f('label.time_utc', utcTime(rec.occurred_at)),
    f('label.merchant', term.merchantName),
    f('label.merchant_id', rec.merchant_id),
    f('label.terminal_id', rec.terminal_id),
  ];
  if (term.acquirer && term.acquirer.trim() !== '') fields.push(f('label.acquirer', term.acquirer.trim()));
  fields.push(
    f('label.transaction', txnKey ? t(txnKey) : rawTxn),
    f('label.amount', formatAmount(rec.amount_minor, rec.currency, catalog.decimalSeparator(lang))),
    {
      ...f('label.card', [card, brand].filter(Boolean).join(' ')),
      ...(card ? { narrow: [shortMask(card), brand].filter(Boolean).join(' ') } : {}),
    },
    f('label.entry_mode', entryKey ? t(entryKey) : rec.entry_mode),
    f('label.stan', rec.stan),
    f('label.rrn', rec.rrn),
  );
  const auth = rec.auth_code?.trim() ?? '';
  if (auth !== '') fields.push(f('label.auth_code', auth));
  fields.push(f('label.response_code', `${rec.rc} - ${reason}`));
  // a referral: the issuer may give an approval code on the phone; here is where it goes
  if (kind === 'referral' && auth === '') fields.push(f('label.auth_code', APPROVAL_CODE_BLANK));
  return {
    title: t('script.title'),
    ask: t(`script.ask.${kind}`),
    fields,
    closing: t('script.closing'),
    labelSuffix: LABEL_SUFFIX[lang.toLowerCase().split(/[-_]/)[0] ?? ''] ?? ':',
  };
}

const HAS_DIGIT = /\d/;

/**
 * A value on lines of its own: broken only at spaces, a part with a digit (a number or id) never
 * split; a part of text wider than the line (a long name, CJK without spaces) is wrapped.
 */
function valueLines(value: string, width: number): string[] {
  const parts = value.split(' ').filter((p) => p !== '');
  const fitsIndented = parts.every((p) => !HAS_DIGIT.test(p) || cachedWidth(p) <= width - 2);
  const indent = width >= 8 && fitsIndented ? 2 : 0;
  const w = width - indent;
  const out: string[] = [];
  let line = '';
  for (const p of parts) {
    const pw = cachedWidth(p);
    if (line !== '' && cachedWidth(line) + 1 + pw <= w) {
      line += ` ${p}`;
      continue;
    }
    if (line !== '') out.push(line);
    // a number wider than the line cannot occur at 16 columns or more (the longest, the card
    // number, has a shorter form); text wider than the line is wrapped
    const pieces = pw <= w ? [p] : cachedWrap(p, w);
    out.push(...pieces.slice(0, -1));
    line = pieces[pieces.length - 1] ?? '';
  }
  if (line !== '') out.push(line);
  return out.map((l) => ' '.repeat(indent) + l);
}

/** The widest part with a digit in a value (what must fit a line unbroken). */
function widestNumber(value: string): number {
  let max = 0;
  for (const p of value.split(' ')) if (HAS_DIGIT.test(p)) max = Math.max(max, cachedWidth(p));
  return max;
}

/**
 * "Label:   value" aligned when it fits, else "Label: value" when that fits, else the label's
 * lines and the value's lines below.
 */
function fieldLines(fields: Field[], suffix: string, width: number): string[] {
  const heads = fields.map((fl) => fl.label + suffix);
  const col = Math.min(Math.max(...heads.map(cachedWidth)) + 1, Math.floor(width / 2));
  const out: string[] = [];
  fields.forEach((fl, i) => {
    const head = heads[i] as string;
    const value = fl.narrow !== undefined && widestNumber(fl.value) > width ? fl.narrow : fl.value;
    const hw = cachedWidth(head);
    const vw = cachedWidth(value);
    if (hw + 1 <= col && col + vw <= width) out.push(head + ' '.repeat(col - hw) + value);
    else if (hw + 1 + vw <= width) out.push(`${head} ${value}`);
    else {
      out.push(...cachedWrap(head, width));
      out.push(...valueLines(value, width));
    }
  });
  return out;
}

function centered(text: string, width: number): string[] {
  return cachedWrap(text, width).map((l) => ' '.repeat(Math.floor((width - cachedWidth(l)) / 2)) + l);
}

/**
 * The script as printer lines (no line wider than opts.columns display columns). Throws
 * GuidanceError E_GEOMETRY for columns below 16 or not an integer.
 */
export function issuerScript(
  rec: FailureRecord,
  term: TerminalInfo,
  lang: string,
  opts: ScriptOptions,
): string[] {
  const { columns } = opts;
  if (!Number.isInteger(columns) || columns < MIN_PRINTER_COLUMNS) {
    throw new GuidanceError(
      'E_GEOMETRY',
      `printer columns must be an integer of at least ${MIN_PRINTER_COLUMNS}, got ${String(columns)}`,
    );
  }
  const catalog = opts.catalog ?? builtInCatalog();
  const row = opts.row ?? lookupCode(rec.rc);
  const b = build(rec, term, lang, catalog, row);
  const rule = '-'.repeat(columns);
  const lines = [
    ...centered(b.title, columns),
    rule,
    ...cachedWrap(b.ask, columns),
    '',
    ...fieldLines(b.fields, b.labelSuffix, columns),
    rule,
    ...cachedWrap(b.closing, columns),
  ];
  return lines.map(scrubPans);
}

/** The same script for the display: pages of at most geo.height lines of geo.width columns. */
export function issuerScriptPages(
  rec: FailureRecord,
  term: TerminalInfo,
  lang: string,
  geo: Geometry,
  opts: Omit<ScriptOptions, 'columns'> = {},
): string[][] {
  checkLayoutSize(geo);
  const catalog = opts.catalog ?? builtInCatalog();
  const row = opts.row ?? lookupCode(rec.rc);
  const b = build(rec, term, lang, catalog, row);
  const lines = [
    ...cachedWrap(b.title, geo.width),
    ...cachedWrap(b.ask, geo.width),
    ...fieldLines(b.fields, b.labelSuffix, geo.width),
    ...cachedWrap(b.closing, geo.width),
  ].map(scrubPans);
  return paginate(lines, geo.height);
}
