/**
 * Robustness: 48,000 random and mutated inputs per run (a new seed each run) across the built-in dialects (and a dialect
 * that lacks fields, so "unknown field" is reachable). The decoder must never throw, never
 * read outside [start, end), and reject with a typed DecodeError whose code is known, whose field is
 * 0..128 and whose offset lies inside the input. Truncation at every byte offset of valid messages
 * gives E_TRUNCATED at the exact field and offset; bytes after the last field give E_TRAILING_BYTES.
 *
 * The seed is random per run (FUZZ_SEED overrides) and printed with any failure.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASCII_DIALECT,
  type CompiledDialect,
  compileDialect,
  DecodeError,
  DIALECTS,
  decodeInto,
  describeMessage,
  dialectFromJson,
  encodeMessage,
  type FieldDef,
  ISO8583_1987_FIELDS,
  MessageView,
  SubfieldReader,
} from '../../protocol/iso8583/index.js';
import { typical0210 } from '../../scripts/sample-messages.js';
import { messageArb, rng } from './gen.js';

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), 'vectors');
const KNOWN_CODES = new Set([
  'E_TRUNCATED',
  'E_BAD_LENGTH',
  'E_UNKNOWN_FIELD',
  'E_BAD_NUMERIC',
  'E_BAD_HEX',
  'E_TRAILING_BYTES',
  'E_BAD_MTI',
  'E_BAD_TRACK',
]);

/** An ASCII dialect without fields 5-10, 60-63 and 100-127: bitmaps naming them are E_UNKNOWN_FIELD. */
const PARTIAL = compileDialect({
  ...ASCII_DIALECT,
  name: 'ascii-partial',
  fields: Object.fromEntries(
    Object.entries(ISO8583_1987_FIELDS).filter(([k]) => {
      const f = Number(k);
      return !((f >= 5 && f <= 10) || (f >= 60 && f <= 63) || (f >= 100 && f <= 127));
    }),
  ) as Record<number, FieldDef>,
});

// the EBCDIC ISO 93 packager translated from jPOS: EBCDIC MTI, bitmap, prefixes and text, and
// bitmapped subfields behind a header in 44, 48 and 55
const EBCDIC93 = dialectFromJson(
  JSON.parse(
    readFileSync(join(VECTORS, '../../../protocol/iso8583/dialects/jpos-iso93ebcdic-custom.json'), 'utf8'),
  ),
);
const ALL: CompiledDialect[] = [
  DIALECTS.ascii,
  DIALECTS['ascii-hex'],
  DIALECTS.bcd,
  PARTIAL,
  DIALECTS['iso2003-binary'],
  DIALECTS.base24,
  DIALECTS.base1,
  EBCDIC93,
];

function corpus(d: CompiledDialect): Buffer[] {
  const out: Buffer[] = [];
  const t = typical0210('05');
  const fields = { ...t.fields } as Record<number, string | Uint8Array>;
  // field 55 is text (hex characters) in ascii-hex; ascii-partial lacks field 7
  if (d.specs[55]!.type !== 'b')
    fields[55] = Buffer.from(fields[55] as Uint8Array)
      .toString('hex')
      .toUpperCase();
  if (d.name === 'ascii-partial') delete fields[7];
  // the typical response does not fit the 2003 table (22, 28, 128 are other formats there)
  if (d !== DIALECTS['iso2003-binary']) {
    out.push(
      encodeMessage(d, {
        mti: t.mti,
        fields: {
          ...fields,
          35: '4761739001010119=2512101',
          70: '301',
          128: '00112233445566778899'.slice(0, 2 * d.specs[128]!.length),
        },
      }),
    );
    out.push(encodeMessage(d, { mti: t.mti, fields }));
  }
  if (d === DIALECTS['ascii-hex']) out.push(readFileSync(join(VECTORS, 'ISO87A.bin')));
  if (d === DIALECTS.bcd) out.push(readFileSync(join(VECTORS, 'ISO87B.bin')));
  if (d === EBCDIC93) out.push(readFileSync(join(VECTORS, 'ISO93ebcdic-Custom-Img.bin')).subarray(9));
  for (const m of fc.sample(messageArb(d, { maxVar: 30 }), { numRuns: 40, seed: 1987 }))
    out.push(encodeMessage(d, m));
  return out;
}

