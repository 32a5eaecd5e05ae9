/**
 * What the store accepts: a full PAN in any text field is masked (defence in depth; the decoder
 * masks first), the input is checked by its zod schema, whose output is a fresh copy: what was
 * checked is what gets written, whatever the caller does with its object later. The card key is
 * not scrubbed: its schema admits only a 32-64 character hex hash, which no PAN can be.
 */
import type { Logger } from '../log.js';
import { scrubPans } from '../../protocol/card/pan.js';
import type { ZodType } from 'zod';
import { StoreError } from './errors.js';
import {
  emptyInvalidApprovalFields,
  newApprovalSchema,
  newFailureSchema,
  outcomeChangeSchema,
} from './record-schema.js';
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

function check<T>(schema: ZodType, what: string, v: unknown): T | StoreError {
  const parsed = schema.safeParse(v);
  if (parsed.success) return parsed.data as T;
  const issue = parsed.error.issues[0];
  return new StoreError(
    'E_RECORD',
    `invalid ${what}: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
  );
}

/** The record to queue (scrubbed, checked, copied), or the E_RECORD error that refuses it. */
export function admit(f: NewFailure, log: Logger): NewFailure | StoreError {
  return check<NewFailure>(newFailureSchema, 'failure record', scrub(f, log));
}

/** The outcome change to queue (checked, copied), or the E_RECORD error that refuses it. */
export function admitChange(c: OutcomeChange): OutcomeChange | StoreError {
  return check<OutcomeChange>(outcomeChangeSchema, 'outcome change', c);
}

/**
 * The approval to queue (scrubbed, checked, copied), or the E_RECORD error that refuses it. A bad
 * optional field (an RRN that is not one, a currency that is not three characters) is emptied and
 * logged by name, as a failure record's is noted: the approval still counts for the matcher.
 */
export function admitApproval(a: NewApproval, log: Logger): NewApproval | StoreError {
  const scrubbed = scrub(a, log);
  const first = check<NewApproval>(newApprovalSchema, 'approval', scrubbed);
  if (!(first instanceof StoreError)) return first; // the usual case: one parse
  const clean = { ...scrubbed };
  const emptied = emptyInvalidApprovalFields(clean);
  if (emptied.length === 0) return first;
  log.warn({ event: 'approval_fields_emptied', fields: emptied }, 'approval stored without its bad fields');
  return check<NewApproval>(newApprovalSchema, 'approval', clean);
}
