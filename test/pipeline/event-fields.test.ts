/**
 * A bad optional field never loses a failure record: the cashier has already seen the prompt, so
 * the record is kept with that field empty and the problem noted on the record (`notes`), through
 * the real pipeline and the real store. The note names the field and the rule, never the raw value.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { testPipeline } from '../helpers/pipeline.js';
import type { FailureRecord } from '../../agent/record.js';
import { openStore, type FailureStore, type NewFailure } from '../../agent/store/index.js';
import { emptyInvalidOptionalFields, MAX_NOTES } from '../../agent/store/record-schema.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { findPans } from '../../protocol/card/pan.js';
import { createFramer, encodeMessageLine, withCheck } from '../../protocol/framing/index.js';
import { DIALECTS, encodeMessage } from '../../protocol/iso8583/index.js';

let store: FailureStore;
beforeAll(() => {
  store = openStore({
    path: join(tempDir('event-fields-'), 'f.db'),
    bootId: 'boot-1',
    synchronous: 'normal',
  });
});
afterAll(async () => {
  await store.close();
});

/** Feeds one event line (or a whole frame) through framer and pipeline into the store; returns the stored record. */
async function recordOf(body: string | Buffer): Promise<FailureRecord> {
  const stored: Array<Promise<FailureRecord>> = [];
  let shown = 0;
  const pipeline = testPipeline({
    display: { show: () => shown++ },
    record: (f) => stored.push(store.record(f)),
  });
  createFramer({ framing: 'line' }, (e) => pipeline.onLinkEvent(e)).push(
    typeof body === 'string' ? withCheck(`EVT ${body}`) : body,
  );
  expect(shown).toBe(1); // the cashier saw the prompt
  expect(stored).toHaveLength(1);
  return stored[0]!;
}

