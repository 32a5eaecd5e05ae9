/**
 * BER-TLV reader over field 55 (EMV) data: multi-byte tags, long-form lengths, 00/FF padding,
 * constructed tags, malformed data (error set, never thrown), and the safe-tag filter used for output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DIALECTS,
  decodeInto,
  describeMessage,
  emvTags,
  encodeMessage,
  MessageView,
  REDACTED,
  SAFE_EMV_TAGS,
  TlvError,
  TlvReader,
  tagHex,
} from '../../protocol/iso8583/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** All elements at the reader's level as [tagHex, valueHex]. */
function walk(r: TlvReader): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  while (r.next())
    out.push([
      tagHex(r.tag),
      Buffer.from(r.buf.subarray(r.valueOffset, r.valueOffset + r.valueLength))
        .toString('hex')
        .toUpperCase(),
    ]);
  return out;
}

describe('TlvReader', () => {
  it('reads single- and multi-byte tags', () => {
    const b = hex('9F27 01 80   5F2D 04 6465656E   8A 02 3035   DF8101 01 AA');
    const r = new TlvReader().reset(b, 0, b.length);
    expect(walk(r)).toEqual([
      ['9F27', '80'],
      ['5F2D', '6465656E'],
      ['8A', '3035'],
      ['DF8101', 'AA'],
    ]);
    expect(r.error).toBe(TlvError.None);
    r.reset(b, 0, b.length);
    expect(r.next()).toBe(true);
    expect(r.tag).toBe(0x9f27);
    expect(r.elementOffset).toBe(0);
    expect(r.valueOffset).toBe(3);
    expect(r.valueLength).toBe(1);
    expect(r.constructed).toBe(false);
  });

  it('reads long-form lengths 0x81 and 0x82', () => {
    const v200 = Buffer.alloc(200, 0x11);
    const v300 = Buffer.alloc(300, 0x22);
    const b = Buffer.concat([hex('91 81 C8'), v200, hex('9F10 82 012C'), v300, hex('95 05 0000008000')]);
    const r = new TlvReader().reset(b, 0, b.length);
    expect(r.next()).toBe(true);
    expect([r.tag, r.valueOffset, r.valueLength]).toEqual([0x91, 3, 200]);
    expect(r.next()).toBe(true);
    expect([r.tag, r.valueOffset, r.valueLength]).toEqual([0x9f10, 3 + 200 + 5, 300]);
    expect(r.next()).toBe(true);
    expect(r.tag).toBe(0x95);
    expect(r.next()).toBe(false);
    expect(r.error).toBe(TlvError.None);
  });

  it('skips 00 and FF padding between and after elements', () => {
    const b = hex('00 00 8A 02 3030 FF FF 00 9F27 01 40 FF 00 00');
    const r = new TlvReader().reset(b, 0, b.length);
    expect(walk(r)).toEqual([
      ['8A', '3030'],
      ['9F27', '40'],
    ]);
    expect(r.error).toBe(TlvError.None);
    const onlyPadding = hex('00 FF 00');
    expect(new TlvReader().reset(onlyPadding, 0, 3).next()).toBe(false);
  });

  it('does not enter constructed tags unless asked; enter() walks inside one', () => {
    // 71: issuer script template 1 containing 9F18 (script id) and 86 (command); then 8A
    const b = hex('71 0D 9F18 04 00000001 86 04 84240000   8A 02 3030');
    const r = new TlvReader().reset(b, 0, b.length);
    expect(r.next()).toBe(true);
    expect(r.tag).toBe(0x71);
    expect(r.constructed).toBe(true);
    expect(r.valueLength).toBe(13);
    // a second reader at the same level skips over the template
    const top = walk(new TlvReader().reset(b, 0, b.length)).map(([t]) => t);
    expect(top).toEqual(['71', '8A']);
    // enter the template
    r.enter();
    expect(walk(r)).toEqual([
      ['9F18', '00000001'],
      ['86', '84240000'],
    ]);
    expect(r.error).toBe(TlvError.None);
    // constructed multi-byte tag: BF0C (FCI issuer discretionary data)
    const c = hex('BF0C 05 9F4D 02 0B0A');
    const rc = new TlvReader().reset(c, 0, c.length);
    expect(rc.next()).toBe(true);
    expect([rc.tag, rc.constructed]).toEqual([0xbf0c, true]);
    expect(walk(rc.enter())).toEqual([['9F4D', '0B0A']]);
  });

  it('find() locates a tag at the current level', () => {
    const b = hex('9F27 01 80 8A 02 3531 95 05 0000000000');
    const r = new TlvReader().reset(b, 0, b.length);
    expect(r.find(0x8a)).toBe(true);
    expect(Buffer.from(b.subarray(r.valueOffset, r.valueOffset + r.valueLength)).toString('latin1')).toBe(
      '51',
    );
    expect(new TlvReader().reset(b, 0, b.length).find(0x9b)).toBe(false);
  });

  it('respects a range inside a larger buffer', () => {
    const b = hex('AABBCC 8A 02 3030 9F27 01 00 DDEEFF');
    const r = new TlvReader().reset(b, 3, 3 + 4 + 4);
    expect(walk(r)).toEqual([
      ['8A', '3030'],
      ['9F27', '00'],
    ]);
    expect(r.error).toBe(TlvError.None);
  });

  describe('malformed data sets error, never throws', () => {
    const cases: Array<[string, string, number, number]> = [
      // name, bytes, error, elements read before it
      ['tag cut after its first byte', '8A 01 30 9F', TlvError.Truncated, 1],
      ['length missing', '8A 01 30 95', TlvError.Truncated, 1],
      ['value longer than the data', '8A 05 3030', TlvError.Truncated, 0],
      ['long-form length cut', '91 82 01', TlvError.Truncated, 0],
      ['0x81 length beyond the data', '91 81 90 0000', TlvError.Truncated, 0],
      ['indefinite length 0x80', '91 80 00 00', TlvError.BadLength, 0],
      ['three length bytes 0x83', '91 83 000001 00', TlvError.BadLength, 0],
      ['tag longer than three bytes', '9F 81 82 03 01 00', TlvError.TagTooLong, 0],
    ];
    it.each(cases)('%s', (_name, bytes, err, before) => {
      const b = hex(bytes);
      const r = new TlvReader().reset(b, 0, b.length);
      let n = 0;
      expect(() => {
        while (r.next()) n++;
      }).not.toThrow();
      expect(n).toBe(before);
      expect(r.error).toBe(err);
      // stays at the end: further calls return false
      expect(r.next()).toBe(false);
      // a value never points outside the range
      expect(r.valueOffset + r.valueLength).toBeLessThanOrEqual(b.length);
    });

    it('random bytes: the walk terminates, values stay inside the range (property)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 10 }), (bytes, pre) => {
          const buf = Buffer.concat([Buffer.alloc(pre, 0x5a), bytes, Buffer.from([0x9f, 0x81, 0x01])]);
          const r = new TlvReader().reset(buf, pre, pre + bytes.length);
          let steps = 0;
          while (r.next()) {
            steps++;
            expect(r.elementOffset).toBeGreaterThanOrEqual(pre);
            expect(r.valueOffset + r.valueLength).toBeLessThanOrEqual(pre + bytes.length);
            expect(steps).toBeLessThanOrEqual(bytes.length);
          }
          expect(r.pos).toBeLessThanOrEqual(pre + bytes.length);
          emvTags(buf, pre, bytes.length); // never throws either
        }),
        { numRuns: 2000 },
      );
    });
  });

  it('tagHex pads to whole bytes', () => {
    expect(tagHex(0x9f27)).toBe('9F27');
    expect(tagHex(0x8a)).toBe('8A');
    expect(tagHex(0x5f2d)).toBe('5F2D');
    expect(tagHex(0x4f)).toBe('4F');
    expect(tagHex(0xdf8101)).toBe('DF8101');
  });
});

