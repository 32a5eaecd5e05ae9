/**
 * `node dist/scripts/jpos-dialects.js PACKAGER_DIR [OUT_DIR]`: translates jPOS generic-packager XML
 * definitions into our dialect-file format (docs/codec.md), one JSON file per packager, written to
 * OUT_DIR (default protocol/iso8583/dialects). The XML stays where it is (it is jPOS's, AGPL): only
 * the translation, our own format, is kept in the repo. A packager that uses something our format
 * cannot express is not written; the report says which field and why, and lists the parts written
 * with a simplification (a composite field kept as opaque bytes).
 *
 * jPOS names a field's packing by its class: IFA_ ASCII, IFB_ BCD numerics / ASCII text / raw
 * binary with BCD prefixes, IFB_LLH* a 1-byte binary prefix, IFE_ EBCDIC, IF_CHAR fixed ASCII,
 * IF_ECHAR fixed EBCDIC; the run of L's is the prefix; NUM/NUMERIC, CHAR, BINARY, AMOUNT the content.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type PrefixEncoding, prefixMax } from '../protocol/iso8583/encodings/prefix.js';
import { BASE1_FIELDS } from '../protocol/iso8583/fields-base1.js';
import { ISO8583_1987_FIELDS } from '../protocol/iso8583/fields-1987.js';
import { ISO8583_1993_FIELDS } from '../protocol/iso8583/fields-1993.js';
import { ISO8583_2003_FIELDS } from '../protocol/iso8583/fields-2003.js';
import { DEFAULT_SENSITIVITY, type FieldDef } from '../protocol/iso8583/spec.js';

type Holds = 'public' | 'pan' | 'secret';

/**
 * What a field or subfield holds, read from its name in the packager: the first row whose pattern
 * matches wins, a name no row matches is `public`. Merchant data and the outcome of a check (a
 * result, response or reason code, an indicator, a length) hold none of the checked card data and
 * come first; then account numbers; then secret card data. `pan` on a non-numeric subfield is
 * `secret` (masking is for digits). A subfield left without a row's verdict would be withheld
 * anyway: dialect files withhold subfields not marked public (docs/codec.md §Composite fields
 * (subfields), "Card data in subfields").
 */
const CARD_DATA_RULES: readonly (readonly [RegExp, Holds, string])[] = [
  [
    /card acceptor|merchant|biller|country code|currency code/i,
    'public',
    'merchant data, country or currency',
  ],
  [
    /\bresults?\b|respon[cs]e|reason|presence|indicator|\bind\b|capabilit|length|\bver(if(ication)?)? res|capture/i,
    'public',
    'result, indicator or length',
  ],
  [/\bpan\b|primary account|account (number|no\b|id)|payer account/i, 'pan', 'account number'],
  [
    /track|\bcvv|\bcvc|card verification|verification data|card security code|\bpin\b|pin block|\bksn\b/i,
    'secret',
    'track, card verification or PIN data',
  ],
  [/\bicc\b|chip data|cavv|ucaf|transstain|token/i, 'secret', 'chip or authentication data'],
  [
    /cardholder (name|address|information|ident)|customer (name|address)|billing (address|postal|street)|street address|^address\b|address verif|avs request|name and address/i,
    'secret',
    'cardholder name or address',
  ],
  [/first ?name|middle ?name|last ?name|\bssn\b|e-?mail|phone|birth/i, 'secret', 'cardholder personal data'],
];

/** The verdict of CARD_DATA_RULES on a name (and a type: `pan` is for digits). */
export function holdsOf(name: string, type: string): Holds {
  const row = CARD_DATA_RULES.find(([re]) => re.test(name));
  const h = row ? row[1] : 'public';
  return h === 'pan' && type !== 'n' ? 'secret' : h;
}

/**
 * Our name for a private subfield: its place, and what CARD_DATA_RULES says it holds. jPOS's own
 * descriptions are its text (AGPL) and are not copied: only the structure is translated.
 */
function subfieldName(field: string, key: string, name: string): string {
  const row = CARD_DATA_RULES.find(([re]) => re.test(name));
  return `Private subfield ${field}.${key}${row ? `: ${row[2]}` : ''}`;
}

