/**
 * Independent vectors from jPOS (test/iso8583/vectors, copied from jPOS's packager tests): the same
 * 0800 message packed by ISO87APackager (our `ascii-hex`) and ISO87BPackager (our `bcd`). Both must
 * decode to exactly the values of ISO87.xml (card-data rules applied) and encode back byte for byte.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { maskPan } from '../../protocol/card/pan.js';
import {
  DIALECTS,
  decodeInto,
  describeMessage,
  encodeMessage,
  MessageView,
  REDACTED,
} from '../../protocol/iso8583/index.js';
import { expectWalksAgree } from './gen.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'vectors');

function xmlValues(): Map<number, string> {
  const xml = readFileSync(join(DIR, 'ISO87.xml'), 'utf8');
  const out = new Map<number, string>();
  for (const m of xml.matchAll(/<field\s+id="(\d+)"\s+value="([^"]*)"/g)) out.set(Number(m[1]), m[2]!);
  return out;
}

const XML = xmlValues();
const SECRET = new Set([14, 35, 36, 45, 48, 52, 64]);
const PAN_FIELDS = new Set([2, 34]);

const CASES = [
  { file: 'ISO87A.bin', dialect: DIALECTS['ascii-hex'], bytes: 772 },
  { file: 'ISO87B.bin', dialect: DIALECTS.bcd, bytes: 575 },
] as const;

describe('jPOS ISO87 vectors', () => {
  it('the XML has the 0800 with fields 2-64 and 90', () => {
    expect(XML.get(0)).toBe('0800');
    const ids = [...XML.keys()].filter((k) => k > 0);
    expect(ids).toEqual([...Array.from({ length: 63 }, (_, i) => i + 2), 90]);
  });

  for (const { file, dialect, bytes } of CASES) {
    describe(`${file} with dialect ${dialect.name}`, () => {
      const buf = readFileSync(join(DIR, file));
      const binary55 = dialect.specs[55]!.type === 'b';
      /** The value as the XML states it, in the form view.get reports for this dialect. */
      const expected = (f: number): string => {
        const v = XML.get(f)!;
        if (f === 55 && binary55) return Buffer.from(v, 'latin1').toString('hex').toUpperCase();
        return v;
      };

      it('has the documented size', () => {
        expect(buf.length).toBe(bytes);
      });

      it('decodes to exactly the XML values (PAN masked, track data and PIN block withheld)', () => {
        const view = new MessageView();
        expect(decodeInto(dialect, buf, 0, buf.length, view)).toBe(true);
        expect(view.error()).toBeNull();
        expect(view.mti()).toBe(XML.get(0));
        expect(view.fieldNumbers()).toEqual([...XML.keys()].filter((k) => k > 0));
        for (const f of view.fieldNumbers()) {
          const got = view.get(f);
          if (f === 55) {
            // EMV data leaves the view only through the safe-tag filter (describeMessage)
            expect(got, 'field 55').toBeUndefined();
            const span = view.binarySpan(55);
            const raw = span
              ? Buffer.from(view.buf.subarray(span.offset, span.offset + span.length))
                  .toString('hex')
                  .toUpperCase()
              : view.emvText(55);
            expect(raw).toBe(expected(55));
          } else if (SECRET.has(f)) {
            expect(got, `field ${f}`).toBeUndefined();
            expect(view.isRedacted(f)).toBe(true);
          } else if (PAN_FIELDS.has(f)) {
            expect(got, `field ${f}`).toBe(maskPan(expected(f)));
            expect(got).not.toBe(expected(f));
          } else {
            expect(got, `field ${f}`).toBe(expected(f));
          }
        }
        // spot checks of the encodings that differ between the two packagers
        expect(view.get(2)).toBe('123456*********6789');
        expect(view.get(28)).toBe('000000100'); // xn: sign character then digits
        expect(view.get(52)).toBeUndefined();
        expect(view.get(64)).toBeUndefined(); // a MAC, withheld like the PIN block it could be
        expect(view.get(55)).toBeUndefined();
        expect(view.num(4)).toBe(100);
        expect(view.num(11)).toBe(1);
        expect(view.get(39)).toBe('00');
      });

      it('describeMessage shows the same values and "[redacted]" for 14, 35, 36, 45, 48, 52, 64', () => {
        const view = new MessageView();
        expect(decodeInto(dialect, buf, 0, buf.length, view)).toBe(true);
        const d = describeMessage(view);
        expect(d.mti).toBe('0800');
        expect(d.response_code).toBe('00');
        for (const f of SECRET) expect(d.fields[f]).toBe(REDACTED);
        expect(d.fields[2]).toBe(maskPan(XML.get(2)!));
        expect(d.fields[34]).toBe(maskPan(XML.get(34)!));
        for (const f of [3, 4, 7, 11, 28, 37, 41, 43, 44])
          expect(d.fields[f], `field ${f}`).toBe(expected(f));
        // jPOS's test 55 is "ABCD", not TLV: withheld whole, and so is every field after it, whose
        // bytes could be the rest of EMV data a wrong length cut off (view.get above reads them all)
        expect(d.fields[55]).toBe(REDACTED);
        for (const f of [56, 57, 58, 59, 60, 61, 62, 63, 64, 90])
          expect(d.fields[f], `field ${f}`).toBe(REDACTED);
        expect(d.names[2]).toMatch(/Primary Account Number/);
        const text = JSON.stringify(d);
        expect(text).not.toContain(XML.get(2)!);
        expect(text).not.toContain('1234567890123456=12345678901234567890');
        expect(text).not.toContain('THE QUICK BROWN FOX');
        expect(text).not.toContain(expected(48));
        expect(text).not.toContain('JPOSJPOSJPOS');
        expect(text.toUpperCase()).not.toContain('0001020304050607');
        expect(text.toUpperCase()).not.toContain('CAFEBABECAFEBABE');
      });

      it('fast and exact walks find the same field layout', () => {
        const view = expectWalksAgree(dialect, buf);
        expect(view.ok).toBe(true);
        expect(view.plan).not.toBeNull(); // the fast walk accepted it
      });

      it('encoding the XML values gives the same bytes back', () => {
        const fields: Record<number, string | Uint8Array> = {};
        for (const [f, v] of XML) if (f > 0) fields[f] = v;
        if (binary55) fields[55] = Buffer.from('ABCD', 'latin1');
        const out = encodeMessage(dialect, { mti: XML.get(0)!, fields });
        expect(out.length).toBe(buf.length);
        expect(out.toString('hex')).toBe(buf.toString('hex'));
      });

      it('decodes the same when the message sits inside a larger buffer', () => {
        const big = Buffer.concat([Buffer.from([0xff, 0x00, 0x13]), buf, Buffer.from('trailer')]);
        const view = new MessageView();
        expect(decodeInto(dialect, big, 3, 3 + buf.length, view)).toBe(true);
        expect(view.get(43)).toBe(XML.get(43));
        expect(view.get(90)).toBe(XML.get(90));
        // and a cut one reports offsets relative to the message start
        expect(decodeInto(dialect, big, 3, 3 + buf.length - 1, view)).toBe(false);
        const err = view.error()!;
        expect(err.code).toBe('E_TRUNCATED');
        expect(err.field).toBe(90);
        expect(err.offset).toBeLessThan(buf.length);
      });
    });
  }
});
