/**
 * Built-in subfield specs a dialect (or a dialect file, by name) can give a composite field:
 * - `mastercard-de48`: Mastercard DE 48, a transaction category code then subelements with 2-digit
 *   ids and 2-digit lengths. Field 48 is secret (subelement 92 is the CVC2); the subelements named
 *   public here carry no card data and may be read (84, the merchant advice code, is what the
 *   pipeline reads);
 * - `emv-ber`: EMV data in BER-TLV (field 55); its tags leave only through the safe-tag filter,
 *   and the card-data tags (tracks, PAN, name, expiry, PIN data) are secret wherever it is used.
 * Only this module marks a subfield of a secret field public: a dialect file cannot.
 */
import type { CompositeSpec } from './composite.js';

export const SUBFIELD_PRESETS = {
  'mastercard-de48': {
    kind: 'tlv',
    format: 'ascii',
    tagLength: 2,
    lengthDigits: 2,
    lead: 1,
    leadName: 'Transaction category code',
    tags: {
      '42': { name: 'Electronic commerce indicators', public: true },
      '43': { name: 'Universal cardholder authentication field', sensitivity: 'secret' },
      '61': { name: 'POS data, extended condition codes', public: true },
      '63': { name: 'Trace ID', public: true },
      '84': { name: 'Merchant advice code', public: true },
      '92': { name: 'CVC 2', sensitivity: 'secret' },
    },
  },
  'emv-ber': {
    kind: 'tlv',
    format: 'ber',
    // names for the explain view; in field 55 values leave only through the safe-tag filter
    // (tlv.ts SAFE_EMV_LENGTHS), and card-data tags stay secret wherever BER-TLV is read
    tags: {
      '4F': { name: 'Application identifier (AID)' },
      '50': { name: 'Application label' },
      '56': { name: 'Track 1 equivalent data', sensitivity: 'secret' },
      '57': { name: 'Track 2 equivalent data', sensitivity: 'secret' },
      '5A': { name: 'Application PAN', sensitivity: 'secret' },
      '5F20': { name: 'Cardholder name', sensitivity: 'secret' },
      '5F24': { name: 'Application expiration date', sensitivity: 'secret' },
      '5F2A': { name: 'Transaction currency code' },
      '5F2D': { name: 'Language preference' },
      '82': { name: 'Application interchange profile' },
      '84': { name: 'Dedicated file name' },
      '8A': { name: 'Authorisation response code' },
      '91': { name: 'Issuer authentication data' },
      '95': { name: 'Terminal verification results' },
      '99': { name: 'Transaction PIN data', sensitivity: 'secret' },
      '9A': { name: 'Transaction date' },
      '9B': { name: 'Transaction status information' },
      '9C': { name: 'Transaction type' },
      '9F02': { name: 'Amount, authorised' },
      '9F0B': { name: 'Cardholder name extended', sensitivity: 'secret' },
      '9F12': { name: 'Application preferred name' },
      '9F1F': { name: 'Track 1 discretionary data', sensitivity: 'secret' },
      '9F20': { name: 'Track 2 discretionary data', sensitivity: 'secret' },
      '9F26': { name: 'Application cryptogram' },
      '9F27': { name: 'Cryptogram information data' },
      '9F34': { name: 'CVM results' },
      '9F36': { name: 'Application transaction counter' },
      '9F6B': { name: 'Track 2 data (contactless)', sensitivity: 'secret' },
    },
  },
} as const satisfies Record<string, CompositeSpec>;

export type SubfieldPresetName = keyof typeof SUBFIELD_PRESETS;
export const SUBFIELD_PRESET_NAMES = Object.keys(SUBFIELD_PRESETS) as [
  SubfieldPresetName,
  ...SubfieldPresetName[],
];
