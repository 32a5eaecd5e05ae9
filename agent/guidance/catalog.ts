/**
 * Message catalogs: the built-in languages plus merchant overrides from config, merged for each
 * language on its first lookup. Lookups fall back to English; every missing (language, key) is reported once through
 * onMissing. Sensitive rows (lost, stolen, fraud, pick-up ...) always get the generic customer
 * text, whatever the catalog or an override says for that key.
 */
import { scrubPans } from '../../protocol/card/pan.js';
import { hasTrackShape } from '../../protocol/card/track.js';
import { lazy, zod } from '../../protocol/zod.js';
import type { CodeRow } from '../../protocol/response-codes/index.js';
import { BUILT_IN } from './catalogs/built-in.js';
import type { CatalogData } from './catalogs/types.js';
import { GuidanceError } from './errors.js';
import { isLang, type Lang, LANGS } from './langs.js';

export { BUILT_IN } from './catalogs/built-in.js';

export interface GuidanceText {
  /** Short reason (lists, the issuer script). Generic for sensitive rows in customer contexts. */
  title: string;
  /** Short reason for the glance page: at most 20 columns in the built-in catalogs. */
  reason: string;
  /** What to do, for the glance page: at most 16 columns in the built-in catalogs. */
  action: string;
  /** Status word for the title row where the EMV standard message would be wrong; else null. */
  status: string | null;
  /** The explanation on the cashier's detail pages: one or two short sentences. */
  cashier: string;
  /** What the cashier may tell the customer. Always generic for sensitive rows. */
  customer: string;
  /** The cashier's next steps, in order. */
  steps: string[];
}

export type CatalogOverrides = Record<string, Record<string, string>>;

export interface CatalogOptions {
  /** `{ [lang]: { [key]: text } }`, e.g. `{ de: { 'insufficient_funds.cashier': '...' }, sv: {...} }`. */
  overrides?: CatalogOverrides;
  /** Called once per missing (lang, key); lang '*' … key '*' means the whole language is unknown. */
  onMissing?: (lang: string, key: string) => void;
  /** Text keys beyond the built-in ones that overrides may fill (e.g. new rows' textKey in a config code table). */
  textKeys?: Iterable<string>;
  /** Called at creation for each override key that no catalog uses: most likely a typo. */
  onUnknownKey?: (lang: string, key: string) => void;
}

export interface Catalog {
  /** Languages with at least one text: the six built-ins plus any override language. */
  languages(): string[];
  /** Whether `key` exists in `lang` itself (no fallback). */
  has(key: string, lang: string): boolean;
  /** The text for `key` in `lang`, else English (reported once), else the key itself (reported). */
  text(key: string, lang: string): string;
  /** Title, cashier prompt, customer text and steps for a response-code row. */
  guidance(row: CodeRow, lang: string): GuidanceText;
  /** Guidance for a text key directly (e.g. 'stop_retrying'). */
  guidanceFor(textKey: string, lang: string, sensitive?: boolean): GuidanceText;
  /** EMV Book 4 standard message in `lang`, e.g. ('07', 'de') → 'ABGELEHNT'. */
  emvMessage(id: string, lang: string): string;
  /** Decimal separator for amounts in `lang` (built-in catalogs; '.' otherwise). */
  decimalSeparator(lang: string): string;
}

const ENTRY_PARTS = new Set(['title', 'reason', 'action', 'status', 'cashier', 'customer', 'steps']);

/** Flattens a built-in catalog into catalog keys. */
export function flatten(data: CatalogData): Map<string, string> {
  const m = new Map<string, string>();
  const generic = data.strings['common.customer_declined'] ?? '';
  for (const [key, e] of Object.entries(data.entries)) {
    m.set(`${key}.title`, e.title);
    // no reason of its own: guidanceFor shows the title, so a merchant's title override shows too
    if (e.reason !== undefined) m.set(`${key}.reason`, e.reason);
    m.set(`${key}.action`, e.action);
    if (e.status !== undefined) m.set(`${key}.status`, e.status);
    m.set(`${key}.cashier`, e.cashier);
    m.set(`${key}.customer`, e.customer ?? generic);
    m.set(`${key}.steps`, e.steps.join('\n'));
  }
  for (const [k, v] of Object.entries(data.strings)) m.set(k, v);
  return m;
}

