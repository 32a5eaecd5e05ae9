/**
 * What storing failure records does beyond the `failures` rows, as a plan of SQL statements the
 * sink runs inside the same transaction as the rows (agent/fleet/sinks.ts, both backends): a case
 * for each record seen the first time, the case moves its new version's outcome calls for
 * (OUTCOME_CASE_MOVES, each with its case_events row written before the change, reading the old
 * status), and the terminal's merchant, failure count and last failure. Pure: statements use `?`
 * placeholders; the PostgreSQL adapter numbers them (toPgParams).
 */
import type { FailureRecord } from '../../record.js';
import { OUTCOME_CASE_MOVES, SYSTEM_ACTOR } from './types.js';

/** A statement; `independent` ones touch no row another statement of the plan reads or writes. */
export type Statement = readonly [sql: string, params: unknown[], independent?: boolean];

/** Rows per multi-row statement (SQLite allows 32,766 parameters, PostgreSQL 65,535). */
const CHUNK = 500;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The rows of a multi-row INSERT: VALUES tuples on SQLite; on PostgreSQL one array per column
 * (unnest), the same text for any number of rows, so a big batch is not slow to plan.
 */
function rowsOf(
  rows: readonly unknown[][],
  pgTypes: readonly string[],
  dialect: Dialect,
): [string, unknown[]] {
  if (dialect === 'postgres') {
    return [
      `SELECT * FROM unnest(${pgTypes.map((t) => `?::${t}[]`).join(', ')})`,
      pgTypes.map((_, i) => rows.map((r) => r[i])),
    ];
  }
  return [`VALUES ${rows.map(() => `(${marks(pgTypes.length)})`).join(', ')}`, rows.flat()];
}
type Dialect = 'sqlite' | 'postgres';

/**
 * The statements for `stored`: the records of one message or one batch of messages stored now (new
 * ids and newer versions, not duplicates or stale ones), all of fleet `fleet`; `newIds` those of ids not stored before (a
 * newer version is not a new failure); `at` is the time received.
 */
export function ingestPlan(
  fleet: string,
  stored: readonly FailureRecord[],
  newIds: ReadonlySet<string>,
  at: string,
  dialect: Dialect,
): Statement[] {
  if (stored.length === 0) return [];
  const out: Statement[] = [];
  for (let i = 0; i < stored.length; i += CHUNK) {
    const chunk = stored.slice(i, i + CHUNK);
    const [rows, params] = rowsOf(
      chunk.map((r) => [r.id, fleet, r.terminal_id, r.merchant_id, r.occurred_at, at, at]),
      ['text', 'text', 'text', 'text', 'timestamptz', 'timestamptz', 'timestamptz'],
      dialect,
    );
    out.push([
      `INSERT INTO cases (record_id, fleet, terminal_id, merchant_id, occurred_at, created_at, updated_at) ${rows} ON CONFLICT (record_id) DO NOTHING`,
      params,
      true,
    ]);
  }
  for (const move of OUTCOME_CASE_MOVES) {
    const ids = stored.filter((r) => move.outcomes.includes(r.outcome)).map((r) => r.id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const where = `record_id IN (${marks(chunk.length)}) AND status IN (${marks(move.from.length)})`;
      out.push([
        `INSERT INTO case_events (case_id, at, actor, action, old, new) SELECT id, ?, ?, 'status', status, ? FROM cases WHERE ${where}`,
        [at, SYSTEM_ACTOR, move.to, ...chunk, ...move.from],
      ]);
      out.push([
        `UPDATE cases SET status = ?, version = version + 1, updated_at = ? WHERE ${where}`,
        [move.to, at, ...chunk, ...move.from],
      ]);
    }
  }
  // one row per terminal (one terminal per message; a batch of messages has many), several per
  // statement: an upsert must not touch one row twice, and the terminals are distinct here
  const byTerminal = new Map<string, FailureRecord[]>();
  for (const r of stored) {
    const list = byTerminal.get(r.terminal_id);
    if (list) list.push(r);
    else byTerminal.set(r.terminal_id, [r]);
  }
  const greatest = dialect === 'sqlite' ? 'max' : 'greatest';
  const rows = [...byTerminal].map(([terminal, recs]) => {
    const newest = recs.reduce((a, b) => (b.occurred_at > a.occurred_at ? b : a));
    const fresh = recs.filter((r) => newIds.has(r.id)).length;
    return [fleet, terminal, newest.merchant_id, at, fresh, newest.occurred_at];
  });
  for (let i = 0; i < rows.length; i += CHUNK) {
    const [values, params] = rowsOf(
      rows.slice(i, i + CHUNK),
      ['text', 'text', 'text', 'timestamptz', 'integer', 'timestamptz'],
      dialect,
    );
    out.push([
      `INSERT INTO terminals (fleet, terminal_id, merchant_id, last_seen, failures, last_failure_at) ${values}
  ON CONFLICT (fleet, terminal_id) DO UPDATE SET merchant_id = excluded.merchant_id,
    last_seen = ${greatest}(terminals.last_seen, excluded.last_seen),
    failures = terminals.failures + excluded.failures,
    last_failure_at = coalesce(${greatest}(terminals.last_failure_at, excluded.last_failure_at), excluded.last_failure_at)`,
      params,
      true,
    ]);
  }
  return out;
}

/**
 * The plan for PostgreSQL in as few round trips as it allows: the independent statements as one
 * (data-modifying WITH parts), then the others in order (a case move must see its new case).
 */
export function pgPlan(plan: readonly Statement[]): Array<[string, unknown[]]> {
  const indep = plan.filter((s) => s[2] === true);
  const rest = plan.filter((s) => s[2] !== true);
  const out: Array<[string, unknown[]]> = [];
  if (indep.length === 1) out.push([toPgParams(indep[0]![0]), indep[0]![1]]);
  else if (indep.length > 1) {
    const last = indep[indep.length - 1]!;
    const withs = indep.slice(0, -1).map((s, i) => `s${i} AS (${s[0]})`);
    out.push([toPgParams(`WITH ${withs.join(', ')} ${last[0]}`), indep.flatMap((s) => s[1])]);
  }
  for (const s of rest) out.push([toPgParams(s[0]), s[1]]);
  return out;
}

/** `?` placeholders numbered for PostgreSQL ($1, $2, …); the SQL must hold no literal '?'. */
export function toPgParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
