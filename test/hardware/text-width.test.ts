/**
 * textWidth measures as string-width does (it is string-width, with printable ASCII counted by
 * length so that an ASCII-only start never loads it), and layout's ASCII fast path gives the same
 * lines as the grapheme path.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { layout } from '../../agent/guidance/layout.js';
import { isPrintableAscii, textWidth } from '../../hardware/display/text-width.js';

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

  it('printable ASCII is exactly 0x20-0x7e', () => {
    for (let c = 0; c < 256; c++)
      expect(isPrintableAscii(String.fromCharCode(c))).toBe(c >= 0x20 && c <= 0x7e);
  });

  it('layout lays ASCII text out the same with and without its fast path', () => {
    const text = 'Declined: not enough funds. Ask for another card or a smaller amount. PIN-pad/Wi-Fi ok.';
    // the same text with a non-ASCII character at the end takes the grapheme path for the whole paragraph
    for (const width of [16, 20, 32]) {
      const fast = layout(text, { width, height: 8 });
      const slow = layout(`${text}\u00a0`, { width, height: 8 });
      expect(fast.flat().join('|')).toBe(
        slow
          .flat()
          .join('|')
          .replace(/\u00a0$/, '')
          .trimEnd(),
      );
    }
  });
});
