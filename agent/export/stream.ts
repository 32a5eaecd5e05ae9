/**
 * Streaming writers for the row formats (csv, ndjson, json). Rows come from a synchronous iterator
 * (better-sqlite3 `.iterate()`), are pulled one at a time by Readable.from, and flow through
 * `pipeline`, so a slow destination pauses the database cursor: memory stays bounded whatever the
 * row count. Text is batched into ~64 KiB chunks to keep the number of write calls low.
 */
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { FailureRecord } from '../record.js';
import { RECORD_COLUMNS } from '../store/schema.js';
import type { Annotator } from './annotate.js';
import { currencyAlpha, currencyExponent, minorToDecimal } from './currency.js';
import type { ReportLang } from './i18n.js';

export type RowFormat = 'csv' | 'ndjson' | 'json';

/** Columns after the record's own (contract order): derived, for people reading the file. */
export const CSV_EXTRA_COLUMNS = ['occurred_local', 'amount', 'currency_alpha', 'rc_meaning', 'next_step'] as const;
export const CSV_COLUMNS: readonly string[] = [...RECORD_COLUMNS, ...CSV_EXTRA_COLUMNS];

export interface RowStreamOptions {
  format: RowFormat;
  /** CSV only: start with a UTF-8 byte order mark (Excel on Windows then reads UTF-8 correctly). */
  bom?: boolean;
  lang: ReportLang;
  annotator: Annotator;
  /** Called every `progressEvery` rows and once at the end with the running count. */
  onProgress?: (rows: number) => void;
  progressEvery?: number;
  /** Leave the destination open at the end (stdout). */
  keepOpen?: boolean;
}

/** The terminal's wall-clock time with its offset, e.g. 2026-11-23T11:15:00.123+01:00. */
export function localTime(occurredAt: string, offsetMin: number): string {
  const t = Date.parse(occurredAt);
  if (Number.isNaN(t)) return '';
  const local = new Date(t + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** One CSV row: the record's columns, then the derived ones. Numbers stay numbers (no formula guard). */
export function csvRow(r: FailureRecord, lang: ReportLang, annotator: Annotator): Record<string, unknown> {
  return {
    ...r,
    occurred_local: localTime(r.occurred_at, r.utc_offset_min),
    amount: r.amount_minor == null ? null : minorToDecimal(r.amount_minor, currencyExponent(r.currency)),
    currency_alpha: currencyAlpha(r.currency),
    rc_meaning: annotator.meaning(r.rc),
    next_step: annotator.nextStep(r.rc, r.category, lang),
  };
}

/** Groups small string chunks into larger ones before they reach the destination. */
function batcher(limit = 64 * 1024): Transform {
  let buf = '';
  return new Transform({
    writableObjectMode: true,
    transform(chunk: string | Buffer, _enc, cb) {
      buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      if (buf.length >= limit) {
        const out = buf;
        buf = '';
        cb(null, out);
      } else cb();
    },
    flush(cb) {
      cb(null, buf.length > 0 ? buf : undefined);
    },
  });
}

function* counted<T>(rows: Iterable<T>, opts: RowStreamOptions, count: { n: number }): Generator<T> {
  const every = opts.progressEvery ?? 1000;
  for (const r of rows) {
    count.n++;
    if (opts.onProgress && count.n % every === 0) opts.onProgress(count.n);
    yield r;
  }
}

function* ndjsonLines(rows: Iterable<FailureRecord>): Generator<string> {
  for (const r of rows) yield `${JSON.stringify(r)}\n`;
}

function* jsonArray(rows: Iterable<FailureRecord>): Generator<string> {
  yield '[';
  let first = true;
  for (const r of rows) {
    yield first ? `\n${JSON.stringify(r)}` : `,\n${JSON.stringify(r)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

function* csvObjects(rows: Iterable<FailureRecord>, opts: RowStreamOptions): Generator<Record<string, unknown>> {
  for (const r of rows) yield csvRow(r, opts.lang, opts.annotator);
}

/** Writes all rows to `out` in the chosen format; resolves with the row count. */
export async function writeRows(rows: Iterable<FailureRecord>, out: Writable, opts: RowStreamOptions): Promise<number> {
  const count = { n: 0 };
  const source = counted(rows, opts, count);
  const end = !opts.keepOpen;
  if (opts.format === 'csv') {
    const csv = stringify({
      header: true,
      columns: [...CSV_COLUMNS],
      bom: opts.bom === true,
      // RFC 4180: CRLF between records; fields with comma, quote, CR or LF are quoted, quotes doubled.
      record_delimiter: '\r\n',
      quote_record_delimiter: true,
      // Formula-injection guard: a string cell starting with = + - @ TAB or CR gets a leading '.
      // Number cells (seq, utc_offset_min, amount_minor) are not touched; `amount` is a decimal
      // string of a non-negative amount, so it never starts with one of those characters.
      escape_formulas: true,
      cast: { boolean: (v) => (v ? 'true' : 'false') },
    });
    await pipeline(Readable.from(csvObjects(source, opts)), csv, batcher(), out, { end });
  } else {
    const text = opts.format === 'ndjson' ? ndjsonLines(source) : jsonArray(source);
    await pipeline(Readable.from(text), batcher(), out, { end });
  }
  opts.onProgress?.(count.n);
  return count.n;
}
