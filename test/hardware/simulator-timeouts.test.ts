/**
 * The `timeouts` scenario (issue 12): host timeouts with reversals confirmed and refused, late
 * approvals, advice reversals, retransmissions, recovered sales, double approvals, in the 1987
 * and the 1993 forms. Every frame goes through the real framer and is decoded with our codec;
 * the checks are on what the agent would see (MTIs, STANs, field 90 / 56, field 39), never on
 * the script's own labels alone.
 */
import { describe, expect, it } from 'vitest';
import {
  ACTION_CODE_1993,
  buildScript,
  createSimulatorStream,
  LATE_GAP_MS,
  OTHER_CARD_DECLINES,
  REVERSAL_REFUSALS,
  SAME_CARD_DECLINES,
  SCENARIOS,
  SEQUENCE_KEYS,
  type ScriptOptions,
  type ScriptStep,
  type SequenceKey,
} from '../../hardware/simulator/index.js';
import { findPans } from '../../protocol/card/pan.js';
import { createFramer, type LinkEvent } from '../../protocol/framing/index.js';
import { DIALECTS, type DialectName, decodeInto, MessageView } from '../../protocol/iso8583/index.js';
import { lookupCode, MAP_1993_TO_1987 } from '../../protocol/response-codes/index.js';

/** What the agent sees of one step: an event, or a decoded message's fields (PAN as a keyed hash). */
interface Seen {
  step: ScriptStep;
  kind: 'event' | 'request' | 'response';
  name?: string;
  stan: string | null;
  mti?: string;
  /** Message fields by number; an event's arguments by name. */
  f: Record<number | string, string>;
  card?: string | null;
}

function see(opts: ScriptOptions, count: number): Seen[] {
  const steps = buildScript(opts, count);
  const dialect = DIALECTS[opts.dialect ?? 'ascii'];
  const out: Seen[] = [];
  let current: ScriptStep | null = null;
  const sink = (e: LinkEvent) => {
    const step = current!;
    if (e.kind === 'reject') throw new Error(`step ${step.index} ${step.label}: rejected ${e.code}`);
    if (e.kind === 'event') {
      out.push({ step, kind: 'event', name: e.name, stan: e.stan, f: { ...e.args } });
      return;
    }
    const v = new MessageView();
    expect(decodeInto(dialect, e.buf, e.offset, e.offset + e.length, v), step.label).toBe(true);
    const f: Record<number, string> = {};
    for (const n of v.fieldNumbers()) f[n] = v.get(n) ?? '';
    out.push({ step, kind: e.kind, mti: v.mti(), stan: v.get(11) ?? null, f, card: v.panDigest('k') });
  };
  const framer = createFramer({ framing: opts.framing, tpdu: opts.tpdu ?? false }, sink);
  for (const s of steps) {
    current = s;
    const before = out.length;
    framer.push(s.bytes);
    expect(out.length - before, `step ${s.index} ${s.label}: one frame`).toBe(1);
  }
  return out;
}

/** The frames of the first run of sequence `key` (in the opening: each key once, never twice in a row). */
function firstRun(seen: Seen[], key: SequenceKey): Seen[] {
  const i = seen.findIndex((s) => s.step.seq === key);
  expect(i, key).toBeGreaterThanOrEqual(0);
  let j = i;
  while (j < seen.length && seen[j]!.step.seq === key) j++;
  return seen.slice(i, j);
}

const shape = (run: Seen[]) => run.map((s) => (s.kind === 'event' ? s.name! : `${s.kind} ${s.mti}`));
const CARD = /^CARD_(INSERTED|TAPPED|SWIPED)$/;

/** The 1993 forms the issue asks for (reversals as advices: 1420/1430). */
const MTI_93: Record<string, string> = {
  '0100': '1100',
  '0110': '1110',
  '0200': '1200',
  '0210': '1210',
  '0220': '1220',
  '0230': '1230',
  '0400': '1420',
  '0410': '1430',
  '0420': '1420',
  '0430': '1430',
  '0800': '1804',
  '0810': '1814',
};

const FORMS: { dialect: DialectName; framing: 'line' | 'binary'; tpdu?: boolean }[] = [
  { dialect: 'ascii', framing: 'line' },
  { dialect: 'bcd', framing: 'binary', tpdu: true },
  { dialect: 'iso93-ascii', framing: 'line' },
  { dialect: 'iso93-bcd', framing: 'binary', tpdu: true },
];

