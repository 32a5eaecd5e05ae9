/**
 * zod schema of the failure record (agent/record.ts): the one statement of its rules. The store
 * validates every NewFailure with it before giving it an id and seq (bad input: StoreError
 * 'E_RECORD', nothing half-written); the pipeline empties bad optional fields by it
 * (emptyInvalidOptionalFields); the payload schemas of agent/sync build on it, and
 * docs/payload.schema.json is generated from it.
 */
import { hasTrackShape } from '../../protocol/card/track.js';
import { zod } from '../../protocol/zod.js';
import { CATEGORIES, initialOutcome, OUTCOMES, RECOVERY_MEANS, RETRY_ADVICE } from '../record.js';
import type { ZodType } from 'zod';
import type { NewApproval, NewFailure } from './types.js';

const z = zod();

const nullableText = (max: number) => z.string().max(max).nullable();
const isoTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/, 'UTC ISO-8601 with Z');
const ulid = z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, 'ULID');
/**
 * The keyed card hash as panDigest makes it (32 lowercase hex characters; up to 64 for a longer
 * digest). Longer than any PAN (19 digits), so a card number is never taken for a card key.
 */
export const cardKeySchema = z
  .string()
  .regex(/^(?:[0-9a-f]{2}){16,32}$/, 'a hex card hash of 32 to 64 characters')
  .nullable();
/**
 * A value copied from the wire (ISO 8583 n/an fields): only the characters its field may hold, and
 * never the shape of track data (an `an` field 37 of "0044D3522921" is a track-2 piece a misframed
 * message shifted in). `what` says the rule in words for the notes (emptyInvalidOptionalFields).
 */
const wireText = (form: RegExp, what: string) =>
  z
    .string()
    .regex(form)
    .refine((v) => !hasTrackShape(v))
    .describe(what)
    .nullable();

/** Largest amount in minor units: ISO 8583 field 4 is n12 (and a longer number could be a card number). */
export const MAX_AMOUNT_MINOR = 999_999_999_999;
/** Longest `notes` text. */
export const MAX_NOTES = 500;

export const newFailureSchema = z.strictObject({
  terminal_id: z.string().min(1).max(64),
  merchant_id: z.string().max(64),
  occurred_at: isoTime,
  utc_offset_min: z
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60),
  mti: wireText(/^\d{4}$/, '4 digits'),
  processing_code: wireText(/^\d{6}$/, '6 digits'),
  amount_minor: z.number().int().min(0).max(MAX_AMOUNT_MINOR).nullable(),
  currency: wireText(/^[0-9A-Z]{3}$/, '3 digits or capital letters'),
  // maskPan's one format: first 6 + '*' + last 4 (13-19 long), or all '*' for short numbers
  pan_masked: z
    .string()
    .regex(/^(\d{6}\*{3,9}\d{4}|\*{1,12})$/, 'masked PAN: first 6, *, last 4')
    .nullable(),
  card_brand: nullableText(32),
  entry_mode: wireText(/^\d{1,4}$/, '1 to 4 digits'),
  stan: wireText(/^\d{1,12}$/, '1 to 12 digits'),
  // field 37 and 38 are `an` (letters, digits; spaces pad): a '=' or '^' there is track data a
  // misframed message shifted in (found by the card-data fuzz), never a reference number
  rrn: wireText(/^[0-9A-Za-z ]{1,12}$/, '1 to 12 letters, digits or spaces'),
  auth_code: wireText(/^[0-9A-Za-z ]{1,8}$/, '1 to 8 letters, digits or spaces'),
  rc: z.string().min(1).max(24),
  rc_source: z.enum(['issuer', 'host', 'local']),
  category: z.enum(CATEGORIES),
  retry: z.enum(RETRY_ADVICE),
  notes: nullableText(MAX_NOTES),
  outcome: z.enum(OUTCOMES),
  linked_id: ulid.nullable().optional(),
  card_key: cardKeySchema.optional(),
});

/** The fields an outcome change sets (store.update). */
export const outcomeChangeSchema = z.strictObject({
  outcome: z.enum(OUTCOMES),
  at: isoTime,
  linked_id: ulid.nullable().optional(),
  recovered_by: z.enum(RECOVERY_MEANS).nullable().optional(),
});

/** An approval for the ledger (store.recordApproval): the failure record's rules for shared fields. */
export const newApprovalSchema = newFailureSchema
  .pick({
    terminal_id: true,
    merchant_id: true,
    occurred_at: true,
    mti: true,
    amount_minor: true,
    currency: true,
    pan_masked: true,
    stan: true,
    rrn: true,
    auth_code: true,
  })
  .extend({ card_key: cardKeySchema });

/**
 * A stored or received record (no card_key: it never leaves the agent). Receivers also take
 * records of agents made before `notes` existed (no `notes` key), before amounts were limited to
 * 12 digits, or before outcomes (no version/outcome keys: see withOutcomeDefaults).
 */
