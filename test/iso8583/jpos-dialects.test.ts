/**
 * The dialect files translated from jPOS's packager definitions (protocol/iso8583/dialects/, written
 * by scripts/jpos-dialects.ts): every one loads and round-trips random messages, and the vectors jPOS
 * packed decode field for field as jPOS packed them: ISO87A.bin and ISO87B.bin 64 of 64 with the
 * ISO 87 ASCII and binary packagers, ISO93ebcdic-Custom-Img.bin with the EBCDIC ISO 93 packager
 * (including the bitmapped subfields of field 55), and each re-encodes to the same bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPan } from '../../protocol/card/pan.js';
import {
  type CompiledDialect,
  decodeInto,
  dialectFromJson,
  encodeMessage,
  type FieldValue,
  MessageView,
  SubfieldReader,
} from '../../protocol/iso8583/index.js';
import { BASE1_FIELDS } from '../../protocol/iso8583/fields-base1.js';
import { ISO8583_1987_FIELDS } from '../../protocol/iso8583/fields-1987.js';
import { ISO8583_1993_FIELDS } from '../../protocol/iso8583/fields-1993.js';
import { ISO8583_2003_FIELDS } from '../../protocol/iso8583/fields-2003.js';
import { rawText } from '../../protocol/iso8583/text.js';
import { expectDecodedEquals, expectWalksAgree, messageArb } from './gen.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const VECTORS = join(HERE, 'vectors');
const DIALECT_DIR = join(HERE, '../../protocol/iso8583/dialects');

function load(name: string): CompiledDialect {
  return dialectFromJson(JSON.parse(readFileSync(join(DIALECT_DIR, `${name}.json`), 'utf8')));
}

/** <field id= value= type=?> of a jPOS XML message; `sub` for the fields of a nested <isomsg id=>. */
function xmlMessage(file: string): { top: Map<number, string>; sub: Map<number, Map<number, string>> } {
  const xml = readFileSync(join(VECTORS, file), 'utf8');
  const top = new Map<number, string>();
  const sub = new Map<number, Map<number, string>>();
  const nested = /<isomsg id="(\d+)">([\s\S]*?)<\/isomsg>/g;
  for (const m of xml.matchAll(nested)) {
    const inner = new Map<number, string>();
    for (const f of m[2]!.matchAll(/<field\s+id="(\d+)"\s+value="([^"]*)"/g)) inner.set(Number(f[1]), f[2]!);
    sub.set(Number(m[1]), inner);
  }
  for (const f of xml.replace(nested, '').matchAll(/<field\s+id="(\d+)"\s+value="([^"]*)"/g))
    top.set(Number(f[1]), f[2]!);
  return { top, sub };
}

