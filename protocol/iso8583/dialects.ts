/**
 * Built-in dialects. Each is pure data: encoding choices over a field table, ISO 8583:1987
 * (fields-1987.ts) or ISO 8583:1993 (fields-1993.ts).
 * - `iso87-ascii` (`ascii`): ASCII MTI and fields, binary bitmap, ASCII LL/LLL prefixes, raw binary fields, field 55
 *   as raw bytes (EMV TLV). Byte-compatible with the `iso_8583` npm package for the fields both
 *   define the same way.
 * - `ascii-hex`: jPOS ISO87APackager: as `ascii` but hex-ASCII bitmaps and binary fields as hex-ASCII,
 *   field 55 as text.
 * - `iso87-bcd` (`bcd`): jPOS ISO87BPackager, UnionPay-style: BCD MTI, numerics and length prefixes, binary bitmap,
 *   ASCII text fields, raw binary fields; field 55 raw bytes (LLLBINARY). Links usually wrap it in a
 *   2-byte length and a 5-byte TPDU (see protocol/framing).
 * - `iso93-ascii`, `iso93-bcd`: the encoding choices of `ascii` and `bcd` over the 1993 table
 *   (MTIs 1xxx, a three-digit action code in field 39). 1993 field 72 (data record) can carry
 *   card-file records, so it is secret there; the other card-data fields mean the same in both.
 * - `iso2003-binary`: the 2003 table (fields-2003.ts) in BCD and raw binary with BCD prefixes.
 * - `base24`: ACI BASE24 over the 1987 table, ASCII with hex bitmap and binary fields.
 * - `base1`: Visa Base I (fields-base1.ts): BCD, EBCDIC text, 1-byte binary length prefixes.
 * `iso87-ascii` and `iso87-bcd` were first called `ascii` and `bcd`: those names stay as aliases.
 */
import { ISO8583_1987_FIELDS } from './fields-1987.js';
import { ISO8583_1993_FIELDS } from './fields-1993.js';
import { ISO8583_2003_FIELDS } from './fields-2003.js';
import { BASE1_ENCODINGS, BASE1_FIELDS, BASE1_SUBFIELDS } from './fields-base1.js';
import { compileDialect, type CompiledDialect, type DialectDef, type FieldSpec } from './spec.js';
import { SUBFIELD_PRESETS } from './subfield-presets.js';

/** Mastercard DE 48 subelements (subfield-presets.ts) on field 48 of the ISO 87 and 93 dialects. */
const DE48: Partial<FieldSpec> = { subfields: SUBFIELD_PRESETS['mastercard-de48'] };
/** Field 55 as BER-TLV where it is raw bytes. */
const EMV55: Partial<FieldSpec> = { type: 'b', encoding: 'binary', subfields: SUBFIELD_PRESETS['emv-ber'] };

export const ASCII_DIALECT: DialectDef = {
  name: 'iso87-ascii',
  description: 'ISO 8583:1987; ASCII fields and prefixes, binary bitmap (iso_8583 npm compatible)',
  mti: 'ascii',
  bitmap: 'binary',
  numeric: 'ascii',
  prefix: 'ascii',
  binary: 'binary',
  bcdPadFixed: 'left',
  bcdPadVariable: 'right',
  fields: ISO8583_1987_FIELDS,
  overrides: { 48: DE48, 55: EMV55 },
};

export const ASCII_HEX_DIALECT: DialectDef = {
  name: 'ascii-hex',
  description: 'ASCII fields and prefixes, hex-ASCII bitmap and binary fields (jPOS ISO87APackager)',
  mti: 'ascii',
  bitmap: 'hex',
  numeric: 'ascii',
  prefix: 'ascii',
  binary: 'hex',
  bcdPadFixed: 'left',
  bcdPadVariable: 'right',
  fields: ISO8583_1987_FIELDS,
  overrides: { 48: DE48 },
};

export const BCD_DIALECT: DialectDef = {
  name: 'iso87-bcd',
  description:
    'ISO 8583:1987; BCD MTI, numerics and prefixes, binary bitmap (jPOS ISO87BPackager, UnionPay-style)',
  mti: 'bcd',
  bitmap: 'binary',
  numeric: 'bcd',
  prefix: 'bcd',
  binary: 'binary',
  bcdPadFixed: 'left',
  bcdPadVariable: 'right',
  fields: ISO8583_1987_FIELDS,
  overrides: {
    48: DE48,
    55: EMV55,
    // jPOS IFB_AMOUNT with pad=false
    97: { pad: 'right' },
  },
};

/** 1993 card data beyond DEFAULT_SENSITIVITY (docs/codec.md §Card data in 1993). */
const ISO93_SENSITIVITY: Readonly<Record<number, Partial<FieldSpec>>> = {
  72: { sensitivity: 'secret' }, // data record: file-update records may hold PANs
};

export const ISO93_ASCII_DIALECT: DialectDef = {
  ...ASCII_DIALECT,
  name: 'iso93-ascii',
  description: 'ISO 8583:1993 fields; ASCII fields and prefixes, binary bitmap',
  fields: ISO8583_1993_FIELDS,
  overrides: { ...ASCII_DIALECT.overrides, ...ISO93_SENSITIVITY },
};

export const ISO93_BCD_DIALECT: DialectDef = {
  ...BCD_DIALECT,
  name: 'iso93-bcd',
  description: 'ISO 8583:1993 fields; BCD MTI, numerics and prefixes, binary bitmap',
  fields: ISO8583_1993_FIELDS,
  overrides: { ...BCD_DIALECT.overrides, ...ISO93_SENSITIVITY },
};

