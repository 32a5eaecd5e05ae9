/**
 * Card data in the dialect files translated from jPOS (protocol/iso8583/dialects/jpos-*.json): a
 * message per composite subfield, and one with every other field, each value a Luhn-valid PAN where
 * one fits or a recognizable secret, decoded through `decode` (NDJSON) and `decode --explain` (the
 * table and its structured form). No full PAN anywhere, and the card data the review found printed
 * (CVV2, card verification data, PIN block, account number, cardholder name) withheld or masked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeStream } from '../../agent/decode/decode-stream.js';
import { findPans } from '../../protocol/card/pan.js';
import type { SubfieldSpec } from '../../protocol/iso8583/composite.js';
import {
  type CompiledDialect,
  decodeInto,
  dialectFromJson,
  encodeMessage,
  explainMessage,
  type FieldSpec,
  type FieldValue,
  MessageView,
} from '../../protocol/iso8583/index.js';

const DIALECT_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../protocol/iso8583/dialects');
const FILES = readdirSync(DIALECT_DIR)
  .filter((f) => /^jpos-.*\.json$/.test(f))
  .map((f) => f.replace(/\.json$/, ''));

export const PAN = '4761739001010119';
export const TRACK2 = `${PAN}=25121011234`;
export const PIN_BLOCK = '0412AC89ABCDEF01';
/** Recognizable text secret (letters: no scrubber treats it as a number). */
export const SECRET_TEXT = 'QZJXWVKQZJXWVKQZJXWVK';

/** What the review found printed, by file: part id → what it must show instead. */
const FOUND: Record<string, Record<string, 'secret' | 'pan'>> = {
  'jpos-postpack': { '127.10': 'secret' },
  'jpos-base1': { '126.10': 'secret', '126.1': 'secret', '127.1': 'pan' },
  'jpos-visapack': { '126.10': 'secret', '126.1': 'secret' },
  'jpos-cmf': { '49.2': 'secret', '113.52': 'secret' },
  'jpos-iso2003binary': { '49.2': 'secret' },
};

type Spec = Pick<FieldSpec, 'type' | 'length' | 'prefix'>;

/** The most dangerous value a spec holds: a PAN or track where one fits, a PIN block, a secret text. */
export function dangerous(s: Spec): string | Uint8Array {
  const fixed = s.prefix === 0;
  const fit = (v: string, fill: string, left: boolean): string => {
    const t = v.slice(0, s.length);
    if (!fixed) return t;
    return left ? t.padStart(s.length, fill) : t.padEnd(s.length, fill);
  };
  switch (s.type) {
    case 'n':
      return s.length >= PAN.length ? fit(PAN, '0', true) : fit('739', '7', true);
    case 'z':
      return s.length >= TRACK2.length ? fit(TRACK2, '0', true) : fit(PAN, '0', true);
    case 'xn':
      return `C${s.length - 1 >= PAN.length ? fit(PAN, '0', true).slice(1) : '0'.repeat(fixed ? s.length - 1 : 1)}`;
    case 'b': {
      const pin = Buffer.from(PIN_BLOCK, 'hex');
      if (!fixed) return s.length >= pin.length ? pin : pin.subarray(0, s.length);
      const out = Buffer.alloc(s.length, 0x11);
      pin.copy(out, 0, 0, Math.min(pin.length, s.length));
      return out;
    }
    default:
      return s.length >= PAN.length ? fit(PAN, ' ', false) : fit(SECRET_TEXT, 'Q', false);
  }
}

/** Messages covering every field and, one message each, every subfield of every composite field. */
export function messagesFor(d: CompiledDialect): { fields: Record<number, FieldValue> }[] {
  const plain: Record<number, FieldValue> = {};
  const out: { fields: Record<number, FieldValue> }[] = [];
  for (let f = 2; f <= d.maxField; f++) {
    const spec = d.specs[f];
    if (!spec) continue;
    const c = spec.subfields;
    if (!c) {
      plain[f] = dangerous(spec);
      continue;
    }
    if (c.kind === 'tlv') {
      for (const tag of Object.keys(c.tags ?? {})) out.push({ fields: { [f]: { [tag]: SECRET_TEXT } } });
      continue;
    }
    const ids = Object.keys(c.fields)
      .map(Number)
      .sort((a, b) => a - b);
    for (const k of ids) {
      const values: Record<string, string | Uint8Array> = {};
      // a fixed-length positional field takes all its subfields, a variable one those up to k
      const upto = c.kind !== 'positional' ? [k] : ids.filter((i) => i <= k || spec.prefix === 0);
      for (const i of upto) values[i] = dangerous(c.fields[i] as SubfieldSpec);
      out.push({ fields: { [f]: values } });
    }
  }
  return [{ fields: plain }, ...out];
}

async function run(d: CompiledDialect, lines: string[], explain: boolean): Promise<string> {
  const chunks: string[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  await decodeStream(Readable.from([lines.join('\n') + '\n']), out, {
    dialect: d,
    hex: true,
    lengthPrefix: false,
    tpdu: false,
    explain,
  });
  return chunks.join('');
}

describe.each(FILES)('card data with %s', (name) => {
  const d = dialectFromJson(JSON.parse(readFileSync(join(DIALECT_DIR, `${name}.json`), 'utf8')));
  const messages = messagesFor(d).map((m) => encodeMessage(d, { mti: '0100', fields: m.fields }));
  const lines = messages.map((b) => b.toString('hex'));

  it('every field and subfield decodes; no full PAN in decode or decode --explain', async () => {
    const view = new MessageView();
    const structured: string[] = [];
    const found = FOUND[name] ?? {};
    const seen = new Set<string>();
    for (const b of messages) {
      expect(decodeInto(d, b, 0, b.length, view), view.error()?.message).toBe(true);
      const m = explainMessage(view);
      structured.push(JSON.stringify(m));
      for (const p of m.parts)
        for (const s of [p, ...(p.subfields ?? [])]) {
          const want = found[s.id];
          if (!want) continue;
          seen.add(s.id);
          if (want === 'secret') expect(s.value, `${name} ${s.id}`).toBe('[redacted]');
          else expect(s.value, `${name} ${s.id}`).toMatch(/^\d{6}\*+\d{4}$|^\[redacted\]$/);
        }
    }
    expect([...seen].sort()).toEqual(Object.keys(found).sort());
    const ndjson = await run(d, lines, false);
    const table = await run(d, lines, true);
    expect(ndjson.split('\n').filter(Boolean)).toHaveLength(messages.length);
    expect(ndjson).not.toMatch(/"error"/);
    for (const [what, text] of [
      ['ndjson', ndjson],
      ['explain', table],
      ['explain json', structured.join('\n')],
    ] as const) {
      expect(findPans(text), `${name} ${what}`).toEqual([]);
      expect(text, `${name} ${what}`).not.toContain(PAN);
    }
  });
});
