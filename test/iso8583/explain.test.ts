/**
 * The explain view (protocol/iso8583/explain.ts) and its table (agent/decode/explain-text.ts): every
 * part's offset and size add up to the message, each field's prefix and encoding are named, and
 * subfields appear under their field; card data stays masked or withheld in every dialect, with
 * subfields of secret fields shown only where the spec marks them public.
 */
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeStream } from '../../agent/decode/decode-stream.js';
import { findPans } from '../../protocol/card/pan.js';
import {
  type CompiledDialect,
  DIALECTS,
  decodeInto,
  encodeMessage,
  explainMessage,
  type IsoMessage,
  MessageView,
} from '../../protocol/iso8583/index.js';
import { DIALECT_DEFS } from '../../protocol/iso8583/dialects.js';

const PAN = '4761739001010119';
const TRACK2 = `${PAN}=25121011234`;
const PIN = '0123456789ABCDEF';

function sale(d: CompiledDialect): IsoMessage {
  const fields: IsoMessage['fields'] = {
    2: PAN,
    3: '000000',
    4: '000000012345',
    11: '000042',
    35: TRACK2,
    39: d.specs[39]!.length === 2 ? '05' : d.specs[39]!.length === 3 ? '100' : '1000',
    52: PIN,
  };
  if (d.composites[48]?.spec.kind === 'tlv')
    (fields as Record<number, unknown>)[48] = { lead: 'R', '84': '02', '92': '123' };
  if (d.composites[55]?.spec.kind === 'tlv')
    (fields as Record<number, unknown>)[55] = { '9F27': '80', '57': `${PAN}D2512`, '5A': PAN };
  if (d.composites[127]?.spec.kind === 'positional')
    (fields as Record<number, unknown>)[127] = { 0: 'A', 1: PAN, 2: '2612' };
  return { mti: '0210', fields };
}

// every built-in dialect (not its aliases)
describe.each(Object.keys(DIALECT_DEFS) as Array<keyof typeof DIALECT_DEFS>)('explain, %s', (name) => {
  const d = DIALECTS[name];
  const bytes = encodeMessage(d, sale(d));
  const view = new MessageView();

  it('parts tile the message: each starts where the one before ends', () => {
    expect(decodeInto(d, bytes, 0, bytes.length, view), view.error()?.message).toBe(true);
    const m = explainMessage(view);
    let at = 0;
    for (const p of m.parts) {
      expect(p.offset, p.id).toBe(at);
      expect(p.data_offset + p.data_bytes).toBe(p.offset + p.bytes);
      at += p.bytes;
      let sub = p.data_offset;
      for (const s of p.subfields ?? []) {
        expect(s.offset, s.id).toBeGreaterThanOrEqual(sub);
        sub = s.offset + s.bytes;
      }
      if (p.subfields) expect(sub).toBeLessThanOrEqual(p.offset + p.bytes);
    }
    expect(at).toBe(bytes.length);
    expect(m.bytes).toBe(bytes.length);
    const f2 = m.parts.find((p) => p.id === '2')!;
    expect(f2.value).toBe('476173******0119');
    expect(f2.prefix).toMatch(/^LL (ascii|bcd|binary|ebcdic) \(\d bytes?\)$/);
    for (const id of ['35', '52']) expect(m.parts.find((p) => p.id === id)!.value).toBe('[redacted]');
  });

  it('no PAN, track data or PIN block anywhere in the table', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    });
    await decodeStream(Readable.from([bytes.toString('hex')]), out, {
      dialect: d,
      hex: true,
      lengthPrefix: false,
      tpdu: false,
      explain: true,
    });
    const text = chunks.join('');
    expect(text).toMatch(/^message 0: MTI 0210/);
    expect(text).not.toContain(PAN);
    expect(text).not.toContain('25121011234');
    expect(text.toUpperCase()).not.toContain(PIN);
    expect(findPans(text)).toEqual([]);
    if (d.composites[48]?.spec.kind === 'tlv') {
      expect(text).toMatch(/\n\s+\d+\s+\d+\s+48\.84\s+tag\+length\s+ascii ans\s+Merchant advice code\s+02\n/);
      expect(text).toMatch(/48\.92 .*\[redacted\]/);
    }
    if (d.composites[55]?.spec.kind === 'tlv') {
      expect(text).toMatch(/55\.9F27 .* 80\n/);
      expect(text).toMatch(/55\.57 .*\[redacted\]/);
    }
  });
});

