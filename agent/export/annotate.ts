/**
 * Per-row texts derived from the response code: its meaning and the merchant's next step.
 * The real source is the response-code table and the guidance catalog (wired in
 * agent/export/guidance-source.ts); this module only caches by (rc, category, lang), because a
 * million-row export has a handful of distinct codes, and falls back to the per-category next step
 * of the report texts when the catalog has no text for a row.
 */
import type { Category, Outcome } from '../record.js';
import type { Lang } from '../guidance/langs.js';
import { currentCode } from '../pipeline/outcome-machine.js';
import { REPORT_TEXTS } from './i18n.js';

export interface Annotator {
  /** English meaning of a response code, '' when unknown. */
  meaning(rc: string): string;
  /** Short reason in `lang` (the guidance title), falling back to the English meaning. */
  localMeaning(rc: string, lang: Lang): string;
  /** Recommended next step for the merchant, in `lang`. */
  nextStep(rc: string, category: Category, lang: Lang): string;
  /**
   * The next step for a record as it stands now: nothing for a sale paid afterwards or written
   * off; else the texts of its outcome's prompt (a reversed timeout: "safe to try again"), else of
   * its response code.
   */
  nextStepNow(rc: string, outcome: Outcome, category: Category, lang: Lang): string;
}

/** What a code source may provide; either function may be missing or throw for a code. */
export interface CodeSource {
  meaning?(rc: string): string | undefined;
  title?(rc: string, lang: Lang): string | undefined;
  nextStep?(rc: string, category: Category, lang: Lang): string | undefined;
}

export function createAnnotator(source: CodeSource = {}): Annotator {
  const meanings = new Map<string, string>();
  const steps = new Map<string, string>();
  const titles = new Map<string, string>();
  const api: Annotator = {
    meaning(rc) {
      let m = meanings.get(rc);
      if (m === undefined) {
        try {
          m = source.meaning?.(rc) ?? '';
        } catch {
          m = '';
        }
        meanings.set(rc, m);
      }
      return m;
    },
    localMeaning(rc, lang) {
      const key = `${lang}\u0000${rc}`;
      let t = titles.get(key);
      if (t === undefined) {
        try {
          t = source.title?.(rc, lang) ?? '';
        } catch {
          t = '';
        }
        if (t === '') t = api.meaning(rc);
        titles.set(key, t);
      }
      return t;
    },
    nextStep(rc, category, lang) {
      const key = `${lang}\u0000${category}\u0000${rc}`;
      let s = steps.get(key);
      if (s === undefined) {
        try {
          s = source.nextStep?.(rc, category, lang) ?? '';
        } catch {
          s = '';
        }
        if (s === '') s = REPORT_TEXTS[lang].nextSteps[category] ?? REPORT_TEXTS[lang].nextSteps.unknown;
        steps.set(key, s);
      }
      return s;
    },
    nextStepNow(rc, outcome, category, lang) {
      if (outcome === 'recovered' || outcome === 'written_off')
        return REPORT_TEXTS[lang].settledSteps[outcome];
      return api.nextStep(currentCode(rc, outcome), category, lang);
    },
  };
  return api;
}
