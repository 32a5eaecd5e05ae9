import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, LOCAL_FAULTS, RETRY_ADVICE } from '../../agent/record.js';
import {
  ACTORS,
  allRows,
  type CodeRow,
  createCodeTable,
  displayCode,
  EMV_MESSAGES,
  lookupCode,
  lookupCodeBytes,
  MAP_1993_TO_1987,
  NETWORK_PROFILES,
  ResponseCodeError,
} from '../../protocol/response-codes/index.js';

const enc = new TextEncoder();
const VISA_CAT1 = ['04', '07', '12', '14', '15', '41', '43', '46', '57', 'R0', 'R1', 'R3'];
const SENSITIVE = ['04', '07', '33', '34', '35', '36', '37', '38', '41', '43', '59', '63', '66', '67', '83'];

describe('table coverage', () => {
  it('has every ISO 8583:1987 code 00-99', () => {
    for (let i = 0; i < 100; i++) {
      const code = String(i).padStart(2, '0');
      const row = lookupCode(code);
      expect(row.known, code).toBe(true);
      expect(row.standard, code).toBe('1987');
    }
  });

  it('has the common network-specific alphanumeric codes', () => {
    for (const code of [
      'A1',
      'N7',
      'Q1',
      'R0',
      'R1',
      'R3',
      'Z1',
      'Z2',
      'Z3',
      'Y1',
      'Y3',
      '1A',
      '5C',
      '6P',
      '9G',
      'N3',
      'N4',
      'Z5',
    ]) {
      expect(lookupCode(code).known, code).toBe(true);
    }
  });

  it('has every 1993 action code in 000-299 and 900-999', () => {
    for (const first of [0, 1, 2, 9]) {
      for (let i = 0; i < 100; i++) {
        const code = String(first * 100 + i).padStart(3, '0');
        const row = lookupCode(code);
        expect(row.known, code).toBe(true);
        expect(row.standard, code).toBe('1993');
      }
    }
    expect(lookupCode('000').category).toBe('approved');
    expect(lookupCode('150').category).toBe('issuer_decline');
    expect(lookupCode('250').sensitive).toBe(true);
    expect(lookupCode('960').category).toBe('system_fault');
  });

  it('handles a 1993 code like its 1987 equivalent (docs/sources.md §The 1993 to 1987 map)', () => {
    for (const [c93, c87] of Object.entries(MAP_1993_TO_1987)) {
      const a = lookupCode(c93);
      const b = lookupCode(c87);
      expect([a.category, a.retry, a.sensitive, a.textKey, a.emvMessage], `${c93}→${c87}`).toEqual([
        b.category,
        b.retry,
        b.sensitive,
        b.textKey,
        b.emvMessage,
      ]);
    }
    expect(lookupCode('116').meaning).toBe('Not sufficient funds');
    expect(lookupCode('208').textKey).toBe(lookupCode('41').textKey);
  });

  it('has a row for every local fault', () => {
    for (const code of Object.values(LOCAL_FAULTS)) {
      const row = lookupCode(code);
      expect(row.known, code).toBe(true);
      expect(row.standard, code).toBe('local');
      expect(row.visaCategory).toBeNull();
    }
  });

  it('shows each local fault as its own two-letter terminal code (the display column of LOCAL_CODES)', () => {
    const local = allRows().filter((r) => r.standard === 'local');
    expect(local.map((r) => r.code).sort()).toEqual(Object.values(LOCAL_FAULTS).sort());
    const shown = local.map((r) => displayCode(r));
    for (const c of shown) expect(c).toMatch(/^[A-Z]{2}$/);
    expect(new Set(shown).size).toBe(local.length);
    expect(displayCode(lookupCode('L_TIMEOUT'))).toBe('TO');
    expect(displayCode(lookupCode('L_DOUBLE_CHARGE'))).toBe('DC');
    expect(displayCode(lookupCode('51'))).toBe('51');
    // the column is not part of the row: a local row reads as every other
    expect(lookupCode('L_MALFORMED')).toMatchObject({
      category: 'system_fault',
      textKey: 'malformed_response',
    });
  });

  it('every row is well formed', () => {
    const rows = allRows();
    expect(rows.length).toBeGreaterThan(500);
    const seen = new Set<string>();
    for (const r of rows) {
      expect(seen.has(r.code), `duplicate ${r.code}`).toBe(false);
      seen.add(r.code);
      expect(CATEGORIES).toContain(r.category);
      expect(RETRY_ADVICE).toContain(r.retry);
      expect(ACTORS).toContain(r.actor);
      expect(Object.keys(EMV_MESSAGES), r.code).toContain(r.emvMessage);
      expect(r.meaning.length, r.code).toBeGreaterThan(0);
      expect(r.textKey.length, r.code).toBeGreaterThan(0);
      expect(r.known).toBe(true);
      if (r.retryAfterMin !== null) expect(r.retry, r.code).toBe('retry_later');
      if (r.category === 'approved') {
        expect(r.retry, r.code).toBe('no_retry_needed');
        expect(r.visaCategory, r.code).toBeNull();
      } else {
        expect(r.retry, r.code).not.toBe('no_retry_needed');
      }
    }
  });
});

