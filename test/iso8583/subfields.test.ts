/**
 * Composite fields (protocol/iso8583/composite.ts, subfields.ts): positional, bitmapped (Postilion
 * field 127 style, and an EBCDIC host's header + EBCDIC-hex bitmap) and TLV (BER on field 55,
 * Mastercard DE 48 as characters). Subfields are read only when asked: a composite whose inside is
 * malformed still decodes at the top level, and the reader reports the problem when it walks there.
 * Card data: subfields of a secret field stay withheld unless the built-in spec marks them public.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { merchantAdviceCode } from '../../agent/pipeline/merchant-advice.js';
import {
  DIALECTS,
  decodeInto,
  dialectFromJson,
  encodeMessage,
  MessageView,
  SubfieldReader,
  tagKey,
} from '../../protocol/iso8583/index.js';

const view = new MessageView();
const r = new SubfieldReader();

function decode(d: Parameters<typeof encodeMessage>[0], bytes: Uint8Array): MessageView {
  expect(decodeInto(d, bytes, 0, bytes.length, view), view.error()?.message).toBe(true);
  return view;
}

/** Every subfield the reader walks: key, value (card rules applied). */
function walk(field: number): Array<[number, string | undefined]> {
  const out: Array<[number, string | undefined]> = [];
  if (!r.begin(view, field)) return out;
  while (r.next()) out.push([r.key, r.get()]);
  return out;
}

describe('Mastercard DE 48 (TLV as characters) on the ISO 87 and 93 dialects', () => {
  for (const name of ['ascii', 'ascii-hex', 'bcd', 'iso93-ascii', 'iso93-bcd'] as const) {
    it(`${name}: subelement 84 is read, 92 (CVC2) and the field as a whole are withheld`, () => {
      const d = DIALECTS[name];
      const bytes = encodeMessage(d, {
        mti: '0210',
        fields: { 3: '000000', 48: { lead: 'R', '92': '123', '84': '02', '42': '210' } },
      });
      decode(d, bytes);
      expect(view.get(48)).toBeUndefined();
      expect(r.find(view, 48, tagKey('ascii', '84'))).toBe(true);
      expect(r.get()).toBe('02');
      expect(r.name()).toBe('Merchant advice code');
      expect(r.find(view, 48, tagKey('ascii', '92'))).toBe(true);
      expect(r.get()).toBeUndefined();
      expect(r.find(view, 48, tagKey('ascii', '42'))).toBe(true);
      expect(r.get()).toBe('210');
      expect(merchantAdviceCode(view)).toBe('02');
      // the lead (transaction category code) and unknown subelements stay withheld with the field
      // (integer-like keys of a JS object come in numeric order: the encoder writes 42, 84, 92)
      expect(walk(48).map(([k, v]) => [k, v])).toEqual([
        [-1, undefined],
        [tagKey('ascii', '42'), '210'],
        [tagKey('ascii', '84'), '02'],
        [tagKey('ascii', '92'), undefined],
      ]);
    });
  }

  it('a malformed field 48 decodes at the top level; the reader stops at the bad subelement', () => {
    const d = DIALECTS.ascii;
    const bytes = encodeMessage(d, { mti: '0210', fields: { 48: 'R84XX02' } });
    decode(d, bytes);
    expect(r.find(view, 48, tagKey('ascii', '84'))).toBe(false);
    expect(r.error).not.toBe(0);
    expect(merchantAdviceCode(view)).toBeNull();
    // a declared length that runs past the field
    decodeInto(d, encodeMessage(d, { mti: '0210', fields: { 48: 'R8409ab' } }), 0, 16 + 7, view);
    expect(merchantAdviceCode(view)).toBeNull();
  });

  it('a dialect file that changes field 48 drops the subelements; one that names the preset keeps them', () => {
    const plain = dialectFromJson({
      name: 'p',
      base: 'ascii',
      fields: { 48: { type: 'b', length: 255, prefix: 3 } },
    });
    expect(plain.composites[48]).toBeUndefined();
    const kept = dialectFromJson({ name: 'k', base: 'ascii', fields: { 48: { length: 500 } } });
    expect(kept.composites[48]).toBeDefined();
    const named = dialectFromJson({
      name: 'n',
      base: 'bcd',
      fields: { 48: { type: 'ans', length: 999, prefix: 3, subfields: 'mastercard-de48' } },
    });
    const bytes = encodeMessage(named, { mti: '0210', fields: { 48: { lead: 'T', '84': '24' } } });
    decode(named, bytes);
    expect(merchantAdviceCode(view)).toBe('24');
  });

  it('a dialect file cannot make a subfield of a secret field public', () => {
    expect(() =>
      dialectFromJson({
        name: 'x',
        fields: {
          48: { subfields: { kind: 'tlv', format: 'ascii', tags: { '92': { name: 'cvc', public: true } } } },
        },
      }),
    ).toThrow(/public/);
  });
});

