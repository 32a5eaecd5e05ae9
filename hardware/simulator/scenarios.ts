/**
 * Named scenarios of the simulated payment module, as data: a weight table of transaction
 * outcomes plus, for some, noise or outage behaviour. `script.ts` turns them into frames.
 *
 * Outcome keys: a field 39 code ('00' approved, '51', ...) answered by the host, or one of
 *   'host_timeout'    REQ, then EVT HOST_TIMEOUT stan=… (and EVT REVERSAL_SENT in an outage)
 *   'silent_timeout'  REQ and nothing more: the pipeline's own timer must call it L_TIMEOUT
 *   'card_read_error' card presented, EVT CARD_READ_ERROR, no request
 *   'removed_early'   EVT CARD_INSERTED, EVT CARD_REMOVED early=1, no request
 *   'pin_timeout' / 'pin_cancel'   card presented, EVT PIN_TIMEOUT / PIN_CANCEL, no request
 * and the uncertain outcomes of the `timeouts` scenario, each a sequence of one or more sales
 * (script.ts plays them; docs/serial.md "Uncertain outcomes" lists the frames):
 *   'timeout_reversed'          REQ 0200, EVT HOST_TIMEOUT, REQ 0400, EVT REVERSAL_SENT, RSP 0410 00
 *   'timeout_reversal_refused'  the same, RSP 0410 with a refusal (REVERSAL_REFUSALS)
 *   'timeout_late'              REQ 0200, EVT HOST_TIMEOUT, a quiet while, RSP 0210 00 (approved late)
 *   'timeout_late_repeated'     the same, the late 0210 sent twice
 *   'timeout_advice'            REQ 0200, EVT HOST_TIMEOUT, REQ 0420, EVT REVERSAL_SENT, RSP 0430 00
 *   'approved_repeated'         an approval whose 0210 is sent twice
 *   'other_card'                a decline (OTHER_CARD_DECLINES), then the same amount on another card, approved
 *   'same_card'                 a decline (SAME_CARD_DECLINES), then the same card and amount, approved
 *   'double_approval'           two approvals, same card and amount, one sale after the other
 *   'preauth_completion'        REQ 0100, RSP 0110 00; next sale REQ 0220 (completion), RSP 0230 00
 *   'echo'                      REQ 0800 (echo test), RSP 0810 00: no card, no sale
 */
import type { CardGroupName } from './cards.js';

export type TxnOutcome =
  | 'host_timeout'
  | 'silent_timeout'
  | 'card_read_error'
  | 'removed_early'
  | 'pin_timeout'
  | 'pin_cancel'
  | (string & {});

/**
 * A cashier's pace: sales one after another with a pause between them, instead of frames at a
 * steady rate. Both ranges are drawn uniformly (a seeded stream of its own, so the frames are the
 * same as at any rate).
 */
export interface SalePace {
  /** Quiet seconds from a sale's last frame to the next sale's first (the next customer): [min, max]. */
  betweenSalesS: readonly [number, number];
  /** Milliseconds between the frames of one sale (card, PIN, request, host's answer): [min, max]. */
  frameGapMs: readonly [number, number];
}

/** The demo's pace: the next customer 2.5-5 s after the last sale ends, a sale taking 0.3-2 s. */
export const CASHIER_PACE: SalePace = { betweenSalesS: [2.5, 5], frameGapMs: [150, 600] };

export interface Scenario {
  name: string;
  description: string;
  /**
   * Frames per second when the scenario has no pace; with a pace, the rate `--print --duration`
   * sizes its script with.
   */
  rate: number;
  /** Play sale by sale at this pace unless a rate is given (the demo's shift). */
  pace?: SalePace;
  /** Weights of transaction outcomes. */
  mix: Readonly<Record<string, number>>;
  /** Outcomes played in this order before the mix takes over (each sequence once, for tests). */
  opening?: readonly string[];
  /** Card groups (cards.ts) the scenario draws from; default: all. */
  cardGroups?: readonly CardGroupName[];
  /** Noise steps between transactions: probability per transaction. */
  noise?: number;
  /** Outage: every `every` transactions the host link goes down for `length` transactions. */
  outage?: {
    every: number;
    length: number;
    duringMix: Readonly<Record<string, number>>;
    duplicateAfter: boolean;
  };
}