describe('network retry rules', () => {
  it('Visa category 1 codes are never retried with the same card', () => {
    for (const code of VISA_CAT1) {
      const row = lookupCode(code);
      expect(row.visaCategory, code).toBe(1);
      expect(row.retry, code).toBe('never_same_card');
    }
  });

  it('sensitive reasons (lost, stolen, pick-up, fraud, security) are flagged and never retried', () => {
    for (const code of [
      ...SENSITIVE,
      '102',
      '122',
      '129',
      ...Array.from({ length: 11 }, (_, i) => String(200 + i)),
    ]) {
      const row = lookupCode(code);
      expect(row.sensitive, code).toBe(true);
      expect(row.retry, code).toBe('never_same_card');
    }
    for (const code of ['00', '05', '51', '55', '91', '1A', 'L_TIMEOUT'])
      expect(lookupCode(code).sensitive, code).toBe(false);
  });

  it('technical codes allow one immediate retry; soft declines need the customer', () => {
    for (const code of ['19', '91', '96', '68', 'L_CARD_READ', 'L_REVERSED'])
      expect(lookupCode(code).retry, code).toBe('retry_now');
    // a timeout is reversed first: no retry until "Reversed. Safe to try again" (docs/outcomes.md)
    expect(lookupCode('L_TIMEOUT').retry).toBe('retry_later');
    for (const code of ['55', '1A', '01', '02', 'L_PIN_TIMEOUT'])
      expect(lookupCode(code).retry, code).toBe('after_customer_action');
    expect(lookupCode('51')).toMatchObject({ retry: 'retry_later', retryAfterMin: 1440, visaCategory: 2 });
  });

  it('uses the EMV Book 4 message ids for the short prompt', () => {
    expect(lookupCode('05').emvMessage).toBe('07');
    expect(lookupCode('01').emvMessage).toBe('04');
    expect(lookupCode('55').emvMessage).toBe('0A');
    expect(lookupCode('19').emvMessage).toBe('13');
    expect(lookupCode('96').emvMessage).toBe('0F');
    expect(lookupCode('00').emvMessage).toBe('03');
  });
});

describe('lookup', () => {
  it('unknown codes get a safe generic fallback row, known=false', () => {
    const row = lookupCode('ZQ');
    expect(row).toMatchObject({
      code: 'ZQ',
      known: false,
      standard: 'fallback',
      category: 'unknown',
      sensitive: false,
    });
    expect(row.retry).not.toBe('retry_now');
    expect(lookupCode('')).toMatchObject({ known: false });
    expect(lookupCode('日本')).toMatchObject({ known: false });
    expect(lookupCode('TOOLONGCODE')).toMatchObject({ known: false });
  });

  it('trims spaces and ignores case', () => {
    expect(lookupCode(' 51 ')).toBe(lookupCode('51'));
    expect(lookupCode('1a')).toBe(lookupCode('1A'));
    expect(lookupCode('l_timeout')).toBe(lookupCode('L_TIMEOUT'));
  });

  it('reports each unknown code once', () => {
    const seen: string[] = [];
    const t = createCodeTable(undefined, { onUnknown: (c) => seen.push(c) });
    t.lookup('ZQ');
    t.lookup('zq');
    t.lookupBytes(enc.encode('ZQ'), 0, 2);
    t.lookup('777x');
    t.lookup('777x');
    t.lookup('51');
    expect(seen).toEqual(['ZQ', '777x']);
  });

  it('lookupCodeBytes agrees with lookupCode for every row', () => {
    for (const r of allRows()) {
      const buf = enc.encode(`xx${r.code}yy`);
      expect(lookupCodeBytes(buf, 2, r.code.length), r.code).toBe(lookupCode(r.code));
    }
  });

  it('lookupCodeBytes agrees with lookupCode on arbitrary ASCII (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789ABCZaz _!'.split('')), maxLength: 6 }),
        (s) => {
          const buf = enc.encode(`#${s}#`);
          const a = lookupCodeBytes(buf, 1, s.length);
          const b = lookupCode(s);
          expect(a).toBe(b);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('lookupCodeBytes is safe with bad ranges', () => {
    const buf = enc.encode('51');
    expect(lookupCodeBytes(buf, 1, 5).known).toBe(false);
    expect(lookupCodeBytes(buf, -1, 2).known).toBe(false);
  });

  it('repeated lookups return the same frozen object (no allocation per lookup)', () => {
    const buf = enc.encode('ZZ51');
    const first = lookupCodeBytes(buf, 0, 2);
    expect(lookupCodeBytes(buf, 0, 2)).toBe(first);
    expect(Object.isFrozen(lookupCodeBytes(buf, 2, 2))).toBe(true);
    expect(lookupCodeBytes(buf, 2, 2)).toBe(lookupCodeBytes(enc.encode('51'), 0, 2));
  });
});

