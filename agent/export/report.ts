/**
 * Gathers the HTML report's data from the store: totals, failures by category and by time, top
 * response codes, lost revenue by currency (failures not paid afterwards), the failures recovered
 * afterwards by means (all aggregated in SQL over every matching row) and the newest rows for the
 * table (capped). Rendering is html.ts, which is pure.
 */
import type { Category, Outcome, RcSource, RecoveryMeans, RetryAdvice } from '../record.js';
import type { Annotator } from './annotate.js';
import { currencyAlpha, formatMoney } from '../../protocol/currency/iso4217.js';
import { all, iterateRecords, one, type ReadDb } from './db.js';
import type { Filters } from './filters.js';
import type { Lang } from '../guidance/langs.js';
import { REPORT_TEXTS, type ReportTexts } from './i18n.js';
import { reportQueries, reportTotals, selectRows, type TimeBucket } from './query.js';
import { createScriptText, type ScriptText } from './script-text.js';
import { localTime } from './stream.js';

export interface ReportRow {
  time: string;
  terminal: string;
  amount: string;
  card: string;
  stan: string;
  rrn: string;
  rc: string;
  category: Category;
  retry: RetryAdvice;
  /** Where the sale ended up (docs/outcomes.md). */
  outcome: Outcome;
  nextStep: string;
  /** The contact-issuer script for this failure (printer lines, masked card only). */
  script: string[];
}

export interface ReportData {
  lang: Lang;
  texts: ReportTexts;
  generatedAt: Date;
  filterText: string[];
  totals: { records: number; failures: number; terminals: number; first: string | null; last: string | null };
  bucket: TimeBucket;
  byCategory: Array<{ category: Category; n: number }>;
  byTime: Array<{ bucket: string; n: number }>;
  topCodes: Array<{ rc: string; source: RcSource; category: Category; n: number; meaning: string }>;
  lostRevenue: Array<{ currency: string; alpha: string; totalMinor: number; n: number; formatted: string }>;
  /** Failures paid afterwards (not in lostRevenue), by how; `means` null when a record names none. */
  recovered: { n: number; byMeans: Array<{ means: RecoveryMeans | null; n: number }> };
  table: ReportRow[];
  tableLimit: number;
}

export interface BuildOptions {
  lang: Lang;
  tableLimit: number;
  annotator: Annotator;
  filterText: string[];
  generatedAt: Date;
  /** The issuer script of a record (default: built-in texts, no merchant name). */
  scriptText?: ScriptText;
}

/** Hour buckets up to 3 days, days up to ~13 months, months beyond. */
export function chooseBucket(first: string | null, last: string | null): TimeBucket {
  if (!first || !last) return 'day';
  const span = Date.parse(last) - Date.parse(first);
  if (span <= 72 * 3600_000) return 'hour';
  if (span <= 400 * 86400_000) return 'day';
  return 'month';
}

/** Next bucket label after `b` (labels are naive local times, so UTC arithmetic is exact). */
function nextBucket(b: string, bucket: TimeBucket): string {
  if (bucket === 'month') {
    const [y, m] = b.split('-').map(Number) as [number, number];
    return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  const t = Date.parse(bucket === 'hour' ? `${b.replace(' ', 'T')}:00Z` : `${b}T00:00:00Z`);
  const n = new Date(t + (bucket === 'hour' ? 3600_000 : 86400_000)).toISOString();
  return bucket === 'hour' ? `${n.slice(0, 10)} ${n.slice(11, 13)}:00` : n.slice(0, 10);
}

/** Fills empty buckets between the first and last so the chart's time axis is even. */
export function fillBuckets(
  rows: Array<{ bucket: string; n: number }>,
  bucket: TimeBucket,
): Array<{ bucket: string; n: number }> {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) return [];
  const byKey = new Map(rows.map((r) => [r.bucket, r.n]));
  const out: Array<{ bucket: string; n: number }> = [];
  for (let b = first.bucket; b <= last.bucket && out.length < 2000; b = nextBucket(b, bucket)) {
    out.push({ bucket: b, n: byKey.get(b) ?? 0 });
  }
  return out;
}

export function buildReport(db: ReadDb, filters: Filters, opts: BuildOptions): ReportData {
  const texts = REPORT_TEXTS[opts.lang];
  const t = one<{
    n: number;
    terminals: number;
    first: string | null;
    last: string | null;
    failures: number;
  }>(db, reportTotals(filters));
  const bucket = chooseBucket(t.first, t.last);
  const q = reportQueries(filters, bucket);
  const byCategory = all<{ category: Category; n: number }>(db, q.byCategory);
  const byTime = fillBuckets(all<{ bucket: string; n: number }>(db, q.byTime), bucket);
  const topCodes = all<{ rc: string; rc_source: RcSource; category: Category; n: number }>(
    db,
    q.topCodes,
  ).map((r) => ({
    rc: r.rc,
    source: r.rc_source,
    category: r.category,
    n: r.n,
    meaning: opts.annotator.localMeaning(r.rc, opts.lang),
  }));
  const lostRevenue = all<{ currency: string | null; total: number; n: number }>(db, q.lostRevenue).map(
    (r) => ({
      currency: r.currency ?? '',
      alpha: currencyAlpha(r.currency) || '—',
      totalMinor: r.total,
      n: r.n,
      formatted: formatMoney(texts.locale, r.total, r.currency),
    }),
  );
  const byMeans = all<{ means: RecoveryMeans | null; n: number }>(db, q.recovered);
  const recovered = { n: byMeans.reduce((s, r) => s + r.n, 0), byMeans };
  const table: ReportRow[] = [];
  const scriptText = opts.scriptText ?? createScriptText();
  for (const r of iterateRecords(db, selectRows(filters, { newestFirst: true, limit: opts.tableLimit }))) {
    table.push({
      time: localTime(r.occurred_at, r.utc_offset_min).slice(0, 19).replace('T', ' '),
      terminal: r.terminal_id,
      amount: r.amount_minor == null ? '' : formatMoney(texts.locale, r.amount_minor, r.currency),
      card: [r.card_brand, r.pan_masked].filter(Boolean).join(' '),
      stan: r.stan ?? '',
      rrn: r.rrn ?? '',
      rc: r.rc,
      category: r.category,
      retry: r.retry,
      outcome: r.outcome,
      nextStep: opts.annotator.nextStepNow(r.rc, r.outcome, r.category, opts.lang),
      script: scriptText(r, opts.lang),
    });
  }
  return {
    lang: opts.lang,
    texts,
    generatedAt: opts.generatedAt,
    filterText: opts.filterText,
    totals: { records: t.n, failures: t.failures, terminals: t.terminals, first: t.first, last: t.last },
    bucket,
    byCategory,
    byTime,
    topCodes,
    lostRevenue,
    recovered,
    table,
    tableLimit: opts.tableLimit,
  };
}
