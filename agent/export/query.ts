/**
 * Filters → SQL. Pure: builds parameterized SQL text and a parameter list; values never enter the
 * SQL text (only fixed column names, operators and `?` placeholders do). Used by the export command
 * (row stream, count) and the HTML report (aggregates). Tested directly in test/export/query.test.ts.
 */
import { PAID_OUTCOMES, RECOVERED_OUTCOMES } from '../record.js';
import { RECORD_COLUMNS } from '../store/schema.js';
import { CURRENCIES, DEFAULT_EXPONENT, decimalToMinor } from '../../protocol/currency/iso4217.js';
import type { Filters, TimeBound } from './filters.js';

export type SqlParam = string | number;
export interface SqlQuery {
  sql: string;
  params: SqlParam[];
}

/** The terminal's local wall-clock time of a row, as text comparable with a 'terminal' TimeBound. */
export const TERMINAL_CLOCK_SQL = "strftime('%Y-%m-%dT%H:%M:%f', occurred_at, utc_offset_min || ' minutes')";

function timeColumn(b: TimeBound): string {
  return b.clock === 'utc' ? 'occurred_at' : TERMINAL_CLOCK_SQL;
}

function inList(column: string, values: readonly SqlParam[], params: SqlParam[]): string {
  params.push(...values);
  return values.length === 1 ? `${column} = ?` : `${column} IN (${values.map(() => '?').join(', ')})`;
}

/** Currencies grouped by a minor-unit count other than the default, e.g. 0 → JPY, KRW …; 3 → BHD … */
function exponentGroups(): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const c of CURRENCIES.values()) {
    if (c.exponent === DEFAULT_EXPONENT) continue;
    const list = groups.get(c.exponent) ?? [];
    list.push(c.numeric);
    groups.set(c.exponent, list);
  }
  return groups;
}
const EXPONENT_GROUPS = exponentGroups();

/**
 * `amount_minor OP <bound in the row's minor units>`: the major-unit bound is converted once per
 * minor-unit count, and a CASE on the row's currency picks the right one. If the currency filter
 * narrows rows to currencies that share one exponent, a single value is used.
 */
function amountCondition(op: '>=' | '<=', major: string, f: Filters, params: SqlParam[]): string {
  const rounding = op === '>=' ? 'ceil' : 'floor';
  const toMinor = (e: number): number => {
    const v = decimalToMinor(major, e, rounding);
    if (v === undefined) throw new RangeError(`amount ${major} out of range`);
    return v;
  };
  if (f.currencies && f.currencies.length > 0) {
    const exps = new Set(f.currencies.map((c) => CURRENCIES.get(c)?.exponent ?? DEFAULT_EXPONENT));
    if (exps.size === 1) {
      params.push(toMinor([...exps][0] ?? DEFAULT_EXPONENT));
      return `amount_minor ${op} ?`;
    }
  }
  const parts: string[] = [];
  for (const [exp, codes] of EXPONENT_GROUPS) {
    parts.push(`WHEN currency IN (${codes.map(() => '?').join(', ')}) THEN ?`);
    params.push(...codes, toMinor(exp));
  }
  params.push(toMinor(DEFAULT_EXPONENT));
  return `amount_minor ${op} (CASE ${parts.join(' ')} ELSE ? END)`;
}

