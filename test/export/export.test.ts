/**
 * The export against a seeded store: every filter against a model of the seeded rows, the CSV
 * round trip through csv-parse with tricky text, the JSON array, BOM, the command's usage errors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../agent/cli/commands/export.js';
import { buildScript } from '../../agent/cli/commands/script.js';
import { createAnnotator } from '../../agent/export/annotate.js';
import { currencyExponent, decimalToMinor } from '../../protocol/currency/iso4217.js';
import { iterateRecords, openReadOnly } from '../../agent/export/db.js';
import { ExportError } from '../../agent/export/errors.js';
import { type Filters, parseFilters, type RawFilterOptions } from '../../agent/export/filters.js';
import { selectRows } from '../../agent/export/query.js';
import { type ExportRequest, runExport } from '../../agent/export/run.js';
import { CSV_COLUMNS, localTime } from '../../agent/export/stream.js';
import { CATEGORIES, type Category, type FailureRecord } from '../../agent/record.js';
import { RECORD_COLUMNS } from '../../agent/store/schema.js';
import { findPans } from '../../protocol/card/pan.js';
import { createStore, insertRecords, makeRecord } from './seed.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('pos-export-');
const DB = join(tmp, 'seeded.db');
const CURRENCIES = ['978', '392', '048', '840', null] as const;
const OFFSETS = [60, -300, 540, 0, 330];
const RCS: Array<[string, Category]> = [
  ['51', 'insufficient_funds'],
  ['05', 'issuer_decline'],
  ['91', 'network'],
  ['L_TIMEOUT', 'network'],
  ['54', 'card_problem'],
  ['55', 'cardholder_verification'],
  ['03', 'merchant_setup'],
  ['96', 'system_fault'],
  ['Q9', 'unknown'],
];
const TRICKY = [
  '=SUM(A1:A9)',
  'say "hi", then leave',
  'two\nlines',
  '收银台 3号',
  '+49 30 1234',
  '@cmd',
  '-2+3',
  '\ttab',
  'ok',
];

const seeded: FailureRecord[] = [];
for (let i = 0; i < 400; i++) {
  const [rc, category] = RCS[i % RCS.length] as [string, Category];
  seeded.push(
    makeRecord(i, {
      // ~7 h apart on average, irregular: covers several days and both sides of midnight in each zone
      occurred_at: new Date(Date.UTC(2026, 10, 20, 0, 0, 0) + i * 1_531_000 + (i % 7) * 60_000).toISOString(),
      utc_offset_min: OFFSETS[i % OFFSETS.length] as number,
      terminal_id: `T${String(1 + (i % 6)).padStart(7, '0')}`,
      merchant_id: TRICKY[i % TRICKY.length] as string,
      currency: CURRENCIES[i % CURRENCIES.length] as string | null,
      amount_minor: i % 11 === 0 ? null : ((i * 7919) % 20000) + 1,
      rc,
      rc_source: rc.startsWith('L_') ? 'local' : 'issuer',
      category,
      pan_masked: i % 13 === 0 ? null : `476173******${String((i * 37) % 10000).padStart(4, '0')}`,
      stan: String((i * 3) % 1000).padStart(6, '0'),
      rrn: `RRN${String(i).padStart(9, '0')}`,
    }),
  );
}

beforeAll(() => {
  const db = createStore(DB);
  insertRecords(db, seeded);
  db.close();
});

/** The model: what a filter should select, computed in JS from the seeded records. */
function model(f: Filters): string[] {
  const clockOf = (r: FailureRecord, clock: 'utc' | 'terminal'): string =>
    clock === 'utc' ? r.occurred_at : localTime(r.occurred_at, r.utc_offset_min).slice(0, 23);
  return seeded
    .filter((r) => {
      if (f.from && !(clockOf(r, f.from.clock) >= f.from.value)) return false;
      if (f.to && !(clockOf(r, f.to.clock) < f.to.value)) return false;
      if (f.categories && !f.categories.includes(r.category)) return false;
      if (f.rcs && !f.rcs.includes(r.rc)) return false;
      if (f.terminals && !f.terminals.includes(r.terminal_id)) return false;
      if (f.stans && !f.stans.includes(r.stan ?? '')) return false;
      if (f.rrns && !f.rrns.includes(r.rrn ?? '')) return false;
      if (f.last4 && !f.last4.includes(r.pan_masked?.slice(-4) ?? '')) return false;
      if (f.currencies && !f.currencies.includes(r.currency ?? '')) return false;
      const e = currencyExponent(r.currency);
      if (
        f.minAmount !== undefined &&
        (r.amount_minor == null || r.amount_minor < (decimalToMinor(f.minAmount, e, 'ceil') ?? 0))
      )
        return false;
      if (
        f.maxAmount !== undefined &&
        (r.amount_minor == null || r.amount_minor > (decimalToMinor(f.maxAmount, e, 'floor') ?? 0))
      )
        return false;
      return true;
    })
    .sort((a, b) =>
      a.occurred_at === b.occurred_at ? (a.id < b.id ? -1 : 1) : a.occurred_at < b.occurred_at ? -1 : 1,
    )
    .map((r) => r.id);
}