export const failureRecordSchema = newFailureSchema.omit({ card_key: true }).extend({
  // the wire fields as earlier agents wrote them: length-checked only
  mti: nullableText(4),
  processing_code: nullableText(6),
  currency: nullableText(3),
  entry_mode: nullableText(4),
  stan: nullableText(12),
  rrn: nullableText(12),
  auth_code: nullableText(8),
  amount_minor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  notes: nullableText(MAX_NOTES).optional(),
  id: ulid,
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  outcome_at: isoTime.nullable(),
  linked_id: ulid.nullable(),
  recovered_by: z.enum(RECOVERY_MEANS).nullable(),
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  boot_id: z.string().min(1).max(64),
  synced_at: z.string().nullable(),
});

/**
 * A received record of an agent made before outcomes (no `version` key) gets what the store's
 * migration v4 gives such rows: version 1, the outcome its rc implies, no change. Records that have
 * `version` are left as they are (the schema then judges them). Returns a new object when it adds.
 */
export function withOutcomeDefaults(r: unknown): unknown {
  if (typeof r !== 'object' || r === null || 'version' in r) return r;
  const o = r as Record<string, unknown>;
  const rc = typeof o.rc === 'string' ? o.rc : '';
  return {
    ...o,
    version: 1,
    outcome: o.outcome ?? initialOutcome(rc),
    outcome_at: o.outcome_at ?? null,
    linked_id: o.linked_id ?? null,
    recovered_by: o.recovered_by ?? null,
  };
}

/**
 * Why a value breaks an optional field's rule, in fixed words read off the schema (never the value:
 * it is received input and could be anything, card data included). `notes` is not in the list: a
 * bad `notes` is the caller's, and the store refuses it.
 */
const OPTIONAL_FIELD_RULES = new Map<string, string>();
for (const [key, field] of Object.entries(newFailureSchema.shape)) {
  if (key === 'notes' || !(field instanceof z.ZodNullable)) continue;
  const inner = field.unwrap();
  if (inner instanceof z.ZodNumber) {
    OPTIONAL_FIELD_RULES.set(key, `not a whole number from ${inner.minValue} to ${inner.maxValue}`);
  } else if (inner instanceof z.ZodString) {
    const rule =
      inner.description !== undefined
        ? `not ${inner.description}`
        : inner.format === null
          ? `not text of at most ${inner.maxLength} characters`
          : 'not in the expected form';
    OPTIONAL_FIELD_RULES.set(key, rule);
  }
}

/**
 * Sets the optional (nullable) fields of `o` that break their rule in `schema` to null and returns
 * each as "key: the rule it broke" (fixed words, never the value). The required fields are left
 * for the caller to judge.
 */
function emptyInvalid(schema: ZodType, o: Record<string, unknown>, only?: ReadonlySet<string>): string[] {
  const parsed = schema.safeParse(o);
  if (parsed.success) return [];
  const emptied: string[] = [];
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    if (typeof key !== 'string') continue;
    const why = OPTIONAL_FIELD_RULES.get(key);
    if (why === undefined || o[key] === null) continue; // null: emptied for an earlier issue
    if (only !== undefined && !only.has(key)) continue;
    o[key] = null;
    emptied.push(`${key}: ${why}`);
  }
  return emptied;
}

/**
 * The optional fields of `f` that break their rule are set to null, and each is named, with the
 * rule it broke, in `notes` (appended to what is there, cut to MAX_NOTES): a bad optional field
 * never costs the whole record. Mutates and returns `f`.
 */
export function emptyInvalidOptionalFields(f: NewFailure): NewFailure {
  const emptied = emptyInvalid(newFailureSchema, f as unknown as Record<string, unknown>);
  if (emptied.length === 0) return f;
  const notes = [f.notes ?? '', ...emptied].filter((n) => n !== '').join('; ');
  f.notes = notes.length > MAX_NOTES ? `${notes.slice(0, MAX_NOTES - 1)}…` : notes;
  return f;
}

/** An approval's fields as the host sent them: a bad one is the host's, not a fault of ours. */
const APPROVAL_WIRE_FIELDS: ReadonlySet<string> = new Set(['mti', 'currency', 'stan', 'rrn', 'auth_code']);

/**
 * The same for an approval of the ledger (which has no notes): a bad field received from the host
 * is emptied, so the approval still counts for recoveries and double charges; what we made
 * ourselves (the masked PAN, the card hash) must be right or the approval is refused. Mutates
 * `a`; returns what it emptied.
 */
export function emptyInvalidApprovalFields(a: NewApproval): string[] {
  return emptyInvalid(newApprovalSchema, a as unknown as Record<string, unknown>, APPROVAL_WIRE_FIELDS);
}
