/**
 * Display width of text in character cells (East Asian wide characters and emoji count two,
 * combining marks and controls none), as string-width measures it. Printable ASCII, which is
 * most of what a display shows, is its length; string-width (its Intl.Segmenter and tables cost
 * some 20-40 ms to load, counted in every start-up) is loaded on the first other text.
 */
import { createRequire } from 'node:module';

const requireLazy = createRequire(import.meta.url);
let stringWidth: ((s: string) => number) | null = null;

/** Only characters 0x20-0x7e: each one cell wide. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** True when every character of `s` is printable ASCII (one cell each, one grapheme each). */
export function isPrintableAscii(s: string): boolean {
  return PRINTABLE_ASCII.test(s);
}

/** Width of `s` in display cells. */
export function textWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  stringWidth ??= (requireLazy('string-width') as { default: (s: string) => number }).default;
  return stringWidth(s);
}