function query(f: Filters): string[] {
  const db = openReadOnly(DB);
  try {
    return [...iterateRecords(db, selectRows(f))].map((r) => r.id);
  } finally {
    db.close();
  }
}

async function exportTo(
  format: ExportRequest['format'],
  raw: RawFilterOptions = {},
  extra: Partial<ExportRequest> = {},
) {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}.${format}`);
  const res = await runExport(
    {
      db: DB,
      format,
      out,
      lang: 'en',
      bom: false,
      filters: parseFilters(raw),
      filterText: [],
      tableLimit: 5000,
      progress: 'never',
      ...extra,
    },
    { stdout: new PassThrough(), stderr: new PassThrough(), annotator: createAnnotator() },
  );
  return { res, text: readFileSync(out, 'utf8'), buf: readFileSync(out) };
}

describe('filters against a seeded store', () => {
  const cases: Array<[string, RawFilterOptions]> = [
    ['no filter', {}],
    ['utc range', { from: '2026-11-21T06:00Z', to: '2026-11-23T18:30:00+00:00' }],
    ['offset range', { from: '2026-11-22T09:00+09:00', to: '2026-11-24', tz: 'utc' }],
    ['dates in utc', { from: '2026-11-21', to: '2026-11-22', tz: 'utc' }],
    ['terminal wall clock', { from: '2026-11-22', to: '2026-11-22', tz: 'terminal' }],
    ['category list', { category: ['network,card_problem'] }],
    ['repeated category', { category: ['network', 'unknown'] }],
    ['rc', { rc: ['51', 'l_timeout'] }],
    ['terminal', { terminal: ['T0000002'] }],
    ['stan padded', { stan: ['3', '30'] }],
    ['rrn', { rrn: ['RRN000000007', 'RRN000000100'] }],
    ['last4', { last4: ['0037', '0074'] }],
    ['currency', { currency: ['JPY', 'bhd'] }],
    ['min amount across exponents', { minAmount: '15.5' }],
    ['max amount', { maxAmount: '12.345' }],
    ['amount range EUR', { minAmount: '50', maxAmount: '150.00', currency: ['EUR'] }],
    [
      'combined',
      {
        category: ['insufficient_funds', 'network'],
        terminal: ['T0000001', 'T0000004'],
        from: '2026-11-21',
        tz: 'utc',
      },
    ],
  ];
  for (const [name, raw] of cases) {
    it(`${name}`, () => {
      const f = parseFilters(raw);
      const expected = model(f);
      expect(query(f)).toEqual(expected);
    });
  }

  it('the cases are not trivial (each selects some rows, none all)', () => {
    for (const [, raw] of cases.slice(1)) {
      const n = model(parseFilters(raw)).length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(seeded.length);
    }
  });

  it('random filter combinations match the model', () => {
    const days = [
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
    ];
    fc.assert(
      fc.property(
        fc.record(
          {
            category: fc.subarray([...CATEGORIES], { minLength: 1 }),
            terminal: fc.subarray(['T0000001', 'T0000002', 'T0000003', 'T0000005', 'T9'], { minLength: 1 }),
            currency: fc.subarray(['EUR', 'JPY', 'BHD', 'USD'], { minLength: 1 }),
            from: fc.constantFrom(...days.slice(0, 4)),
            to: fc.constantFrom(...days.slice(4)),
            tz: fc.constantFrom('utc', 'terminal', 'local'),
            minAmount: fc.constantFrom('0', '1.5', '20', '99.999'),
            maxAmount: fc.constantFrom('100', '150.25', '20000'),
          },
          { requiredKeys: [] },
        ),
        (raw) => {
          const f = parseFilters(raw as RawFilterOptions);
          expect(query(f)).toEqual(model(f));
        },
      ),
      { numRuns: 150, seed: 20261123 },
    );
  });
});

describe('formats', () => {
  it('CSV round-trips through csv-parse with tricky text, guarding formulas in text cells only', async () => {
    const { text, res } = await exportTo('csv');
    expect(res.rows).toBe(seeded.length);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text).toContain('\r\n');
    const rows = parse(text, { columns: true, relax_column_count: false }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0] ?? {})).toEqual(CSV_COLUMNS);
    expect(rows).toHaveLength(seeded.length);
    const byId = new Map(seeded.map((r) => [r.id, r]));
    for (const row of rows) {
      const r = byId.get(row.id as string) as FailureRecord;
      const m = r.merchant_id;
      const guarded = /^[=+\-@\t\r]/.test(m) ? `'${m}` : m;
      expect(row.merchant_id).toBe(guarded);
      expect(row.utc_offset_min).toBe(String(r.utc_offset_min)); // numbers: no guard, "-300" stays
      expect(row.amount_minor).toBe(r.amount_minor == null ? '' : String(r.amount_minor));
      expect(row.pan_masked).toBe(r.pan_masked ?? '');
      expect(row.category).toBe(r.category);
      expect(row.next_step).not.toBe('');
      expect(row.issuer_script).toBeUndefined(); // only with --issuer-script
    }
    // spot checks of the tricky values
    const merchants = new Set(rows.map((r) => r.merchant_id));
    expect(merchants).toContain("'=SUM(A1:A9)");
    expect(merchants).toContain('say "hi", then leave');
    expect(merchants).toContain('two\nlines');
    expect(merchants).toContain('收银台 3号');
    expect(merchants).toContain("'+49 30 1234");
    expect(merchants).toContain("'-2+3");
    expect(merchants).toContain("'\ttab");
    expect(rows.some((r) => r.utc_offset_min === '-300')).toBe(true);
    // amounts use the currency's minor units
    const jpy = rows.find((r) => r.currency === '392' && r.amount_minor !== '');
    expect(jpy?.amount).toBe(jpy?.amount_minor);
    expect(jpy?.currency_alpha).toBe('JPY');
    const bhd = rows.find((r) => r.currency === '048' && r.amount_minor !== '');
    expect(bhd?.amount).toBe((Number(bhd?.amount_minor) / 1000).toFixed(3));
    expect(findPans(text)).toEqual([]);
  });

  it('CSV with --issuer-script adds the script of each sale as a last, multi-line, quoted cell', async () => {
    const { text } = await exportTo('csv', {}, { issuerScript: true, lang: 'fr' });
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS, 'issuer_script']);
    expect(rows).toHaveLength(seeded.length);
    const byId = new Map(seeded.map((r) => [r.id, r]));
    for (const row of rows) {
      const r = byId.get(row.id as string) as FailureRecord;
      const script = row.issuer_script ?? '';
      expect(script.split('\n').length).toBeGreaterThan(10);
      expect(script).toContain('Contacter la banque émettrice');
      if (r.rrn) expect(script).toContain(r.rrn);
      if (r.pan_masked) expect(script).toContain(r.pan_masked);
    }
    expect(findPans(text)).toEqual([]);
  });

  it('CSV with --bom starts with the UTF-8 byte order mark', async () => {
    const { buf } = await exportTo('csv', { category: ['network'] }, { bom: true });
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(buf, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.id)).toEqual(model(parseFilters({ category: ['network'] })));
  });

  it('CSV next_step follows --lang', async () => {
    const { text } = await exportTo('csv', { category: ['network'] }, { lang: 'fi' });
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(rows[0]?.next_step).toMatch(/yhtey|uudelleen/);
  });

  it('NDJSON has one record per line with the record fields only', async () => {
    const { text, res } = await exportTo('ndjson', { terminal: ['T0000003'] });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(res.rows);
    const expected = model(parseFilters({ terminal: ['T0000003'] }));
    expect(lines.map((l) => (JSON.parse(l) as FailureRecord).id)).toEqual(expected);
    const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([...RECORD_COLUMNS]);
    expect(first).toEqual(seeded.find((r) => r.id === expected[0]));
  });

  it('JSON is one valid array, also when empty', async () => {
    const { text } = await exportTo('json', { rc: ['03'] });
    const arr = JSON.parse(text) as FailureRecord[];
    expect(arr.map((r) => r.id)).toEqual(model(parseFilters({ rc: ['03'] })));
    const empty = await exportTo('json', { terminal: ['NOPE'] });
    expect(JSON.parse(empty.text)).toEqual([]);
  });

  it('writes to stdout when there is no --out and leaves no partial file on error', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    await runExport(
      {
        db: DB,
        format: 'ndjson',
        lang: 'en',
        bom: false,
        filters: parseFilters({ rc: ['96'] }),
        filterText: [],
        tableLimit: 10,
        progress: 'never',
      },
      { stdout: sink, stderr: new PassThrough(), annotator: createAnnotator() },
    );
    expect(Buffer.concat(chunks).toString().trimEnd().split('\n')).toHaveLength(
      model(parseFilters({ rc: ['96'] })).length,
    );
    const bad = join(tmp, 'no-such-dir', 'x.csv');
    await expect(exportTo('csv', {}, { out: bad })).rejects.toMatchObject({ code: 'E_OUTPUT', exitCode: 1 });
  });
});

