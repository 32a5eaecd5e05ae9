/**
 * The failure record: one row in SQLite, one element of an MQTT `failures` batch, one export row.
 * This is a contract shared by the store, sync, export and fleet tools (see docs/record.md).
 * Card data rule: `pan_masked` is first 6 + last 4 with '*' in between; a full PAN never appears.
 */

/** Stable category ids (docs/guidance.md §Categories). */
export const CATEGORIES = [
  'insufficient_funds',
  'card_problem',
  'cardholder_verification',
  'issuer_decline',
  'network',
  'merchant_setup',
  'system_fault',
  'approved',
  'unknown',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Where the response code came from. */
export type RcSource = 'issuer' | 'host' | 'local';

/** Retry advice ids, stable across releases (stored in `retry`). */
export const RETRY_ADVICE = [
  'retry_now', // one immediate retry is fine (technical codes, timeouts)
  'retry_later', // wait (see retry_after_min) before presenting the same card again
  'after_customer_action', // e.g. insert chip and enter PIN, re-enter PIN, call the issuer first
  'never_same_card', // Visa category 1, MAC 03/21: never retry this card
  'no_retry_needed', // approved
] as const;
export type RetryAdvice = (typeof RETRY_ADVICE)[number];

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
  /** UTC ISO-8601 time the broker acknowledged the record, null while unsynced. */
  synced_at: string | null;
}

/**
 * Local faults: failures that never got a host response code. Stored in `rc` with rc_source 'local'.
 * The response-code table has a row for each.
 */
export const LOCAL_FAULTS = {
  hostTimeout: 'L_TIMEOUT', // request sent, no response within the configured timeout
  linkDown: 'L_LINK_DOWN', // the module reports the host link as down
  cardReadError: 'L_CARD_READ', // chip/stripe/contactless read failed
  cardRemoved: 'L_CARD_REMOVED', // card removed before the transaction completed
  pinTimeout: 'L_PIN_TIMEOUT', // cardholder did not enter the PIN in time
  pinCancel: 'L_PIN_CANCEL', // cardholder cancelled at the PIN prompt
  malformedResponse: 'L_MALFORMED', // the host response could not be decoded
  reversalPending: 'L_REVERSAL_PENDING', // a reversal is outstanding; status unknown
} as const;
export type LocalFault = (typeof LOCAL_FAULTS)[keyof typeof LOCAL_FAULTS];