export const ISO2003_BINARY_DIALECT: DialectDef = {
  name: 'iso2003-binary',
  description: 'ISO 8583:2003 fields; BCD MTI, numerics (right-padded) and prefixes, ASCII text, raw binary',
  mti: 'bcd',
  bitmap: 'binary',
  numeric: 'bcd',
  prefix: 'bcd',
  binary: 'binary',
  bcdPadFixed: 'right',
  bcdPadVariable: 'right',
  fields: ISO8583_2003_FIELDS,
  overrides: {
    ...ISO93_SENSITIVITY,
    // 2003 field 34 is electronic commerce data (cryptograms, tokens): withheld, not a PAN to mask
    34: { sensitivity: 'secret' },
    55: EMV55,
  },
};

/** BASE24 (ACI) over the 1987 layout: jPOS's BASE24 packager's lengths and hex forms. */
export const BASE24_DIALECT: DialectDef = {
  ...ASCII_HEX_DIALECT,
  name: 'base24',
  description: 'BASE24: ISO 8583:1987 in ASCII, hex bitmap and binary fields, BASE24 private fields 121-127',
  overrides: {
    41: { length: 16 },
    55: { type: 'ans', encoding: 'ascii' },
    96: { length: 8 },
    121: { name: 'BASE24-POS Authorization Indicators', length: 23 },
    122: { name: 'Card Issuer Identification Code', type: 'n', length: 14 },
    123: { name: 'Cryptographic Service Message', length: 153 },
    124: { name: 'Deposit Type or Batch/Shift Data', length: 12 },
    125: { name: 'ATM Account Indicator or POS Settlement Data', length: 15 },
    127: { name: 'BASE24-POS User Data', length: 99, prefix: 2 },
  },
};

/** Visa Base I: BCD numerics, EBCDIC text, 1-byte binary length prefixes (fields-base1.ts). */
export const BASE1_DIALECT: DialectDef = {
  name: 'base1',
  description:
    'Visa Base I: BCD MTI and numerics, EBCDIC (code page 037) text, binary bitmap and 1-byte lengths',
  mti: 'bcd',
  bitmap: 'binary',
  numeric: 'bcd',
  text: 'ebcdic',
  prefix: 'binary',
  binary: 'binary',
  bcdPadFixed: 'left',
  bcdPadVariable: 'left',
  codePage: '037',
  fields: BASE1_FIELDS,
  overrides: {
    ...BASE1_ENCODINGS,
    55: EMV55,
    126: { subfields: BASE1_SUBFIELDS[126]! },
    127: { subfields: BASE1_SUBFIELDS[127]! },
  },
};

/** Every built-in dialect by its name: the one list the codec, a dialect file's `base` and the CLI read. */
export const DIALECT_DEFS = {
  'iso87-ascii': ASCII_DIALECT,
  'ascii-hex': ASCII_HEX_DIALECT,
  'iso87-bcd': BCD_DIALECT,
  'iso93-ascii': ISO93_ASCII_DIALECT,
  'iso93-bcd': ISO93_BCD_DIALECT,
  'iso2003-binary': ISO2003_BINARY_DIALECT,
  base24: BASE24_DIALECT,
  base1: BASE1_DIALECT,
} as const satisfies Record<string, DialectDef>;

/** The names the first dialects had, kept as aliases. */
export const DIALECT_ALIASES = {
  ascii: 'iso87-ascii',
  bcd: 'iso87-bcd',
} as const satisfies Record<string, keyof typeof DIALECT_DEFS>;

export type DialectName = keyof typeof DIALECT_DEFS | keyof typeof DIALECT_ALIASES;

/** The built-in dialects' names, then the aliases. */
export const DIALECT_NAMES = [...Object.keys(DIALECT_DEFS), ...Object.keys(DIALECT_ALIASES)] as [
  DialectName,
  ...DialectName[],
];

/** The definition behind a name or alias. */
export function dialectDefOf(name: DialectName): DialectDef {
  return Object.hasOwn(DIALECT_ALIASES, name)
    ? DIALECT_DEFS[DIALECT_ALIASES[name as keyof typeof DIALECT_ALIASES]]
    : DIALECT_DEFS[name as keyof typeof DIALECT_DEFS];
}

const COMPILED = new Map<DialectDef, CompiledDialect>();

/**
 * Compiled built-in dialects by name and alias (an alias is the same object). Each is compiled on
 * its first use, then kept as a plain property: `run` starts with one of the eight, and compiling
 * them all took ~5 ms of its start-up (docs/startup.md). Object.keys and Object.values see all.
 */
export const DIALECTS = {} as Readonly<Record<DialectName, CompiledDialect>>;
for (const n of DIALECT_NAMES) {
  Object.defineProperty(DIALECTS, n, {
    enumerable: true,
    configurable: true,
    get(): CompiledDialect {
      const def = dialectDefOf(n);
      let c = COMPILED.get(def);
      if (!c) COMPILED.set(def, (c = compileDialect(def)));
      Object.defineProperty(DIALECTS, n, {
        value: c,
        enumerable: true,
        writable: false,
        configurable: false,
      });
      return c;
    },
  });
}

export function isDialectName(name: string): name is DialectName {
  return Object.hasOwn(DIALECTS, name);
}
