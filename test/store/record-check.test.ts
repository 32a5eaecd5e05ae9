/**
 * The store's precompiled record check (agent/store/record-check.ts) must accept and refuse exactly
 * what the zod schema (newFailureSchema) does: valid records, and valid records with one field
 * replaced by an arbitrary value, an extra key, or a key removed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, RETRY_ADVICE } from '../../agent/record.js';
import { copyNewFailure, isValidNewFailure, NEW_FAILURE_RULES } from '../../agent/store/record-check.js';
import { newFailureSchema } from '../../agent/store/record-schema.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';

const zodOk = (x: unknown): boolean => newFailureSchema.safeParse(x).success;

const KEYS = NEW_FAILURE_RULES.map((r) => r.key);

/** Values at every rule's edges. */
const EDGES: unknown[] = [
  null,
  undefined,
  '',
  'x',
  'x'.repeat(3),
  'x'.repeat(4),
  'x'.repeat(5),
  'x'.repeat(6),
  'x'.repeat(7),
  'x'.repeat(8),
  'x'.repeat(9),
  'x'.repeat(12),
  'x'.repeat(13),
  'x'.repeat(24),
  'x'.repeat(25),
  'x'.repeat(32),
  'x'.repeat(33),
  'x'.repeat(64),
  'x'.repeat(65),
  '2024-01-02T03:04:05Z',
  '2024-01-02T03:04:05.123Z',
  '2024-01-02T03:04:05.1234Z',
  '2024-01-02T03:04:05+01:00',
  '476173******0119',
  '476173***0119',
  '476173**0119',
  '476173*********0119',
  '476173**********0119',
  '************',
  '*************',
  '4761739001010119',
  'issuer',
  'host',
  'local',
  ...CATEGORIES,
  ...RETRY_ADVICE,
  0,
  -1,
  1.5,
  840,
  841,
  -840,
  -841,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 60,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
  '12',
  true,
  [],
  {},
];
/** Edge values plus arbitrary ones. */
const edgy = fc.oneof(
  fc.constantFrom(...EDGES),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.anything(),
);

describe('precompiled record check', () => {
  it('covers every key of the zod schema, in order', () => {
    expect(KEYS).toEqual(Object.keys(newFailureSchema.shape));
  });

  it('accepts valid records, and copies them field for field', () => {
    for (let i = 0; i < 50; i++) {
      const f = syntheticFailure(i);
      expect(isValidNewFailure(f)).toBe(true);
      expect(zodOk(f)).toBe(true);
      const c = copyNewFailure(f);
      expect(c).not.toBe(f);
      expect(c).toEqual(newFailureSchema.parse(f));
      expect(Object.keys(c)).toEqual(KEYS);
    }
  });

  it('agrees with zod on every field set to every edge value', () => {
    for (const key of KEYS) {
      for (const value of EDGES) {
        const f: Record<string, unknown> = { ...syntheticFailure(7), [key]: value };
        expect([key, value, isValidNewFailure(f)]).toEqual([key, value, zodOk(f)]);
      }
    }
  });

  it('agrees with zod on one field replaced by anything', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.constantFrom(...KEYS), edgy, (i, key, value) => {
        const f: Record<string, unknown> = { ...syntheticFailure(i), [key]: value };
        expect(isValidNewFailure(f)).toBe(zodOk(f));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with zod on two fields replaced, a key removed, an extra key, non-objects', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.constantFrom(...KEYS),
        edgy,
        fc.constantFrom(...KEYS),
        edgy,
        (i, k1, v1, k2, v2) => {
          const f: Record<string, unknown> = { ...syntheticFailure(i), [k1]: v1, [k2]: v2 };
          expect(isValidNewFailure(f)).toBe(zodOk(f));
        },
      ),
      { numRuns: 2000 },
    );
    for (const key of KEYS) {
      const f: Record<string, unknown> = { ...syntheticFailure(1) };
      delete f[key];
      expect(isValidNewFailure(f)).toBe(false);
      expect(zodOk(f)).toBe(false);
    }
    const extra = { ...syntheticFailure(2), pan: '4761739001010119' };
    expect(isValidNewFailure(extra)).toBe(false);
    expect(zodOk(extra)).toBe(false);
    for (const x of [null, undefined, 'record', 42, [], [syntheticFailure(3)]]) {
      expect(isValidNewFailure(x)).toBe(zodOk(x));
    }
  });
});
