/**
 * The card-data policy for a record's fields (agent/store/record-card-data.ts), the one loop the
 * store's intake and the fleet collector share: each field by its rule, PANs masked (ids only for a
 * card number an issuer could have issued), track data and security codes emptied where a field
 * may be null and refused where not, an amount that is a card number emptied.
 */
import { describe, expect, it } from 'vitest';
import { admit } from '../../agent/store/intake.js';
import { cleanCardData } from '../../agent/store/record-card-data.js';
import { FAILURE_RECORD, NEW_FAILURE } from '../../agent/store/record-rules.js';
import { StoreError } from '../../agent/store/errors.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { findPans } from '../../protocol/card/pan.js';
import { holdsCardData } from '../../protocol/card/card-data.js';
import { monotonicUlid, ULID_RE } from '../../agent/store/ulid.js';
import { captureLogger } from '../helpers/log.js';

const TRACK2 = ';4761739001010119=25121010000012300000?';

describe('cleanCardData', () => {
  it('masks a PAN in a text, empties track data in a field that may be null, refuses it in one that may not', () => {
    const f: Record<string, unknown> = {
      ...syntheticFailure(1),
      card_brand: 'visa 4761739001010119',
      notes: `swiped ${TRACK2}`,
    };
    expect(cleanCardData(f, NEW_FAILURE, 'store')).toEqual({
      masked: ['card_brand'],
      emptied: ['notes: held track data, emptied by the store'],
    });
    expect(f.card_brand).toBe('visa 476173******0119');
    expect(f.notes).toBeNull();
    expect(cleanCardData({ ...syntheticFailure(1), rc: 'CVC2 987' }, NEW_FAILURE, 'store')).toEqual({
      refused: 'rc: holds a card security code',
    });
  });

  it('masks an id only for a card number an issuer could have issued (no card number begins with 0)', () => {
    for (const merchant_id of ['000000000000042', 'M00000000000042']) {
      const f: Record<string, unknown> = { ...syntheticFailure(1), merchant_id };
      expect(cleanCardData(f, NEW_FAILURE, 'store')).toEqual({ masked: [], emptied: [] });
      expect(f.merchant_id).toBe(merchant_id);
    }
    const f: Record<string, unknown> = { ...syntheticFailure(1), terminal_id: 'T4761739001010119' };
    expect(cleanCardData(f, NEW_FAILURE, 'store').masked).toEqual(['terminal_id']);
    expect(f.terminal_id).toBe('T476173******0119');
    // zeros in front of a card number do not hide it: a PAN in a zero-padded fixed-length field
    for (const [merchant_id, masked] of [
      ['04761739001010119', '047617*******0119'],
      ['0 4761 7390 0101 0119', '0 4761 7*** **** 0119'],
      ['004222222222222', '004222*****2222'],
    ] as const) {
      const g: Record<string, unknown> = { ...syntheticFailure(1), merchant_id };
      expect(cleanCardData(g, NEW_FAILURE, 'store').masked, merchant_id).toEqual(['merchant_id']);
      expect(g.merchant_id).toBe(masked);
    }
  });

  it("leaves track shapes in a wire field to that field's own form, and looks at no strict form", () => {
    // the store's wire rule refuses the shape itself; a received record's wire fields are length-checked only
    const wire: Record<string, unknown> = { ...syntheticFailure(1), rrn: '1111=2512101' };
    expect(cleanCardData(wire, NEW_FAILURE, 'store')).toEqual({ masked: [], emptied: [] });
    const received: Record<string, unknown> = { rrn: '1111=2512101' };
    expect(cleanCardData(received, FAILURE_RECORD, 'collector').emptied).toEqual([
      'rrn: held track data, emptied by the collector',
    ]);
    // a field in the ULID form is not looked at; a text in a ULID's shape is (a PAN and 10 more
    // characters, a BCD track): the store's old exemption wrote both in full
    const id = '01JD6ZQ3R5W7Y9A1C3E5G7J9KM';
    expect(cleanCardData({ id, linked_id: id }, FAILURE_RECORD, 'collector')).toEqual({
      masked: [],
      emptied: [],
    });
    const shaped: Record<string, unknown> = {
      ...syntheticFailure(1),
      notes: '4761739001010119ABCDEFGHJK',
      card_brand: '4761739001010119D251210100',
    };
    expect(cleanCardData(shaped, NEW_FAILURE, 'store')).toEqual({
      masked: ['notes'],
      emptied: ['card_brand: held track data, emptied by the store'],
    });
    expect(shaped.notes).toBe('476173******0119ABCDEFGHJK');
    expect(
      cleanCardData(
        { ...syntheticFailure(1), merchant_id: '47617390010101190000000000' },
        NEW_FAILURE,
        'store',
      ),
    ).toEqual({
      masked: ['merchant_id'],
      emptied: [],
    });
  });

  it('empties an amount that is a card number, refuses a card number in a number that may not be null', () => {
    const f: Record<string, unknown> = { amount_minor: 4_761_739_001_010_119, utc_offset_min: 60 };
    expect(cleanCardData(f, NEW_FAILURE, 'store').emptied).toEqual([
      'amount_minor: held a card number, emptied by the store',
    ]);
    expect(f.amount_minor).toBeNull();
    expect(cleanCardData({ utc_offset_min: 4_761_739_001_010_119 }, NEW_FAILURE, 'store')).toEqual({
      refused: 'utc_offset_min: holds a card number',
    });
    // 13 digits that are no card number: the rule's range decides
    expect(cleanCardData({ amount_minor: 1e12 }, NEW_FAILURE, 'store')).toEqual({ masked: [], emptied: [] });
  });
});

