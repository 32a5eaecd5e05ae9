/** ISO 8583 messages for the decoder's and the CLI's tests. */
import type { IsoMessage } from '../../protocol/iso8583/index.js';
import { TEST_PANS } from '../../scripts/sample-messages.js';

/** The card in `response0210` (Luhn-valid, a public test range): no output may hold it. */
export const PAN = TEST_PANS[0]!;

/**
 * A 0210 response carrying card data in two places, the PAN (field 2) and track 2 (field 35), with
 * response code `rc` and STAN `stan`. Fields 2, 3, 4, 11, 35, 39, 41: tests count offsets on it.
 */
export function response0210(rc: string, stan: string): IsoMessage {
  return {
    mti: '0210',
    fields: {
      2: PAN,
      3: '000000',
      4: '000000012345',
      11: stan,
      35: `${PAN}=2512101123`,
      39: rc,
      41: 'TERM0001',
    },
  };
}

/** `b` behind a 2-byte big-endian length, as a binary stream carries a message. */
export function lengthPrefixed(b: Buffer): Buffer {
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
}
