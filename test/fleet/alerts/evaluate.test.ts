/** Alert evaluation: pure, time from the inputs; each kind raises once per occasion with a stable key. */
import { describe, expect, it } from 'vitest';
import {
  type AlertInput,
  evaluate,
  initialAlertState,
  type TerminalState,
} from '../../../agent/fleet/alerts/evaluate.js';
import { ApprovalCounter, terminalFromWatch } from '../../../agent/fleet/alerts/feed.js';
import { type AlertRule, parseAlertsConfig } from '../../../agent/fleet/alerts/rules.js';
import { initialState, reduce } from '../../../agent/fleet/watch-state.js';
import type { FailureRecord } from '../../../agent/record.js';
import { makeRecord } from '../../export/seed.js';
import { metrics, status } from '../payloads.js';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const MIN = 60_000;
const hook = { webhooks: [{ url: 'https://hooks.example.com/a', secret: 'whsec-0123456789abcdef' }] };

function rules(...rs: Record<string, unknown>[]): AlertRule[] {
  return parseAlertsConfig({ base_url: 'https://p.example.com', rules: rs }).rules;
}

function rec(i: number, tMs: number, over: Partial<FailureRecord> = {}): FailureRecord {
  return makeRecord(i, { terminal_id: 'T0000001', occurred_at: new Date(tMs).toISOString(), ...over });
}

function feed(rs: AlertRule[], inputs: AlertInput[]) {
  const state = initialAlertState();
  return { state, alerts: inputs.flatMap((i) => evaluate(state, i, rs)) };
}

describe('failure rules', () => {
  const rs = rules({
    id: 'every',
    kind: 'failure',
    params: { merchant_id: 'M00000000000042', categories: ['insufficient_funds', 'issuer_decline'] },
    channels: hook,
  });

  it('raises one alert per failure of the chosen categories and merchant, keyed by record id', () => {
    const inputs: AlertInput[] = [
      { type: 'record', at: T0, fleet: 'f', record: rec(1, T0) },
      { type: 'record', at: T0, fleet: 'f', record: rec(2, T0, { category: 'network', rc: '91' }) },
      { type: 'record', at: T0, fleet: 'f', record: rec(3, T0, { merchant_id: 'OTHER' }) },
      { type: 'record', at: T0, fleet: 'f', record: rec(4, T0, { category: 'issuer_decline', rc: '05' }) },
      { type: 'record', at: T0, fleet: 'f', record: rec(5, T0, { outcome: 'recovered', version: 2 }) },
      { type: 'record', at: T0, fleet: 'f', record: rec(6, T0, { category: 'approved', rc: '00' }) },
    ];
    const { alerts } = feed(rs, inputs);
    expect(alerts.map((a) => a.record?.id)).toEqual([rec(1, T0).id, rec(4, T0).id]);
    expect(alerts[0]).toMatchObject({
      key: `every:failure:${rec(1, T0).id}`,
      rule_id: 'every',
      fleet: 'f',
      terminal: 'T0000001',
      merchant_id: 'M00000000000042',
      reason: { kind: 'failure' },
    });
    // the same record again (a redelivery) gets the same key: the outbox keeps one
    const again = feed(rs, [inputs[0]!, inputs[0]!]).alerts;
    expect(new Set(again.map((a) => a.key)).size).toBe(1);
  });

  it('never carries a full PAN in the alert', () => {
    const { alerts } = feed(rs, [
      { type: 'record', at: T0, fleet: 'f', record: rec(1, T0, { pan_masked: '4761739001010119' }) },
    ]);
    expect(alerts[0]!.record!.pan_masked).toBe('476173******0119');
  });
});

