/**
 * `pos-agent explain CODE [--lang xx] [--width W --height H] [--json]`: what a response code (or
 * local fault) means for the cashier: category, who acts, retry advice, the failure screens the
 * running agent shows (agent/pipeline/screens.ts: the one-glance screen, then the detail pages
 * the INFO key opens), drawn page by page as a W×H display draws them (title row included), what
 * to tell the customer, the next steps, and the
 * contact-issuer script for a built-in sample transaction.
 * Output to stdout; bad language, width or height → GuidanceError (exit 2).
 */
import type { Command } from 'commander';
import { DISPLAY_LIMITS } from '../../../hardware/display/types.js';
import {
  parsePrinterColumns,
  PRINTER_COLUMNS,
  type PrinterColumns,
} from '../../../hardware/printer/columns.js';
import { type CodeRow, lookupCode } from '../../../protocol/response-codes/index.js';
import { screenRows } from '../../../hardware/display/console.js';
import { ScreenBook } from '../../pipeline/screens.js';
import { FileProblem, showPath } from '../../config/data-file.js';
import { loadTexts } from '../../config/texts.js';
import {
  type Catalog,
  type CatalogOverrides,
  createCatalog,
  type Geometry,
  GuidanceError,
  issuerScript,
  issuerScriptPages,
  LANGS,
  type Lang,
  padColumns,
  pickCustomerLang,
  type TerminalInfo,
} from '../../guidance/index.js';
import { type FailureRecord, initialOutcome } from '../../record.js';
import { writeOut } from '../stdout.js';
import { COMMAND_LIST } from '../command-list.js';

export interface ExplainOptions {
  lang?: string;
  width?: string | number;
  height?: string | number;
  /** Receipt printer columns for the script: 32 (58 mm), 42 or 48 (80 mm), as `script` and the printer take. */
  columns?: string | number;
  /** EMV tag 5F2D value of the sample card, e.g. "defr": picks the customer's language. */
  cardLang?: string;
  /** A merchant's texts file (as `texts:` in the config): preview its overrides and languages. */
  texts?: string;
  json?: boolean;
}

// no time zone: the sample's local time comes from its recorded offset (+01:00), which spares
// `explain` the ICU time-zone data (~8 ms of its start-up)
export const SAMPLE_TERMINAL: TerminalInfo = {
  merchantName: 'CAFE AURORA BERLIN',
  acquirer: 'SAMPLE ACQUIRING AG',
};

/** The built-in sample transaction the script is shown for. */
export function sampleRecord(row: CodeRow): FailureRecord {
  return {
    id: '01JQ7Z8K4M2N5P6R7S8T9V0W1X',
    seq: 4211,
    boot_id: 'sample',
    terminal_id: 'POS00017',
    merchant_id: '000123456789012',
    occurred_at: '2026-03-14T10:42:07.000Z',
    utc_offset_min: 60,
    mti: row.standard === 'local' ? '0200' : '0210',
    processing_code: '000000',
    amount_minor: 4250,
    currency: '978',
    pan_masked: '476173******0119',
    card_brand: 'visa',
    entry_mode: '071',
    stan: '004211',
    rrn: '607312004211',
    auth_code: row.category === 'approved' ? 'A1B2C3' : null,
    rc: row.code,
    rc_source: row.standard === 'local' ? 'local' : 'issuer',
    category: row.category,
    retry: row.retry,
    notes: null,
    version: 1,
    outcome: initialOutcome(row.code),
    outcome_at: null,
    linked_id: null,
    recovered_by: null,
    synced_at: null,
  };
}

function intOption(
  name: string,
  raw: string | number | undefined,
  dflt: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return dflt;
  const s = String(raw).trim();
  const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new GuidanceError(
      'E_USAGE',
      `--${name} must be a whole number from ${min} to ${max}, got "${String(raw)}"`,
    );
  }
  return n;
}

/** --columns: a paper width the receipt printer takes (PRINTER_COLUMNS), 32 when not given. */
function printerColumns(raw: string | number | undefined): PrinterColumns {
  if (raw === undefined) return 32;
  const n = parsePrinterColumns(String(raw));
  if (n === null) {
    throw new GuidanceError(
      'E_USAGE',
      `--columns must be a printer's paper width, ${PRINTER_COLUMNS.join(', ')}, got "${String(raw)}"`,
    );
  }
  return n;
}

