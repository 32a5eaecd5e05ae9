/**
 * Round trip for every dialect: each field alone at its minimum and maximum length, the edge cases
 * named in the Foundation issue (secondary bitmap, LLLVAR at 999, empty LLVAR, odd-length BCD),
 * random messages of custom dialects and random messages at any length embedded in a larger
 * buffer; agreement of the decoder's fast walk with its exact walk on valid and mutated input; the
 * plan cache under many bitmaps. Random messages of the built-in dialects, read back field by
 * field: roundtrip-builtins.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPan } from '../../protocol/card/pan.js';
import {
  type CompiledDialect,
  DIALECTS,
  decodeInto,
  dialectFromJson,
  encodeMessage,
  type IsoMessage,
  MessageView,
} from '../../protocol/iso8583/index.js';
import {
  DIALECT_NAMES,
  definedFields,
  expectDecodedEquals,
  expectWalksAgree,
  messageArb,
  valueArb,
} from './gen.js';

// Custom dialects (dialect JSON) cover encoding combinations the built-ins do not use.
const CUSTOM: CompiledDialect[] = [
  dialectFromJson({ name: 'bcd-binary-prefix', base: 'bcd', prefix: 'binary' }),
  dialectFromJson({
    name: 'bcd-hex-bitmap-leftpad',
    base: 'bcd',
    bitmap: 'hex',
    bcdPadVariable: 'left',
    bcdPadFixed: 'right',
  }),
  dialectFromJson({ name: 'ascii-bcd-mti-hex-binary', base: 'ascii', mti: 'bcd', binary: 'hex' }),
  dialectFromJson({
    name: 'ascii-bcd-prefix',
    base: 'ascii',
    prefix: 'bcd',
    fields: { 48: { type: 'b', length: 500, prefix: 3 } },
  }),
  // variable-length amounts (xn) and other content types in both encodings
  dialectFromJson({
    name: 'bcd-var-types',
    base: 'bcd',
    fields: {
      44: { type: 'xn', length: 25 },
      104: { type: 'xn', length: 99 },
      47: { type: 'z' },
      48: { type: 'a' },
    },
  }),
  dialectFromJson({
    name: 'ascii-var-types',
    base: 'ascii',
    fields: {
      44: { type: 'xn', length: 25 },
      104: { type: 'xn', length: 99 },
      47: { type: 'z' },
      48: { type: 'ns' },
    },
  }),
];

function roundTrip(d: CompiledDialect, msg: IsoMessage, view: MessageView): Buffer {
  const bytes = encodeMessage(d, msg);
  const ok = decodeInto(d, bytes, 0, bytes.length, view);
  if (!ok) throw new Error(`decode failed: ${view.error()?.message}`);
  expectDecodedEquals(view, d, msg);
  expect(view.plan).not.toBeNull(); // valid input is taken by the fast walk
  return bytes;
}

describe.each(DIALECT_NAMES)('round trip, dialect %s', (name) => {
  const d = DIALECTS[name];
  const view = new MessageView();

  it('every field alone, at its minimum and maximum length', () => {
    for (const f of definedFields(d)) {
      const spec = d.specs[f]!;
      for (const len of spec.prefix === 0 ? [spec.length] : [0, 1, spec.length]) {
        const [v] = fc.sample(valueArb(spec, { minVar: len, maxVar: len }), {
          numRuns: 1,
          seed: f * 1000 + len,
        });
        const msg = { mti: '0210', fields: { [f]: v! } };
        const bytes = roundTrip(d, msg, view);
        expect(view.unitsOf(f)).toBe(len);
        expectWalksAgree(d, bytes);
      }
    }
  });

  it('secondary bitmap: fields above 64 set bit 1 and a 16-byte bitmap', () => {
    const msg: IsoMessage = {
      mti: '0200',
      fields: { 3: '000000', 11: '123456', 70: '301', 100: '12345', 102: 'ACCOUNT-1' },
    };
    const bytes = roundTrip(d, msg, view);
    expect(view.bmBytes).toBe(16);
    const bitmapStart = d.mtiBcd ? 2 : 4;
    const first = d.bitmapHex
      ? Number.parseInt(bytes.toString('latin1', bitmapStart, bitmapStart + 2), 16)
      : bytes[bitmapStart]!;
    expect(first & 0x80).toBe(0x80);
    expect(view.has(1)).toBe(false); // bit 1 is the bitmap, not a data element
    // and without fields above 64 there is no secondary bitmap
    roundTrip(d, { mti: '0200', fields: { 3: '000000', 11: '123456' } }, view);
    expect(view.bmBytes).toBe(8);
    // a field 128 alone still needs the secondary bitmap
    roundTrip(d, { mti: '0800', fields: { 128: 'CAFEBABECAFEBABE' } }, view);
    expect(view.bmBytes).toBe(16);
  });

  it('LLLVAR at maximum length (999) and one more is rejected', () => {
    const text = 'X'.repeat(999);
    const msg: IsoMessage = { mti: '0210', fields: { 39: '00', 48: text, 62: 'Y'.repeat(999) } };
    roundTrip(d, msg, view);
    expect(view.unitsOf(48)).toBe(999);
    const spec55 = d.specs[55]!;
    const v55 = spec55.type === 'b' ? new Uint8Array(999).map((_, i) => i & 255) : 'Z'.repeat(999);
    roundTrip(d, { mti: '0210', fields: { 55: v55 } }, view);
    expect(view.unitsOf(55)).toBe(999);
    expect(() => encodeMessage(d, { mti: '0210', fields: { 48: 'X'.repeat(1000) } })).toThrow(/1000/);
    // a wire length above the field's maximum: 1000 in field 48 (BCD LLL holds 4 digits), 20 in field 2 (max 19)
    if (d.def.prefix === 'bcd') {
      const bytes = encodeMessage(d, { mti: '0210', fields: { 48: text } });
      const prefixAt = bytes.length - 999 - 2;
      const bad = Buffer.concat([bytes, Buffer.from('X')]);
      bad[prefixAt] = 0x10;
      bad[prefixAt + 1] = 0x00;
      expect(decodeInto(d, bad, 0, bad.length, view)).toBe(false);
      expect(view.error()!.toJSON()).toEqual({
        error: 'E_BAD_LENGTH',
        field: 48,
        offset: prefixAt,
        reason: 'length 1000 exceeds maximum 999',
      });
    }
    const pan = encodeMessage(d, { mti: '0210', fields: { 2: '4761739001010119000' } });
    const panPrefixAt = (d.mtiBcd ? 2 : 4) + (d.bitmapHex ? 16 : 8);
    const bad2 = Buffer.concat([pan, Buffer.from([0x30, 0x30])]);
    if (d.def.prefix === 'ascii') bad2.write('20', panPrefixAt, 'latin1');
    else bad2[panPrefixAt] = 0x20;
    expect(decodeInto(d, bad2, 0, bad2.length, view)).toBe(false);
    expect(view.error()!.toJSON()).toEqual({
      error: 'E_BAD_LENGTH',
      field: 2,
      offset: panPrefixAt,
      reason: 'length 20 exceeds maximum 19',
    });
  });

  it('empty LLVAR and LLLVAR fields', () => {
    const msg: IsoMessage = { mti: '0110', fields: { 2: '', 32: '', 44: '', 48: '', 102: '' } };
    const bytes = roundTrip(d, msg, view);
    for (const f of [2, 32, 44, 48, 102]) expect(view.unitsOf(f), `field ${f}`).toBe(0);
    expect(view.get(2)).toBe(''); // masked empty PAN
    expectWalksAgree(d, bytes);
    // the prefixes are all zero
    const head = (d.mtiBcd ? 2 : 4) + (d.bitmapHex ? 32 : 16);
    const prefixes = bytes.subarray(head);
    if (d.def.prefix === 'ascii') expect(prefixes.toString('latin1')).toBe('00' + '00' + '00' + '000' + '00');
    else expect([...prefixes]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('fixed fields are padded by the encoder: numerics with zeros left, text with spaces right', () => {
    roundTrip(d, { mti: '0210', fields: { 4: '000000012345', 41: 'T1      ' } }, view);
    const bytes = encodeMessage(d, { mti: '0210', fields: { 4: '12345', 41: 'T1' } });
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.get(4)).toBe('000000012345');
    expect(view.num(4)).toBe(12345);
    expect(view.get(41)).toBe('T1      ');
  });

  it('a reused view never shows fields of the previous message', () => {
    roundTrip(d, { mti: '0210', fields: { 2: '4761739001010119', 39: '05', 70: '001' } }, view);
    roundTrip(d, { mti: '0210', fields: { 39: '51' } }, view);
    expect(view.has(2)).toBe(false);
    expect(view.has(70)).toBe(false);
    expect(view.get(2)).toBeUndefined();
    // and after a failed decode only the fields before the failure are visible
    const good = encodeMessage(d, { mti: '0210', fields: { 3: '000000', 39: '51', 41: 'TERM0001' } });
    expect(decodeInto(d, good, 0, good.length - 1, view)).toBe(false);
    expect(view.has(3)).toBe(true);
    expect(view.has(39)).toBe(true);
    expect(view.has(41)).toBe(false);
  });
});

describe('odd-length BCD numerics', () => {
  const d = DIALECTS.bcd;
  const view = new MessageView();

  it('fixed odd fields are left-padded, variable odd fields right-padded', () => {
    const msg: IsoMessage = { mti: '0200', fields: { 2: '1234567890123456789', 22: '051', 32: '12345' } };
    const bytes = encodeMessage(d, msg);
    // MTI 02 00, bitmap 8 bytes, then 2: LL=0x19 + 10 bytes, 22: 2 bytes, 32: LL=0x05 + 3 bytes
    expect(bytes.subarray(0, 2).toString('hex')).toBe('0200');
    expect(bytes.subarray(10).toString('hex')).toBe(`19${'12345678901234567890'}0051` + `05${'123450'}`);
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.get(2)).toBe(maskPan('1234567890123456789'));
    expect(view.get(22)).toBe('051');
    expect(view.num(22)).toBe(51);
    expect(view.get(32)).toBe('12345');
    expect(view.unitsOf(32)).toBe(5);
  });

  it('an F pad nibble is accepted, any other pad nibble is E_BAD_NUMERIC at that byte', () => {
    // bitmap 0000040000000000 = field 22 only (n3, fixed, left pad)
    const only22 = Buffer.from('0200' + '0000040000000000' + 'F051', 'hex');
    expect(decodeInto(d, only22, 0, only22.length, view)).toBe(true);
    expect(view.get(22)).toBe('051');
    const bad22 = Buffer.from('0200' + '0000040000000000' + '3051', 'hex');
    expect(decodeInto(d, bad22, 0, bad22.length, view)).toBe(false);
    expect(view.error()!.toJSON()).toEqual({
      error: 'E_BAD_NUMERIC',
      field: 22,
      offset: 10,
      reason: 'non-digit in a numeric field',
    });
    // field 32 (LLVAR n..11, right pad): "12345" with F pad
    const f32 = Buffer.from('0200' + '0000000100000000' + '05' + '12345F', 'hex');
    expect(decodeInto(d, f32, 0, f32.length, view)).toBe(true);
    expect(view.get(32)).toBe('12345');
    const bad32 = Buffer.from('0200' + '0000000100000000' + '05' + '12345A', 'hex');
    expect(decodeInto(d, bad32, 0, bad32.length, view)).toBe(false);
    expect(view.error()!.toJSON()).toMatchObject({ error: 'E_BAD_NUMERIC', field: 32, offset: 13 });
  });

  it('track 2 in BCD: "=" is the nibble D, and decodes back to "="', () => {
    const t2 = '4761739001010119=25121011234567890';
    const bytes = encodeMessage(d, { mti: '0100', fields: { 35: t2 } });
    expect(bytes.subarray(10).toString('hex').toUpperCase()).toBe(
      `34${'4761739001010119D25121011234567890'}`,
    );
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.get(35)).toBeUndefined();
    expect(view.isRedacted(35)).toBe(true);
    expect(view.unitsOf(35)).toBe(t2.length);
  });

  it('xn amounts: sign byte in ASCII, then BCD digits', () => {
    const bytes = encodeMessage(d, { mti: '0500', fields: { 28: 'D00001234', 97: 'C0000000000012345' } });
    expect(bytes.subarray(18).toString('hex')).toBe(`44${'00001234'}43${'0000000000012345'}`);
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.get(28)).toBe('D00001234');
    expect(view.get(97)).toBe('C0000000000012345');
  });
});

describe('custom dialects round trip', () => {
  const view = new MessageView();
  it.each(CUSTOM.map((d) => [d.name, d] as const))('%s (property)', (_n, d) => {
    fc.assert(
      fc.property(messageArb(d), (msg) => {
        const bytes = roundTrip(d, msg, view);
        expectWalksAgree(d, bytes);
      }),
      { numRuns: 100 },
    );
  });
});

type Mutation =
  | { kind: 'flip'; pos: number; bit: number }
  | { kind: 'set'; pos: number; byte: number }
  | { kind: 'insert'; pos: number; byte: number }
  | { kind: 'delete'; pos: number }
  | { kind: 'cut'; pos: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    pos: fc.nat(),
    // bytes that matter to the decoder: digits, '=', 'D', hex letters, F/D nibbles, 0x00, 0xFF, anything
    byte: fc.oneof(
      fc.constantFrom(
        0x2f,
        0x30,
        0x39,
        0x3a,
        0x3d,
        0x44,
        0x41,
        0x46,
        0x66,
        0x67,
        0x0f,
        0xf0,
        0xfd,
        0x00,
        0xff,
        0x99,
        0x9a,
      ),
      fc.integer({ min: 0, max: 255 }),
    ),
  }),
  fc.record({ kind: fc.constant('insert' as const), pos: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), pos: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), pos: fc.nat() }),
);

function mutate(src: Uint8Array, muts: readonly Mutation[]): Buffer {
  let b = Buffer.from(src);
  for (const m of muts) {
    if (b.length === 0) break;
    const pos = m.pos % b.length;
    switch (m.kind) {
      case 'flip':
        b[pos] = b[pos]! ^ (1 << m.bit);
        break;
      case 'set':
        b[pos] = m.byte;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, pos), Buffer.from([m.byte]), b.subarray(pos)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1)]);
        break;
      case 'cut':
        b = b.subarray(0, pos);
        break;
    }
  }
  return b;
}

describe.each(
  [...DIALECT_NAMES.map((n) => DIALECTS[n] as CompiledDialect), ...CUSTOM].map((d) => [d.name, d] as const),
)('fast walk and exact walk agree, dialect %s', (_n, d) => {
  it('on mutated valid messages (property)', () => {
    fc.assert(
      fc.property(messageArb(d), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (msg, muts) => {
        expectWalksAgree(d, mutate(encodeMessage(d, msg), muts));
      }),
      { numRuns: CUSTOM.includes(d) ? 60 : 150 },
    );
  });

  it('on a message embedded at an offset in a larger buffer', () => {
    fc.assert(
      fc.property(
        messageArb(d),
        fc.uint8Array({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 8 }),
        (msg, pre, post) => {
          const body = encodeMessage(d, msg);
          const buf = Buffer.concat([pre, body, post]);
          const v = expectWalksAgree(d, buf, pre.length, pre.length + body.length);
          expect(v.ok).toBe(true);
          expectDecodedEquals(v, d, msg);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('plan cache', () => {
  it('more distinct bitmaps than the cache holds (8) still decode correctly, in any order', () => {
    const view = new MessageView();
    for (const name of DIALECT_NAMES) {
      const d = DIALECTS[name];
      const msgs = fc.sample(messageArb(d, { maxVar: 20 }), { numRuns: 60, seed: 8583 });
      // keep one message per distinct field set (= bitmap)
      const byBitmap = new Map<string, { msg: IsoMessage; bytes: Buffer }>();
      for (const msg of msgs) {
        const key = Object.keys(msg.fields).join(',');
        if (!byBitmap.has(key)) byBitmap.set(key, { msg, bytes: encodeMessage(d, msg) });
      }
      const list = [...byBitmap.values()];
      expect(list.length).toBeGreaterThan(20);
      // forwards, backwards, and interleaved with another dialect's messages: plans are evicted and rebuilt
      const other = DIALECTS[name === 'bcd' ? 'ascii' : 'bcd'];
      const otherBytes = encodeMessage(other, { mti: '0210', fields: { 3: '000000', 39: '00' } });
      for (const order of [list, [...list].reverse(), list.filter((_, i) => i % 3 === 0), list]) {
        for (const { msg, bytes } of order) {
          expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
          expectDecodedEquals(view, d, msg);
          expect(view.plan).not.toBeNull();
          expect(decodeInto(other, otherBytes, 0, otherBytes.length, view)).toBe(true);
          expect(view.get(39)).toBe('00');
        }
      }
    }
  });

  it('two views decoding alternately (hex bitmaps live in each view) stay independent', () => {
    const d = DIALECTS['ascii-hex'];
    const a = new MessageView();
    const b = new MessageView();
    const m1: IsoMessage = {
      mti: '0210',
      fields: { 2: '4761739001010119', 39: '51', 52: '0001020304050607' },
    };
    const m2: IsoMessage = { mti: '0810', fields: { 39: '00', 70: '301', 128: '0102030405060708' } };
    const e1 = encodeMessage(d, m1);
    const e2 = encodeMessage(d, m2);
    for (let i = 0; i < 20; i++) {
      expect(decodeInto(d, e1, 0, e1.length, a)).toBe(true);
      expect(decodeInto(d, e2, 0, e2.length, b)).toBe(true);
      expectDecodedEquals(a, d, m1);
      expectDecodedEquals(b, d, m2);
    }
  });
});
