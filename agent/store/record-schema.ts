/**
 * zod schemas of the failure record (agent/record.ts), made from the rule tables of
 * record-rules.ts by zodOf: the rules are stated there once, and the fast checker the agent runs
 * per sale reads the same tables. These schemas are for what checks records off the hot path: the
 * payload schemas of agent/sync build on failureRecordSchema (the collector parses received
 * records with them, and docs/payload.schema.json is generated from them), and salvage checks the
 * rows it rescues.
 *
 * Each schema is built on its first use, not when this module loads: the store's modules import
 * it, and the agent's start path (docs/startup.md) need not construct schemas it may never use.
 * `failureRecordSchema()` is the zod schema; `.parse`/`.safeParse` are shorthand for its own.
 */
import { lazy, zod } from '../../protocol/zod.js';
import type {
  core,
  output,
  ZodEnum,
  ZodNullable,
  ZodNumber,
  ZodObject,
  ZodOptional,
  ZodSafeParseResult,
  ZodString,
  ZodType,
} from 'zod';
import { hasTrackShape } from '../../protocol/card/track.js';
import { initialOutcome } from '../record.js';
import {
  FAILURE_RECORD,
  type FieldRule,
  FORMS,
  NEW_APPROVAL,
  NEW_FAILURE,
  OUTCOME_CHANGE,
  type RuleTable,
} from './record-rules.js';

export {
  emptyInvalidApprovalFields,
  emptyInvalidOptionalFields,
  MAX_AMOUNT_MINOR,
  MAX_NOTES,
} from './record-rules.js';

type ZodBase<F> = F extends { kind: 'whole' }
  ? ZodNumber
  : F extends { kind: 'enum'; values: readonly (infer V extends string)[] }
    ? ZodEnum<{ [K in V]: K }>
    : ZodString;
type ZodNull<F> = F extends { nullable: true } ? ZodNullable<ZodBase<F>> : ZodBase<F>;
type ZodField<F> = F extends { optional: true } ? ZodOptional<ZodNull<F>> : ZodNull<F>;
/** The zod schema zodOf makes of a table. */
export type ZodOf<T extends RuleTable> = ZodObject<
  { -readonly [K in keyof T]: ZodField<T[K]> },
  core.$strict
>;

/** One field's rule as zod states it (the order of the checks is the order zod reports them in). */
function zodField(rule: FieldRule): ZodType {
  const z = zod();
  let s: ZodType;
  if (rule.kind === 'whole') s = z.number().int().min(rule.min).max(rule.max);
  else if (rule.kind === 'enum') s = z.enum(rule.values as [string, ...string[]]);
  else {
    const text = rule.kind === 'text' ? rule : FORMS[rule.kind];
    let t = z.string();
    if ('min' in text && text.min !== undefined) t = t.min(text.min);
    if ('max' in text && text.max !== undefined) t = t.max(text.max);
    if (text.form !== undefined) t = t.regex(text.form, text.what);
    s = 'wire' in text && text.wire === true ? t.refine((v) => !hasTrackShape(v)) : t;
  }
  if (rule.nullable === true) s = s.nullable();
  if (rule.optional === true) s = s.optional();
  return s;
}

/** The zod schema of a rule table: a strict object (unknown keys refused) of its fields in order. */
export function zodOf<T extends RuleTable>(table: T): ZodOf<T> {
  const shape: Record<string, ZodType> = {};
  for (const [key, rule] of Object.entries(table)) shape[key] = zodField(rule);
  return zod().strictObject(shape) as unknown as ZodOf<T>;
}

/** A schema made on first use: call it for the zod schema; parse and safeParse are its own. */
export interface LazySchema<S extends ZodType> {
  (): S;
  parse(v: unknown): output<S>;
  safeParse(v: unknown): ZodSafeParseResult<output<S>>;
}

function lazySchema<T extends RuleTable>(table: T): LazySchema<ZodOf<T>> {
  const schema = lazy(() => zodOf(table));
  return Object.assign(schema, {
    parse: (v: unknown) => schema().parse(v),
    safeParse: (v: unknown) => schema().safeParse(v),
  });
}

export const newFailureSchema = lazySchema(NEW_FAILURE);
/** The fields an outcome change sets (store.update). */
export const outcomeChangeSchema = lazySchema(OUTCOME_CHANGE);
/** An approval for the ledger (store.recordApproval): the failure record's rules for shared fields. */
export const newApprovalSchema = lazySchema(NEW_APPROVAL);
/**
 * A stored or received record (no card_key: it never leaves the agent), with the wire rules of
 * earlier agents (record-rules.ts FAILURE_RECORD).
 */
export const failureRecordSchema = lazySchema(FAILURE_RECORD);

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
