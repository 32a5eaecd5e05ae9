/**
 * Secrets a misframed message moves into another field: messages carrying a known PIN block, track
 * 2 and CVV2 (in their fields, and in the secret subfields of the dialect files), mutated (a byte
 * deleted, inserted or changed, a bitmap bit flipped) and decoded with every built-in dialect and
 * every jpos-*.json file; whatever decodes, `decode` (NDJSON) and `decode --explain` never show
 * those values in ASCII, as hex, as EBCDIC hex or as BCD. And a field with subfields never shows
 * its raw value: Base I field 126 holding only the CVV2 of 126.10 prints it nowhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPans } from '../../protocol/card/pan.js';
import type { SubfieldSpec } from '../../protocol/iso8583/composite.js';
import { codePageIndex, ebcdicBytes } from '../../protocol/iso8583/encodings/ebcdic.js';
import {
  type CompiledDialect,
  DIALECTS,
  decodeInto,
  describeMessage,
  dialectFromJson,
  encodeMessage,
  explainMessage,
  type FieldValue,
  MessageView,
} from '../../protocol/iso8583/index.js';
import { DIALECT_DEFS } from '../../protocol/iso8583/dialects.js';
import { explainText } from '../../agent/decode/explain-text.js';

const DIALECT_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../protocol/iso8583/dialects');
const PAN = '4761739001010119';
const TRACK2 = `${PAN}=25121011234`;
const PIN_BLOCK = '0412AC89ABCDEF01';
const CVV2 = '737';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const ebcdicHex = (s: string): string => hex(ebcdicBytes(s, codePageIndex('037'))!);

/** The secrets in every form a decoder could print them: text, hex of ASCII, EBCDIC hex, BCD. */
const NEEDLES: readonly string[] = [
  TRACK2,
  TRACK2.replace('=', 'D'),
  hex(Buffer.from(TRACK2, 'latin1')),
  ebcdicHex(TRACK2),
  PIN_BLOCK,
  Buffer.from(PIN_BLOCK, 'hex').toString('latin1'),
  hex(Buffer.from(CVV2, 'latin1')),
  ebcdicHex(CVV2),
].map((n) => n.toUpperCase());

