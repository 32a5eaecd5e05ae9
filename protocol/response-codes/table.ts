/**
 * The response-code table as data: ISO 8583:1987 field 39 codes, the common network-specific
 * alphanumeric codes, the ISO 8583:1993 action codes and the agent's local faults.
 * Sources: docs/sources.md. Pure data, no I/O. index.ts builds the lookup structures from it.
 *
 * Columns of a row spec:
 *   code | category | actor (who must act) | retry advice | retry after (min) | Visa decline
 *   category (null = not an issuer decline) | sensitive (1 = reason never shown to the customer) |
 *   EMV Book 4 standard message id | guidance text key (agent/guidance catalogs) | English meaning
 *
 * Retry rules applied (docs/sources.md §Retry rules and §Who acts): Visa category 1 and every
 * sensitive reason → never the same card; technical codes (19, 91, 96, 68, timeouts, card read) →
 * one immediate retry; insufficient funds / limits → later (1440 min: the issuer's daily limits
 * reset); "after customer action" when the customer must do something first (PIN, chip, call the
 * issuer).
 */
import type { Category, RetryAdvice } from './categories.js';

export type Actor = 'cashier' | 'customer' | 'merchant' | 'issuer' | 'acquirer';
export type Standard = '1987' | '1993' | 'network' | 'local' | 'fallback';
export type VisaCategory = 1 | 2 | 3 | 4 | null;

export type RowSpec = readonly [
  code: string,
  category: Category,
  actor: Actor,
  retry: RetryAdvice,
  retryAfterMin: number | null,
  visaCategory: VisaCategory,
  sensitive: 0 | 1,
  emvMessage: string,
  textKey: string,
  meaning: string,
];

/** EMV Book 4 §11.2 standard messages (English wording; localized in the guidance catalogs). */
export const EMV_MESSAGES: Readonly<Record<string, string>> = {
  '01': '(AMOUNT)',
  '02': '(AMOUNT) OK?',
  '03': 'APPROVED',
  '04': 'CALL YOUR BANK',
  '05': 'CANCEL OR ENTER',
  '06': 'CARD ERROR',
  '07': 'DECLINED',
  '08': 'ENTER AMOUNT',
  '09': 'ENTER PIN',
  '0A': 'INCORRECT PIN',
  '0B': 'INSERT CARD',
  '0C': 'NOT ACCEPTED',
  '0D': 'PIN OK',
  '0E': 'PLEASE WAIT',
  '0F': 'PROCESSING ERROR',
  '10': 'REMOVE CARD',
  '11': 'USE CHIP READER',
  '12': 'USE MAG STRIPE',
  '13': 'TRY AGAIN',
};

const RESERVED_ISO = 'Reserved for ISO use';

