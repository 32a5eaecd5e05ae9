/**
 * Connects the export to the response-code table (protocol/response-codes) and the guidance
 * catalog (agent/guidance). Loaded at run time so the export keeps working (with its per-category
 * next steps) if either module is missing or fails for a code.
 */
import type { Category } from '../record.js';
import type { CodeSource } from './annotate.js';
import type { ReportLang } from './i18n.js';

interface CodeRowLike {
  meaning?: string;
  category?: string;
  [k: string]: unknown;
}
interface GuidanceLike {
  cashier?: string;
  customer?: string;
  steps?: string[];
}
interface CodesModule {
  lookupCode?: (code: string) => CodeRowLike | undefined;
}
interface GuidanceModule {
  createCatalog?: () => { guidance?: (row: CodeRowLike, lang: string) => GuidanceLike | undefined };
}

async function tryImport<T>(rel: string): Promise<T | undefined> {
  try {
    return (await import(new URL(rel, import.meta.url).href)) as T;
  } catch {
    return undefined;
  }
}

/** The merchant-facing next step from a guidance entry: its steps, or the cashier text. */
export function nextStepText(g: GuidanceLike | undefined): string | undefined {
  if (!g) return undefined;
  const steps = Array.isArray(g.steps) ? g.steps.filter((s) => typeof s === 'string' && s.trim() !== '') : [];
  if (steps.length > 0) return steps.join(' ');
  return typeof g.cashier === 'string' && g.cashier.trim() !== '' ? g.cashier : undefined;
}

export async function loadCodeSource(): Promise<CodeSource> {
  const codes = await tryImport<CodesModule>('../../protocol/response-codes/index.js');
  const guidanceMod = await tryImport<GuidanceModule>('../guidance/index.js');
  const lookup = codes?.lookupCode;
  let catalog: ReturnType<NonNullable<GuidanceModule['createCatalog']>> | undefined;
  try {
    catalog = guidanceMod?.createCatalog?.();
  } catch {
    catalog = undefined;
  }
  const source: CodeSource = {};
  if (lookup) {
    source.meaning = (rc: string) => {
      const m = lookup(rc)?.meaning;
      return typeof m === 'string' ? m : undefined;
    };
    if (catalog?.guidance) {
      const guidance = catalog.guidance.bind(catalog);
      source.nextStep = (rc: string, _category: Category, lang: ReportLang) => {
        const row = lookup(rc);
        return row ? nextStepText(guidance(row, lang)) : undefined;
      };
    }
  }
  return source;
}
