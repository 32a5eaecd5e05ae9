import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it, vi } from 'vitest';
import { BUILT_IN, createCatalog, GuidanceError, LANGS, layout, wrap } from '../../agent/guidance/index.js';
import { allRows } from '../../protocol/response-codes/index.js';

const GEOMETRIES = [
  { width: 16, height: 2 },
  { width: 20, height: 4 },
  { width: 32, height: 8 },
];
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const splitG = (s: string) => Array.from(graphemes.segment(s), (x) => x.segment);
/** No lone surrogate (String.prototype.isWellFormed is ES2024, not in our lib). */
const wellFormed = (s: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const ink = (s: string) =>
  splitG(s)
    .filter((g) => g !== ' ' && g !== '\n')
    .join('');

function checkPages(pages: string[][], geo: { width: number; height: number }, what: string): void {
  expect(pages.length, what).toBeGreaterThan(0);
  for (const page of pages) {
    expect(page.length, what).toBeLessThanOrEqual(geo.height);
    for (const line of page) expect(stringWidth(line), `${what}: "${line}"`).toBeLessThanOrEqual(geo.width);
  }
}

describe('every text fits the displays after layout', () => {
  it('all catalog texts of all languages, at 16x2, 20x4 and 32x8', () => {
    for (const lang of LANGS) {
      const data = BUILT_IN[lang];
      const texts = [
        ...Object.values(data.entries).flatMap((e) => [e.title, e.cashier, e.customer ?? '', ...e.steps]),
        ...Object.values(data.strings),
      ].filter((t) => t !== '');
      for (const geo of GEOMETRIES) {
        for (const t of texts) {
          const pages = layout(t, geo);
          checkPages(pages, geo, `${lang} ${geo.width}x${geo.height} ${t}`);
          expect(ink(pages.flat().join('')), t).toBe(ink(t)); // nothing lost
        }
      }
    }
  });

  it("every row's cashier prompt in every language", () => {
    // rows share wording: lay out each distinct prompt once, remembering which codes use it
    const c = createCatalog();
    for (const lang of LANGS) {
      const byText = new Map<string, string[]>();
      for (const row of allRows()) {
        const t = c.guidance(row, lang).cashier;
        byText.set(t, [...(byText.get(t) ?? []), row.code]);
      }
      for (const [t, codes] of byText) {
        for (const geo of GEOMETRIES)
          checkPages(layout(t, geo), geo, `${lang} ${codes.slice(0, 5).join(',')}`);
      }
    }
  });
});

describe('cashier prompts are short', () => {
  it('every cashier prompt fits one page of a 20x4 display, in every language', () => {
    for (const lang of LANGS) {
      for (const [key, e] of Object.entries(BUILT_IN[lang].entries)) {
        expect(layout(e.cashier, { width: 20, height: 4 }), `${lang} ${key}: ${e.cashier}`).toHaveLength(1);
      }
    }
  });
});

describe('CJK', () => {
  it('fits 16x2 and 20x4 by display columns, not by string length', () => {
    const text = BUILT_IN.zh.entries.insufficient_funds?.cashier ?? '';
    const p16 = layout(text, { width: 16, height: 2 });
    for (const line of p16.flat()) {
      expect(stringWidth(line)).toBeLessThanOrEqual(16);
      expect(line.length).toBeLessThanOrEqual(8); // 8 wide characters = 16 columns
    }
    // lines break between words (余额 | 不足), never inside one (减少金额 stays whole)
    expect(p16[0]?.[0]).toBe('交易被拒：余额');
    expect(p16.flat().join('|')).toContain('减少金额');
    const p20 = layout(text, { width: 20, height: 4 });
    expect(p20).toHaveLength(1);
    expect(p20[0]?.[0]).toBe('交易被拒：余额不足。');
  });

  it('keeps closing punctuation off the start of a line (displays of 3 or more wide characters)', () => {
    for (const width of [6, 7, 8, 10, 12, 14, 16, 20]) {
      for (const e of Object.values(BUILT_IN.zh.entries)) {
        for (const line of layout(e.cashier, { width, height: 50 }).flat()) {
          expect(line, `${width}: ${e.cashier}`).not.toMatch(/^[，。、：；！？）」』】》]/);
        }
      }
    }
  });

  it('mixes Latin and CJK', () => {
    const lines = wrap('请检查网线或Wi-Fi。', 10);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(10);
    expect(lines.join('')).toBe('请检查网线或Wi-Fi。');
  });
});

describe('word wrapping', () => {
  it('breaks at spaces and trims them', () => {
    expect(wrap('Wrong PIN. Let the customer enter it again.', 16)).toEqual([
      'Wrong PIN. Let',
      'the customer',
      'enter it again.',
    ]);
  });

  it('keeps French non-breaking spaces with their punctuation', () => {
    const lines = wrap('Refusé\u00a0: provision insuffisante.', 8);
    expect(lines[0]).toBe('Refusé\u00a0:');
    for (const l of lines) expect(l.startsWith(':')).toBe(false);
  });

  it('splits over-long words between graphemes, never inside one', () => {
    const word = 'Zahlungsdienstleistersupportnummer';
    const lines = wrap(word, 10);
    expect(lines.join('')).toBe(word);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(10);

    const tricky = `${'👨‍👩‍👧'.repeat(5)}${'e\u0301'.repeat(9)}𝒳𝒴𝒵𝒳𝒴𝒵`;
    for (const width of [2, 3, 4, 5, 7]) {
      const out = wrap(tricky, width);
      expect(out.join('')).toBe(tricky);
      for (const l of out) {
        expect(stringWidth(l)).toBeLessThanOrEqual(width);
        expect(wellFormed(l), l).toBe(true); // no lone surrogate
        expect(l).not.toMatch(/^\u0301/); // no orphaned combining mark
        expect(l).not.toMatch(/^\u200d|\u200d$/); // no broken ZWJ sequence
      }
    }
  });

  it('breaks after a hyphen inside a word', () => {
    expect(wrap('PIN-koodi', 6)).toEqual(['PIN-', 'koodi']);
  });

  it('handles newlines, tabs and control characters', () => {
    expect(wrap('a\tb\u0007c\r\nd', 10)).toEqual(['a bc', 'd']);
    expect(wrap('\u001b[31mred', 10)).toEqual(['[31mred']);
  });
});

describe('line breaking per language', () => {
  /** Every text a failure screen lays out, in every language, at the widths of our displays. */
  const texts = LANGS.flatMap((lang) =>
    Object.entries(BUILT_IN[lang].entries).flatMap(([key, e]) =>
      [e.cashier, e.customer ? `» ${e.customer}` : '', ...e.steps.map((st, i) => `${i + 1}. ${st}`)]
        .filter((t) => t !== '')
        .map((t) => ({ lang, key, t })),
    ),
  );

  it('no line starts with closing punctuation and no line is punctuation alone', () => {
    for (const width of [16, 20, 32, 40]) {
      for (const { lang, key, t } of texts) {
        const lines = wrap(t, width);
        lines.forEach((l, i) => {
          const what = `${lang} ${key} ${width}: ${JSON.stringify(lines)}`;
          if (i > 0) expect(l, what).not.toMatch(/^[.,:;!?)\]}%»，。、：；！？）」』】》\u00a0]/u);
          expect(l, what).not.toMatch(/^[\p{P}\p{S} ]+$/u);
        });
      }
    }
  });

  it('Finnish on 16 columns: the full stop stays with its word', () => {
    const lines = wrap('Järjestelmävirhe. Yritä maksua kerran uudelleen.', 16);
    for (const l of lines) expect(l.startsWith('.')).toBe(false);
    expect(lines.join(' ')).toContain('e.');
  });

  it('Chinese breaks between words, never inside one', () => {
    const lines = wrap('交易被拒：余额不足。请顾客换卡或减少金额。', 16);
    expect(lines.some((l) => l.endsWith('减少金') || l.startsWith('额'))).toBe(false);
    expect(lines.join('|')).toContain('减少金额');
    for (const width of [8, 10, 12, 14, 16, 20]) {
      for (const l of wrap('请顾客换卡或减少金额。', width)) expect(l, `${width}`).not.toMatch(/^额/);
    }
  });

  it('a word wider than the line still splits between graphemes', () => {
    expect(wrap('信用卡交易处理中心', 6)).toEqual(['信用卡', '交易', '处理', '中心']); // words
    expect(wrap('Kreditkartenprüfung.', 8)).toEqual(['Kreditka', 'rtenprüf', 'ung.']);
  });

  it('text of one-cell characters (en, de, fr, fi, ru) needs no word segmenter (start-up time)', async () => {
    vi.resetModules();
    const made: string[] = [];
    const Real = Intl.Segmenter;
    const spy = vi.spyOn(Intl, 'Segmenter').mockImplementation(function (
      this: unknown,
      ...a: ConstructorParameters<typeof Intl.Segmenter>
    ) {
      made.push(String(a[1]?.granularity));
      return new Real(...a);
    } as unknown as typeof Intl.Segmenter);
    try {
      const fresh = await import('../../agent/guidance/layout.js');
      expect(fresh.wrap('Declined: not enough funds. Other card/less, PIN-koodi', 12).length).toBeGreaterThan(
        2,
      );
      fresh.wrap('Käyttöraja täynnä', 12);
      fresh.wrap('Недостаточно средств на карте', 12);
      expect(made).toEqual([]);
      fresh.wrap('余额不足，请换卡', 12);
      expect(made.sort()).toEqual(['grapheme', 'word']);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('paging', () => {
  it('pages what does not fit and never starts a page with a blank line', () => {
    const pages = layout('one two three four five six seven\n\neight', { width: 9, height: 2 });
    expect(pages).toEqual([['one two', 'three'], ['four five', 'six seven'], ['eight']]);
  });

  it('empty text gives one empty page', () => {
    expect(layout('', { width: 16, height: 2 })).toEqual([[]]);
  });

  it('rejects bad geometry with E_GEOMETRY', () => {
    for (const geo of [
      { width: 1, height: 2 },
      { width: 16, height: 0 },
      { width: 16.5, height: 2 },
      { width: Number.NaN, height: 2 },
    ]) {
      expect(() => layout('x', geo)).toThrow(GuidanceError);
    }
  });
});

describe('zero-width graphemes (fast-check find, seed -1758030260)', () => {
  it('a Hangul filler (width 0) alone or between words is kept, not dropped as a space', () => {
    expect(layout('\u3164', { width: 2, height: 1 })).toEqual([['\u3164']]);
    expect(layout('a \u3164 b', { width: 16, height: 1 })).toEqual([['a \u3164 b']]);
  });
});

describe('layout properties (fast-check)', () => {
  const unit = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'B', 'z', ' ', ' ', '-', '/', '.', ':') },
    { weight: 3, arbitrary: fc.constantFrom('中', '文', '，', '。', '（', '）', '「', '」', 'ア', '한') },
    {
      weight: 2,
      arbitrary: fc.constantFrom('é', 'e\u0301', '👍', '👨‍👩‍👧', '🇫🇮', '𝒳', '\u00a0', '\n', '\t'),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
  );
  const text = fc.array(unit, { maxLength: 80 }).map((a) => a.join(''));
  const geo = fc.record({ width: fc.integer({ min: 2, max: 40 }), height: fc.integer({ min: 1, max: 8 }) });

  it('no line is ever wider than the display, no page taller', () => {
    fc.assert(
      fc.property(text, geo, (t, g) => {
        for (const page of layout(t, g)) {
          expect(page.length).toBeLessThanOrEqual(g.height);
          for (const line of page) expect(stringWidth(line)).toBeLessThanOrEqual(g.width);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('is stable: same input, same pages', () => {
    fc.assert(
      fc.property(text, geo, (t, g) => {
        expect(layout(t, g)).toEqual(layout(t, g));
      }),
      { numRuns: 300 },
    );
  });

  it('loses no printable content and never splits a grapheme', () => {
    fc.assert(
      fc.property(text, geo, (t, g) => {
        const lines = layout(t, g).flat();
        // graphemes that fit the width survive unchanged; only ones wider than the line become '?'
        const printable = t.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '').replace(/\t/g, ' ');
        const want = splitG(printable)
          .filter((x) => x !== ' ' && x !== '\n')
          .map((x) => (stringWidth(x) > g.width ? '?' : x))
          .join('');
        expect(ink(lines.join(''))).toBe(want);
        for (const l of lines) expect(wellFormed(l)).toBe(true);
      }),
      { numRuns: 800 },
    );
  });

  it('wider displays never need more lines', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 30 }), (t, w) => {
        expect(wrap(t, w + 10).length).toBeLessThanOrEqual(wrap(t, w).length);
      }),
      { numRuns: 300 },
    );
  });
});
