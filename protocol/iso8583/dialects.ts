/**
 * Built-in dialects. Each is pure data: encoding choices over the ISO 8583:1987 field table.
 * - `ascii`: ASCII MTI and fields, binary bitmap, ASCII LL/LLL prefixes, raw binary fields, field 55
 *   as raw bytes (EMV TLV). Byte-compatible with the `iso_8583` npm package for the fields both
 *   define the same way.
 * - `ascii-hex`: jPOS ISO87APackager: as `ascii` but hex-ASCII bitmaps and binary fields as hex-ASCII,
 *   field 55 as text.
 * - `bcd`: jPOS ISO87BPackager, UnionPay-style: BCD MTI, numerics and length prefixes, binary bitmap,
 *   ASCII text fields, raw binary fields; field 55 raw bytes (LLLBINARY). Links usually wrap it in a
 *   2-byte length and a 5-byte TPDU (see protocol/framing).
 */
import { ISO8583_1987_FIELDS } from './fields-1987.js';
import { compileDialect, type CompiledDialect, type DialectDef } from './spec.js';

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

export const DIALECTS = {
  ascii: compileDialect(ASCII_DIALECT),
  'ascii-hex': compileDialect(ASCII_HEX_DIALECT),
  bcd: compileDialect(BCD_DIALECT),
} as const satisfies Record<string, CompiledDialect>;

export type DialectName = keyof typeof DIALECTS;

export function isDialectName(name: string): name is DialectName {
  return Object.hasOwn(DIALECTS, name);
}
