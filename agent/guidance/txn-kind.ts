/**
 * What kind of sale a record was, for the contact-issuer script: the transaction type from the
 * MTI and the processing code (field 3), and how the card was read from the POS entry mode
 * (field 22). The issuer's agent asks for both ("was it a purchase? chip or contactless?").
 * Data: catalog keys by code, one row per line; docs/guidance.md §Contact-issuer script lists them.
 * A code not in a table gives null, and the script prints the raw code instead.
 */

/** Field 3 positions 1-2 (transaction type, ISO 8583:1987) → catalog key. */
// prettier-ignore
const PROCESSING_TYPE: Readonly<Record<string, string>> = {
  '00': 'txn.purchase',     // goods and services
  '01': 'txn.cash_advance', // cash
  '09': 'txn.cashback',     // goods and services with cash back
  '20': 'txn.refund',       // returns (credit to the card)
};

/** Field 22 positions 1-2 (PAN entry mode) → catalog key. */
// prettier-ignore
const PAN_ENTRY: Readonly<Record<string, string>> = {
  '01': 'entry.manual',      // key entered
  '02': 'entry.magstripe',   // magnetic stripe, track data not guaranteed
  '05': 'entry.chip',        // integrated circuit card (contact)
  '07': 'entry.contactless', // contactless chip
  '80': 'entry.fallback',    // chip could not be read: magnetic stripe instead
  '90': 'entry.magstripe',   // magnetic stripe, full track read
  '91': 'entry.contactless', // contactless, magnetic-stripe data
};

/**
 * Catalog key of the transaction type, or null when the codes say nothing we know. An MTI of
 * class x4xx is a reversal whatever field 3 says; class x1xx (authorization only) of a purchase is
 * a pre-authorization.
 */
export function transactionKey(mti: string | null, processingCode: string | null): string | null {
  const cls = mti && /^\d{4}$/.test(mti) ? mti[1] : null;
  if (cls === '4') return 'txn.reversal';
  const type = processingCode && /^\d{6}$/.test(processingCode) ? processingCode.slice(0, 2) : null;
  const key = type ? (PROCESSING_TYPE[type] ?? null) : null;
  if (key === 'txn.purchase' && cls === '1') return 'txn.preauth';
  return key;
}

/** Catalog key of the card entry mode (field 22, n3 or n4), or null when unknown. */
export function entryModeKey(entryMode: string | null): string | null {
  if (!entryMode || !/^\d{2,4}$/.test(entryMode)) return null;
  return PAN_ENTRY[entryMode.slice(0, 2)] ?? null;
}