function leaks(text: string): string[] {
  const t = text.toUpperCase();
  // JSON writes control bytes as \u00XX: read them back before looking for raw bytes
  const raw = text.replace(/\\u00([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return NEEDLES.filter((n) => t.includes(n) || raw.toUpperCase().includes(n));
}

function load(file: string): CompiledDialect {
  return dialectFromJson(JSON.parse(readFileSync(join(DIALECT_DIR, file), 'utf8')));
}

/** A value for a spec: the secret it would carry when secret, a harmless filler otherwise. */
function valueFor(s: Pick<SubfieldSpec, 'type' | 'length' | 'prefix'>, secret: boolean): FieldValue {
  const fixed = s.prefix === 0;
  const fit = (v: string, fill: string): string =>
    fixed ? v.slice(0, s.length).padStart(s.length, fill) : v.slice(0, s.length);
  if (s.type === 'b') {
    const pin = Buffer.from(PIN_BLOCK, 'hex');
    const out = Buffer.alloc(fixed ? s.length : Math.min(8, s.length), 0x11);
    if (secret) pin.copy(out, 0, 0, Math.min(8, out.length));
    return out;
  }
  if (s.type === 'z') return fit(s.length >= TRACK2.length ? TRACK2 : '1234', '0');
  if (s.type === 'xn') return `C${'0'.repeat(fixed ? s.length - 1 : 1)}`;
  if (s.type === 'n') return fit(secret ? CVV2 : '1', '0');
  return fit(secret ? CVV2 : 'abc', 'x');
}

/** One message with the card data of the dialect: 2, 35, 52, and the secret subfields of each composite. */
function secretMessage(d: CompiledDialect): Buffer {
  const fields: Record<number, FieldValue> = {};
  for (const f of [2, 3, 4, 11, 35, 41, 52]) {
    const s = d.specs[f];
    if (!s || s.subfields) continue;
    fields[f] = f === 2 ? PAN : valueFor(s, f === 35 || f === 52);
  }
  for (let f = 2; f <= d.maxField; f++) {
    const c = d.specs[f]?.subfields;
    if (!c || c.kind === 'tlv') continue;
    const ids = Object.keys(c.fields)
      .map(Number)
      .sort((a, b) => a - b);
    const secretIds = ids.filter((k) => c.fields[k]!.sensitivity === 'secret');
    if (secretIds.length === 0) continue;
    const last = secretIds[secretIds.length - 1]!;
    const values: Record<string, FieldValue> = {};
    const want =
      c.kind === 'positional' ? ids.filter((k) => k <= last || d.specs[f]!.prefix === 0) : secretIds;
    for (const k of want) values[k] = valueFor(c.fields[k]!, c.fields[k]!.sensitivity === 'secret');
    try {
      encodeMessage(d, { mti: '0100', fields: { [f]: values as Record<string, string | Uint8Array> } });
      fields[f] = values as Record<string, string | Uint8Array>;
    } catch {
      // a fixed composite longer than its parent allows: left out
    }
  }
  return encodeMessage(d, { mti: '0100', fields });
}

const mutation = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'change', 'bit'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
  count: fc.integer({ min: 1, max: 3 }),
});

function mutate(b: Buffer, m: { kind: string; at: number; byte: number; count: number }): Buffer {
  const at = m.at % b.length;
  if (m.kind === 'delete') return Buffer.concat([b.subarray(0, at), b.subarray(at + m.count)]);
  if (m.kind === 'insert')
    return Buffer.concat([b.subarray(0, at), Buffer.alloc(m.count, m.byte), b.subarray(at)]);
  const out = Buffer.from(b);
  if (m.kind === 'change') out[at] = m.byte;
  else out[at] = out[at]! ^ (1 << (m.byte & 7));
  return out;
}

const TARGETS: [string, CompiledDialect][] = [
  ...(Object.keys(DIALECT_DEFS) as Array<keyof typeof DIALECT_DEFS>).map(
    (n) => [n, DIALECTS[n]] as [string, CompiledDialect],
  ),
  ...readdirSync(DIALECT_DIR)
    .filter((f) => /^jpos-.*\.json$/.test(f))
    .map((f) => [f, load(f)] as [string, CompiledDialect]),
];

describe('a field with subfields shows only its subfields', () => {
  it('Base I 126 holding only the CVV2 of 126.10: not in the field row, the NDJSON or the table', () => {
    const d = DIALECTS.base1;
    const bytes = encodeMessage(d, { mti: '0100', fields: { 126: { 10: '123456' } } });
    const view = new MessageView();
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    const ndjson = JSON.stringify(describeMessage(view));
    const m = explainMessage(view);
    const table = explainText(0, m);
    expect(
      m.parts.find((p) => p.id === '126.10' || p.subfields?.some((s) => s.id === '126.10')),
    ).toBeDefined();
    for (const text of [ndjson, JSON.stringify(m), table]) {
      expect(text).not.toContain('123456');
      expect(text.toUpperCase()).not.toContain(ebcdicHex('123456'));
    }
    expect(describeMessage(view).fields[126]).toEqual({ 10: '[redacted]' });
  });
});

describe.each(TARGETS)('misframed card data, %s', (_name, d) => {
  const base = secretMessage(d);

  it('the unmutated message shows none of its secrets', () => {
    const view = new MessageView();
    expect(decodeInto(d, base, 0, base.length, view), view.error()?.message).toBe(true);
    const m = explainMessage(view);
    expect(leaks(JSON.stringify(describeMessage(view)) + explainText(0, m))).toEqual([]);
  });

  it('mutated messages: no secret in any form in decode or explain output', () => {
    const view = new MessageView();
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        let b = base;
        for (const m of ms) if (b.length > 0) b = mutate(b, m);
        if (!decodeInto(d, b, 0, b.length, view)) return;
        const out = JSON.stringify(describeMessage(view)) + explainText(0, explainMessage(view));
        expect(leaks(out)).toEqual([]);
        expect(findPans(out)).toEqual([]);
      }),
      { numRuns: 400, seed: 14 },
    );
  });
});
