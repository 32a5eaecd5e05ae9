/**
 * The contact-issuer script of a stored record as one text (lines joined with "\n"), for the CSV
 * `issuer_script` column and the HTML report's per-failure script. The same script as
 * `pos-agent script` prints (agent/guidance/script.ts), at 48 columns (80 mm paper) by default.
 * The terminal's merchant name, acquirer and time zone are not in the record: they come from the
 * agent's config when the export is given one, else the merchant name prints as "-"; so do the
 * merchant's texts and code table (agent/config/guidance.ts, as `pos-agent script` reads them).
 */
import { type Catalog, createCatalog } from '../guidance/catalog.js';
import type { Lang } from '../guidance/langs.js';
import type { CodeTable } from '../../protocol/response-codes/index.js';
import { issuerScript, PRINTER_80MM, type TerminalInfo } from '../guidance/script.js';
import type { FailureRecord } from '../record.js';

export type ScriptText = (rec: FailureRecord, lang: Lang) => string[];

export interface ScriptTextOptions {
  terminal?: TerminalInfo;
  columns?: number;
  catalog?: Catalog;
  /** The code table that classifies each record's code (with the config's response_codes). */
  codes?: CodeTable;
}

export function createScriptText(opts: ScriptTextOptions = {}): ScriptText {
  const catalog = opts.catalog ?? createCatalog();
  const terminal = opts.terminal ?? { merchantName: '' };
  const columns = opts.columns ?? PRINTER_80MM;
  const codes = opts.codes;
  if (!codes) return (rec, lang) => issuerScript(rec, terminal, lang, { columns, catalog });
  return (rec, lang) => issuerScript(rec, terminal, lang, { columns, catalog, row: codes.lookup(rec.rc) });
}
