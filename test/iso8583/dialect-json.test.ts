/**
 * Dialects from JSON (a user's own host spec): valid files compile to dialects that encode and
 * decode; invalid shapes throw DialectError (code E_DIALECT) naming the JSON path.
 */
import { describe, expect, it } from 'vitest';
import { maskPan } from '../../protocol/card/pan.js';
import {
  DIALECTS,
  DialectError,
  decodeInto,
  dialectFromJson,
  encodeMessage,
  type IsoMessage,
  MessageView,
} from '../../protocol/iso8583/index.js';
import { expectDecodedEquals, expectWalksAgree } from './gen.js';

function roundTrip(json: unknown, msg: IsoMessage): { bytes: Buffer; view: MessageView } {
  const d = dialectFromJson(json);
  const bytes = encodeMessage(d, msg);
  const view = new MessageView();
  expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
  expectDecodedEquals(view, d, msg);
  expectWalksAgree(d, bytes);
  return { bytes, view };
}

function dialectError(json: unknown): DialectError {
  try {
    dialectFromJson(json);
  } catch (e) {
    expect(e).toBeInstanceOf(DialectError);
    expect((e as DialectError).code).toBe('E_DIALECT');
    return e as DialectError;
  }
  throw new Error(`accepted: ${JSON.stringify(json)}`);
}

describe('dialectFromJson: valid dialects', () => {
  it('base bcd with a hex bitmap and field 48 as LLL binary', () => {
    const json = {
      name: 'myhost',
      base: 'bcd',
      bitmap: 'hex',
      fields: { 48: { type: 'b', length: 255, prefix: 3 } },
    };
    const d = dialectFromJson(json);
    expect(d.name).toBe('myhost');
    expect(d.def.description).toBe('custom dialect based on bcd');
    expect(d.specs[48]).toMatchObject({
      type: 'b',
      length: 255,
      prefix: 3,
      encoding: 'binary',
      prefixEncoding: 'bcd',
    });
    expect(d.specs[48]!.name).toBe(DIALECTS.bcd.specs[48]!.name);
    const msg: IsoMessage = {
      mti: '0210',
      fields: {
        2: '4761739001010119',
        3: '000000',
        39: '51',
        48: new Uint8Array([0, 1, 2, 0xff]),
        70: '301',
      },
    };
    const { bytes, view } = roundTrip(json, msg);
    // BCD MTI, then 32 hex characters of bitmap (secondary present)
    expect(bytes.subarray(0, 2).toString('hex')).toBe('0210');
    expect(bytes.toString('latin1', 2, 34)).toMatch(/^[0-9A-F]{32}$/);
    expect(bytes[2]).toBe('E'.charCodeAt(0)); // bits 1 (secondary), 2 (PAN) and 3
    // field 48 may carry the CVC2 (Mastercard SE 92): decoded, but withheld like the tracks
    expect(view.get(48)).toBeUndefined();
    expect(view.isRedacted(48)).toBe(true);
    expect(view.unitsOf(48)).toBe(4);
    expect(view.get(2)).toBe(maskPan('4761739001010119'));
    // field 48 is LLL BCD: 0x0004 before its 4 bytes
    expect(bytes.includes(Buffer.from([0x00, 0x04, 0x00, 0x01, 0x02, 0xff]))).toBe(true);
  });

  it('every encoding choice given explicitly, no base', () => {
    const json = {
      name: 'explicit',
      description: 'all choices',
      mti: 'bcd',
      bitmap: 'binary',
      numeric: 'bcd',
      prefix: 'binary',
      binary: 'hex',
      bcdPadFixed: 'right',
      bcdPadVariable: 'left',
    };
    const d = dialectFromJson(json);
    expect(d.def.description).toBe('all choices');
    expect(d.specs[22]).toMatchObject({ encoding: 'bcd', pad: 'right' });
    expect(d.specs[2]).toMatchObject({ encoding: 'bcd', pad: 'left', prefixEncoding: 'binary' });
    const { bytes } = roundTrip(json, {
      mti: '0100',
      fields: { 2: '12345', 22: '051', 52: '0001020304050607', 64: 'CAFEBABECAFEBABE' },
    });
    // 2: binary LL = 5, BCD left-padded "012345"; 22: right-padded "0510"
    expect(bytes.subarray(10, 16).toString('hex')).toBe('05012345' + '0510');
  });

  it('field overrides: type, length, prefix, name, encoding, prefix encoding, pad, stricter sensitivity', () => {
    const json = {
      name: 'ov',
      base: 'ascii',
      fields: {
        44: { name: 'Host text', type: 'ans', length: 50, prefix: 3 },
        48: { type: 'n', encoding: 'bcd', pad: 'left' },
        62: { prefixEncoding: 'binary' },
        102: { sensitivity: 'pan' },
        104: { sensitivity: 'secret' },
      },
    };
    const d = dialectFromJson(json);
    expect(d.specs[44]).toMatchObject({ name: 'Host text', length: 50, prefix: 3 });
    const { bytes, view } = roundTrip(json, {
      mti: '0200',
      fields: { 44: 'x'.repeat(50), 48: '12345', 62: 'ABC', 102: '5413330089010434', 104: 'secret text' },
    });
    expect(view.get(102)).toBe('541333******0434');
    expect(view.get(104)).toBeUndefined();
    expect(view.isRedacted(104)).toBe(true);
    expect(bytes.includes(Buffer.from('005', 'latin1'))).toBe(true); // 48: ASCII LLL 005, then BCD 012345
    expect(bytes.includes(Buffer.from([0x01, 0x23, 0x45]))).toBe(true);
    expect(bytes.includes(Buffer.from([0, 3, 0x41, 0x42, 0x43]))).toBe(true); // 62 is LLL: two binary length bytes
  });

  it('overriding field 55 back to text in a base that makes it binary decodes it as text', () => {
    const json = { name: 'text55', base: 'ascii', fields: { 55: { type: 'ans' } } };
    const d = dialectFromJson(json);
    expect(d.specs[55]).toMatchObject({ type: 'ans', encoding: 'ascii' });
    const { view } = roundTrip(json, { mti: '0210', fields: { 55: 'EMV AS TEXT' } });
    expect(view.get(55)).toBeUndefined(); // EMV data never leaves as plain text
    expect(view.emvText(55)).toBe('EMV AS TEXT');
  });

  it('card data stays protected: default sensitivity survives type changes', () => {
    const d = dialectFromJson({
      name: 'c',
      base: 'bcd',
      fields: { 35: { type: 'ans' }, 2: { type: 'ans' }, 52: { type: 'b', length: 16 } },
    });
    expect(d.specs[35]!.sensitivity).toBe('secret');
    expect(d.specs[2]!.sensitivity).toBe('pan');
    expect(d.specs[52]!.sensitivity).toBe('secret');
  });
});