describe('BER-TLV (field 55)', () => {
  it('finds tags in place; EMV values stay behind the safe-tag filter', () => {
    const d = DIALECTS.bcd;
    const bytes = encodeMessage(d, {
      mti: '0210',
      fields: { 55: { '9F27': '80', '8A': '3035', '5A': '4761739001010119' } },
    });
    decode(d, bytes);
    expect(r.find(view, 55, 0x8a)).toBe(true);
    expect(r.units).toBe(2);
    expect(Buffer.from(view.buf.subarray(r.offset, r.offset + 2)).toString('hex')).toBe('3035');
    expect(r.get()).toBeUndefined(); // EMV: describe.ts decides, by tag
    expect(r.sensitivity()).toBe(3);
    expect(r.find(view, 55, 0x5a)).toBe(true);
    expect(r.find(view, 55, 0x9f36)).toBe(false);
  });

  it('BER-TLV in a field that is not card data reads as hex', () => {
    const d = dialectFromJson({
      name: 'b',
      base: 'bcd',
      fields: { 62: { type: 'b', length: 255, prefix: 3, subfields: 'emv-ber' } },
    });
    const bytes = encodeMessage(d, { mti: '0100', fields: { 62: { DF01: 'CAFE', '9F1A': '0978' } } });
    decode(d, bytes);
    expect(walk(62)).toEqual([
      [0xdf01, 'CAFE'],
      [0x9f1a, '0978'],
    ]);
  });
});

describe('positional subfields', () => {
  const d = dialectFromJson({
    name: 'pos',
    base: 'ascii',
    fields: {
      60: {
        type: 'ans',
        length: 99,
        prefix: 2,
        subfields: {
          kind: 'positional',
          fields: {
            1: { name: 'Batch', type: 'n', length: 6, public: true },
            2: { name: 'Note', type: 'ans', length: 20, prefix: 2, public: true },
            3: { name: 'Flag', type: 'a', length: 1, public: true },
          },
        },
      },
    },
  });

  it('reads each subfield by position; trailing ones may be absent', () => {
    decode(d, encodeMessage(d, { mti: '0200', fields: { 60: { 1: '42', 2: 'hello', 3: 'Y' } } }));
    expect(view.get(60)).toBe('000042' + '05hello' + 'Y');
    expect(walk(60)).toEqual([
      [1, '000042'],
      [2, 'hello'],
      [3, 'Y'],
    ]);
    decode(d, encodeMessage(d, { mti: '0200', fields: { 60: { 1: '7' } } }));
    expect(walk(60)).toEqual([[1, '000007']]);
    expect(() => encodeMessage(d, { mti: '0200', fields: { 60: { 1: '7', 3: 'N' } } })).toThrow(
      /subfield 2 is missing/,
    );
  });

  it('a bad digit inside is found by the reader, not by the decoder', () => {
    decode(d, encodeMessage(d, { mti: '0200', fields: { 60: '00x042' } }));
    expect(r.find(view, 60, 1)).toBe(false);
    expect(r.error).toBe(4); // E_BAD_NUMERIC
  });
});

