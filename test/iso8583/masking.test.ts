/**
 * Card data at the boundary: no decode output (describeMessage, the decode command's NDJSON), error
 * text or log line carries a full PAN (scanned with findPans, and searched for the planted values),
 * and track 2 / track 1 / PIN block contents never appear at all. Messages carry random Luhn-valid
 * PANs in field 2, 34, the tracks, EMV tags 5A/57 in field 55, and as text in free-text fields.
 */

import { Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStream } from '../../agent/decode/decode-stream.js';
import { findPans, luhnValid, maskPan } from '../../protocol/card/pan.js';
import {
  type CompiledDialect,
  DIALECTS,
  decodeInto,
  describeMessage,
  encodeMessage,
  type IsoMessage,
  MessageView,
  REDACTED,
} from '../../protocol/iso8583/index.js';
import { captureLogger } from '../helpers/log.js';
import { DIALECT_NAMES, DIALECT_NAMES_1993, rcFor } from './gen.js';

/** Luhn-valid PANs of 13-19 digits with a card-network first digit. */
const panArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('3', '4', '5', '6'),
    fc.integer({ min: 12, max: 18 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
  )
  .map(([first, n, digits]) => {
    const body = first + digits.slice(0, n - 1).join('');
    for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return body + c;
    throw new Error('unreachable');
  });

interface Card {
  pan: string;
  track2: string;
  track1: string;
  pinBlock: string;
  discretionary: string;
}

const cardArb: fc.Arbitrary<Card> = fc
  .tuple(
    panArb,
    fc.stringMatching(/^[0-9]{11}$/),
    fc.uint8Array({ minLength: 8, maxLength: 8 }),
    fc.stringMatching(/^[A-Z]{3,10}$/),
  )
  .map(([pan, disc, pin, name]) => ({
    pan,
    discretionary: disc,
    track2: `${pan}=2512101${disc}`.slice(0, 37),
    track1: `B${pan}^${name}/JOHN^2512101${disc}`.slice(0, 76),
    pinBlock: Buffer.from(pin).toString('hex').toUpperCase(),
  }));

const tlv = (tag: string, valueHex: string): string =>
  tag + (valueHex.length / 2).toString(16).padStart(2, '0') + valueHex;

function messageWithCard(d: CompiledDialect, c: Card, rc: string): IsoMessage {
  const padded = c.pan.length % 2 === 1 ? `${c.pan}F` : c.pan;
  const t2eq = `${c.track2.replace('=', 'D')}${c.track2.length % 2 === 1 ? 'F' : ''}`;
  const emv =
    tlv('9F27', '80') +
    tlv('5A', padded) +
    tlv('57', t2eq) +
    tlv('8A', Buffer.from(rc).toString('hex')) +
    tlv('95', '0000048000');
  return {
    mti: '0210',
    fields: {
      2: c.pan,
      3: '000000',
      4: '000000012345',
      11: '000123',
      34: c.pan,
      35: c.track2,
      36: `${c.pan}=${c.discretionary}`,
      37: '332710123456',
      39: rcFor(d, rc),
      41: 'TERM0001',
      45: c.track1,
      48: `CARD ${c.pan} REF`,
      52: c.pinBlock,
      55: d.specs[55]!.type === 'b' ? Buffer.from(emv, 'hex') : emv,
      102: c.pan,
      103: `acct:${c.pan}`,
    },
  };
}

/** The planted secrets must not appear, and findPans must find nothing. */
function expectClean(text: string, c: Card, where: string): void {
  expect(findPans(text), where).toEqual([]);
  expect(text.includes(c.pan), `${where}: full PAN`).toBe(false);
  expect(text.includes(c.track2), `${where}: track 2`).toBe(false);
  expect(text.includes(`2512101${c.discretionary}`), `${where}: track discretionary data`).toBe(false);
  expect(text.includes(c.track1.slice(c.track1.indexOf('^'))), `${where}: track 1`).toBe(false);
  expect(text.toUpperCase().includes(c.pinBlock), `${where}: PIN block`).toBe(false);
}

describe.each([...DIALECT_NAMES, ...DIALECT_NAMES_1993])(
  'no full PAN or track/PIN data leaves the decoder, dialect %s',
  (name) => {
    const d = DIALECTS[name];

    it('describeMessage: PAN masked, tracks and PIN redacted, EMV 5A/57 dropped, free-text PANs masked (property)', () => {
      const view = new MessageView();
      fc.assert(
        fc.property(cardArb, (c) => {
          const bytes = encodeMessage(d, messageWithCard(d, c, '05'));
          expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
          const desc = describeMessage(view);
          expectClean(JSON.stringify(desc), c, 'describeMessage');
          // not vacuous: the masked forms and the safe data are there
          expect(desc.fields[2]).toBe(maskPan(c.pan));
          expect(desc.fields[34]).toBe(maskPan(c.pan));
          expect(desc.fields[102]).toBe(maskPan(c.pan));
          expect(desc.fields[103]).toBe(`acct:${maskPan(c.pan)}`);
          for (const f of [35, 36, 45, 48, 52]) expect(desc.fields[f]).toBe(REDACTED);
          expect(desc.fields[55]).toEqual({ '9F27': '80', '8A': '3035', '95': '0000048000', _dropped: '2' });
          expect(desc.response_code).toBe(rcFor(d, '05'));
          // the view's own accessors
          for (const f of view.fieldNumbers()) {
            const v = view.get(f);
            if (v === undefined || f === 55) continue; // 55 is raw EMV data; output goes through describeMessage
            expect(findPans(v), `get(${f})`).toEqual(f === 102 || f === 103 ? [c.pan] : []);
          }
          expect(view.panMasked()).toBe(maskPan(c.pan));
          expect(view.panDigest('device-secret')).toMatch(/^[0-9a-f]{32}$/);
          expect(view.panDigest('device-secret')).not.toContain(c.pan);
        }),
        { numRuns: 150 },
      );
    });

    it('errors on damaged messages carry no card data (property)', () => {
      const view = new MessageView();
      fc.assert(
        fc.property(cardArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (c, at, byte) => {
          const bytes = encodeMessage(d, messageWithCard(d, c, '51'));
          // truncated anywhere, or one byte replaced
          const cut = bytes.subarray(0, at % bytes.length);
          const damaged = Buffer.from(bytes);
          damaged[at % bytes.length] = byte;
          for (const input of [cut, damaged]) {
            if (decodeInto(d, input, 0, input.length, view)) continue;
            const e = view.error()!;
            expectClean(`${e.message}\n${JSON.stringify(e)}\n${e.stack}`, c, 'error');
          }
        }),
        { numRuns: 150 },
      );
    });

    it('log lines with a described message, a decode error and PAN-bearing text are clean', () => {
      const { lines, logger } = captureLogger({ rateLimit: false });
      const view = new MessageView();
      const cards = fc.sample(cardArb, { numRuns: 20, seed: 42 });
      for (const c of cards) {
        const bytes = encodeMessage(d, messageWithCard(d, c, '51'));
        expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
        logger.info({ event: 'decoded', message: describeMessage(view) }, 'response decoded');
        expect(decodeInto(d, bytes, 0, bytes.length - 3, view)).toBe(false);
        const err = view.error()!;
        logger.warn({ event: 'decode_error', err }, 'bad response');
        logger.error(err);
        logger.info({ code: err.code, detail: err.toJSON() }, `could not decode message for card ${c.pan}`);
      }
      expect(lines.length).toBe(cards.length * 4);
      // pino's epoch-millisecond "time" is a 13-digit number that can pass the Luhn check by chance
      const all = lines.map((l) => l.replace(/"time":\d+,?/, '')).join('\n');
      for (const c of cards) expectClean(all, c, 'log');
      // not vacuous: the events and the masked PANs are in the log
      expect(all).toContain('"event":"decoded"');
      expect(all).toContain('E_TRUNCATED');
      expect(all).toContain(maskPan(cards[0]!.pan));
    });

    it('the decode command output (NDJSON) is clean, good and bad messages alike', async () => {
      const view = new MessageView();
      const cards = fc.sample(cardArb, { numRuns: 30, seed: 7 });
      const lines: string[] = [];
      for (const c of cards) {
        const bytes = encodeMessage(d, messageWithCard(d, c, '51'));
        lines.push(bytes.toString('hex'));
        lines.push(bytes.subarray(0, bytes.length - 5).toString('hex')); // truncated
        // a non-digit in the amount (field 4), after the PAN
        expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
        const bad = Buffer.from(bytes);
        bad[view.offsetOf(4) + 3] = d.def.numeric === 'bcd' ? 0xaa : 0x58;
        lines.push(bad.toString('hex'));
      }
      const chunks: string[] = [];
      const out = new Writable({
        write(chunk, _e, cb) {
          chunks.push(String(chunk));
          cb();
        },
      });
      const summary = await decodeStream(Readable.from([`${lines.join('\n')}\n`]), out, {
        dialect: d,
        hex: true,
        lengthPrefix: false,
        tpdu: false,
      });
      expect(summary.ok).toBe(cards.length);
      expect(summary.ok + summary.bad).toBe(lines.length);
      const text = chunks.join('');
      expect(text.trim().split('\n')).toHaveLength(lines.length);
      for (const c of cards) expectClean(text, c, 'NDJSON');
      expect(text).toContain(`"2":"${maskPan(cards[0]!.pan)}"`);
      expect(text).toContain('"error":"E_BAD_NUMERIC","field":4');
      expect(text).toContain('"error":"E_TRUNCATED","field":103');
    });
  },
);

describe('a card security code written in a text field', () => {
  it('withholds the field in the decode output (CVV2 after its name in field 42 or 43)', () => {
    const d = DIALECTS.ascii;
    const view = new MessageView();
    for (const [f, text] of [
      [42, 'CVV2: 123      '],
      [43, 'cvc 987 MAIN STREET BERLIN             '],
    ] as const) {
      const bytes = encodeMessage(d, {
        mti: '0210',
        fields: { 3: '000000', 11: '000001', 39: '05', [f]: text },
      });
      expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
      const desc = describeMessage(view);
      expect(desc.fields[f], `field ${f}`).toBe(REDACTED);
      expect(JSON.stringify(desc)).not.toMatch(/123|987/);
    }
  });
});
