/**
 * Built-in subfield specs a dialect (or a dialect file, by name) can give a composite field:
 * - `mastercard-de48`: Mastercard DE 48, a transaction category code then subelements with 2-digit
 *   ids and 2-digit lengths. Field 48 is secret (subelement 92 is the CVC2); the subelements named
 *   public here carry no card data and may be read (84, the merchant advice code, is what the
 *   pipeline reads);
 * - `emv-ber`: EMV data in BER-TLV (field 55); its tags leave only through the safe-tag filter.
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
  'emv-ber': { kind: 'tlv', format: 'ber' },
} as const satisfies Record<string, CompositeSpec>;

export type SubfieldPresetName = keyof typeof SUBFIELD_PRESETS;
export const SUBFIELD_PRESET_NAMES = Object.keys(SUBFIELD_PRESETS) as [
  SubfieldPresetName,
  ...SubfieldPresetName[],
];