describe('per-acquirer overrides', () => {
  it('network profiles change 76-78 and 85', () => {
    const visa = createCodeTable();
    const mc = createCodeTable(NETWORK_PROFILES.mastercard);
    expect(visa.lookup('78').textKey).toBe('card_not_active');
    expect(mc.lookup('78')).toMatchObject({
      textKey: 'invalid_card',
      retry: 'never_same_card',
      known: true,
      code: '78',
    });
    expect(mc.lookup('76').textKey).toBe('no_account');
    expect(mc.lookupBytes(enc.encode('78'), 0, 2)).toBe(mc.lookup('78'));
    expect(lookupCode('78').textKey).toBe('card_not_active'); // the default table is untouched
    const sca = createCodeTable(NETWORK_PROFILES.mastercard_eu_sca);
    expect(sca.lookup('65').textKey).toBe('chip_pin_required');
  });

  it('can add a new code, including a long one', () => {
    const t = createCodeTable({
      Q9: { category: 'network', retry: 'retry_now', meaning: 'Acquirer busy' },
      X_BUSY: { category: 'network' },
    });
    expect(t.lookup('Q9')).toMatchObject({
      known: true,
      category: 'network',
      retry: 'retry_now',
      standard: 'network',
    });
    expect(t.lookupBytes(enc.encode('x_busy'), 0, 6)).toBe(t.lookup('X_BUSY'));
    expect(t.rows().some((r) => r.code === 'Q9')).toBe(true);
  });

  it('finds an added code of at most 3 characters with an underscore (one lookup path)', () => {
    const t = createCodeTable({ X_: { category: 'network', meaning: 'Short local code' } });
    expect(t.lookup('x_')).toMatchObject({ code: 'X_', known: true, meaning: 'Short local code' });
    expect(t.lookupBytes(enc.encode(' X_ '), 0, 4)).toBe(t.lookup('X_'));
  });

  it('a code longer than any in the table, or beyond Latin-1, is unknown and reported trimmed', () => {
    const seen: string[] = [];
    const t = createCodeTable(undefined, { onUnknown: (c) => seen.push(c) });
    expect(t.lookup(` ${'9'.repeat(80)} `).known).toBe(false);
    expect(t.lookup(' 5\u0100 ').known).toBe(false);
    expect(seen).toEqual(['9'.repeat(80), '5\u0100']);
  });

  it('rejects bad overrides with E_CONFIG', () => {
    expect(() => createCodeTable({ '51': { category: 'nope' as never } })).toThrow(ResponseCodeError);
    expect(() => createCodeTable({ '51': { retryAfterMin: -5 } })).toThrow(/retryAfterMin/);
    expect(() => createCodeTable({ 'bad code': { category: 'network' } })).toThrow(/1-24 characters/);
    try {
      createCodeTable({ '51': { emvMessage: 'XYZ' } });
      expect.unreachable();
    } catch (e) {
      expect((e as ResponseCodeError).code).toBe('E_CONFIG');
    }
  });
});

describe('row invariants hold in every override-free table copy', () => {
  it('rows() returns a copy', () => {
    const t = createCodeTable();
    const rows = t.rows();
    rows.pop();
    expect(t.rows().length).toBe(rows.length + 1);
    const r = rows[0] as CodeRow;
    expect(Object.isFrozen(r)).toBe(true);
  });
});