const sub = new SubfieldReader();

interface Stats {
  inputs: number;
  accepted: number;
  codes: Map<string, number>;
}

function checkOne(
  d: CompiledDialect,
  view: MessageView,
  buf: Uint8Array,
  start: number,
  end: number,
  stats: Stats,
  deep: boolean,
): void {
  let ok: boolean;
  try {
    ok = decodeInto(d, buf, start, end, view);
  } catch (e) {
    throw new Error(
      `decodeInto threw ${(e as Error).message} on ${Buffer.from(buf.subarray(start, end)).toString('hex')}`,
    );
  }
  stats.inputs++;
  const len = Math.min(end, buf.length) - start;
  if (ok) {
    stats.accepted++;
    if (view.error() !== null) throw new Error('ok decode has an error');
    if (deep) {
      // accessors on whatever was accepted must not throw either
      describeMessage(view);
      for (const f of view.fieldNumbers()) {
        view.get(f);
        view.num(f);
        view.codeInto(f);
        if (view.offsetOf(f) - start + view.byteLength(f) > len)
          throw new Error(`field ${f} extends past the input`);
        // subfields of whatever was accepted: read in bounds, never a throw
        if (sub.begin(view, f)) {
          const fieldEnd = view.offsetOf(f) + view.byteLength(f);
          while (sub.next()) {
            sub.get();
            if (sub.offset + sub.byteLength > fieldEnd || sub.start < view.offsetOf(f))
              throw new Error(`subfield ${f}.${sub.key} extends past its field`);
          }
        }
      }
    }
    return;
  }
  const e = view.error();
  if (!(e instanceof DecodeError)) throw new Error('reject without a DecodeError');
  const bad =
    !KNOWN_CODES.has(e.code) ||
    !Number.isInteger(e.field) ||
    e.field < 0 ||
    e.field > 128 ||
    !Number.isInteger(e.offset) ||
    e.offset < 0 ||
    e.offset > len ||
    typeof e.reason !== 'string' ||
    e.reason.length === 0 ||
    !e.message.startsWith(e.code);
  if (bad)
    throw new Error(
      `untyped reject ${JSON.stringify(e.toJSON())} (input length ${len}) on ${Buffer.from(buf.subarray(start, end)).toString('hex')}`,
    );
  stats.codes.set(e.code, (stats.codes.get(e.code) ?? 0) + 1);
}

/** Fingerprint of a decode result, to compare the same input decoded amid different surrounding bytes. */
function fingerprint(view: MessageView, ok: boolean, start: number): string {
  let s = `${ok}|${view.errCode}|${view.errField}|${view.errOffset}|${view.errA}|${view.errB}|${view.mtiNum}|`;
  for (let f = 2; f <= 128; f++) if (view.has(f)) s += `${f}:${view.offsetOf(f) - start}:${view.unitsOf(f)},`;
  return s;
}

function mutateRandom(src: Buffer, r: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n && b.length > 0; k++) {
    const pos = Math.floor(r() * b.length);
    switch (Math.floor(r() * 8)) {
      case 0: // bit flip
        b[pos] = b[pos]! ^ (1 << Math.floor(r() * 8));
        break;
      case 1: // byte replacement
        b[pos] = Math.floor(r() * 256);
        break;
      case 2: // replacement with a byte the decoder cares about
        b[pos] = [0x30, 0x39, 0x3a, 0x2f, 0x3d, 0x44, 0x46, 0x67, 0x00, 0xff, 0x99, 0x9f, 0xfd, 0x80][
          Math.floor(r() * 14)
        ]!;
        break;
      case 3: {
        // insertion of 1..4 bytes
        const ins = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 4) }, () => Math.floor(r() * 256)));
        b = Buffer.concat([b.subarray(0, pos), ins, b.subarray(pos)]);
        break;
      }
      case 4: // deletion of 1..4 bytes
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1 + Math.floor(r() * 4))]);
        break;
      case 5: // truncation
        b = b.subarray(0, pos);
        break;
      case 6: {
        // duplicate a chunk
        const len = Math.floor(r() * 16);
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos, pos + len), b.subarray(pos)]);
        break;
      }
      default: // bitmap damage: flip a bit in the first 24 bytes (MTI/bitmap area)
        if (b.length > 0) {
          const p = Math.floor(r() * Math.min(24, b.length));
          b[p] = b[p]! ^ (1 << Math.floor(r() * 8));
        }
    }
  }
  return b;
}

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
// × 8 dialects = 48,000 inputs per run, a new seed each run (ROBUST_INPUTS=N per dialect for a
// longer one)
const PER_DIALECT = Number(process.env.ROBUST_INPUTS ?? 6_000);

