/**
 * Export filters: the typed form of the command-line filter options, and the pure parsing of
 * their text (times, amounts, lists). No I/O; tested directly (test/export/filters.test.ts).
 *
 * Time bounds. `--from` is inclusive, `--to` is exclusive. Accepted forms:
 *   2026-11-23                      a date: `--from` = start of that day, `--to` = end of that day
 *   2026-11-23T10:15[:30[.123]]     a date and time (a space instead of T is accepted too)
 *   …Z, …+01:00, …+0100, …-05       with an offset: an exact instant, whatever --tz says
 * A date or time without an offset is read in the zone chosen by `--tz`:
 *   local     (default) the zone of the computer running the export (TZ environment variable)
 *   utc       UTC
 *   terminal  the terminal's own wall clock when the failure happened (occurred_at shifted by the
 *             record's utc_offset_min), e.g. "9:00 to 17:00 in the shop" across time zones
 */
import { CATEGORIES, type Category } from '../record.js';
import { decimalToMinor, findCurrency } from '../../protocol/currency/iso4217.js';
import { usageError } from './errors.js';

export type TimeZoneMode = 'local' | 'utc' | 'terminal';
export const TIME_ZONE_MODES: readonly TimeZoneMode[] = ['local', 'utc', 'terminal'];

/**
 * A time bound ready for SQL: `utc` compares occurred_at (UTC ISO with ms and Z) with `value`;
 * `terminal` compares the terminal's local wall-clock time ("YYYY-MM-DDTHH:MM:SS.sss", no zone).
 */
export interface TimeBound {
  clock: 'utc' | 'terminal';
  value: string;
}

export interface Filters {
  from?: TimeBound;
  to?: TimeBound;
  categories?: Category[];
  rcs?: string[];
  terminals?: string[];
  stans?: string[];
  rrns?: string[];
  last4?: string[];
  /** ISO 4217 numeric codes ("978"). */
  currencies?: string[];
  /** Major units as typed ("12.50"); converted per row by the row's currency minor units. */
  minAmount?: string;
  maxAmount?: string;
}

const TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:(Z|z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Wall-clock text without a zone, the form `terminal` bounds compare against. */
function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): string {
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}`;
}

/**
 * Parses one `--from`/`--to` value. `end` marks a `--to` bound: a bare date then means the start of
 * the next day (the bound is exclusive), so `--to 2026-11-23` includes all of the 23rd.
 */
export function parseTimeBound(option: string, text: string, tz: TimeZoneMode, end: boolean): TimeBound {
  const m = TIME_RE.exec(text.trim());
  if (!m) {
    throw usageError(
      option,
      `"${text}" is not a date or time; use e.g. 2026-11-23, 2026-11-23T10:15 or 2026-11-23T10:15:00+01:00`,
    );
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  let d = Number(m[3]);
  const dateOnly = m[4] === undefined;
  const h = dateOnly ? 0 : Number(m[4]);
  const mi = dateOnly ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  // Validate the calendar fields by a UTC round trip (rejects 2026-02-30, 25:00 …).
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  ) {
    throw usageError(option, `"${text}" is not a valid calendar date or time`);
  }
  if (dateOnly && end) d += 1; // Date.UTC / new Date normalise the day overflow
  const hasZ = m[8] !== undefined;
  const sign = m[9];
  if (hasZ || sign !== undefined) {
    let offsetMin = 0;
    if (sign !== undefined) {
      const oh = Number(m[10]);
      const om = m[11] === undefined ? 0 : Number(m[11]);
      if (oh > 18 || om > 59) throw usageError(option, `"${text}" has an invalid UTC offset`);
      offsetMin = (sign === '-' ? -1 : 1) * (oh * 60 + om);
    }
    const t = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
    return { clock: 'utc', value: new Date(t).toISOString() };
  }
  switch (tz) {
    case 'utc':
      return { clock: 'utc', value: new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms)).toISOString() };
    case 'local':
      return { clock: 'utc', value: new Date(y, mo - 1, d, h, mi, s, ms).toISOString() };
    case 'terminal': {
      const n = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms)); // normalise overflow, read back as fields
      return {
        clock: 'terminal',
        value: wallClock(
          n.getUTCFullYear(),
          n.getUTCMonth() + 1,
          n.getUTCDate(),
          n.getUTCHours(),
          n.getUTCMinutes(),
          n.getUTCSeconds(),
          n.getUTCMilliseconds(),
        ),
      };
    }
  }
}

/** Splits repeatable, comma-separated option values into a trimmed, de-duplicated list. */
export function splitList(values: readonly string[] | string | undefined): string[] {
  if (values === undefined) return [];
  const list = typeof values === 'string' ? [values] : values;
  const out: string[] = [];
  for (const v of list) {
    for (const part of v.split(',')) {
      const t = part.trim();
      if (t !== '' && !out.includes(t)) out.push(t);
    }
  }
  return out;
}

/** Raw filter options as commander hands them over (strings and string lists). */
export interface RawFilterOptions {
  from?: string;
  to?: string;
  tz?: string;
  category?: string[] | string;
  rc?: string[] | string;
  terminal?: string[] | string;
  stan?: string[] | string;
  rrn?: string[] | string;
  last4?: string[] | string;
  currency?: string[] | string;
  minAmount?: string;
  maxAmount?: string;
}

/** Turns the raw options into Filters, throwing E_USAGE (exit 2) naming the option at fault. */
export function parseFilters(raw: RawFilterOptions): Filters {
  const tzText = raw.tz ?? 'local';
  if (!(TIME_ZONE_MODES as readonly string[]).includes(tzText)) {
    throw usageError('--tz', `"${tzText}" is not one of ${TIME_ZONE_MODES.join(', ')}`);
  }
  const tz = tzText as TimeZoneMode;
  const f: Filters = {};
  if (raw.from !== undefined) f.from = parseTimeBound('--from', raw.from, tz, false);
  if (raw.to !== undefined) f.to = parseTimeBound('--to', raw.to, tz, true);
  if (f.from && f.to && f.from.clock === f.to.clock && f.from.value >= f.to.value) {
    throw usageError('--to', `must be later than --from (${raw.from} … ${raw.to} selects nothing)`);
  }

  const categories = splitList(raw.category);
  if (categories.length > 0) {
    for (const c of categories) {
      if (!(CATEGORIES as readonly string[]).includes(c)) {
        throw usageError('--category', `"${c}" is not a category; use one of ${CATEGORIES.join(', ')}`);
      }
    }
    f.categories = categories as Category[];
  }

  const rcs = splitList(raw.rc).map((r) => r.toUpperCase());
  for (const r of rcs)
    if (!/^[0-9A-Z_]{1,24}$/.test(r)) throw usageError('--rc', `"${r}" is not a response code`);
  if (rcs.length > 0) f.rcs = rcs;

  const terminals = splitList(raw.terminal);
  if (terminals.length > 0) f.terminals = terminals;

  // Field 11 is n6: "123" means "000123".
  const stans = splitList(raw.stan).map((s) => {
    if (!/^\d{1,6}$/.test(s)) throw usageError('--stan', `"${s}" is not a STAN (up to 6 digits)`);
    return s.padStart(6, '0');
  });
  if (stans.length > 0) f.stans = stans;

  const rrns = splitList(raw.rrn);
  for (const r of rrns)
    if (!/^[0-9A-Za-z ]{1,12}$/.test(r))
      throw usageError('--rrn', `"${r}" is not an RRN (up to 12 characters)`);
  if (rrns.length > 0) f.rrns = rrns;

  const last4 = splitList(raw.last4);
  for (const l of last4) if (!/^\d{4}$/.test(l)) throw usageError('--last4', `"${l}" is not 4 digits`);
  if (last4.length > 0) f.last4 = last4;

  const currencies = splitList(raw.currency).map((c) => {
    const info = findCurrency(c);
    if (!info) throw usageError('--currency', `"${c}" is not an ISO 4217 currency code (e.g. EUR or 978)`);
    return info.numeric;
  });
  if (currencies.length > 0) f.currencies = currencies;

  for (const [option, value] of [
    ['--min-amount', raw.minAmount],
    ['--max-amount', raw.maxAmount],
  ] as const) {
    if (value !== undefined && decimalToMinor(value, 4, 'floor') === undefined) {
      throw usageError(option, `"${value}" is not an amount in major units (e.g. 12.50)`);
    }
  }
  if (raw.minAmount !== undefined) f.minAmount = raw.minAmount.trim();
  if (raw.maxAmount !== undefined) f.maxAmount = raw.maxAmount.trim();
  if (f.minAmount !== undefined && f.maxAmount !== undefined && Number(f.minAmount) > Number(f.maxAmount)) {
    throw usageError('--max-amount', `must not be below --min-amount (${f.minAmount} > ${f.maxAmount})`);
  }
  return f;
}
