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

export const ASCII_DIALECT: DialectDef = {
  name: 'ascii',
  description: 'ASCII fields and prefixes, binary bitmap (iso_8583 npm compatible)',
  mti: 'ascii',
  bitmap: 'binary',
  numeric: 'ascii',
  prefix: 'ascii',
  binary: 'binary',
  bcdPadFixed: 'left',
  bcdPadVariable: 'right',
  fields: ISO8583_1987_FIELDS,
  overrides: { 55: { type: 'b', encoding: 'binary' } },
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
};

export const BCD_DIALECT: DialectDef = {
  name: 'bcd',
  description: 'BCD MTI, numerics and prefixes, binary bitmap (jPOS ISO87BPackager, UnionPay-style)',
  mti: 'bcd',
  bitmap: 'binary',
  numeric: 'bcd',
  prefix: 'bcd',
  binary: 'binary',
  bcdPadFixed: 'left',
  bcdPadVariable: 'right',
  fields: ISO8583_1987_FIELDS,
  overrides: {
    55: { type: 'b', encoding: 'binary' },
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

/** Every built-in dialect by name: the one list the codec, a dialect file's `base` and the CLI read. */
export const DIALECT_DEFS = {
  ascii: ASCII_DIALECT,
  'ascii-hex': ASCII_HEX_DIALECT,
  bcd: BCD_DIALECT,
  'iso93-ascii': ISO93_ASCII_DIALECT,
  'iso93-bcd': ISO93_BCD_DIALECT,
} as const satisfies Record<string, DialectDef>;

export type DialectName = keyof typeof DIALECT_DEFS;

/** The built-in dialects' names, in the order of DIALECT_DEFS. */
export const DIALECT_NAMES = Object.keys(DIALECT_DEFS) as [DialectName, ...DialectName[]];

export const DIALECTS: Readonly<Record<DialectName, CompiledDialect>> = Object.fromEntries(
  DIALECT_NAMES.map((n) => [n, compileDialect(DIALECT_DEFS[n])]),
) as Record<DialectName, CompiledDialect>;

export function isDialectName(name: string): name is DialectName {
  return Object.hasOwn(DIALECTS, name);
}
