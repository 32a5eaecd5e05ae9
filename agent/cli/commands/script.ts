/**
 * `pos-agent script <record id> | --stan N | --rrn R | --last`: the contact-issuer script for a
 * real failure from the store, to stdout or to a receipt printer (docs/printer.md). The store is
 * opened read-only (agent/export/db.ts: no -wal/-shm left behind, safe beside a live agent).
 * Merchant name, acquirer, time zone, cashier language, texts and code overrides come from the
 * agent's config (--config and the POS_AGENT_* environment), as the running agent has them.
 * No record → E_NOT_FOUND (exit 2); a STAN or RRN that matches several: the newest, and the
 * others are listed on stderr.
 */
import { type Command, Option } from 'commander';
import { loadConfig } from '../../config/index.js';
import { configGuidance, terminalInfo } from '../../config/guidance.js';
import { openReadOnly } from '../../export/db.js';
import { usageError } from '../../export/errors.js';
import { findRecord, type RecordSelector } from '../../export/find-record.js';
import { issuerScript } from '../../guidance/index.js';
import { LANGS } from '../../guidance/langs.js';
import type { FailureRecord } from '../../record.js';
import { scrubPans } from '../../../protocol/card/pan.js';
import { openPrinter, parsePrinterColumns, PRINTER_COLUMNS } from '../../../hardware/printer/index.js';
import { COMMAND_LIST } from '../command-list.js';

export interface ScriptFlags {
  stan?: string;
  rrn?: string;
  last?: boolean;
  db?: string;
  config?: string;
  lang?: string;
  columns?: string;
  print?: string;
}

export interface ScriptResult {
  record: FailureRecord;
  others: FailureRecord[];
  /** More records matched than `others` lists. */
  more: boolean;
  lines: string[];
  lang: string;
  columns: number;
}

function selector(id: string | undefined, f: ScriptFlags): RecordSelector {
  const given = [id !== undefined, f.stan !== undefined, f.rrn !== undefined, f.last === true].filter(
    Boolean,
  ).length;
  if (given !== 1) {
    throw usageError('script', 'give exactly one of: a record id, --stan N, --rrn R, --last');
  }
  if (id !== undefined) return { by: 'id', id };
  if (f.stan !== undefined) return { by: 'stan', stan: f.stan };
  if (f.rrn !== undefined) return { by: 'rrn', rrn: f.rrn };
  return { by: 'last' };
}

/** Finds the record and lays out its script (no printing). Throws typed errors (exit 2 / 1). */
export function buildScript(
  id: string | undefined,
  f: ScriptFlags,
  env: NodeJS.ProcessEnv = {},
): ScriptResult {
  // the flag's own check first, as commander's choices did: a bad width is named whatever else is wrong
  const columns = parsePrinterColumns(f.columns ?? '32');
  if (columns === null) {
    throw usageError('--columns', `"${String(f.columns)}": use ${PRINTER_COLUMNS.join(', ')}`);
  }
  const sel = selector(id, f);
  const cfg = loadConfig({ ...(f.config !== undefined ? { file: f.config } : {}), env });
  const lang = (f.lang ?? cfg.language.cashier).trim().toLowerCase();
  const { catalog, codes } = configGuidance(cfg);
  if (!catalog.languages().includes(lang)) {
    throw usageError('--lang', `unknown language "${lang}"; use one of: ${catalog.languages().join(', ')}`);
  }
  const db = openReadOnly(f.db ?? cfg.store.path);
  let found;
  try {
    found = findRecord(db, sel);
  } finally {
    db.close();
  }
  const lines = issuerScript(found.record, terminalInfo(cfg), lang, {
    columns,
    catalog,
    row: codes.lookup(found.record.rc),
  });
  return { record: found.record, others: found.others, more: found.more, lines, lang, columns };
}

function brief(r: FailureRecord): string {
  return `  ${r.id}  ${r.occurred_at.slice(0, 19).replace('T', ' ')} UTC  terminal ${r.terminal_id}  code ${r.rc}`;
}

export function register(program: Command): void {
  program
    .command('script')
    .description(COMMAND_LIST.script.summary)
    .argument('[id]', 'record id (the export\'s "id" column)')
    .option('--stan <N>', 'the failure with this STAN (field 11); several: the newest')
    .option('--rrn <R>', 'the failure with this RRN (field 37); several: the newest')
    .option('--last', 'the newest failure in the store')
    .option('--db <file>', 'failure database, opened read-only (default: store.path, pos-agent.db)')
    .option('--config <file>', "the agent's config: merchant name, acquirer, time zone, language")
    .option('--lang <xx>', `cashier language: ${LANGS.join(', ')} (default: the config's)`)
    .addOption(new Option('--columns <N>', 'paper width: 32 (58 mm), 42 or 48 (80 mm)').default('32'))
    .option('--print <target>', 'print on a receipt printer: tcp://HOST[:9100], serial:PATH[@BAUD] or a file')
    .action(async (id: string | undefined, f: ScriptFlags) => {
      const r = buildScript(id, f, process.env);
      if (r.others.length > 0) {
        const more = r.more ? ' (and more)' : '';
        process.stderr.write(
          scrubPans(
            `pos-agent script: ${r.others.length + 1} records match${more}; the newest is shown:\n${brief(r.record)}\nothers (give one by id):\n${r.others.map(brief).join('\n')}\n`,
          ),
        );
      }
      if (f.print !== undefined) {
        const printer = await openPrinter(f.print, { columns: r.columns, lang: r.lang });
        try {
          await printer.print(r.lines);
        } finally {
          await printer.close();
        }
        process.stdout.write(`printed the issuer script for ${r.record.id} on ${f.print}\n`);
        return;
      }
      process.stdout.write(`${r.lines.join('\n')}\n`);
    });
}
