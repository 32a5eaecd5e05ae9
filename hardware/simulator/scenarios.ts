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
 */
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
