import { describe, expect, it } from 'vitest';
import { parseFilters } from '../../agent/export/filters.js';
import { buildWhere, countRows, reportQueries, selectRows } from '../../agent/export/query.js';

describe('buildWhere', () => {
  it('is empty without filters', () => {
    expect(buildWhere({})).toEqual({ sql: '', params: [] });
    expect(selectRows({}).sql).toMatch(
      /^SELECT id, seq, .* FROM failures\s+ORDER BY occurred_at ASC, id ASC$/,
    );
  });

  it('never puts a value into the SQL text', () => {
    const evil = "T1' OR '1'='1";
    const f = parseFilters({
      terminal: [evil, 'T2'],
      rc: ['05'],
      category: ['network'],
      last4: ['1234'],
      rrn: ['ABC123'],
      stan: ['42'],
      from: '2026-11-23T00:00Z',
      to: '2026-11-24',
      tz: 'utc',
      minAmount: '12.50',
      maxAmount: '99',
    });
    const q = buildWhere(f);
    for (const v of [evil, '05', 'network', '1234', 'ABC123', '000042', '2026-11-23', '1250', '9900']) {
      expect(q.sql).not.toContain(v);
    }
    expect(q.params).toContain(evil);
    expect(q.params).toContain('000042');
    // one placeholder per parameter
    expect((q.sql.match(/\?/g) ?? []).length).toBe(q.params.length);
    expect(q.sql).toMatch(/terminal_id IN \(\?, \?\)/);
    expect(q.sql).toMatch(/pan_last4 = \?/);
    expect(q.sql).toMatch(/occurred_at >= \? AND occurred_at < \?/);
  });

  it('converts amounts by each currency’s minor units', () => {
    const q = buildWhere(parseFilters({ minAmount: '12.5' }));
    // EUR-like: 1250, JPY-like: 13 (ceil), BHD-like: 12500
    expect(q.params).toContain(1250);
    expect(q.params).toContain(13);
    expect(q.params).toContain(12500);
    expect(q.sql).toMatch(/amount_minor >= \(CASE WHEN currency IN \(/);
    // a single-exponent currency filter needs no CASE
    const one = buildWhere(parseFilters({ minAmount: '12.5', currency: ['JPY'] }));
    expect(one.sql).toContain('amount_minor >= ?');
    expect(one.sql).not.toContain('CASE');
    expect(one.params).toEqual(['392', 13]);
  });

  it('compares terminal wall-clock bounds against the shifted time', () => {
    const q = buildWhere(parseFilters({ from: '2026-11-23T09:00', tz: 'terminal' }));
    expect(q.sql).toContain("strftime('%Y-%m-%dT%H:%M:%f', occurred_at, utc_offset_min || ' minutes') >= ?");
    expect(q.params).toEqual(['2026-11-23T09:00:00.000']);
  });

  it('reuses the WHERE in counts, limits and report aggregates', () => {
    const f = parseFilters({ category: ['network'] });
    expect(countRows(f)).toEqual({
      sql: 'SELECT count(*) AS n FROM failures WHERE category = ?',
      params: ['network'],
    });
    const s = selectRows(f, { newestFirst: true, limit: 10 });
    expect(s.sql).toMatch(/ORDER BY occurred_at DESC, id DESC LIMIT \?$/);
    expect(s.params).toEqual(['network', 10]);
    const r = reportQueries(f, 'hour');
    expect(r.lostRevenue.sql).toContain("WHERE category = ? AND category <> 'approved'");
    expect(r.byTime.sql).toContain('%Y-%m-%d %H:00');
    expect(reportQueries({}, 'day').lostRevenue.sql).toContain("WHERE category <> 'approved'");
  });
});