describe('explain on Visa Base I', () => {
  it('names EBCDIC fields with their code page and masks the PAN of subfield 127.1', () => {
    const d = DIALECTS.base1;
    const bytes = encodeMessage(d, { ...sale(d), fields: { ...sale(d).fields, 41: 'TERM0001' } });
    const view = new MessageView();
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    const m = explainMessage(view);
    expect(m.parts.find((p) => p.id === '41')).toMatchObject({
      encoding: 'ebcdic ans (cp037)',
      value: 'TERM0001',
      bytes: 8,
    });
    expect(m.parts.find((p) => p.id === '2')).toMatchObject({
      prefix: 'LL binary (1 byte)',
      encoding: 'bcd n',
      bytes: 9,
    });
    const f127 = m.parts.find((p) => p.id === '127')!;
    expect(f127.subfields!.map((s) => [s.id, s.value])).toEqual([
      ['127.0', 'A'],
      ['127.1', '476173******0119'],
      ['127.2', '2612'],
    ]);
  });
});

describe('explain on bad input', () => {
  it('a bad message is a line naming the error, field and offset; the others still explained', async () => {
    const d = DIALECTS.ascii;
    const good = encodeMessage(d, sale(d)).toString('hex');
    const chunks: string[] = [];
    const out = new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    });
    const summary = await decodeStream(
      Readable.from([`${good}\n${good.slice(0, 60)}\nabc\n${good}\n`]),
      out,
      {
        dialect: d,
        hex: true,
        lengthPrefix: false,
        tpdu: false,
        explain: true,
      },
    );
    expect(summary).toEqual({ ok: 2, bad: 2 });
    const text = chunks.join('');
    expect(text).toMatch(/^message 1: E_TRUNCATED at field \d+, offset \d+: truncated/m);
    expect(text).toMatch(/^message 2: E_INPUT at offset 0: line is not an even number of hex digits$/m);
    expect(text).toMatch(/^message 3: MTI 0210/m);
    expect(text).not.toContain(PAN);
  });
});

describe('explain and describe: errors and response code', () => {
  it('a subfield walk that stops names the error and the subfield; NDJSON says the same', async () => {
    const { dialectFromJson, describeMessage } = await import('../../protocol/iso8583/index.js');
    const d = dialectFromJson({
      name: 'p',
      base: 'ascii',
      fields: {
        60: {
          type: 'ans',
          length: 99,
          prefix: 2,
          subfields: { kind: 'positional', fields: { 1: { type: 'n', length: 6, public: true } } },
        },
      },
    });
    const bytes = encodeMessage(d, { mti: '0200', fields: { 60: '00x042' } });
    const view = new MessageView();
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    const p = explainMessage(view).parts.find((x) => x.id === '60')!;
    expect(p.subfield_error).toMatch(
      /^subfield walk stopped at offset \d+: E_BAD_NUMERIC in subfield 60\.1$/,
    );
    expect(describeMessage(view).fields[60]).toEqual({
      _error: expect.stringMatching(/^E_BAD_NUMERIC at offset \d+$/),
    });
  });

  it('response_code is null when field 39 is withheld, never its raw bytes', async () => {
    const { describeMessage } = await import('../../protocol/iso8583/index.js');
    // control bytes in field 39 (a misframed message): the field is withheld, and so is the code
    const d = DIALECTS['iso87-ascii'];
    const bytes = encodeMessage(d, { mti: '0210', fields: { 39: '\u0000\u0000' } });
    const view = new MessageView();
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expect(describeMessage(view)).toMatchObject({ fields: { 39: '[redacted]' }, response_code: null });
  });
});
