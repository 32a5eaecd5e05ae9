/**
 * The ISO 8583:1993 dialects (`iso93-ascii`, `iso93-bcd`): a 1110/1210 with a three-digit action
 * code in field 39 decodes (from bytes written out by hand here, not by our encoder), random 1993
 * messages round-trip through the shared generator, and every value of jPOS's 1993 test message
 * (test/iso8583/vectors/ISO93.xml) fits our 1993 table field for field.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledDialect,
  DEFAULT_SENSITIVITY,
  DIALECTS,
  decodeInto,
  dialectFromJson,
  encodeMessage,
  ISO8583_1987_FIELDS,
  isDialectName,
  MessageView,
} from '../../protocol/iso8583/index.js';
import { ASCII_DIALECT, BCD_DIALECT, DIALECT_DEFS, DIALECT_NAMES } from '../../protocol/iso8583/dialects.js';
import { DIALECT_NAMES_1993, expectDecodedEquals, expectWalksAgree, messageArb } from './gen.js';

const ASCII93 = DIALECTS['iso93-ascii'];
const BCD93 = DIALECTS['iso93-bcd'];

/** A 1210 response: bitmap bits 3, 4, 11 and 39 set (primary bitmap only). */
const BITMAP = Buffer.from([0x30, 0x20, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

function ascii1210(rc: string): Buffer {
  return Buffer.concat([
    Buffer.from('1210', 'latin1'),
    BITMAP,
    Buffer.from(`000000000000012345000042${rc}`, 'latin1'),
  ]);
}

function bcd1210(rcBcd: number[]): Buffer {
  return Buffer.concat([
    Buffer.from([0x12, 0x10]),
    BITMAP,
    Buffer.from([0x00, 0x00, 0x00]), // field 3: 000000
    Buffer.from([0x00, 0x00, 0x00, 0x01, 0x23, 0x45]), // field 4: 000000012345
    Buffer.from([0x00, 0x00, 0x42]), // field 11: 000042
    Buffer.from(rcBcd), // field 39: three digits, pad nibble on the left
  ]);
}

function codeOf(view: MessageView): string {
  const n = view.codeInto(39);
  return Buffer.from(view.scratch.subarray(0, n)).toString('latin1');
}

describe('the 1993 dialects are built in', () => {
  it('are selectable by name and as a dialect file base', () => {
    for (const name of DIALECT_NAMES_1993) expect(isDialectName(name), name).toBe(true);
    const custom = dialectFromJson({ name: 'acme93', base: 'iso93-bcd', bitmap: 'hex' });
    expect(custom.specs[39]).toMatchObject({ type: 'n', length: 3, encoding: 'bcd' });
  });

  it("extend their base dialect's encoding overrides (bcd: field 97 padded right) and list every name once", () => {
    expect(DIALECT_DEFS['iso93-ascii'].overrides).toMatchObject(ASCII_DIALECT.overrides ?? {});
    expect(DIALECT_DEFS['iso93-bcd'].overrides).toMatchObject(BCD_DIALECT.overrides ?? {});
    expect(BCD93.specs[97]).toMatchObject({ pad: 'right' });
    // the one record: its keys are the dialects' own names, the codec's and a dialect file's bases
    for (const [name, def] of Object.entries(DIALECT_DEFS)) expect(def.name).toBe(name);
    expect(Object.keys(DIALECTS)).toEqual(DIALECT_NAMES);
    for (const base of DIALECT_NAMES)
      expect(dialectFromJson({ name: 'x', base }).specs).toEqual(DIALECTS[base].specs);
    expect(() => dialectFromJson({ name: 'x', base: 'iso93' })).toThrow(/base/);
  });

  it('use the 1993 formats where they differ from 1987', () => {
    for (const d of [ASCII93, BCD93]) {
      expect(d.specs[39], d.name).toMatchObject({ type: 'n', length: 3, prefix: 0 });
      expect(d.specs[12], d.name).toMatchObject({ type: 'n', length: 12, prefix: 0 });
      expect(d.specs[22], d.name).toMatchObject({ type: 'an', length: 12, prefix: 0 });
      expect(d.specs[43], d.name).toMatchObject({ type: 'ans', length: 99, prefix: 2 });
      expect(d.specs[55], d.name).toMatchObject({ type: 'b', length: 255, prefix: 3 });
    }
    // the 1987 dialects keep their two-character field 39
    for (const d of [DIALECTS.ascii, DIALECTS['ascii-hex'], DIALECTS.bcd])
      expect(d.specs[39]!.length).toBe(2);
  });

  it('apply the 1987 card-data rules, and keep 1993 field 72 (data record) secret', () => {
    for (const d of [ASCII93, BCD93]) {
      for (const [f, s] of Object.entries(DEFAULT_SENSITIVITY))
        expect(d.specs[Number(f)]!.sensitivity, `${d.name} field ${f}`).toBe(s);
      expect(d.specs[72]!.sensitivity).toBe('secret');
      const marked = d.specs.flatMap((s, f) => (s?.sensitivity ? [f] : []));
      expect(marked).toEqual([...Object.keys(DEFAULT_SENSITIVITY).map(Number), 72].sort((a, b) => a - b));
    }
    expect(ISO8583_1987_FIELDS[72]!.type).toBe('n'); // 1987 field 72 is a message number
  });

  it('a dialect file cannot relax field 72 of a 1993 base', () => {
    expect(() =>
      dialectFromJson({ name: 'x', base: 'iso93-ascii', fields: { 72: { sensitivity: 'pan' } } }),
    ).toThrow(/field 72 is card data \("secret"\)/);
  });
});

describe('a 1210 with a three-digit action code decodes', () => {
  it.each(['116', '100', '000'])('iso93-ascii, field 39 %s', (rc) => {
    const view = new MessageView();
    const bytes = ascii1210(rc);
    expect(decodeInto(ASCII93, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.mti()).toBe('1210');
    expect(view.mtiNum).toBe(1210);
    expect(view.get(39)).toBe(rc);
    expect(codeOf(view)).toBe(rc);
    expect(view.num(4)).toBe(12345);
    expect(view.get(11)).toBe('000042');
    expect(
      encodeMessage(ASCII93, { mti: '1210', fields: { 3: '000000', 4: '12345', 11: '42', 39: rc } }),
    ).toEqual(bytes);
  });

  it.each([
    ['116', [0x01, 0x16]],
    ['100', [0x01, 0x00]],
    ['000', [0x00, 0x00]],
  ])('iso93-bcd, field 39 %s', (rc, rcBcd) => {
    const view = new MessageView();
    const bytes = bcd1210(rcBcd);
    expect(decodeInto(BCD93, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.mti()).toBe('1210');
    expect(view.mtiNum).toBe(1210);
    expect(view.get(39)).toBe(rc);
    expect(codeOf(view)).toBe(rc);
    expect(view.num(4)).toBe(12345);
    expect(
      encodeMessage(BCD93, { mti: '1210', fields: { 3: '000000', 4: '12345', 11: '42', 39: rc } }),
    ).toEqual(bytes);
  });

  it('a 1110 too, and a 1987 dialect still refuses the three-digit code', () => {
    const view = new MessageView();
    const bytes = ascii1210('116');
    bytes.write('1110', 0, 'latin1');
    expect(decodeInto(ASCII93, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.mtiNum).toBe(1110);
    // in a 1987 dialect the message is one byte too long (field 39 is an2)
    expect(decodeInto(DIALECTS.ascii, bytes, 0, bytes.length, view)).toBe(false);
  });
});

describe.each(DIALECT_NAMES_1993)('round trip of random 1993 messages, dialect %s', (name) => {
  const d: CompiledDialect = DIALECTS[name];
  it('encode then decode gives every field back (card-data rules applied)', () => {
    const view = new MessageView();
    const msgs = messageArb(d).map((m) => ({ ...m, mti: `1${m.mti.slice(1)}` }));
    fc.assert(
      fc.property(msgs, (msg) => {
        const bytes = encodeMessage(d, msg);
        expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
        expectDecodedEquals(view, d, msg);
        expectWalksAgree(d, bytes);
      }),
      { numRuns: 250 },
    );
  });
});

describe("jPOS's 1993 test message (ISO93.xml) against our 1993 table", () => {
  const xml = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'vectors', 'ISO93.xml'), 'utf8');
  const values = new Map<number, { value: string; binary: boolean }>();
  for (const m of xml.matchAll(/<field\s+id="(\d+)"\s+value="([^"]*)"\s*(type="binary")?/g))
    values.set(Number(m[1]), { value: m[2]!, binary: m[3] !== undefined });
  // jPOS's message puts letters in 1993 field 56 (original data elements, n..35): not a valid value
  const NOT_NUMERIC = new Set([56]);

  it('has the 1800 with fields 2-64 and 90', () => {
    expect(values.get(0)?.value).toBe('1800');
    expect([...values.keys()].filter((k) => k > 0)).toEqual([
      ...Array.from({ length: 63 }, (_, i) => i + 2),
      90,
    ]);
  });

  it.each(DIALECT_NAMES_1993)('%s encodes and decodes every value field for field', (name) => {
    const d = DIALECTS[name];
    const fields: Record<number, string | Uint8Array> = {};
    for (const [f, { value, binary }] of values) {
      if (f === 0 || NOT_NUMERIC.has(f)) continue;
      // binary fields are written as hex in the XML; the others must fit the field's type and length
      fields[f] = binary ? Buffer.from(value, 'hex') : value;
    }
    const msg = { mti: values.get(0)!.value, fields };
    const view = new MessageView();
    const bytes = encodeMessage(d, msg);
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expectDecodedEquals(view, d, msg);
    expect(view.get(39)).toBe('000');
    // and the letters in field 56 are refused as the numeric field it is in 1993
    expect(() => encodeMessage(d, { mti: '1800', fields: { 56: values.get(56)!.value } })).toThrow(/56/);
  });
});
