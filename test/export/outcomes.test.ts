/**
 * Outcomes in the export (issue 12): every row format carries version, outcome, outcome_at,
 * linked_id and recovered_by; the local card key never leaves the store; the HTML report counts
 * only failures not paid afterwards as lost revenue and says how many were recovered and how, in
 * each report language; a database from before outcomes still exports (as version 1).
 */
import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnnotator } from '../../agent/export/annotate.js';
import { codeSource } from '../../agent/export/guidance-source.js';
import { csvRow, toRaw } from '../../agent/export/stream.js';
import { openReadOnly } from '../../agent/export/db.js';
import { parseFilters } from '../../agent/export/filters.js';
import { renderReport } from '../../agent/export/html.js';
import { REPORT_TEXTS } from '../../agent/export/i18n.js';
import { buildReport } from '../../agent/export/report.js';
import { type ExportRequest, runExport } from '../../agent/export/run.js';
import { LANGS } from '../../agent/guidance/langs.js';
import type { FailureRecord } from '../../agent/record.js';
import { openStore } from '../../agent/store/index.js';
import { MIGRATIONS, OUTCOME_COLUMNS, PRE_OUTCOME_COLUMNS } from '../../agent/store/schema.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { findPans } from '../../protocol/card/pan.js';
import { tempDir } from '../helpers/tmp.js';
import { createStore, insertRecords, makeRecord } from './seed.js';

const tmp = tempDir('pos-export-outcomes-');
const DB = join(tmp, 'outcomes.db');
const LINK = '01JD6ZQ3R5W7Y9A1C3E5G7J9KN';
const AT = '2026-11-23T12:00:00.000Z';

/**
 * 13 EUR records of 10.00 each: 3 same card, 2 other card, 1 approved late (no means), 6 lost, and
 * a possible double charge (money taken twice: not lost).
 */
const records: FailureRecord[] = Array.from({ length: 13 }, (_, i) => {
  const base = makeRecord(i, { amount_minor: 1000, currency: '978' });
  const changed = (over: Partial<FailureRecord>) => ({ ...base, version: 2, outcome_at: AT, ...over });
  if (i < 3) return changed({ outcome: 'recovered', linked_id: LINK, recovered_by: 'same_card' });
  if (i < 5) return changed({ outcome: 'recovered', linked_id: LINK, recovered_by: 'other_card' });
  if (i === 5) return changed({ outcome: 'approved_late', linked_id: LINK });
  if (i === 6) return changed({ outcome: 'reversed' }); // reversed, not paid: still lost
  if (i === 12)
    return {
      ...base,
      rc: 'L_DOUBLE_CHARGE',
      rc_source: 'local' as const,
      category: 'system_fault' as const,
      outcome: 'possible_double_charge' as const,
      linked_id: LINK,
    };
  return base;
});

beforeAll(() => {
  const db = createStore(DB);
  insertRecords(db, records);
  db.close();
});

