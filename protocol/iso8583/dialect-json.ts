/**
 * Loading a dialect from JSON (a user's own host spec). The JSON names a built-in base dialect or
 * gives every encoding choice, and may override fields:
 *   { "name": "myhost", "base": "bcd", "bitmap": "hex", "fields": { "48": { "type": "b", "length": 255, "prefix": 3 } } }
 * Validation errors name the JSON path and the reason (DialectError, code E_DIALECT).
 */
import { lazy, zod } from '../zod.js';
import { DIALECT_DEFS, DIALECT_NAMES } from './dialects.js';
import {
  compileDialect,
  type CompiledDialect,
  DEFAULT_SENSITIVITY,
  type DialectDef,
  type FieldDef,
  type FieldSpec,
  fieldSpecsOf,
} from './spec.js';

export class DialectError extends Error {
  override readonly name = 'DialectError';
  readonly code = 'E_DIALECT';
}

// built by the first dialect file: the built-in dialects never load zod
const dialectSchema = lazy(() => {
  const z = zod();
  const fieldSchema = z
    .object({
      name: z.string().min(1).optional(),
      type: z.enum(['n', 'a', 'an', 'ans', 'ns', 'z', 'b', 'xn']).optional(),
      length: z.number().int().min(1).max(9999).optional(),
      prefix: z.union([z.literal(0), z.literal(2), z.literal(3)]).optional(),
      encoding: z.enum(['ascii', 'bcd', 'binary', 'hex']).optional(),
      prefixEncoding: z.enum(['ascii', 'bcd', 'binary']).optional(),
      pad: z.enum(['left', 'right']).optional(),
      sensitivity: z.enum(['pan', 'secret', 'emv']).optional(),
    })
    .strict();

  return z
    .object({
      name: z.string().min(1),
      description: z.string().optional(),
      base: z.enum(DIALECT_NAMES).optional(),
      mti: z.enum(['ascii', 'bcd']).optional(),
      bitmap: z.enum(['binary', 'hex']).optional(),
      numeric: z.enum(['ascii', 'bcd']).optional(),
      prefix: z.enum(['ascii', 'bcd', 'binary']).optional(),
      binary: z.enum(['binary', 'hex']).optional(),
      bcdPadFixed: z.enum(['left', 'right']).optional(),
      bcdPadVariable: z.enum(['left', 'right']).optional(),
      fields: z
        .record(
          z.string().regex(/^([2-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/, 'field number 2..128'),
          fieldSchema,
        )
        .optional(),
    })
    .strict();
});

/**
 * A key of the user's file in an error: a short name as it is, anything else not shown (the file
 * may not be a dialect at all, and its keys anything).
 */
function keyText(key: string): string {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(key) ? key : '(a key not shown)';
}

export function dialectFromJson(json: unknown): CompiledDialect {
  const parsed = dialectSchema().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length ? issue.path.map((p) => keyText(String(p))).join('.') : '(root)';
    // zod names an unknown key in its message: shown only when it is a short name
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map(keyText).join(', ')}`
        : issue.message;
    throw new DialectError(`dialect ${path}: ${message}`);
  }
  const j = parsed.data;
  const base = DIALECT_DEFS[j.base ?? 'ascii'];
  const overrides: Record<number, Partial<FieldSpec>> = { ...base.overrides };
  const fields: Record<number, FieldDef> = { ...base.fields };
  const baseSpecs = fieldSpecsOf(base);
  for (const [k, f] of Object.entries(j.fields ?? {})) {
    const id = Number(k);
    const prev = fields[id];
    if (!prev && (f.type === undefined || f.length === undefined || f.prefix === undefined)) {
      throw new DialectError(`dialect fields.${k}: a new field needs type, length and prefix`);
    }
    fields[id] = {
      name: f.name ?? prev?.name ?? `Field ${id}`,
      type: f.type ?? prev!.type,
      length: f.length ?? prev!.length,
      prefix: f.prefix ?? prev!.prefix,
    };
    const ov: Partial<FieldSpec> = { ...overrides[id] };
    if (f.encoding) ov.encoding = f.encoding;
    if (f.prefixEncoding) ov.prefixEncoding = f.prefixEncoding;
    if (f.pad) ov.pad = f.pad;
    if (f.sensitivity) {
      // never relax card data: track data and the PIN block stay secret
      const wasSecret = DEFAULT_SENSITIVITY[id] === 'secret' || baseSpecs[id]?.sensitivity === 'secret';
      if (wasSecret && f.sensitivity !== 'secret')
        throw new DialectError(
          `dialect fields.${k}.sensitivity: field ${id} is secret card data and cannot be relaxed to "${f.sensitivity}"`,
        );
      ov.sensitivity = f.sensitivity;
    }
    // a new type without an explicit encoding takes the dialect's encoding for that type, not an
    // encoding the base inherited for the old type (e.g. field 55 made binary by the ascii base)
    if (f.type && !f.encoding) delete ov.encoding;
    if (f.type) ov.type = f.type;
    overrides[id] = ov;
  }
  const def: DialectDef = {
    name: j.name,
    description: j.description ?? `custom dialect based on ${base.name}`,
    mti: j.mti ?? base.mti,
    bitmap: j.bitmap ?? base.bitmap,
    numeric: j.numeric ?? base.numeric,
    prefix: j.prefix ?? base.prefix,
    binary: j.binary ?? base.binary,
    bcdPadFixed: j.bcdPadFixed ?? base.bcdPadFixed,
    bcdPadVariable: j.bcdPadVariable ?? base.bcdPadVariable,
    fields,
    overrides,
  };
  // Never allow a config to unmask card data silently: keep the default sensitivity unless the
  // file names a stricter one (checked above).
  checkFields(def, Object.keys(j.fields ?? {}).map(Number));
  return compileDialect(def);
}

/** Combinations the encoder and decoder could not honour, reported at the user's field. */
function checkFields(def: DialectDef, ids: number[]): void {
  const specs = fieldSpecsOf(def);
  for (const id of ids) {
    const s = specs[id]!;
    const maxVar = s.prefix === 2 ? 99 : 999;
    if (s.prefix !== 0 && s.length > maxVar)
      throw new DialectError(
        `dialect fields.${id}.length: ${s.length} does not fit an ${'L'.repeat(s.prefix)} prefix (max ${maxVar})`,
      );
    const numericLike = s.type === 'n' || s.type === 'z' || s.type === 'xn';
    if ((s.encoding === 'hex' || s.encoding === 'binary') && s.type !== 'b')
      throw new DialectError(
        `dialect fields.${id}.encoding: "${s.encoding}" needs type "b", field is "${s.type}"`,
      );
    if (s.encoding === 'bcd' && !numericLike)
      throw new DialectError(
        `dialect fields.${id}.encoding: "bcd" needs type n, z or xn, field is "${s.type}"`,
      );
  }
}
