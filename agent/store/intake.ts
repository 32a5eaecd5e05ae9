/**
 * What record() accepts: a full PAN in any text field is masked (defence in depth; the decoder
 * masks first), the record is checked by its zod schema, whose output is a fresh copy: what was
 * checked is what gets written, whatever the caller does with its object later.
 */
import type { Logger } from '../log.js';
import { scrubPans } from '../../protocol/card/pan.js';
import { StoreError } from './errors.js';
import { newFailureSchema } from './record-schema.js';
import type { NewFailure } from './types.js';

function scrub(f: NewFailure, log: Logger): NewFailure {
  let out = f;
  for (const key in f) {
    const k = key as keyof NewFailure;
    const v = f[k];
    if (typeof v !== 'string') continue;
    // scrubPans returns the same string when there is no PAN (one pass, nothing allocated)
    const clean = scrubPans(v);
    if (clean !== v) {
      if (out === f) out = { ...f };
      (out as unknown as Record<string, unknown>)[k] = clean;
      log.warn({ event: 'pan_masked_on_store', field: k }, 'a full PAN reached the store and was masked');
    }
  }
  return out;
}

/** The record to queue (scrubbed, checked, copied), or the E_RECORD error that refuses it. */
export function admit(f: NewFailure, log: Logger): NewFailure | StoreError {
  const scrubbed = scrub(f, log);
  const parsed = newFailureSchema.safeParse(scrubbed);
  if (parsed.success) return parsed.data as NewFailure;
  const issue = parsed.error.issues[0];
  return new StoreError(
    'E_RECORD',
    `invalid failure record: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
  );
}