describe('dialectFromJson: subfields of a dialect file are withheld unless marked public', () => {
  const sub = (extra: Record<string, unknown>, parent = 60): unknown => ({
    name: 's',
    base: 'ascii',
    fields: {
      [parent]: {
        type: 'ans',
        length: 99,
        prefix: 2,
        subfields: { kind: 'positional', fields: { 1: { type: 'ans', length: 3, ...extra } } },
      },
    },
  });

  it('no mark: withheld; public: shown; public pan: masked', () => {
    expect(dialectFromJson(sub({})).composites[60]!.subs[1]!.sensitivity).toBe('secret');
    const shown = dialectFromJson(sub({ public: true })).composites[60]!.subs[1]!;
    expect([shown.public, shown.sensitivity]).toEqual([true, undefined]);
    const pan = dialectFromJson(sub({ public: true, sensitivity: 'pan' })).composites[60]!.subs[1]!;
    expect([pan.public, pan.sensitivity]).toEqual([true, 'pan']);
  });

  it('public is refused under a card-data field and together with secret, naming the key', () => {
    expect(dialectError(sub({ public: true }, 48)).message).toMatch(
      /^dialect fields\.48\.subfields\.fields\.1\.public: .*card data/,
    );
    expect(dialectError(sub({ public: true, sensitivity: 'secret' })).message).toMatch(
      /^dialect fields\.60\.subfields\.fields\.1\.public: /,
    );
  });
});