/** Our names for standard fields: the table of the packager's ISO 8583 version (Base I: our Visa table). */
function fieldTableOf(name: string): Readonly<Record<number, FieldDef>> {
  if (/base1|visa/.test(name)) return BASE1_FIELDS;
  if (/2003|cmf/.test(name)) return ISO8583_2003_FIELDS;
  if (/93/.test(name)) return ISO8583_1993_FIELDS;
  return ISO8583_1987_FIELDS;
}

interface XmlField {
  attrs: Record<string, string>;
  children: XmlField[];
}

/** The <isofield> and <isofieldpackager> elements, one level of nesting. */
function parse(xml: string): { attrs: Record<string, string>; fields: XmlField[] } {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const attrsOf = (s: string): Record<string, string> =>
    Object.fromEntries([...s.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((m) => [m[1]!, m[2]!.trim()]));
  const root = /<isopackager\b([^>]*)>/.exec(text);
  const fields: XmlField[] = [];
  const stack: XmlField[] = [];
  for (const m of text.matchAll(/<(\/?)(isofieldpackager|isofield)\b([^>]*?)(\/?)>/g)) {
    const [, close, tag, body, selfClose] = m;
    if (close) {
      if (tag === 'isofieldpackager') stack.pop();
      continue;
    }
    const f: XmlField = { attrs: attrsOf(body!), children: [] };
    (stack.length ? stack[stack.length - 1]!.children : fields).push(f);
    if (tag === 'isofieldpackager' && !selfClose) stack.push(f);
  }
  return { attrs: root ? attrsOf(root[1]!) : {}, fields };
}

class Inexpressible extends Error {}

interface Spec {
  name?: string;
  sensitivity?: 'pan' | 'secret';
  public?: true;
  type: string;
  length: number;
  prefix: number;
  encoding: string;
  prefixEncoding: string;
  pad?: string;
  subfields?: unknown;
}

/** A jPOS field class → our field spec. */
function specOf(cls: string, length: number, pad: boolean): Spec {
  const c = cls.replace(/^org\.jpos\.iso\./, '').trim();
  if (c === 'IF_CHAR') return { type: 'ans', length, prefix: 0, encoding: 'ascii', prefixEncoding: 'ascii' };
  if (c === 'IF_ECHAR')
    return { type: 'ans', length, prefix: 0, encoding: 'ebcdic', prefixEncoding: 'ebcdic' };
  const m = /^IF([ABE])_(L*)(H?)(E?)(NUMERIC|NUM|CHAR|BINARY|AMOUNT|AMOUNT2003)$/.exec(c);
  if (!m) throw new Inexpressible(`class ${c} is not one we know (not in jPOS's own set either)`);
  const [, family, ls, h, e, content] = m as unknown as [
    string,
    'A' | 'B' | 'E',
    string,
    string,
    string,
    string,
  ];
  const prefix = ls.length;
  if (prefix > 6) throw new Inexpressible(`class ${c}: more than six length digits`);
  if (h && family !== 'B') throw new Inexpressible(`class ${c}: a binary length on a non-IFB field`);
  const prefixEncoding = h ? 'binary' : family === 'A' ? 'ascii' : family === 'B' ? 'bcd' : 'ebcdic';
  const padSide = pad ? 'left' : 'right';
  const text = family === 'E' || e ? 'ebcdic' : 'ascii';
  switch (content) {
    case 'NUMERIC':
    case 'NUM':
    case 'AMOUNT2003':
      if (family === 'B' && !e)
        return { type: 'n', length, prefix, encoding: 'bcd', prefixEncoding, pad: padSide };
      return { type: 'n', length, prefix, encoding: text, prefixEncoding };
    case 'AMOUNT':
      if (family === 'B')
        return { type: 'xn', length, prefix, encoding: 'bcd', prefixEncoding, pad: padSide };
      return { type: 'xn', length, prefix, encoding: text, prefixEncoding };
    case 'CHAR':
      return { type: 'ans', length, prefix, encoding: text, prefixEncoding };
    default: {
      // binary: fixed IFA_/IFE_ fields are hex characters; variable ones (and all IFB_) raw bytes
      const encoding =
        prefix === 0 && family === 'A' ? 'hex' : prefix === 0 && family === 'E' ? 'ebcdic-hex' : 'binary';
      return { type: 'b', length, prefix, encoding, prefixEncoding };
    }
  }
}

function bitmapOf(cls: string): 'binary' | 'hex' | 'ebcdic' {
  const c = cls.replace(/^org\.jpos\.iso\.(packager\.)?/, '').trim();
  if (c === 'IFB_BITMAP' || c === 'Base1_BITMAP126') return 'binary';
  if (c === 'IFA_BITMAP') return 'hex';
  if (c === 'IFE_BITMAP') return 'ebcdic';
  throw new Inexpressible(`bitmap class ${c} has no counterpart`);
}

function isBitmapClass(cls: string): boolean {
  return /BITMAP/.test(cls);
}

/**
 * The card-data keys of a subfield: `sensitivity` for a PAN or secret; `public: true` for the rest
 * when the parent field is not card data itself (under one, a dialect file cannot make a subfield
 * public: it stays withheld).
 */
function cardDataOf(name: string, type: string, parentHolds: string | undefined): Partial<Spec> {
  const h = holdsOf(name, type);
  if (h !== 'public') return { sensitivity: h };
  // binary subfields stay withheld: opaque bytes are where a misframed message puts a PIN block
  return parentHolds === undefined && type !== 'b' ? { public: true } : {};
}

/** Subfields of an <isofieldpackager>, or a note why they stay opaque. */
function compositeOf(f: XmlField, parent: Spec, parentHolds: string | undefined, notes: string[]): unknown {
  const id = f.attrs.id;
  const packager = (f.attrs.packager ?? '').replace(/^org\.jpos\.iso\.packager\./, '');
  const kids = f.children.filter((k) => Number(k.attrs.length) > 0 && !/IF_NOP/.test(k.attrs.class ?? ''));
  if (parent.encoding === 'hex' || parent.encoding === 'ebcdic-hex' || parent.encoding === 'bcd') {
    notes.push(`field ${id}: subfields inside ${parent.encoding} data kept as opaque bytes`);
    return undefined;
  }
  if (f.children.some((k) => k.children.length > 0)) {
    notes.push(`field ${id}: nested subfield packagers kept as opaque bytes`);
    return undefined;
  }
  if (packager === 'EuroSubFieldPackager') {
    const lead = kids.find((k) => k.attrs.id === '0');
    const tags: Record<string, Partial<Spec>> = {};
    for (const k of kids)
      if (k.attrs.id !== '0')
        tags[k.attrs.id!.padStart(2, '0')] = {
          name: `PDS ${k.attrs.id!.padStart(2, '0')}`,
          ...cardDataOf(k.attrs.name ?? '', 'ans', parentHolds),
        };
    return {
      kind: 'tlv',
      format: 'ascii',
      tagLength: 2,
      lengthDigits: 2,
      layout: 'length-tag',
      lengthIncludesTag: true,
      ...(lead ? { lead: Number(lead.attrs.length), leadName: 'Lead' } : {}),
      tags,
    };
  }
  const bm = kids.find((k) => isBitmapClass(k.attrs.class ?? ''));
  const emit = f.attrs.emitBitmap !== 'false' && bm !== undefined;
  const fields: Record<string, Spec> = {};
  for (const k of kids) {
    if (k === bm) continue;
    const n = Number(k.attrs.id);
    if (n < 1 && emit) {
      notes.push(`field ${id}: subfield 0 (${k.attrs.class}) is not expressible: kept as opaque bytes`);
      return undefined;
    }
    const s = specOf(k.attrs.class!, Number(k.attrs.length), k.attrs.pad === 'true');
    fields[n] = {
      name: subfieldName(id!, String(n), k.attrs.name ?? ''),
      ...s,
      ...cardDataOf(k.attrs.name ?? '', s.type, parentHolds),
    };
  }
  if (!emit) return { kind: 'positional', fields };
  const header = Number(f.attrs.headerLength ?? 0);
  return {
    kind: 'bitmap',
    ...(header ? { header } : {}),
    bitmap: bitmapOf(bm!.attrs.class!),
    bitmapBytes: Number(bm!.attrs.length),
    fields,
  };
}

export function translate(name: string, xml: string): { json: Record<string, unknown>; notes: string[] } {
  const { attrs, fields } = parse(xml);
  const notes: string[] = [];
  const byId = new Map(fields.map((f) => [Number(f.attrs.id), f]));
  const mtiF = byId.get(0);
  const bmF = byId.get(1);
  if (!mtiF || !bmF) throw new Inexpressible('no MTI (field 0) or bitmap (field 1)');
  const mtiSpec = specOf(mtiF.attrs.class!, 4, true);
  const mti = mtiSpec.encoding;
  const bitmap = bitmapOf(bmF.attrs.class!);
  const bitmapBytes = Number(bmF.attrs.length);
  const tertiary = bitmapBytes > 16;
  if (attrs.headerLength)
    notes.push(
      `a ${attrs.headerLength}-byte message header before the MTI: framing, not part of the dialect (decode from the byte after it)`,
    );
  const out: Record<string, unknown> = {};
  const table = fieldTableOf(name);
  const maxField = tertiary ? 192 : 128;
  for (let id = 2; id <= maxField; id++) {
    const f = byId.get(id);
    if (!f) {
      out[id] = null;
      continue;
    }
    if (id === 65 && tertiary) continue;
    let s: Spec;
    try {
      s = {
        name: table[id]?.name ?? `Field ${id}`,
        ...specOf(f.attrs.class!, Number(f.attrs.length), f.attrs.pad === 'true'),
      };
    } catch (e) {
      throw e instanceof Inexpressible ? new Inexpressible(`field ${id}: ${e.message}`) : e;
    }
    // track data in a NUM field (jPOS does not check digits): our type z allows the separator
    if ((id === 35 || id === 36) && s.type === 'n') s.type = 'z';
    if (s.prefix > 0) {
      const max = prefixMax(s.prefixEncoding as PrefixEncoding, s.prefix);
      if (s.length > max) {
        notes.push(
          `field ${id}: length ${s.length} lowered to ${max}, the most its ${'L'.repeat(s.prefix)} ${s.prefixEncoding} prefix can state`,
        );
        s.length = max;
      }
    }
    // fields the 1987 rules do not cover, classified by their name like subfields (never relaxed)
    const own = holdsOf(f.attrs.name ?? '', s.type);
    if (DEFAULT_SENSITIVITY[id] === undefined && own !== 'public') s.sensitivity = own;
    const holds = DEFAULT_SENSITIVITY[id] ?? s.sensitivity;
    if (f.children.length > 0) {
      const sub = compositeOf(f, s, holds, notes);
      if (sub) s.subfields = sub;
    }
    out[id] = s;
  }
  const family = /93|2003|cmf/i.test(name) ? 'iso93-ascii' : 'iso87-ascii';
  return {
    json: {
      name: `jpos-${name}`,
      description: `Translated from jPOS's ${name} packager definition by scripts/jpos-dialects.ts`,
      base: family,
      mti,
      bitmap,
      ...(tertiary ? { tertiaryBitmap: true } : {}),
      fields: out,
    },
    notes,
  };
}

/** JSON with one field per line: a reader can scan the table. */
function format(json: Record<string, unknown>): string {
  const { fields, ...top } = json as { fields: Record<string, unknown> };
  const head = JSON.stringify(top, null, 2).replace(/\n}$/, ',\n');
  const rows = Object.entries(fields).map(([k, v]) => `    "${k}": ${JSON.stringify(v)}`);
  return `${head}  "fields": {\n${rows.join(',\n')}\n  }\n}\n`;
}

function main(): void {
  const [dir, outDir = 'protocol/iso8583/dialects'] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node dist/scripts/jpos-dialects.js PACKAGER_DIR [OUT_DIR]');
    process.exit(2);
  }
  const report: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()) {
    const xml = readFileSync(join(dir, file), 'utf8');
    const name = basename(file, '.xml').toLowerCase();
    if (!/<isopackager\b/.test(xml)) {
      report.push(`${file}: not a packager definition (a message), skipped`);
      continue;
    }
    try {
      const { json, notes } = translate(name, xml);
      writeFileSync(join(outDir, `jpos-${name}.json`), format(json));
      report.push(`${file}: written as jpos-${name}.json${notes.length ? `; ${notes.join('; ')}` : ''}`);
    } catch (e) {
      if (!(e instanceof Inexpressible)) throw e;
      report.push(`${file}: NOT expressible: ${e.message}`);
    }
  }
  console.log(report.join('\n'));
}

main();
