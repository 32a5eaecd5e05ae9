/**
 * Test helpers for the ISO 8583 suite: fast-check arbitraries that build random *valid* messages
 * from a dialect's own field specs (content type, length, prefix), the value a view must give back
 * for an input value (card-data rules applied), and a check that the fast and exact decoder walks
 * agree on any input.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { maskPan } from '../../protocol/card/pan.js';
import { decodeIntoExact } from '../../protocol/iso8583/decoder.js';
import {
  type CompiledDialect,
  DIALECTS,
  type DialectName,
  decodeInto,
  type FieldSpec,
  type IsoMessage,
  MessageView,
} from '../../protocol/iso8583/index.js';

export const DIALECT_NAMES: readonly DialectName[] = ['ascii', 'ascii-hex', 'bcd'];
/** The built-in ISO 8583:1993 dialects (three-digit field 39, other field formats: fields-1993.ts). */
export const DIALECT_NAMES_1993: readonly DialectName[] = ['iso93-ascii', 'iso93-bcd'];

/** A response code as the dialect's field 39 carries it: '05' is '005' where field 39 is n3. */
export function rcFor(d: CompiledDialect, rc: string): string {
  return rc.padStart(d.specs[39]!.length, '0');
}

export const DIGITS = '0123456789';
export const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join(
  '',
);

export function charsArb(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet.split('')), minLength, maxLength });
}

/** Random valid value for a field spec: exactly `length` units for fixed fields, 0..length for variable ones. */
export function valueArb(
  spec: FieldSpec,
  opts: { minVar?: number; maxVar?: number } = {},
): fc.Arbitrary<string | Uint8Array> {
  const fixed = spec.prefix === 0;
  const min = fixed ? spec.length : Math.min(opts.minVar ?? 0, spec.length);
  const max = fixed ? spec.length : Math.min(opts.maxVar ?? spec.length, spec.length);
  switch (spec.type) {
    case 'n':
      return charsArb(DIGITS, min, max);
    case 'z':
      return charsArb(`${DIGITS}=`, min, max);
    case 'xn':
      // sign character C (credit) or D (debit) followed by digits
      if (max === 0) return fc.constant('');
      {
        const signed = fc
          .tuple(fc.constantFrom('C', 'D'), charsArb(DIGITS, Math.max(0, min - 1), max - 1))
          .map(([s, d]) => s + d);
        return min === 0 ? fc.oneof(fc.constant(''), signed) : signed;
      }
    case 'b':
      return fc.uint8Array({ minLength: min, maxLength: max });
    default:
      return charsArb(PRINTABLE, min, max);
  }
}

export function hexUpper(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}

/** What view.get(f) must return for an encoded input value (binary as uppercase hex, PAN masked, secrets undefined). */
export function expectedGet(d: CompiledDialect, f: number, value: string | Uint8Array): string | undefined {
  const spec = d.specs[f]!;
  if (spec.sensitivity === 'secret' || spec.sensitivity === 'emv') return undefined;
  let s: string;
  if (typeof value !== 'string') s = hexUpper(value);
  else if (spec.type === 'b') s = value.toUpperCase();
  else s = value;
  return spec.sensitivity === 'pan' ? maskPan(s) : s;
}

export function definedFields(d: CompiledDialect): number[] {
  const out: number[] = [];
  for (let f = 2; f <= 128; f++) if (d.specs[f]) out.push(f);
  return out;
}

export const mtiArb = charsArb(DIGITS, 4, 4);

/**
 * Random valid messages for a dialect: a random subset of its fields (sometimes only primary-bitmap
 * fields, sometimes sparse, sometimes dense), each with a random valid value.
 */