describe('dialectFromJson: review findings refused by name', () => {
  it('field 65 together with a tertiary bitmap', () => {
    expect(
      dialectError({ name: 'x', tertiaryBitmap: true, fields: { 65: { type: 'b', length: 8, prefix: 0 } } })
        .message,
    ).toMatch(/^dialect fields\.65: .*third bitmap/);
  });
  it('a card-data field given another rule than its own or secret', () => {
    expect(dialectError({ name: 'x', fields: { 2: { sensitivity: 'emv' } } }).message).toMatch(
      /^dialect fields\.2\.sensitivity: .*"pan"/,
    );
    expect(
      dialectFromJson({ name: 'x', fields: { 2: { sensitivity: 'secret' } } }).specs[2]!.sensitivity,
    ).toBe('secret');
  });
  it('a __proto__ key anywhere', () => {
    const json = JSON.parse('{"name":"x","fields":{"48":{"__proto__":{"length":5}}}}') as unknown;
    expect(dialectError(json).message).toBe(
      'dialect fields.48.__proto__: the key "__proto__" is not allowed',
    );
    expect(dialectError(JSON.parse('{"name":"x","__proto__":{}}')).message).toMatch(/^dialect __proto__: /);
  });
});

describe('dialectFromJson: invalid dialects name the path', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', 42, /^dialect \(root\): /],
    ['null', null, /^dialect \(root\): /],
    ['no name', { base: 'bcd' }, /^dialect name: /],
    ['empty name', { name: '' }, /^dialect name: /],
    ['unknown base', { name: 'x', base: 'ebcdic' }, /^dialect base: .*ascii/],
    ['unknown bitmap', { name: 'x', bitmap: 'base64' }, /^dialect bitmap: /],
    ['unknown top-level key', { name: 'x', colour: 'red' }, /^dialect \(root\): .*colour/],
    ['fields is an array', { name: 'x', fields: [] }, /^dialect fields: /],
    ['field type', { name: 'x', fields: { 48: { type: 'q' } } }, /^dialect fields\.48\.type: /],
    ['field length 0', { name: 'x', fields: { 48: { length: 0 } } }, /^dialect fields\.48\.length: /],
    [
      'field length not an integer',
      { name: 'x', fields: { 48: { length: 2.5 } } },
      /^dialect fields\.48\.length: /,
    ],
    ['field prefix 7', { name: 'x', fields: { 48: { prefix: 7 } } }, /^dialect fields\.48\.prefix: /],
    ['field pad', { name: 'x', fields: { 22: { pad: 'middle' } } }, /^dialect fields\.22\.pad: /],
    [
      'field sensitivity',
      { name: 'x', fields: { 2: { sensitivity: 'none' } } },
      /^dialect fields\.2\.sensitivity: /,
    ],
    ['field number 1', { name: 'x', fields: { 1: { type: 'n' } } }, /^dialect fields\.1: /],
    ['field number 129', { name: 'x', fields: { 129: { type: 'n' } } }, /^dialect fields\.129: /],
    ['field not an object', { name: 'x', fields: { 48: 'b' } }, /^dialect fields\.48: /],
    ['unknown field key', { name: 'x', fields: { 48: { colour: 'red' } } }, /^dialect fields\.48: .*colour/],
    // semantic checks: the rest of the codec could not honour these
    [
      'LLVAR longer than 99',
      { name: 'x', fields: { 44: { length: 500 } } },
      /^dialect fields\.44\.length: .*99/,
    ],
    [
      'LLLVAR longer than 999',
      { name: 'x', fields: { 48: { length: 5000 } } },
      /^dialect fields\.48\.length: .*999/,
    ],
    [
      'LL prefix on a 999 field',
      { name: 'x', fields: { 48: { prefix: 2 } } },
      /^dialect fields\.48\.length: /,
    ],
    [
      'hex encoding on a text field',
      { name: 'x', fields: { 48: { encoding: 'hex' } } },
      /^dialect fields\.48\.encoding: /,
    ],
    [
      'bcd encoding on a text field',
      { name: 'x', fields: { 43: { encoding: 'bcd' } } },
      /^dialect fields\.43\.encoding: /,
    ],
    [
      'relaxing track 2 to pan',
      { name: 'x', fields: { 35: { sensitivity: 'pan' } } },
      /^dialect fields\.35\.sensitivity: /,
    ],
    [
      'relaxing the PIN block to pan',
      { name: 'x', fields: { 52: { sensitivity: 'pan' } } },
      /^dialect fields\.52\.sensitivity: /,
    ],
  ];
  it.each(cases)('%s', (_name, json, message) => {
    const e = dialectError(json);
    expect(e.message).toMatch(message);
    expect(e.name).toBe('DialectError');
  });
});