describe('bitmapped subfields', () => {
  // Postilion-style field 127: LLLLLL, an 8-byte binary bitmap, subfields by bit
  const postilion = dialectFromJson({
    name: 'postilion-like',
    base: 'ascii',
    fields: {
      127: {
        type: 'b',
        length: 999999,
        prefix: 6,
        encoding: 'binary',
        subfields: {
          kind: 'bitmap',
          bitmap: 'binary',
          bitmapBytes: 8,
          fields: {
            2: { name: 'Switch key', type: 'ans', length: 32, prefix: 2, public: true },
            3: { name: 'Routing information', type: 'ans', length: 48, public: true },
            6: { name: 'Authorization profile', type: 'n', length: 2, public: true },
            22: { name: 'Structured data', type: 'ans', length: 99999, prefix: 5, public: true },
            25: { name: 'ICC data', type: 'ans', length: 8000, prefix: 4, public: true },
          },
        },
      },
    },
  });

  it('reads the subfields named by the bitmap; the encoder builds the bitmap', () => {
    const sd = 'x'.repeat(1200);
    const bytes = encodeMessage(postilion, { mti: '0200', fields: { 127: { 2: 'KEY', 6: '11', 22: sd } } });
    decode(postilion, bytes);
    expect(walk(127)).toEqual([
      [2, 'KEY'],
      [6, '11'],
      [22, sd],
    ]);
    expect(r.find(view, 127, 22)).toBe(true);
    expect(r.units).toBe(1200);
    expect(r.find(view, 127, 3)).toBe(false);
    expect(r.error).toBe(0);
  });

  it('a bit for an undefined subfield stops the reader with E_UNKNOWN_FIELD', () => {
    const bm = Buffer.alloc(8);
    bm[0] = 0x02; // bit 7
    const bytes = encodeMessage(postilion, { mti: '0200', fields: { 127: bm } });
    decode(postilion, bytes);
    expect(r.find(view, 127, 2)).toBe(false);
    expect(r.error).toBe(3);
  });

  it('an EBCDIC host: a 1-byte header, a 4-byte EBCDIC hex bitmap, mixed binary and EBCDIC subfields', () => {
    const d = dialectFromJson({
      name: 'e',
      base: 'iso93-ascii',
      mti: 'ebcdic',
      numeric: 'ebcdic',
      text: 'ebcdic',
      prefix: 'ebcdic',
      bitmap: 'ebcdic',
      fields: {
        62: {
          type: 'b',
          length: 256,
          prefix: 3,
          subfields: {
            kind: 'bitmap',
            header: 1,
            bitmap: 'ebcdic',
            bitmapBytes: 4,
            fields: {
              1: { type: 'b', length: 8, encoding: 'binary', public: true },
              9: { type: 'n', length: 2, public: true },
              22: { type: 'b', length: 16, prefix: 2, encoding: 'binary', public: true },
            },
          },
        },
      },
    });
    const bytes = encodeMessage(d, {
      mti: '1100',
      fields: { 62: { header: Buffer.from('f1', 'hex'), 1: 'D1402E79E3925440', 9: '00', 22: '2345' } },
    });
    // header F1, then the bitmap 80800400 as EBCDIC hex characters
    const at = bytes.indexOf(Buffer.from('f1f8f0f8f0f0f4f0f0', 'hex'));
    expect(at).toBeGreaterThan(0);
    decode(d, bytes);
    expect(walk(62)).toEqual([
      [1, 'D1402E79E3925440'],
      [9, '00'],
      [22, '2345'],
    ]);
  });

  it('random subfield sets round-trip', () => {
    const arb = fc.record(
      {
        2: fc.stringMatching(/^[ -~]{0,32}$/),
        3: fc.stringMatching(/^[ -~]{48}$/),
        6: fc.stringMatching(/^[0-9]{2}$/),
        22: fc.stringMatching(/^[ -~]{0,300}$/),
        25: fc.stringMatching(/^[ -~]{0,50}$/),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(arb, (sub) => {
        decode(postilion, encodeMessage(postilion, { mti: '0200', fields: { 127: sub } }));
        const want = Object.entries(sub)
          .map(([k, v]) => [Number(k), v] as [number, string])
          .sort((a, b) => a[0] - b[0]);
        expect(walk(127)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