describe('the export command', () => {
  async function run(args: string[]): Promise<unknown> {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    register(program);
    try {
      await program.parseAsync(['node', 'pos-agent', 'export', ...args]);
      return undefined;
    } catch (e) {
      return e;
    }
  }

  it('a missing database is bad input (exit 2) with a clear message', async () => {
    const e = (await run(['--db', join(tmp, 'missing.db')])) as ExportError;
    expect(e).toBeInstanceOf(ExportError);
    expect(e.code).toBe('E_DB_MISSING');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/--db: .*missing\.db does not exist/);
  });

  it('a file that is not a pos-agent store is bad input', async () => {
    const junk = join(tmp, 'junk.db');
    writeFileSync(junk, 'not sqlite at all, just text '.repeat(100));
    const e = (await run(['--db', junk])) as ExportError;
    expect(e.code).toBe('E_DB_INVALID');
    expect(e.exitCode).toBe(2);
  });

  it('rejects bad option values naming the option', async () => {
    const f = (await run(['--db', DB, '--format', 'xml'])) as CommanderError;
    expect(f).toBeInstanceOf(CommanderError);
    expect(f.code).toBe('commander.invalidArgument');
    expect(f.message).toContain('--format');
    const l = (await run(['--db', DB, '--lang', 'xx'])) as CommanderError;
    expect(l.message).toContain('--lang');
    const c = (await run(['--db', DB, '--category', 'nope'])) as ExportError;
    expect(c.exitCode).toBe(2);
    expect(c.message).toMatch(/^--category:/);
    const t = (await run(['--db', DB, '--table-limit', 'many'])) as ExportError;
    expect(t.exitCode).toBe(2);
    expect(t.message).toMatch(/^--table-limit:/);
    const a = (await run(['--db', DB, '--min-amount', '1,5'])) as ExportError;
    expect(a.message).toMatch(/^--min-amount:/);
  });

  it("--issuer-script --config: the config's terminal, texts and code table, the same script as `pos-agent script`", async () => {
    const cfg = join(tmp, 'script-cfg.yaml');
    writeFileSync(
      cfg,
      [
        'terminal:',
        '  merchant_name: KAHVILA AURORA',
        '  acquirer: NORDIC ACQUIRING',
        'texts:',
        '  en:',
        "    script.title: 'Call the card issuer now'",
        "    loyalty_decline.title: 'Loyalty points used up'",
        "    loyalty_decline.cashier: 'Loyalty points used up.'",
        "    loyalty_decline.steps: 'Offer another card.'",
        'response_codes:',
        '  Q9:',
        '    category: issuer_decline',
        '    textKey: loyalty_decline',
        '',
      ].join('\n'),
    );
    const out = join(tmp, 'cmd-script.csv');
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(
        await run([
          '--db',
          DB,
          '--rc',
          'Q9',
          '--issuer-script',
          '--config',
          cfg,
          '--out',
          out,
          '--no-progress',
        ]),
      ).toBeUndefined();
    } finally {
      process.stderr.write = stderr;
    }
    const rows = parse(readFileSync(out), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows.slice(0, 5)) {
      const script = row.issuer_script ?? '';
      expect(script).toContain('Call the card issuer now');
      expect(script).toContain('Loyalty points used up');
      expect(script).toContain('NORDIC ACQUIRING');
      const printed = buildScript(row.id, { db: DB, config: cfg, lang: 'en', columns: '48' });
      expect(script).toBe(printed.lines.join('\n'));
    }
  });

  it('exports through the command with repeatable options', async () => {
    const out = join(tmp, 'cmd.csv');
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(
        await run([
          '--db',
          DB,
          '--format',
          'csv',
          '--out',
          out,
          '--category',
          'network',
          '--category',
          'unknown',
          '--no-progress',
        ]),
      ).toBeUndefined();
    } finally {
      process.stderr.write = stderr;
    }
    const rows = parse(readFileSync(out), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.id)).toEqual(model(parseFilters({ category: ['network', 'unknown'] })));
  });
});
