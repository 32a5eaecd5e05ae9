import { describe, expect, it } from 'vitest';
import { renderLine, renderTable } from '../../agent/fleet/render.js';
import {
  initialState,
  median,
  reduce,
  summarize,
  type WatchEvent,
  type WatchState,
} from '../../agent/fleet/watch-state.js';
import { failures, metrics, recordAt, status } from './payloads.js';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const msg = (topic: string, body: unknown, at: number): WatchEvent => ({
  type: 'message',
  topic,
  payload: Buffer.from(JSON.stringify(body)),
  at,
});
const apply = (s: WatchState, evs: WatchEvent[]) => evs.reduce(reduce, s);

describe('watch reducer', () => {
  it('tracks online/offline from the retained status and the Last Will', () => {
    let s = initialState({}, T0);
    s = apply(s, [
      msg('pos/v1/shop/T1/status', status('shop', 'T1', 'online'), T0),
      msg('pos/v1/shop/T2/status', status('shop', 'T2', 'online'), T0),
    ]);
    expect(summarize(s).terminals).toMatchObject({ total: 2, online: 2, offline: 0 });
    s = reduce(s, msg('pos/v1/shop/T2/status', status('shop', 'T2', 'offline'), T0 + 1000));
    expect(summarize(s).terminals).toMatchObject({ total: 2, online: 1, offline: 1 });
    // the reducer does not mutate: the old state still says online
    const before = initialState({}, T0);
    const after = reduce(before, msg('pos/v1/shop/T9/status', status('shop', 'T9', 'online'), T0));
    expect(before.terminals.size).toBe(0);
    expect(after.terminals.size).toBe(1);
  });

  it('flags an online terminal that has gone silent', () => {
    let s = initialState({ silentAfterMs: 60_000 }, T0);
    s = reduce(s, msg('pos/v1/shop/T1/status', status('shop', 'T1', 'online'), T0));
    expect(summarize(s, T0 + 30_000).terminals.silent).toBe(0);
    expect(summarize(s, T0 + 61_000).terminals).toMatchObject({ online: 0, silent: 1 });
  });

  it('counts failures per minute by category in the window, deduplicated by id', () => {
    let s = initialState({ windowMs: 5 * 60_000 }, T0);
    const now = T0 + 10 * 60_000;
    const recs = [
      recordAt(1, now - 60_000, { category: 'network', rc: '91' }),
      recordAt(2, now - 120_000, { category: 'network', rc: '91' }),
      recordAt(3, now - 30_000, { category: 'insufficient_funds' }),
      recordAt(4, now - 9 * 60_000, { category: 'network' }), // outside the window
      recordAt(5, now - 10_000, { category: 'approved', rc: '00', retry: 'no_retry_needed' }), // not a failure
    ];
    s = reduce(s, msg('pos/v1/shop/T1/failures', failures('shop', 'T1', recs), now));
    // at-least-once: the same batch again changes nothing
    s = reduce(s, msg('pos/v1/shop/T1/failures', failures('shop', 'T1', recs.slice(0, 2)), now + 10));
    const sum = summarize(s, now + 10);
    expect(sum.perMinuteByCategory).toEqual([
      { category: 'insufficient_funds', count: 1, perMinute: 0.2 },
      { category: 'network', count: 2, perMinute: 0.4 },
    ]);
    expect(sum.perMinuteTotal).toBeCloseTo(0.6);
    expect(sum.rows[0]).toMatchObject({
      key: 'shop/T1',
      failures: 3,
      topCategory: 'network',
      status: 'online',
    });
    // time passes: everything leaves the window
    s = reduce(s, { type: 'tick', at: now + 6 * 60_000 });
    expect(summarize(s).perMinuteTotal).toBe(0);
    expect(s.terminals.get('shop/T1')?.recent).toHaveLength(0);
  });

  it('sums the outbox backlog from metrics', () => {
    let s = initialState({}, T0);
    s = apply(s, [
      msg('pos/v1/shop/T1/metrics', metrics('shop', 'T1', 120, 300), T0),
      msg('pos/v1/shop/T2/metrics', metrics('shop', 'T2', 0), T0),
      msg('pos/v1/shop/T3/metrics', metrics('shop', 'T3', 5, 40), T0),
      msg('pos/v1/shop/T1/metrics', metrics('shop', 'T1', 100, 310), T0 + 1000), // latest wins
    ]);
    expect(summarize(s).backlog).toEqual({ records: 105, terminals: 2, oldestAgeS: 310 });
  });

  it('finds terminals whose failure rate stands out from the fleet median', () => {
    let s = initialState({ windowMs: 10 * 60_000, outlierFactor: 3, outlierMin: 5 }, T0);
    const now = T0 + 60 * 60_000;
    let i = 0;
    const batch = (term: string, n: number) =>
      msg(
        `pos/v1/shop/${term}/failures`,
        failures(
          'shop',
          term,
          Array.from({ length: n }, () => recordAt(i++, now - 1000 * (i % 500))),
        ),
        now,
      );
    s = apply(s, [batch('A', 2), batch('B', 3), batch('C', 2), batch('D', 3), batch('E', 12), batch('F', 4)]);
    const sum = summarize(s, now);
    expect(sum.medianFailures).toBe(3);
    expect(sum.outliers.map((o) => o.key)).toEqual(['shop/E']);
    expect(sum.rows[0]?.key).toBe('shop/E');
    // with a higher minimum nothing stands out
    const strict = summarize({ ...s, config: { ...s.config, outlierMin: 20 } }, now);
    expect(strict.outliers).toEqual([]);
    // a quiet fleet (median 0.5): 5 failures on one terminal stand out, 1 does not
    let q = initialState({ windowMs: 10 * 60_000 }, T0);
    q = apply(q, [
      batch('X', 5),
      batch('Y', 0 + 1),
      msg('pos/v1/shop/Z/status', status('shop', 'Z', 'online'), now),
      msg('pos/v1/shop/W/status', status('shop', 'W', 'online'), now),
    ]);
    expect(summarize(q, now).outliers.map((o) => o.key)).toEqual(['shop/X']);
  });

  it('counts and ignores what is not a valid v1 payload', () => {
    let s = initialState({}, T0);
    s = apply(s, [
      { type: 'message', topic: 'pos/v1/shop/T1/failures', payload: Buffer.from('not json'), at: T0 },
      msg('pos/v1/shop/T1/status', { v: 2, state: 'online' }, T0),
      msg('pos/v1/shop/T1/other', {}, T0),
      msg('pos/v1/shop/T1/metrics', metrics('shop', 'T1', 3), T0),
    ]);
    expect(s.rejected).toBe(3);
    expect(s.messages).toBe(4);
    expect(summarize(s).terminals.total).toBe(1);
  });

  it('median', () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('watch rendering', () => {
  it('renders a table and a line', () => {
    let s = initialState({}, T0);
    s = apply(s, [
      msg('pos/v1/shop/收银台1/status', status('shop', '收银台1', 'online'), T0),
      msg('pos/v1/shop/T2/status', status('shop', 'T2', 'offline'), T0),
      msg(
        'pos/v1/shop/收银台1/failures',
        failures('shop', '收银台1', [recordAt(1, T0 - 1000, { category: 'network' })]),
        T0,
      ),
      msg('pos/v1/shop/T2/metrics', metrics('shop', 'T2', 42, 90), T0),
    ]);
    const sum = summarize(s, T0 + 1000);
    const lines = renderTable(sum, { width: 120, maxRows: 10 });
    expect(lines[1]).toContain('terminals 2: 1 online, 1 offline');
    expect(lines[1]).toContain('backlog 42 records on 1 terminals');
    expect(lines.join('\n')).toContain('network');
    const row = lines.find((l) => l.startsWith('shop/收银台1'));
    expect(row).toBeDefined();
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
    expect(renderLine(sum)).toMatch(
      /terminals=2 online=1 offline=1 silent=0 failures_per_min=0\.2 network=0\.2 backlog=42 outliers=-$/,
    );
  });
});

describe('watch rendering of hostile remote strings (issue 9 item 6)', () => {
  // C0 (ESC, BEL, BS, CR, LF), DEL, C1 (CSI U+009B, OSC U+009D, NEL U+0085), bidi overrides/isolates,
  // and line/paragraph separators: none of these may reach the operator's terminal
  const BAD = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const evil = '\u001b[2J\u001b]0;PWNED\u0007\u009b31m\u009d0;X\u009c\u0085\u007f\b\r\n\u202eRTL\u2066\u2028';
  const term = `T\u001b[31mX\u0007\u202e1`;
  const fleet = `sh\u009bop\u0000`;

  it('strips control and bidi characters from every field it prints', () => {
    let s = initialState({}, T0);
    const m = { ...metrics(fleet, term, 3, 10), alarms: [evil, `disk${evil}full`] };
    s = apply(s, [
      msg(`pos/v1/${fleet}/${term}/status`, status(fleet, term, 'online'), T0),
      msg(`pos/v1/${fleet}/${term}/metrics`, m, T0),
      // enough failures to be an outlier, so the key is printed in the outlier lists too
      msg(
        `pos/v1/${fleet}/${term}/failures`,
        failures(
          fleet,
          term,
          Array.from({ length: 6 }, (_, i) => recordAt(i, T0 - 1000 - i, { category: 'network' })),
        ),
        T0,
      ),
      msg('pos/v1/shop/T2/status', status('shop', 'T2', 'online'), T0),
      msg('pos/v1/shop/T3/status', status('shop', 'T3', 'online'), T0),
    ]);
    const sum = summarize(s, T0 + 1000);
    expect(sum.outliers).toHaveLength(1);
    const lines = renderTable(sum, { width: 200, maxRows: 10 });
    const text = lines.join('\n');
    for (const l of lines) expect(l).not.toMatch(BAD);
    expect(text).toContain('!! outlier [2J]0;PW'); // the text stays readable, only the controls are gone
    expect(text).toContain('shop/T[31mX1'); // the key without its controls
    expect(renderLine(sum)).not.toMatch(BAD);
    expect(renderLine(sum)).toContain('shop/T[31mX1(6)');
  });
});

describe('watch bounds the work per message (issue 9 item 17)', () => {
  it('counts a payload over maxPayloadBytes as rejected without parsing it', () => {
    let s = initialState({ maxPayloadBytes: 1024 }, T0);
    const recs = Array.from({ length: 20 }, (_, i) => recordAt(i, T0 - 1000 - i, { category: 'network' }));
    s = reduce(s, msg('pos/v1/shop/T1/failures', failures('shop', 'T1', recs), T0));
    expect(s.rejected).toBe(1);
    expect(s.terminals.size).toBe(0);
    s = reduce(s, msg('pos/v1/shop/T1/failures', failures('shop', 'T1', recs.slice(0, 1)), T0));
    expect(s.rejected).toBe(1);
    expect(summarize(s).perMinuteTotal).toBeGreaterThan(0);
  });
});