async function exportTo(db: string, format: ExportRequest['format'], lang: ExportRequest['lang'] = 'en') {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}.${format}`);
  await runExport(
    {
      db,
      format,
      out,
      lang,
      bom: false,
      filters: parseFilters({}),
      filterText: [],
      tableLimit: 100,
      progress: 'never',
    },
    { stdout: new PassThrough(), stderr: new PassThrough(), annotator: createAnnotator() },
  );
  return readFileSync(out, 'utf8');
}

describe('the next step follows the outcome', () => {
  it('a timeout that was reversed says what the reversal means, not "do not retry yet"', () => {
    const a = createAnnotator(codeSource());
    const step = (rc: string, outcome: FailureRecord['outcome']) => {
      const raw = toRaw({ ...makeRecord(1), rc, category: 'network', outcome });
      return csvRow(raw, 'en', a).at(-1);
    };
    expect(step('L_TIMEOUT', 'timed_out')).toBe(a.nextStep('L_TIMEOUT', 'network', 'en'));
    expect(step('L_TIMEOUT', 'reversed')).toBe(a.nextStep('L_REVERSED', 'network', 'en'));
    expect(step('L_TIMEOUT', 'reversed')).not.toBe(step('L_TIMEOUT', 'timed_out'));
  });

  it('a sale paid afterwards or written off needs nothing more, in every language', () => {
    const a = createAnnotator(codeSource());
    for (const lang of LANGS) {
      const step = (outcome: FailureRecord['outcome']) =>
        csvRow(toRaw({ ...makeRecord(1), rc: '51', outcome }), lang, a).at(-1);
      expect(step('recovered')).toBe(REPORT_TEXTS[lang].settledSteps.recovered);
      expect(step('written_off')).toBe(REPORT_TEXTS[lang].settledSteps.written_off);
      expect(step('declined')).toBe(a.nextStep('51', 'insufficient_funds', lang));
    }
  });

  it("the report's table names each failure's outcome, in the report's language", async () => {
    for (const lang of ['en', 'de'] as const) {
      const t = REPORT_TEXTS[lang];
      const html = await exportTo(DB, 'html', lang);
      const table = /<section id="failures">.*?<\/section>/s.exec(html)?.[0] ?? '';
      expect(table).toContain(`<th>${t.outcome}</th>`);
      for (const o of [
        'recovered',
        'approved_late',
        'reversed',
        'declined',
        'possible_double_charge',
      ] as const)
        expect(table).toContain(`<td>${t.outcomes[o]}</td>`);
      expect(table).toContain(`<td>${t.settledSteps.recovered}</td>`);
    }
  });
});

describe('report: lost revenue and recovered sales', () => {
  it('counts only failures not paid afterwards, and says how many were recovered and how', () => {
    const db = openReadOnly(DB);
    const d = buildReport(db, parseFilters({}), {
      lang: 'en',
      tableLimit: 100,
      annotator: createAnnotator(),
      filterText: [],
      generatedAt: new Date(AT),
    });
    db.close();
    expect(d.totals.failures).toBe(13);
    expect(d.lostRevenue).toEqual([
      expect.objectContaining({ alpha: 'EUR', n: 6, totalMinor: 6000, formatted: '€60.00' }),
    ]);
    expect(d.recovered).toEqual({
      n: 6,
      byMeans: [
        { means: 'same_card', n: 3 },
        { means: 'other_card', n: 2 },
        { means: 'late_approval', n: 1 },
      ],
    });
    const html = renderReport(d);
    const section = /<section id="recovered">.*?<\/section>/s.exec(html)?.[0] ?? '';
    expect(section).toContain('6 failed payments were paid afterwards');
    expect(section).toMatch(/same card, approved later<\/td><td class="num">3</);
    expect(section).toMatch(/another card, same amount<\/td><td class="num">2</);
    expect(section).toMatch(/late approval by the bank<\/td><td class="num">1</);
  });

  it('says it in every report language', async () => {
    for (const lang of LANGS) {
      const t = REPORT_TEXTS[lang];
      const html = await exportTo(DB, 'html', lang);
      for (const text of [t.recovered, ...Object.values(t.recoveryMeans)])
        expect(html).toContain(text.replaceAll("'", '&#39;'));
      expect(t.recoveredNote).toContain('{n}');
    }
  });

  it('has no recovered section when nothing was recovered', () => {
    const file = join(tmp, 'none.db');
    const db = createStore(file);
    insertRecords(db, records.slice(7));
    db.close();
    const r = openReadOnly(file);
    const d = buildReport(r, parseFilters({}), {
      lang: 'de',
      tableLimit: 10,
      annotator: createAnnotator(),
      filterText: [],
      generatedAt: new Date(AT),
    });
    r.close();
    expect(d.recovered).toEqual({ n: 0, byMeans: [] });
    expect(d.lostRevenue[0]).toMatchObject({ n: 5, totalMinor: 5000 });
    expect(renderReport(d)).not.toContain('id="recovered"');
  });
});

describe('row formats carry the outcome', () => {
  it('CSV, NDJSON and JSON have version, outcome, outcome_at, linked_id, recovered_by', async () => {
    const rows = parse(await exportTo(DB, 'csv'), { columns: true }) as Array<Record<string, string>>;
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of records) {
      const row = byId.get(r.id) as Record<string, string>;
      for (const c of OUTCOME_COLUMNS) expect(row[c]).toBe(r[c] === null ? '' : String(r[c]));
    }
    const nd = (await exportTo(DB, 'ndjson'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as FailureRecord);
    expect(nd).toEqual(records);
    const json = JSON.parse(await exportTo(DB, 'json')) as FailureRecord[];
    expect(json.filter((r) => r.recovered_by === 'other_card').map((r) => r.id)).toEqual(
      records.slice(3, 5).map((r) => r.id),
    );
  });

  it("an agent's store: the local card key is in no export", async () => {
    const file = join(tmp, 'agent.db');
    const key = createHmac('sha256', 'k').update('4761739001010119').digest('hex').slice(0, 32);
    const s = openStore({ path: file, bootId: 'boot-1', synchronous: 'normal' });
    const r = await s.record({ ...syntheticFailure(1), card_key: key });
    await s.update(r.id, { outcome: 'recovered', at: AT, linked_id: LINK, recovered_by: 'same_card' });
    await s.close();
    for (const format of ['csv', 'ndjson', 'json', 'html'] as const) {
      const text = await exportTo(file, format);
      expect(text).not.toContain('card_key');
      expect(text).not.toContain(key);
      expect(findPans(text)).toEqual([]);
    }
    const nd = JSON.parse((await exportTo(file, 'ndjson')).trim()) as FailureRecord;
    expect(nd).toMatchObject({ id: r.id, version: 2, outcome: 'recovered', recovered_by: 'same_card' });
  });

  it('a database from before outcomes exports its rows as version 1, read-only', async () => {
    const file = join(tmp, 'v3.db');
    const db = new Database(file);
    for (const m of MIGRATIONS.filter((x) => x.version <= 3)) db.exec(m.sql);
    db.pragma('user_version = 3');
    const old = [makeRecord(1), makeRecord(2, { rc: 'L_TIMEOUT', rc_source: 'local', category: 'network' })];
    const ins = db.prepare(
      `INSERT INTO failures (${PRE_OUTCOME_COLUMNS.join(', ')}) VALUES (${PRE_OUTCOME_COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    for (const r of old) ins.run(r);
    db.close();
    const before = statSync(file).mtimeMs;
    const nd = (await exportTo(file, 'ndjson'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as FailureRecord);
    expect(nd.map((r) => [r.rc, r.version, r.outcome, r.outcome_at, r.linked_id])).toEqual([
      ['51', 1, 'declined', null, null],
      ['L_TIMEOUT', 1, 'timed_out', null, null],
    ]);
    expect(nd[0]).toEqual(old[0]);
    expect(await exportTo(file, 'html')).toContain('id="lost-revenue"');
    expect(statSync(file).mtimeMs).toBe(before);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(3);
    after.close();
  });
});
