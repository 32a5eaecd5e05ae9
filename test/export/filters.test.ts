import { describe, expect, it } from 'vitest';
import {
  decimalToMinor,
  findCurrency,
  formatMoney,
  minorToDecimal,
} from '../../protocol/currency/iso4217.js';
import { ExportError } from '../../agent/export/errors.js';
import { parseFilters, parseTimeBound, splitList } from '../../agent/export/filters.js';

function usage(fn: () => unknown): ExportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExportError);
    return e as ExportError;
  }
  throw new Error('expected an ExportError');
}

describe('parseTimeBound', () => {
  it('reads an instant with Z or an offset whatever --tz says', () => {
    expect(parseTimeBound('--from', '2026-11-23T10:15:00Z', 'local', false)).toEqual({
      clock: 'utc',
      value: '2026-11-23T10:15:00.000Z',
    });
    expect(parseTimeBound('--from', '2026-11-23T10:15+01:00', 'terminal', false).value).toBe(
      '2026-11-23T09:15:00.000Z',
    );
    expect(parseTimeBound('--from', '2026-11-23T10:15:30.5-0530', 'utc', false).value).toBe(
      '2026-11-23T15:45:30.500Z',
    );
    expect(parseTimeBound('--from', '2026-11-23 10:15-05', 'utc', false).value).toBe(
      '2026-11-23T15:15:00.000Z',
    );
  });

  it('reads a bare date as the start of the day, and as the end of the day for --to', () => {
    expect(parseTimeBound('--from', '2026-11-23', 'utc', false).value).toBe('2026-11-23T00:00:00.000Z');
    expect(parseTimeBound('--to', '2026-11-23', 'utc', true).value).toBe('2026-11-24T00:00:00.000Z');
    expect(parseTimeBound('--to', '2026-12-31', 'utc', true).value).toBe('2027-01-01T00:00:00.000Z');
    // a date-time --to is exclusive as written
    expect(parseTimeBound('--to', '2026-11-23T17:00', 'utc', true).value).toBe('2026-11-23T17:00:00.000Z');
  });

  it('reads a time without offset in the local zone by default', () => {
    const expected = new Date(2026, 10, 23, 10, 15, 0, 0).toISOString();
    expect(parseTimeBound('--from', '2026-11-23T10:15', 'local', false)).toEqual({
      clock: 'utc',
      value: expected,
    });
  });

  it('keeps a terminal wall-clock bound as naive text', () => {
    expect(parseTimeBound('--from', '2026-11-23T09:00', 'terminal', false)).toEqual({
      clock: 'terminal',
      value: '2026-11-23T09:00:00.000',
    });
    expect(parseTimeBound('--to', '2026-02-28', 'terminal', true).value).toBe('2026-03-01T00:00:00.000');
  });

  it('rejects malformed and impossible dates naming the option', () => {
    for (const bad of [
      'yesterday',
      '2026-13-01',
      '2026-02-30',
      '2026-11-23T25:00',
      '23.11.2026',
      '2026-11-23T10:15+19:00',
    ]) {
      const e = usage(() => parseTimeBound('--from', bad, 'utc', false));
      expect(e.code).toBe('E_USAGE');
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(/^--from: /);
    }
  });
});

describe('parseFilters', () => {
  it('splits repeated and comma-separated lists', () => {
    expect(splitList(['network,card_problem', 'network', ' issuer_decline '])).toEqual([
      'network',
      'card_problem',
      'issuer_decline',
    ]);
    expect(parseFilters({ category: ['network,card_problem'] }).categories).toEqual([
      'network',
      'card_problem',
    ]);
  });

  it('validates categories against CATEGORIES', () => {
    const e = usage(() => parseFilters({ category: ['network', 'bogus'] }));
    expect(e.message).toMatch(/^--category: "bogus" is not a category/);
  });

  it('normalizes STAN, codes and currencies', () => {
    const f = parseFilters({ stan: ['123'], rc: ['l_timeout,05'], currency: ['eur', '840'] });
    expect(f.stans).toEqual(['000123']);
    expect(f.rcs).toEqual(['L_TIMEOUT', '05']);
    expect(f.currencies).toEqual(['978', '840']);
  });

  it('rejects bad values with the option name', () => {
    expect(usage(() => parseFilters({ last4: ['12a4'] })).message).toMatch(/^--last4:/);
    expect(usage(() => parseFilters({ stan: ['1234567'] })).message).toMatch(/^--stan:/);
    expect(usage(() => parseFilters({ currency: ['XYZ'] })).message).toMatch(/^--currency:/);
    expect(usage(() => parseFilters({ minAmount: '12,50' })).message).toMatch(/^--min-amount:/);
    expect(usage(() => parseFilters({ maxAmount: '-3' })).message).toMatch(/^--max-amount:/);
    expect(usage(() => parseFilters({ minAmount: '20', maxAmount: '10' })).message).toMatch(/^--max-amount:/);
    expect(usage(() => parseFilters({ tz: 'mars' })).message).toMatch(/^--tz:/);
    expect(usage(() => parseFilters({ from: '2026-11-24', to: '2026-11-23' })).message).toMatch(/^--to:/);
  });
});

describe('currency', () => {
  it('maps ISO 4217 numeric codes to alpha and minor units', () => {
    expect(findCurrency('978')).toEqual({ numeric: '978', alpha: 'EUR', exponent: 2 });
    expect(findCurrency('392')?.exponent).toBe(0);
    expect(findCurrency('48')?.alpha).toBe('BHD');
    expect(findCurrency('bhd')?.exponent).toBe(3);
    expect(findCurrency('999')).toBeUndefined();
  });

  it('converts amounts exactly, rounding toward the inside of a bound', () => {
    expect(decimalToMinor('12.50', 2, 'ceil')).toBe(1250);
    expect(decimalToMinor('12.5', 0, 'ceil')).toBe(13);
    expect(decimalToMinor('12.5', 0, 'floor')).toBe(12);
    expect(decimalToMinor('0.001', 3, 'floor')).toBe(1);
    expect(decimalToMinor('7', 3, 'floor')).toBe(7000);
    expect(decimalToMinor('1e3', 2, 'floor')).toBeUndefined();
    expect(minorToDecimal(1250, 2)).toBe('12.50');
    expect(minorToDecimal(5, 3)).toBe('0.005');
    expect(minorToDecimal(1234, 0)).toBe('1234');
  });

  it('formats money in the report language with the currency minor units', () => {
    expect(formatMoney('en', 123450, '978')).toBe('€1,234.50');
    expect(formatMoney('de-DE', 123450, '978').replace(/\s/g, ' ')).toBe('1.234,50 €');
    expect(formatMoney('en', 1234, '392')).toBe('¥1,234');
    expect(formatMoney('en', 1234, '048')).toMatch(/1\.234/);
  });
});
