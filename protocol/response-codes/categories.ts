/**
 * The vocabulary of the response-code table: failure categories, retry advice and the agent's
 * local fault codes. Stable ids: they are stored in every failure record (agent/record.ts) and
 * sent to the fleet. Pure data.
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

/** Retry advice ids, stable across releases (stored in `retry`). */
export const RETRY_ADVICE = [
  'retry_now', // one immediate retry is fine (technical codes, timeouts)
  'retry_later', // wait (see retry_after_min) before presenting the same card again
  'after_customer_action', // e.g. insert chip and enter PIN, re-enter PIN, call the issuer first
  'never_same_card', // Visa category 1, MAC 03/21: never retry this card
  'no_retry_needed', // approved
] as const;
export type RetryAdvice = (typeof RETRY_ADVICE)[number];

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
  // outcomes of a sale after the fact (agent/pipeline/outcome-machine.ts): screens, and the code
  // of a record made for a double charge
  reversed: 'L_REVERSED', // the timed-out payment was reversed: safe to retry
  reversalFailed: 'L_REVERSAL_FAILED', // the reversal was refused: the customer may be charged
  approvedLate: 'L_APPROVED_LATE', // approved after the timeout: do not charge again
  doubleCharge: 'L_DOUBLE_CHARGE', // two approvals, same card and amount, within the window
} as const;
export type LocalFault = (typeof LOCAL_FAULTS)[keyof typeof LOCAL_FAULTS];
