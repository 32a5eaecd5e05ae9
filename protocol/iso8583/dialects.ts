/**
 * Built-in dialects. Each is pure data: encoding choices over a field table, ISO 8583:1987
 * (fields-1987.ts) or ISO 8583:1993 (fields-1993.ts).
 * - `ascii`: ASCII MTI and fields, binary bitmap, ASCII LL/LLL prefixes, raw binary fields, field 55
 *   as raw bytes (EMV TLV). Byte-compatible with the `iso_8583` npm package for the fields both
 *   define the same way.
 * - `ascii-hex`: jPOS ISO87APackager: as `ascii` but hex-ASCII bitmaps and binary fields as hex-ASCII,
 *   field 55 as text.
 * - `bcd`: jPOS ISO87BPackager, UnionPay-style: BCD MTI, numerics and length prefixes, binary bitmap,
 *   ASCII text fields, raw binary fields; field 55 raw bytes (LLLBINARY). Links usually wrap it in a
 *   2-byte length and a 5-byte TPDU (see protocol/framing).
 * - `iso93-ascii`, `iso93-bcd`: the encoding choices of `ascii` and `bcd` over the 1993 table
 *   (MTIs 1xxx, a three-digit action code in field 39). 1993 field 72 (data record) can carry
 *   card-file records, so it is secret there; the other card-data fields mean the same in both.
 */
import { ISO8583_1987_FIELDS } from './fields-1987.js';
import { ISO8583_1993_FIELDS } from './fields-1993.js';
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

/** Every built-in dialect by its name: the one list the codec, a dialect file's `base` and the CLI read. */
export const DIALECT_DEFS = {
  'iso87-ascii': ASCII_DIALECT,
  'ascii-hex': ASCII_HEX_DIALECT,
  'iso87-bcd': BCD_DIALECT,
  'iso93-ascii': ISO93_ASCII_DIALECT,
  'iso93-bcd': ISO93_BCD_DIALECT,
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

/** Compiled built-in dialects by name and alias (an alias is the same object). */
export const DIALECTS: Readonly<Record<DialectName, CompiledDialect>> = Object.fromEntries(
  DIALECT_NAMES.map((n) => {
    const def = dialectDefOf(n);
    let c = COMPILED.get(def);
    if (!c) COMPILED.set(def, (c = compileDialect(def)));
    return [n, c];
  }),
) as Record<DialectName, CompiledDialect>;

export function isDialectName(name: string): name is DialectName {
  return Object.hasOwn(DIALECTS, name);
}
