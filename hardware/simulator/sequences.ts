/**
 * The uncertain outcomes of the `timeouts` scenario as frame sequences (issue 12): host timeouts
 * followed by a reversal that the host confirms or refuses, or by a late approval; advice
 * reversals; retransmitted responses; a customer who pays after a decline with another card or
 * the same one; two approvals of one card and amount; a pre-authorisation and its completion; an
 * echo test. Each step of a sequence carries the sequence's key (`seq`) and, where the sale's
 * state changes, what it must become (`expect`), so a test can check the agent step by step.
 * The outcome keys and their frames are listed in scenarios.ts and docs/serial.md.
 */
import type { Builder, Sale, SaleExpect, ScriptStep, Sent } from './builder.js';
import { FUNCTION_CODE_1993 } from './forms.js';
import { OTHER_CARD_DECLINES, REVERSAL_REFUSALS, SAME_CARD_DECLINES } from './scenarios.js';

const SEQUENCES = [
  'timeout_reversed',
  'timeout_reversal_refused',
  'timeout_late',
  'timeout_late_repeated',
  'timeout_advice',
  'approved_repeated',
  'other_card',
  'same_card',
  'double_approval',
  'preauth_completion',
  'echo',
] as const;

export type SequenceKey = (typeof SEQUENCES)[number];
export const SEQUENCE_KEYS: readonly SequenceKey[] = SEQUENCES;

export function isSequence(key: string): key is SequenceKey {
  return (SEQUENCES as readonly string[]).includes(key);
}

/** Seconds of the simulated clock between the two sales of a double approval ("a few seconds"). */
const DOUBLE_APPROVAL_S = 5;

/**
 * Plays one sequence starting at transaction `txn`, every step marked with its key; returns how
 * many transaction numbers it used (a sale and the customer's next try are two sales; an echo
 * test is none).
 */
export function* sequence(b: Builder, txn: number, key: SequenceKey): Generator<ScriptStep, number> {
  const steps = play(b, txn, key);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    r.value.seq = key;
    yield r.value;
  }
}

/** The step, with the sale state it must lead to. */
function expecting(step: ScriptStep, expect: SaleExpect): ScriptStep {
  step.expect = expect;
  return step;
}

