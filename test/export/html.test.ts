/// <reference lib="dom" />
/**
 * The HTML report: pure checks (self-contained, escaped, translated, capped table) and a real
 * headless Chromium (Debian's /usr/bin/chromium via playwright-core): the charts render with a
 * non-zero size, the page logs no console errors, requests nothing from the network, and prints.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnnotator } from '../../agent/export/annotate.js';
import { openReadOnly } from '../../agent/export/db.js';
import { parseFilters } from '../../agent/export/filters.js';
import { codeSource } from '../../agent/export/guidance-source.js';
import { renderReport } from '../../agent/export/html.js';
import { REPORT_TEXTS } from '../../agent/export/i18n.js';
import { type Lang, LANGS } from '../../agent/guidance/langs.js';
import { buildReport, chooseBucket, fillBuckets } from '../../agent/export/report.js';
import { runExport } from '../../agent/export/run.js';
import type { Category, FailureRecord } from '../../agent/record.js';
import { findPans } from '../../protocol/card/pan.js';
import { createStore, insertRecords, makeRecord } from './seed.js';
import { haveChromium, launchChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('pos-report-');
const DB = join(tmp, 'report.db');
const XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';
const CODES: Array<[string, Category, FailureRecord['rc_source']]> = [
  ['51', 'insufficient_funds', 'issuer'],
  ['05', 'issuer_decline', 'issuer'],
  ['91', 'network', 'issuer'],
  ['L_TIMEOUT', 'network', 'local'],
  ['54', 'card_problem', 'issuer'],
  ['55', 'cardholder_verification', 'issuer'],
  ['03', 'merchant_setup', 'issuer'],
  ['96', 'system_fault', 'issuer'],
];
const START = Date.UTC(2026, 10, 22, 6, 0, 0);
const records: FailureRecord[] = Array.from({ length: 300 }, (_, i) => {
  const [rc, category, rc_source] = CODES[(i * 7) % CODES.length] as (typeof CODES)[number];
  return makeRecord(i, {
    occurred_at: new Date(START + i * 9 * 60_000 + (i % 5) * 1000).toISOString(), // 45 h
    terminal_id: i === 7 ? XSS : `T${String(1 + (i % 4)).padStart(7, '0')}`,
    merchant_id: i === 8 ? XSS : 'M1',
    rc,
    category,
    rc_source,
    currency: i % 5 === 0 ? '392' : '978',
    amount_minor: i % 5 === 0 ? 1200 + i : 1999 + i,
  });
});

beforeAll(() => {
  const db = createStore(DB);
  insertRecords(db, records);
  db.close();
});

function report(lang: Lang, tableLimit = 100, raw = {}) {
  const db = openReadOnly(DB);
  try {
    return buildReport(db, parseFilters(raw), {
      lang,
      tableLimit,
      annotator: createAnnotator(codeSource()),
      filterText: ['--from 2026-11-22'],
      generatedAt: new Date(Date.UTC(2026, 10, 24, 9, 0, 0)),
    });
  } finally {
    db.close();
  }
}

describe('report data and markup', () => {
  it('aggregates every row while capping the table', () => {
    const d = report('en', 100);
    expect(d.totals).toMatchObject({ records: 300, failures: 300, terminals: 5 });
    expect(d.table).toHaveLength(100);
    expect(d.bucket).toBe('hour');
    expect(d.byTime.reduce((s, b) => s + b.n, 0)).toBe(300);
    expect(d.byCategory.reduce((s, b) => s + b.n, 0)).toBe(300);
    // lost revenue per currency, exact sums in minor units
    const eur = records.filter((r) => r.currency === '978').reduce((s, r) => s + (r.amount_minor ?? 0), 0);
    const jpy = records.filter((r) => r.currency === '392').reduce((s, r) => s + (r.amount_minor ?? 0), 0);
    expect(d.lostRevenue.find((l) => l.alpha === 'EUR')?.totalMinor).toBe(eur);
    expect(d.lostRevenue.find((l) => l.alpha === 'JPY')?.totalMinor).toBe(jpy);
    expect(d.lostRevenue.find((l) => l.alpha === 'JPY')?.formatted).toBe(`¥${jpy.toLocaleString('en')}`);
    // meanings from the response-code table, next steps from the guidance catalog
    // the reason in the report language (guidance title), not the English table meaning
    const en91 = d.topCodes.find((c) => c.rc === '91')?.meaning ?? '';
    const de91 = report('de').topCodes.find((c) => c.rc === '91')?.meaning ?? '';
    expect(en91.length).toBeGreaterThan(3);
    expect(de91.length).toBeGreaterThan(3);
    expect(de91).not.toBe(en91);
    expect(d.table[0]?.nextStep.length).toBeGreaterThan(10);
    // newest first
    expect((d.table[0]?.time ?? '') > (d.table[99]?.time ?? '')).toBe(true);
  });

  it('escapes every text and fetches nothing', () => {
    const html = renderReport(report('en', 1000));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;window.__xss = 1&lt;/script&gt;');
    const withoutSvgNs = html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '');
    expect(withoutSvgNs).not.toMatch(/<[^>]*\s(src|href)=|https?:\/\/|@import|url\(/);
    expect(findPans(html)).toEqual([]);
  });

  it('translates the labels into each language', () => {
    for (const lang of LANGS) {
      const t = REPORT_TEXTS[lang];
      const html = renderReport(report(lang));
      expect(html).toContain(`<html lang="${t.locale}">`);
      for (const label of [
        t.title,
        t.byCategory,
        t.byHour,
        t.topCodes,
        t.lostRevenue,
        t.nextStep,
        t.categories.network,
      ]) {
        expect(html).toContain(
          label.replaceAll('&', '&amp;').replaceAll("'", '&#39;').replaceAll('"', '&quot;'),
        );
      }
      expect(html).toContain('id="capped"');
    }
    // the texts of every language have the same keys as English
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v).map((x) => `${k}.${x}`) : [k]));
    for (const lang of LANGS) expect(keys(REPORT_TEXTS[lang]).sort()).toEqual(keys(REPORT_TEXTS.en).sort());
  });

  it('says so when nothing matches', () => {
    const html = renderReport(report('fr', 100, { terminal: ['NOPE'] }));
    expect(html).toContain(REPORT_TEXTS.fr.none);
    expect(html).not.toContain('<svg');
  });

  it('picks hour, day or month buckets and fills gaps', () => {
    expect(chooseBucket('2026-11-22T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toBe('hour');
    expect(chooseBucket('2026-11-01T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toBe('day');
    expect(chooseBucket('2025-01-01T00:00:00.000Z', '2026-11-24T00:00:00.000Z')).toBe('month');
    expect(
      fillBuckets(
        [
          { bucket: '2026-11-22 22:00', n: 1 },
          { bucket: '2026-11-23 01:00', n: 2 },
        ],
        'hour',
      ).map((b) => b.n),
    ).toEqual([1, 0, 0, 2]);
    expect(
      fillBuckets(
        [
          { bucket: '2026-02-27', n: 1 },
          { bucket: '2026-03-01', n: 1 },
        ],
        'day',
      ),
    ).toHaveLength(3);
    expect(
      fillBuckets(
        [
          { bucket: '2025-11', n: 1 },
          { bucket: '2026-02', n: 1 },
        ],
        'month',
      ).map((b) => b.bucket),
    ).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('CSV next_step and rc_meaning come from the guidance catalog and code table', async () => {
    const out = join(tmp, 'g.csv');
    await runExport(
      {
        db: DB,
        format: 'csv',
        out,
        lang: 'de',
        bom: false,
        filters: parseFilters({ rc: ['91'] }),
        filterText: [],
        tableLimit: 1,
        progress: 'never',
      },
      { stdout: new PassThrough(), stderr: new PassThrough(), annotator: createAnnotator(codeSource()) },
    );
    const rows = parse(readFileSync(out), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]?.rc_meaning).toMatch(/inoperative/i);
    expect(rows[0]?.next_step).toMatch(/versuchen/);
  });
});

describe.skipIf(!haveChromium())('report in headless Chromium', () => {
  it('renders the charts, logs no errors, loads nothing, and prints', async () => {
    const file = join(tmp, 'report.html');
    await runExport(
      {
        db: DB,
        format: 'html',
        out: file,
        lang: 'zh',
        bom: false,
        filters: {},
        filterText: [],
        tableLimit: 120,
        progress: 'never',
      },
      { stdout: new PassThrough(), stderr: new PassThrough(), annotator: createAnnotator(codeSource()) },
    );
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      const charts = await page.$$eval('svg.chart', (els) =>
        els.map((el) => {
          const b = el.getBoundingClientRect();
          const bars = Array.from(el.querySelectorAll('rect'), (r) => r.getBoundingClientRect());
          return {
            w: b.width,
            h: b.height,
            bars: bars.length,
            drawn: bars.filter((r) => r.width > 0 && r.height > 0).length,
          };
        }),
      );
      expect(charts).toHaveLength(2);
      for (const c of charts) {
        expect(c.w).toBeGreaterThan(100);
        expect(c.h).toBeGreaterThan(50);
        expect(c.drawn).toBeGreaterThan(0);
      }
      expect(charts[0]?.drawn).toBe(7); // seven categories in the data (91 and L_TIMEOUT are both network)
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.$$eval('#failures tbody tr.has-script', (rows) => rows.length)).toBe(120);
      // one closed issuer script under each failure row; opened, it shows that sale's details
      expect(await page.$$eval('#failures tbody tr.script details:not([open])', (d) => d.length)).toBe(120);
      const firstRrn = await page.$eval(
        '#failures tbody tr.has-script td:nth-child(6)',
        (td) => td.textContent,
      );
      await page.click('#failures tbody tr.script summary');
      const script = await page.$eval('#failures tbody tr.script pre', (pre) => ({
        text: pre.textContent ?? '',
        visible: pre.getBoundingClientRect().height > 100,
      }));
      expect(script.visible).toBe(true);
      expect(script.text).toContain(firstRrn ?? 'no rrn');
      expect(script.text).toContain('联系发卡行'); // the Chinese script title: the report's language
      expect(findPans(script.text)).toEqual([]);
      const shot = join(tmp, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      // print: white background, repeating table headers, a multi-page PDF
      await page.emulateMedia({ media: 'print' });
      const print = await page.evaluate(() => ({
        bg: getComputedStyle(document.body).backgroundColor,
        thead: getComputedStyle(document.querySelector('#failures thead') as Element).display,
        rowBreak: getComputedStyle(document.querySelector('#failures tbody tr') as Element).breakInside,
      }));
      expect(print).toEqual({ bg: 'rgb(255, 255, 255)', thead: 'table-header-group', rowBreak: 'avoid' });
      // on paper: the opened script prints, the closed ones take no room
      const scripts = await page.$$eval('#failures tbody tr.script', (rows) =>
        rows.map((r) => getComputedStyle(r).display),
      );
      expect(scripts[0]).not.toBe('none');
      expect(scripts.slice(1).every((d) => d === 'none')).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.length).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
