/**
 * Length prefixes: the count of a variable field's units written before it, as 1 to 6 decimal
 * digits (L .. LLLLLL) in ASCII, EBCDIC or BCD, or as a binary count of 1 byte (to 255) or 2 bytes
 * (to 65535). `digits` is the number of L's; a binary prefix of 1-2 L's takes one byte, 3-4 two.
 */
import { ASCII_ZERO } from './ascii.js';
import { bcdPack } from './bcd.js';
import { EBCDIC_ZERO } from './ebcdic.js';

export type PrefixEncoding = 'ascii' | 'ebcdic' | 'bcd' | 'binary';
/** Number of L's: 0 fixed length, 1..6 variable. */
export type PrefixDigits = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Codes of the compiled form (3 bits in the packed field word). */
export const PFX_ASCII = 1;
export const PFX_BCD = 2;
export const PFX_BINARY = 3;
export const PFX_EBCDIC = 4;

export function prefixCode(e: PrefixEncoding): number {
  return e === 'ascii' ? PFX_ASCII : e === 'bcd' ? PFX_BCD : e === 'binary' ? PFX_BINARY : PFX_EBCDIC;
}

/** Bytes a prefix of `digits` L's takes in encoding `e` (0 for a fixed field). */
export function prefixByteCount(e: PrefixEncoding, digits: number): number {
  if (digits === 0) return 0;
  if (e === 'bcd') return (digits + 1) >> 1;
  if (e === 'binary') return digits <= 2 ? 1 : 2;
  return digits;
}

/** Largest length a prefix can state. */
export function prefixMax(e: PrefixEncoding, digits: number): number {
  if (e === 'binary') return digits <= 2 ? 255 : 65535;
  return 10 ** digits - 1;
}

/**
 * Reads a prefix of `pb` bytes at p in encoding code `pe`: the length, or -1 when it is not a
 * number. The caller has checked that the bytes are there. No allocation (decoder hot path).
 */
export function readPrefix(pe: number, buf: Uint8Array, p: number, pb: number): number {
  let n = 0;
  if (pe === PFX_ASCII || pe === PFX_EBCDIC) {
    const zero = pe === PFX_ASCII ? ASCII_ZERO : EBCDIC_ZERO;
    for (let i = 0; i < pb; i++) {
      const c = buf[p + i]! - zero;
      if (c < 0 || c > 9) return -1;
      n = n * 10 + c;
    }
  } else if (pe === PFX_BCD) {
    for (let i = 0; i < pb; i++) {
      const b = buf[p + i]!;
      const hi = b >> 4;
      const lo = b & 15;
      if (hi > 9 || lo > 9) return -1;
      n = n * 100 + hi * 10 + lo;
    }
  } else {
    for (let i = 0; i < pb; i++) n = n * 256 + buf[p + i]!;
  }
  return n;
}

/** The prefix bytes for a length (the caller checked it fits). */
export function writePrefix(e: PrefixEncoding, digits: number, units: number): Buffer {
  if (digits === 0) return Buffer.alloc(0);
  const pb = prefixByteCount(e, digits);
  if (e === 'binary') {
    const out = Buffer.alloc(pb);
    if (pb === 1) out[0] = units;
    else out.writeUInt16BE(units);
    return out;
  }
  if (e === 'bcd') return bcdPack(String(units).padStart(pb * 2, '0'), 'left', '0')!;
  const text = String(units).padStart(digits, '0');
  const zero = e === 'ascii' ? ASCII_ZERO : EBCDIC_ZERO;
  return Buffer.from(Array.from(text, (c) => zero + c.charCodeAt(0) - 48));
}
