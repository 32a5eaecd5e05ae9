/**
 * Typed decode errors. The decoder never throws on bad bytes: it records a numeric reason, the field
 * number and the byte offset in the view, and a DecodeError object is built only when asked for.
 */

export const DecodeErrorCode = {
  None: 0,
  Truncated: 1,
  BadLength: 2,
  UnknownField: 3,
  BadNumeric: 4,
  BadHex: 5,
  Trailing: 6,
  BadMti: 7,
  BadTrack: 8,
} as const;
export type DecodeErrorCodeValue = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

const NAMES: Record<number, string> = {
  1: 'E_TRUNCATED',
  2: 'E_BAD_LENGTH',
  3: 'E_UNKNOWN_FIELD',
  4: 'E_BAD_NUMERIC',
  5: 'E_BAD_HEX',
  6: 'E_TRAILING_BYTES',
  7: 'E_BAD_MTI',
  8: 'E_BAD_TRACK',
};

export function decodeErrorName(code: number): string {
  return NAMES[code] ?? 'E_DECODE';
}

/** Field numbers used in errors for the parts that are not data elements. */
export const FIELD_MTI = 0;
export const FIELD_BITMAP = 1;

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    /** Stable error code, e.g. 'E_TRUNCATED'. */
    readonly code: string,
    /** Field number (0 = MTI, 1 = bitmap, 2..128 data elements). */
    readonly field: number,
    /** Byte offset from the start of the message where the problem was found. */
    readonly offset: number,
    /** Human-readable reason; never contains field values. */
    readonly reason: string,
  ) {
    super(`${code} at field ${field}, offset ${offset}: ${reason}`);
  }

  toJSON(): { error: string; field: number; offset: number; reason: string } {
    return { error: this.code, field: this.field, offset: this.offset, reason: this.reason };
  }
}

/** Thrown by the encoder for values that do not fit the field spec (a caller bug, not wire data). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  readonly code = 'E_ENCODE';
  constructor(
    readonly field: number,
    reason: string,
  ) {
    super(`field ${field}: ${reason}`);
  }
}
