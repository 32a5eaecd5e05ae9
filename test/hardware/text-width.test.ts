/**
 * textWidth measures as string-width does (it is string-width, with simple narrow text counted by
 * length so that a start in en/de/fr/fi/ru never loads it), and layout's ASCII fast path gives the same
 * lines as the grapheme path.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellsOf } from '../../agent/guidance/layout.js';
import { BUILT_IN, flatten } from '../../agent/guidance/catalog.js';
import { isSimpleNarrow, SIMPLE_NARROW, textWidth } from '../../hardware/display/text-width.js';

const SAMPLES = [
  '',
  'DECLINED 51',
  '~!@#$%^&*()_+{}|:"<>? `-=[]\\;\',./',
  'Zahlung abgelehnt: Karte prüfen',
  'ОТКАЗ 51 недостаточно средств',
  '交易被拒：余额不足。',
  'Ｆｕｌｌｗｉｄｔｈ',
  'e\u0301 combining',
  '👍🏽 👨‍👩‍👧 🇫🇮',
  'tab\there',
  '\u0000\u001b[31m',
  '» Ihre Bank',
  '€ 42,50',
];

describe('textWidth', () => {
  it.each(SAMPLES)('%j measures as string-width', (s) => {
    expect(textWidth(s)).toBe(stringWidth(s));
  });

  it('below U+00A0, SIMPLE_NARROW is exactly printable ASCII, 0x20-0x7e (no control character)', () => {
    for (let c = 0; c < 0xa0; c++)
      expect(isSimpleNarrow(String.fromCharCode(c)), `U+${c.toString(16)}`).toBe(c >= 0x20 && c <= 0x7e);
  });

  it('every character of SIMPLE_NARROW is one cell and one grapheme, as string-width and ICU see it', () => {
    const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      if (!SIMPLE_NARROW.test(ch)) continue;
      expect(stringWidth(ch), `U+${c.toString(16)}`).toBe(1);
      expect([...graphemes.segment(`a${ch}b`)].length, `U+${c.toString(16)}`).toBe(3);
    }
    expect(isSimpleNarrow('Zahlung abgelehnt: Karte prüfen » €')).toBe(true);
    for (const s of ['交易', 'e\u0301', '\u00ad', '©', 'tab\t']) expect(isSimpleNarrow(s)).toBe(false);
  });

  it('the fast path gives the cells and breaks the segmenter gives, for every built-in prompt', () => {
    let checked = 0;
    for (const data of Object.values(BUILT_IN))
      for (const text of flatten(data).values())
        for (const para of text.split('\n'))
          if (isSimpleNarrow(para)) {
            expect(cellsOf(para, false), para).toEqual(cellsOf(para, true));
            checked++;
          }
    expect(checked).toBeGreaterThan(500);
  });

  it('the fast path gives the cells and breaks the segmenter gives, for random simple text', () => {
    const alphabet = [
      ' ',
      ' ',
      '-',
      '/',
      '.',
      ',',
      'a',
      'Z',
      '9',
      'ü',
      'ß',
      'Ж',
      'я',
      'Ω',
      '«',
      '»',
      '—',
      '…',
      '€',
      '\u00a0',
      '(',
      ')',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), (chars) => {
        const para = chars.join('');
        expect(cellsOf(para, false)).toEqual(cellsOf(para, true));
      }),
      { numRuns: 2000 },
    );
  });
});
