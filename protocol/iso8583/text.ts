/**
 * A field's or subfield's bytes as a string, by its packed spec word: text as is (EBCDIC through
 * its code page), digits as digits, binary as uppercase hex. No card-data rules here: the view and
 * the subfield reader apply them before calling this. Allocates the string (not the hot path).
 */
import { asciiText } from './encodings/ascii.js';
import { bcdText } from './encodings/bcd.js';
import { hexOf, hexTextOf } from './encodings/binary.js';
import { ebcdicText } from './encodings/ebcdic.js';
import {
  byteLen,
  ENC_ASCII,
  ENC_BCD,
  ENC_BINARY,
  ENC_EBCDIC,
  ENC_EBCDIC_HEX,
  ENC_HEX,
  ENC_XN_BCD,
  PK_PAD_LEFT,
} from './spec.js';

export function rawText(word: number, cpIndex: number, buf: Uint8Array, o: number, units: number): string {
  const e = word & 7;
  const padLeft = (word & PK_PAD_LEFT) !== 0;
  switch (e) {
    case ENC_ASCII:
      return asciiText(buf, o, units);
    case ENC_EBCDIC:
      return ebcdicText(buf, o, units, cpIndex);
    case ENC_HEX:
      return hexTextOf(buf, o, units, false);
    case ENC_EBCDIC_HEX:
      return hexTextOf(buf, o, units, true);
    case ENC_BINARY:
      return hexOf(buf, o, byteLen(e, units));
    case ENC_BCD:
      return bcdText(buf, o, units, padLeft);
    case ENC_XN_BCD:
      // an empty variable amount has no sign byte: read nothing
      if (units === 0) return '';
      return String.fromCharCode(buf[o]!) + bcdText(buf, o + 1, units - 1, padLeft);
    default:
      return '';
  }
}
