/**
 * The one-glance failure screen (agent/pipeline/screens.ts): for every code of the response-code
 * table and every local fault, in every language, on every display size the agent takes, with and
 * without the repeat-decline guard: the title row fits by string-width and carries the whole
 * code; the screen has one page that fits and carries the catalog's action (and, from 20x4 up,
 * the short reason). Also the short forms themselves, the LCD's transliteration, the detail
 * pages INFO opens, and merchant overrides of the new keys.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { ScreenBook } from '../../agent/pipeline/screens.js';
import { BUILT_IN, createCatalog, LANGS } from '../../agent/guidance/index.js';
import { titleRow } from '../../hardware/display/pager.js';
import { toLcdBytes } from '../../hardware/display/lcd.js';
import type { Screen } from '../../hardware/display/types.js';
import { allRows, displayCode, EMV_MESSAGES, lookupCode } from '../../protocol/response-codes/index.js';

const SIZES = [
  { width: 16, height: 2 },
  { width: 20, height: 2 },
  { width: 20, height: 4 },
  { width: 32, height: 8 },
  { width: 40, height: 4 },
] as const;
const catalog = createCatalog();
const isLocal = (code: string) => code.startsWith('L_');
const rows = allRows();

describe('the glance screen fits and says status, code and action', () => {
  it('covers the whole table, local faults included', () => {
    expect(rows.length).toBeGreaterThan(150);
    expect(rows.filter((r) => isLocal(r.code)).length).toBe(12);
  });

  it.each(SIZES)('every code x language x stop on $width x $height', ({ width, height }) => {
    // ~4,000 screens a size: each rule is checked plainly and a broken one is noted with what broke
    // (one expect at the end; an expect with its message per check made this test 10x slower)
    const bad: string[] = [];
    const check = (ok: boolean, what: () => string) => {
      if (!ok) bad.push(what());
    };
    let checked = 0;
    for (const stop of [false, true]) {
      const book = new ScreenBook(catalog, { width, height });
      for (const lang of LANGS) {
        const stopAction = catalog.text('stop_retrying.action', lang);
        for (const row of rows) {
          const what = () => `${row.code} ${lang} ${width}x${height}${stop ? ' stop' : ''}`;
          const s = book.failure(row, lang, stop);
          const g = catalog.guidance(row, lang);
          const local = isLocal(row.code);
          // title row: fits, and ends with the whole code (a local fault: its terminal code)
          check(stringWidth(s.title) <= width, () => `${what()}: title too wide: ${s.title}`);
          const shown = displayCode(row);
          check(shown.length >= 2, () => `${what()}: no display code`);
          check(s.title.endsWith(` ${shown}`) || s.title === shown, () => `${what()}: code: ${s.title}`);
          if (local) check(!s.title.includes(row.code), () => `${what()}: the L_ name shown: ${s.title}`);
          check(s.title.trim().length > displayCode(row).length, () => `${what()}: no status: ${s.title}`);
          // one page that fits the display minus the title row
          check(s.pages.length === 1, () => `${what()}: ${s.pages.length} pages`);
          const page = s.pages[0]!;
          check(page.length <= height - 1, () => `${what()}: ${page.length} lines`);
          for (const l of page) check(stringWidth(l) <= width, () => `${what()}: line too wide: "${l}"`);
          // the action, whole on its own line; from 3 text lines on, the reason above it
          const action = stop ? stopAction : g.action;
          check(page.includes(action), () => `${what()}: no action "${action}": ${JSON.stringify(page)}`);
          if (height - 1 >= 3)
            check(page[0] === g.reason, () => `${what()}: reason not first: ${JSON.stringify(page)}`);
          // the drivers add no page indicator to a one-page screen: the row is the title
          check(
            titleRow(s, 0, width, stringWidth, (x) => x).trimEnd() === s.title,
            () => `${what()}: title row differs`,
          );
          checked++;
        }
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBe(2 * LANGS.length * rows.length);
  });

  it('the short forms fit: action 16 columns, reason 20, status short form 12 (wide characters count 2)', () => {
    for (const lang of LANGS) {
      for (const [key, e] of Object.entries(BUILT_IN[lang].entries)) {
        expect(stringWidth(e.action), `${lang} ${key}: ${e.action}`).toBeLessThanOrEqual(16);
        const reason = e.reason ?? e.title;
        expect(stringWidth(reason), `${lang} ${key}: ${reason}`).toBeLessThanOrEqual(20);
        expect(e.action.trim(), `${lang} ${key}`).toBe(e.action);
        expect(e.action.length, `${lang} ${key}`).toBeGreaterThan(1);
        // a reason of its own only where the title is too long for the glance, or where it would
        // only repeat the status row ("DECLINED 05 / Declined")
        const statuses = Object.entries(BUILT_IN[lang].strings)
          .filter(([k]) => /^emv\.[0-9A-F]{2}$/.test(k))
          .map(([, v]) => v.toLowerCase());
        if (e.status !== undefined) statuses.push(e.status.toLowerCase());
        if (e.reason !== undefined)
          expect(
            stringWidth(e.title) > 20 || statuses.includes(e.title.toLowerCase()),
            `${lang} ${key}: reason without need`,
          ).toBe(true);
        // and where the title is the status, the glance shows a reason that is not
        if (e.reason !== undefined) expect(statuses, `${lang} ${key}`).not.toContain(e.reason.toLowerCase());
        if (lang !== 'en')
          expect(e.status === undefined, `${lang} ${key}`).toBe(
            BUILT_IN.en.entries[key]?.status === undefined,
          );
      }
      for (const id of Object.keys(EMV_MESSAGES)) {
        const short = BUILT_IN[lang].strings[`emv.${id}.short`];
        if (short !== undefined)
          expect(stringWidth(short), `${lang} emv.${id}.short`).toBeLessThanOrEqual(12);
      }
    }
  });

  it('examples: DECLINED 51 / Other card/less on 16x2; reason and action on 20x4', () => {
    const b16 = new ScreenBook(catalog, { width: 16, height: 2 });
    const b20 = new ScreenBook(catalog, { width: 20, height: 4 });
    expect(b16.failure(lookupCode('51'), 'en', false)).toMatchObject({
      title: 'DECLINED 51',
      pages: [['Other card/less']],
    });
    expect(b16.failure(lookupCode('51'), 'de', false).title).toBe('ABGELEHNT 51');
    expect(b16.failure(lookupCode('51'), 'zh', false).title).toBe('交易被拒 51');
    expect(b20.failure(lookupCode('54'), 'en', true)).toMatchObject({
      title: 'DECLINED 54',
      pages: [['Card expired', "Don't retry card"]],
    });
    // the code is never cut: the status gives way (its short form here)
    expect(b16.failure(lookupCode('96'), 'en', false).title).toBe('PROC. ERROR 96');
    expect(b16.failure(lookupCode('96'), 'de', false).title).toBe('FEHLER 96');
    expect(b16.failure(lookupCode('1A'), 'ru', false).title).toBe('ВСТАВЬТЕ 1A');
  });

  it('a PIN cancelled by the customer is CANCELLED, not DECLINED', () => {
    const b = new ScreenBook(catalog, { width: 16, height: 2 });
    const cancel = lookupCode('L_PIN_CANCEL');
    expect(b.failure(cancel, 'en', false).title).toBe('CANCELLED PC');
    expect(b.failure(cancel, 'de', false).title).toBe('ABGEBROCHEN PC');
    expect(b.failure(lookupCode('17'), 'en', false).title).toBe('CANCELLED 17');
    for (const lang of LANGS)
      expect(b.failure(cancel, lang, false).title).not.toContain(catalog.text('emv.07', lang));
  });

  it('65 (a frequency limit) has its own text: a smaller amount does not help it', () => {
    for (const lang of LANGS) {
      const g61 = catalog.guidance(lookupCode('61'), lang);
      const g65 = catalog.guidance(lookupCode('65'), lang);
      expect(g65.cashier, lang).not.toBe(g61.cashier);
      expect(g65.title, lang).not.toBe(g61.title);
    }
    expect(catalog.guidance(lookupCode('65'), 'en').cashier).not.toMatch(/smaller amount/);
    expect(catalog.guidance(lookupCode('65'), 'en').action).toBe('Ask other card');
    expect(catalog.guidance(lookupCode('61'), 'en').action).toBe('Other card/less');
  });
});

describe('on a character LCD', () => {
  /** What an HD44780 shows in the title row: the driver measures code points, then transliterates. */
  const lcdTitle = (s: Screen, width: number) =>
    toLcdBytes(
      titleRow(
        s,
        0,
        width,
        (x) => [...x].length,
        (x, w) => [...x].slice(0, w).join(''),
      ),
      width,
    ).toString('latin1');

  it('the code survives the transliteration (Russian 1A is not "1"), glance and detail', () => {
    for (const geometry of [
      { width: 16, height: 2 },
      { width: 20, height: 4 },
    ]) {
      const book = new ScreenBook(catalog, geometry);
      for (const lang of ['en', 'de', 'fr', 'ru', 'fi'] as const) {
        for (const row of rows) {
          const code = displayCode(row);
          // the detail title has less room (its page indicator): checked on the narrowest display
          const screens = [book.failure(row, lang, false)];
          if (geometry.width === 16) screens.push(book.detail(row, lang, null, false));
          for (const s of screens) {
            expect(lcdTitle(s, geometry.width), `${row.code} ${lang} ${geometry.width}`).toMatch(
              new RegExp(` ${code}( |$)`),
            );
          }
        }
      }
    }
    expect(
      lcdTitle(new ScreenBook(catalog, { width: 20, height: 4 }).failure(lookupCode('1A'), 'ru', false), 20),
    ).toMatch(/^VSTAVTE KARTU 1A +$/);
  });
});