function* play(b: Builder, txn: number, key: SequenceKey): Generator<ScriptStep, number> {
  switch (key) {
    case 'timeout_reversed':
    case 'timeout_reversal_refused':
    case 'timeout_advice': {
      const sale = b.sale('host_timeout');
      const s = yield* b.start(txn, sale);
      yield expecting(b.hostTimeout(txn, s), { state: 'timed_out', stan: s.stan });
      // the advice: the module could not send the 0400 before its own deadline, so it tells the
      // host afterwards (0420), which acknowledges it (0430)
      const rev = reversalOf(b, s, key === 'timeout_advice' ? '0420' : '0400');
      yield b.request(txn, rev);
      yield expecting(b.eventStep(txn, 'REVERSAL_SENT', { stan: s.stan }, null), {
        state: 'reversal_sent',
        stan: s.stan,
      });
      const refused = key === 'timeout_reversal_refused';
      const rc = refused ? b.rng.pick(REVERSAL_REFUSALS) : '00';
      yield expecting(b.response(txn, rev, rc, false), {
        state: refused ? 'reversal_failed' : 'reversed',
        stan: s.stan,
      });
      return 1;
    }
    case 'timeout_late':
    case 'timeout_late_repeated': {
      const sale = b.sale('host_timeout');
      const s = yield* b.start(txn, sale);
      const to = b.hostTimeout(txn, s);
      to.gapAfterMs = b.o.lateGapMs; // the host answers after a while
      yield expecting(to, { state: 'timed_out', stan: s.stan });
      const rsp = b.response(txn, s, '00', true);
      yield expecting(rsp, { state: 'approved_late', stan: s.stan });
      if (key === 'timeout_late_repeated') yield b.again(txn, rsp);
      yield* b.removed(txn, sale);
      return 1;
    }
    case 'approved_repeated': {
      const sale = b.sale('00');
      const s = yield* b.start(txn, sale);
      const rsp = b.response(txn, s, '00', true);
      yield rsp;
      yield b.again(txn, rsp);
      yield* b.removed(txn, sale);
      return 1;
    }
    case 'other_card':
    case 'same_card': {
      const rc = b.rng.pick(key === 'other_card' ? OTHER_CARD_DECLINES : SAME_CARD_DECLINES);
      const first = b.sale(rc);
      const s1 = yield* b.start(txn, first);
      yield b.response(txn, s1, rc, true);
      yield* b.removed(txn, first);
      // the customer pays the same amount: with another card (a walk-in card not seen before) or
      // with the same card again
      const second: Sale = key === 'other_card' ? { ...b.sale('00'), amount: first.amount } : first;
      const s2 = yield* b.start(txn + 1, second);
      yield expecting(b.response(txn + 1, s2, '00', true), {
        state: 'recovered',
        stan: s1.stan,
        other: s2.stan,
      });
      yield* b.removed(txn + 1, second);
      return 2;
    }
    case 'double_approval': {
      const sale = b.sale('00');
      const s1 = yield* b.start(txn, sale);
      yield b.response(txn, s1, '00', true);
      yield* b.removed(txn, sale);
      const s2 = yield* b.start(txn + 1, sale, '0200', DOUBLE_APPROVAL_S);
      yield expecting(b.response(txn + 1, s2, '00', true), {
        state: 'possible_double_charge',
        stan: s2.stan,
        other: s1.stan,
      });
      yield* b.removed(txn + 1, sale);
      return 2;
    }
    case 'preauth_completion': {
      const sale = b.sale('00');
      const auth = yield* b.start(txn, sale, '0100');
      const approved = b.response(txn, auth, '00', true);
      yield approved;
      yield* b.removed(txn, sale);
      // later, without the card: the final amount (at most the authorised one) as a completion advice
      const final = Math.max(100, Math.round(Number(sale.amount) * (0.5 + b.rng.next() / 2)));
      const done = completionOf(b, auth, String(final).padStart(12, '0'), approved.authCode ?? '');
      yield b.request(txn + 1, done);
      yield b.response(txn + 1, done, '00', false);
      return 2;
    }
    case 'echo': {
      const stan = b.nextStan();
      const t = b.tick(0);
      const fields: Record<number, string> = { 7: t.transmission, 11: stan, 41: b.o.terminalId };
      if (b.version === '1987') fields[70] = '301';
      else fields[24] = FUNCTION_CODE_1993.echo;
      const echo: Sent = { mti87: '0800', stan, fields };
      yield b.request(null, echo);
      yield b.response(null, echo, '00', false);
      return 0;
    }
  }
}

/**
 * Original data elements of `orig`: 1987 field 90 (n42: MTI, STAN, transmission date and time,
 * then the acquiring and forwarding institution ids, zeros here); 1993 field 56 (n..35: MTI,
 * STAN, local date and time; the acquirer id left out). 1993's own field 90 is a reversal count.
 */
function originalData(b: Builder, orig: Sent): Record<number, string> {
  if (b.version === '1987') return { 90: `${orig.mti87}${orig.stan}${orig.fields[7]}${'0'.repeat(22)}` };
  return { 56: `${b.mti(orig.mti87)}${orig.stan}${orig.fields[12]}` };
}

/** The reversal (0400) or reversal advice (0420) of `orig`: its own STAN, the original's data. */
function reversalOf(b: Builder, orig: Sent, mti87: '0400' | '0420'): Sent {
  const stan = b.nextStan();
  const t = b.tick(2);
  const fields: Record<number, string> = {
    ...orig.fields,
    7: t.transmission,
    11: stan,
    ...originalData(b, orig),
  };
  if (b.version === '1993') fields[24] = FUNCTION_CODE_1993.reversal;
  return { mti87, stan, fields };
}

/** The completion advice (0220) of an approved pre-authorisation: final amount, its approval code. */
function completionOf(b: Builder, auth: Sent, amount: string, authCode: string): Sent {
  const stan = b.nextStan();
  const t = b.tick(20);
  const fields: Record<number, string> = {
    ...auth.fields,
    4: amount,
    7: t.transmission,
    11: stan,
    38: authCode,
    ...originalData(b, auth),
  };
  if (b.version === '1993')
    fields[24] =
      amount === auth.fields[4] ? FUNCTION_CODE_1993.completion_same : FUNCTION_CODE_1993.completion_differs;
  return { mti87: '0220', stan, fields };
}
