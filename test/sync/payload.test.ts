/**
 * docs/payload.schema.json: kept identical to the zod schemas it is generated from, and real
 * payloads (captured from a sync run against Mosquitto) validate against the JSON file itself,
 * with a small validator for exactly the keywords the file uses (an unknown keyword fails the test).
 * Regenerate after a deliberate change: UPDATE_PAYLOAD_SCHEMA=1 npx vitest run test/sync/payload.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../agent/store/index.js';
import {
  failuresPayloadSchema,
  metricsPayloadSchema,
  payloadJsonSchema,
  statusPayloadSchema,
} from '../../agent/sync/payload-schema.js';
import { ROOT } from '../helpers/global-build.js';
import { collect, haveMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { recordN, startTestSync } from '../helpers/sync.js';
import { storedRecord } from '../helpers/store.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const FILE = join(ROOT, 'docs/payload.schema.json');
type Schema = Record<string, unknown>;
const KNOWN = new Set([
  '$schema',
  '$id',
  '$defs',
  'title',
  'description',
  '$ref',
  'oneOf',
  'anyOf',
  'type',
  'const',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
]);

/** Returns a list of errors (empty = valid). */
function validate(root: Schema, s: Schema, v: unknown, at = '$'): string[] {
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`validator does not know keyword ${k}`);
  const errs: string[] = [];
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/$defs/', '');
    const target = (root.$defs as Record<string, Schema>)[name];
    if (!target) throw new Error(`bad $ref ${s.$ref}`);
    errs.push(...validate(root, target, v, at));
  }
  if (Array.isArray(s.oneOf)) {
    const ok = (s.oneOf as Schema[]).filter((x) => validate(root, x, v, at).length === 0).length;
    if (ok !== 1) errs.push(`${at}: matches ${ok} of oneOf`);
  }
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some((x) => validate(root, x, v, at).length === 0)) {
    errs.push(`${at}: matches none of anyOf`);
  }
  if (typeof s.type === 'string') {
    const t = s.type;
    const ok =
      t === 'null'
        ? v === null
        : t === 'array'
          ? Array.isArray(v)
          : t === 'object'
            ? typeof v === 'object' && v !== null && !Array.isArray(v)
            : t === 'integer'
              ? Number.isInteger(v)
              : typeof v === t;
    if (!ok) return [...errs, `${at}: not ${t}`];
  }
  if ('const' in s && v !== s.const) errs.push(`${at}: not ${String(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(v)) errs.push(`${at}: not in enum`);
  if (typeof v === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v))
      errs.push(`${at}: pattern ${s.pattern}`);
    if (typeof s.minLength === 'number' && v.length < s.minLength) errs.push(`${at}: too short`);
    if (typeof s.maxLength === 'number' && v.length > s.maxLength) errs.push(`${at}: too long`);
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) errs.push(`${at}: below minimum`);
    if (typeof s.maximum === 'number' && v > s.maximum) errs.push(`${at}: above maximum`);
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) errs.push(`${at}: too few items`);
    if (s.items) v.forEach((x, i) => errs.push(...validate(root, s.items as Schema, x, `${at}[${i}]`)));
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required ?? []) as string[]) if (!(r in o)) errs.push(`${at}: missing ${r}`);
    for (const [k, x] of Object.entries(o)) {
      if (s.propertyNames) errs.push(...validate(root, s.propertyNames as Schema, k, `${at}{${k}}`));
      if (props[k]) errs.push(...validate(root, props[k], x, `${at}.${k}`));
      else if (s.additionalProperties === false) errs.push(`${at}: unexpected ${k}`);
      else if (typeof s.additionalProperties === 'object') {
        errs.push(...validate(root, s.additionalProperties as Schema, x, `${at}.${k}`));
      }
    }
  }
  return errs;
}

describe('payload JSON Schema', () => {
  it('docs/payload.schema.json is the schema generated from the zod payload schemas', () => {
    const generated = `${JSON.stringify(payloadJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_PAYLOAD_SCHEMA === '1') writeFileSync(FILE, generated);
    expect(readFileSync(FILE, 'utf8')).toBe(generated);
  });

  it('rejects broken payloads (the validator can fail)', () => {
    const root = JSON.parse(readFileSync(FILE, 'utf8')) as Schema;
    const rec = storedRecord();
    const good = { v: 1, fleet: 'f', terminal: 't', boot_id: 'b', records: [rec] };
    expect(validate(root, root, good)).toEqual([]);
    // an outcome change is a later version of the record
    const changed = { ...rec, version: 2, outcome: 'recovered', outcome_at: '2026-11-23T10:00:00.000Z' };
    const later = { ...changed, linked_id: '01JD6ZQ3R5W7Y9A1C3E5G7J9KN', recovered_by: 'other_card' };
    expect(validate(root, root, { ...good, records: [later] })).toEqual([]);
    for (const bad of [
      { ...rec, card_key: 'ab'.repeat(16) }, // local only: never on the wire
      { ...later, recovered_by: 'cash' },
      { ...later, outcome: 'lost' },
      { ...later, version: 0 },
    ])
      expect(validate(root, root, { ...good, records: [bad] }).length).toBeGreaterThan(0);
    expect(
      validate(root, root, { ...good, records: [{ ...rec, pan_masked: '4761739001010119' }] }).length,
    ).toBeGreaterThan(0);
    expect(validate(root, root, { ...good, records: [{ ...rec, seq: undefined }] }).length).toBeGreaterThan(
      0,
    );
    expect(validate(root, root, { ...good, extra: 1 }).length).toBeGreaterThan(0);
    expect(validate(root, root, { ...good, v: 2 }).length).toBeGreaterThan(0);
    expect(
      validate(root, root, { ...good, records: [{ ...rec, category: 'weird' }] }).length,
    ).toBeGreaterThan(0);
  });

  it.skipIf(!haveMosquitto())(
    'real failures, status and metrics payloads validate against the file',
    async () => {
      const root = JSON.parse(readFileSync(FILE, 'utf8')) as Schema;
      const dir = tempDir('payload-');
      const broker = await startMosquitto({ persistence: false });
      const c = await collect(broker.url, 'pos/v1/pf/Tp/#');
      const store = openStore({ path: join(dir, 'p.db'), bootId: 'boot-p' });
      const sync = startTestSync({
        url: broker.url,
        fleet: 'pf',
        terminal: 'Tp',
        store,
        bootId: 'boot-p',
        heartbeatMs: 100,
        batchSize: 20,
      });
      try {
        await recordN(store, sync, 0, 60, 'Tp');
        await waitUntil(
          () => store.stats().outboxDepth === 0 && c.messages.some((m) => m.topic.endsWith('/metrics')),
          5000,
          'outbox drained and a heartbeat sent',
        );
        await sync.stop();
        await waitUntil(
          () => c.messages.some((m) => m.payload.includes('"offline"')),
          3000,
          'offline status',
        );
        const kinds = new Set<string>();
        for (const m of c.messages) {
          const p = JSON.parse(m.payload);
          expect(validate(root, root, p), m.topic).toEqual([]);
          const kind = m.topic.split('/').at(-1) as string;
          kinds.add(kind);
          ({ failures: failuresPayloadSchema, status: statusPayloadSchema, metrics: metricsPayloadSchema })[
            kind as 'status'
          ]?.parse(p);
        }
        expect([...kinds].sort()).toEqual(['failures', 'metrics', 'status']);
      } finally {
        await c.close();
        await store.close();
        await broker.close();
      }
    },
  );
});
