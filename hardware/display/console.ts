/**
 * Console display for development and the demo. On a TTY: a boxed W×H screen drawn with ANSI at
 * the top of the terminal (title row in reverse video, coloured by tone). Not a TTY: one plain
 * line per change, `[title] line | line | …`. Widths are display columns (string-width: CJK = 2).
 *
 * HOT PATH: the bytes of a (screen, page) are rendered once and kept (screens are immutable and
 * memoized upstream), so showing a screen seen before measures no widths and builds no strings.
 */

import type { Writable } from 'node:stream';
import { textWidth } from './text-width.js';
import { PagedDisplay, type PagerOptions, titleRow } from './pager.js';
import type { Geometry, Screen } from './types.js';

export interface ConsoleDisplayOptions extends PagerOptions {
  /** Default process.stdout. */
  out?: Writable & { isTTY?: boolean };
  /** Force box drawing on or off (default: out.isTTY). */
  tty?: boolean;
  /** A line drawn under the box (TTY only), e.g. the keys a user can press. */
  hint?: string;
  /** Ring the terminal bell as the buzzer (TTY only): 1 for approved, 2 declined, 3 do not retry. */
  bell?: boolean;
}

/** Bells per beep pattern, and the gap between them. */
const BELLS = { approved: 1, declined: 2, do_not_retry: 3 } as const;
const BELL_GAP_MS = 180;

const TONE: Record<NonNullable<Screen['tone']>, string> = {
  ok: '42;30',
  info: '44;37',
  warn: '43;30',
  error: '41;37',
};

/** Cuts a string to at most `w` display columns (never splits a wide character). */
export function cutColumns(s: string, w: number): string {
  if (textWidth(s) <= w) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const cw = textWidth(ch);
    if (used + cw > w) break;
    out += ch;
    used += cw;
  }
  return out;
}

export function padToColumns(s: string, w: number): string {
  const t = cutColumns(s, w);
  return t + ' '.repeat(Math.max(0, w - textWidth(t)));
}

/**
 * What a display of `geometry` shows for a page of the screen, as text: the title row (title and
 * page indicator), then the page's lines, each exactly `width` columns. The console driver draws
 * these rows; `pos-agent explain` prints them, so it shows what the display shows.
 */
export function screenRows(screen: Screen, page: number, geometry: Geometry): string[] {
  const { width, height } = geometry;
  const lines = screen.pages[page] ?? [];
  const rows = [titleRow(screen, page, width, textWidth, cutColumns)];
  for (let i = 0; i < height - 1; i++) rows.push(padToColumns(lines[i] ?? '', width));
  return rows;
}

export class ConsoleDisplay extends PagedDisplay {
  readonly kind = 'console' as const;
  private readonly out: Writable & { isTTY?: boolean; rows?: number };
  private readonly tty: boolean;
  private regionSet = false;
  /** Rendered bytes per screen object, one slot per page (the geometry is fixed per display). */
  private readonly rendered = new WeakMap<Screen, Array<Buffer | undefined>>();

  private readonly hint: string | null;
  private readonly bell: boolean;

  constructor(opts: ConsoleDisplayOptions) {
    super(opts);
    this.out = opts.out ?? process.stdout;
    this.tty = opts.tty ?? this.out.isTTY === true;
    this.hint = opts.hint ?? null;
    this.bell = opts.bell === true;
  }

  /** The terminal bell as a buzzer: a distinct count per pattern. */
  beep(pattern: keyof typeof BELLS): void {
    if (!this.tty || !this.bell || this.closed) return;
    for (let i = 0; i < BELLS[pattern]; i++) {
      if (i === 0) this.out.write('\x07');
      else setTimeout(() => this.closed || this.out.write('\x07'), i * BELL_GAP_MS).unref();
    }
  }

  /** The rows of the screen as text (title row first), each exactly `width` columns. */
  rows(screen: Screen, page: number): string[] {
    return screenRows(screen, page, this.geometry);
  }

  protected draw(screen: Screen, page: number): void {
    if (this.tty && !this.regionSet) {
      const termRows = this.out.rows;
      const boxRows = this.geometry.height + 2 + (this.hint !== null ? 1 : 0);
      if (typeof termRows === 'number' && termRows > boxRows + 2) {
        // keep the box on top: logs scroll in the region below it
        this.out.write(`\x1b[2J\x1b[${boxRows + 1};${termRows}r\x1b[${boxRows + 1};1H`);
        this.regionSet = true;
      }
    }
    let pages = this.rendered.get(screen);
    if (pages === undefined) {
      pages = [];
      this.rendered.set(screen, pages);
    }
    let bytes = pages[page];
    if (bytes === undefined) {
      bytes = Buffer.from(this.render(screen, page), 'utf8');
      pages[page] = bytes;
    }
    this.out.write(bytes);
  }

  /** The text drawn for a page: the box on a TTY, else one plain line. */
  private render(screen: Screen, page: number): string {
    const rows = this.rows(screen, page);
    if (!this.tty) {
      const body = rows
        .slice(1)
        .map((r) => r.trimEnd())
        .filter((r) => r.length > 0);
      return `[${screen.title}]${body.length ? ` ${body.join(' | ')}` : ''}${screen.pages.length > 1 ? ` (${page + 1}/${screen.pages.length})` : ''}\n`;
    }
    const w = this.geometry.width;
    const color = TONE[screen.tone ?? 'info'];
    let s = '\x1b7\x1b[H'; // save cursor, home
    s += `┌${'─'.repeat(w)}┐\x1b[K\n`;
    s += `│\x1b[1;${color}m${rows[0]}\x1b[0m│\x1b[K\n`;
    for (const r of rows.slice(1)) s += `│${r}│\x1b[K\n`;
    s += `└${'─'.repeat(w)}┘\x1b[K\n`;
    if (this.hint !== null) s += `\x1b[2m${this.hint}\x1b[0m\x1b[K\n`;
    s += '\x1b8'; // restore cursor
    return s;
  }

  override async close(): Promise<void> {
    await super.close();
    if (this.regionSet) this.out.write('\x1b[r');
    this.regionSet = false;
  }
}
