/**
 * Issue 9, items 1 and 2: the audit's exact reproducers through the `decode` command's engine, and
 * the rules they broke. Field 55: a permitted tag whose declared length runs over the following
 * tags, a value whose length is not the tag's defined length, a value that is itself TLV holding a
 * sensitive tag, and a field 55 that is not TLV at all. Free text: a PAN with digits right next to
 * it or written with spaces or dashes. Fields 14 (expiry) and 48 (may carry the CVC2) are redacted.
 */
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeStream } from '../../agent/decode/decode-stream.js';
import { findPans, luhnCheckDigit, luhnValid, scrubPans } from '../../protocol/card/pan.js';
import {
  DIALECTS,
  decodeInto,
  describeMessage,
  emvTags,
  encodeMessage,
  MessageView,
  REDACTED,
} from '../../protocol/iso8583/index.js';
import { rcFor } from './gen.js';

async function decodeHex(line: string): Promise<{ text: string; obj: Record<string, unknown> }> {
  const chunks: string[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  const summary = await decodeStream(Readable.from([`${line}\n`]), out, {
    dialect: DIALECTS.ascii,
    hex: true,
    lengthPrefix: false,
    tpdu: false,
  });
  expect(summary).toEqual({ ok: 1, bad: 0 });
  const text = chunks.join('');
  return { text, obj: JSON.parse(text) as Record<string, unknown> };
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const tlv = (tag: string, valueHex: string): string =>
  tag + (valueHex.length / 2).toString(16).padStart(2, '0') + valueHex;

describe('issue 9 item 1: the EMV field 55 filter', () => {
  it('audit reproducer: 9C whose length runs over a tag 57 does not print the track-2 data', async () => {
    const { text, obj } = await decodeHex(
      '3032303000000000000002003032329c140057114111111111111111d2512101123456789f',
    );
    expect(text).not.toContain('4111111111111111');
    expect(text).not.toContain('D2512101');
    expect(findPans(text)).toEqual([]);
    expect((obj.fields as Record<string, unknown>)['55']).toEqual({ '9C': REDACTED });
  });

  it('a variable-length safe tag whose length runs over a following card-data tag is redacted (its own bytes first)', async () => {
    // 50 / 9F12 (text) and 84 / 4F / 91 (binary) within their allowed lengths, over 5F20, 9F0B,
    // 9F1F, 9F20, 5F24, also one truncated by the value's end (found on a fresh-clone review)
    const cases = [
      '303231302000000000000200303030303030303134500c564953412e5f20044a20444f',
      '30323130000000000200020030353031379f120e4352454449549f0b05534d495448',
      '303231300000000002000200303530313982021c00500d564953412e9f1f054142304344',
      '303231302000000000000200303030303030303133500b564953419f200412345678',
      '303231302000000000000200303030303030303132500a564953415f2403251231',
    ];
    for (const c of cases) {
      const { text } = await decodeHex(c);
      for (const secret of ['4A20444F', '534D495448', '4142304344', '12345678', '251231'])
        expect(text, c).not.toContain(secret);
    }
    const aid = hex(tlv('84', 'A0000000035F2004') + tlv('4F', 'A0000000031010'));
    expect(emvTags(aid, 0, aid.length)).toEqual({ '84': REDACTED, '4F': 'A0000000031010' });
    const label = hex(tlv('50', Buffer.from('VISA').toString('hex')));
    expect(emvTags(label, 0, label.length)).toEqual({ '50': '56495341' });
  });

  it('a safe tag with a length other than its defined one is redacted, the rest kept', () => {
    const b = hex(tlv('9F27', '80') + tlv('9C', '0011') + tlv('95', '0000048000'));
    expect(emvTags(b, 0, b.length)).toEqual({ '9F27': '80', '9C': REDACTED, '95': '0000048000' });
  });

  it('a safe variable-length tag whose value is TLV holding 5A, 57, 5F20, 9F1F, 9F20 or 9F6B is redacted', () => {
    for (const inner of [
      tlv('5A', '4761739001010119'),
      tlv('57', '4761739001010119D25121'),
      tlv('5F20', '4A4F484E'),
      tlv('9F1F', '31323334'),
      tlv('9F20', '31323334'),
      tlv('9F6B', '4761739001010119D25121'),
    ]) {
      // 91 issuer authentication data: 8-16 bytes
      const value = (inner + '0000000000000000').slice(0, Math.max(16, inner.length));
      const b = hex(tlv('9F27', '80') + tlv('91', value));
      expect(emvTags(b, 0, b.length), inner).toEqual({ '9F27': '80', '91': REDACTED });
    }
  });

  it('a field 55 that does not parse as TLV is redacted whole', () => {
    const cut = hex(tlv('9F27', '80') + tlv('8A', '3531')).subarray(0, 6);
    expect(emvTags(cut, 0, cut.length)).toBe(REDACTED);
    const view = new MessageView();
    const bytes = encodeMessage(DIALECTS.ascii, { mti: '0210', fields: { 39: '05', 55: cut } });
    expect(decodeInto(DIALECTS.ascii, bytes, 0, bytes.length, view)).toBe(true);
    expect(describeMessage(view).fields[55]).toBe(REDACTED);
  });
});

describe('issue 9 item 2: the free-text PAN scrubber and fields 14 and 48', () => {
  it('audit reproducer: field 48 "0216" + PAN does not print the PAN', async () => {
    const { text, obj } = await decodeHex(
      '3032303000000000000100003032303032313634373631373339303031303130313139',
    );
    expect(text).not.toContain('4761739001010119');
    expect((obj.fields as Record<string, unknown>)['48']).toBe(REDACTED);
  });

  it('decode redacts field 14 (expiry) and field 48 like 35, 45 and 52', () => {
    for (const d of Object.values(DIALECTS)) {
      const view = new MessageView();
      const bytes = encodeMessage(d, {
        mti: '0210',
        // field 48 is binary in Visa Base I
        fields: {
          14: '2512',
          39: '05',
          48: d.specs[48]!.type === 'b' ? Buffer.from('R92003123') : 'R92003123',
          52: hex('0123456789ABCDEF'),
        },
      });
      expect(decodeInto(d, bytes, 0, bytes.length, view), d.name).toBe(true);
      const desc = describeMessage(view);
      for (const f of [14, 48, 52]) expect(desc.fields[f], `${d.name} field ${f}`).toBe(REDACTED);
      expect(desc.response_code).toBe(rcFor(d, '05'));
      expect(JSON.stringify(desc)).not.toContain('2512');
      expect(JSON.stringify(desc)).not.toContain('R92003123');
    }
  });

  const PAN = '4761739001010119';
  it.each([
    ['digits before', `0216${PAN}`],
    ['digits after', `${PAN}12`],
    ['digits on both sides', `99${PAN}12345`],
    ['spaces', '4761 7390 0101 0119'],
    ['dashes', '4761-7390-0101-0119'],
    ['mixed single separators', 'card 4761-739001 010119 ok'],
    ['spaces and digits around', `ref 12 ${PAN.slice(0, 8)} ${PAN.slice(8)} 34`],
    ['double spaces', '4761  7390  0101  0119'],
    ['tabs', '4761\t7390\t0101\t0119'],
    ['slashes', '4761/7390/0101/0119'],
    ['spaced dashes', '4761 - 7390 - 0101 - 0119'],
    ['mixed gaps', 'pan:4761 7390/0101  0119;'],
  ])('scrubPans masks a PAN with %s', (_what, text) => {
    const out = scrubPans(text);
    expect(out.replace(/[ \t/-]/g, '')).not.toContain(PAN);
    expect(findPans(out)).toEqual([]);
    expect(findPans(text).length).toBeGreaterThan(0);
  });

  it('scrubPans leaves ISO timestamps, short numbers, lists and numbers split by four separators alone', () => {
    for (const text of [
      '2026-12-02T16:43:34.123Z',
      '{"time":"2026-12-02T16:43:34.123Z","pid":12345,"seq":42}',
      'stan 000123 rrn 332710123456 amount 000000012345',
      'ids 1234567    8901234',
      'ids 1234567, 8901234, 5678901',
      'total 701589321606.04 EUR', // 14 digits with the dot, a Luhn-valid 13-digit window
      'at 12:34:56:78:90:12:34',
      '12:34:56 2026-12-02 7 8',
      'no digits at all',
    ])
      expect(scrubPans(text)).toBe(text);
    // a 13-19 digit run that fails the Luhn check is not a PAN
    const notPan = `${PAN.slice(0, 15)}${(Number(PAN[15]) + 1) % 10}`;
    expect(luhnValid(notPan)).toBe(false);
  });

  it('luhnCheckDigit completes a body to the one Luhn-valid number (the simulator makes its cards with it)', () => {
    expect(luhnCheckDigit(PAN.slice(0, -1))).toBe(Number(PAN.at(-1)));
    for (const body of ['37424545540012', '601100099013942', '4', '000000000000']) {
      const ok = [...'0123456789'].filter((c) => luhnValid(body + c));
      expect(ok).toEqual([String(luhnCheckDigit(body))]);
    }
    expect(() => luhnCheckDigit('4761 7390')).toThrow(RangeError);
  });
});

describe('issue 9: secrets a misframed message shifts into a text field (found by the card-data fuzz)', () => {
  const view = new MessageView();
  const describeText = (f: number, text: string) => {
    const bytes = encodeMessage(DIALECTS.ascii, { mti: '0210', fields: { 39: '05', [f]: text } });
    expect(decodeInto(DIALECTS.ascii, bytes, 0, bytes.length, view)).toBe(true);
    return describeMessage(view).fields[f];
  };

  it.each([
    ['a control byte splitting a PAN (JSON would write \\u0017, digits)', 'ref 9548665877\u0017860441140982'],
    ['track 2 tail after a masked PAN', 'X4761739001010119=25121011234567890'],
    ['track 2 with the D separator', 'AB4761739001D2512101123'],
    ['track 1', 'B4761739001010119^SMITH/JOHN^2512101123'],
    ['a track 1 name cut short (seed 817934985)', '11^AHUPNZDDLQC/J935563'],
    ['a PAN in groups split by underscores', '4111_1111_1111_1111'],
    [
      'a PAN split by pipes, stars, plus signs, commas, colons, quotes',
      "4111|1111*1111+1111,0,4111:1111'1111",
    ],
    ['a PAN split by four spaces', '4111    1111    1111    1111'],
    ['a track 2 tail: separator and expiry', '=25121011234567890'],
    ['a PAN and its expiry', '4111111111111111=2512'],
    ['a PIN block in dashed groups', '0412-AC89-ABCD-EF01'],
    ['a PIN block in two spaced halves', 'PINBLK 0412AC89 ABCDEF01'],
    ['a track 1 start: format code, PAN, separator', 'XB4761739001010^'],
    ['a PIN block written as hex (ascii-hex dialect)', '89978D9851E03E38F64BD035'],
  ])('%s is withheld', (_what, text) => {
    expect(describeText(62, text)).toBe(REDACTED);
  });

  it('dates and times stay: their dots and colons do not join short groups into one number', () => {
    // each was withheld when any punctuation joined digits (a Luhn-valid 13-digit window)
    for (const text of ['21.01.2026 00:32:08', '05.01.2024 16:48:08', '25.05.2020 08:36:28'])
      expect(describeText(62, text)).toBe(text);
    // groups of 3 or more digits are still joined across any punctuation
    for (const text of ['4111.1111.1111.1111', 'x 411.111.111.111.1111 y'])
      expect(describeText(62, text)).toBe(REDACTED);
  });

  it('ordinary text, hex-free ids and short hex stay as they are', () => {
    for (const text of ['SHOP BERLIN MITTE', 'REF 12345678 OK', 'ID ABCDEF12', '2026-12-02 16:43'])
      expect(describeText(62, text)).toBe(text);
  });
});

describe('issue 9: a PIN block a damaged bitmap moves into a MAC field (card-data fuzz, seed 459953207)', () => {
  const PIN_BLOCK = '89978D9851E03E38';
  const view = new MessageView();

  it.each(['ascii', 'bcd', 'ascii-hex'] as const)(
    '%s: bit 52 cleared and bit 64 set prints no PIN block; 64, 96 and 128 are withheld like 52',
    (name) => {
      const dialect = DIALECTS[name];
      for (const f of [52, 64, 96, 128]) {
        const bytes = encodeMessage(dialect, {
          mti: '0210',
          // field 96 is 16 bytes in our 1987 table: the PIN block twice
          fields: { 39: '05', [f]: Buffer.from(f === 96 ? PIN_BLOCK + PIN_BLOCK : PIN_BLOCK, 'hex') },
        });
        expect(decodeInto(dialect, bytes, 0, bytes.length, view)).toBe(true);
        expect(view.get(f), `field ${f}`).toBeUndefined();
        const d = describeMessage(view);
        expect(d.fields[f], `field ${f}`).toBe(REDACTED);
        expect(JSON.stringify(d).toUpperCase()).not.toContain(PIN_BLOCK);
      }
    },
  );
});

describe('issue 9: fields read after a field 55 that is not clean TLV (card-data fuzz, seed 692636583)', () => {
  const view = new MessageView();
  // 9F27 is whole; 9F20 (track 2 discretionary data) declares 12 bytes but 55 ends after 2 of them:
  // in the fuzz the other 10 were read as field 85, a numeric field of the same shape
  const emv = hex(`${tlv('9F27', '80')}9F200C3238`);

  it.each(['ascii', 'bcd'] as const)('%s: field 85 after a truncated 55 is withheld', (name) => {
    const dialect = DIALECTS[name];
    const bytes = encodeMessage(dialect, {
      mti: '0110',
      fields: { 39: '54', 41: 'TERM0001', 55: emv, 85: '569193358123' },
    });
    expect(decodeInto(dialect, bytes, 0, bytes.length, view)).toBe(true);
    const d = describeMessage(view);
    expect(d.fields[55]).toBe(REDACTED);
    expect(d.fields[85]).toBe(REDACTED);
    expect(d.fields[41]).toBe('TERM0001'); // fields before 55 are not affected
    expect(JSON.stringify(d)).not.toContain('569193358123');
  });

  it('a clean field 55 leaves the fields after it alone', () => {
    const bytes = encodeMessage(DIALECTS.ascii, {
      mti: '0110',
      fields: { 39: '00', 55: hex(tlv('9F27', '80')), 85: '000000000100' },
    });
    expect(decodeInto(DIALECTS.ascii, bytes, 0, bytes.length, view)).toBe(true);
    expect(describeMessage(view).fields[85]).toBe('000000000100');
  });
});
