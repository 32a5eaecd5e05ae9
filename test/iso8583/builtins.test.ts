/**
 * The built-in dialects beyond ISO 87: iso2003-binary, base24 and base1 (EBCDIC). Each is checked
 * against jPOS's own definition of the same dialect (the translated packager files in
 * protocol/iso8583/dialects/): field for field the same content type, length, prefix and encodings,
 * except the differences listed here with their reason; and by encoding random messages with both
 * (identical bytes). Visa Base I is also checked on a message assembled by hand, byte by byte, from
 * the Base I formats (BCD numerics, EBCDIC text, 1-byte lengths), independent of our encoder.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPan } from '../../protocol/card/pan.js';
import {
  type CompiledDialect,
  DIALECT_ALIASES,
  DIALECTS,
  decodeInto,
  dialectFromJson,
  encodeMessage,
  MessageView,
  SubfieldReader,
} from '../../protocol/iso8583/index.js';
import { messageArb } from './gen.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../protocol/iso8583/dialects');
const jpos = (name: string): CompiledDialect =>
  dialectFromJson(JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')));

/** Field specs that differ between two dialects: "field key: a -> b". */
function differences(a: CompiledDialect, b: CompiledDialect): string[] {
  const out: string[] = [];
  for (let f = 2; f <= 128; f++) {
    const x = a.specs[f];
    const y = b.specs[f];
    if (!x || !y) {
      if (x || y) out.push(`${f}: defined on one side`);
      continue;
    }
    // text types (a, an, ans) are not checked on the wire: the same field
    const text = (t: string): string => (t === 'a' || t === 'an' || t === 'ans' ? 'text' : t);
    if (text(x.type) !== text(y.type)) out.push(`${f} type: ${x.type} -> ${y.type}`);
    for (const k of ['length', 'prefix', 'encoding', 'prefixEncoding'] as const)
      if (x[k] !== y[k] && !(k === 'prefixEncoding' && x.prefix === 0))
        out.push(`${f} ${k}: ${x[k]} -> ${y[k]}`);
    if (x.encoding === 'bcd' && x.pad !== y.pad) out.push(`${f} pad: ${x.pad} -> ${y.pad}`);
  }
  return out;
}

const PAIRS: Array<{ ours: keyof typeof DIALECTS; theirs: string; allowed: string[] }> = [
  // identical to jPOS's definitions
  { ours: 'iso2003-binary', theirs: 'jpos-iso2003binary', allowed: [] },
  {
    ours: 'base24',
    theirs: 'jpos-base24',
    allowed: [],
  },
  { ours: 'base1', theirs: 'jpos-base1', allowed: [] },
  { ours: 'iso87-bcd', theirs: 'jpos-iso87binary', allowed: [] },
];

