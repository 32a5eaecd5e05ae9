import { describe, expect, it } from 'vitest';
import { applyMerchantAdvice, lookupCode, MERCHANT_ADVICE } from '../../protocol/response-codes/index.js';

describe('Mastercard merchant advice code (DE 48 SE 84)', () => {
  it('03 and 21 turn any decline into never_same_card', () => {
    for (const mac of ['03', '21']) {
      const row = applyMerchantAdvice(lookupCode('51'), mac);
      expect(row.retry).toBe('never_same_card');
      expect(row.retryAfterMin).toBeNull();
      expect(row.merchantAdvice).toBe(mac);
      expect(row.code).toBe('51');
    }
  });

  it('24-30 give retry_later with the advised wait', () => {
    const want: Record<string, number> = {
      '24': 60,
      '25': 1440,
      '26': 2880,
      '27': 5760,
      '28': 8640,
      '29': 11520,
      '30': 14400,
    };
    for (const [mac, min] of Object.entries(want)) {
      expect(applyMerchantAdvice(lookupCode('05'), mac)).toMatchObject({
        retry: 'retry_later',
        retryAfterMin: min,
      });
    }
  });

  it('01, 02, 04 map as documented', () => {
    expect(applyMerchantAdvice(lookupCode('05'), '01').retry).toBe('after_customer_action');
    expect(applyMerchantAdvice(lookupCode('96'), '02').retry).toBe('retry_later');
    expect(applyMerchantAdvice(lookupCode('05'), '04').retry).toBe('after_customer_action');
    expect(Object.keys(MERCHANT_ADVICE)).toEqual(
      expect.arrayContaining(['01', '02', '03', '04', '21', '24', '30']),
    );
  });

  it('overrides a table retry of never_same_card when MAC says retry later (non-sensitive row)', () => {
    const row = lookupCode('57'); // Visa cat 1 in the table, but the Mastercard issuer says when to retry
    expect(row.retry).toBe('never_same_card');
    expect(applyMerchantAdvice(row, '24')).toMatchObject({ retry: 'retry_later', retryAfterMin: 60 });
  });

  it('leaves approvals, sensitive rows, null and unknown MACs alone', () => {
    const ok = lookupCode('00');
    expect(applyMerchantAdvice(ok, '03')).toBe(ok);
    const stolen = lookupCode('43');
    expect(applyMerchantAdvice(stolen, '24').retry).toBe('never_same_card');
    const r = lookupCode('51');
    expect(applyMerchantAdvice(r, null)).toBe(r);
    expect(applyMerchantAdvice(r, '99')).toBe(r);
    expect(applyMerchantAdvice(r, '')).toBe(r);
  });

  it('caches per (row, MAC): repeated calls return the same object', () => {
    const r = lookupCode('51');
    expect(applyMerchantAdvice(r, '25')).toBe(applyMerchantAdvice(r, '25'));
    expect(applyMerchantAdvice(r, ' 25 ')).toBe(applyMerchantAdvice(r, '25'));
  });
});