describe('the store through the policy', () => {
  it('keeps a zero-padded merchant id as it is (it was masked into another id)', () => {
    const { logger, lines } = captureLogger();
    const r = admit({ ...syntheticFailure(1), merchant_id: '000000000000042' }, logger);
    expect(r).not.toBeInstanceOf(StoreError);
    expect((r as { merchant_id: string }).merchant_id).toBe('000000000000042');
    expect(lines.some((l) => l.includes('pan_masked_on_store'))).toBe(false);
  });

  it('empties an amount that is a card number and names it in notes, with the rest of the record kept', () => {
    const { logger, lines } = captureLogger();
    const r = admit({ ...syntheticFailure(1), amount_minor: 4_761_739_001_010_119 }, logger);
    expect(r).not.toBeInstanceOf(StoreError);
    expect(r).toMatchObject({
      amount_minor: null,
      notes: 'amount_minor: held a card number, emptied by the store',
    });
    expect(
      lines.some((l) => l.includes('"card_data_emptied_on_store"') && l.includes('"amount_minor"')),
    ).toBe(true);
    expect(findPans(lines.join('\n'))).toEqual([]);
  });
});

describe('ids of ours never read as card data (agent/store/ulid.ts)', () => {
  /** A generator whose random part is `text` (Crockford base32: a digit is its own value, D is 13). */
  const drawing = (text: string) => () =>
    Uint8Array.from(text, (c) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c));

  it('skips an id holding a PAN or a track shape, keeping the order, so the collector never refuses one', () => {
    for (const random of ['4761739001010119', '5413330089020011', 'ABC4761739001010', '12345678D1234567']) {
      const next = monotonicUlid(drawing(random));
      const now = Date.UTC(2026, 11, 4);
      const ids = [next(now), next(now), next(now)];
      for (const id of ids) {
        expect(id, random).toMatch(ULID_RE);
        expect(holdsCardData(id), id).toBe(false);
      }
      expect([...ids].sort()).toEqual(ids);
      expect(new Set(ids).size).toBe(3);
    }
    // the drawn value itself would have been card data: not vacuous
    expect(holdsCardData(`01KBM8Z000${'4761739001010119'}`)).toBe(true);
  });

  it('refuses a record whose id, and empties a link whose id, reads as card data', () => {
    const bad = '4761739001010119D251210100'; // in the ULID form, and a BCD track
    expect(bad).toMatch(ULID_RE);
    expect(cleanCardData({ id: bad }, FAILURE_RECORD, 'collector')).toEqual({
      refused: 'id: holds card data',
    });
    const f: Record<string, unknown> = { linked_id: bad };
    expect(cleanCardData(f, FAILURE_RECORD, 'collector').emptied).toEqual([
      'linked_id: held card data, emptied by the collector',
    ]);
    expect(f.linked_id).toBeNull();
    const { logger } = captureLogger();
    const r = admit({ ...syntheticFailure(1), linked_id: '5413330089020011ABCDEFGHJK' }, logger);
    expect(r).toMatchObject({ linked_id: null, notes: 'linked_id: held card data, emptied by the store' });
  });
});