describe('built-in dialects', () => {
  it('the names, and the first names as aliases of the same objects', () => {
    expect(Object.keys(DIALECTS)).toEqual([
      'iso87-ascii',
      'ascii-hex',
      'iso87-bcd',
      'iso93-ascii',
      'iso93-bcd',
      'iso2003-binary',
      'base24',
      'base1',
      'ascii',
      'bcd',
    ]);
    for (const [alias, name] of Object.entries(DIALECT_ALIASES))
      expect(DIALECTS[alias as keyof typeof DIALECTS]).toBe(DIALECTS[name]);
    expect(DIALECTS.ascii.name).toBe('iso87-ascii');
  });

  for (const { ours, theirs, allowed } of PAIRS) {
    it(`${ours} is jPOS's ${theirs} field for field`, () => {
      expect(differences(DIALECTS[ours], jpos(theirs))).toEqual(allowed);
    });

    it(`${ours} and ${theirs} encode random messages to the same bytes`, () => {
      const a = DIALECTS[ours];
      const b = jpos(theirs);
      fc.assert(
        fc.property(messageArb(a, { maxVar: 20 }), (msg) => {
          expect(encodeMessage(a, msg).toString('hex')).toBe(encodeMessage(b, msg).toString('hex'));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('iso93-bcd differs from jPOS ISO 93 binary by the pad side of odd fixed BCD fields and track 2 as ASCII', () => {
    // both documented in docs/codec.md: a dialect file with bcdPadFixed "right" and 35 as ASCII is jPOS's
    const diffs = differences(DIALECTS['iso93-bcd'], jpos('jpos-iso93binary'));
    expect(diffs.filter((d) => !/ pad: left -> right$/.test(d))).toEqual([
      '35 type: z -> ans',
      '35 encoding: bcd -> ascii',
    ]);
    expect(diffs.length).toBeGreaterThan(2);
  });
});

describe('Visa Base I on a message assembled by hand', () => {
  const d = DIALECTS.base1;
  // EBCDIC (code page 037) of the few characters used: digits F0-F9, letters, space 40
  const EBCDIC: Record<string, string> = {
    ' ': '40',
    A: 'c1',
    B: 'c2',
    C: 'c3',
    D: 'c4',
    S: 'e2',
    T: 'e3',
    O: 'd6',
    R: 'd9',
    E: 'c5',
    N: 'd5',
    M: 'd4',
    H: 'c8',
  };
  const ebc = (s: string): string =>
    [...s].map((c) => (c >= '0' && c <= '9' ? `f${c}` : EBCDIC[c]!)).join('');
  const hex = [
    '0110', // MTI, BCD
    '722000010ec00000', // bitmap: fields 2, 3, 4, 7, 11, 32, 37, 38, 39, 41, 42
    '10',
    '4761739001010119', // 2: LLH length 16 (binary 0x10), 8 BCD bytes
    '000000', // 3
    '000000012345', // 4: 123.45
    '1203104207', // 7
    '004711', // 11
    '06',
    '123456', // 32: LLH 6, BCD
    ebc('533812345678'), // 37: RRN, EBCDIC
    ebc('AB12CD'), // 38
    ebc('05'), // 39
    ebc('TERM0001'), // 41
    ebc('MERCHANT 000001'), // 42
  ];
  const bytes = Buffer.from(hex.join(''), 'hex');

  it('decodes the BCD, binary-length and EBCDIC fields', () => {
    const view = new MessageView();
    expect(decodeInto(d, bytes, 0, bytes.length, view), view.error()?.message).toBe(true);
    expect(view.mti()).toBe('0110');
    expect(view.get(2)).toBe(maskPan('4761739001010119'));
    expect(view.num(4)).toBe(12345);
    expect(view.get(11)).toBe('004711');
    expect(view.get(32)).toBe('123456');
    expect(view.get(37)).toBe('533812345678');
    expect(view.get(38)).toBe('AB12CD');
    expect(view.get(39)).toBe('05');
    expect(view.codeInto(39)).toBe(2);
    expect(String.fromCharCode(view.scratch[0]!, view.scratch[1]!)).toBe('05');
    expect(view.get(41)).toBe('TERM0001');
    expect(view.get(42)).toBe('MERCHANT 000001');
  });

  it('our encoder writes the same bytes', () => {
    const out = encodeMessage(d, {
      mti: '0110',
      fields: {
        2: '4761739001010119',
        3: '000000',
        4: '000000012345',
        7: '1203104207',
        11: '004711',
        32: '123456',
        37: '533812345678',
        38: 'AB12CD',
        39: '05',
        41: 'TERM0001',
        42: 'MERCHANT 000001',
      },
    });
    expect(out.toString('hex')).toBe(bytes.toString('hex'));
  });

  it('field 126 (bitmapped) and 127 (positional) subfields; the CVV2 data and the account number guarded', () => {
    const out = encodeMessage(d, {
      mti: '0100',
      fields: {
        126: { 5: '261231', 10: '11 123' },
        127: { 0: 'A', 1: '4761739001010119', 2: '2612' },
      },
    });
    const view = new MessageView();
    expect(decodeInto(d, out, 0, out.length, view)).toBe(true);
    const r = new SubfieldReader();
    expect(r.find(view, 126, 5)).toBe(true);
    expect(r.get()).toBe('261231');
    expect(r.find(view, 126, 10)).toBe(true);
    expect(r.get()).toBeUndefined();
    expect(r.find(view, 127, 1)).toBe(true);
    expect(r.get()).toBe(maskPan('4761739001010119'));
    expect(r.find(view, 127, 2)).toBe(true);
    expect(r.get()).toBe('2612');
  });
});