interface Resolved {
  lang: Lang;
  customerLang: Lang;
  geo: Geometry;
  columns: number;
}

function resolve(opts: ExplainOptions, catalog: Catalog): Resolved {
  const lang = (opts.lang ?? 'en').trim().toLowerCase();
  if (!catalog.languages().includes(lang)) {
    throw new GuidanceError(
      'E_LANG',
      `unknown language "${opts.lang}"; use one of: ${catalog.languages().join(', ')}`,
    );
  }
  // the sizes the agent's displays take (the title row needs one line of them)
  const geo = {
    width: intOption('width', opts.width, 20, DISPLAY_LIMITS.minWidth, DISPLAY_LIMITS.maxWidth),
    height: intOption('height', opts.height, 4, DISPLAY_LIMITS.minHeight, DISPLAY_LIMITS.maxHeight),
  };
  const columns = printerColumns(opts.columns);
  // a language a texts file adds is not one of the built-in Lang values: the catalog falls back
  // to English, key by key, for what it does not say
  const l = lang as Lang;
  return { lang: l, customerLang: pickCustomerLang(opts.cardLang ?? null, l), geo, columns };
}

function retryText(row: CodeRow): string {
  return row.retryAfterMin !== null ? `${row.retry} (after ${row.retryAfterMin} min)` : row.retry;
}

/** The overrides of a texts file: errors name the file and the reason, never its content. */
function readTexts(file: string): CatalogOverrides | undefined {
  try {
    return loadTexts(file);
  } catch (e) {
    if (e instanceof FileProblem)
      throw new GuidanceError('E_CONFIG', `--texts ${showPath(file)}: ${e.reason}`);
    throw e;
  }
}

/** A W×H screen drawn with a frame, one per page. */
export function drawScreen(lines: readonly string[], geo: Geometry): string[] {
  const edge = `+${'-'.repeat(geo.width)}+`;
  const out = [edge];
  for (let i = 0; i < geo.height; i++) out.push(`|${padColumns(lines[i] ?? '', geo.width)}|`);
  out.push(edge);
  return out;
}

