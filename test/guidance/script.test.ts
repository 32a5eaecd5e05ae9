import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_CODE_BLANK,
  createCatalog,
  formatAmount,
  GuidanceError,
  issuerScript,
  issuerScriptPages,
  LANGS,
  localTime,
  utcTime,
} from '../../agent/guidance/index.js';
import type { FailureRecord } from '../../agent/record.js';
import { findPans } from '../../protocol/card/pan.js';
import { lookupCode } from '../../protocol/response-codes/index.js';
import { sensitiveHits } from './sensitive-words.js';
import { saleRecord } from '../helpers/sale.js';

const rec = saleRecord;
const term = { merchantName: 'KAHVILA AURORA', timezone: 'Europe/Helsinki' };

describe('issuerScript', () => {
  it('lists the details in order, with times, amount and masked card', () => {
    const lines = issuerScript(rec(), term, 'en', { columns: 48 });
    const text = lines.join('\n');
    const order = [
      'Time (local)',
      'Time (UTC)',
      'Merchant:',
      'Merchant ID',
      'Terminal ID',
      'Amount',
      'Card',
      'STAN',
      'RRN',
      'Response code',
    ];
    let at = -1;
    for (const label of order) {
      const i = text.indexOf(label);
      expect(i, label).toBeGreaterThan(at);
      at = i;
    }
    expect(text).toContain('2026-01-16 01:30:05 +02:00'); // Helsinki in winter, next day
    expect(text).toContain('2026-01-15 23:30:05');
    expect(text).toContain('KAHVILA AURORA');
    expect(text).toContain('EUR 1234.56');
    expect(text).toContain('476173******0119 Visa');
    expect(text).toContain('05 - Declined');
    expect(text).not.toContain('Approval code'); // no auth code → no line
    expect(lines.join(' ')).toMatch(/Could you tell me why/);
  });

  it('prints the approval code when there is one, and the referral question for 01', () => {
    const text = issuerScript(rec({ rc: '01', auth_code: 'X7Y8Z9' }), term, 'en', { columns: 32 }).join('\n');
    expect(text).toContain('X7Y8Z9');
    expect(text).toMatch(/approval code\?/);
  });

  it('asks whether a technical failure went through', () => {
    const text = issuerScript(rec({ rc: 'L_TIMEOUT', rc_source: 'local' }), term, 'de', { columns: 32 }).join(
      '\n',
    );
    expect(text).toMatch(/genehmigt oder storniert/);
  });

  it('fits 58 mm and 80 mm paper in every language, CJK counted as two columns', () => {
    for (const lang of LANGS) {
      for (const columns of [32, 48]) {
        for (const rc of ['05', '51', '43', '01', 'L_TIMEOUT', '1A', 'ZZ']) {
          const lines = issuerScript(rec({ rc, auth_code: rc === '01' ? 'ABC123' : null }), term, lang, {
            columns,
          });
          expect(lines.length).toBeGreaterThan(10);
          for (const l of lines)
            expect(stringWidth(l), `${lang} ${columns} ${rc}: ${l}`).toBeLessThanOrEqual(columns);
        }
      }
    }
    const zh = issuerScript(rec(), term, 'zh', { columns: 32 });
    expect(zh.some((l) => l.length < stringWidth(l))).toBe(true); // wide characters present and counted
  });

  it('pages for the display fit the geometry', () => {
    for (const lang of LANGS) {
      for (const geo of [
        { width: 16, height: 2 },
        { width: 20, height: 4 },
        { width: 32, height: 8 },
      ]) {
        const pages = issuerScriptPages(rec(), term, lang, geo);
        expect(pages.length).toBeGreaterThan(1);
        for (const p of pages) {
          expect(p.length).toBeLessThanOrEqual(geo.height);
          for (const l of p) expect(stringWidth(l)).toBeLessThanOrEqual(geo.width);
        }
      }
    }
  });

  it('never prints a full card number, even if the record carries one by mistake', () => {
    const bad = rec({ pan_masked: '4761739001010119' });
    for (const lang of LANGS) {
      const lines = issuerScript(bad, term, lang, { columns: 48 });
      expect(findPans(lines.join('\n'))).toEqual([]);
      expect(lines.join('\n')).toContain('476173******0119');
      expect(
        findPans(issuerScriptPages(bad, term, lang, { width: 20, height: 4 }).flat().join('\n')),
      ).toEqual([]);
    }
  });

  it('does not reveal a sensitive reason: the meaning printed is generic', () => {
    for (const code of ['04', '07', '41', '43', '59', '63', '208', '209']) {
      for (const lang of LANGS) {
        const text = issuerScript(rec({ rc: code }), term, lang, { columns: 48 }).join('\n');
        expect(sensitiveHits(text), `${code} ${lang}`).toEqual([]);
      }
    }
  });

  it('falls back to the recorded offset for a missing or unknown time zone', () => {
    expect(localTime('2026-01-15T23:30:05Z', 120)).toBe('2026-01-16 01:30:05 +02:00');
    expect(localTime('2026-01-15T23:30:05Z', -300, 'Not/AZone')).toBe('2026-01-15 18:30:05 -05:00');
    expect(localTime('2026-07-01T12:00:00Z', 0, 'Asia/Kolkata')).toBe('2026-07-01 17:30:00 +05:30');
    expect(localTime('not a time', 0)).toBe('not a time');
    expect(utcTime('2026-07-01T12:00:00.999Z')).toBe('2026-07-01 12:00:00');
  });

  it('uses the merchant catalog overrides when given', () => {
    const catalog = createCatalog({
      overrides: { en: { 'script.title': 'Call the bank (Kahvila Aurora)' } },
    });
    const lines = issuerScript(rec(), term, 'en', { columns: 48, catalog, row: lookupCode('05') });
    expect(lines[0]?.trim()).toBe('Call the bank (Kahvila Aurora)');
  });

  it('rejects bad printer widths', () => {
    expect(() => issuerScript(rec(), term, 'en', { columns: 10 })).toThrow(GuidanceError);
    expect(() => issuerScript(rec(), term, 'en', { columns: 32.5 })).toThrow(/columns/);
  });
});