describe(`random and mutated input never breaks the decoder (seed ${SEED})`, () => {
  it.each(ALL.map((d) => [d.name, d] as const))('%s', (_n, d) => {
    const r = rng(SEED ^ d.name.length);
    const view = new MessageView();
    const other = new MessageView();
    const stats: Stats = { inputs: 0, accepted: 0, codes: new Map() };
    const valid = corpus(d);
    const junk = Buffer.alloc(64);
    for (let i = 0; i < PER_DIALECT; i++) {
      let input: Buffer;
      const kind = i % 10;
      if (kind === 0) {
        // pure random bytes
        input = Buffer.from(Array.from({ length: Math.floor(r() * 120) }, () => Math.floor(r() * 256)));
      } else if (kind === 1) {
        // a valid header (MTI and bitmap) followed by random bytes
        const v = valid[Math.floor(r() * valid.length)]!;
        const head = v.subarray(0, Math.min(v.length, (d.mtiBcd ? 2 : 4) + (d.bitmapHex ? 32 : 16)));
        input = Buffer.concat([
          head,
          Buffer.from(Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 256))),
        ]);
      } else {
        input = mutateRandom(valid[Math.floor(r() * valid.length)]!, r);
      }
      try {
        if (kind === 9) {
          // the same input at an offset, amid different surrounding bytes: the decoder must not look
          // outside [start, end), so both decodes give the same result
          const pre = Math.floor(r() * 8);
          junk.fill(0x30);
          const a = Buffer.concat([junk.subarray(0, pre), input, junk.subarray(0, 40)]);
          junk.fill(0xff);
          const b = Buffer.concat([
            junk.subarray(0, 3),
            input,
            Buffer.from('0123456789012345678901234567890123456789'),
          ]);
          checkOne(d, view, a, pre, pre + input.length, stats, false);
          const fa = fingerprint(view, view.ok, pre);
          const okB = decodeInto(d, b, 3, 3 + input.length, other);
          const fb = fingerprint(other, okB, 3);
          if (fa !== fb) throw new Error(`result depends on bytes outside the message:\n${fa}\n${fb}`);
        } else {
          checkOne(d, view, input, 0, input.length, stats, i % 7 === 0);
        }
      } catch (e) {
        throw new Error(
          `seed ${SEED}, dialect ${d.name}, input #${i} (${input.toString('hex')}): ${(e as Error).message}`,
        );
      }
    }
    expect(stats.inputs).toBeGreaterThanOrEqual(PER_DIALECT);
    // the fuzzing reaches both outcomes and most reject reasons
    expect(stats.accepted).toBeGreaterThan(100);
    expect(stats.inputs - stats.accepted).toBeGreaterThan(PER_DIALECT / 2);
    expect(stats.codes.get('E_TRUNCATED')).toBeGreaterThan(0);
    expect(stats.codes.get('E_TRAILING_BYTES')).toBeGreaterThan(0);
    expect(stats.codes.get('E_BAD_MTI')).toBeGreaterThan(0);
    expect(stats.codes.get('E_BAD_NUMERIC')).toBeGreaterThan(0);
    expect(stats.codes.get('E_BAD_LENGTH')).toBeGreaterThan(0);
    if (d.bitmapHex) expect(stats.codes.get('E_BAD_HEX')).toBeGreaterThan(0);
    if (d === PARTIAL) expect(stats.codes.get('E_UNKNOWN_FIELD')).toBeGreaterThan(0);
  });

  it('end beyond the buffer is clamped, never read past', () => {
    const view = new MessageView();
    for (const d of ALL) {
      const msg = corpus(d)[0]!;
      expect(decodeInto(d, msg, 0, msg.length + 100, view)).toBe(true);
      expect(decodeInto(d, msg.subarray(0, msg.length - 1), 0, msg.length + 100, view)).toBe(false);
      expect(view.error()!.code).toBe('E_TRUNCATED');
      expect(decodeInto(d, new Uint8Array(0), 0, 10, view)).toBe(false);
      expect(view.error()!.toJSON()).toMatchObject({ error: 'E_TRUNCATED', field: 0, offset: 0 });
    }
  });
});

