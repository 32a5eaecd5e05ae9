/**
 * Streaming writers for the row formats (csv, ndjson, json). Rows come from a synchronous iterator
 * (better-sqlite3 `.raw().iterate()`), are grouped in batches of 256 and pulled by Readable.from
 * through `pipeline`, so a slow destination pauses the database cursor: memory stays bounded
 * (a few batches in flight) whatever the row count. CSV text is made by csv-stringify.
 */
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type { Category, FailureRecord, Outcome } from '../record.js';
import { RECORD_COLUMNS } from '../store/schema.js';
import type { Annotator } from './annotate.js';
import { currencyAlpha, currencyExponent, minorToDecimal } from '../../protocol/currency/iso4217.js';
import type { Lang } from '../guidance/langs.js';
import { createScriptText, type ScriptText } from './script-text.js';

export type RowFormat = 'csv' | 'ndjson' | 'json';

/** Columns after the record's own (contract order): derived, for people reading the file. */
export const CSV_EXTRA_COLUMNS = [
  'occurred_local',
  'amount',
  'currency_alpha',
  'rc_meaning',
  'next_step',
] as const;
export const CSV_COLUMNS: readonly string[] = [...RECORD_COLUMNS, ...CSV_EXTRA_COLUMNS];
/**
 * The issuer script column, last, with `--issuer-script` only: it makes a CSV some 3 times larger
 * and 2-3 times slower to write (about 700 bytes and 60 µs a row), so a plain export stays lean.
 */
export const CSV_SCRIPT_COLUMN = 'issuer_script';

export interface RowStreamOptions {
  format: RowFormat;
  /** CSV only: start with a UTF-8 byte order mark (Excel on Windows then reads UTF-8 correctly). */
  bom?: boolean;
  lang: Lang;
  annotator: Annotator;
  /** Called every `progressEvery` rows and once at the end with the running count. */
  onProgress?: (rows: number) => void;
  progressEvery?: number;
  /** Leave the destination open at the end (stdout). */
  keepOpen?: boolean;
  /** CSV: add the issuer_script column. */
  issuerScript?: boolean;
  /** CSV: the issuer script of a record (default: built-in texts, no merchant name). */
  scriptText?: ScriptText;
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

/** Position of each record column in a raw row (better-sqlite3 `.raw()` arrays in RECORD_COLUMNS order). */
const COL = Object.fromEntries(RECORD_COLUMNS.map((c, i) => [c, i])) as Record<
  (typeof RECORD_COLUMNS)[number],
  number
>;

/**
 * One CSV row as an array: the record's columns as stored, then the derived ones (the last, the
 * issuer script, as lines joined with "\n": csv-stringify quotes it). Numbers stay numbers, so
 * csv-stringify's formula guard leaves them alone.
 */
export function csvRow(raw: unknown[], lang: Lang, annotator: Annotator, scriptText?: ScriptText): unknown[] {
  const script = scriptText ? scriptText(fromRaw(raw), lang).join('\n') : undefined;
  const currency = raw[COL.currency] as string | null;
  const amountMinor = raw[COL.amount_minor] as number | null;
  const rc = raw[COL.rc] as string;
  // Appends to the row array it was given (a fresh array per row from the cursor): one
  // allocation less per row on a million-row export.
  raw.push(
    localTime(raw[COL.occurred_at] as string, raw[COL.utc_offset_min] as number),
    amountMinor == null ? null : minorToDecimal(amountMinor, currencyExponent(currency)),
    currencyAlpha(currency),
    annotator.meaning(rc),
    annotator.nextStepNow(rc, raw[COL.outcome] as Outcome, raw[COL.category] as Category, lang),
  );
  if (script !== undefined) raw.push(script);
  return raw;
}

/** A record object as a raw row, in RECORD_COLUMNS order. */
export function toRaw(r: FailureRecord): unknown[] {
  return RECORD_COLUMNS.map((c) => r[c]);
}

/** A raw row as a record object (keys in contract order). */
export function fromRaw(raw: readonly unknown[]): FailureRecord {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < RECORD_COLUMNS.length; i++) o[RECORD_COLUMNS[i] as string] = raw[i];
  return o as unknown as FailureRecord;
}

/** Rows are handed down the pipeline in batches: fewer stream hops per row, same backpressure. */
function* batches(rows: Iterable<unknown[]>, size: number, opts: RowStreamOptions, count: { n: number }) {
  const every = opts.progressEvery ?? 1000;
  let batch: unknown[][] = [];
  for (const r of rows) {
    batch.push(r);
    count.n++;
    if (opts.onProgress && count.n % every === 0) opts.onProgress(count.n);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const CSV_OPTIONS = {
  // RFC 4180: CRLF between records; fields with comma, quote, CR or LF are quoted, quotes doubled.
  record_delimiter: '\r\n',
  quote_record_delimiter: true,
  // Formula-injection guard: a text cell starting with = + - @ TAB or CR gets a leading '.
  // Number cells (seq, utc_offset_min, amount_minor) are not touched; `amount` is the decimal text
  // of a non-negative amount, so it never starts with one of those characters.
  escape_formulas: true,
  cast: { boolean: (v: boolean) => (v ? 'true' : 'false') },
} as const;

/** Batches of raw rows → CSV text (csv-stringify), header and optional BOM first. */
function csvTransform(opts: RowStreamOptions): Transform {
  let first = true;
  const scriptText = opts.issuerScript ? (opts.scriptText ?? createScriptText()) : undefined;
  const columns = scriptText ? [...CSV_COLUMNS, CSV_SCRIPT_COLUMN] : [...CSV_COLUMNS];
  return new Transform({
    writableObjectMode: true,
    transform(batch: unknown[][], _enc, cb) {
      try {
        const rows = batch.map((r) => csvRow(r, opts.lang, opts.annotator, scriptText));
        const text = stringifySync(rows, {
          ...CSV_OPTIONS,
          columns,
          header: first,
          bom: first && opts.bom === true,
        });
        first = false;
        cb(null, text);
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      // an empty export still gets its header line (and BOM)
      if (first)
        cb(
          null,
          stringifySync([], {
            ...CSV_OPTIONS,
            columns,
            header: true,
            bom: opts.bom === true,
          }),
        );
      else cb();
    },
  });
}

/** Batches of raw rows → NDJSON lines, or the pieces of one JSON array. */
function jsonTransform(format: 'ndjson' | 'json'): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(batch: Array<readonly unknown[]>, _enc, cb) {
      const lines = batch.map((r) => JSON.stringify(fromRaw(r)));
      let text: string;
      if (format === 'ndjson') text = `${lines.join('\n')}\n`;
      else text = `${first ? '[\n' : ',\n'}${lines.join(',\n')}`;
      first = false;
      cb(null, text);
    },
    flush(cb) {
      if (format === 'json') cb(null, first ? '[]\n' : '\n]\n');
      else cb();
    },
  });
}

/**
 * Writes all rows (raw arrays in RECORD_COLUMNS order, e.g. from `iterateRaw`) to `out` in the
 * chosen format; resolves with the row count.
 */
export async function writeRows(
  rows: Iterable<unknown[]>,
  out: Writable,
  opts: RowStreamOptions,
): Promise<number> {
  const count = { n: 0 };
  const source = Readable.from(batches(rows, 256, opts, count), { highWaterMark: 4 });
  const format = opts.format === 'csv' ? csvTransform(opts) : jsonTransform(opts.format);
  await pipeline(source, format, out, { end: !opts.keepOpen });
  opts.onProgress?.(count.n);
  return count.n;
}