describe('decline_rate rules', () => {
  const perTerminal = rules({
    id: 'rate',
    kind: 'decline_rate',
    params: { per: 'terminal', threshold_pct: 50, window_min: 10, min_count: 4 },
    channels: hook,
  });

  it('alerts when failures pass the threshold of the attempts, with the minimum count, once per crossing', () => {
    const { state, alerts } = feed(perTerminal, [
      { type: 'approvals', at: T0, fleet: 'f', terminal: 'T0000001', count: 2 },
      { type: 'record', at: T0 + MIN, fleet: 'f', record: rec(1, T0 + MIN) }, // 1/3: under min count
      { type: 'record', at: T0 + 2 * MIN, fleet: 'f', record: rec(2, T0 + 2 * MIN) }, // 2/4 = 50%: not over
    ]);
    expect(alerts).toEqual([]);
    const crossing = evaluate(
      state,
      { type: 'record', at: T0 + 3 * MIN, fleet: 'f', record: rec(3, T0 + 3 * MIN) },
      perTerminal,
    );
    expect(crossing).toHaveLength(1);
    expect(crossing[0]).toMatchObject({
      key: `rate:rate:f/T0000001:${T0 + 3 * MIN}`,
      terminal: 'T0000001',
      fleet: 'f',
      reason: {
        kind: 'decline_rate',
        per: 'terminal',
        group: 'f/T0000001',
        failures: 3,
        attempts: 5,
        rate_pct: 60,
      },
    });
    expect(crossing[0]!.record?.id).toBe(rec(3, T0).id);
    // still over: no second alert; a redelivered record is not counted twice
    expect(
      evaluate(
        state,
        { type: 'record', at: T0 + 4 * MIN, fleet: 'f', record: rec(4, T0 + 4 * MIN) },
        perTerminal,
      ),
    ).toEqual([]);
    expect(
      evaluate(
        state,
        {
          type: 'record',
          at: T0 + 4 * MIN,
          fleet: 'f',
          record: rec(4, T0 + 4 * MIN, { version: 2, outcome: 'written_off' }),
        },
        perTerminal,
      ),
    ).toEqual([]);
    // approvals bring it under: re-armed; failures later cross again: a second alert with a new key
    expect(
      evaluate(
        state,
        { type: 'approvals', at: T0 + 5 * MIN, fleet: 'f', terminal: 'T0000001', count: 10 },
        perTerminal,
      ),
    ).toEqual([]);
    const later = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].flatMap((i) =>
      evaluate(
        state,
        { type: 'record', at: T0 + 5 * MIN + i * 1000, fleet: 'f', record: rec(i, T0 + 5 * MIN + i * 1000) },
        perTerminal,
      ),
    );
    expect(later).toHaveLength(1);
    expect(later[0]!.key).not.toBe(crossing[0]!.key);
  });

  it('forgets what falls out of the window (a tick prunes)', () => {
    const { state, alerts } = feed(
      perTerminal,
      [1, 2, 3, 4].map((i) => ({ type: 'record' as const, at: T0 + i, fleet: 'f', record: rec(i, T0 + i) })),
    );
    expect(alerts).toHaveLength(1);
    expect(evaluate(state, { type: 'tick', at: T0 + 11 * MIN }, perTerminal)).toEqual([]);
    expect(state.counters.size).toBe(0);
    // a record older than the window is not counted at all
    expect(
      evaluate(state, { type: 'record', at: T0 + 30 * MIN, fleet: 'f', record: rec(9, T0) }, perTerminal),
    ).toEqual([]);
    expect(state.counters.size).toBe(0);
  });

  it('groups by card range (first 6 digits) across terminals, within a merchant scope', () => {
    const rs = rules({
      id: 'bin',
      kind: 'decline_rate',
      params: {
        per: 'card_range',
        threshold_pct: 70,
        window_min: 60,
        min_count: 3,
        merchant_id: 'M00000000000042',
      },
      channels: hook,
    });
    const at = (i: number, pan: string, over: Partial<FailureRecord> = {}): AlertInput => ({
      type: 'record',
      at: T0 + i,
      fleet: 'f',
      record: rec(i, T0 + i, { pan_masked: pan, terminal_id: `T000000${i % 3}`, ...over }),
    });
    const { alerts } = feed(rs, [
      at(1, '535522******0001'),
      at(2, '535522******0002'),
      at(3, '476173******0003'),
      at(4, '535522******0004', { category: 'approved', rc: '00' }), // an approval of the range: 2/3, not over 70%
      at(5, '535522******0005', { merchant_id: 'ELSEWHERE' }), // other merchant: not counted
      at(6, '535522******0006'), // 3/4 = 75%
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.reason).toMatchObject({ per: 'card_range', group: '535522', failures: 3, attempts: 4 });
    expect(alerts[0]).toMatchObject({ terminal: null, merchant_id: 'M00000000000042' });
  });
});