describe.each(FORMS)('timeouts scenario, $dialect / $framing', ({ dialect, framing, tpdu }) => {
  const v93 = dialect.startsWith('iso93');
  const mti = (m87: string) => (v93 ? MTI_93[m87]! : m87);
  const rc = (c: string) => (v93 ? ACTION_CODE_1993[c]! : c);
  const opts: ScriptOptions = { scenario: 'timeouts', framing, tpdu: tpdu ?? false, dialect, seed: 21 };
  const seen = see(opts, 120);

  /** Original data elements as the request and response carry them: 1987 field 90, 1993 field 56. */
  const original = (s: Seen) => (v93 ? s.f[56] : s.f[90]);
  const expectOriginal = (s: Seen, of: Seen) => {
    if (v93) expect(original(s)).toBe(`${of.mti}${of.stan}${of.f[12]}`);
    else expect(original(s)).toBe(`${of.mti}${of.stan}${of.f[7]}${'0'.repeat(22)}`);
  };

  it.each(['timeout_reversed', 'timeout_reversal_refused', 'timeout_advice'] as const)(
    '%s: REQ, HOST_TIMEOUT, the reversal with its own STAN and the original data, REVERSAL_SENT, its answer',
    (key) => {
      const run = firstRun(seen, key);
      const rev = key === 'timeout_advice' ? ['0420', '0430'] : ['0400', '0410'];
      expect(shape(run).slice(1)).toEqual([
        `request ${mti('0200')}`,
        'HOST_TIMEOUT',
        `request ${mti(rev[0]!)}`,
        'REVERSAL_SENT',
        `response ${mti(rev[1]!)}`,
      ]);
      expect(run[0]!.name).toMatch(CARD);
      const [, sale, timeout, reversal, sent, answer] = run as [Seen, Seen, Seen, Seen, Seen, Seen];
      const S = sale.stan!;
      expect(timeout.stan).toBe(S);
      expect(timeout.f['amount']).toBe(sale.f[4]);
      expect(reversal.stan).not.toBe(S);
      expect(reversal.card).toBe(sale.card);
      expect(reversal.f[4]).toBe(sale.f[4]);
      expectOriginal(reversal, sale);
      if (v93) expect(reversal.f[24]).toBe('400');
      expect(sent.stan).toBe(S);
      // the answer pairs with the reversal by class and STAN and echoes its original data
      expect(answer.stan).toBe(reversal.stan);
      expect(original(answer)).toBe(original(reversal));
      if (key === 'timeout_reversal_refused') expect(REVERSAL_REFUSALS.map(rc)).toContain(answer.f[39]);
      else expect(answer.f[39]).toBe(rc('00'));
      expect(answer.step.expect).toEqual({
        state: key === 'timeout_reversal_refused' ? 'reversal_failed' : 'reversed',
        stan: S,
      });
      expect(timeout.step.outcome).toMatchObject({ rc: 'L_TIMEOUT', stan: S });
      expect(answer.step.outcome).toBeNull();
    },
  );

  it.each(['timeout_late', 'timeout_late_repeated'] as const)(
    '%s: HOST_TIMEOUT, a quiet gap, then the approval for the same STAN',
    (key) => {
      const run = firstRun(seen, key);
      const [, sale, timeout, late, ...rest] = run as [Seen, Seen, Seen, Seen, ...Seen[]];
      expect(shape([sale, timeout, late])).toEqual([
        `request ${mti('0200')}`,
        'HOST_TIMEOUT',
        `response ${mti('0210')}`,
      ]);
      expect(timeout.stan).toBe(sale.stan);
      expect(timeout.step.gapAfterMs).toBe(LATE_GAP_MS);
      expect(late.stan).toBe(sale.stan);
      expect(late.f[39]).toBe(rc('00'));
      expect(late.f[38]).toMatch(/^[A-Z0-9]{6}$/);
      expect(late.step.expect).toEqual({ state: 'approved_late', stan: sale.stan });
      const again = rest.filter((s) => s.kind === 'response');
      if (key === 'timeout_late_repeated') {
        expect(again).toHaveLength(1);
        expect(again[0]!.step.bytes.equals(late.step.bytes)).toBe(true);
        expect(again[0]!.step.outcome).toMatchObject({ duplicate: true, stan: sale.stan });
      } else expect(again).toEqual([]);
    },
  );

  it('approved_repeated: the same response bytes twice, the second a duplicate', () => {
    const run = firstRun(seen, 'approved_repeated');
    const rsp = run.filter((s) => s.kind === 'response');
    expect(rsp).toHaveLength(2);
    expect(rsp[1]!.step.bytes.equals(rsp[0]!.step.bytes)).toBe(true);
    expect(rsp[0]!.f[39]).toBe(rc('00'));
    expect([rsp[0]!.step.outcome?.duplicate, rsp[1]!.step.outcome?.duplicate]).toEqual([false, true]);
  });

  it.each(['other_card', 'same_card'] as const)(
    '%s: a decline, then the same amount approved on the next sale',
    (key) => {
      const run = firstRun(seen, key);
      const req = run.filter((s) => s.kind === 'request');
      const rsp = run.filter((s) => s.kind === 'response');
      expect(req.map((s) => s.mti)).toEqual([mti('0200'), mti('0200')]);
      expect(new Set(run.map((s) => s.step.txn)).size).toBe(2);
      const declines = key === 'other_card' ? OTHER_CARD_DECLINES : SAME_CARD_DECLINES;
      expect(declines.map(rc)).toContain(rsp[0]!.f[39]);
      expect(rsp[1]!.f[39]).toBe(rc('00'));
      expect(rsp.map((s) => s.stan)).toEqual(req.map((s) => s.stan));
      expect(req[1]!.f[4]).toBe(req[0]!.f[4]);
      if (key === 'other_card') expect(req[1]!.card).not.toBe(req[0]!.card);
      else expect(req[1]!.card).toBe(req[0]!.card);
      expect(rsp[1]!.step.expect).toEqual({ state: 'recovered', stan: req[0]!.stan, other: req[1]!.stan });
    },
  );

  it('double_approval: two approvals, same card and amount, a few seconds apart', () => {
    const run = firstRun(seen, 'double_approval');
    const req = run.filter((s) => s.kind === 'request');
    const rsp = run.filter((s) => s.kind === 'response');
    expect(rsp.map((s) => s.f[39])).toEqual([rc('00'), rc('00')]);
    expect(req[1]!.card).toBe(req[0]!.card);
    expect(req[1]!.f[4]).toBe(req[0]!.f[4]);
    expect(req[1]!.stan).not.toBe(req[0]!.stan);
    // field 7 MMDDhhmmss: 5 s apart (no minute boundary in the simulated morning)
    expect(Number(req[1]!.f[7]) - Number(req[0]!.f[7])).toBe(5);
    expect(rsp[1]!.step.expect).toEqual({
      state: 'possible_double_charge',
      stan: req[1]!.stan,
      other: req[0]!.stan,
    });
  });

  it('preauth_completion: 0100/0110 approved, then the 0220 completion with its approval code, 0230', () => {
    const run = firstRun(seen, 'preauth_completion');
    expect(shape(run).filter((s) => !s.startsWith('CARD'))).toEqual([
      `request ${mti('0100')}`,
      `response ${mti('0110')}`,
      `request ${mti('0220')}`,
      `response ${mti('0230')}`,
    ]);
    const [auth, approved, done, ack] = run.filter((s) => s.kind !== 'event') as [Seen, Seen, Seen, Seen];
    expect(approved.stan).toBe(auth.stan);
    expect(done.f[38]).toBe(approved.f[38]);
    expect(Number(done.f[4])).toBeLessThanOrEqual(Number(auth.f[4]));
    expectOriginal(done, auth);
    if (v93) expect(['201', '202']).toContain(done.f[24]);
    expect(ack.stan).toBe(done.stan);
    expect(ack.f[39]).toBe(rc('00'));
  });

  it('echo: a network-management request and its response, no card', () => {
    const run = firstRun(seen, 'echo');
    expect(shape(run)).toEqual([`request ${mti('0800')}`, `response ${mti('0810')}`]);
    expect(run[1]!.stan).toBe(run[0]!.stan);
    expect(run[1]!.f[39]).toBe(rc('00'));
    if (v93) expect(run[0]!.f[24]).toBe('831');
    else expect(run[0]!.f[70]).toBe('301');
  });

  it('every response pairs with an earlier request of its class and STAN; MTIs are of this version', () => {
    const all = see(opts, 1500);
    const requests = new Set<string>();
    for (const s of all) {
      if (s.kind === 'event') continue;
      expect(s.mti!.startsWith(v93 ? '1' : '0'), s.step.label).toBe(true);
      const cls = s.mti!.slice(0, 2); // version and class: 02, 04, 12, 14 ...
      if (s.kind === 'request') requests.add(`${cls} ${s.stan}`);
      else expect(requests.has(`${cls} ${s.stan}`), s.step.label).toBe(true);
      if (s.kind === 'response') expect(s.f[39]).toMatch(v93 ? /^\d{3}$/ : /^[0-9A-Z]{2}$/);
    }
  });
});

