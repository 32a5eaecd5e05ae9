/**
 * Text layout for character displays and receipt printers. Pure: text + geometry in, pages of
 * lines out. Widths are display columns (string-width: East Asian wide characters and emoji count
 * two), never string length.
 *
 * Rules:
 *  - "\n" is a hard line break; tabs become spaces; other control characters are dropped.
 *  - Lines break only at word boundaries (Intl.Segmenter, granularity 'word': ICU's dictionary
 *    finds the words of Chinese, which has no spaces, so 金额 stays whole): after spaces; between
 *    two words when either side is wide (CJK); and after a hyphen or slash inside a word ("PIN-",
 *    "card/"). Printable-ASCII text takes a fast path without the segmenter (its ICU break
 *    iterator costs start-up time): there the words are what spaces, hyphens and slashes make.
 *  - Never before closing or trailing punctuation (.,:;!?)」，。、！？ and every closing or final
 *    quote or bracket) and never after opening punctuation (（「“([): no line starts with a full
 *    stop, and no line is only punctuation (a lone "»" goes with the word after it).
 *  - A word wider than the line is split between graphemes (never inside a surrogate pair, a
 *    combining sequence or an emoji sequence), again not before closing punctuation.
 *  - No line is ever wider than the width. Trailing spaces are trimmed; a page never starts with
 *    an empty line.
 * Not on the hot path: prompts are laid out once per (text key, language) and memoized.
 */
import { isSimpleNarrow, textWidth } from '../../hardware/display/text-width.js';
import type { Geometry } from '../../hardware/display/types.js';
import { GuidanceError } from './errors.js';

/**
 * What the algorithm needs, nothing more: whole numbers, a line of 2 columns at least (a wide
 * character takes two) and a page of 1 line at least. The sizes of real displays are
 * DISPLAY_LIMITS (hardware/display), checked where a display geometry comes in (config, explain,
 * the drivers); text laid out here is a display minus its title row, or a printer's columns.
 */
export function checkLayoutSize(geo: Geometry): void {
  const { width, height } = geo;
  if (!Number.isInteger(width) || width < 2) {
    throw new GuidanceError(
      'E_GEOMETRY',
      `layout width must be a whole number of at least 2, got ${String(width)}`,
    );
  }
  if (!Number.isInteger(height) || height < 1) {
    throw new GuidanceError(
      'E_GEOMETRY',
      `layout height must be a whole number of at least 1, got ${String(height)}`,
    );
  }
}

/** Created on the first text that is not printable ASCII (ICU's break iterators cost start-up time). */
let graphemes: Intl.Segmenter | null = null;
let words: Intl.Segmenter | null = null;

/** Never at the start of a line (kinsoku: closing and trailing punctuation). */
const NO_BREAK_BEFORE = new Set(
  Array.from('，。、．：；！？）」』】〕〉》〗〙〛｝］”’ー…‥・々〜％,.:;!?)]}%\u00a0'),
);
/** Never at the end of a line (opening punctuation). */
const NO_BREAK_AFTER = new Set(Array.from('（「『【〔〈《〖〘〚｛［“‘([{\u00a0'));
/** Closing brackets and quotes, and other punctuation that trails what it follows. */
const CLOSING = /^[\p{Pe}\p{Pf}\p{Po}]$/u;
/** Other punctuation (\p{Po}) that may open a line: quotes, marks that lead a word. */
const MAY_OPEN = new Set(Array.from('"\'#&*@¡¿§¶†‡\\/'));
/** Opening brackets and quotes. */
const OPENING = /^[\p{Ps}\p{Pi}]$/u;
/** Ink that is no word: punctuation and symbols only. */
const NO_WORD = /^[\p{P}\p{S}]*$/u;

function noBreakBefore(g: string): boolean {
  return NO_BREAK_BEFORE.has(g) || (CLOSING.test(g) && !MAY_OPEN.has(g));
}