describe('one bad optional event field', () => {
  it.each([
    ['amount=-5', 'amount_minor', 'amount'],
    ['amount=1.5', 'amount_minor', 'amount'],
    ['amount=1e3', 'amount_minor', 'amount'],
    ['amount=4111111111111111', 'amount_minor', 'amount'], // a PAN is not an amount (field 4 is n12)
    ['currency=EURO', 'currency', 'currency'],
    ['currency=EU', 'currency', 'currency'],
    ['entry=05100', 'entry_mode', 'entry'],
  ] as const)(
    'PIN_TIMEOUT %s: the record is kept, %s empty, the problem noted',
    async (arg, column, name) => {
      const args: Record<string, string> = { stan: '000042', amount: '1250', currency: '978', entry: '051' };
      args[name] = arg.slice(arg.indexOf('=') + 1);
      const rec = await recordOf(
        `PIN_TIMEOUT ${Object.entries(args)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      );
      expect(rec.rc).toBe('L_PIN_TIMEOUT');
      expect(rec[column]).toBeNull();
      expect(rec.notes).toMatch(new RegExp(`^${name}: `));
      // the other fields are kept
      if (column !== 'amount_minor') expect(rec.amount_minor).toBe(1250);
      if (column !== 'currency') expect(rec.currency).toBe('978');
      if (column !== 'entry_mode') expect(rec.entry_mode).toBe('051');
      expect(rec.stan).toBe('000042');
      // the raw value is not copied into the note, and no card number anywhere
      expect(rec.notes).not.toContain(arg.slice(arg.indexOf('=') + 1));
      expect(findPans(JSON.stringify(rec))).toEqual([]);
      // and it is in the database
      const row = store.db
        .prepare('SELECT amount_minor, currency, entry_mode, notes FROM failures WHERE id = ?')
        .get(rec.id) as Record<string, unknown>;
      expect(row.notes).toBe(rec.notes);
    },
  );

  it('two bad fields: both emptied, both noted', async () => {
    const rec = await recordOf('CARD_READ_ERROR amount=-5 currency=EURO reason=chip');
    expect(rec.amount_minor).toBeNull();
    expect(rec.currency).toBeNull();
    expect(rec.notes).toMatch(/^amount: .*; currency: /);
  });

  it('good fields: no note', async () => {
    const rec = await recordOf('HOST_TIMEOUT stan=000123 amount=000000001250 currency=978');
    expect(rec.amount_minor).toBe(1250);
    expect(rec.currency).toBe('978');
    expect(rec.notes).toBeNull();
  });
});

describe('emptyInvalidOptionalFields', () => {
  it('empties a missing or wrongly typed optional field, leaves required fields and notes to the store', () => {
    const f = {
      ...syntheticFailure(4),
      stan: 42,
      rrn: undefined,
      rc: '',
      notes: null,
    } as unknown as NewFailure;
    const out = emptyInvalidOptionalFields(f);
    expect(out).toBe(f);
    expect(f.stan).toBeNull();
    expect(f.rrn).toBeNull();
    expect(f.rc).toBe(''); // required: the store refuses the record
    expect(f.notes).toBe('stan: not 1 to 12 digits; rrn: not 1 to 12 letters, digits or spaces');
  });

  it('cuts the notes to the longest the record takes', () => {
    const f = { ...syntheticFailure(5), currency: 'EURO', notes: 'x'.repeat(495) };
    emptyInvalidOptionalFields(f);
    expect(f.currency).toBeNull();
    expect(f.notes).toHaveLength(MAX_NOTES);
    expect(f.notes!.endsWith('…')).toBe(true);
    const ok = syntheticFailure(6);
    expect(emptyInvalidOptionalFields({ ...ok })).toEqual(ok);
  });
});

describe('a field from the response or request copy that does not fit the record', () => {
  it.each(['123456789012', '12345678901'])(
    'a decline whose field 2 is %s: kept, pan_masked empty and noted',
    async (pan) => {
      const bytes = encodeMessage(DIALECTS.ascii, {
        mti: '0210',
        fields: { 2: pan, 3: '000000', 4: '000000001000', 11: '000777', 39: '51', 49: '978' },
      });
      const rec = await recordOf(encodeMessageLine('RSP', bytes));
      expect(rec.rc).toBe('51');
      expect(rec.stan).toBe('000777');
      expect(rec.amount_minor).toBe(1000);
      expect(rec.pan_masked).toBeNull();
      expect(rec.notes).toBe('pan_masked: not in the expected form');
    },
  );

  it.each([
    ['track 2 tail in field 37 (card-data fuzz seed 2077136807)', { 37: '4847=9413258' }, 'rrn'],
    ['track 1 separator in field 38', { 38: 'AB^CD1' }, 'auth_code'],
    ['a BCD track 2 piece in field 37 (letters and digits, seed 1585935428)', { 37: '0044D3522921' }, 'rrn'],
  ])('%s: emptied and noted, never stored', async (_what, extra, key) => {
    const bytes = encodeMessage(DIALECTS.ascii, {
      mti: '0210',
      fields: { 3: '000000', 4: '000000001000', 11: '000778', 39: '05', 49: '978', ...extra },
    });
    const rec = await recordOf(encodeMessageLine('RSP', bytes));
    expect(rec.rc).toBe('05');
    expect(rec.stan).toBe('000778');
    expect((rec as unknown as Record<string, unknown>)[key]).toBeNull();
    expect(rec.notes).toMatch(new RegExp(`^${key}: not 1 to \\d+ letters, digits or spaces$`));
    expect(JSON.stringify(rec)).not.toMatch(/4847=9413258|AB\^CD1|0044D3522921/);
  });

  it('is emptied and noted (a dialect with a 12-character field 22), the rest kept', async () => {
    const f = {
      ...syntheticFailure(3),
      entry_mode: '51010151334C', // ISO 8583:1993 POS data code (an12), longer than entry_mode takes
      amount_minor: 1_000_000_000_000, // 13 digits: more than field 4's n12
      notes: 'currency: not a 3-digit ISO 4217 numeric code',
    };
    const rec = await store.record(emptyInvalidOptionalFields(f));
    expect(rec.entry_mode).toBeNull();
    expect(rec.amount_minor).toBeNull();
    expect(rec.stan).toBe(f.stan);
    expect(rec.notes).toBe(
      'currency: not a 3-digit ISO 4217 numeric code; amount_minor: not a whole number from 0 to 999999999999; entry_mode: not 1 to 4 digits',
    );
  });
});