describe('timeouts scenario: the mix', () => {
  it('plays every sequence in its opening, then again in the mix, among plain approvals', () => {
    const opening = SCENARIOS.timeouts.opening;
    expect([...new Set(opening.filter((k) => k !== '00'))].sort()).toEqual([...SEQUENCE_KEYS].sort());
    const steps = buildScript({ scenario: 'timeouts', framing: 'line', seed: 4 }, 4000);
    const starts = new Map<string, number>();
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      // a sequence starts where its key appears after a step of another key or none
      if (s.seq && steps[i - 1]?.seq !== s.seq) starts.set(s.seq, (starts.get(s.seq) ?? 0) + 1);
    }
    for (const k of SEQUENCE_KEYS) expect(starts.get(k) ?? 0, k).toBeGreaterThanOrEqual(2);
    const plain = steps.filter((s) => s.seq === undefined && s.outcome?.rc === '00').length;
    expect(plain).toBeGreaterThan(100);
  });

  it('is deterministic for a seed (same frames), different across seeds and the same sales in 1993', () => {
    const bytes = (o: ScriptOptions) => Buffer.concat(buildScript(o, 600).map((s) => s.bytes));
    const base: ScriptOptions = { scenario: 'timeouts', framing: 'binary', tpdu: true, dialect: 'iso93-bcd' };
    expect(bytes({ ...base, seed: 9 }).equals(bytes({ ...base, seed: 9 }))).toBe(true);
    expect(bytes({ ...base, seed: 9 }).equals(bytes({ ...base, seed: 10 }))).toBe(false);
    // the dialect changes the bytes, not the story: the same sales, sequences, states and STANs
    const story = (d: DialectName) =>
      buildScript({ scenario: 'timeouts', framing: 'line', dialect: d, seed: 9 }, 600).map((s) => [
        s.txn,
        s.seq,
        s.expect,
        s.link.kind,
        s.link.kind === 'reject' ? null : s.link.stan,
      ]);
    expect(story('iso93-ascii')).toEqual(story('ascii'));
  });

  it('uses walk-in cards only and writes no card number into labels', () => {
    const steps = buildScript({ scenario: 'timeouts', framing: 'line', seed: 5 }, 800);
    expect(findPans(steps.map((s) => s.label).join('\n'))).toEqual([]);
  });

  it('the late gap is a quiet gap of the stream (a test sets it small)', async () => {
    const opts: ScriptOptions = { scenario: 'timeouts', framing: 'line', seed: 1, lateGapMs: 60 };
    const steps = buildScript(opts, 40);
    const k = steps.findIndex((s) => s.seq === 'timeout_late' && s.link.kind === 'event' && s.gapAfterMs > 0);
    expect(steps[k]!.gapAfterMs).toBe(60);
    const times: number[] = [];
    const s = createSimulatorStream({
      ...opts,
      rate: 2000,
      count: k + 2,
      onStep: () => times.push(performance.now()),
    });
    for await (const _ of s) void _;
    expect(times[k + 1]! - times[k]!).toBeGreaterThanOrEqual(55);
    expect(() => buildScript({ ...opts, lateGapMs: -1 }, 1)).toThrow(/late gap/);
  });
});

