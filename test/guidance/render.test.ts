import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import {
  createCatalog,
  createPromptRenderer,
  GuidanceError,
  LANGS,
  layout,
} from '../../agent/guidance/index.js';
import { allRows, lookupCode } from '../../protocol/response-codes/index.js';

describe('createPromptRenderer', () => {
  const catalog = createCatalog();

  it('renders the cashier prompt laid out for the display', () => {
    const r = createPromptRenderer(catalog, { width: 20, height: 4 });
    const row = lookupCode('51');
    expect(r.render(row, 'de')).toEqual(
      layout(catalog.guidance(row, 'de').cashier, { width: 20, height: 4 }),
    );
  });

  it('memoizes per (text key, language): repeated renders return the same frozen pages', () => {
    const r = createPromptRenderer(catalog, { width: 16, height: 2 });
    const a = r.render(lookupCode('51'), 'zh');
    expect(r.render(lookupCode('51'), 'zh')).toBe(a);
    expect(r.render(lookupCode('116'), 'zh')).toBe(a); // same text key
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a[0])).toBe(true);
    expect(r.render(lookupCode('51'), 'fi')).not.toBe(a);
  });

  it('every row fits 16x2 in every language through the renderer', () => {
    const r = createPromptRenderer(catalog, { width: 16, height: 2 });
    for (const row of allRows()) {
      for (const lang of LANGS) {
        for (const page of r.render(row, lang)) {
          expect(page.length).toBeLessThanOrEqual(2);
          for (const line of page) expect(stringWidth(line)).toBeLessThanOrEqual(16);
        }
      }
    }
  });

  it('renders the stop-retrying text in all six languages', () => {
    const r = createPromptRenderer(catalog, { width: 20, height: 4 });
    const seen = new Set<string>();
    for (const lang of LANGS) {
      const pages = r.renderKey('stop_retrying', lang);
      const text = pages.flat().join(' ');
      expect(text.length).toBeGreaterThan(10);
      seen.add(text);
      expect(r.renderKey('stop_retrying', lang)).toBe(pages);
    }
    expect(seen.size).toBe(6);
  });

  it('unknown languages render in English and are still bounded', () => {
    const r = createPromptRenderer(catalog, { width: 20, height: 4 });
    expect(r.render(lookupCode('51'), 'xx')).toEqual(r.render(lookupCode('51'), 'en'));
    for (let i = 0; i < 100; i++) r.render(lookupCode('05'), `q${i}`); // garbage tags do not grow the memo without bound
  });

  it('checks the geometry', () => {
    expect(() => createPromptRenderer(catalog, { width: 0, height: 2 })).toThrow(GuidanceError);
  });
});
