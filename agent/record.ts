/**
 * The failure record: one row in SQLite, one element of an MQTT `failures` batch, one export row.
 * This is a contract shared by the store, sync, export and fleet tools (see docs/record.md).
 * Card data rule: `pan_masked` is first 6 + last 4 with '*' in between; a full PAN never appears.
 */
import type { Category, RetryAdvice } from '../protocol/response-codes/index.js';

// categories, retry advice and local faults are the response-code table's vocabulary (protocol/);
// the record uses them and re-exports them for the agent's modules
export {
  CATEGORIES,
  type Category,
  LOCAL_FAULTS,
  type LocalFault,
  RETRY_ADVICE,
  type RetryAdvice,
} from '../protocol/response-codes/index.js';

/** Where a failed sale ended up; docs/outcomes.md has the state machine. */
export const OUTCOMES = [
  'declined',
  'timed_out',
  'reversal_sent',
  'reversed',
  'reversal_failed',
  'approved_late',
  'possible_double_charge',
  'recovered',
  'written_off',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
/**
 * How a failed sale was recovered: same card later approved, another card for the same amount at the
 * same terminal, or the host approved it after the timeout.
 */
export const RECOVERY_MEANS = ['same_card', 'other_card', 'late_approval'] as const;
export type RecoveryMeans = (typeof RECOVERY_MEANS)[number];
/** Outcomes of a sale that was paid after all: not lost revenue. */
export const RECOVERED_OUTCOMES: readonly Outcome[] = ['recovered', 'approved_late'];
/** Outcomes of a sale that was paid at least once (a double charge too): never lost revenue. */
export const PAID_OUTCOMES: readonly Outcome[] = [...RECOVERED_OUTCOMES, 'possible_double_charge'];

/** Outcomes that no longer change: store.openFailures() leaves them out (docs/outcomes.md). */
export const FINAL_OUTCOMES: readonly Outcome[] = ['recovered', 'written_off', 'possible_double_charge'];

/**
 * The outcome a record gets at version 1 from its response code; any other code: 'declined'. The
 * same rule gives rows from before outcomes theirs (the store's and the collector's migrations,
 * the export's view of an old file: initialOutcomeSql). A code added here later cannot change how
 * an old row migrates: no row from before it was added carries it.
 */
export const INITIAL_OUTCOMES: Readonly<Record<string, Outcome>> = {
  L_TIMEOUT: 'timed_out',
  L_REVERSAL_PENDING: 'reversal_sent',
  L_DOUBLE_CHARGE: 'possible_double_charge',
};

export function initialOutcome(rc: string): Outcome {
  return Object.hasOwn(INITIAL_OUTCOMES, rc) ? INITIAL_OUTCOMES[rc]! : 'declined';
}

/** initialOutcome as an SQL expression over the column `rc` (constants of ours, never input). */
export function initialOutcomeSql(rc = 'rc'): string {
  const whens = Object.entries(INITIAL_OUTCOMES).map(([code, o]) => `WHEN '${code}' THEN '${o}'`);
  return `CASE ${rc} ${whens.join(' ')} ELSE 'declined' END`;
}

/** `rc IN (...)`: the rows whose first outcome is not 'declined' (what a migration must set). */
export function notDeclinedSql(rc = 'rc'): string {
  return `${rc} IN (${Object.keys(INITIAL_OUTCOMES)
    .map((c) => `'${c}'`)
    .join(', ')})`;
}

/** Where the response code came from. */
export type RcSource = 'issuer' | 'host' | 'local';

export interface FailureRecord {
  /** Time-sortable unique id (ULID, 26 chars), made once and kept everywhere. */
  id: string;
  /** Per-terminal monotonic sequence number (64-bit; JS number is safe up to 2^53). */
  seq: number;
  /** Boot id of the agent process that recorded it. */
  boot_id: string;
  terminal_id: string;
  merchant_id: string;
  /** UTC ISO-8601 timestamp with milliseconds, e.g. 2026-11-23T10:15:00.123Z */
  occurred_at: string;
  /** Local offset of the terminal at that moment, minutes east of UTC (e.g. +60 for CET). */
  utc_offset_min: number;
  mti: string | null;
  processing_code: string | null;
  amount_minor: number | null;
  /** ISO 4217 numeric currency code, e.g. "978". */
  currency: string | null;
  pan_masked: string | null;
  card_brand: string | null;
  entry_mode: string | null;
  stan: string | null;
  rrn: string | null;
  auth_code: string | null;
  /** Response code as received (field 39), or a local fault code such as "L_TIMEOUT". */
  rc: string;
  rc_source: RcSource;
  category: Category;
  retry: RetryAdvice;
  /**
   * Problems with the input this record was made from, e.g. `amount: not a whole amount in minor
   * units of at most 12 digits`: an optional field that was bad is stored empty (null) and named
   * here, so the failure itself is never lost. Fixed texts only, never the received value. Null
   * when there was nothing to note.
   */
  notes: string | null;
  /** 1 when recorded, +1 with each outcome change (a versioned update; receivers keep the newest). */
  version: number;
  /**
   * Where the sale ended up. At version 1: 'declined' (a failure with a code or local fault),
   * 'timed_out' (L_TIMEOUT) or 'reversal_sent' (a reversal with no failure known).
   */
  outcome: Outcome;
  /** UTC ISO time of the last outcome change; null at version 1. */
  outcome_at: string | null;
  /** Ledger id (ULID) of the approval that recovered it, came late or doubled it. */
  linked_id: string | null;
  recovered_by: RecoveryMeans | null;
  /** UTC ISO-8601 time the broker acknowledged the record, null while unsynced. */
  synced_at: string | null;
}