describe('the detail pages (INFO)', () => {
  const book = new ScreenBook(catalog, { width: 20, height: 4 });

  it('start with the reason, then what to do, customer text (») and steps', () => {
    const d = book.detail(lookupCode('54'), 'en', null, false);
    const text = d.pages.map((p) => p.join(' ')).join(' / ');
    expect(d.pages[0]!.join(' ')).toMatch(/^Card expired\. Ask for/);
    expect(text).toMatch(/» This card has expired/);
    expect(text).toMatch(/1\. Offer another card/);
    expect(text.indexOf('Card expired')).toBeLessThan(text.indexOf('»'));
    expect(text.indexOf('»')).toBeLessThan(text.indexOf('1. '));
  });

  it('with the guard: the reason first, then "stop retrying"', () => {
    const d = book.detail(lookupCode('54'), 'en', null, true);
    expect(d.pages[0]!.join(' ')).toMatch(/^Card expired/);
    expect(d.pages[1]!.join(' ')).toMatch(/^Stop retrying this card/);
    expect(book.failure(lookupCode('54'), 'en', true).pages[0]).toContain("Don't retry card");
  });

  it('customer text in the language the card asks for; the title row leaves room for the page indicator', () => {
    const d = book.detail(lookupCode('51'), 'en', 'defr', false);
    expect(d.pages.flat().join(' ')).toMatch(/» Ihre Bank/);
    for (const lang of LANGS) {
      for (const code of ['51', '96', '1A', '116', '01']) {
        const s = new ScreenBook(catalog, { width: 16, height: 2 }).detail(
          lookupCode(code),
          lang,
          null,
          true,
        );
        const ind = ` ${s.pages.length}/${s.pages.length}`;
        expect(stringWidth(s.title) + ind.length, `${code} ${lang}`).toBeLessThanOrEqual(16);
        expect(s.title.endsWith(code), `${code} ${lang}: ${s.title}`).toBe(true);
      }
    }
  });
});

