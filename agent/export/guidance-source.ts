/**
 * Connects the export to the response-code table (protocol/response-codes: the English meaning of
 * a code) and the guidance catalog (agent/guidance: the cashier's next steps, in six languages).
 * The annotator caches per code, so this runs once per distinct (code, language).
 */

import { lookupCode } from '../../protocol/response-codes/index.js';
import { type Catalog, createCatalog, type GuidanceText } from '../guidance/catalog.js';
import type { CodeSource } from './annotate.js';
import type { Lang } from '../guidance/langs.js';

/** The merchant-facing next step from a guidance entry: its steps in order, or the cashier text. */
export function nextStepText(
  g: Pick<GuidanceText, 'steps' | 'cashier'> | undefined,
  lang: Lang,
): string | undefined {
  if (!g) return undefined;
  const steps = g.steps.map((s) => s.trim()).filter((s) => s !== '');
  // Chinese sentences end in '。' and are not separated by spaces.
  if (steps.length > 0) return steps.join(lang === 'zh' ? '' : ' ');
  return g.cashier.trim() !== '' ? g.cashier : undefined;
}

export function codeSource(catalog: Catalog = createCatalog()): CodeSource {
  return {
    meaning: (rc) => lookupCode(rc).meaning,
    title: (rc, lang) => catalog.guidance(lookupCode(rc), lang).title,
    nextStep: (rc, _category, lang) => nextStepText(catalog.guidance(lookupCode(rc), lang), lang),
  };
}

/** Kept async for the command's sake (a config-provided catalog may be loaded here later). */
export async function loadCodeSource(): Promise<CodeSource> {
  return codeSource();
}
