/**
 * The export command's work, outside commander: open the store read-only, stream the matching
 * rows in the chosen format (or build the HTML report), to a file or stdout, with a progress bar
 * on a TTY. A file output is written to a temporary name and renamed at the end, so a failed or
 * interrupted export never leaves a truncated file under the requested name.
 */

import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import type { Annotator } from './annotate.js';
import { iterateRaw, one, openReadOnly } from './db.js';
import { ExportError } from './errors.js';
import type { Filters } from './filters.js';
import { renderReport } from './html.js';
import type { Lang } from '../guidance/langs.js';
import { countRows, selectRows } from './query.js';
import { buildReport } from './report.js';
import type { ScriptText } from './script-text.js';
import { writeRows } from './stream.js';

export type ExportFormat = 'csv' | 'ndjson' | 'json' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'ndjson', 'json', 'html'];

export interface ExportRequest {
  db: string;
  format: ExportFormat;
  /** File to write; stdout when absent or '-'. */
  out?: string;
  lang: Lang;
  bom: boolean;
  filters: Filters;
  /** Human-readable filter list shown in the HTML report, e.g. ["--category network"]. */
  filterText: string[];
  /** HTML: most rows listed in the table (newest first); totals and charts cover all rows. */
  tableLimit: number;
  /** CSV: add the issuer_script column (the contact-issuer script of each record). */
  issuerScript?: boolean;
  /** Progress bar: 'auto' shows it when stderr is a TTY. */
  progress: 'auto' | 'never';
}

export interface ExportIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  annotator: Annotator;
  now?: () => Date;
  /** The issuer script per record (CSV column, HTML report); default: built-in texts. */
  scriptText?: ScriptText;
}

export interface ExportResult {
  rows: number;
  out: string;
}

export async function runExport(req: ExportRequest, io: ExportIo): Promise<ExportResult> {
  const db = openReadOnly(req.db);
  const toFile = req.out !== undefined && req.out !== '-';
  const target = toFile ? (req.out as string) : '(stdout)';
  const tmp = toFile ? `${req.out}.partial-${process.pid}` : '';
  let out: Writable = io.stdout;
  let bar: SingleBar | undefined;
  try {
    if (toFile) {
      // a large buffer lets the next batches be formatted while the disk write is in flight
      out = createWriteStream(tmp, { flags: 'wx', highWaterMark: 1 << 20 });
      await Promise.race([
        once(out, 'open'),
        once(out, 'error').then(([e]) => {
          throw new ExportError('E_OUTPUT', `--out: cannot write ${req.out}: ${(e as Error).message}`);
        }),
      ]);
    }
    let rows: number;
    if (req.format === 'html') {
      const data = buildReport(db, req.filters, {
        lang: req.lang,
        tableLimit: req.tableLimit,
        annotator: io.annotator,
        filterText: req.filterText,
        generatedAt: (io.now ?? (() => new Date()))(),
        ...(io.scriptText ? { scriptText: io.scriptText } : {}),
      });
      rows = data.totals.records;
      const html = renderReport(data);
      const ok = out.write(html);
      if (toFile) {
        out.end();
        await once(out, 'finish');
      } else if (!ok) await once(out, 'drain');
    } else {
      const showBar = req.progress === 'auto' && io.stderr.isTTY === true;
      if (showBar) {
        const total = one<{ n: number }>(db, countRows(req.filters)).n;
        bar = new SingleBar({
          stream: io.stderr as unknown as NodeJS.WritableStream,
          format: 'export [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted}',
          fps: 5,
          hideCursor: null,
        });
        bar.start(total, 0);
      }
      rows = await writeRows(iterateRaw(db, selectRows(req.filters)), out, {
        format: req.format,
        bom: req.bom,
        lang: req.lang,
        annotator: io.annotator,
        keepOpen: !toFile,
        progressEvery: 2000,
        issuerScript: req.issuerScript === true,
        ...(io.scriptText ? { scriptText: io.scriptText } : {}),
        ...(bar ? { onProgress: (n: number) => bar?.update(n) } : {}),
      });
      bar?.stop();
      bar = undefined;
    }
    if (toFile) renameSync(tmp, req.out as string);
    return { rows, out: target };
  } catch (err) {
    bar?.stop();
    if (toFile) {
      out.destroy();
      rmSync(tmp, { force: true });
    }
    if (err instanceof ExportError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EPIPE') return { rows: 0, out: target }; // reader went away (e.g. `| head`)
    throw new ExportError('E_OUTPUT', `export to ${target} failed: ${e.message}`);
  } finally {
    db.close();
  }
}
