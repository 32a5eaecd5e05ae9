import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import {
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

function rec(over: Partial<FailureRecord> = {}): FailureRecord {
  return {
    id: '01JQ7Z8K4M2N5P6R7S8T9V0W1X',
    seq: 7,
    boot_id: 'b',
    terminal_id: 'TID00042',
    merchant_id: 'MID000000123456',
    occurred_at: '2026-01-15T23:30:05.250Z',
    utc_offset_min: 120,
    mti: '0210',
    processing_code: '000000',
    amount_minor: 123456,
    currency: '978',
    pan_masked: '476173******0119',
    card_brand: 'visa',
    entry_mode: '071',
    stan: '000321',
    rrn: '601523000321',
    auth_code: null,
    rc: '05',
    rc_source: 'issuer',
    category: 'issuer_decline',
    retry: 'after_customer_action',
    notes: null,
    synced_at: null,
    ...over,
  };
}
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
