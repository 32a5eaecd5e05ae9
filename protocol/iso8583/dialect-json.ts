/**
 * Loading a dialect from JSON (a user's own host spec). The JSON names a built-in base dialect or
 * gives every encoding choice, and may override fields, remove them (null) or give them subfields:
 *   { "name": "myhost", "base": "bcd", "bitmap": "hex", "fields": { "48": { "type": "b", "length": 255, "prefix": 3 } } }
 * docs/codec.md describes every key. Validation errors name the JSON path and the reason
 * (DialectError, code E_DIALECT).
 */
import { lazy, zod } from '../zod.js';
import type { CompositeSpec, SubfieldSpec, TagSpec } from './composite.js';
import { DIALECT_DEFS, DIALECT_NAMES, dialectDefOf } from './dialects.js';
import { CODE_PAGES } from './encodings/ebcdic.js';
import { prefixMax } from './encodings/prefix.js';
import {
  compileDialect,
  type CompiledDialect,
  DEFAULT_SENSITIVITY,
  type DialectDef,
  encodingFor,
  type FieldDef,
  type FieldSpec,
  type FieldType,
  fieldSpecsOf,
  MAX_FIELD_LENGTH,
} from './spec.js';
import { SUBFIELD_PRESET_NAMES, SUBFIELD_PRESETS } from './subfield-presets.js';

export class DialectError extends Error {
  override readonly name = 'DialectError';
  readonly code = 'E_DIALECT';
}

const TYPES = ['n', 'a', 'an', 'ans', 'ns', 'z', 'b', 'xn'] as const;
const ENCODINGS = ['ascii', 'ebcdic', 'bcd', 'binary', 'hex', 'ebcdic-hex'] as const;
const PREFIX_ENCODINGS = ['ascii', 'ebcdic', 'bcd', 'binary'] as const;