/** Builds the explain output (text, or one JSON object with json: true). Throws GuidanceError. */
export function explain(code: string, opts: ExplainOptions = {}): string {
  const overrides = opts.texts !== undefined ? readTexts(opts.texts) : undefined;
  const catalog = createCatalog(overrides ? { overrides } : {});
  const r = resolve(opts, catalog);
  if (code.trim() === '')
    throw new GuidanceError('E_USAGE', 'give a response code, e.g. "51", "1A", "116" or "L_TIMEOUT"');
  // field 39 is 2 characters (3 in ISO 8583:1993), a local fault L_NAME: anything longer is not a
  // response code (a card number typed by mistake is not echoed back)
  const c = code.trim();
  if (!/^(?:[0-9A-Za-z]{1,3}|L_[A-Z0-9_]{1,30})$/.test(c))
    throw new GuidanceError(
      'E_USAGE',
      'not a response code: give the 2- or 3-character field 39 value (e.g. "51", "1A", "116") or a local fault such as "L_TIMEOUT"',
    );
  const row = lookupCode(c);
  // the very screen the running agent shows for this code, drawn as the display draws it
  const book = new ScreenBook(catalog, r.geo);
  const cardLang = opts.cardLang?.toLowerCase() ?? null;
  const screen = book.failure(row, r.lang, false);
  const pages = screen.pages.map((_p, i) => screenRows(screen, i, r.geo));
  const info = book.detail(row, r.lang, cardLang, false);
  const infoPages = info.pages.map((_p, i) => screenRows(info, i, r.geo));
  const cashier = catalog.guidance(row, r.lang);
  const customer = catalog.guidance(row, r.customerLang);
  const rec = sampleRecord(row);
  const script = issuerScript(rec, SAMPLE_TERMINAL, r.lang, { columns: r.columns, catalog, row });
  const emvText = catalog.emvMessage(row.emvMessage, r.lang);

  if (opts.json) {
    return `${JSON.stringify({
      code: row.code,
      known: row.known,
      standard: row.standard,
      meaning: row.meaning,
      category: row.category,
      actor: row.actor,
      retry: row.retry,
      retryAfterMin: row.retryAfterMin,
      visaCategory: row.visaCategory,
      sensitive: row.sensitive,
      emvMessage: { id: row.emvMessage, text: emvText },
      textKey: row.textKey,
      lang: r.lang,
      customerLang: r.customerLang,
      guidance: {
        title: cashier.title,
        reason: cashier.reason,
        action: cashier.action,
        cashier: cashier.cashier,
        customer: customer.customer,
        steps: cashier.steps,
      },
      // each page as the display's rows: the title row (status, code, page), then the text
      display: { width: r.geo.width, height: r.geo.height, title: screen.title, pages },
      // the detail pages the INFO key opens, as the display's rows
      detail: { title: info.title, pages: infoPages },
      issuerScript: { columns: r.columns, lines: script },
      issuerScriptDisplay: issuerScriptPages(rec, SAMPLE_TERMINAL, r.lang, r.geo, { catalog, row }),
    })}\n`;
  }

  const std = row.standard === '1987' || row.standard === '1993' ? `ISO 8583:${row.standard}` : row.standard;
  const out: string[] = [];
  out.push(`Code ${row.code}: ${row.meaning} (${std})`);
  if (!row.known) out.push('  not in the table: shown with the safe generic fallback row');
  out.push(`  category       ${row.category}`);
  out.push(`  who acts       ${row.actor}`);
  out.push(`  retry          ${retryText(row)}`);
  out.push(`  Visa category  ${row.visaCategory ?? '-'}`);
  out.push(`  sensitive      ${row.sensitive ? 'yes: the customer only hears a generic decline' : 'no'}`);
  out.push(`  terminal text  EMV ${row.emvMessage} ${emvText}`);
  out.push(`  text key       ${row.textKey}`);
  out.push('');
  out.push(
    `Cashier display [${r.lang}], ${r.geo.width}x${r.geo.height}, as the agent shows it first (status, code, what to do):`,
  );
  for (const p of pages) for (const l of drawScreen(p, r.geo)) out.push(`  ${l}`);
  out.push('');
  out.push(
    `Detail pages on INFO [${r.lang}${r.customerLang !== r.lang ? `, customer ${r.customerLang}` : ''}] (${infoPages.length} page${infoPages.length === 1 ? '' : 's'}):`,
  );
  infoPages.forEach((p, i) => {
    out.push(`  page ${i + 1}/${infoPages.length}`);
    for (const l of drawScreen(p, r.geo)) out.push(`  ${l}`);
  });
  out.push('');
  out.push(`Tell the customer [${r.customerLang}]:`);
  out.push(`  ${customer.customer}`);
  out.push('');
  out.push(`Next steps [${r.lang}]:`);
  cashier.steps.forEach((s, i) => {
    out.push(`  ${i + 1}. ${s}`);
  });
  out.push('');
  out.push(`Contact-issuer script, sample transaction [${r.lang}], ${r.columns}-column printer:`);
  for (const l of script) out.push(`  ${l}`);
  return `${out.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('explain')
    .description(COMMAND_LIST.explain.summary)
    .argument('<code>', 'field 39 code (e.g. 51, 1A, 116) or local fault (e.g. L_TIMEOUT)')
    .option('--lang <xx>', `cashier language: ${LANGS.join(', ')}`, 'en')
    .option(
      '--width <W>',
      `display width in columns (${DISPLAY_LIMITS.minWidth}-${DISPLAY_LIMITS.maxWidth})`,
      '20',
    )
    .option(
      '--height <H>',
      `display height in lines (${DISPLAY_LIMITS.minHeight}-${DISPLAY_LIMITS.maxHeight})`,
      '4',
    )
    .option('--columns <N>', 'receipt printer columns for the script: 32 (58 mm), 42 or 48 (80 mm)', '32')
    .option('--texts <file>', "preview a merchant's texts file (YAML or JSON, as `texts:` in the config)")
    .option('--card-lang <5F2D>', 'card language preference (EMV 5F2D, e.g. "defr") for the customer text')
    .option('--json', 'print one JSON object')
    .action((code: string, opts: ExplainOptions) => {
      writeOut(explain(code, opts));
    });
}
