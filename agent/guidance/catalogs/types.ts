/**
 * Shape of a built-in message catalog (one JSON file per language beside this one, read by
 * built-in.ts; test/guidance/catalog.test.ts checks each file against it).
 *
 * entries: guidance per text key (a response-code row's `textKey`, a category `cat.<id>`, or
 *   `stop_retrying`). `cashier` is the explanation on the detail pages (one or two short
 *   sentences), `customer` what to tell the customer, `steps` the cashier's next steps, `title` a
 *   short reason used in lists and the contact-issuer script. The glance page (the first page of
 *   a failure screen) takes the short forms: `action` (what to do, at most 16 columns, wide
 *   characters counting two, so it fits one line of a 16x2 LCD; not repeating the status) and
 *   `reason` (at most 20 columns; only where `title` is longer, which it then stands in for).
 *   `status` replaces the EMV standard message in the title row where that message would be
 *   wrong (a cancel is not a decline). Entries for sensitive reasons have no `customer` text: the
 *   customer always gets `common.customer_declined`.
 * strings: everything else (EMV standard messages `emv.XX`, script and label texts).
 *   `emv.XX.short` (optional) is the status word for a title row too narrow for `emv.XX` and the
 *   code: at most 12 columns (a 16-column row, a space and a 3-digit code).
 *
 * Flattened catalog keys: `${key}.title`, `${key}.reason` and `${key}.status` (only where given:
 * the glance page shows the title where there is no reason), `${key}.action`, `${key}.cashier`, `${key}.customer`,
 * `${key}.steps` (steps joined with "\n"), plus the strings as they are. Merchant overrides use
 * the same keys.
 */
export interface Entry {
  title: string;
  /** Short reason for the glance page (at most 20 columns), where `title` is longer. */
  reason?: string;
  /** What to do, for the glance page: at most 16 columns. */
  action: string;
  /** Status word for the title row instead of the EMV message (e.g. CANCELLED). */
  status?: string;
  cashier: string;
  customer?: string;
  steps: readonly string[];
}

export interface CatalogData {
  lang: string;
  /** Decimal separator for amounts in this language. */
  decimalSeparator: string;
  entries: Readonly<Record<string, Entry>>;
  strings: Readonly<Record<string, string>>;
}

/** Keys every built-in catalog must provide in `strings` (tests check it). */
export const STRING_KEYS = [
  'common.customer_declined',
  'emv.01',
  'emv.02',
  'emv.03',
  'emv.04',
  'emv.05',
  'emv.06',
  'emv.07',
  'emv.08',
  'emv.09',
  'emv.0A',
  'emv.0B',
  'emv.0C',
  'emv.0D',
  'emv.0E',
  'emv.0F',
  'emv.10',
  'emv.11',
  'emv.12',
  'emv.13',
  'emv.14',
  'script.title',
  'script.ask.decline',
  'script.ask.referral',
  'script.ask.technical',
  'script.closing',
  'label.time_local',
  'label.time_utc',
  'label.merchant',
  'label.merchant_id',
  'label.terminal_id',
  'label.amount',
  'label.card',
  'label.stan',
  'label.rrn',
  'label.auth_code',
  'label.response_code',
  'label.transaction',
  'label.entry_mode',
  'label.acquirer',
  'txn.purchase',
  'txn.preauth',
  'txn.cash_advance',
  'txn.cashback',
  'txn.refund',
  'txn.reversal',
  'entry.chip',
  'entry.contactless',
  'entry.magstripe',
  'entry.manual',
  'entry.fallback',
] as const;
