/**
 * Sample messages shared by the benchmarks, the demo and tests: a typical 0210 authorization
 * response as a host sends it (ASCII fields, binary bitmap, EMV data in field 55).
 */
import { DIALECTS, encodeMessage, type IsoMessage } from '../protocol/iso8583/index.js';

/** Test card numbers (Luhn-valid, from public test ranges). */
export const TEST_PANS = ['4761739001010119', '5413330089010434', '6250947000000014', '374245455400126'];

export function typical0210(rc = '51'): IsoMessage {
  return {
    mti: '0210',
    fields: {
      2: TEST_PANS[0]!,
      3: '000000',
      4: '000000012345',
      7: '1123101500',
      11: '000123',
      12: '101500',
      13: '1123',
      22: '051',
      25: '00',
      37: '332710123456',
      39: rc,
      41: 'TERM0001',
      42: 'MERCHANT0000001',
      49: '978',
      // 9F27 cryptogram information (AAC), 5F2D language preference "de"+"en", 8A auth response code
      55: Buffer.from('9F2701008A0235315F2D046465656E', 'hex'),
    },
  };
}

export function typical0210Bytes(rc = '51'): Buffer {
  return encodeMessage(DIALECTS.ascii, typical0210(rc));
}

/** The same response as Visa Base I sends it (BCD numerics, EBCDIC text, 1-byte lengths). */
export function base1_0210Bytes(rc = '51'): Buffer {
  return encodeMessage(DIALECTS.base1, typical0210(rc));
}

/**
 * A Mastercard-style response with composite fields: DE 48 subelements (a transaction category code,
 * then 42, 84 merchant advice code, 92 CVC2) and BER-TLV EMV data in field 55.
 */
export function composite0210Bytes(rc = '51'): Buffer {
  const m = typical0210(rc);
  return encodeMessage(DIALECTS.ascii, {
    mti: m.mti,
    fields: {
      ...m.fields,
      48: { lead: 'R', '42': '210', '61': '00000000', '84': '02', '92': '123' },
      55: { '9F27': '00', '8A': '3531', '95': '0000008000', '5F2D': '6465656E', '9F36': '0042' },
    },
  });
}
