/**
 * `pos-agent export`: failure records to CSV, NDJSON, JSON or a self-contained HTML report.
 * Options are parsed by commander (choices for enumerations) and validated in
 * agent/export/filters.ts; a bad value exits 2 with a message naming the option.
 * See docs/export-fleet.md.
 */
import { type Command, Option } from 'commander';
import { zod } from '../../../protocol/zod.js';
import { createAnnotator } from '../../export/annotate.js';
import { usageError } from '../../export/errors.js';
import { parseFilters, type RawFilterOptions, TIME_ZONE_MODES } from '../../export/filters.js';
import { loadCodeSource } from '../../export/guidance-source.js';
import { LANGS } from '../../guidance/langs.js';
import { EXPORT_FORMATS, type ExportFormat, runExport } from '../../export/run.js';
import { CATEGORIES } from '../../record.js';
import { loadConfig } from '../../config/index.js';
import { configGuidance, terminalInfo } from '../../config/guidance.js';
import { createScriptText } from '../../export/script-text.js';
import { COMMAND_LIST } from '../command-list.js';

const z = zod();

/** Default database file: the demo's default, in the current directory. */
export const DEFAULT_DB = 'pos-agent.db';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const optionsSchema = z.object({
  db: z.string().min(1),
  format: z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]]),
  out: z.string().min(1).optional(),
  lang: z.enum(LANGS),
  bom: z.boolean(),
  tableLimit: z.coerce.number().int().min(1).max(1_000_000),
  progress: z.boolean(),
});

/** Filter options as they were typed, for the report's "Filters" line. */
function describeFilters(raw: Record<string, unknown>): string[] {
  const names: Array<[string, string]> = [
    ['from', '--from'],
    ['to', '--to'],
    ['tz', '--tz'],
    ['category', '--category'],
    ['rc', '--rc'],
    ['terminal', '--terminal'],
    ['stan', '--stan'],
    ['rrn', '--rrn'],
    ['last4', '--last4'],
    ['currency', '--currency'],
    ['minAmount', '--min-amount'],
    ['maxAmount', '--max-amount'],
  ];
  const out: string[] = [];
  for (const [key, flag] of names) {
    const v = raw[key];
    if (v === undefined) continue;
    out.push(`${flag} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('export')
    .description(COMMAND_LIST.export.summary)
    .option('--db <file>', 'failure database (SQLite), opened read-only', DEFAULT_DB)
    .addOption(new Option('-f, --format <format>', 'output format').choices(EXPORT_FORMATS).default('csv'))
    .option('-o, --out <file>', 'output file (default: stdout)')
    .option('--from <time>', 'from this time, inclusive (ISO-8601 or date; see --tz)')
    .option('--to <time>', 'until this time, exclusive; a bare date includes that whole day')
    .addOption(
      new Option('--tz <zone>', 'zone of a --from/--to without offset')
        .choices(TIME_ZONE_MODES)
        .default('local'),
    )
    .option('--category <list>', `category, repeatable or comma list (${CATEGORIES.join(', ')})`, collect)
    .option('--rc <list>', 'response code (e.g. 05, 51, L_TIMEOUT), repeatable or comma list', collect)
    .option('--terminal <list>', 'terminal id, repeatable or comma list', collect)
    .option('--stan <list>', 'STAN (field 11), repeatable or comma list', collect)
    .option('--rrn <list>', 'RRN (field 37), repeatable or comma list', collect)
    .option('--last4 <list>', 'last 4 digits of the card, repeatable or comma list', collect)
    .option('--currency <list>', 'currency (EUR or 978), repeatable or comma list', collect)
    .option('--min-amount <amount>', 'smallest amount in major units, e.g. 12.50')
    .option('--max-amount <amount>', 'largest amount in major units, e.g. 500')
    .addOption(
      new Option('--lang <lang>', 'language of the HTML report and the next_step column')
        .choices(LANGS)
        .default('en'),
    )
    .option('--bom', 'CSV: start with a UTF-8 byte order mark (for Excel)', false)
    .option('--table-limit <n>', 'HTML: most rows listed in the failure table (newest first)', '5000')
    .option(
      '--issuer-script',
      'CSV: add the issuer_script column (the contact-issuer script per record)',
      false,
    )
    .option(
      '--config <file>',
      "the agent's config: merchant name, acquirer, time zone, texts and code table for the issuer scripts",
    )
    .option('--no-progress', 'never show the progress bar (it shows only when stderr is a TTY)')
    .action(async (opts: Record<string, unknown>) => {
      const parsed = optionsSchema.safeParse(opts);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const key = String(issue?.path[0] ?? '');
        throw usageError(
          `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
          issue?.message ?? 'invalid value',
        );
      }
      const o = parsed.data;
      const filters = parseFilters(opts as RawFilterOptions);
      const annotator = createAnnotator(await loadCodeSource());
      const cfgFile = typeof opts.config === 'string' ? opts.config : undefined;
      const cfg = cfgFile !== undefined ? loadConfig({ file: cfgFile, env: process.env }) : undefined;
      const scriptText = createScriptText(cfg ? { terminal: terminalInfo(cfg), ...configGuidance(cfg) } : {});
      const result = await runExport(
        {
          db: o.db,
          format: o.format,
          ...(o.out !== undefined ? { out: o.out } : {}),
          lang: o.lang,
          bom: o.bom,
          filters,
          filterText: describeFilters(opts),
          tableLimit: o.tableLimit,
          issuerScript: opts.issuerScript === true,
          progress: o.progress ? 'auto' : 'never',
        },
        { stdout: process.stdout, stderr: process.stderr, annotator, scriptText },
      );
      if (result.out !== '(stdout)') {
        process.stderr.write(`pos-agent export: ${result.rows} records → ${result.out}\n`);
      }
    });
}
