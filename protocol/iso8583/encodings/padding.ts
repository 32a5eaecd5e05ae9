/**
 * Padding of fixed-length values shorter than their field: numerics are right-justified with
 * zeros, text left-justified with spaces, unless a field says otherwise (`padding`). The decoder
 * returns what is on the wire, padding included; this is for the encoder. BCD's odd nibble is the
 * BCD module's business (bcd.ts), not this.
 */

export type PadSide = 'left' | 'right' | 'none';

export interface Padding {
  side: PadSide;
  /** One character, e.g. '0' or ' '. */
  char: string;
}

/** The padding a fixed field of this content type gets unless its spec names one. */
export function defaultPadding(type: string): Padding {
  return type === 'n' ? { side: 'left', char: '0' } : { side: 'right', char: ' ' };
}

/** Pads `value` to `length` characters; `none` leaves it (the encoder then refuses a short value). */
export function pad(value: string, length: number, p: Padding): string {
  if (value.length >= length || p.side === 'none') return value;
  return p.side === 'left' ? value.padStart(length, p.char) : value.padEnd(length, p.char);
}