/** ISO 8583:1987 field 39 (an2), 00-99. Codes 76-78 and 85 follow Visa; see NETWORK_PROFILES. */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const ISO_1987: readonly RowSpec[] = [
  ['00', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',        'Approved or completed successfully'],
  ['01', 'issuer_decline',          'issuer',   'after_customer_action', null, 4,    0, '04', 'refer_issuer',        'Refer to card issuer'],
  ['02', 'issuer_decline',          'issuer',   'after_customer_action', null, 4,    0, '04', 'refer_issuer',        "Refer to card issuer's special conditions"],
  ['03', 'merchant_setup',          'acquirer', 'retry_later',           null, 2,    0, '0F', 'merchant_setup',      'Invalid merchant'],
  ['04', 'issuer_decline',          'cashier',  'never_same_card',       null, 1,    1, '07', 'pickup',              'Pick up card'],
  ['05', 'issuer_decline',          'customer', 'after_customer_action', null, 4,    0, '07', 'do_not_honour',       'Do not honour'],
  ['06', 'system_fault',            'cashier',  'retry_now',             null, 4,    0, '0F', 'system_error',        'Error'],
  ['07', 'issuer_decline',          'cashier',  'never_same_card',       null, 1,    1, '07', 'pickup',              'Pick up card, special condition'],
  ['08', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'check_id',            'Honour with identification'],
  ['09', 'system_fault',            'cashier',  'retry_later',           2,    4,    0, '0E', 'in_progress',         'Request in progress'],
  ['10', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'partial_approval',    'Approved for partial amount'],
  ['11', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',        'Approved (VIP)'],
  ['12', 'issuer_decline',          'cashier',  'never_same_card',       null, 1,    0, '0C', 'not_permitted',       'Invalid transaction'],
  ['13', 'merchant_setup',          'cashier',  'retry_now',             null, 4,    0, '07', 'invalid_amount',      'Invalid amount'],
  ['14', 'card_problem',            'customer', 'never_same_card',       null, 1,    0, '07', 'invalid_card',        'Invalid card number'],
  ['15', 'card_problem',            'customer', 'never_same_card',       null, 1,    0, '07', 'invalid_card',        'No such issuer'],
  ['16', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',        'Approved, update track 3'],
  ['17', 'cardholder_verification', 'customer', 'after_customer_action', null, 4,    0, '07', 'customer_cancel',     'Customer cancellation'],
  ['18', 'issuer_decline',          'customer', 'after_customer_action', null, 4,    0, '07', 'cat.issuer_decline',  'Customer dispute'],
  ['19', 'network',                 'cashier',  'retry_now',             null, 2,    0, '13', 'try_again',           'Re-enter transaction'],
  ['20', 'system_fault',            'acquirer', 'retry_now',             null, 4,    0, '0F', 'system_error',        'Invalid response'],
  ['21', 'system_fault',            'cashier',  'retry_now',             null, 4,    0, '13', 'try_again',           'No action taken'],
  ['22', 'system_fault',            'cashier',  'retry_now',             null, 4,    0, '0F', 'system_error',        'Suspected malfunction'],
  ['23', 'merchant_setup',          'acquirer', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',      'Unacceptable transaction fee'],
  ['24', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'cat.system_fault',    'File update not supported by receiver'],
  ['25', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'cat.system_fault',    'Unable to locate record on file'],
  ['26', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'cat.system_fault',    'Duplicate file update record, old record replaced'],
  ['27', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'cat.system_fault',    'File update field edit error'],
  ['28', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'cat.system_fault',    'File update file locked out'],
  ['29', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'cat.system_fault',    'File update not successful, contact acquirer'],
  ['30', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',      'Format error'],
  ['31', 'network',                 'acquirer', 'never_same_card',       null, 4,    0, '0C', 'not_permitted',       'Bank not supported by switch'],
  ['32', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'partial_approval',    'Completed partially'],
  ['33', 'card_problem',            'cashier',  'never_same_card',       null, 4,    1, '07', 'pickup',              'Expired card, pick up'],
  ['34', 'issuer_decline',          'cashier',  'never_same_card',       null, 4,    1, '07', 'pickup',              'Suspected fraud, pick up'],
  ['35', 'issuer_decline',          'cashier',  'never_same_card',       null, 4,    1, '07', 'pickup',              'Card acceptor contact acquirer, pick up'],
  ['36', 'card_problem',            'cashier',  'never_same_card',       null, 4,    1, '07', 'pickup',              'Restricted card, pick up'],
  ['37', 'issuer_decline',          'cashier',  'never_same_card',       null, 4,    1, '07', 'pickup',              'Card acceptor call acquirer security, pick up'],
  ['38', 'cardholder_verification', 'cashier',  'never_same_card',       null, 4,    1, '07', 'pickup',              'Allowable PIN tries exceeded, pick up'],
  ['39', 'card_problem',            'customer', 'after_customer_action', null, 2,    0, '07', 'no_account',          'No credit account'],
  ['40', 'merchant_setup',          'acquirer', 'retry_later',           null, 4,    0, '0C', 'merchant_setup',      'Requested function not supported'],
  ['41', 'issuer_decline',          'cashier',  'never_same_card',       null, 1,    1, '07', 'pickup',              'Lost card, pick up'],
  ['42', 'card_problem',            'customer', 'after_customer_action', null, 4,    0, '07', 'no_account',          'No universal account'],
  ['43', 'issuer_decline',          'cashier',  'never_same_card',       null, 1,    1, '07', 'pickup',              'Stolen card, pick up'],
  ['44', 'card_problem',            'customer', 'after_customer_action', null, 4,    0, '07', 'no_account',          'No investment account'],
  ['45', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['46', 'card_problem',            'customer', 'never_same_card',       null, 1,    0, '07', 'invalid_card',        'Closed account (Visa; reserved in ISO)'],
  ['47', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['48', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['49', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['50', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['51', 'insufficient_funds',      'customer', 'retry_later',           1440, 2,    0, '07', 'insufficient_funds',  'Not sufficient funds'],
  ['52', 'card_problem',            'customer', 'after_customer_action', null, 2,    0, '07', 'no_account',          'No chequing account'],
  ['53', 'card_problem',            'customer', 'after_customer_action', null, 2,    0, '07', 'no_account',          'No savings account'],
  ['54', 'card_problem',            'customer', 'never_same_card',       null, 3,    0, '07', 'expired_card',        'Expired card'],
  ['55', 'cardholder_verification', 'customer', 'after_customer_action', null, 3,    0, '0A', 'incorrect_pin',       'Incorrect PIN'],
  ['56', 'card_problem',            'customer', 'never_same_card',       null, 4,    0, '07', 'invalid_card',        'No card record'],
  ['57', 'issuer_decline',          'customer', 'never_same_card',       null, 1,    0, '0C', 'not_permitted',       'Transaction not permitted to cardholder'],
  ['58', 'merchant_setup',          'acquirer', 'retry_later',           null, 4,    0, '0C', 'merchant_setup',      'Transaction not permitted to terminal'],
  ['59', 'issuer_decline',          'cashier',  'never_same_card',       null, 2,    1, '07', 'security_decline',    'Suspected fraud'],
  ['60', 'merchant_setup',          'merchant', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',      'Card acceptor contact acquirer'],
  ['61', 'insufficient_funds',      'customer', 'retry_later',           1440, 2,    0, '07', 'limit_exceeded',      'Exceeds withdrawal amount limit'],
  ['62', 'card_problem',            'customer', 'retry_later',           null, 2,    0, '0C', 'not_permitted',       'Restricted card'],
  ['63', 'issuer_decline',          'cashier',  'never_same_card',       null, 4,    1, '07', 'security_decline',    'Security violation'],
  ['64', 'merchant_setup',          'cashier',  'retry_now',             null, 4,    0, '07', 'invalid_amount',      'Original amount incorrect'],
  ['65', 'insufficient_funds',      'customer', 'retry_later',           1440, 2,    0, '07', 'frequency_limit',     'Exceeds withdrawal frequency limit'],
  ['66', 'issuer_decline',          'merchant', 'never_same_card',       null, 4,    1, '07', 'security_decline',    "Card acceptor call acquirer's security department"],
  ['67', 'issuer_decline',          'cashier',  'never_same_card',       null, 4,    1, '07', 'pickup',              'Hard capture (pick up card at ATM)'],
  ['68', 'network',                 'cashier',  'retry_now',             null, 4,    0, '13', 'issuer_unavailable',  'Response received too late'],
  ['69', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['70', 'cardholder_verification', 'customer', 'after_customer_action', null, 3,    0, '09', 'chip_pin_required',   'PIN data required (Visa/Mastercard Europe; reserved in ISO)'],
  ['71', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['72', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['73', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['74', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         RESERVED_ISO],
  ['75', 'cardholder_verification', 'customer', 'never_same_card',       null, 2,    0, '07', 'pin_tries_exceeded',  'Allowable number of PIN tries exceeded'],
  ['76', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'system_error',        'Unable to locate previous message (Visa; network-specific)'],
  ['77', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'system_error',        'Repeat or reversal inconsistent with original (Visa; network-specific)'],
  ['78', 'card_problem',            'customer', 'after_customer_action', null, 2,    0, '04', 'card_not_active',     'Blocked, first used: card not activated (Visa; network-specific)'],
  ['79', 'issuer_decline',          'customer', 'retry_later',           null, 4,    0, '07', 'do_not_honour',       'Declined (private use: already reversed / life-cycle)'],
  ['80', 'network',                 'cashier',  'retry_later',           5,    4,    0, '0F', 'issuer_unavailable',  'Private use: issuer unavailable'],
  ['81', 'cardholder_verification', 'customer', 'after_customer_action', null, 4,    0, '0A', 'incorrect_pin',       'PIN cryptographic error (private use)'],
  ['82', 'card_problem',            'customer', 'never_same_card',       null, 3,    0, '06', 'verification_failed', 'Negative CAM, dCVV, iCVV or CVV result (Visa)'],
  ['83', 'issuer_decline',          'cashier',  'never_same_card',       null, 2,    1, '07', 'security_decline',    'Fraud/security (Mastercard); unable to verify PIN (Visa)'],
  ['84', 'issuer_decline',          'acquirer', 'retry_later',           null, 4,    0, '07', 'cat.issuer_decline',  'Invalid authorization life cycle'],
  ['85', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',        'No reason to decline (verification only; network-specific)'],
  ['86', 'cardholder_verification', 'customer', 'retry_later',           null, 2,    0, '07', 'verification_failed', 'Cannot verify PIN'],
  ['87', 'issuer_decline',          'cashier',  'after_customer_action', null, 4,    0, '0C', 'cashback_refused',    'Purchase amount only, no cash back allowed'],
  ['88', 'system_fault',            'cashier',  'retry_now',             null, 4,    0, '0F', 'system_error',        'Cryptographic failure'],
  ['89', 'cardholder_verification', 'customer', 'after_customer_action', null, 4,    0, '0A', 'incorrect_pin',       'Unacceptable PIN, re-enter'],
  ['90', 'network',                 'cashier',  'retry_later',           5,    4,    0, '13', 'cutover',             'Cutoff is in process'],
  ['91', 'network',                 'cashier',  'retry_now',             null, 2,    0, '13', 'issuer_unavailable',  'Issuer or switch inoperative'],
  ['92', 'network',                 'acquirer', 'retry_later',           15,   4,    0, '0F', 'issuer_unavailable',  'Financial institution cannot be found for routing'],
  ['93', 'issuer_decline',          'customer', 'never_same_card',       null, 2,    0, '07', 'not_permitted',       'Transaction cannot be completed, violation of law'],
  ['94', 'system_fault',            'cashier',  'retry_later',           null, 4,    0, '0F', 'duplicate',           'Duplicate transmission'],
  ['95', 'system_fault',            'acquirer', 'retry_now',             null, 4,    0, '0F', 'system_error',        'Reconcile error'],
  ['96', 'system_fault',            'cashier',  'retry_now',             null, 2,    0, '0F', 'system_error',        'System malfunction'],
  ['97', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         'Reserved for national use'],
  ['98', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         'Reserved for national use'],
  ['99', 'unknown',                 'cashier',  'retry_later',           null, 4,    0, '07', 'cat.unknown',         'Reserved for national use'],
];

/** Network-specific alphanumeric codes (Visa, Mastercard) and the terminal's own EMV codes (Y*, Z*). */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const NETWORK_CODES: readonly RowSpec[] = [
  ['1A', 'cardholder_verification', 'customer', 'after_customer_action', null, 3,    0, '0B', 'chip_pin_required',           'Additional customer authentication required (SCA)'],
  ['5C', 'issuer_decline',          'customer', 'never_same_card',       null, 2,    0, '0C', 'not_permitted',               'Transaction not supported or blocked by issuer'],
  ['6P', 'cardholder_verification', 'customer', 'after_customer_action', null, 3,    0, '07', 'verification_failed',         'Verification data failed'],
  ['9G', 'issuer_decline',          'customer', 'after_customer_action', null, 2,    0, '07', 'blocked_by_cardholder',       'Blocked by cardholder, contact cardholder'],
  ['A1', 'cardholder_verification', 'customer', 'after_customer_action', null, 4,    0, '0B', 'chip_pin_required',           'Additional authentication required (acquirer-specific)'],
  ['B1', 'merchant_setup',          'acquirer', 'retry_later',           null, 4,    0, '0C', 'merchant_setup',              'Surcharge amount not permitted on this card'],
  ['B2', 'merchant_setup',          'acquirer', 'retry_later',           null, 4,    0, '0C', 'merchant_setup',              'Surcharge not supported by debit network issuer'],
  ['N0', 'network',                 'cashier',  'retry_now',             null, 4,    0, '13', 'try_again',                   'Force stand-in processing'],
  ['N3', 'issuer_decline',          'cashier',  'after_customer_action', null, 2,    0, '0C', 'cashback_refused',            'Cash service not available'],
  ['N4', 'insufficient_funds',      'cashier',  'after_customer_action', null, 2,    0, '0C', 'cashback_refused',            'Cash request exceeds issuer or approved limit'],
  ['N7', 'cardholder_verification', 'customer', 'after_customer_action', null, 3,    0, '07', 'verification_failed',         'Decline for CVV2 failure'],
  ['N8', 'merchant_setup',          'cashier',  'retry_now',             null, 4,    0, '07', 'invalid_amount',              'Amount exceeds pre-authorized approval amount'],
  ['P5', 'cardholder_verification', 'customer', 'after_customer_action', null, 4,    0, '07', 'cat.cardholder_verification', 'PIN change or unblock request declined'],
  ['P6', 'cardholder_verification', 'customer', 'after_customer_action', null, 4,    0, '07', 'cat.cardholder_verification', 'Unsafe PIN'],
  ['Q1', 'card_problem',            'customer', 'never_same_card',       null, 4,    0, '06', 'verification_failed',         'Card authentication failed'],
  ['R0', 'issuer_decline',          'customer', 'never_same_card',       null, 1,    0, '07', 'stop_payment',                'Stop payment order'],
  ['R1', 'issuer_decline',          'customer', 'never_same_card',       null, 1,    0, '07', 'stop_payment',                'Revocation of authorization order'],
  ['R3', 'issuer_decline',          'customer', 'never_same_card',       null, 1,    0, '07', 'stop_payment',                'Revocation of all authorizations order'],
  ['XA', 'network',                 'cashier',  'retry_now',             null, 4,    0, '13', 'issuer_unavailable',          'Forward to issuer (issuer unavailable)'],
  ['XD', 'network',                 'cashier',  'retry_now',             null, 4,    0, '13', 'issuer_unavailable',          'Forward to issuer (issuer unavailable)'],
  ['Y1', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',                'Offline approved (EMV terminal)'],
  ['Y2', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',                'Approved after card-initiated referral (EMV terminal-specific)'],
  ['Y3', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',                'Unable to go online, offline approved (EMV terminal)'],
  ['Z1', 'issuer_decline',          'customer', 'retry_later',           null, null, 0, '07', 'offline_declined',            'Offline declined (EMV terminal)'],
  ['Z2', 'issuer_decline',          'customer', 'retry_later',           null, null, 0, '07', 'offline_declined',            'Declined after card-initiated referral (EMV terminal-specific)'],
  ['Z3', 'network',                 'cashier',  'retry_now',             null, null, 0, '07', 'link_down',                   'Unable to go online, offline declined (EMV terminal)'],
  ['Z5', 'issuer_decline',          'customer', 'after_customer_action', null, 2,    0, '07', 'do_not_honour',               'Valid account, amount not supported'],
];

/**
 * Failures that never got a host response (agent/record.ts LOCAL_FAULTS). Stored with rc_source
 * 'local'. The second column is the code a display shows for it: the L_ names are ours and too
 * long for a 16-column title row ("TRY AGAIN TO", "ERROR MF"), so each has a two-letter terminal
 * code, as card terminals show their own error codes. The record keeps the L_ name.
 */
export type LocalRowSpec = readonly [code: string, display: string, ...RowRest];

/** A row spec's columns after the code. */
type RowRest = RowSpec extends readonly [string, ...infer Rest] ? Rest : never;

// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const LOCAL_CODES: readonly LocalRowSpec[] = [
  ['L_TIMEOUT',          'TO', 'network',                 'cashier',  'retry_later',           null, null, 0, '0E', 'host_timeout',       'No response from the host within the timeout; the module reverses the request'],
  ['L_LINK_DOWN',        'LK', 'network',                 'cashier',  'retry_now',             null, null, 0, '0F', 'link_down',          'Host link is down'],
  ['L_CARD_READ',        'RD', 'card_problem',            'cashier',  'retry_now',             null, null, 0, '06', 'card_read_error',    'Card could not be read (chip, stripe or contactless)'],
  ['L_CARD_REMOVED',     'RM', 'card_problem',            'customer', 'retry_now',             null, null, 0, '13', 'card_removed',       'Card removed before the transaction completed'],
  ['L_PIN_TIMEOUT',      'PT', 'cardholder_verification', 'customer', 'after_customer_action', null, null, 0, '13', 'pin_timeout',        'PIN entry timed out'],
  ['L_PIN_CANCEL',       'PC', 'cardholder_verification', 'customer', 'after_customer_action', null, null, 0, '07', 'customer_cancel',    'PIN entry cancelled by the cardholder'],
  ['L_MALFORMED',        'MF', 'system_fault',            'cashier',  'retry_later',           null, null, 0, '0F', 'malformed_response', 'Host response could not be decoded'],
  ['L_REVERSAL_PENDING', 'RV', 'system_fault',            'cashier',  'retry_later',           2,    null, 0, '0E', 'reversal_pending',   'A reversal is outstanding; outcome of the last payment unknown'],
  ['L_REVERSED',         'RS', 'network',                 'cashier',  'retry_now',             null, null, 0, '13', 'reversed',           'The payment that timed out was reversed: safe to try again'],
  ['L_REVERSAL_FAILED',  'RF', 'system_fault',            'cashier',  'never_same_card',       null, null, 0, '0F', 'reversal_failed',    'The reversal of a timed-out payment was refused: the customer may be charged'],
  ['L_APPROVED_LATE',    'AL', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'approved_late',      'The host approved the payment after the timeout: do not charge again'],
  ['L_DOUBLE_CHARGE',    'DC', 'system_fault',            'cashier',  'after_customer_action', null, null, 0, '0E', 'double_charge',      'Two approvals for the same card and amount within the window: possible double charge'],
];

/**
 * ISO 8583:1993 action codes (n3) with a 1987 equivalent (docs/sources.md §The 1993 to 1987 map:
 * a published map, our differences listed there). A mapped code takes the 1987 row's handling and
 * keeps its own 1993 meaning.
 */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const MAP_1993_TO_1987: Readonly<Record<string, string>> = {
  '000': '00',
  '001': '08',
  '002': '10',
  '003': '11',
  '004': '16',
  '006': '10',
  '007': '00',
  '100': '05',
  '101': '54',
  '102': '59',
  '103': '60',
  '104': '62',
  '105': '66',
  '106': '75',
  '107': '01',
  '108': '02',
  '109': '03',
  '110': '13',
  '111': '14',
  '113': '23',
  '114': '39',
  '115': '40',
  '116': '51',
  '117': '55',
  '118': '56',
  '119': '57',
  '120': '58',
  '121': '61',
  '122': '63',
  '123': '65',
  '124': '93',
  '200': '04',
  '201': '33',
  '202': '34',
  '203': '35',
  '204': '36',
  '205': '37',
  '206': '38',
  '207': '07',
  '208': '41',
  '209': '43',
  '902': '12',
  '903': '19',
  '904': '30',
  '905': '31',
  '906': '90',
  '907': '91',
  '908': '92',
  '909': '96',
  '911': '68',
  '913': '94',
  '915': '95',
  '923': '09',
};

/** ISO 8583:1993 action-code meanings (named codes only; the rest of each range is reserved). */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const MEANINGS_1993: Readonly<Record<string, string>> = {
  '000': 'Approved',
  '001': 'Honour with identification',
  '002': 'Approved for partial amount',
  '003': 'Approved (VIP)',
  '004': 'Approved, update track 3',
  '005': 'Approved, account type specified by card issuer',
  '006': 'Approved for partial amount, account type specified by card issuer',
  '007': 'Approved, update ICC',
  '100': 'Do not honour',
  '101': 'Expired card',
  '102': 'Suspected fraud',
  '103': 'Card acceptor contact acquirer',
  '104': 'Restricted card',
  '105': "Card acceptor call acquirer's security department",
  '106': 'Allowable PIN tries exceeded',
  '107': 'Refer to card issuer',
  '108': "Refer to card issuer's special conditions",
  '109': 'Invalid merchant',
  '110': 'Invalid amount',
  '111': 'Invalid card number',
  '112': 'PIN data required',
  '113': 'Unacceptable fee',
  '114': 'No account of type requested',
  '115': 'Requested function not supported',
  '116': 'Not sufficient funds',
  '117': 'Incorrect PIN',
  '118': 'No card record',
  '119': 'Transaction not permitted to cardholder',
  '120': 'Transaction not permitted to terminal',
  '121': 'Exceeds withdrawal amount limit',
  '122': 'Security violation',
  '123': 'Exceeds withdrawal frequency limit',
  '124': 'Violation of law',
  '125': 'Card not effective',
  '126': 'Invalid PIN block',
  '127': 'PIN length error',
  '128': 'PIN key synchronisation error',
  '129': 'Suspected counterfeit card',
  '200': 'Do not honour, pick up',
  '201': 'Expired card, pick up',
  '202': 'Suspected fraud, pick up',
  '203': 'Card acceptor contact acquirer, pick up',
  '204': 'Restricted card, pick up',
  '205': "Card acceptor call acquirer's security department, pick up",
  '206': 'Allowable PIN tries exceeded, pick up',
  '207': 'Special conditions, pick up',
  '208': 'Lost card, pick up',
  '209': 'Stolen card, pick up',
  '210': 'Suspected counterfeit card, pick up',
  '900': 'Advice acknowledged, no financial liability accepted',
  '901': 'Advice acknowledged, financial liability accepted',
  '902': 'Invalid transaction',
  '903': 'Re-enter transaction',
  '904': 'Format error',
  '905': 'Acquirer not supported by switch',
  '906': 'Cutover in process',
  '907': 'Card issuer or switch inoperative',
  '908': 'Transaction destination cannot be found for routing',
  '909': 'System malfunction',
  '910': 'Card issuer signed off',
  '911': 'Card issuer timed out',
  '912': 'Card issuer unavailable',
  '913': 'Duplicate transmission',
  '914': 'Not able to trace back to original transaction',
  '915': 'Reconciliation cutover or checkpoint error',
  '916': 'MAC incorrect',
  '917': 'MAC key synchronisation error',
  '918': 'No communication keys available for use',
  '919': 'Encryption key synchronisation error',
  '920': 'Security software error, try again',
  '921': 'Security software error, no action',
  '922': 'Message number out of sequence',
  '923': 'Request in progress',
  '950': 'Violation of business arrangement',
};

/** 1993 action codes with no 1987 equivalent in the map: their own handling. */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const ISO_1993_OWN: readonly RowSpec[] = [
  ['005', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',       MEANINGS_1993['005'] ?? ''],
  ['112', 'cardholder_verification', 'customer', 'after_customer_action', null, 3,    0, '09', 'chip_pin_required',  MEANINGS_1993['112'] ?? ''],
  ['125', 'card_problem',            'customer', 'after_customer_action', null, 4,    0, '04', 'card_not_active',    MEANINGS_1993['125'] ?? ''],
  ['126', 'system_fault',            'cashier',  'retry_now',             null, 4,    0, '0F', 'system_error',       MEANINGS_1993['126'] ?? ''],
  ['127', 'cardholder_verification', 'customer', 'after_customer_action', null, 4,    0, '0A', 'incorrect_pin',      MEANINGS_1993['127'] ?? ''],
  ['128', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',     MEANINGS_1993['128'] ?? ''],
  ['129', 'issuer_decline',          'cashier',  'never_same_card',       null, 4,    1, '07', 'security_decline',   MEANINGS_1993['129'] ?? ''],
  ['210', 'issuer_decline',          'cashier',  'never_same_card',       null, 4,    1, '07', 'pickup',             MEANINGS_1993['210'] ?? ''],
  ['900', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',       MEANINGS_1993['900'] ?? ''],
  ['901', 'approved',                'cashier',  'no_retry_needed',       null, null, 0, '03', 'cat.approved',       MEANINGS_1993['901'] ?? ''],
  ['910', 'network',                 'cashier',  'retry_now',             null, 4,    0, '13', 'issuer_unavailable', MEANINGS_1993['910'] ?? ''],
  ['912', 'network',                 'cashier',  'retry_now',             null, 4,    0, '13', 'issuer_unavailable', MEANINGS_1993['912'] ?? ''],
  ['914', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'system_error',       MEANINGS_1993['914'] ?? ''],
  ['916', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',     MEANINGS_1993['916'] ?? ''],
  ['917', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',     MEANINGS_1993['917'] ?? ''],
  ['918', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',     MEANINGS_1993['918'] ?? ''],
  ['919', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',     MEANINGS_1993['919'] ?? ''],
  ['920', 'system_fault',            'cashier',  'retry_now',             null, 4,    0, '0F', 'system_error',       MEANINGS_1993['920'] ?? ''],
  ['921', 'system_fault',            'acquirer', 'retry_later',           null, 4,    0, '0F', 'system_error',       MEANINGS_1993['921'] ?? ''],
  ['922', 'system_fault',            'cashier',  'retry_now',             null, 4,    0, '0F', 'system_error',       MEANINGS_1993['922'] ?? ''],
  ['950', 'merchant_setup',          'acquirer', 'retry_later',           null, 4,    0, '0F', 'merchant_setup',     MEANINGS_1993['950'] ?? ''],
];

/**
 * Handling for the unnamed (reserved, national, private) parts of the 1993 ranges: 000-099
 * approvals, 100-199 declines, 200-299 pick-up (sensitive), 900-999 system. Keyed by first digit.
 */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const RANGE_1993: Readonly<Record<string, RowSpec>> = {
  '0': ['0xx', 'approved',       'cashier', 'no_retry_needed', null, null, 0, '03', 'cat.approved',       'Approved (reserved range 000-099)'],
  '1': ['1xx', 'issuer_decline', 'cashier', 'retry_later',     null, 4,    0, '07', 'cat.issuer_decline', 'Declined (reserved range 100-199)'],
  '2': ['2xx', 'issuer_decline', 'cashier', 'never_same_card', null, 4,    1, '07', 'pickup',             'Declined, pick up (reserved range 200-299)'],
  '9': ['9xx', 'system_fault',   'cashier', 'retry_later',     null, 4,    0, '0F', 'cat.system_fault',   'System error (reserved range 900-999)'],
};

/** The safe generic row for codes not in the table. Customer text stays generic. */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const FALLBACK_SPEC: RowSpec = [
  '??',
  'unknown',
  'cashier',
  'retry_later',
  null,
  null,
  0,
  '07',
  'cat.unknown',
  'Unknown response code',
];

/**
 * Rows that differ between networks (76-78 and 85: docs/sources.md §Codes that differ between
 * networks). The default table follows Visa; an acquirer on Mastercard-style meanings passes
 * NETWORK_PROFILES.mastercard (or its own map) as overrides to createCodeTable. 'mastercard_eu_sca'
 * also turns 65 into the SCA soft decline.
 */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const NETWORK_PROFILES = {
  visa: {},
  mastercard: { '76': { category: 'card_problem', actor: 'customer', retry: 'after_customer_action', retryAfterMin: null, emvMessage: '07', textKey: 'no_account', meaning: 'Invalid or nonexistent "to" account (Mastercard)' }, '77': { category: 'card_problem', actor: 'customer', retry: 'after_customer_action', retryAfterMin: null, emvMessage: '07', textKey: 'no_account', meaning: 'Invalid or nonexistent "from" account (Mastercard)' }, '78': { category: 'card_problem', actor: 'customer', retry: 'never_same_card', retryAfterMin: null, emvMessage: '07', textKey: 'invalid_card', meaning: 'Invalid or nonexistent account (Mastercard)' }, '85': { category: 'approved', actor: 'cashier', retry: 'no_retry_needed', retryAfterMin: null, emvMessage: '03', textKey: 'cat.approved', meaning: 'Not declined: valid for account verification (Mastercard)' } },
  mastercard_eu_sca: { '65': { category: 'cardholder_verification', actor: 'customer', retry: 'after_customer_action', retryAfterMin: null, emvMessage: '0B', textKey: 'chip_pin_required', meaning: 'SCA soft decline: insert card and enter PIN (Mastercard Europe)' } },
} as const satisfies Record<string, Record<string, Record<string, unknown>>>;
