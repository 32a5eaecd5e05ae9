/**
 * Cashier prompt rendering for the display.
 *
 * HOT PATH: render() is called for every failure. Pages are laid out once per (language, text key)
 * and kept, so a repeated render is two Map lookups and allocates nothing
 * (test/guidance/hot-path.test.ts counts the GCs over a million renders). The returned pages are
 * frozen and shared: callers must not modify them.
 */
import type { CodeRow } from '../../protocol/response-codes/index.js';
import type { Catalog } from './catalog.js';
import type { Geometry } from '../../hardware/display/types.js';
import { checkLayoutSize, layout } from './layout.js';

export type Pages = readonly (readonly string[])[];

export interface PromptRenderer {
  readonly geometry: Readonly<Geometry>;
  /** The cashier prompt for a row, laid out for the display: pages of lines. */
  render(row: CodeRow, lang: string): Pages;
  /** The cashier prompt of a catalog key (e.g. 'stop_retrying'), laid out for the display. */
  renderKey(textKey: string, lang: string): Pages;
}

/** Languages memoized per renderer; beyond this (garbage language tags) results are not kept. */
const MAX_LANGS = 32;

function freezePages(pages: string[][]): Pages {
  for (const p of pages) Object.freeze(p);
  return Object.freeze(pages);
}

export function createPromptRenderer(catalog: Catalog, geo: Geometry): PromptRenderer {
  checkLayoutSize(geo);
  const geometry = Object.freeze({ width: geo.width, height: geo.height });
  const memo = new Map<string, Map<string, Pages>>();

  function slot(lang: string): Map<string, Pages> | undefined {
    let byKey = memo.get(lang);
    if (byKey === undefined && memo.size < MAX_LANGS) {
      byKey = new Map();
      memo.set(lang, byKey);
    }
    return byKey;
  }

  return {
    geometry,
    render(row, lang) {
      const byKey = slot(lang);
      const hit = byKey?.get(row.textKey);
      if (hit !== undefined) return hit;
      const pages = freezePages(layout(catalog.guidance(row, lang).cashier, geometry));
      byKey?.set(row.textKey, pages);
      return pages;
    },
    renderKey(textKey, lang) {
      const byKey = slot(lang);
      const hit = byKey?.get(textKey);
      if (hit !== undefined) return hit;
      const pages = freezePages(layout(catalog.text(`${textKey}.cashier`, lang), geometry));
      byKey?.set(textKey, pages);
      return pages;
    },
  };
}