describe('1993 action codes', () => {
  it('each two-character code the scenarios send has a 1993 action code the table knows, classified alike', () => {
    const sent = new Set<string>([...REVERSAL_REFUSALS, ...OTHER_CARD_DECLINES, ...SAME_CARD_DECLINES, '41']);
    for (const sc of Object.values(SCENARIOS)) {
      for (const mix of [sc.mix, 'outage' in sc ? sc.outage.duringMix : {}])
        for (const k of Object.keys(mix)) if (/^[0-9A-Z]{2}$/.test(k)) sent.add(k);
    }
    for (const code of sent) {
      const a = ACTION_CODE_1993[code];
      expect(a, code).toMatch(/^\d{3}$/);
      const row = lookupCode(a!);
      expect(row.known, `${code} → ${a}`).toBe(true);
      expect(row.category, `${code} → ${a}`).toBe(lookupCode(code).category);
      // the map's own rows are its inverse; the two extras are documented choices
      if (MAP_1993_TO_1987[a!] !== undefined) expect(MAP_1993_TO_1987[a!]).toBe(code);
    }
    expect([ACTION_CODE_1993['00'], ACTION_CODE_1993['51'], ACTION_CODE_1993['96']]).toEqual([
      '000',
      '116',
      '909',
    ]);
  });
});
