/**
 * Text views of a WatchSummary: a full-screen table for a TTY and a one-line summary for logs and
 * pipes. Pure; column widths use string-width so CJK terminal ids line up. Every string that came
 * from a remote (terminal keys, alarm names) goes through terminalSafe before it is measured or
 * printed, and every finished line once more, so no field reaches the operator's terminal raw.
 */
import { textWidth } from '../../hardware/display/text-width.js';
import { terminalSafe } from './safe-text.js';
import type { TerminalSummary, WatchSummary } from './watch-state.js';

function pad(s: string, w: number, right = false): string {
  const gap = Math.max(0, w - textWidth(s));
  return right ? ' '.repeat(gap) + s : s + ' '.repeat(gap);
}

function clip(s: string, w: number): string {
  if (textWidth(s) <= w) return s;
  let out = '';
  for (const ch of s) {
    if (textWidth(`${out}${ch}…`) > w) break;
    out += ch;
  }
  return `${out}…`;
}

function rate(n: number): string {
  return n >= 10 ? n.toFixed(0) : n.toFixed(1);
}

function age(s: number | null): string {
  if (s == null || s === 0) return '-';
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

export interface RenderOptions {
  /** Screen width in columns. */
  width: number;
  /** Most terminal rows to list. */
  maxRows: number;
  title?: string;
}

/** The TTY table, one string per line. */
export function renderTable(s: WatchSummary, opts: RenderOptions): string[] {
  const w = Math.max(60, opts.width);
  const lines: string[] = [];
  const time = new Date(s.now).toISOString().slice(11, 19);
  lines.push(clip(`${opts.title ?? 'pos-agent fleet watch'}  ${time} UTC  window ${s.windowMin} min`, w));
  const t = s.terminals;
  lines.push(
    clip(
      `terminals ${t.total}: ${t.online} online, ${t.offline} offline, ${t.silent} silent, ${t.unknown} unknown   ` +
        `backlog ${s.backlog.records} records on ${s.backlog.terminals} terminals (oldest ${age(s.backlog.oldestAgeS)})`,
      w,
    ),
  );
  const cats = s.perMinuteByCategory.map((c) => `${c.category} ${rate(c.perMinute)}`).join('  ');
  lines.push(clip(`failures/min ${rate(s.perMinuteTotal)}${cats ? `  (${cats})` : ''}`, w));
  lines.push(
    clip(
      s.outliers.length
        ? `STANDS OUT (≥ ${s.outlierMin} and > ${s.outlierFactor}× median ${s.medianFailures}): ${s.outliers.map((o) => `${terminalSafe(o.key)} ${o.failures}`).join(', ')}`
        : `no terminal stands out (median ${s.medianFailures} failures in the window)`,
      w,
    ),
  );
  lines.push('');
  const cols: Array<[string, number, boolean, (r: TerminalSummary) => string]> = [
    ['terminal', 26, false, (r) => r.key],
    ['status', 8, false, (r) => r.status],
    ['fail', 6, true, (r) => String(r.failures)],
    ['/min', 6, true, (r) => rate(r.perMinute)],
    ['top reason', 24, false, (r) => r.topCategory ?? '-'],
    ['outbox', 7, true, (r) => (r.outboxDepth == null ? '-' : String(r.outboxDepth))],
    ['oldest', 7, true, (r) => age(r.oldestUnsyncedAgeS)],
    ['link', 7, false, (r) => r.link],
    ['', 20, false, (r) => [r.outlier ? '!! outlier' : '', ...r.alarms].filter(Boolean).join(' ')],
  ];
  const row = (cells: string[]) => clip(cells.join(' ').trimEnd(), w);
  lines.push(row(cols.map(([h, cw, right]) => pad(h, cw, right))));
  for (const r of s.rows.slice(0, opts.maxRows)) {
    lines.push(row(cols.map(([, cw, right, f]) => pad(clip(terminalSafe(f(r)), cw), cw, right))));
  }
  if (s.rows.length > opts.maxRows) lines.push(`… ${s.rows.length - opts.maxRows} more terminals`);
  if (s.rejected > 0) lines.push(`(${s.rejected} of ${s.messages} messages were not valid v1 payloads)`);
  return lines.map(terminalSafe);
}

/** One line for a pipe or a log file. */
export function renderLine(s: WatchSummary): string {
  const t = s.terminals;
  const cats = s.perMinuteByCategory.map((c) => `${c.category}=${rate(c.perMinute)}`).join(' ');
  const out = s.outliers.map((o) => `${o.key}(${o.failures})`).join(',');
  return terminalSafe(
    `${new Date(s.now).toISOString()} terminals=${t.total} online=${t.online} offline=${t.offline} silent=${t.silent} ` +
      `failures_per_min=${rate(s.perMinuteTotal)}${cats ? ` ${cats}` : ''} backlog=${s.backlog.records} ` +
      `outliers=${out || '-'}`,
  );
}