describe('emvTags (what may leave the device)', () => {
  // 57 track 2 equivalent, 5A PAN, 5F20 cardholder name, 9F1F track 1 discretionary, 99 PIN data
  const PAN = '4761739001010119';
  /** One element with a short-form length. */
  const tlv = (tag: string, valueHex: string): string => {
    const n = valueHex.replace(/\s+/g, '').length / 2;
    return tag + n.toString(16).padStart(2, '0') + valueHex;
  };
  const F55 = hex(
    [
      tlv('9F27', '80'),
      tlv('57', `${PAN}D2512201012340917F`),
      tlv('5A', PAN),
      tlv('5F20', '4A4F484E20534D495448'),
      tlv('9F1F', '31323334'),
      tlv('99', '0123456789ABCDEF'),
      tlv('8A', '3531'),
      tlv('95', '0000048000'),
      tlv('5F2D', '6465656E'),
    ].join(''),
  );

  it('keeps safe tags and drops 57, 5A, 5F20, 9F1F, 99 (counting them)', () => {
    const tags = emvTags(F55, 0, F55.length);
    expect(tags).toEqual({
      '9F27': '80',
      '8A': '3531',
      '95': '0000048000',
      '5F2D': '6465656E',
      _dropped: '5',
    });
    const text = JSON.stringify(tags);
    expect(text).not.toContain(PAN);
    expect(text).not.toContain('D2512');
    expect(text).not.toContain('0123456789ABCDEF');
    for (const t of [0x57, 0x5a, 0x5f20, 0x9f1f, 0x99, 0x56, 0x9f6b, 0x9f20])
      expect(SAFE_EMV_TAGS.has(t), tagHex(t)).toBe(false);
  });

  it('redacts malformed TLV whole, without throwing (what was read before may be misframed)', () => {
    const cut = F55.subarray(0, F55.length - 2);
    expect(emvTags(cut, 0, cut.length)).toBe(REDACTED);
  });

  it('works on a buffer view with a non-zero byteOffset', () => {
    const big = Buffer.concat([Buffer.alloc(33, 0xee), F55, Buffer.alloc(5, 0xee)]);
    const view = big.subarray(33, 33 + F55.length);
    expect(view.byteOffset).not.toBe(0);
    expect(emvTags(view, 0, view.length)).toEqual(emvTags(F55, 0, F55.length));
    expect(emvTags(big, 33, F55.length)).toEqual(emvTags(F55, 0, F55.length));
  });

  it('describeMessage reduces binary field 55 to the safe tags (ascii and bcd dialects)', () => {
    const view = new MessageView();
    for (const d of [DIALECTS.ascii, DIALECTS.bcd]) {
      const bytes = encodeMessage(d, { mti: '0210', fields: { 39: '51', 55: F55 } });
      expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
      const span = view.binarySpan(55)!;
      expect(span.length).toBe(F55.length);
      const r = new TlvReader().reset(view.buf, span.offset, span.offset + span.length);
      expect(r.find(0x8a)).toBe(true);
      const desc = describeMessage(view);
      expect(desc.fields[55]).toEqual({
        '9F27': '80',
        '8A': '3531',
        '95': '0000048000',
        '5F2D': '6465656E',
        _dropped: '5',
      });
      expect(JSON.stringify(desc)).not.toContain(PAN);
    }
  });
});
