/**
 * The tertiary bitmap: in a dialect with `"tertiaryBitmap": true`, bit 65 announces a third bitmap
 * (fields 129-192) right after the secondary one, as jPOS reads a 24-byte bitmap. Checked in the
 * binary, hex and EBCDIC bitmap forms, byte for byte on a hand-built message, and by round trips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeInto, dialectFromJson, encodeMessage, MessageView } from '../../protocol/iso8583/index.js';
import { expectWalksAgree } from './gen.js';

const fields = {
  130: { name: 'Extra numeric', type: 'n', length: 6, prefix: 0 },
  150: { name: 'Extra text', type: 'ans', length: 40, prefix: 3 },
  192: { name: 'Last', type: 'b', length: 8, prefix: 0 },
};

describe('tertiary bitmap', () => {
  const view = new MessageView();

  it('a hand-built ASCII message: MTI, three binary bitmaps, fields 3, 130', () => {
    const d = dialectFromJson({ name: 't', base: 'ascii', tertiaryBitmap: true, fields });
    const bm = Buffer.alloc(24);
    bm[0] = 0xa0; // bit 1 (secondary) and bit 3
    bm[8] = 0x80; // bit 65 (tertiary)
    bm[16] = 0x40; // bit 130
    const msg = Buffer.concat([Buffer.from('0200'), bm, Buffer.from('000000123456')]);
    expect(decodeInto(d, msg, 0, msg.length, view)).toBe(true);
    expect(view.fieldNumbers()).toEqual([3, 130]);
    expect(view.has(65)).toBe(false);
    expect(view.get(130)).toBe('123456');
    expect(encodeMessage(d, { mti: '0200', fields: { 3: '000000', 130: '123456' } }).equals(msg)).toBe(true);
    // cut inside the third bitmap
    expect(decodeInto(d, msg, 0, 4 + 20, view)).toBe(false);
    expect(view.error()!.code).toBe('E_TRUNCATED');
    expect(view.error()!.field).toBe(1);
  });

  it('without tertiaryBitmap, bit 65 is field 65 and fields above 128 are refused', () => {
    expect(() => dialectFromJson({ name: 'x', fields })).toThrow(/tertiaryBitmap/);
  });

  for (const bitmap of ['binary', 'hex', 'ebcdic'] as const) {
    it(`round trips with a ${bitmap} bitmap`, () => {
      const d = dialectFromJson({ name: `t-${bitmap}`, base: 'bcd', bitmap, tertiaryBitmap: true, fields });
      const arb = fc.record(
        {
          3: fc.stringMatching(/^[0-9]{6}$/),
          70: fc.stringMatching(/^[0-9]{3}$/),
          130: fc.stringMatching(/^[0-9]{6}$/),
          150: fc.stringMatching(/^[ -~]{0,40}$/),
          192: fc.uint8Array({ minLength: 8, maxLength: 8 }),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(arb, (f) => {
          const bytes = encodeMessage(d, { mti: '0100', fields: f as Record<number, string | Uint8Array> });
          expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
          const want = Object.keys(f)
            .map(Number)
            .sort((a, b) => a - b);
          expect(view.fieldNumbers()).toEqual(want);
          if (f[130] !== undefined) expect(view.get(130)).toBe(f[130]);
          if (f[150] !== undefined) expect(view.get(150)).toBe(f[150]);
          if (f[192] !== undefined)
            expect(view.get(192)).toBe(Buffer.from(f[192]).toString('hex').toUpperCase());
          expectWalksAgree(d, bytes);
        }),
        { numRuns: 200 },
      );
    });
  }
});