describe('merchant overrides reach the short forms', () => {
  it('action, reason and status from a texts file show on the glance; none is taken for a typo', () => {
    const unknown: string[] = [];
    const c = createCatalog({
      overrides: {
        de: { 'insufficient_funds.action': 'Weniger/Karte', 'insufficient_funds.reason': 'Konto leer' },
        en: { 'do_not_honour.status': 'NO' },
        sv: { 'insufficient_funds.action': 'Annat kort', 'emv.07': 'NEKAD' },
      },
      onUnknownKey: (lang, key) => unknown.push(`${lang}:${key}`),
    });
    expect(unknown).toEqual([]);
    const b = new ScreenBook(c, { width: 20, height: 4 });
    expect(b.failure(lookupCode('51'), 'de', false).pages[0]).toEqual(['Konto leer', 'Weniger/Karte']);
    expect(b.failure(lookupCode('05'), 'en', false).title).toBe('NO 05');
    const sv = b.failure(lookupCode('51'), 'sv', false);
    expect(sv.title).toBe('NEKAD 51');
    expect(sv.pages[0]).toContain('Annat kort');
  });

  it('an over-long override still gives one page that fits', () => {
    const c = createCatalog({
      overrides: {
        en: { 'insufficient_funds.action': 'Ask the customer for another card or a smaller amount, please' },
      },
    });
    for (const geometry of SIZES) {
      const s = new ScreenBook(c, geometry).failure(lookupCode('51'), 'en', false);
      expect(s.pages).toHaveLength(1);
      expect(s.pages[0]!.length).toBeLessThanOrEqual(geometry.height - 1);
      for (const l of s.pages[0]!) expect(stringWidth(l)).toBeLessThanOrEqual(geometry.width);
    }
  });
});
