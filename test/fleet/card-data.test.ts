/**
 * cardDataIn: track data and card security codes in free text (what scrubPans cannot mask in
 * place), in machine fields and in prose a person wrote, where "ref=1234" is not a track.
 */
import { describe, expect, it } from 'vitest';
import { cardDataIn } from '../../protocol/card/card-data.js';

describe('cardDataIn', () => {
  it('finds track 1 and track 2 data, whole or in pieces', () => {
    for (const t of [
      ';4111111111111111=25121010000012300000?',
      '1111=2512101',
      '%B4111111111111111^DOE/JOHN^2512101000000000?',
      'name ^DOE/JOHN^2512101',
      'left after masking: 411111******1111=2512101000******0000?',
      // BCD track 2 in a lowercase hex dump: 'd' is the separator nibble
      'track 4761739001010119d2512101000012300000f',
    ]) {
      expect(cardDataIn(t), t).toBe('track data');
      expect(cardDataIn(t, true), t).toBe('track data');
    }
  });

  it('finds a security code written after its name', () => {
    for (const t of [
      'cvv 123',
      'CVV2: 123',
      'cvc: 9876',
      'the CSC #123 was read',
      'security code 123',
      'cvv2_123',
      'cvv2.123',
      'CVV2/123',
      'ref2cvc 987',
    ])
      expect(cardDataIn(t), t).toBe('a card security code');
  });

  it('leaves other text alone; in prose a lone "=" and 4 digits is not a track', () => {
    for (const t of [
      'Called the bank, ref 4471',
      'rrn: not 1 to 12 letters, digits or spaces',
      'cvv checked, fine',
      'cvv 12345',
      'discvv 123',
      'CVVS 123',
      'version 0.1.0',
      '2026-12-03T11:29:41.513Z',
    ])
      expect(cardDataIn(t), t).toBeNull();
    expect(cardDataIn('ticket=4471', true)).toBeNull();
    expect(cardDataIn('ticket=4471')).toBe('track data'); // a machine field: the strict rule
  });
});
