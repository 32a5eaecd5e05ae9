/**
 * Issue 12: the pipeline pairs each response with its request by class and STAN and follows a sale
 * that timed out: reversal sent, reversed or refused, approved late; a retransmitted answer counts
 * once. Frames go through the line framer as they come off the serial link; the screens, records,
 * approvals and outcome moves are what the agent would get. (The same paths over a real pty pair,
 * through the store and the broker: test/e2e/outcomes-pty.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { ApprovedSale, FailureFacts, OutcomeMove } from '../../agent/pipeline/pipeline.js';
import { nextOutcome, OUTCOME_PROMPT, TRANSITIONS } from '../../agent/pipeline/outcome-machine.js';
import { OUTCOMES } from '../../agent/record.js';
import type { NewFailure } from '../../agent/store/index.js';
import type { Screen } from '../../hardware/display/types.js';
import {
  createFramer,
  encodeEventLine,
  encodeMessageLine,
  type LinkEventName,
} from '../../protocol/framing/index.js';
import { DIALECTS, dialectFromJson, encodeMessage } from '../../protocol/iso8583/index.js';
import { testPipeline } from '../helpers/pipeline.js';

const PAN = '4761739001010119';
const OTHER_PAN = '5555554701643789';

function harness(dialect: keyof typeof DIALECTS | ReturnType<typeof dialectFromJson> = 'ascii') {
  const d = typeof dialect === 'string' ? DIALECTS[dialect] : dialect;
  const shown: Screen[] = [];
  const records: Array<{ f: NewFailure; facts: FailureFacts }> = [];
  const approvals: ApprovedSale[] = [];
  const moves: OutcomeMove[] = [];
  let now = Date.parse('2026-12-03T10:00:00Z');
  const pipeline = testPipeline({
    dialect: d,
    hostTimeoutMs: 5_000,
    now: () => now,
    display: { show: (s) => shown.push(s) },
    record: (f, facts) => records.push({ f, facts }),
    approval: (a) => approvals.push(a),
    outcome: (m) => moves.push(m),
  });
  const framer = createFramer({ framing: 'line' }, (e) => pipeline.onLinkEvent(e));
  const msg = (kind: 'REQ' | 'RSP', mti: string, fields: Record<number, string>) =>
    framer.push(encodeMessageLine(kind, encodeMessage(d, { mti, fields })));
  return {
    pipeline,
    shown,
    records,
    approvals,
    moves,
    top: () => shown.at(-1)!,
    text: () => [shown.at(-1)!.title, ...shown.at(-1)!.pages.flat()].join(' '),
    advance: (ms: number) => {
      now += ms;
      pipeline.expireRequests();
    },
    msg,
    evt: (name: LinkEventName, args: Record<string, string>) => framer.push(encodeEventLine(name, args)),
  };
}

const sale = (stan: string, pan = PAN, amount = '000000004250') => ({
  2: pan,
  3: '000000',
  4: amount,
  7: '1203100000',
  11: stan,
  41: 'TERM0001',
  49: '978',
});
/** Field 90 for a reversal of the 0200 with this STAN: original MTI, STAN, field 7, zeros. */
const f90 = (stan: string) => `0200${stan}1203100000${'0'.repeat(22)}`;

describe('the outcome table', () => {
  it('every state is reachable, every prompt belongs to a state, and moves the table lacks change nothing', () => {
    const reached = new Set<string>(['pending']);
    for (const t of TRANSITIONS) reached.add(t.to);
    for (const o of OUTCOMES) expect([o, reached.has(o)]).toEqual([o, true]);
    for (const s of Object.keys(OUTCOME_PROMPT)) expect(reached.has(s)).toBe(true);
    expect(nextOutcome('declined', 'reversal_accepted')).toBeNull();
    expect(nextOutcome('recovered', 'paid_later')).toBeNull();
    expect(nextOutcome('timed_out', 'late_approval')).toBe('approved_late');
  });
});

