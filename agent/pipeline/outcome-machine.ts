/**
 * Where a sale ends up, as a table a reader can check (docs/outcomes.md draws the same table). A
 * sale starts `pending` when its request goes out; the host's answer, its silence, the module's
 * reversal and later sales move it on. A failure record is made when a sale leaves `pending` any
 * other way than `approved`; each later move is a new version of that record.
 *
 * Pure data and one lookup: the pipeline moves a sale with `nextOutcome` and shows the screen of
 * the state it lands in (`OUTCOME_PROMPT`); the agent stores the move as a record update.
 */
import type { Outcome } from '../record.js';
import { LOCAL_FAULTS } from '../record.js';

/** A sale's state: `pending` and `approved` have no record; the others are a record's outcome. */
export type SaleState = 'pending' | 'approved' | Outcome;

/** What can happen to a sale. */
export type SaleEvent =
  | 'approval' // the host approved the request in time
  | 'decline' // the host declined it, or the sale failed on the terminal (card, PIN, link)
  | 'timeout' // no answer within the host timeout
  | 'reversal_sent' // the module sent a reversal (0400/0420) for it
  | 'reversal_accepted' // 0410/0430 with an approval code
  | 'reversal_refused' // 0410/0430 with any other code
  | 'late_approval' // an approving answer after the timeout
  | 'paid_later' // a later sale paid the same amount (same card, or another card here)
  | 'second_approval' // another approval, same card and amount, within the double-charge window
  | 'written_off'; // someone decided the sale is lost (the fleet side's case)

export interface Transition {
  from: SaleState;
  on: SaleEvent;
  to: SaleState;
}

/** Every allowed move. Anything else leaves the sale where it is (and is logged by the caller). */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const TRANSITIONS: readonly Transition[] = [
  { from: 'pending',         on: 'approval',          to: 'approved' },
  { from: 'pending',         on: 'decline',           to: 'declined' },
  { from: 'pending',         on: 'timeout',           to: 'timed_out' },
  { from: 'pending',         on: 'reversal_sent',     to: 'reversal_sent' },
  { from: 'timed_out',       on: 'reversal_sent',     to: 'reversal_sent' },
  { from: 'timed_out',       on: 'late_approval',     to: 'approved_late' },
  { from: 'timed_out',       on: 'reversal_accepted', to: 'reversed' },
  { from: 'timed_out',       on: 'reversal_refused',  to: 'reversal_failed' },
  { from: 'reversal_sent',   on: 'reversal_accepted', to: 'reversed' },
  { from: 'reversal_sent',   on: 'reversal_refused',  to: 'reversal_failed' },
  { from: 'reversal_failed', on: 'reversal_accepted', to: 'reversed' },
  { from: 'reversal_failed', on: 'late_approval',     to: 'approved_late' },
  { from: 'approved_late',   on: 'second_approval',   to: 'possible_double_charge' },
  { from: 'approved',        on: 'second_approval',   to: 'possible_double_charge' },
  { from: 'declined',        on: 'paid_later',        to: 'recovered' },
  { from: 'timed_out',       on: 'paid_later',        to: 'recovered' },
  { from: 'reversed',        on: 'paid_later',        to: 'recovered' },
  { from: 'reversal_failed', on: 'paid_later',        to: 'possible_double_charge' },
  { from: 'declined',        on: 'written_off',       to: 'written_off' },
  { from: 'timed_out',       on: 'written_off',       to: 'written_off' },
  { from: 'reversed',        on: 'written_off',       to: 'written_off' },
  { from: 'reversal_failed', on: 'written_off',       to: 'written_off' },
];

const NEXT = new Map<string, SaleState>(TRANSITIONS.map((t) => [`${t.from}|${t.on}`, t.to]));

/** What the host or the payment module says of a sale after its request (not later sales). */
const HOST_EVENTS: ReadonlySet<SaleEvent> = new Set([
  'reversal_sent',
  'reversal_accepted',
  'reversal_refused',
  'late_approval',
]);

const OPEN = new Set(
  TRANSITIONS.filter((t) => t.from !== 'pending' && HOST_EVENTS.has(t.on)).map((t) => t.from),
);

/** A state the host or the module can still move a sale out of: the pipeline keeps such sales open. */
export function isOpenState(state: SaleState): boolean {
  return OPEN.has(state);
}

/** The state `event` moves a sale in `state` to, or null when the table has no such move. */
export function nextOutcome(state: SaleState, event: SaleEvent): SaleState | null {
  return NEXT.get(`${state}|${event}`) ?? null;
}

/**
 * The screen of each state the cashier must act on: a local code whose texts (six languages) say
 * what to do. `timed_out` and `reversal_sent` share "No answer. Do NOT retry yet: reversal in
 * progress"; the others have their own. States not listed show nothing new.
 */
export const OUTCOME_PROMPT: Readonly<Partial<Record<SaleState, string>>> = {
  timed_out: LOCAL_FAULTS.hostTimeout,
  reversal_sent: LOCAL_FAULTS.hostTimeout,
  reversed: LOCAL_FAULTS.reversed,
  reversal_failed: LOCAL_FAULTS.reversalFailed,
  approved_late: LOCAL_FAULTS.approvedLate,
  possible_double_charge: LOCAL_FAULTS.doubleCharge,
};

/**
 * The code whose texts say what to do about a record now: its outcome's prompt when the outcome has
 * one (a timeout that was reversed says "safe to try again", no longer "do not retry yet"), else
 * its response code.
 */
export function currentCode(rc: string, outcome: SaleState): string {
  return OUTCOME_PROMPT[outcome] ?? rc;
}

/** Codes that accept a reversal: the approval codes of 1987 and 1993, and 1993's 400 (accepted). */
export const REVERSAL_ACCEPTED = new Set(['00', '000', '400']);
