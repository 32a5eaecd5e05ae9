/**
 * Binary data: raw bytes, or written as hex characters in ASCII (jPOS IFA_BINARY) or in EBCDIC
 * (IFE_BINARY). One unit is one byte of data in all three; the hex forms take two bytes a unit.
 */
import { codePageIndex, ebcdicBytes, ebcdicToLatin1 } from './ebcdic.js';

const HEX = '0123456789ABCDEF';

/** Value of one ASCII hex character, or -1. */
export function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Value of one EBCDIC hex character (F0-F9, C1-C6, 81-86), or -1. */
export function ebcdicHexVal(b: number): number {
  if (b >= 0xf0 && b <= 0xf9) return b - 0xf0;
  if (b >= 0xc1 && b <= 0xc6) return b - 0xc1 + 10;
  if (b >= 0x81 && b <= 0x86) return b - 0x81 + 10;
  return -1;
}

/** Raw bytes as uppercase hex. */
export function hexOf(buf: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const b = buf[o + i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

/** Hex characters (2n bytes, ASCII or EBCDIC) as uppercase hex text. */
export function hexTextOf(buf: Uint8Array, o: number, n: number, ebcdic: boolean): string {
  let s = '';
  for (let i = 0; i < 2 * n; i++) {
    const b = buf[o + i]!;
    s += String.fromCharCode(ebcdic ? ebcdicToLatin1(b, 0) : b).toUpperCase();
  }
  return s;
}

/** Bytes written as uppercase hex characters in ASCII or EBCDIC. */
export function hexChars(bytes: Uint8Array, ebcdic: boolean): Buffer {
  const hex = Buffer.from(bytes).toString('hex').toUpperCase();
  return ebcdic ? ebcdicBytes(hex, codePageIndex('037'))! : Buffer.from(hex, 'latin1');
}
