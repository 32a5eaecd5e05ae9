/**
 * Display width of text in character cells (East Asian wide characters and emoji count two,
 * combining marks and controls none), as string-width measures it. Simple narrow text (printable
 * ASCII, most Latin, Greek and Cyrillic: SIMPLE_NARROW), which is most of what a display shows, is
 * its length; string-width (its Intl.Segmenter and tables cost some 20-40 ms to load, counted in
 * every start-up) is loaded on the first other text.
 */
import { createRequire } from 'node:module';

const requireLazy = createRequire(import.meta.url);
let stringWidth: ((s: string) => number) | null = null;

/**
 * Only characters that are each one grapheme and one cell wide, whatever surrounds them: printable
 * ASCII, Latin-1 and Latin Extended-A/B letters, basic Greek and Cyrillic, general punctuation and
 * currency signs; without the soft hyphen, combining marks and the signs string-width draws as
 * emoji (© ® ‼ ⁉). Every prompt in en, de, fr, fi and ru is such text, so it is measured and
 * broken without Intl.Segmenter, whose ICU data costs ~14 ms of a start-up. A test checks every
 * character of this set against string-width and Intl.Segmenter.
 */
export const SIMPLE_NARROW =
  /^[\x20-\x7e\u00a0-\u00a8\u00aa-\u00ac\u00af-\u024f\u0391-\u03a1\u03a3-\u03c9\u0400-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u203b\u203d-\u2048\u204a-\u205e\u20a0-\u20c0]*$/;

/** True when every character of `s` is one grapheme and one cell (SIMPLE_NARROW). */
export function isSimpleNarrow(s: string): boolean {
  return SIMPLE_NARROW.test(s);
}

/** Width of `s` in display cells. */
export function textWidth(s: string): number {
  if (SIMPLE_NARROW.test(s)) return s.length;
  stringWidth ??= (requireLazy('string-width') as { default: (s: string) => number }).default;
  return stringWidth(s);
}
