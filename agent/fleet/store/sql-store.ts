/**
 * The FleetStore's reads and changes, written once over a minimal connection (Backend) that the
 * SQLite and PostgreSQL adapters provide: the same SQL text with `?` placeholders, a few dialect
 * switches (row id, casts, row locks). The collector's write (insert) is the sink's, not here.
 * Scope is always a WHERE clause of the statement that reads the rows (scopeSql), never a filter
 * after fetching.
 */
import { cardDataIn } from '../../../protocol/card/card-data.js';
import { scrubPans } from '../../../protocol/card/pan.js';
import type { FailureRecord } from '../../record.js';
import { RECORD_COLUMNS } from '../../store/schema.js';
import type { InsertResult, SinkBatchItem } from '../sinks.js';
import {
  type AlertRuleRow,
  type CaseChange,
  type CaseEvent,
  type CaseRow,
  type CaseStatus,
  CASE_MOVES,
  CASE_STATUSES,
  type CountQuery,
  type CountRow,
  DEFAULT_PAGE,
  DEFAULT_SILENT_AFTER_MS,
  type DeliveryRow,
  DELIVERY_STATES,
  type DeliveryState,
  type FailureQuery,
  type FailureRow,
  type FeedQuery,
  type FleetStore,
  FleetStoreError,
  type HealthUpdate,
  MAX_PAGE,
  type NewDelivery,
  type NewUser,
  NOTE_MAX,
  type Page,
  ROLES,
  type Scope,
  type Session,
  type TerminalQuery,
  type TerminalRow,
  type User,
} from './types.js';

export type Row = Record<string, unknown>;

/** One connection's statements (inside a transaction, or one at a time). */
export interface Conn {
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface Backend extends Conn {
  dialect: 'sqlite' | 'postgres';
  tx<T>(fn: (c: Conn) => Promise<T>): Promise<T>;
  /** The collector's write (the sink), inside the backend's own transaction. */
  insert(fleet: string, records: readonly FailureRecord[]): Promise<InsertResult>;
  /** Several messages' records in the sink's one transaction. */
  insertBatch(batch: readonly SinkBatchItem[]): Promise<InsertResult>;
  close(): Promise<void>;
  /** True when `e` is a unique-constraint violation. */
  isUniqueViolation(e: unknown): boolean;
}

// ---- values ------------------------------------------------------------------------------------

function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const t = Date.parse(String(v));
  return Number.isNaN(t) ? String(v) : new Date(t).toISOString();
}
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';
function json<T>(v: unknown, dflt: T): T {
  if (typeof v !== 'string') return dflt;
  try {
    return JSON.parse(v) as T;
  } catch {
    return dflt;
  }
}

/** An ISO instant from a caller, normalized (milliseconds, Z) so text and timestamptz compare alike. */
function instant(v: string, key: string): string {
  const t = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT/.test(v) || Number.isNaN(t)) {
    throw new FleetStoreError('E_QUERY', `${key}: "${v}" is not an ISO-8601 instant`);
  }
  return new Date(t).toISOString();
}

function pageSize(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw new FleetStoreError('E_QUERY', `limit: ${String(limit)} is not an integer from 1 to ${MAX_PAGE}`);
  }
  return n;
}

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}
function decodeCursor(c: string, shape: ReadonlyArray<'string' | 'number'>): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === shape.length && v.every((x, i) => typeof x === shape[i])) return v;
  } catch {
    /* below */
  }
  throw new FleetStoreError('E_CURSOR', 'after: not a cursor of this query');
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The scope as a condition on a table alias with a merchant_id column. */
export function scopeSql(scope: Scope, alias: string): [string, unknown[]] {
  if (scope.role === 'operator') return ['1 = 1', []];
  const ids = [...new Set(scope.merchantIds)];
  if (ids.length === 0) return ['1 = 0', []];
  return [`${alias}.merchant_id IN (${marks(ids.length)})`, ids];
}

function oneOf<T extends string>(values: readonly T[], allowed: readonly string[], key: string): T[] {
  for (const v of values) {
    if (!allowed.includes(v))
      throw new FleetStoreError('E_QUERY', `${key}: "${v}" is not one of ${allowed.join(', ')}`);
  }
  return [...values];
}

// ---- the store ---------------------------------------------------------------------------------

