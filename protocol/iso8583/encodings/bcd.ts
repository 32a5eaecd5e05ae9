/**
 * Packed BCD: two digits a byte. An odd number of digits leaves one nibble over: right-justified
 * values (pad "left") put it first, left-justified ones (pad "right") last, and hosts fill it with
 * 0 or F. The decoder accepts either fill (what jPOS and most hosts do); the encoder writes the
 * dialect's. Track data (type z) writes the separator '=' as nibble D.
 */

export type BcdPad = 'left' | 'right';
export type BcdFill = '0' | 'F';

/** Bytes taken by `digits` BCD digits. */
export function bcdByteLength(digits: number): number {
  return (digits + 1) >> 1;
}

const NIBBLE_CHARS = '0123456789ABC=EF';

/** `n` digits from buf at o ('=' for the track separator nibble D). */
export function bcdText(buf: Uint8Array, o: number, n: number, padLeft: boolean): string {
  let s = '';
  let nib = padLeft && (n & 1) === 1 ? 1 : 0;
  for (let i = 0; i < n; i++, nib++) {
    const b = buf[o + (nib >> 1)]!;
    s += NIBBLE_CHARS[(nib & 1) === 0 ? b >> 4 : b & 15]!;
  }
  return s;
}

/** The nibble of one character: a digit, or D for '=' / 'D' (track data); -1 otherwise. */
export function bcdNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c === 61 || c === 68) return 13;
  return -1;
}

/** Packs digits; null when a character is not a BCD digit. */
export function bcdPack(digits: string, pad: BcdPad, fill: BcdFill): Buffer | null {
  const odd = digits.length % 2 === 1;
  const out = Buffer.alloc(bcdByteLength(digits.length));
  const f = fill === 'F' ? 15 : 0;
  let nib = 0;
  if (odd && pad === 'left') {
    out[0] = f << 4;
    nib = 1;
  }
  for (let i = 0; i < digits.length; i++, nib++) {
    const v = bcdNibble(digits.charCodeAt(i));
    if (v < 0) return null;
    out[nib >> 1]! |= (nib & 1) === 0 ? v << 4 : v;
  }
  if (odd && pad === 'right') out[out.length - 1]! |= f;
  return out;
}