const FILES = readdirSync(DIALECT_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

describe('translated jPOS dialects', () => {
  it('one per expressible packager', () => {
    expect(FILES).toEqual(
      expect.arrayContaining([
        'jpos-base1',
        'jpos-base24',
        'jpos-base24-eps',
        'jpos-cmf',
        'jpos-europay',
        'jpos-iso2003binary',
        'jpos-iso87ascii',
        'jpos-iso87ascii-binary-bitmap',
        'jpos-iso87binary',
        'jpos-iso93ascii',
        'jpos-iso93binary',
        'jpos-iso93ebcdic-custom',
        'jpos-nyceiso8583',
        'jpos-postpack',
        'jpos-visapack',
      ]),
    );
  });

  for (const name of FILES) {
    it(`${name} loads and round-trips random messages`, () => {
      const d = load(name);
      const view = new MessageView();
      fc.assert(
        fc.property(messageArb(d, { maxVar: 24 }), (msg) => {
          const bytes = encodeMessage(d, msg);
          expect(decodeInto(d, bytes, 0, bytes.length, view), view.error()?.message).toBe(true);
          expectDecodedEquals(view, d, msg);
          expectWalksAgree(d, bytes);
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe('the translation carries our names, not jPOS text', () => {
  const TABLES: [RegExp, Readonly<Record<number, { name: string }>>][] = [
    [/base1|visa/, BASE1_FIELDS],
    [/2003|cmf/, ISO8583_2003_FIELDS],
    [/93/, ISO8583_1993_FIELDS],
    [/./, ISO8583_1987_FIELDS],
  ];
  it.each(FILES)('%s: fields named as in our tables, subfields and tags neutrally', (name) => {
    const json = JSON.parse(readFileSync(join(DIALECT_DIR, `${name}.json`), 'utf8')) as {
      fields: Record<
        string,
        { name: string; subfields?: { fields?: object; tags?: object; leadName?: string } } | null
      >;
    };
    const table = TABLES.find(([re]) => re.test(name))![1];
    for (const [k, f] of Object.entries(json.fields)) {
      if (!f) continue;
      expect(f.name, `${name} ${k}`).toBe(table[Number(k)]?.name ?? `Field ${k}`);
      for (const [sk, s] of Object.entries({ ...f.subfields?.fields, ...f.subfields?.tags }))
        expect((s as { name: string }).name, `${name} ${k}.${sk}`).toMatch(
          new RegExp(`^(Private subfield ${k}\\.${sk}(: [A-Za-z ,]+)?|PDS ${sk})$`),
        );
      if (f.subfields?.leadName) expect(f.subfields.leadName).toBe('Lead');
    }
  });
  it('no jPOS description text (its typos are the telltale) in the files or our Base I table', () => {
    const texts = [
      ...FILES.map((n) => readFileSync(join(DIALECT_DIR, `${n}.json`), 'utf8')),
      readFileSync(join(HERE, '../../protocol/iso8583/fields-base1.ts'), 'utf8'),
      readFileSync(join(HERE, '../../protocol/iso8583/fields-1987.ts'), 'utf8'),
    ].join('\n');
    for (const t of ['RECORS', 'Responce', 'Merchants Type', 'MERCHANTS TYPE', 'Messagee', 'OWNDER'])
      expect(texts).not.toContain(t);
  });
});

describe('jPOS ISO87 vectors with the translated packagers: 64 of 64 fields', () => {
  const { top: xml } = xmlMessage('ISO87.xml');
  const SECRET = new Set([14, 35, 36, 45, 48, 52, 64]);
  for (const [file, name] of [
    ['ISO87A.bin', 'jpos-iso87ascii'],
    ['ISO87B.bin', 'jpos-iso87binary'],
  ] as const) {
    it(`${file} with ${name}`, () => {
      const d = load(name);
      const buf = readFileSync(join(VECTORS, file));
      const view = new MessageView();
      expect(decodeInto(d, buf, 0, buf.length, view), view.error()?.message).toBe(true);
      expect(view.mti()).toBe(xml.get(0));
      const ids = [...xml.keys()].filter((k) => k > 0);
      expect(view.fieldNumbers()).toEqual(ids);
      let same = 0;
      for (const f of ids) {
        const want = xml.get(f)!;
        const raw = rawText(d.packed[f]!, d.codePage[f]!, view.buf, view.offsetOf(f), view.unitsOf(f));
        // binary fields come back as hex; jPOS's XML gives field 55 as its characters
        const wantRaw =
          d.specs[f]!.type === 'b' && f === 55
            ? Buffer.from(want, 'latin1').toString('hex').toUpperCase()
            : want;
        expect(raw, `field ${f}`).toBe(wantRaw);
        // and the card-data rules on top
        if (SECRET.has(f)) expect(view.get(f)).toBeUndefined();
        else if (f === 2 || f === 34) expect(view.get(f)).toBe(maskPan(want));
        else if (f !== 55) expect(view.get(f)).toBe(want);
        same++;
      }
      expect(same).toBe(64);
      const fields: Record<number, FieldValue> = {};
      for (const f of ids)
        fields[f] = f === 55 && d.specs[55]!.type === 'b' ? Buffer.from(xml.get(55)!, 'latin1') : xml.get(f)!;
      expect(encodeMessage(d, { mti: xml.get(0)!, fields }).toString('hex')).toBe(buf.toString('hex'));
    });
  }
});

describe('jPOS ISO 93 EBCDIC vector (a 9-byte header, then an all-EBCDIC message)', () => {
  const { top: xml, sub } = xmlMessage('ISO93ebcdic-Custom-XmlMsg.xml');
  const d = load('jpos-iso93ebcdic-custom');
  const buf = readFileSync(join(VECTORS, 'ISO93ebcdic-Custom-Img.bin'));
  const HEADER = 9;
  const view = new MessageView();

  it('decodes every field as jPOS packed it, PAN masked and expiry withheld', () => {
    expect(buf.subarray(0, HEADER).toString('hex').toUpperCase()).toBe('F1D9D6E4E3C5D5C5E3');
    expect(decodeInto(d, buf, HEADER, buf.length, view), view.error()?.message).toBe(true);
    expect(view.mti()).toBe('1100');
    const ids = [...xml.keys()].filter((k) => k > 0);
    expect(view.fieldNumbers()).toEqual([...ids, 55]);
    for (const f of ids) {
      const raw = rawText(d.packed[f]!, d.codePage[f]!, view.buf, view.offsetOf(f), view.unitsOf(f));
      expect(raw, `field ${f}`).toBe(xml.get(f));
    }
    expect(view.get(2)).toBe(maskPan(xml.get(2)!));
    expect(view.get(14)).toBeUndefined();
    expect(view.get(37)).toBe('4894        ');
    expect(view.get(39)).toBeUndefined(); // absent
    expectWalksAgree(d, buf, HEADER);
  });

  it('field 55: header F1, an EBCDIC-hex bitmap, 16 subfields in binary and EBCDIC, each as jPOS has it', () => {
    expect(decodeInto(d, buf, HEADER, buf.length, view)).toBe(true);
    const r = new SubfieldReader();
    expect(r.begin(view, 55)).toBe(true);
    const got = new Map<number, string>();
    while (r.next()) {
      got.set(r.key, rawText(r.word, r.codePage, r.buf, r.offset, r.units));
      expect(r.get(), `55.${r.key} stays behind the EMV rule`).toBeUndefined();
    }
    expect(r.error).toBe(0);
    expect(view.buf[view.offsetOf(55)]).toBe(0xf1);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(sub.get(55)!));
  });

  it('re-encodes to the same bytes', () => {
    const fields: Record<number, FieldValue> = {};
    for (const [f, v] of xml) if (f > 0) fields[f] = v;
    const subs: Record<string, string | Uint8Array> = { header: Buffer.from('f1', 'hex') };
    for (const [k, v] of sub.get(55)!) subs[k] = v;
    fields[55] = subs;
    const out = encodeMessage(d, { mti: '1100', fields });
    expect(out.toString('hex')).toBe(buf.subarray(HEADER).toString('hex'));
  });
});