export function messageArb(
  d: CompiledDialect,
  opts: { maxVar?: number; fields?: number[] } = {},
): fc.Arbitrary<IsoMessage> {
  const all = opts.fields ?? definedFields(d);
  const primary = all.filter((f) => f <= 64);
  const pick = fc.oneof(
    fc.subarray(primary),
    fc.subarray(all),
    fc.subarray(all, { minLength: Math.min(all.length, 40) }),
    fc.subarray(all, { maxLength: 4 }),
  );
  return fc.tuple(mtiArb, pick).chain(([mti, ids]) =>
    fc.tuple(...ids.map((f) => valueArb(d.specs[f]!, { maxVar: opts.maxVar }))).map((vals) => {
      const fields: Record<number, string | Uint8Array> = {};
      ids.forEach((f, i) => {
        fields[f] = vals[i]!;
      });
      return { mti, fields };
    }),
  );
}

/** Asserts that every field of `msg` decodes back to its expected value, and that no other field is present. */
export function expectDecodedEquals(view: MessageView, d: CompiledDialect, msg: IsoMessage): void {
  // plain comparisons first (fast); expect() only to report a mismatch
  const want = Object.keys(msg.fields)
    .map(Number)
    .sort((a, b) => a - b);
  const problems: string[] = [];
  if (!view.ok) problems.push(`decode failed: ${view.error()?.message}`);
  if (view.mti() !== msg.mti) problems.push(`mti ${view.mti()} != ${msg.mti}`);
  const got = view.fieldNumbers();
  if (got.join(',') !== want.join(',')) problems.push(`fields [${got}] != [${want}]`);
  for (const f of want) {
    const exp = expectedGet(d, f, msg.fields[f]! as string | Uint8Array);
    const g = view.get(f);
    if (g !== exp) problems.push(`field ${f}: ${JSON.stringify(g)} != ${JSON.stringify(exp)}`);
    if (view.isRedacted(f) !== (d.specs[f]!.sensitivity === 'secret')) problems.push(`field ${f}: redaction`);
  }
  expect(problems, `dialect ${d.name}`).toEqual([]);
}

const fastView = new MessageView();
const exactView = new MessageView();

/**
 * Decodes `buf[start, end)` with the production entry point (fast walk, exact walk on failure) and
 * with the exact walk alone, and asserts they agree: same verdict, same field offsets and lengths,
 * same error. Returns the production view.
 */
export function expectWalksAgree(
  d: CompiledDialect,
  buf: Uint8Array,
  start = 0,
  end = buf.length,
): MessageView {
  const okF = decodeInto(d, buf, start, end, fastView);
  const okE = decodeIntoExact(d, buf, start, end, exactView);
  const F = fastView;
  const X = exactView;
  const problems: string[] = [];
  if (okF !== okE) problems.push(`verdict fast=${okF} exact=${okE}`);
  if (F.mtiNum !== X.mtiNum) problems.push('mti');
  if (
    F.errCode !== X.errCode ||
    F.errField !== X.errField ||
    F.errOffset !== X.errOffset ||
    F.errA !== X.errA ||
    F.errB !== X.errB
  )
    problems.push(`error fast=${F.error()?.message} exact=${X.error()?.message}`);
  if (F.limit !== X.limit) problems.push(`limit ${F.limit} != ${X.limit}`);
  for (let f = 2; f <= 192; f++) {
    const h = F.has(f);
    if (h !== X.has(f)) problems.push(`has(${f})`);
    else if (h && (F.offsetOf(f) !== X.offsetOf(f) || F.unitsOf(f) !== X.unitsOf(f)))
      problems.push(
        `field ${f}: fast ${F.offsetOf(f)}/${F.unitsOf(f)} exact ${X.offsetOf(f)}/${X.unitsOf(f)}`,
      );
  }
  if (problems.length > 0)
    expect(
      problems,
      `dialect ${d.name}, input ${Buffer.from(buf.subarray(start, end)).toString('hex')}`,
    ).toEqual([]);
  return fastView;
}

export function isValidMessageFor(d: CompiledDialect, msg: IsoMessage): boolean {
  return Object.keys(msg.fields).every((k) => d.specs[Number(k)] !== undefined);
}

export { DIALECTS };

/** The fuzz loops' PRNG lives with the scripts that share it (scripts/lib/rng.ts). */
export { rng } from '../../scripts/lib/rng.js';
