/**
 * ASCII: digits 30-39, text as single bytes (Latin-1, so a byte value round-trips whatever it is).
 * The codec's default character set; one module so that ASCII and EBCDIC fields go through the
 * same shape of helper.
 */

export const ASCII_ZERO = 0x30;
export const ASCII_SPACE = 0x20;

/** The digit value of an ASCII byte, or -1. */
export function asciiDigit(b: number): number {
  const d = b - ASCII_ZERO;
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * ASCII (Latin-1) bytes to a string, made in one piece: adding a character at a time made a string
 * per character (a 12-character RRN, 12 strings), garbage on every approval's ledger entry.
 */
export function asciiText(buf: Uint8Array, o: number, n: number): string {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.toString('latin1', o, o + n);
}

/** A string of single-byte characters to bytes; null when a character is above U+00FF. */
export function asciiBytes(s: string): Buffer | null {
  const out = Buffer.alloc(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) return null;
    out[i] = c;
  }
  return out;
}