const LANG_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
/** Longest text a merchant may give (the longest built-in is a few hundred characters). */
const MAX_TEXT = 1000;
/** C0 controls but \n, DEL, C1 controls, and the Unicode bidirectional overrides and isolates. */
const UNSAFE_TEXT = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** A key a foreign file parsed into (a base64 run, a line of text) is not quoted in the error. */
const LANG_KEY_SHOWN = /^[A-Za-z0-9_-]{1,16}$/;
// built by the first overrides: `explain` and a catalog without overrides never load zod
const overridesSchema = lazy(() => {
  const z = zod();
  return z.record(
    z.string().regex(LANG_TAG),
    z.record(
      z.string().min(1),
      z
        .string()
        .trim()
        .min(1, 'texts must not be empty')
        .max(MAX_TEXT, `at most ${MAX_TEXT} characters`)
        // shown on the display, printed, written to a terminal: no escape sequences, no bidi tricks
        .refine((t) => !UNSAFE_TEXT.test(t), 'control characters (other than line breaks) are not allowed')
        // a merchant's text is shown to everyone: never a card number or track data in it
        .refine((t) => scrubPans(t) === t && !hasTrackShape(t), 'must not hold a card number or track data'),
    ),
  );
});

/** Validates a merchant override map (as loaded from the config file). Throws E_CONFIG. */
export function parseOverrides(input: unknown): CatalogOverrides {
  if (input !== null && typeof input === 'object') {
    const keys = Object.keys(input);
    // none a language: some other file (its keys may be what it keeps private), so none is named
    if (keys.length > 0 && !keys.some((k) => LANG_TAG.test(k)))
      throw new GuidanceError(
        'E_CONFIG',
        `guidance overrides: not a texts file: none of its ${keys.length} top-level keys is a language tag such as "de" or "sv"`,
      );
    for (const lang of keys) {
      if (!LANG_TAG.test(lang)) {
        throw new GuidanceError(
          'E_CONFIG',
          `guidance overrides: ${LANG_KEY_SHOWN.test(lang) ? `"${lang}"` : 'a key'} is not a language tag such as "de" or "sv"`,
        );
      }
    }
  }
  const r = overridesSchema().safeParse(input);
  if (!r.success) throw new GuidanceError('E_CONFIG', `guidance overrides: ${zod().prettifyError(r.error)}`);
  return r.data;
}

