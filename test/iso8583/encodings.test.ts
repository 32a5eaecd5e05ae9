/**
 * The field building blocks (protocol/iso8583/encodings/): EBCDIC code pages 037 and 1047 checked
 * against the system's iconv tables where present and against fixed points, BCD justification and
 * fill, length prefixes L..LLLLLL in every encoding and binary prefixes to 255 and 65535, and
 * dialect files using them round-tripping through the encoder and decoder.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bcdPack,
  bcdText,
  codePageIndex,
  ebcdicBytes,
  ebcdicText,
  prefixByteCount,
  prefixMax,
  readPrefix,
  writePrefix,
  prefixCode,
  type PrefixEncoding,
} from '../../protocol/iso8583/encodings/index.js';
import {
  DialectError,
  decodeInto,
  dialectFromJson,
  encodeMessage,
  MessageView,
} from '../../protocol/iso8583/index.js';
import { expectDecodedEquals, expectWalksAgree, messageArb } from './gen.js';

function iconvTable(cp: string): number[] | null {
  try {
    const out = execFileSync('iconv', ['-f', cp, '-t', 'ISO-8859-1'], {
      input: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    });
    return out.length === 256 ? [...out] : null;
  } catch {
    return null;
  }
}

describe('EBCDIC', () => {
  it('digits, letters and space in both code pages', () => {
    for (const cp of ['037', '1047'] as const) {
      const i = codePageIndex(cp);
      expect(ebcdicBytes('0123456789', i)!.toString('hex')).toBe('f0f1f2f3f4f5f6f7f8f9');
      expect(ebcdicBytes('AZ az ', i)!.toString('hex')).toBe('c1e94081a940');
      expect(ebcdicText(Buffer.from('c8c5d3d3d6', 'hex'), 0, 5, i)).toBe('HELLO');
    }
  });

  it('037 and 1047 differ exactly on ^ ¬ [ ] Ý ¨', () => {
    const a = codePageIndex('037');
    const b = codePageIndex('1047');
    const differ: string[] = [];
    for (let c = 0; c < 256; c++) {
      const ch = String.fromCharCode(c);
      if (ebcdicBytes(ch, a)![0] !== ebcdicBytes(ch, b)![0]) differ.push(ch);
    }
    expect(differ.sort()).toEqual(['[', ']', '^', '¨', '¬', 'Ý'].sort());
    expect(ebcdicBytes('[]', a)!.toString('hex')).toBe('babb');
    expect(ebcdicBytes('[]', b)!.toString('hex')).toBe('adbd');
  });

  it('each table is a permutation of the 256 byte values and round-trips', () => {
    for (const cp of ['037', '1047'] as const) {
      const i = codePageIndex(cp);
      const all = Buffer.from(Array.from({ length: 256 }, (_, k) => k));
      const text = ebcdicText(all, 0, 256, i);
      expect(new Set(text).size).toBe(256);
      expect(ebcdicBytes(text, i)!.equals(all)).toBe(true);
    }
  });

  it('matches the system iconv tables (IBM037, IBM1047) when iconv is there', () => {
    for (const cp of ['037', '1047'] as const) {
      const t = iconvTable(`IBM${cp}`);
      if (t === null) continue;
      const all = Buffer.from(Array.from({ length: 256 }, (_, k) => k));
      expect([...Buffer.from(ebcdicText(all, 0, 256, codePageIndex(cp)), 'latin1')]).toEqual(t);
    }
  });

  it('refuses characters outside Latin-1', () => {
    expect(ebcdicBytes('€', 0)).toBeNull();
  });
});

describe('BCD', () => {
  it('right-justified (pad left) and left-justified (pad right), fill 0 or F', () => {
    expect(bcdPack('123', 'left', '0')!.toString('hex')).toBe('0123');
    expect(bcdPack('123', 'left', 'F')!.toString('hex')).toBe('f123');
    expect(bcdPack('123', 'right', '0')!.toString('hex')).toBe('1230');
    expect(bcdPack('123', 'right', 'F')!.toString('hex')).toBe('123f');
    expect(bcdPack('1234', 'right', 'F')!.toString('hex')).toBe('1234');
    expect(bcdPack('12=4', 'left', '0')!.toString('hex')).toBe('12d4');
    expect(bcdPack('12a', 'left', '0')).toBeNull();
  });

  it('unpacks what it packs', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{0,20}$/), fc.boolean(), fc.boolean(), (d, left, f) => {
        const b = bcdPack(d, left ? 'left' : 'right', f ? 'F' : '0')!;
        expect(bcdText(b, 0, d.length, left)).toBe(d);
      }),
    );
  });
});

describe('length prefixes', () => {
  const ENCS: PrefixEncoding[] = ['ascii', 'ebcdic', 'bcd', 'binary'];
  it('sizes and limits', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => prefixByteCount('ascii', n))).toEqual([1, 2, 3, 4, 5, 6]);
    expect([1, 2, 3, 4, 5, 6].map((n) => prefixByteCount('ebcdic', n))).toEqual([1, 2, 3, 4, 5, 6]);
    expect([1, 2, 3, 4, 5, 6].map((n) => prefixByteCount('bcd', n))).toEqual([1, 1, 2, 2, 3, 3]);
    expect([1, 2, 3, 4].map((n) => prefixByteCount('binary', n))).toEqual([1, 1, 2, 2]);
    expect(prefixMax('ascii', 6)).toBe(999999);
    expect(prefixMax('bcd', 4)).toBe(9999);
    expect(prefixMax('binary', 2)).toBe(255);
    expect(prefixMax('binary', 3)).toBe(65535);
  });

  it('write then read gives the length back, L to LLLLLL', () => {
    for (const e of ENCS)
      for (let digits = 1; digits <= (e === 'binary' ? 4 : 6); digits++) {
        const max = prefixMax(e, digits);
        for (const n of [0, 1, 9, Math.min(max, 99), Math.min(max, 255), max]) {
          const b = writePrefix(e, digits, n);
          expect(b.length).toBe(prefixByteCount(e, digits));
          expect(readPrefix(prefixCode(e), b, 0, b.length), `${e} ${digits} ${n}`).toBe(n);
        }
      }
    expect(writePrefix('ebcdic', 3, 42).toString('hex')).toBe('f0f4f2');
    expect(writePrefix('bcd', 3, 255).toString('hex')).toBe('0255');
    expect(writePrefix('binary', 2, 200).toString('hex')).toBe('c8');
  });

  it('a prefix that is not a number reads as -1', () => {
    expect(readPrefix(prefixCode('ascii'), Buffer.from('1a'), 0, 2)).toBe(-1);
    expect(readPrefix(prefixCode('ebcdic'), Buffer.from('f1c1', 'hex'), 0, 2)).toBe(-1);
    expect(readPrefix(prefixCode('bcd'), Buffer.from('1a', 'hex'), 0, 1)).toBe(-1);
  });
});

describe('dialect files with the new encodings', () => {
  const view = new MessageView();

  it('an all-EBCDIC dialect (code page 1047) round-trips and reads like jPOS IFE_ fields', () => {
    const d = dialectFromJson({
      name: 'ebcdic-host',
      base: 'iso93-ascii',
      mti: 'ebcdic',
      bitmap: 'ebcdic',
      numeric: 'ebcdic',
      text: 'ebcdic',
      prefix: 'ebcdic',
      binary: 'ebcdic-hex',
      codePage: '1047',
      fields: { 62: { type: 'ans', length: 20, prefix: 2 } },
    });
    const bytes = encodeMessage(d, {
      mti: '1110',
      fields: { 3: '000000', 39: '000', 62: 'A[B]^C', 64: 'ABCDEF0102030405' },
    });
    expect(bytes.subarray(0, 4).toString('hex')).toBe('f1f1f1f0');
    // field 62: EBCDIC "06" then the text in code page 1047
    expect(bytes.includes(Buffer.from('f0f6c1adc2bd5fc3', 'hex'))).toBe(true);
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.get(62)).toBe('A[B]^C');
    expect(view.get(39)).toBe('000');
    expect(view.num(3)).toBe(0);
    expectWalksAgree(d, bytes);
  });

  it('1-byte binary prefixes take lengths to 255 (Visa field 55), LLLLLL ASCII prefixes to 999999', () => {
    const d = dialectFromJson({
      name: 'long',
      base: 'bcd',
      prefix: 'binary',
      fields: {
        55: { type: 'b', length: 255, prefix: 2 },
        127: { type: 'ans', length: 999999, prefix: 6, prefixEncoding: 'ascii' },
      },
    });
    const emv = new Uint8Array(255).fill(7);
    const big = 'x'.repeat(100_000);
    const bytes = encodeMessage(d, { mti: '0100', fields: { 55: emv, 127: big } });
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.unitsOf(55)).toBe(255);
    expect(view.get(127)).toBe(big);
    expect(() =>
      dialectFromJson({ name: 'x', prefix: 'binary', fields: { 55: { length: 256, prefix: 2 } } }),
    ).toThrow(DialectError);
  });

  it('BCD fill F is written and read back', () => {
    const d = dialectFromJson({ name: 'f', base: 'bcd', bcdFill: 'F', bcdPadVariable: 'right' });
    const bytes = encodeMessage(d, { mti: '0200', fields: { 2: '123456789012345' } });
    expect(bytes.subarray(10, 19).toString('hex')).toBe('15123456789012345f');
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
  });

  it('random messages round-trip in every combination of the new encodings', () => {
    const combos = [
      {
        mti: 'ebcdic',
        bitmap: 'ebcdic',
        numeric: 'ebcdic',
        text: 'ebcdic',
        prefix: 'ebcdic',
        binary: 'ebcdic-hex',
      },
      { mti: 'bcd', bitmap: 'binary', numeric: 'bcd', text: 'ebcdic', prefix: 'binary', binary: 'binary' },
      { mti: 'ascii', bitmap: 'hex', numeric: 'ebcdic', text: 'ascii', prefix: 'bcd', binary: 'hex' },
    ];
    combos.forEach((c, i) => {
      const d = dialectFromJson({ name: `combo${i}`, base: 'iso93-ascii', ...c });
      fc.assert(
        fc.property(messageArb(d, { maxVar: 30 }), (msg) => {
          const bytes = encodeMessage(d, msg);
          expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
          expectDecodedEquals(view, d, msg);
          expectWalksAgree(d, bytes);
        }),
        { numRuns: 150 },
      );
    });
  });
});