describe('terminal rules', () => {
  const rs = rules(
    { id: 'down', kind: 'terminal_offline', params: { after_min: 10 }, channels: hook },
    {
      id: 'silent-only',
      kind: 'terminal_offline',
      params: { after_min: 5, states: ['silent'] },
      channels: hook,
    },
    { id: 'backlog', kind: 'backlog', params: { over: 100 }, channels: hook },
  );
  const term = (over: Partial<TerminalState>): TerminalState => ({
    fleet: 'f',
    terminal: 'T0000001',
    status: 'online',
    since: T0,
    backlog: 0,
    ...over,
  });
  const at = (t: number, s: Partial<TerminalState>): AlertInput => ({
    type: 'terminals',
    at: t,
    terminals: [term(s)],
  });

  it('alerts once per outage after n minutes, silent or offline, and again after it was back online', () => {
    const { state, alerts } = feed(rs, [
      at(T0 + MIN, { status: 'silent', since: T0 }),
      at(T0 + 6 * MIN, { status: 'silent', since: T0 }), // silent-only after 5
      at(T0 + 8 * MIN, { status: 'offline', since: T0 + 7 * MIN }), // still the outage that began at T0
      at(T0 + 10 * MIN, { status: 'offline', since: T0 + 7 * MIN }), // down after 10
      at(T0 + 20 * MIN, { status: 'offline', since: T0 + 7 * MIN }),
    ]);
    expect(alerts.map((a) => [a.rule_id, a.key])).toEqual([
      ['silent-only', `silent-only:offline:f/T0000001:${T0}`],
      ['down', `down:offline:f/T0000001:${T0}`],
    ]);
    expect(alerts[1]!.reason).toEqual({
      kind: 'terminal_offline',
      status: 'offline',
      since: T0,
      minutes: 10,
    });
    const back = evaluate(state, at(T0 + 21 * MIN, { status: 'online', since: T0 + 21 * MIN }), rs);
    expect(back).toEqual([]);
    const again = evaluate(state, at(T0 + 40 * MIN, { status: 'offline', since: T0 + 25 * MIN }), rs);
    expect(again.map((a) => a.key)).toEqual([`down:offline:f/T0000001:${T0 + 25 * MIN}`]);
  });

  it('alerts on a backlog over n once, re-armed when it fell to half', () => {
    const { alerts } = feed(rs, [
      at(T0, { backlog: 100 }),
      at(T0 + 1, { backlog: 101 }),
      at(T0 + 2, { backlog: 150 }),
      at(T0 + 3, { backlog: 60 }),
      at(T0 + 4, { backlog: 120 }),
      at(T0 + 5, { backlog: 50 }),
      at(T0 + 6, { backlog: 101 }),
    ]);
    expect(alerts.map((a) => a.key)).toEqual([
      `backlog:backlog:f/T0000001:${T0 + 1}`,
      `backlog:backlog:f/T0000001:${T0 + 6}`,
    ]);
    expect(alerts[0]!.reason).toEqual({ kind: 'backlog', backlog: 101, over: 100 });
  });

  it("scopes terminal rules by merchant, learned from the terminal's records", () => {
    const scoped = rules({
      id: 'm',
      kind: 'backlog',
      params: { over: 1, merchant_id: 'M00000000000042' },
      channels: hook,
    });
    const { state, alerts } = feed(scoped, [at(T0, { backlog: 5 })]);
    expect(alerts).toEqual([]); // merchant unknown yet
    evaluate(state, { type: 'record', at: T0, fleet: 'f', record: rec(1, T0) }, scoped);
    expect(evaluate(state, at(T0 + 1, { backlog: 5 }), scoped)).toHaveLength(1);
  });
});

describe('feeds', () => {
  it('turns heartbeat counts since boot into approvals between heartbeats', () => {
    const c = new ApprovalCounter();
    expect(c.delta('f', 'T1', 'b1', 40)).toBe(0); // first seen: its approvals may be hours old
    expect(c.delta('f', 'T1', 'b1', 43)).toBe(3);
    expect(c.delta('f', 'T2', 'b9', 7)).toBe(0);
    expect(c.delta('f', 'T1', 'b1', 43)).toBe(0);
    expect(c.delta('f', 'T1', 'b2', 2)).toBe(2); // rebooted: counts from zero
    expect(c.delta('f', 'T1', 'b2', undefined)).toBe(0);
  });

  it("reads a terminal's state from fleet watch's reducer: silent after its quiet time, offline since its Last Will", () => {
    let w = initialState({ silentAfterMs: 3 * MIN }, T0);
    const msg = (topic: string, payload: unknown, at: number) =>
      (w = reduce(w, { type: 'message', topic, payload: JSON.stringify(payload), at }));
    msg('pos/v1/f/T1/status', status('f', 'T1', 'online'), T0);
    msg('pos/v1/f/T1/metrics', metrics('f', 'T1', 250), T0 + MIN);
    msg('pos/v1/f/T2/status', status('f', 'T2', 'offline', new Date(T0 + 30_000).toISOString()), T0 + 40_000);
    const at = (now: number) =>
      [...w.terminals.values()].map((v) => terminalFromWatch(v, w.config, now, null));
    expect(at(T0 + 2 * MIN)).toEqual([
      { fleet: 'f', terminal: 'T1', merchant_id: null, status: 'online', since: T0 + MIN, backlog: 250 },
      { fleet: 'f', terminal: 'T2', merchant_id: null, status: 'offline', since: T0 + 30_000, backlog: null },
    ]);
    expect(at(T0 + 5 * MIN)[0]).toMatchObject({ status: 'silent', since: T0 + MIN });
    const rs = rules(
      { id: 'down', kind: 'terminal_offline', params: { after_min: 3 }, channels: hook },
      { id: 'bl', kind: 'backlog', params: { over: 200 }, channels: hook },
    );
    const { alerts } = feed(rs, [{ type: 'terminals', at: T0 + 5 * MIN, terminals: at(T0 + 5 * MIN) }]);
    expect(alerts.map((a) => a.key).sort()).toEqual([
      `bl:backlog:f/T1:${T0 + 5 * MIN}`,
      `down:offline:f/T1:${T0 + MIN}`,
      `down:offline:f/T2:${T0 + 30_000}`,
    ]);
  });
});