describe('pairing and outcomes in the pipeline', () => {
  it('timeout, reversal, 0410 approved: "do not retry yet", then "safe to try again"; one record, two moves', () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000101'));
    h.advance(6_000); // no answer within the 5 s host timeout
    expect(h.records).toHaveLength(1);
    expect(h.records[0]!.f.rc).toBe('L_TIMEOUT');
    expect(h.records[0]!.f.outcome).toBe('timed_out');
    expect(h.top()).toMatchObject({ code: 'L_TIMEOUT', title: 'PLEASE WAIT TO' });
    expect(h.text()).toMatch(/PLEASE WAIT TO No answer Don't retry yet/);
    h.pipeline.desk.key('INFO'); // the detail pages say it in full
    expect(h.text()).toMatch(/No answer\. Do NOT retry yet: reversal in progress\./);
    h.pipeline.desk.key('INFO');
    // the module reverses: its copy of the 0400 (own STAN, field 90 names the sale), then the host's 0410
    h.msg('REQ', '0400', { ...sale('000102'), 90: f90('000101') });
    h.evt('REVERSAL_SENT', { stan: '000101' }); // both may come: the second changes nothing
    h.msg('RSP', '0410', { ...sale('000102'), 39: '00', 90: f90('000101') });
    expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversed']);
    expect(h.moves.every((m) => m.ref === h.records[0]!.facts.ref)).toBe(true);
    expect(h.text()).toMatch(/Reversed .*Safe to retry/);
    h.pipeline.desk.key('INFO');
    expect(h.text()).toMatch(/Reversed\. Safe to try again\./);
    expect(h.top()).toMatchObject({ code: 'L_REVERSED', title: 'TRY AGAIN RS' });
    expect(h.records).toHaveLength(1);
  });

  it('a refused reversal: "reversal refused", the sale stays open for a late answer', () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000111'));
    h.evt('HOST_TIMEOUT', { stan: '000111' });
    h.evt('REVERSAL_SENT', { stan: '000111' });
    h.msg('RSP', '0410', { ...sale('000112'), 39: '96', 90: f90('000111') });
    expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversal_failed']);
    expect(h.text()).toMatch(/Reversal failed .*Call, no retry/);
    expect(h.top().code).toBe('L_REVERSAL_FAILED');
  });

  it('a refused reversal repeated (0401) and then accepted: reversed, "safe to retry", though the RRN is the same', () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000131'));
    h.evt('HOST_TIMEOUT', { stan: '000131' });
    const rev = { ...sale('000132'), 37: '607312000132', 90: f90('000131') };
    h.msg('REQ', '0400', rev);
    h.msg('RSP', '0410', { ...rev, 39: '96' });
    expect(h.top().code).toBe('L_REVERSAL_FAILED');
    h.msg('REQ', '0401', rev); // the module repeats the reversal: same STAN, same RRN
    expect(h.top().code).toBe('L_REVERSAL_FAILED'); // a repeat reopens nothing by itself
    h.msg('RSP', '0410', { ...rev, 39: '00' });
    expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversal_failed', 'reversed']);
    expect(h.top()).toMatchObject({ code: 'L_REVERSED' });
    expect(h.pipeline.counters.duplicates).toBe(0);
    // the host's answer again, with nothing sent since: a retransmission, nothing moves
    h.msg('RSP', '0410', { ...rev, 39: '00' });
    expect(h.pipeline.counters.duplicates).toBe(1);
    expect(h.moves).toHaveLength(3);
    expect(h.records).toHaveLength(1);
  });

  it.each(['ascii', 'iso87-bcd', 'base1'] as const)(
    '%s: a refused reversal, then an accepting answer with no repeat seen: reversed (a new code is not a retransmission)',
    (dialect) => {
      const h = harness(dialect);
      h.msg('REQ', '0200', sale('000141'));
      h.evt('HOST_TIMEOUT', { stan: '000141' });
      h.evt('REVERSAL_SENT', { stan: '000141' });
      const rev = { ...sale('000142'), 37: '607312000142', 90: f90('000141') };
      h.msg('RSP', '0410', { ...rev, 39: '96' });
      h.msg('RSP', '0410', { ...rev, 39: '00' });
      expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversal_failed', 'reversed']);
      expect(h.top().code).toBe('L_REVERSED');
    },
  );

  it.each(['iso93-ascii', 'iso93-bcd'] as const)(
    '%s: a 1430 refusing a reversal, then a 1430 accepting it with the same RRN: reversed',
    (dialect) => {
      const h = harness(dialect);
      h.msg('REQ', '1200', sale('000151'));
      h.evt('HOST_TIMEOUT', { stan: '000151' });
      h.evt('REVERSAL_SENT', { stan: '000151' });
      const ode = '1200000151261203100000';
      const rev = { ...sale('000152'), 37: '607312000152', 56: ode };
      h.msg('RSP', '1430', { ...rev, 39: '911' });
      h.msg('RSP', '1430', { ...rev, 39: '400' });
      expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversal_failed', 'reversed']);
      expect(h.pipeline.counters.duplicates).toBe(0);
    },
  );

  it('a module that restarted its STAN counter: a new 0200 with a used STAN gets its own answer, even without an RRN', () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000531'));
    h.msg('RSP', '0210', { ...sale('000531'), 39: '00' });
    const again = { ...sale('000531'), 7: '1203101500' };
    h.msg('REQ', '0200', again);
    h.msg('RSP', '0210', { ...again, 39: '00' });
    expect(h.pipeline.counters.approvals).toBe(2);
    expect(h.pipeline.counters.duplicates).toBe(0);
    // the same without field 7 in the answers: the new request alone tells them apart
    const { 7: _t, ...noTime } = sale('000532');
    for (let i = 0; i < 2; i++) {
      h.msg('REQ', '0200', sale('000532'));
      h.msg('RSP', '0210', { ...noTime, 39: '00' });
    }
    expect(h.pipeline.counters.approvals).toBe(4);
    h.advance(60_000);
    expect(h.records).toHaveLength(0);
  });

  it("another terminal's answer with our STAN neither moves our sale nor makes our answer look repeated", () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000541'));
    h.msg('RSP', '0210', { ...sale('000541'), 41: 'TERM0002', 39: '00' }); // not ours: ignored
    h.msg('RSP', '0210', { ...sale('000541'), 39: '00' });
    expect(h.pipeline.counters.approvals).toBe(1);
    expect(h.pipeline.counters.duplicates).toBe(0);
    h.msg('REQ', '0200', sale('000551'));
    h.advance(6_000);
    h.msg('RSP', '0410', { ...sale('000552'), 41: 'TERM0002', 39: '00', 90: f90('000551') });
    h.msg('REQ', '0400', { ...sale('000552'), 90: f90('000551') });
    h.msg('RSP', '0410', { ...sale('000552'), 39: '00', 90: f90('000551') });
    expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversed']);
    h.advance(60_000);
    expect(h.records).toHaveLength(1); // the timeout's, nothing else
  });

  it("another terminal's reversal naming our sale's STAN (several terminals on one link) moves nothing", () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000561'));
    h.advance(6_000);
    const theirs = { ...sale('000562'), 41: 'TERM0002', 90: f90('000561') };
    h.msg('REQ', '0400', theirs);
    h.msg('RSP', '0410', { ...theirs, 39: '00' });
    expect(h.moves).toEqual([]);
    expect(h.top().code).toBe('L_TIMEOUT'); // still "do not retry yet", not "safe to retry"
    h.msg('REQ', '0400', { ...sale('000563'), 90: f90('000561') });
    h.msg('RSP', '0410', { ...sale('000563'), 39: '00', 90: f90('000561') });
    expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversed']);
  });

  it('a variable-length field 41, padded in one message and not in the other, is the same terminal', () => {
    const h = harness(
      dialectFromJson({ name: 'var41', base: 'ascii', fields: { 41: { length: 16, prefix: 2 } } }),
    );
    h.msg('REQ', '0200', sale('000571'));
    h.advance(6_000);
    const ours = { ...sale('000572'), 41: 'TERM0001  ', 90: f90('000571') };
    h.msg('REQ', '0400', ours);
    h.msg('RSP', '0410', { ...ours, 39: '00' });
    expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversed']);
  });

  it("an approval sent twice, crossing the module's repeated request (0201): one approval, no failure", () => {
    const h = harness();
    const req = { ...sale('000161'), 37: '607312000161' };
    h.msg('REQ', '0200', req);
    h.msg('RSP', '0210', { ...req, 39: '00' });
    h.msg('REQ', '0201', req); // the module's repeat crossed the answer
    h.msg('RSP', '0210', { ...req, 39: '00' }); // the host's copy of it
    expect(h.approvals).toHaveLength(1);
    expect(h.pipeline.counters.approvals).toBe(1);
    expect(h.pipeline.counters.duplicates).toBe(1);
    h.advance(60_000);
    expect(h.records).toHaveLength(0);
  });

  it('timeout, then a late 0210 approved: "approved late: do not charge again"; a retransmission of it counts once', () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000121'));
    h.advance(6_000);
    const late = { ...sale('000121'), 37: '607312000121', 38: 'A1B2C3', 39: '00' };
    h.msg('RSP', '0210', late);
    h.msg('RSP', '0210', late); // the host sends it again
    expect(h.moves).toHaveLength(1);
    expect(h.moves[0]).toMatchObject({ outcome: 'approved_late' });
    expect(h.moves[0]!.approval).toMatchObject({ stan: '000121', rrn: '607312000121', auth_code: 'A1B2C3' });
    expect(h.moves[0]!.approval!.pan_masked).toBe('476173******0119');
    expect(h.text()).toMatch(/APPROVED LATE AL .*No 2nd charge/);
    h.pipeline.desk.key('INFO');
    expect(h.text()).toMatch(/Approved late: do not charge again\./);
    expect(h.pipeline.counters.duplicates).toBe(1);
    expect(h.records).toHaveLength(1);
  });

  it("another terminal's late 0210 or 0410 never moves one of our sales", () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000181'));
    h.evt('HOST_TIMEOUT', { stan: '000181' });
    h.msg('RSP', '0210', { ...sale('000181'), 41: 'TERM0099', 37: '607312000181', 39: '00' });
    h.msg('RSP', '0410', { ...sale('000182'), 41: 'TERM0099', 39: '00', 90: f90('000181') });
    expect(h.moves).toEqual([]);
    expect(h.pipeline.counters.unpaired).toBe(2);
    expect(h.top().code).toBe('L_TIMEOUT');
  });

  it('an ordinary answer retransmitted is one record', () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000131'));
    const rsp = { ...sale('000131'), 37: '607312000131', 39: '51' };
    h.msg('RSP', '0210', rsp);
    h.msg('RSP', '0210', rsp);
    expect(h.records).toHaveLength(1);
    expect(h.records[0]!.f.outcome).toBe('declined');
  });

  it('pairs by class and STAN: a 0410 does not answer a 0200 with the same STAN, a 0230 is consumed quietly', () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000141'));
    h.msg('RSP', '0410', { ...sale('000141'), 39: '00' }); // a reversal answer for no sale we know
    expect(h.pipeline.pendingRequests).toBe(1); // the 0200 still waits for its 0210
    h.msg('REQ', '0220', sale('000142'));
    h.msg('RSP', '0230', { ...sale('000142'), 39: '00' });
    h.msg('REQ', '0800', { 7: '1203100000', 11: '000143', 70: '301' });
    h.msg('RSP', '0810', { 7: '1203100000', 11: '000143', 39: '00', 70: '301' });
    h.msg('RSP', '0210', { ...sale('000141'), 39: '00' });
    expect(h.pipeline.pendingRequests).toBe(0);
    expect(h.records).toHaveLength(0);
    expect(h.approvals).toHaveLength(1); // the 0230 and 0810 are not sales
  });

  it("a response for another terminal or another transmission time is not taken for this request's", () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000151'));
    h.msg('RSP', '0210', { ...sale('000151'), 37: '000000000001', 41: 'TERM0099', 39: '00' });
    expect(h.pipeline.pendingRequests).toBe(1);
    h.msg('RSP', '0210', { ...sale('000151'), 37: '000000000002', 7: '1203100501', 39: '00' });
    expect(h.pipeline.pendingRequests).toBe(1);
    expect(h.pipeline.counters.unpaired).toBe(2);
    expect(h.approvals).toHaveLength(0); // neither was taken as ours
    h.msg('RSP', '0210', { ...sale('000151'), 37: '000000000003', 39: '00' });
    expect(h.pipeline.pendingRequests).toBe(0);
    expect(h.approvals).toHaveLength(1);
  });

  it('approvals reach the ledger with the masked PAN and the keyed card hash, never the PAN', () => {
    const h = harness();
    h.msg('REQ', '0200', sale('000161', OTHER_PAN));
    h.msg('RSP', '0210', { ...sale('000161', OTHER_PAN), 37: '607312000161', 38: 'XYZ123', 39: '00' });
    expect(h.approvals).toHaveLength(1);
    const a = h.approvals[0]!;
    expect(a).toMatchObject({
      amount_minor: 4250,
      currency: '978',
      stan: '000161',
      pan_masked: '555555******3789',
    });
    expect(a.card_key).toMatch(/^[0-9a-f]{16,}$/);
    expect(JSON.stringify(a)).not.toContain(OTHER_PAN);
  });

  it('ISO 8583:1993: a 1210 with 000 is an approval, with 116 insufficient funds; 1430 400 accepts a reversal', () => {
    const h = harness('iso93-ascii');
    h.msg('REQ', '1200', sale('000171'));
    h.msg('RSP', '1210', { ...sale('000171'), 39: '000' });
    expect(h.approvals).toHaveLength(1);
    h.msg('REQ', '1200', sale('000172'));
    h.msg('RSP', '1210', { ...sale('000172'), 39: '116' });
    expect(h.records.at(-1)!.f).toMatchObject({ rc: '116', category: 'insufficient_funds' });
    h.msg('REQ', '1200', sale('000173'));
    h.advance(6_000);
    // 1993 carries the original data elements in field 56: MTI, STAN, local date and time, acquirer
    const ode = '1200000173261203100000';
    h.msg('REQ', '1420', { ...sale('000174'), 56: ode });
    h.msg('RSP', '1430', { ...sale('000174'), 39: '400', 56: ode });
    expect(h.moves.map((m) => m.outcome)).toEqual(['reversal_sent', 'reversed']);
  });
});
