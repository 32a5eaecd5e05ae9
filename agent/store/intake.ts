/**
 * What the store accepts: a full PAN in any text field is masked (defence in depth; the decoder
 * masks first), the input is checked against its rule table (record-rules.ts: the fast checker,
 * not zod: this runs for every sale) and copied: what was checked is what gets written, whatever
 * the caller does with its object later. The card key is not scrubbed: its rule admits only a
 * 32-64 character hex hash, which no PAN can be.
 */
import type { Logger } from '../log.js';
import { scrubPans } from '../../protocol/card/pan.js';
import { StoreError } from './errors.js';
import {
  checkFirst,
  copyChecked,
  describeIssue,
  emptyInvalidApprovalFields,
  newApprovalRules,
  newFailureRules,
  outcomeChangeRules,
  type Rules,
} from './record-rules.js';
import type { NewApproval, NewFailure, OutcomeChange } from './types.js';

function scrub<T extends object>(f: T, log: Logger): T {
  let out = f;
  for (const key in f) {
    const v = f[key];
    if (typeof v !== 'string' || key === 'card_key') continue;
    // scrubPans returns the same string when there is no PAN (one pass, nothing allocated)
    const clean = scrubPans(v);
    if (clean !== v) {
      if (out === f) out = { ...f };
      (out as Record<string, unknown>)[key] = clean;
      log.warn({ event: 'pan_masked_on_store', field: key }, 'a full PAN reached the store and was masked');
    }
  }
  return out;
}

/** The checked copy, or E_RECORD naming the field and the rule (never the value). Hot path. */
function check<T>(rules: Rules<T>, what: string, v: T): T | StoreError {
  const issue = checkFirst(rules, v);
  if (issue === null) return copyChecked(rules, v);
  return new StoreError('E_RECORD', `invalid ${what}: ${describeIssue(issue)}`);
}

/** The record to queue (scrubbed, checked, copied), or the E_RECORD error that refuses it. */
export function admit(f: NewFailure, log: Logger): NewFailure | StoreError {
  return check(newFailureRules, 'failure record', scrub(f, log));
}

/** The outcome change to queue (checked, copied), or the E_RECORD error that refuses it. */
export function admitChange(c: OutcomeChange): OutcomeChange | StoreError {
  return check(outcomeChangeRules, 'outcome change', c);
}

/**
 * The approval to queue (scrubbed, checked, copied), or the E_RECORD error that refuses it. A bad
 * optional field (an RRN that is not one, a currency that is not three characters) is emptied and
 * logged by name, as a failure record's is noted: the approval still counts for the matcher.
 */
export function admitApproval(a: NewApproval, log: Logger): NewApproval | StoreError {
  const scrubbed = scrub(a, log);
  const first = check(newApprovalRules, 'approval', scrubbed);
  if (!(first instanceof StoreError)) return first; // the usual case: one check
  const clean = { ...scrubbed };
  const emptied = emptyInvalidApprovalFields(clean);
  if (emptied.length === 0) return first;
  log.warn({ event: 'approval_fields_emptied', fields: emptied }, 'approval stored without its bad fields');
  return check(newApprovalRules, 'approval', clean);
}