describe('issuerScript: the real sale (issue 11)', () => {
  const withAcq = { ...term, acquirer: 'NORDIC ACQUIRING OY' };
  const WIDTHS = [16, 20, 32, 42, 48];

  it('names the transaction type, the entry mode and the acquirer in every language', () => {
    const expected: Record<string, [string, string]> = {
      en: ['Purchase', 'Contactless'],
      de: ['Zahlung', 'Kontaktlos'],
      fr: ['Paiement', 'Sans contact'],
      ru: ['Покупка', 'Бесконтактно'],
      fi: ['Osto', 'Lähimaksu'],
      zh: ['消费', '非接触（闪付）'],
    };
    for (const lang of LANGS) {
      const text = issuerScript(rec(), withAcq, lang, { columns: 48 }).join('\n');
      const [txn, entry] = expected[lang]!;
      expect(text, lang).toContain(txn);
      expect(text, lang).toContain(entry);
      expect(text, lang).toContain('NORDIC ACQUIRING OY');
    }
    // no acquirer configured: no acquirer line
    expect(issuerScript(rec(), term, 'en', { columns: 48 }).join('\n')).not.toContain('Acquirer');
  });

  it('reads the transaction type from MTI and processing code, the entry mode from field 22', () => {
    const line = (over: Partial<FailureRecord>, label: string) =>
      issuerScript(rec(over), term, 'en', { columns: 48 }).find((l) => l.startsWith(label)) ?? '';
    expect(line({ processing_code: '200000' }, 'Transaction')).toMatch(/Refund$/);
    expect(line({ processing_code: '010000' }, 'Transaction')).toMatch(/Cash advance$/);
    expect(line({ processing_code: '090000' }, 'Transaction')).toMatch(/Purchase with cashback$/);
    expect(line({ mti: '0110' }, 'Transaction')).toMatch(/Pre-authorization$/);
    expect(line({ mti: '0410' }, 'Transaction')).toMatch(/Reversal$/);
    expect(line({ processing_code: '310000' }, 'Transaction')).toMatch(/0210 \/ 310000$/);
    expect(line({ entry_mode: '051' }, 'Card read by')).toMatch(/Chip$/);
    expect(line({ entry_mode: '901' }, 'Card read by')).toMatch(/Magnetic stripe$/);
    expect(line({ entry_mode: '012' }, 'Card read by')).toMatch(/Manual entry$/);
    expect(line({ entry_mode: '801' }, 'Card read by')).toMatch(/chip failed/);
    expect(line({ entry_mode: '991' }, 'Card read by')).toMatch(/991$/);
    expect(line({ entry_mode: null }, 'Card read by')).toMatch(/-$/);
  });

  it('gives referrals (01, 02) a line to write the approval code on, and no other code', () => {
    for (const lang of LANGS) {
      for (const rc of ['01', '02']) {
        const lines = issuerScript(rec({ rc }), term, lang, { columns: 32 });
        expect(
          lines.some((l) => l.includes(APPROVAL_CODE_BLANK)),
          `${lang} ${rc}`,
        ).toBe(true);
        const label = createCatalog().text('label.auth_code', lang);
        // the label's line with the blank (the opening question may name the approval code too)
        const i = lines.findIndex((l) => l.startsWith(label) && l.includes(APPROVAL_CODE_BLANK));
        expect(i, `${lang} ${rc}`).toBeGreaterThan(lines.findIndex((l) => l.includes(`${rc} - `)));
      }
      for (const rc of ['05', '51', 'L_TIMEOUT']) {
        const text = issuerScript(rec({ rc }), term, lang, { columns: 32 }).join('\n');
        expect(text, `${lang} ${rc}`).not.toContain(APPROVAL_CODE_BLANK);
      }
    }
    // an approval code already received is printed instead of the blank
    const got = issuerScript(rec({ rc: '01', auth_code: 'X7Y8Z9' }), term, 'en', { columns: 32 });
    expect(got.join('\n')).toContain('X7Y8Z9');
    expect(got.join('\n')).not.toContain(APPROVAL_CODE_BLANK);
  });

  it('never splits a number or id across lines, at every width and language, and every line fits', () => {
    const cases = [
      rec(),
      rec({ rc: '01', amount_minor: 999999999999, merchant_id: '123456789012345', rrn: '999999999999' }),
      rec({ pan_masked: '625094*********0119', card_brand: 'unionpay', rc: '51' }),
    ];
    for (const r of cases) {
      const card = r.pan_masked!;
      const numbers = [r.stan!, r.rrn!, r.merchant_id, r.terminal_id, String(r.amount_minor).slice(0, -2)];
      for (const lang of LANGS) {
        for (const width of WIDTHS) {
          const printed = issuerScript(r, withAcq, lang, { columns: width });
          const paged = issuerScriptPages(r, withAcq, lang, { width, height: 4 }).flat();
          for (const lines of [printed, paged]) {
            const where = `${lang} ${width} ${r.rc}`;
            for (const l of lines) expect(stringWidth(l), `${where}: ${l}`).toBeLessThanOrEqual(width);
            for (const n of numbers)
              expect(
                lines.some((l) => l.includes(n)),
                `${where} ${n}`,
              ).toBe(true);
            // the card number whole: as stored, or with four stars when the line is too narrow
            const short = card.replace(/\*+/, '****');
            expect(
              lines.some((l) => l.includes(card) || (card.length > width && l.includes(short))),
              `${where} ${card}\n${lines.join('\n')}`,
            ).toBe(true);
            expect(findPans(lines.join('\n'))).toEqual([]);
          }
        }
      }
    }
  });

  it('at 16 columns a card number goes whole under its label (was "476173******01" / "19 Visa")', () => {
    const lines = issuerScript(rec(), term, 'en', { columns: 16 });
    const i = lines.findIndex((l) => l.startsWith('Card:'));
    expect(lines[i + 1]).toBe('476173******0119');
    expect(lines[i + 2]).toBe('Visa');
  });
});

describe('formatAmount (ISO 4217)', () => {
  it('uses the currency alpha code and its minor units', () => {
    expect(formatAmount(1234, '978', '.')).toBe('EUR 12.34');
    expect(formatAmount(1234, '978', ',')).toBe('EUR 12,34');
    expect(formatAmount(1234, '392', '.')).toBe('JPY 1234');
    expect(formatAmount(1234, '414', '.')).toBe('KWD 1.234');
    expect(formatAmount(5, '840', '.')).toBe('USD 0.05');
    expect(formatAmount(-250, '826', '.')).toBe('GBP -2.50');
    expect(formatAmount(0, '156', '.')).toBe('CNY 0.00');
    expect(formatAmount(99, '999', '.')).toBe('99 (currency 999, minor units)');
    expect(formatAmount(null, '978', '.')).toBeNull();
  });
});