export function createCatalog(opts: CatalogOptions = {}): Catalog {
  const overrides = opts.overrides ? parseOverrides(opts.overrides) : {};
  const onMissing = opts.onMissing;
  // a language's texts are flattened (and its overrides applied) on its first lookup: a command
  // that shows one language does not pay for six
  const merged = new Map<string, Map<string, string>>();
  const languages = new Set<string>([...LANGS, ...Object.keys(overrides)]);
  function texts(lang: string): Map<string, string> | undefined {
    let m = merged.get(lang);
    if (m === undefined && languages.has(lang)) {
      m = isLang(lang) ? flatten(BUILT_IN[lang]) : new Map<string, string>();
      for (const [k, v] of Object.entries(overrides[lang] ?? {})) m.set(k, v);
      merged.set(lang, m);
    }
    return m;
  }
  const english = texts('en') as Map<string, string>;
  if (opts.onUnknownKey) {
    const builtInKeys = new Set(flatten(BUILT_IN.en).keys()); // without overrides
    const entryKeys = new Set(Object.keys(BUILT_IN.en.entries));
    const extra = new Set(opts.textKeys ?? []);
    for (const [lang, texts] of Object.entries(overrides)) {
      for (const key of Object.keys(texts)) {
        if (builtInKeys.has(key)) continue;
        const dot = key.lastIndexOf('.');
        const entry = key.slice(0, dot);
        // an entry part no built-in sets (e.g. a status of its own for a code) is still a real key
        if (dot > 0 && (extra.has(entry) || entryKeys.has(entry)) && ENTRY_PARTS.has(key.slice(dot + 1)))
          continue;
        opts.onUnknownKey(lang, key);
      }
    }
  }
  const reported = new Set<string>();

  function report(lang: string, key: string): void {
    const id = `${lang}\u0000${key}`;
    if (reported.has(id)) return;
    reported.add(id);
    onMissing?.(lang, key);
  }

  function resolve(lang: string): Map<string, string> | undefined {
    const exact = texts(lang);
    if (exact) return exact;
    const primary = lang.toLowerCase().split(/[-_]/)[0] ?? '';
    return texts(primary);
  }

  function text(key: string, lang: string): string {
    const m = resolve(lang);
    if (m) {
      const v = m.get(key);
      if (v !== undefined) return v;
      if (m !== english) report(lang, key);
    } else {
      report(lang, '*');
    }
    const en = english.get(key);
    if (en !== undefined) return en;
    report('en', key);
    return key;
  }

  function has(key: string, lang: string): boolean {
    return resolve(lang)?.has(key) === true;
  }

  function guidanceFor(
    textKey: string,
    lang: string,
    sensitive = false,
    fallbackAction = 'cat.unknown.action',
  ): GuidanceText {
    // a key a config code table adds may come without short forms: its title is its reason, and
    // the generic action stands in (guidance() passes the row's category's action instead)
    const known = (part: string): boolean =>
      english.has(`${textKey}.${part}`) || has(`${textKey}.${part}`, lang);
    const useReason =
      has(`${textKey}.reason`, lang) || (!has(`${textKey}.title`, lang) && english.has(`${textKey}.reason`));
    return {
      title: text(`${textKey}.title`, lang),
      // the language's own reason, else its own title (a merchant's title override, a language a
      // texts file adds), else English's reason or title
      reason: text(`${textKey}.${useReason ? 'reason' : 'title'}`, lang),
      action: text(known('action') ? `${textKey}.action` : fallbackAction, lang),
      status: known('status') ? text(`${textKey}.status`, lang) : null,
      cashier: text(`${textKey}.cashier`, lang),
      customer: sensitive ? text('common.customer_declined', lang) : text(`${textKey}.customer`, lang),
      steps: text(`${textKey}.steps`, lang)
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    };
  }

  function guidance(row: CodeRow, lang: string): GuidanceText {
    // A row pointing at a key no catalog has (e.g. a config override with a new textKey) falls
    // back to its category's wording, reported once.
    let key = row.textKey;
    if (!english.has(`${key}.cashier`) && !has(`${key}.cashier`, lang)) {
      report('en', `${key}.cashier`);
      key = `cat.${row.category}`;
    }
    return guidanceFor(key, lang, row.sensitive, `cat.${row.category}.action`);
  }

  return {
    languages: () => [...languages],
    has,
    text,
    guidance,
    guidanceFor,
    emvMessage: (id, lang) => text(`emv.${id}`, lang),
    decimalSeparator: (lang) => {
      const primary = lang.toLowerCase().split(/[-_]/)[0] ?? '';
      return isLang(primary) ? BUILT_IN[primary].decimalSeparator : '.';
    },
  };
}

/** The cashier text shown when the decline tracker says to stop retrying a card. */
export const STOP_RETRYING_KEY = 'stop_retrying';

/**
 * Customer language from EMV tag 5F2D (language preference: ISO 639-1 codes concatenated in order
 * of preference, e.g. "defr"), the first one with a built-in catalog; else `fallback`. Accepts the
 * raw ASCII value or its hex form ("64656672"); case-insensitive.
 */
export function pickCustomerLang(pref5F2D: string | null, fallback: Lang): Lang {
  if (!pref5F2D) return fallback;
  let s = pref5F2D.trim().toLowerCase();
  if (/\d/.test(s) && /^[0-9a-f]+$/.test(s) && s.length % 4 === 0) {
    let decoded = '';
    for (let i = 0; i < s.length; i += 2)
      decoded += String.fromCharCode(Number.parseInt(s.slice(i, i + 2), 16));
    if (/^[a-z]+$/.test(decoded)) s = decoded;
  }
  for (let i = 0; i + 2 <= s.length; i += 2) {
    const code = s.slice(i, i + 2);
    if (isLang(code)) return code;
  }
  return fallback;
}