export function sqlFleetStore(b: Backend): FleetStore {
  const pg = b.dialect === 'postgres';
  const ROW = pg ? 'f.row_id' : 'f.rowid';
  const ts = (p = '?') => (pg ? `${p}::timestamptz` : p);
  const forUpdate = pg ? ' FOR UPDATE' : '';
  const nowIso = () => new Date().toISOString();

  const FAILURE_COLS = `${RECORD_COLUMNS.map((c) => `f.${c}`).join(', ')}, f.fleet, f.id_conflict, f.seq_conflict,
    coalesce(c.status, 'open') AS case_status, ${ROW} AS rid, f.synced_at AS k_received`;
  const FAILURES_AND_CASES = 'failures f LEFT JOIN cases c ON c.record_id = f.id';
  const FAILURE_SELECT = `SELECT ${FAILURE_COLS}, f.occurred_at AS k_at FROM ${FAILURES_AND_CASES}`;

  function failureRow(r: Row): FailureRow {
    const out: Record<string, unknown> = {};
    for (const c of RECORD_COLUMNS) out[c] = r[c] ?? null;
    for (const c of ['occurred_at', 'outcome_at', 'synced_at']) out[c] = iso(r[c]);
    for (const c of ['seq', 'utc_offset_min', 'amount_minor', 'version']) out[c] = num(r[c]);
    out.fleet = r.fleet ?? null;
    out.received_at = iso(r.synced_at);
    out.id_conflict = bool(r.id_conflict);
    out.seq_conflict = bool(r.seq_conflict);
    out.case_status = r.case_status;
    return out as unknown as FailureRow;
  }

  const atKey = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

  async function searchFailures(scope: Scope, q: FailureQuery = {}): Promise<Page<FailureRow>> {
    const limit = pageSize(q.limit);
    const [sc, sp] = scopeSql(scope, 'f');
    const where = [sc];
    const params: unknown[] = [...sp];
    const eq = (col: string, v: string | undefined) => {
      if (v === undefined) return;
      where.push(`${col} = ?`);
      params.push(v);
    };
    eq('f.id', q.id);
    eq('f.rrn', q.rrn);
    eq('f.stan', q.stan);
    if (q.last4 !== undefined && !/^\d{4}$/.test(q.last4)) {
      throw new FleetStoreError('E_QUERY', `last4: "${q.last4}" is not 4 digits`);
    }
    eq('f.pan_last4', q.last4);
    eq('f.fleet', q.fleet);
    eq('f.terminal_id', q.terminal);
    eq('f.merchant_id', q.merchantId);
    if (q.from !== undefined) {
      where.push(`f.occurred_at >= ${ts()}`);
      params.push(instant(q.from, 'from'));
    }
    if (q.to !== undefined) {
      where.push(`f.occurred_at < ${ts()}`);
      params.push(instant(q.to, 'to'));
    }
    const list = (col: string, vals: readonly string[] | undefined) => {
      if (!vals) return;
      if (vals.length === 0) where.push('1 = 0');
      else {
        where.push(`${col} IN (${marks(vals.length)})`);
        params.push(...vals);
      }
    };
    list('f.category', q.categories);
    list('f.outcome', q.outcomes);
    // a search by case status and nothing else on the record (its scope aside): the cases lead
    const caseOnly = where.length === 1 && q.caseStatuses?.length ? q.caseStatuses : undefined;
    if (q.caseStatuses) {
      oneOf(q.caseStatuses, CASE_STATUSES, 'caseStatuses');
      // the scope on the case too (its merchant is the record's copy): lets a merchant's search
      // by status use the cases' (merchant_id, status, occurred_at) index
      const [csc, csp] = scopeSql(scope, 'c');
      where.push(csc);
      params.push(...csp);
    }
    list('c.status', q.caseStatuses);
    // by case status, the cases' own (status, occurred_at) index leads: the same instant (copied
    // from the record), ordered from the table a rare status is found in without a long scan
    const at = q.caseStatuses ? 'c.occurred_at' : 'f.occurred_at';
    const cursor = q.after === undefined ? undefined : decodeCursor(q.after, ['string', 'number']);
    if (cursor) {
      const [key, rid] = cursor;
      where.push(`${at} <= ${ts()}`, `(${at}, ${ROW}) < (${ts()}, ?)`);
      params.push(key, key, rid);
    }
    // a search by case status alone reads the cases first, then each one's record. The status
    // rejects a record without a case, so an inner join is the same rows; written as CROSS JOIN,
    // which SQLite takes as "this table outer" (without it, it may read all of a merchant's
    // records first). PostgreSQL orders a CROSS JOIN as freely as any other join.
    const from = caseOnly ? 'cases c CROSS JOIN failures f' : FAILURES_AND_CASES;
    if (caseOnly) where.push('f.id = c.record_id');
    const page = (window: string | null) => {
      const w = window === null ? where : [...where, `c.occurred_at >= ${ts()}`];
      const p = window === null ? params : [...params, window];
      return b.all(
        `SELECT ${FAILURE_COLS}, ${at} AS k_at FROM ${from} WHERE ${w.join(' AND ')} ORDER BY ${at} DESC, ${ROW} DESC LIMIT ?`,
        [...p, limit + 1],
      );
    };
    let rows: Row[] | undefined;
    if (caseOnly) {
      // the window: from the (limit + 1)-th newest case on (see caseWindow)
      const since = await caseWindow(scope, caseOnly, cursor?.[0] as string | undefined, limit + 1);
      if (since !== null) {
        const got = await page(since);
        // exact when the window holds more than a page: every row older than the window comes
        // after all of its rows. Fewer (a case whose record the scope hides): the whole query
        if (got.length > limit) rows = got;
      }
    }
    rows ??= await page(null);
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(failureRow),
      next: more && last ? encodeCursor([atKey(last.k_at), Number(last.rid)]) : null,
    };
  }

  /**
   * The window of a search by case status alone: the instant of the `n`-th newest case in scope
   * with one of `statuses` (older than the cursor's instant, when there is one), or null when there
   * are fewer. Read from the cases' (merchant_id, status, occurred_at, record_id) or (status,
   * occurred_at) index alone, in its order, stopping at the n-th: the page's rows are then fetched
   * between it and the cursor, a few dozen cases and their records, not every case of that status
   * sorted. Those n cases have at least n rows when each has its record in scope (the usual case).
   */
  async function caseWindow(
    scope: Scope,
    statuses: readonly CaseStatus[],
    before: string | undefined,
    n: number,
  ): Promise<string | null> {
    const [sc, sp] = scopeSql(scope, 'c');
    const where = [sc, `c.status IN (${marks(statuses.length)})`];
    const params: unknown[] = [...sp, ...statuses];
    if (before !== undefined) {
      where.push(`c.occurred_at < ${ts()}`);
      params.push(before);
    }
    const rows = await b.all(
      `SELECT c.occurred_at AS at FROM cases c WHERE ${where.join(' AND ')} ORDER BY c.occurred_at DESC LIMIT 1 OFFSET ?`,
      [...params, n - 1],
    );
    return rows[0] ? atKey(rows[0].at) : null;
  }

  async function getFailure(scope: Scope, id: string): Promise<FailureRow | null> {
    const [sc, sp] = scopeSql(scope, 'f');
    const rows = await b.all(
      `${FAILURE_SELECT} WHERE f.id = ? AND ${sc} ORDER BY f.version DESC, ${ROW} DESC LIMIT 1`,
      [id, ...sp],
    );
    return rows[0] ? failureRow(rows[0]) : null;
  }

  async function countFailures(scope: Scope, q: CountQuery): Promise<CountRow[]> {
    const [sc, sp] = scopeSql(scope, 'f');
    const key = {
      terminal: "coalesce(f.fleet, '') || '/' || f.terminal_id",
      merchant: 'f.merchant_id',
      category: 'f.category',
      bin: 'substr(f.pan_masked, 1, 6)',
    }[q.by];
    if (!key)
      throw new FleetStoreError(
        'E_QUERY',
        `by: "${String(q.by)}" is not terminal, merchant, category or bin`,
      );
    const where = [sc, `f.occurred_at >= ${ts()}`, `f.occurred_at < ${ts()}`];
    const params: unknown[] = [...sp, instant(q.from, 'from'), instant(q.to, 'to')];
    if (q.categories) {
      where.push(q.categories.length ? `f.category IN (${marks(q.categories.length)})` : '1 = 0');
      params.push(...q.categories);
    }
    if (q.by === 'bin') where.push('f.pan_masked IS NOT NULL');
    const rows = await b.all(
      `SELECT ${key} AS k, count(*) AS n FROM failures f WHERE ${where.join(' AND ')} GROUP BY ${key} ORDER BY n DESC, k`,
      params,
    );
    return rows.map((r) => ({ key: String(r.k), failures: Number(r.n) }));
  }

  async function recentFailures(scope: Scope, q: FeedQuery): Promise<Page<FailureRow>> {
    const limit = pageSize(q.limit);
    const [sc, sp] = scopeSql(scope, 'f');
    const where = [sc, `f.synced_at >= ${ts()}`];
    const params: unknown[] = [...sp, instant(q.since, 'since')];
    if (q.after !== undefined) {
      const [at, rid] = decodeCursor(q.after, ['string', 'number']);
      where.push(`(f.synced_at, ${ROW}) > (${ts()}, ?)`);
      params.push(at, rid);
    }
    const rows = await b.all(
      `${FAILURE_SELECT} WHERE ${where.join(' AND ')} ORDER BY f.synced_at, ${ROW} LIMIT ?`,
      [...params, limit],
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(failureRow),
      next: last ? encodeCursor([atKey(last.k_received), Number(last.rid)]) : (q.after ?? null),
    };
  }

  // ---- terminals -------------------------------------------------------------------------------

  function terminalSelect(now: string, silentAfterMs: number): [string, unknown[]] {
    const quietSince = new Date(Date.parse(now) - silentAfterMs).toISOString();
    return [
      `SELECT t.*, CASE
        WHEN t.status = 'offline' THEN 'offline'
        WHEN t.status IS NULL AND t.metrics_at IS NULL THEN 'unknown'
        WHEN t.last_seen < ${ts()} THEN 'silent'
        ELSE 'online' END AS state
      FROM terminals t`,
      [quietSince],
    ];
  }

  function terminalRow(r: Row): TerminalRow {
    return {
      fleet: String(r.fleet),
      terminal_id: String(r.terminal_id),
      merchant_id: (r.merchant_id as string | null) ?? null,
      state: r.state as TerminalRow['state'],
      status: (r.status as TerminalRow['status']) ?? null,
      status_at: iso(r.status_at),
      last_seen: iso(r.last_seen) as string,
      boot_id: (r.boot_id as string | null) ?? null,
      version: (r.version as string | null) ?? null,
      outbox_depth: num(r.outbox_depth),
      oldest_unsynced_age_s: num(r.oldest_unsynced_age_s),
      link: (r.link as TerminalRow['link']) ?? null,
      alarms: json<string[]>(r.alarms, []),
      counts: json<TerminalRow['counts']>(r.counts, {}),
      metrics_at: iso(r.metrics_at),
      failures: Number(r.failures ?? 0),
      last_failure_at: iso(r.last_failure_at),
    };
  }

  async function listTerminals(scope: Scope, q: TerminalQuery = {}): Promise<Page<TerminalRow>> {
    const limit = pageSize(q.limit);
    const [sel, selParams] = terminalSelect(
      q.now ? instant(q.now, 'now') : nowIso(),
      q.silentAfterMs ?? DEFAULT_SILENT_AFTER_MS,
    );
    const [sc, sp] = scopeSql(scope, 't');
    const inner: string[] = [sc];
    const params: unknown[] = [...selParams, ...sp];
    if (q.fleet !== undefined) {
      inner.push('t.fleet = ?');
      params.push(q.fleet);
    }
    if (q.minBacklog !== undefined) {
      inner.push('t.outbox_depth >= ?');
      params.push(q.minBacklog);
    }
    const outer: string[] = ['1 = 1'];
    if (q.states) {
      outer.push(q.states.length ? `x.state IN (${marks(q.states.length)})` : '1 = 0');
      params.push(...q.states);
    }
    if (q.after !== undefined) {
      const [fleet, terminal] = decodeCursor(q.after, ['string', 'string']);
      outer.push('(x.fleet, x.terminal_id) > (?, ?)');
      params.push(fleet, terminal);
    }
    const rows = await b.all(
      `SELECT * FROM (${sel} WHERE ${inner.join(' AND ')}) x WHERE ${outer.join(' AND ')} ORDER BY x.fleet, x.terminal_id LIMIT ?`,
      [...params, limit + 1],
    );
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map(terminalRow);
    const last = items[items.length - 1];
    return { items, next: more && last ? encodeCursor([last.fleet, last.terminal_id]) : null };
  }

  async function getTerminal(
    scope: Scope,
    fleet: string,
    terminal: string,
    opts: Pick<TerminalQuery, 'now' | 'silentAfterMs'> = {},
  ): Promise<TerminalRow | null> {
    const [sel, selParams] = terminalSelect(
      opts.now ? instant(opts.now, 'now') : nowIso(),
      opts.silentAfterMs ?? DEFAULT_SILENT_AFTER_MS,
    );
    const [sc, sp] = scopeSql(scope, 't');
    const rows = await b.all(`${sel} WHERE t.fleet = ? AND t.terminal_id = ? AND ${sc}`, [
      ...selParams,
      fleet,
      terminal,
      ...sp,
    ]);
    return rows[0] ? terminalRow(rows[0]) : null;
  }

  async function health(fleet: string, u: HealthUpdate): Promise<void> {
    const greatest = pg ? 'greatest' : 'max';
    const received = instant(u.receivedAt, 'receivedAt');
    const terminal = u.payload.terminal;
    if (u.kind === 'status') {
      const p = u.payload;
      const newer = `(terminals.status_at IS NULL OR excluded.status_at >= terminals.status_at)`;
      await b.run(
        `INSERT INTO terminals (fleet, terminal_id, status, status_at, boot_id, version, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (fleet, terminal_id) DO UPDATE SET
          status = CASE WHEN ${newer} THEN excluded.status ELSE terminals.status END,
          boot_id = CASE WHEN ${newer} THEN excluded.boot_id ELSE terminals.boot_id END,
          version = CASE WHEN ${newer} THEN excluded.version ELSE terminals.version END,
          status_at = CASE WHEN ${newer} THEN excluded.status_at ELSE terminals.status_at END,
          last_seen = ${greatest}(terminals.last_seen, excluded.last_seen)`,
        [fleet, terminal, p.state, instant(p.at, 'at'), p.boot_id, p.version, received],
      );
      return;
    }
    const p = u.payload;
    const newer = `(terminals.metrics_at IS NULL OR excluded.metrics_at >= terminals.metrics_at)`;
    const cols = [
      'outbox_depth',
      'oldest_unsynced_age_s',
      'link',
      'alarms',
      'counts',
      'boot_id',
      'metrics_at',
    ];
    await b.run(
      `INSERT INTO terminals (fleet, terminal_id, outbox_depth, oldest_unsynced_age_s, link, alarms, counts, boot_id, metrics_at, last_seen)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (fleet, terminal_id) DO UPDATE SET
        ${cols.map((c) => `${c} = CASE WHEN ${newer} THEN excluded.${c} ELSE terminals.${c} END`).join(',\n        ')},
        last_seen = ${greatest}(terminals.last_seen, excluded.last_seen)`,
      [
        fleet,
        terminal,
        p.outbox_depth,
        p.oldest_unsynced_age_s,
        p.link,
        JSON.stringify(p.alarms.map((a) => scrubPans(a))),
        JSON.stringify(p.counts),
        p.boot_id,
        instant(p.at, 'at'),
        received,
      ],
    );
  }

  // ---- cases -----------------------------------------------------------------------------------

  const CASE_COLS =
    'k.id, k.record_id, k.fleet, k.terminal_id, k.merchant_id, k.occurred_at, k.status, k.assignee, k.version, k.created_at, k.updated_at';
  function caseRow(r: Row): CaseRow {
    return {
      id: Number(r.id),
      record_id: String(r.record_id),
      fleet: (r.fleet as string | null) ?? null,
      terminal_id: String(r.terminal_id),
      merchant_id: String(r.merchant_id),
      occurred_at: iso(r.occurred_at) as string,
      status: r.status as CaseStatus,
      assignee: (r.assignee as string | null) ?? null,
      version: Number(r.version),
      created_at: iso(r.created_at) as string,
      updated_at: iso(r.updated_at) as string,
    };
  }

  async function getCase(scope: Scope, recordId: string): Promise<CaseRow | null> {
    const [sc, sp] = scopeSql(scope, 'k');
    const rows = await b.all(`SELECT ${CASE_COLS} FROM cases k WHERE k.record_id = ? AND ${sc}`, [
      recordId,
      ...sp,
    ]);
    return rows[0] ? caseRow(rows[0]) : null;
  }

  async function caseEvents(scope: Scope, caseId: number): Promise<CaseEvent[]> {
    const [sc, sp] = scopeSql(scope, 'k');
    const rows = await b.all(
      `SELECT e.id, e.case_id, e.at, e.actor, e.action, e.old, e.new FROM case_events e JOIN cases k ON k.id = e.case_id
       WHERE e.case_id = ? AND ${sc} ORDER BY e.id`,
      [caseId, ...sp],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      case_id: Number(r.case_id),
      at: iso(r.at) as string,
      actor: String(r.actor),
      action: r.action as CaseEvent['action'],
      old: (r.old as string | null) ?? null,
      new: (r.new as string | null) ?? null,
    }));
  }

  async function updateCase(
    scope: Scope,
    caseId: number,
    change: CaseChange,
    actor: string,
  ): Promise<CaseRow> {
    if (!actor) throw new FleetStoreError('E_QUERY', 'actor: empty');
    if (change.status !== undefined) oneOf([change.status], CASE_STATUSES, 'status');
    let note: string | undefined;
    if (change.note !== undefined) {
      note = scrubPans(change.note.trim());
      if (note.length === 0 || note.length > NOTE_MAX) {
        throw new FleetStoreError('E_NOTE', `note: 1 to ${NOTE_MAX} characters, got ${note.length}`);
      }
      // a PAN is masked in place; what is left of a track, or a CVV, cannot be: refused
      const card = cardDataIn(note, true);
      if (card !== null)
        throw new FleetStoreError('E_NOTE', `note: holds ${card}; write the note without it`);
    }
    return b.tx(async (c) => {
      const [sc, sp] = scopeSql(scope, 'k');
      const rows = await c.all(`SELECT ${CASE_COLS} FROM cases k WHERE k.id = ? AND ${sc}${forUpdate}`, [
        caseId,
        ...sp,
      ]);
      if (!rows[0]) throw new FleetStoreError('E_CASE_NOT_FOUND', `case ${caseId}: no such case`);
      const cur = caseRow(rows[0]);
      if (change.expectedVersion !== undefined && change.expectedVersion !== cur.version) {
        throw new FleetStoreError(
          'E_CASE_STALE',
          `case ${caseId}: changed meanwhile (version ${cur.version}, expected ${change.expectedVersion})`,
        );
      }
      const at = nowIso();
      const events: Array<[string, string | null, string | null]> = [];
      let status = cur.status;
      if (change.status !== undefined && change.status !== cur.status) {
        if (!CASE_MOVES[cur.status].includes(change.status)) {
          throw new FleetStoreError(
            'E_CASE_MOVE',
            `case ${caseId}: cannot move from ${cur.status} to ${change.status}`,
          );
        }
        events.push(['status', cur.status, change.status]);
        status = change.status;
      }
      let assignee = cur.assignee;
      if (change.assignee !== undefined && change.assignee !== cur.assignee) {
        events.push(['assignee', cur.assignee, change.assignee]);
        assignee = change.assignee;
      }
      if (note !== undefined) events.push(['note', null, note]);
      if (events.length === 0) return cur;
      const n = await c.run(
        `UPDATE cases SET status = ?, assignee = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
        [status, assignee, at, caseId, cur.version],
      );
      if (n !== 1) throw new FleetStoreError('E_CASE_STALE', `case ${caseId}: changed meanwhile`);
      for (const [action, old, nw] of events) {
        await c.run(
          'INSERT INTO case_events (case_id, at, actor, action, old, new) VALUES (?, ?, ?, ?, ?, ?)',
          [caseId, at, actor, action, old, nw],
        );
      }
      return { ...cur, status, assignee, version: cur.version + 1, updated_at: at };
    });
  }

  // ---- users and sessions ----------------------------------------------------------------------

  function userRow(r: Row): User {
    return {
      id: Number(r.id),
      name: String(r.name),
      role: r.role as User['role'],
      merchant_ids: json<string[]>(r.merchant_ids, []),
      disabled: bool(r.disabled),
      created_at: iso(r.created_at) as string,
    };
  }
  const USER_COLS = 'u.id, u.name, u.role, u.merchant_ids, u.disabled, u.created_at';

  async function createUser(u: NewUser): Promise<User> {
    oneOf([u.role], ROLES, 'role');
    const ids = [...new Set(u.merchantIds ?? [])];
    if (!/^[^\s\x00-\x1f]{1,64}$/.test(u.name))
      throw new FleetStoreError('E_USER', `name: "${u.name}" must be 1-64 characters without spaces`);
    if (u.role === 'merchant' && ids.length === 0)
      throw new FleetStoreError('E_USER', 'merchantIds: a merchant user needs at least one');
    if (u.role === 'operator' && ids.length > 0)
      throw new FleetStoreError('E_USER', 'merchantIds: an operator sees every merchant; give none');
    if (!u.passwordHash) throw new FleetStoreError('E_USER', 'passwordHash: empty');
    try {
      const rows = await b.all(
        `INSERT INTO users (name, role, merchant_ids, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?)
         RETURNING id, name, role, merchant_ids, disabled, created_at`,
        [u.name, u.role, JSON.stringify(ids), u.passwordHash, false, nowIso()],
      );
      return userRow(rows[0] as Row);
    } catch (e) {
      if (b.isUniqueViolation(e))
        throw new FleetStoreError('E_USER_EXISTS', `name: a user "${u.name}" exists`);
      throw e;
    }
  }

  async function getSession(id: string, now = nowIso()): Promise<{ session: Session; user: User } | null> {
    const rows = await b.all(
      `SELECT s.id AS s_id, s.user_id, s.csrf, s.created_at AS s_created, s.expires_at, ${USER_COLS}
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ? AND s.expires_at > ${ts()} AND u.disabled = ?`,
      [id, instant(now, 'now'), false],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      session: {
        id: String(r.s_id),
        user_id: Number(r.user_id),
        csrf: String(r.csrf),
        created_at: iso(r.s_created) as string,
        expires_at: iso(r.expires_at) as string,
      },
      user: userRow(r),
    };
  }

  // ---- alert rules and deliveries --------------------------------------------------------------

  function ruleRow(r: Row): AlertRuleRow {
    return {
      id: String(r.id),
      merchant_id: (r.merchant_id as string | null) ?? null,
      spec: json<Record<string, unknown>>(r.spec, {}),
      enabled: bool(r.enabled),
      source: r.source as AlertRuleRow['source'],
      updated_at: iso(r.updated_at) as string,
    };
  }
  function deliveryRow(r: Row): DeliveryRow {
    return {
      id: Number(r.id),
      key: String(r.key),
      rule_id: (r.rule_id as string | null) ?? null,
      channel: r.channel as DeliveryRow['channel'],
      target: String(r.target),
      payload: json<Record<string, unknown>>(r.payload, {}),
      state: r.state as DeliveryRow['state'],
      attempts: Number(r.attempts),
      next_at: iso(r.next_at) as string,
      last_error: (r.last_error as string | null) ?? null,
      created_at: iso(r.created_at) as string,
      delivered_at: iso(r.delivered_at),
      digest_day: (r.digest_day as string | null) ?? null,
      reclaimed: bool(r.reclaimed),
    };
  }
  const DELIVERY_COLS =
    'id, key, rule_id, channel, target, payload, state, attempts, next_at, last_error, created_at, delivered_at, digest_day, reclaimed';

  /** Stores each delivery whose key is new (held when it has a digest day); returns how many. */
  async function enqueueOn(c: Conn, ds: readonly NewDelivery[], at: string): Promise<number> {
    let n = 0;
    for (const d of ds) {
      if (d.digest_day != null && !/^\d{4}-\d\d-\d\d$/.test(d.digest_day)) {
        throw new FleetStoreError('E_QUERY', `digest_day: "${d.digest_day}" is not YYYY-MM-DD`);
      }
      n += await c.run(
        `INSERT INTO alert_deliveries (key, rule_id, channel, target, payload, state, attempts, next_at, created_at, digest_day)
         VALUES (?, ?, ?, ?, ?, ?, 0, ${ts()}, ${ts()}, ?) ON CONFLICT (key) DO NOTHING`,
        [
          d.key,
          d.rule_id,
          d.channel,
          d.target,
          JSON.stringify(d.payload),
          d.digest_day == null ? 'pending' : 'held',
          d.next_at ? instant(d.next_at, 'next_at') : at,
          at,
          d.digest_day ?? null,
        ],
      );
    }
    return n;
  }
  const enqueueDeliveries = (ds: readonly NewDelivery[], at?: string) => {
    const when = at === undefined ? nowIso() : instant(at, 'at');
    return b.tx((c) => enqueueOn(c, ds, when));
  };

  return {
    kind: b.dialect,
    insert: (fleet, records) => b.insert(fleet, records),
    insertBatch: (batch) => b.insertBatch(batch),
    health,
    searchFailures,
    getFailure,
    countFailures,
    recentFailures,
    listTerminals,
    getTerminal,
    getCase,
    caseEvents,
    updateCase,
    createUser,
    async userForSignIn(name) {
      const rows = await b.all(`SELECT ${USER_COLS}, u.password_hash FROM users u WHERE u.name = ?`, [name]);
      const r = rows[0];
      return r ? { ...userRow(r), password_hash: String(r.password_hash) } : null;
    },
    async getUser(id) {
      const rows = await b.all(`SELECT ${USER_COLS} FROM users u WHERE u.id = ?`, [id]);
      return rows[0] ? userRow(rows[0]) : null;
    },
    async listUsers() {
      return (await b.all(`SELECT ${USER_COLS} FROM users u ORDER BY u.name`)).map(userRow);
    },
    async setPasswordHash(userId, hash) {
      if (!hash) throw new FleetStoreError('E_USER', 'passwordHash: empty');
      if ((await b.run('UPDATE users SET password_hash = ? WHERE id = ?', [hash, userId])) !== 1) {
        throw new FleetStoreError('E_USER', `user ${userId}: no such user`);
      }
    },
    async setUserDisabled(userId, disabled) {
      await b.tx(async (c) => {
        if ((await c.run('UPDATE users SET disabled = ? WHERE id = ?', [disabled, userId])) !== 1) {
          throw new FleetStoreError('E_USER', `user ${userId}: no such user`);
        }
        if (disabled) await c.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
      });
    },
    async createSession(s) {
      await b.run('INSERT INTO sessions (id, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
        s.id,
        s.user_id,
        s.csrf,
        instant(s.created_at, 'created_at'),
        instant(s.expires_at, 'expires_at'),
      ]);
    },
    getSession,
    async deleteSession(id) {
      await b.run('DELETE FROM sessions WHERE id = ?', [id]);
    },
    async purgeSessions(now = nowIso()) {
      return b.run(`DELETE FROM sessions WHERE expires_at <= ${ts()}`, [instant(now, 'now')]);
    },
    async listAlertRules(scope) {
      const [sc, sp] = scopeSql(scope, 'r');
      return (await b.all(`SELECT * FROM alert_rules r WHERE ${sc} ORDER BY r.id`, sp)).map(ruleRow);
    },
    async putAlertRule(rule) {
      const at = nowIso();
      await b.run(
        `INSERT INTO alert_rules (id, merchant_id, spec, enabled, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET merchant_id = excluded.merchant_id, spec = excluded.spec,
           enabled = excluded.enabled, source = excluded.source, updated_at = excluded.updated_at`,
        [rule.id, rule.merchant_id, JSON.stringify(rule.spec), rule.enabled, rule.source, at],
      );
      return { ...rule, updated_at: at };
    },
    async deleteAlertRule(scope, id) {
      const [sc, sp] = scopeSql(scope, 'r');
      // the alias keeps scopeSql's condition valid in a DELETE on both backends
      return (
        (await b.run(
          `DELETE FROM alert_rules WHERE id IN (SELECT r.id FROM alert_rules r WHERE r.id = ? AND ${sc})`,
          [id, ...sp],
        )) > 0
      );
    },
    async enqueueDelivery(d: NewDelivery) {
      return (await enqueueDeliveries([d])) === 1;
    },
    enqueueDeliveries,
    async claimDeliveries(now, limit, leaseMs) {
      const n = instant(now, 'now');
      const lease = new Date(Date.parse(n) + leaseMs).toISOString();
      return b.tx(async (c) => {
        // SET reads the row as it was: reclaimed says the claim took it from an expired lease
        const rows = await c.all(
          `UPDATE alert_deliveries SET state = 'sending', attempts = attempts + 1, next_at = ${ts()},
             reclaimed = (state = 'sending')
           WHERE id IN (SELECT id FROM alert_deliveries WHERE state IN ('pending', 'sending') AND next_at <= ${ts()}
                        ORDER BY next_at, id LIMIT ?${pg ? ' FOR UPDATE SKIP LOCKED' : ''})
           RETURNING ${DELIVERY_COLS}`,
          [lease, n, limit],
        );
        return rows.map(deliveryRow).sort((x, y) => x.id - y.id);
      });
    },
    async markDelivered(key, at) {
      await b.run(
        `UPDATE alert_deliveries SET state = 'delivered', delivered_at = ${ts()}, last_error = NULL
         WHERE key = ? AND state IN ('pending', 'sending', 'failed')`,
        [instant(at, 'at'), key],
      );
    },
    async markFailed(key, error, retryAt) {
      const err = scrubPans(error).slice(0, 1000);
      if (retryAt === null) {
        await b.run(
          `UPDATE alert_deliveries SET state = 'failed', last_error = ? WHERE key = ? AND state IN ('pending', 'sending')`,
          [err, key],
        );
      } else {
        // only a delivery still being sent: one another sender delivered meanwhile stays delivered
        await b.run(
          `UPDATE alert_deliveries SET state = 'pending', last_error = ?, next_at = ${ts()} WHERE key = ? AND state = 'sending'`,
          [err, instant(retryAt, 'retryAt'), key],
        );
      }
    },
    async getDelivery(key) {
      const rows = await b.all(`SELECT ${DELIVERY_COLS} FROM alert_deliveries WHERE key = ?`, [key]);
      return rows[0] ? deliveryRow(rows[0]) : null;
    },
    async heldDeliveries(beforeDay) {
      if (!/^\d{4}-\d\d-\d\d$/.test(beforeDay)) {
        throw new FleetStoreError('E_QUERY', `beforeDay: "${beforeDay}" is not YYYY-MM-DD`);
      }
      const rows = await b.all(
        `SELECT ${DELIVERY_COLS} FROM alert_deliveries WHERE state = 'held' AND digest_day < ? ORDER BY digest_day, id`,
        [beforeDay],
      );
      return rows.map(deliveryRow);
    },
    async digestHeld(digest, heldKeys, at) {
      const when = at === undefined ? nowIso() : instant(at, 'at');
      await b.tx(async (c) => {
        await enqueueOn(c, [digest], when);
        for (const k of heldKeys) {
          await c.run(`UPDATE alert_deliveries SET state = 'digested' WHERE key = ? AND state = 'held'`, [k]);
        }
      });
    },
    async deliveryCounts() {
      const out = Object.fromEntries(DELIVERY_STATES.map((st) => [st, 0])) as Record<DeliveryState, number>;
      for (const r of await b.all('SELECT state, count(*) AS n FROM alert_deliveries GROUP BY state')) {
        out[r.state as DeliveryState] = Number(r.n);
      }
      return out;
    },
    close: () => b.close(),
  };
}