function noBreakAfter(g: string): boolean {
  return NO_BREAK_AFTER.has(g) || OPENING.test(g);
}

export interface Cell {
  g: string;
  w: number;
  /** The line may break before this cell. */
  brk: boolean;
}

/** Drops control characters (keeps \n), turns tabs into spaces. */
function sanitize(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

const widthCache = new Map<string, number>();
const WIDTH_CACHE_MAX = 8192;

/** Display width of one grapheme: printable ASCII is 1, others via string-width (cached). */
function graphemeWidth(g: string): number {
  if (g.length === 1) {
    const c = g.charCodeAt(0);
    if (c >= 0x20 && c < 0x7f) return 1;
  }
  let w = widthCache.get(g);
  if (w === undefined) {
    w = textWidth(g);
    if (widthCache.size < WIDTH_CACHE_MAX) widthCache.set(g, w);
  }
  return w;
}

/**
 * The cells of a paragraph, each marked with whether the line may break before it. Exported for the
 * test that checks the fast path (`segment` false) against Intl.Segmenter on the same text.
 */
export function cellsOf(paragraph: string, segment = !isSimpleNarrow(paragraph)): Cell[] {
  const out: Cell[] = [];
  if (!segment) {
    // each character is a grapheme of its own, one cell wide (text-width.ts SIMPLE_NARROW), and
    // breakBefore below allows a break only where a word segmenter also sees a word boundary
    // (after a space or a hyphen): the segmenter is not needed
    for (let i = 0; i < paragraph.length; i++) out.push({ g: paragraph[i]!, w: 1, brk: true });
  } else {
    graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    words ??= new Intl.Segmenter(undefined, { granularity: 'word' });
    for (const { segment: word } of words.segment(paragraph)) {
      let first = true;
      for (const { segment } of graphemes.segment(word)) {
        out.push({ g: segment, w: graphemeWidth(segment), brk: first });
        first = false;
      }
    }
  }
  for (let i = 0; i < out.length; i++) {
    const c = out[i] as Cell;
    c.brk = c.brk && breakBefore(out, i);
  }
  return out;
}

/** May the line break between cells[i-1] and cells[i] (a word boundary)? */
function breakBefore(cells: Cell[], i: number): boolean {
  const prev = cells[i - 1];
  const next = cells[i];
  if (!prev || !next) return false;
  if (noBreakBefore(next.g) || noBreakAfter(prev.g)) return false;
  if (next.g === ' ') return false; // spaces stay with the word before them
  if (prev.g === ' ') return true;
  if (prev.w === 2 || next.w === 2) return true;
  if ((prev.g === '-' || prev.g === '/') && i >= 2 && cells[i - 2]?.g !== ' ') return true;
  return false;
}

/** `s` cut to at most `width` display columns, between graphemes. */
export function cutToWidth(s: string, width: number): string {
  if (textWidth(s) <= width) return s;
  let out = '';
  let used = 0;
  for (const c of cellsOf(s)) {
    if (used + c.w > width) break;
    out += c.g;
    used += c.w;
  }
  return out;
}

/** Wraps one paragraph (no "\n") to lines no wider than `width` columns. */
export function wrapParagraph(paragraph: string, width: number): string[] {
  const cells = cellsOf(paragraph);
  const lines: string[] = [];
  let line = '';
  let lineW = 0; // width including trailing spaces
  let lineInkW = 0; // width without trailing spaces

  const flush = (): void => {
    lines.push(line.replace(/ +$/, ''));
    line = '';
    lineW = 0;
    lineInkW = 0;
  };

  let i = 0;
  while (i < cells.length) {
    // one word: cells up to the next break opportunity
    let j = i + 1;
    while (j < cells.length && !(cells[j] as Cell).brk) j++;
    let ink = '';
    let inkW = 0;
    let trail = 0;
    for (let k = i; k < j; k++) {
      const c = cells[k] as Cell;
      if (c.g === ' ') trail += c.w;
      else {
        // spaces inside a word (e.g. before "?" in French) are part of the ink
        if (trail > 0) {
          ink += ' '.repeat(trail);
          inkW += trail;
          trail = 0;
        }
        ink += c.g;
        inkW += c.w;
      }
    }
    if (ink === '') {
      // only spaces: keep them unless at the start of a line (a zero-width grapheme is ink)
      if (lineW > 0) {
        line += ' '.repeat(trail);
        lineW += trail;
      }
      i = j;
      continue;
    }
    // a line of punctuation alone ("»") is not left behind: the word goes on with it
    const lonePunct = lineInkW > 0 && NO_WORD.test(line.replace(/ /g, ''));
    if (lineW + inkW <= width) {
      line += ink + ' '.repeat(trail);
      lineInkW = lineW + inkW;
      lineW = lineInkW + trail;
    } else if (inkW <= width && !lonePunct) {
      if (lineInkW > 0) flush();
      line = ink + ' '.repeat(trail);
      lineInkW = inkW;
      lineW = inkW + trail;
    } else {
      // over-long word (or one after a lone punctuation mark): split between graphemes, on a
      // fresh line unless the line holds punctuation alone
      if (lineInkW > 0 && !lonePunct) flush();
      if (lineW > width - 1) flush(); // no room left at all
      for (let k = i; k < j; k++) {
        const c = cells[k] as Cell;
        const g = c.w > width ? '?' : c.g;
        const w = c.w > width ? 1 : c.w;
        if (lineW + w > width) {
          // closing punctuation does not start the next line: the closing marks before it and
          // the grapheme they close go along (when that leaves something on this line)
          let carry = '';
          let carryW = 0;
          if (noBreakBefore(g)) {
            let m = k - 1;
            let cw = 0;
            while (m > i && noBreakBefore((cells[m] as Cell).g)) cw += (cells[m--] as Cell).w;
            const base = cells[m] as Cell;
            cw += base.w;
            const moved = cells
              .slice(m, k)
              .map((c) => c.g)
              .join('');
            if (m >= i && base.g !== ' ' && cw + w <= width && lineW > cw && line.endsWith(moved)) {
              carry = moved;
              carryW = cw;
              line = line.slice(0, line.length - moved.length);
              lineW -= cw;
            }
          }
          flush();
          line = carry;
          lineW = carryW;
          lineInkW = carryW;
        }
        if (lineW === 0 && g === ' ') continue;
        line += g;
        lineW += w;
        if (g !== ' ') lineInkW = lineW;
      }
    }
    i = j;
  }
  if (lineW > 0 || lines.length === 0) flush();
  return lines;
}

/** Wraps text (with "\n" hard breaks) into lines of at most `width` columns. */
export function wrap(text: string, width: number): string[] {
  checkLayoutSize({ width, height: 1 });
  const out: string[] = [];
  for (const p of sanitize(text).split('\n')) out.push(...wrapParagraph(p, width));
  return out;
}

/** Splits lines into pages of `height` lines; a page never starts with an empty line. */
export function paginate(lines: readonly string[], height: number): string[][] {
  const pages: string[][] = [];
  let page: string[] = [];
  for (const l of lines) {
    if (page.length === 0 && l === '') continue;
    page.push(l);
    if (page.length === height) {
      pages.push(page);
      page = [];
    }
  }
  if (page.length > 0 || pages.length === 0) pages.push(page);
  return pages;
}

/** Text + display geometry → pages of lines, each line at most geo.width display columns. */
export function layout(text: string, geo: Geometry): string[][] {
  checkLayoutSize(geo);
  return paginate(wrap(text, geo.width), geo.height);
}

/** Display width of a string in columns (string-width's measure). */
export function displayWidth(s: string): number {
  return textWidth(s);
}

/** Pads a string with spaces to `width` display columns (no truncation). */
export function padColumns(s: string, width: number): string {
  const w = textWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}