// built by the first dialect file: the built-in dialects never load zod
const dialectSchema = lazy(() => {
  const z = zod();
  const prefix = z.union([0, 1, 2, 3, 4, 5, 6].map((n) => z.literal(n)) as never);
  const codePage = z.enum(CODE_PAGES as ['037', '1047']);
  const padding = z.object({ side: z.enum(['left', 'right', 'none']), char: z.string().length(1) }).strict();
  const fieldShape = {
    name: z.string().min(1).optional(),
    type: z.enum(TYPES).optional(),
    length: z.number().int().min(1).max(MAX_FIELD_LENGTH).optional(),
    prefix: prefix.optional(),
    encoding: z.enum(ENCODINGS).optional(),
    prefixEncoding: z.enum(PREFIX_ENCODINGS).optional(),
    pad: z.enum(['left', 'right']).optional(),
    fill: z.enum(['0', 'F']).optional(),
    padding: padding.optional(),
    codePage: codePage.optional(),
  };
  const subfieldSchema = z
    .object({
      ...fieldShape,
      sensitivity: z.enum(['pan', 'secret']).optional(),
      public: z.boolean().optional(),
    })
    .strict();
  const subfieldsRecord = z.record(
    z.string().regex(/^([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/, 'subfield number 0..128'),
    subfieldSchema,
  );
  const composite = z.union([
    z.enum(SUBFIELD_PRESET_NAMES),
    z.object({ kind: z.literal('positional'), fields: subfieldsRecord }).strict(),
    z
      .object({
        kind: z.literal('bitmap'),
        header: z.number().int().min(0).max(64).optional(),
        bitmap: z.enum(['binary', 'hex', 'ebcdic']),
        bitmapBytes: z.number().int().min(1).max(16),
        fields: subfieldsRecord,
      })
      .strict(),
    z
      .object({
        kind: z.literal('tlv'),
        format: z.enum(['ber', 'ascii', 'ebcdic']),
        tagLength: z.number().int().min(1).max(4).optional(),
        lengthDigits: z.number().int().min(1).max(6).optional(),
        layout: z.enum(['tag-length', 'length-tag']).optional(),
        lengthIncludesTag: z.boolean().optional(),
        lead: z.number().int().min(0).max(64).optional(),
        leadName: z.string().min(1).optional(),
        codePage: codePage.optional(),
        tags: z
          .record(
            z.string().min(1).max(8),
            z
              .object({
                name: z.string().min(1),
                sensitivity: z.enum(['pan', 'secret']).optional(),
                public: z.boolean().optional(),
              })
              .strict(),
          )
          .optional(),
      })
      .strict(),
    z.null(),
  ]);
  const fieldSchema = z
    .object({
      ...fieldShape,
      sensitivity: z.enum(['pan', 'secret', 'emv']).optional(),
      public: z.boolean().optional(),
      subfields: composite.optional(),
    })
    .strict();

  return z
    .object({
      name: z.string().min(1),
      description: z.string().optional(),
      base: z.enum(DIALECT_NAMES).optional(),
      mti: z.enum(['ascii', 'ebcdic', 'bcd']).optional(),
      bitmap: z.enum(['binary', 'hex', 'ebcdic']).optional(),
      tertiaryBitmap: z.boolean().optional(),
      numeric: z.enum(['ascii', 'ebcdic', 'bcd']).optional(),
      text: z.enum(['ascii', 'ebcdic']).optional(),
      prefix: z.enum(PREFIX_ENCODINGS).optional(),
      binary: z.enum(['binary', 'hex', 'ebcdic-hex']).optional(),
      bcdPadFixed: z.enum(['left', 'right']).optional(),
      bcdPadVariable: z.enum(['left', 'right']).optional(),
      bcdFill: z.enum(['0', 'F']).optional(),
      codePage: codePage.optional(),
      fields: z
        .record(
          z.string().regex(/^([2-9]|[1-9][0-9]|1[0-8][0-9]|19[0-2])$/, 'field number 2..192'),
          fieldSchema.nullable(),
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

type JsonSubfield = Partial<SubfieldSpec>;

/**
 * The card-data rule of a subfield or tag of a dialect file: shown only when marked `public`
 * (masked when also `pan`), withheld otherwise, since nothing else tells a CVV2 from a city name.
 * `public` is refused under a field that is card data itself (a file cannot relax card data) and
 * together with `secret`.
 */
function cardDataOf(
  where: string,
  j: { sensitivity?: 'pan' | 'secret'; public?: boolean },
  parent: string | undefined,
): Pick<SubfieldSpec, 'sensitivity' | 'public'> {
  if (j.public === true) {
    if (parent !== undefined)
      throw new DialectError(
        `dialect ${where}.public: the field is card data ("${parent}"): its subfields cannot be made public`,
      );
    if (j.sensitivity === 'secret')
      throw new DialectError(`dialect ${where}.public: a "secret" subfield cannot be public`);
    return j.sensitivity ? { sensitivity: j.sensitivity, public: true } : { public: true };
  }
  return { sensitivity: j.sensitivity ?? 'secret' };
}

/** A subfield spec from JSON with the dialect's defaults filled in. */
function subfieldOf(
  def: DialectDef,
  where: string,
  j: JsonSubfield,
  parent: string | undefined,
): SubfieldSpec {
  if (j.type === undefined || j.length === undefined)
    throw new DialectError(`dialect ${where}: a subfield needs type and length`);
  const prefix = j.prefix ?? 0;
  const s: SubfieldSpec = {
    name: j.name ?? where.split('.').pop()!,
    type: j.type,
    length: j.length,
    prefix,
    encoding: j.encoding ?? encodingFor(def, j.type),
    prefixEncoding: j.prefixEncoding ?? def.prefix,
    pad: j.pad ?? (prefix === 0 ? def.bcdPadFixed : def.bcdPadVariable),
  };
  if (j.fill ?? def.bcdFill) s.fill = j.fill ?? def.bcdFill;
  if (j.codePage ?? def.codePage) s.codePage = j.codePage ?? def.codePage;
  Object.assign(s, cardDataOf(where, j, parent));
  checkSpec(s, where);
  return s;
}

type JsonComposite = Exclude<NonNullable<NonNullable<JsonField>['subfields']>, string | null>;
type JsonField = { subfields?: unknown } & Record<string, unknown>;

function compositeOf(
  def: DialectDef,
  where: string,
  j: JsonComposite | string,
  parent: string | undefined,
): CompositeSpec {
  if (typeof j === 'string') return SUBFIELD_PRESETS[j as keyof typeof SUBFIELD_PRESETS];
  const c = j as CompositeSpec & { fields?: Record<string, JsonSubfield> };
  if (c.kind === 'tlv') {
    // BER-TLV tags leave through the EMV filter or as binary (describe.ts): the rule is for text tags
    if (c.format === 'ber' || !c.tags) return c;
    const tags: Record<string, TagSpec> = {};
    for (const [t, spec] of Object.entries(c.tags))
      tags[t] = { name: spec.name, ...cardDataOf(`${where}.tags.${keyText(t)}`, spec, parent) };
    return { ...c, tags };
  }
  const fields: Record<number, SubfieldSpec> = {};
  for (const [k, s] of Object.entries(c.fields ?? {}))
    fields[Number(k)] = subfieldOf(def, `${where}.fields.${k}`, s, parent);
  if (c.kind === 'bitmap') {
    for (const k of Object.keys(fields))
      if (Number(k) > c.bitmapBytes * 8)
        throw new DialectError(
          `dialect ${where}.fields.${k}: no bit for it in a ${c.bitmapBytes}-byte bitmap`,
        );
    return { ...c, fields };
  }
  return { kind: 'positional', fields };
}

export function dialectFromJson(json: unknown): CompiledDialect {
  refuseProtoKeys(json, []);
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
  const base = dialectDefOf(j.base ?? 'ascii');
  const overrides: Record<number, Partial<FieldSpec>> = { ...base.overrides };
  const fields: Record<number, FieldDef> = { ...base.fields };
  const baseSpecs = fieldSpecsOf(base);
  const def: DialectDef = {
    name: j.name,
    description: j.description ?? `custom dialect based on ${j.base ?? 'ascii'}`,
    mti: j.mti ?? base.mti,
    bitmap: j.bitmap ?? base.bitmap,
    tertiaryBitmap: j.tertiaryBitmap ?? base.tertiaryBitmap,
    numeric: j.numeric ?? base.numeric,
    text: j.text ?? base.text,
    prefix: j.prefix ?? base.prefix,
    binary: j.binary ?? base.binary,
    bcdPadFixed: j.bcdPadFixed ?? base.bcdPadFixed,
    bcdPadVariable: j.bcdPadVariable ?? base.bcdPadVariable,
    bcdFill: j.bcdFill ?? base.bcdFill,
    codePage: j.codePage ?? base.codePage,
    fields,
    overrides,
  };
  for (const [k, f] of Object.entries(j.fields ?? {})) {
    const id = Number(k);
    if (id > 128 && !def.tertiaryBitmap)
      throw new DialectError(`dialect fields.${k}: fields above 128 need "tertiaryBitmap": true`);
    if (id === 65 && def.tertiaryBitmap && f !== null)
      throw new DialectError(
        `dialect fields.65: with "tertiaryBitmap": true bit 65 announces the third bitmap and cannot be a field`,
      );
    if (f === null) {
      delete fields[id];
      delete overrides[id];
      continue;
    }
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
    if (f.fill) ov.fill = f.fill;
    if (f.padding) ov.padding = f.padding;
    if (f.codePage) ov.codePage = f.codePage;
    if (f.sensitivity) {
      // stricter only: a field that is card data keeps its rule or becomes secret (an "emv" PAN
      // or a "pan" track is another rule, not a stricter one)
      const was = baseSpecs[id]?.sensitivity ?? DEFAULT_SENSITIVITY[id];
      if (was !== undefined && f.sensitivity !== was && f.sensitivity !== 'secret')
        throw new DialectError(
          `dialect fields.${k}.sensitivity: field ${id} is card data ("${was}") and can only stay so or become "secret", not "${f.sensitivity}"`,
        );
      ov.sensitivity = f.sensitivity;
    }
    if (f.public === true) {
      // binary data shown as hex: only for a field that is not card data
      const sens = ov.sensitivity ?? baseSpecs[id]?.sensitivity ?? DEFAULT_SENSITIVITY[id];
      if (sens !== undefined)
        throw new DialectError(
          `dialect fields.${k}.public: field ${id} is card data ("${sens}") and cannot be public`,
        );
      ov.public = true;
    }
    // a new type without an explicit encoding takes the dialect's encoding for that type, not an
    // encoding the base inherited for the old type (e.g. field 55 made binary by the ascii base)
    if (f.type && !f.encoding) delete ov.encoding;
    if (f.type) ov.type = f.type as FieldType;
    // subfields the base gave a field do not survive a change of its type or encoding
    if (f.type || f.encoding) delete ov.subfields;
    if (f.subfields === null) delete ov.subfields;
    else if (f.subfields !== undefined) {
      const parent = ov.sensitivity ?? baseSpecs[id]?.sensitivity ?? DEFAULT_SENSITIVITY[id];
      ov.subfields = compositeOf(def, `fields.${k}.subfields`, f.subfields as JsonComposite | string, parent);
    }
    overrides[id] = ov;
  }
  checkFields(def, Object.keys(j.fields ?? {}).map(Number));
  try {
    return compileDialect(def);
  } catch (e) {
    throw new DialectError(`dialect: ${(e as Error).message}`);
  }
}

/**
 * A "__proto__" key anywhere in the file: JSON.parse keeps it as a key, but object spreads and
 * schema checks would drop or misread it, so it is refused by name rather than silently ignored.
 */
function refuseProtoKeys(v: unknown, path: string[]): void {
  if (v === null || typeof v !== 'object') return;
  for (const k of Object.keys(v)) {
    if (k === '__proto__')
      throw new DialectError(`dialect ${[...path, k].join('.')}: the key "__proto__" is not allowed`);
    refuseProtoKeys((v as Record<string, unknown>)[k], [...path, keyText(k)]);
  }
}

/** Combinations the encoder and decoder could not honour, reported at the user's field. */
function checkSpec(
  s: Pick<FieldSpec, 'type' | 'length' | 'prefix' | 'encoding' | 'prefixEncoding'>,
  where: string,
): void {
  if (s.prefix !== 0) {
    const max = prefixMax(s.prefixEncoding, s.prefix);
    if (s.length > max)
      throw new DialectError(
        `dialect ${where}.length: ${s.length} does not fit an ${'L'.repeat(s.prefix)} ${s.prefixEncoding} prefix (max ${max})`,
      );
  }
  if (s.prefixEncoding === 'binary' && s.prefix > 4)
    throw new DialectError(`dialect ${where}.prefix: a binary length prefix has 1 or 2 bytes (L to LLLL)`);
  const numericLike = s.type === 'n' || s.type === 'z' || s.type === 'xn';
  if ((s.encoding === 'hex' || s.encoding === 'ebcdic-hex' || s.encoding === 'binary') && s.type !== 'b')
    throw new DialectError(`dialect ${where}.encoding: "${s.encoding}" needs type "b", field is "${s.type}"`);
  if (s.encoding === 'bcd' && !numericLike)
    throw new DialectError(`dialect ${where}.encoding: "bcd" needs type n, z or xn, field is "${s.type}"`);
}

function checkFields(def: DialectDef, ids: number[]): void {
  const specs = fieldSpecsOf(def);
  for (const id of ids) {
    const s = specs[id];
    if (!s) continue;
    checkSpec(s, `fields.${id}`);
    if (s.subfields && (s.encoding === 'bcd' || s.encoding === 'hex' || s.encoding === 'ebcdic-hex'))
      throw new DialectError(
        `dialect fields.${id}.subfields: subfields are read from the field's bytes: encoding "${s.encoding}" cannot carry them`,
      );
  }
}

export { DIALECT_DEFS };
