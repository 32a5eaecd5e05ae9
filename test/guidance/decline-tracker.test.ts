import { describe, expect, it } from 'vitest';
import { cardKey, DeclineTracker, GuidanceError } from '../../agent/guidance/index.js';
import { applyMerchantAdvice, lookupCode } from '../../protocol/response-codes/index.js';

const H = 60 * 60 * 1000;
const SECRET = 'device-secret-0123456789abcdef';
const K1 = cardKey(SECRET, '4761739001010119');
const K2 = cardKey(SECRET, '5413330089020011');

describe('DeclineTracker', () => {
  it('stops after the configured count (default 10) within 24 h', () => {
    const t = new DeclineTracker();
    const r = lookupCode('05');
    for (let i = 1; i <= 9; i++)
      expect(t.note(K1, r, i * 1000)).toEqual({ count: i, stop: false, reason: null });
    expect(t.note(K1, r, 10_000)).toEqual({ count: 10, stop: true, reason: 'count' });
    expect(t.note(K2, r, 10_000)).toEqual({ count: 1, stop: false, reason: null }); // another card
  });

  it('uses a sliding window', () => {
    const t = new DeclineTracker({ maxPerDay: 3 });
    const r = lookupCode('51');
    t.note(K1, r, 0);
    t.note(K1, r, 10 * H);
    expect(t.note(K1, r, 20 * H)).toMatchObject({ count: 3, stop: true, reason: 'count' });
    expect(t.note(K1, r, 24 * H + 1)).toMatchObject({ count: 3, stop: true }); // the first one left the window
    expect(t.peek(K1, 34 * H + 1)).toMatchObject({ count: 2, stop: false });
    expect(t.peek(K1, 60 * H)).toMatchObject({ count: 0, stop: false });
  });

  it('stops at once on Visa category 1 and on Mastercard MAC 03/21', () => {
    const t = new DeclineTracker();
    expect(t.note(K1, lookupCode('14'), 0)).toEqual({ count: 1, stop: true, reason: 'network_rule' });
    // the card stays blocked for the window, whatever the next code says
    expect(t.note(K1, lookupCode('91'), H)).toMatchObject({ stop: true, reason: 'network_rule' });
    expect(t.note(K1, lookupCode('05'), 25 * H)).toMatchObject({ stop: false });

    for (const mac of ['03', '21']) {
      const tt = new DeclineTracker();
      expect(tt.note(K2, applyMerchantAdvice(lookupCode('51'), mac), 0)).toMatchObject({
        stop: true,
        reason: 'network_rule',
      });
      expect(new DeclineTracker().note(K2, applyMerchantAdvice(lookupCode('51'), '24'), 0).stop).toBe(false);
    }
  });

  it('does not count approvals or local faults', () => {
    const t = new DeclineTracker({ maxPerDay: 2 });
    expect(t.note(K1, lookupCode('00'), 0)).toEqual({ count: 0, stop: false, reason: null });
    expect(t.size).toBe(0);
    t.note(K1, lookupCode('05'), 1);
    expect(t.note(K1, lookupCode('L_TIMEOUT'), 2)).toMatchObject({ count: 1, stop: false });
    expect(t.note(K1, lookupCode('00'), 3)).toMatchObject({ count: 1, stop: false });
    expect(t.note(K1, lookupCode('05'), 4)).toMatchObject({ count: 2, stop: true });
  });

  it('bounds memory: caps entries and evicts the least recently seen card', () => {
    const t = new DeclineTracker({ maxEntries: 3 });
    const r = lookupCode('05');
    const keys = ['a1', 'b2', 'c3', 'd4'].map((k) => cardKey(SECRET, k));
    t.note(keys[0] as string, r, 0);
    t.note(keys[1] as string, r, 1);
    t.note(keys[2] as string, r, 2);
    t.note(keys[0] as string, r, 3); // a1 is now the most recent
    t.note(keys[3] as string, r, 4); // evicts b2
    expect(t.size).toBe(3);
    expect(t.peek(keys[1] as string, 5).count).toBe(0);
    expect(t.peek(keys[0] as string, 5).count).toBe(2);
    for (let i = 0; i < 1000; i++) t.note(cardKey(SECRET, `card${i}`), r, 10 + i);
    expect(t.size).toBe(3);
  });

  it('caps the timestamps kept per card', () => {
    const t = new DeclineTracker({ maxPerDay: 5 });
    let last = { count: 0 };
    for (let i = 0; i < 500; i++) last = t.note(K1, lookupCode('05'), i);
    expect(last.count).toBe(64);
  });

  it('sweep drops cards with nothing left in the window', () => {
    const t = new DeclineTracker();
    t.note(K1, lookupCode('05'), 0);
    t.note(K2, lookupCode('05'), 20 * H);
    t.sweep(25 * H);
    expect(t.size).toBe(1);
  });

  it('refuses a bare card number as key, and card keys do not contain the PAN', () => {
    const t = new DeclineTracker();
    expect(() => t.note('4761739001010119', lookupCode('05'), 0)).toThrow(GuidanceError);
    expect(K1).not.toContain('4761739001010119');
    expect(K1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cardKey(SECRET, '4761 7390 0101 0119')).toBe(K1);
    expect(cardKey(`${SECRET}x`, '4761739001010119')).not.toBe(K1);
    expect(() => cardKey('short', '4761739001010119')).toThrow(/16 bytes/);
  });

  it('validates its options', () => {
    expect(() => new DeclineTracker({ maxPerDay: 0 })).toThrow(GuidanceError);
    expect(() => new DeclineTracker({ maxEntries: 1.5 })).toThrow(/maxEntries/);
  });
});