/** Where each part of a valid message starts and ends, from a successful decode. */
function layoutOf(
  d: CompiledDialect,
  msg: Buffer,
): Array<{ field: number; prefixAt: number; dataAt: number; end: number }> {
  const view = new MessageView();
  expect(decodeInto(d, msg, 0, msg.length, view)).toBe(true);
  const mtiLen = d.mtiBcd ? 2 : 4;
  const bmUnit = d.bitmapHex ? 16 : 8;
  const parts = [{ field: 0, prefixAt: 0, dataAt: 0, end: mtiLen }];
  parts.push({ field: 1, prefixAt: mtiLen, dataAt: mtiLen, end: mtiLen + bmUnit });
  if (view.bmBytes === 16)
    parts.push({ field: 1, prefixAt: mtiLen + bmUnit, dataAt: mtiLen + bmUnit, end: mtiLen + 2 * bmUnit });
  let prev = parts[parts.length - 1]!.end;
  for (const f of view.fieldNumbers()) {
    const dataAt = view.offsetOf(f);
    const end = dataAt + view.byteLength(f);
    parts.push({ field: f, prefixAt: prev, dataAt, end });
    prev = end;
  }
  expect(prev).toBe(msg.length);
  return parts;
}

describe('truncation at every byte offset', () => {
  it.each(ALL.map((d) => [d.name, d] as const))(
    '%s: E_TRUNCATED at the cut field and its offset',
    (_n, d) => {
      const view = new MessageView();
      let cuts = 0;
      for (const msg of corpus(d).slice(0, 20)) {
        const parts = layoutOf(d, msg);
        for (let k = 0; k < msg.length; k++) {
          expect(decodeInto(d, msg, 0, k, view), `cut at ${k}`).toBe(false);
          const e = view.error()!;
          const part = parts.find((p) => k < p.end)!;
          const offset = k < part.dataAt ? part.prefixAt : part.dataAt;
          // the bitmap's secondary half is reported where it starts
          if (e.code !== 'E_TRUNCATED' || e.field !== part.field || e.offset !== offset)
            expect({ cut: k, ...e.toJSON() }).toEqual({
              cut: k,
              error: 'E_TRUNCATED',
              field: part.field,
              offset,
              reason: e.reason,
            });
          // the same cut inside a larger buffer reports the same (offsets relative to the message)
          const big = Buffer.concat([Buffer.from('ZZZ'), msg]);
          decodeInto(d, big, 3, 3 + k, view);
          expect(view.error()!.offset).toBe(offset);
          cuts++;
        }
      }
      expect(cuts).toBeGreaterThan(1000);
    },
  );
});

describe('trailing bytes', () => {
  it.each(ALL.map((d) => [d.name, d] as const))(
    '%s: E_TRAILING_BYTES after the last field, fields still readable',
    (_n, d) => {
      const view = new MessageView();
      const r = rng(SEED + 7);
      for (const msg of corpus(d).slice(0, 20)) {
        const n = 1 + Math.floor(r() * 20);
        const extra = Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
        const withTail = Buffer.concat([msg, extra]);
        expect(decodeInto(d, msg, 0, msg.length, view)).toBe(true);
        const last = view.fieldNumbers().at(-1) ?? 1;
        expect(decodeInto(d, withTail, 0, withTail.length, view)).toBe(false);
        expect(view.error()!.toJSON()).toEqual({
          error: 'E_TRAILING_BYTES',
          field: last, // named after the last field decoded
          offset: msg.length,
          reason: `${n} trailing bytes after the last field`,
        });
        // every field was decoded before the tail was found
        expect(decodeInto(d, msg, 0, msg.length, view)).toBe(true);
        const want = view.fieldNumbers();
        decodeInto(d, withTail, 0, withTail.length, view);
        expect(view.fieldNumbers()).toEqual(want);
      }
    },
  );
});