/** WHERE clause (with the keyword, or '' when there is no filter) and its parameters. */
export function buildWhere(f: Filters): SqlQuery {
  const conds: string[] = [];
  const params: SqlParam[] = [];
  if (f.from) {
    conds.push(`${timeColumn(f.from)} >= ?`);
    params.push(f.from.value);
  }
  if (f.to) {
    conds.push(`${timeColumn(f.to)} < ?`);
    params.push(f.to.value);
  }
  if (f.categories?.length) conds.push(inList('category', f.categories, params));
  if (f.rcs?.length) conds.push(inList('rc', f.rcs, params));
  if (f.terminals?.length) conds.push(inList('terminal_id', f.terminals, params));
  if (f.stans?.length) conds.push(inList('stan', f.stans, params));
  if (f.rrns?.length) conds.push(inList('rrn', f.rrns, params));
  if (f.last4?.length) conds.push(inList('pan_last4', f.last4, params));
  if (f.currencies?.length) conds.push(inList('currency', f.currencies, params));
  if (f.minAmount !== undefined) conds.push(amountCondition('>=', f.minAmount, f, params));
  if (f.maxAmount !== undefined) conds.push(amountCondition('<=', f.maxAmount, f, params));
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

const SELECT_COLUMNS = RECORD_COLUMNS.join(', ');

/** The rows of a filter, in time order (oldest first), or newest first with a limit (report table). */
export function selectRows(f: Filters, opts: { newestFirst?: boolean; limit?: number } = {}): SqlQuery {
  const w = buildWhere(f);
  const order = opts.newestFirst ? 'occurred_at DESC, id DESC' : 'occurred_at ASC, id ASC';
  let sql = `SELECT ${SELECT_COLUMNS} FROM failures ${w.sql} ORDER BY ${order}`;
  const params = [...w.params];
  if (opts.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(opts.limit);
  }
  return { sql, params };
}

export function countRows(f: Filters): SqlQuery {
  const w = buildWhere(f);
  return { sql: `SELECT count(*) AS n FROM failures ${w.sql}`, params: w.params };
}

/** Extra condition appended to a filter's WHERE (fixed SQL only, no values). */
function andWhere(w: SqlQuery, cond: string): string {
  return w.sql ? `${w.sql} AND ${cond}` : `WHERE ${cond}`;
}

/** Totals of the HTML report (also decides the time bucket from first … last). */
export function reportTotals(f: Filters): SqlQuery {
  const w = buildWhere(f);
  return {
    sql: `SELECT count(*) AS n, count(DISTINCT terminal_id) AS terminals, min(occurred_at) AS first, max(occurred_at) AS last, coalesce(sum(category <> 'approved'), 0) AS failures FROM failures ${w.sql}`,
    params: w.params,
  };
}

/** A failure paid afterwards (fixed SQL: the outcome names are constants of agent/record.ts). */
/** `outcome IN ('a', 'b')` for a list of our own outcome names (constants, never input). */
const outcomeIn = (outcomes: readonly string[]) => `outcome IN (${outcomes.map((o) => `'${o}'`).join(', ')})`;
const RECOVERED_SQL = outcomeIn(RECOVERED_OUTCOMES);
const PAID_SQL = outcomeIn(PAID_OUTCOMES);

/** Aggregates of the HTML report; all run over every matching row, not just the table's rows. */
export type TimeBucket = 'hour' | 'day' | 'month';
const BUCKET_FORMAT: Record<TimeBucket, string> = { hour: '%Y-%m-%d %H:00', day: '%Y-%m-%d', month: '%Y-%m' };

export function reportQueries(f: Filters, bucket: TimeBucket) {
  const w = buildWhere(f);
  const p = w.params;
  // Buckets are the terminal's local time: what the merchant's staff saw on the clock.
  const bucketExpr = `strftime('${BUCKET_FORMAT[bucket]}', occurred_at, utc_offset_min || ' minutes')`;
  return {
    byCategory: {
      sql: `SELECT category, count(*) AS n FROM failures ${w.sql} GROUP BY category ORDER BY n DESC, category`,
      params: p,
    },
    byTime: {
      sql: `SELECT ${bucketExpr} AS bucket, count(*) AS n FROM failures ${w.sql} GROUP BY bucket ORDER BY bucket`,
      params: p,
    },
    topCodes: {
      sql: `SELECT rc, rc_source, category, count(*) AS n FROM failures ${w.sql} GROUP BY rc, rc_source, category ORDER BY n DESC, rc LIMIT ?`,
      params: [...p, 15],
    },
    // a failure paid afterwards (same card, another card, a late approval), or paid twice (a
    // possible double charge), is not lost revenue
    lostRevenue: {
      sql: `SELECT currency, sum(amount_minor) AS total, count(*) AS n FROM failures ${andWhere(w, `category <> 'approved' AND amount_minor IS NOT NULL AND NOT ${PAID_SQL}`)} GROUP BY currency ORDER BY n DESC`,
      params: p,
    },
    // how they were paid: an approved_late record without a means was recovered by the late approval
    recovered: {
      sql: `SELECT coalesce(recovered_by, CASE WHEN outcome = 'approved_late' THEN 'late_approval' END) AS means, count(*) AS n FROM failures ${andWhere(w, `category <> 'approved' AND ${RECOVERED_SQL}`)} GROUP BY means ORDER BY n DESC, means`,
      params: p,
    },
  } satisfies Record<string, SqlQuery>;
}