/** Reversal refusals (0410/0430 field 39): no such original on file, the host's system error. */
export const REVERSAL_REFUSALS = ['25', '96'] as const;
/** Declines after which the customer pays with another card: funds, expired, invalid card. */
export const OTHER_CARD_DECLINES = ['51', '54', '14'] as const;
/** Declines after which the same card passes: wrong PIN, issuer or host briefly unavailable. */
export const SAME_CARD_DECLINES = ['55', '91', '96'] as const;
/** How long the line stays quiet between a HOST_TIMEOUT and the late approval, ms (default). */
export const LATE_GAP_MS = 1000;

/** A realistic shift: mostly approvals, the common declines, a few host timeouts. */
const SHIFT_MIX = {
  '00': 820,
  '51': 45,
  '05': 30,
  '55': 20,
  '54': 12,
  '91': 8,
  '1A': 10,
  '43': 2,
  '61': 10,
  '65': 6,
  '14': 10,
  '96': 4,
  host_timeout: 12,
  pin_cancel: 6,
  card_read_error: 5,
} as const;

export const SCENARIOS = {
  shift: {
    name: 'shift',
    description:
      'a normal shift: mostly approvals, a realistic mix of declines (51, 05, 55, 54, 91, 1A, 43, 61, 65, 14, 96) and host timeouts',
    // the demo's scenario: one terminal at a cashier's pace, each failure readable until the next sale
    rate: 3,
    pace: CASHIER_PACE,
    mix: SHIFT_MIX,
  },
  outage: {
    name: 'outage',
    description:
      'the host network drops: LINK_DOWN, host timeouts with reversals, silent timeouts, 91s, LINK_UP, a retransmitted response',
    rate: 5,
    mix: { '00': 85, '51': 5, '05': 3, '91': 4, host_timeout: 3 },
    outage: {
      every: 12,
      length: 6,
      duringMix: { host_timeout: 5, silent_timeout: 2, '91': 2, '96': 1 },
      duplicateAfter: true,
    },
  },
  'card-problems': {
    name: 'card-problems',
    description:
      'a streak of card trouble: read errors, 14 invalid card number, 54 expired, 33 expired (pick up), card removed early, PIN timeouts',
    rate: 5,
    mix: { card_read_error: 25, '14': 15, '54': 15, '33': 10, removed_early: 15, pin_timeout: 5, '00': 15 },
  },
  noise: {
    name: 'noise',
    description:
      'line noise: garbage bytes, truncated, corrupted, oversize and malformed frames between valid ones',
    rate: 20,
    mix: { '00': 80, '51': 10, '05': 5, host_timeout: 5 },
    noise: 0.6,
  },
  timeouts: {
    name: 'timeouts',
    description:
      'uncertain outcomes among approvals: host timeouts with reversals confirmed (0410 00) and refused (25, 96), late approvals (some retransmitted), 0420 advice reversals, retransmitted responses, a customer who pays with another card or the same card after a decline, double approvals, a pre-authorisation with its completion, echo tests',
    rate: 5,
    // every sequence once, in this order, between approvals; then the mix
    opening: [
      '00',
      'timeout_reversed',
      '00',
      'timeout_reversal_refused',
      'timeout_late',
      '00',
      'timeout_late_repeated',
      'timeout_advice',
      'approved_repeated',
      'other_card',
      '00',
      'same_card',
      'double_approval',
      'preauth_completion',
      'echo',
      '00',
    ],
    mix: {
      '00': 40,
      '51': 3,
      '05': 3,
      timeout_reversed: 5,
      timeout_reversal_refused: 3,
      timeout_late: 3,
      timeout_late_repeated: 2,
      timeout_advice: 2,
      approved_repeated: 3,
      other_card: 4,
      same_card: 4,
      double_approval: 3,
      preauth_completion: 2,
      echo: 2,
    },
    // walk-ins only (each card seen once): a card or amount repeats only where a sequence says so
    cardGroups: ['walk_in'],
  },
  burst: {
    name: 'burst',
    description: 'hundreds of frames per second with the shift mix',
    rate: 500,
    mix: SHIFT_MIX,
  },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

export function isScenarioName(s: string): s is ScenarioName {
  return Object.hasOwn(SCENARIOS, s);
}
