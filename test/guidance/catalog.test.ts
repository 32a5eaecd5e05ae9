import { describe, expect, it } from 'vitest';
import {
  BUILT_IN,
  createCatalog,
  GuidanceError,
  LANGS,
  pickCustomerLang,
  STRING_KEYS,
} from '../../agent/guidance/index.js';
import { CATEGORIES } from '../../agent/record.js';
import { allRows, EMV_MESSAGES, lookupCode } from '../../protocol/response-codes/index.js';
import { sensitiveHits } from './sensitive-words.js';

const catalog = createCatalog({ onMissing: (lang, key) => missing.push(`${lang}:${key}`) });
const missing: string[] = [];

const ENTRY_FIELDS: Record<string, 'string' | 'steps'> = {
  title: 'string',
  reason: 'string',
  action: 'string',
  status: 'string',
  cashier: 'string',
  customer: 'string',
  steps: 'steps',
};

describe('built-in catalogs', () => {
  // the catalogs are JSON files (agent/guidance/catalogs/*.json): the type checker no longer sees
  // them, so their shape (types.ts) is checked here
  it('each file has the shape of CatalogData, and its own language', () => {
    for (const lang of LANGS) {
      const data = BUILT_IN[lang] as unknown as Record<string, unknown>;
      expect(Object.keys(data).sort(), lang).toEqual(['decimalSeparator', 'entries', 'lang', 'strings']);
      expect(data.lang).toBe(lang);
      expect(data.decimalSeparator, lang).toMatch(/^[.,]$/);
      for (const [key, e] of Object.entries(data.entries as Record<string, Record<string, unknown>>)) {
        for (const [field, v] of Object.entries(e)) {
          const kind = ENTRY_FIELDS[field];
          expect(kind, `${lang} ${key}.${field}: not a field of an entry`).toBeDefined();
          if (kind === 'string')
            expect(typeof v === 'string' && v.trim() !== '', `${lang} ${key}.${field}`).toBe(true);
          else
            expect(
              Array.isArray(v) &&
                v.length > 0 &&
                v.every((step) => typeof step === 'string' && step.trim() !== ''),
              `${lang} ${key}.steps`,
            ).toBe(true);
        }
        for (const required of ['title', 'action', 'cashier', 'steps'])
          expect(e[required], `${lang} ${key}.${required}`).toBeDefined();
      }
      for (const [key, v] of Object.entries(data.strings as Record<string, unknown>))
        expect(typeof v === 'string' && v.trim() !== '', `${lang} strings.${key}`).toBe(true);
    }
  });

  it('every language has exactly the English entries and all string keys', () => {
    const enKeys = Object.keys(BUILT_IN.en.entries).sort();
    for (const lang of LANGS) {
      expect(Object.keys(BUILT_IN[lang].entries).sort(), lang).toEqual(enKeys);
      for (const k of STRING_KEYS) expect(BUILT_IN[lang].strings[k], `${lang} ${k}`).toBeTruthy();
      for (const id of Object.keys(EMV_MESSAGES))
        expect(BUILT_IN[lang].strings[`emv.${id}`], `${lang} emv.${id}`).toBeTruthy();
      for (const [key, e] of Object.entries(BUILT_IN[lang].entries)) {
        // sensitive wording never has its own customer text, and the others always do
        expect(e.customer === undefined, `${lang} ${key}`).toBe(
          BUILT_IN.en.entries[key]?.customer === undefined,
        );
      }
    }
  });

  it('has wording for every category', () => {
    for (const c of CATEGORIES) expect(BUILT_IN.en.entries[`cat.${c}`], c).toBeDefined();
  });

  it('every row of the table resolves to texts in all six languages, none empty', () => {
    for (const row of allRows()) {
      for (const lang of LANGS) {
        const g = catalog.guidance(row, lang);
        for (const s of [g.title, g.cashier, g.customer, ...g.steps]) {
          expect(s.trim().length, `${row.code} ${lang}`).toBeGreaterThan(0);
          expect(s, `${row.code} ${lang}`).not.toMatch(
            /^(cat\.|emv\.|script\.|label\.)|\.(cashier|customer|steps|title)$/,
          );
        }
        expect(g.steps.length, `${row.code} ${lang}`).toBeGreaterThan(0);
        expect(catalog.emvMessage(row.emvMessage, lang).length).toBeGreaterThan(0);
      }
    }
    expect(missing).toEqual([]);
  });

  it('texts in a language are really in that language (not English copies)', () => {
    for (const lang of LANGS.filter((l) => l !== 'en')) {
      let same = 0;
      for (const [key, e] of Object.entries(BUILT_IN[lang].entries))
        if (e.cashier === BUILT_IN.en.entries[key]?.cashier) same++;
      expect(same, lang).toBe(0);
    }
    expect(catalog.guidance(lookupCode('51'), 'zh').cashier).toMatch(/[\u4e00-\u9fff]/);
    expect(catalog.guidance(lookupCode('51'), 'ru').cashier).toMatch(/[а-яё]/i);
    expect(catalog.guidance(lookupCode('51'), 'fi').cashier).toMatch(/kate/);
  });

  it('cashier prompts are short (one or two lines)', () => {
    for (const lang of LANGS) {
      for (const [key, e] of Object.entries(BUILT_IN[lang].entries)) {
        const max = lang === 'zh' ? 32 : 110;
        expect(e.cashier.length, `${lang} ${key}: ${e.cashier}`).toBeLessThanOrEqual(max);
      }
    }
  });
});

describe('sensitive reasons never reach the customer', () => {
  const sensitiveCodes = [
    '04',
    '07',
    '33',
    '34',
    '35',
    '36',
    '37',
    '38',
    '41',
    '43',
    '59',
    '63',
    '66',
    '67',
    '83',
  ];
  const codes1993 = [
    '102',
    '105',
    '122',
    '129',
    ...Array.from({ length: 11 }, (_, i) => String(200 + i)),
    '250',
    '299',
  ];

  it('customer text of sensitive codes is the generic decline in every language', () => {
    for (const code of [...sensitiveCodes, ...codes1993]) {
      const row = lookupCode(code);
      expect(row.sensitive, code).toBe(true);
      for (const lang of LANGS) {
        const g = catalog.guidance(row, lang);
        expect(g.customer, `${code} ${lang}`).toBe(catalog.text('common.customer_declined', lang));
        expect(sensitiveHits(g.customer), `${code} ${lang}: ${g.customer}`).toEqual([]);
      }
    }
  });

  it('no customer-facing text anywhere names a sensitive reason', () => {
    for (const lang of LANGS) {
      for (const [key, text] of Object.entries(BUILT_IN[lang].entries)) {
        if (text.customer)
          expect(sensitiveHits(text.customer), `${lang} ${key}: ${text.customer}`).toEqual([]);
      }
      expect(sensitiveHits(BUILT_IN[lang].strings['common.customer_declined'] ?? '')).toEqual([]);
    }
  });

  it('a merchant override cannot leak a reason for a sensitive row', () => {
    const c = createCatalog({ overrides: { en: { 'pickup.customer': 'Your card was reported stolen.' } } });
    expect(c.guidance(lookupCode('43'), 'en').customer).toBe(
      'The card was declined. Please use another payment method.',
    );
  });

  it('the cashier still gets a concrete instruction for sensitive codes', () => {
    expect(catalog.guidance(lookupCode('43'), 'en').cashier).toMatch(/do not retry/i);
    expect(catalog.guidance(lookupCode('43'), 'de').cashier).toMatch(/Nicht erneut versuchen/);
    expect(catalog.guidance(lookupCode('59'), 'fr').cashier).toMatch(/Ne pas réessayer/);
    expect(catalog.guidance(lookupCode('41'), 'fi').cashier).toMatch(/Älä yritä uudelleen/);
  });
});

describe('overrides from config', () => {
  it('reports override keys no screen uses (typos), but not keys of rows a config code table adds', () => {
    const unknown: string[] = [];
    createCatalog({
      overrides: {
        de: {
          'insufficient_funds.cashier': 'ok',
          'insuficient_funds.cashier': 'typo',
          'script.title': 'ok',
          'nonexistent.key': 'typo',
          'loyalty_card.cashier': 'a new row from response_codes',
          'loyalty_card.colour': 'not a part of an entry',
        },
      },
      textKeys: ['loyalty_card'],
      onUnknownKey: (lang, key) => unknown.push(`${lang}:${key}`),
    });
    expect(unknown.sort()).toEqual([
      'de:insuficient_funds.cashier',
      'de:loyalty_card.colour',
      'de:nonexistent.key',
    ]);
  });

  it('replaces a text and adds a language; missing keys fall back to English, reported once', () => {
    const seen: string[] = [];
    const c = createCatalog({
      overrides: {
        de: { 'insufficient_funds.cashier': 'Karte gedeckt? Nein. Bitte andere Karte.' },
        sv: { 'insufficient_funds.cashier': 'Nekad: täckning saknas. Be om ett annat kort.' },
      },
      onMissing: (lang, key) => seen.push(`${lang}:${key}`),
    });
    expect(c.guidance(lookupCode('51'), 'de').cashier).toBe('Karte gedeckt? Nein. Bitte andere Karte.');
    expect(c.guidance(lookupCode('51'), 'de').customer).toBe(
      BUILT_IN.de.entries.insufficient_funds?.customer,
    );
    const sv = c.guidance(lookupCode('51'), 'sv');
    expect(sv.cashier).toBe('Nekad: täckning saknas. Be om ett annat kort.');
    expect(sv.customer).toBe(BUILT_IN.en.entries.insufficient_funds?.customer);
    c.guidance(lookupCode('51'), 'sv');
    c.text('insufficient_funds.customer', 'sv');
    expect(seen.filter((s) => s === 'sv:insufficient_funds.customer')).toHaveLength(1);
    expect(c.languages()).toContain('sv');
  });

  it("the glance screen's reason follows a title override and an added language's title", () => {
    const c = createCatalog({
      overrides: {
        en: { 'insufficient_funds.title': 'Balance too low' },
        sv: { 'insufficient_funds.title': 'Saldo för lågt', 'cat.unknown.title': 'Nekad' },
        de: { 'cat.unknown.reason': 'Code unbekannt' },
      },
    });
    expect(c.guidance(lookupCode('51'), 'en').reason).toBe('Balance too low');
    expect(c.guidance(lookupCode('51'), 'sv').reason).toBe('Saldo för lågt');
    // an entry with a short reason of its own keeps it; the added language's own title wins over it
    expect(c.guidanceFor('cat.unknown', 'en').reason).toBe(BUILT_IN.en.entries['cat.unknown']?.reason);
    expect(c.guidanceFor('cat.unknown', 'sv').reason).toBe('Nekad');
    expect(c.guidanceFor('cat.unknown', 'de').reason).toBe('Code unbekannt');
    // nothing of its own: English's reason, not its longer title
    expect(c.guidanceFor('cat.unknown', 'xx').reason).toBe(BUILT_IN.en.entries['cat.unknown']?.reason);
    // the built-ins are unchanged: a language without a reason for an entry shows its own title
    expect(catalog.guidance(lookupCode('51'), 'de').reason).toBe(
      BUILT_IN.de.entries.insufficient_funds?.title,
    );
  });

  it('an unknown language falls back to English and is reported once', () => {
    const seen: string[] = [];
    const c = createCatalog({ onMissing: (lang, key) => seen.push(`${lang}:${key}`) });
    expect(c.text('common.customer_declined', 'xx')).toBe(BUILT_IN.en.strings['common.customer_declined']);
    c.text('emv.07', 'xx');
    expect(seen).toEqual(['xx:*']);
  });

  it('language tags resolve to their primary language', () => {
    expect(catalog.text('emv.07', 'de-AT')).toBe('ABGELEHNT');
    expect(catalog.text('emv.07', 'FR')).toBe('REFUSÉ');
  });

  it('a row with a text key no catalog has uses its category wording', () => {
    const seen: string[] = [];
    const c = createCatalog({ onMissing: (l, k) => seen.push(`${l}:${k}`) });
    const row = { ...lookupCode('51'), textKey: 'acquirer_special' };
    expect(c.guidance(row, 'fi').cashier).toBe(BUILT_IN.fi.entries['cat.insufficient_funds']?.cashier);
    expect(seen).toEqual(['en:acquirer_special.cashier']);
  });

  it("a row's text key without an action of its own gets its category's action, and only that one is looked up", () => {
    const seen: string[] = [];
    const c = createCatalog({
      overrides: { sv: { 'loyalty.title': 'Bonus slut', 'loyalty.cashier': 'Bonuspoängen räcker inte.' } },
      onMissing: (l, k) => seen.push(`${l}:${k}`),
    });
    const row = { ...lookupCode('51'), textKey: 'loyalty' };
    expect(c.guidance(row, 'sv').action).toBe(BUILT_IN.en.entries['cat.insufficient_funds']?.action);
    expect(seen).toContain('sv:cat.insufficient_funds.action');
    expect(seen).not.toContain('sv:cat.unknown.action');
    expect(c.guidanceFor('loyalty', 'sv').action).toBe(BUILT_IN.en.entries['cat.unknown']?.action);
  });

  it('rejects malformed overrides with E_CONFIG', () => {
    expect(() => createCatalog({ overrides: { de: { 'x.cashier': '   ' } } })).toThrow(GuidanceError);
    expect(() => createCatalog({ overrides: { 'Not A Lang': { k: 'v' } } })).toThrow(/language tag/);
    expect(() => createCatalog({ overrides: { de: 'nope' } as never })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG' }),
    );
  });
});

describe('pickCustomerLang (EMV 5F2D)', () => {
  it('takes the first preferred language with a catalog', () => {
    expect(pickCustomerLang('defr', 'en')).toBe('de');
    expect(pickCustomerLang('svfi', 'en')).toBe('fi');
    expect(pickCustomerLang('SVZH', 'de')).toBe('zh');
    expect(pickCustomerLang('svno', 'ru')).toBe('ru');
    expect(pickCustomerLang(null, 'fr')).toBe('fr');
    expect(pickCustomerLang('', 'fr')).toBe('fr');
    expect(pickCustomerLang('e', 'fi')).toBe('fi');
  });
  it('accepts the hex form of the tag value', () => {
    expect(pickCustomerLang('73766672', 'en')).toBe('fr'); // "svfr"
    expect(pickCustomerLang('6465', 'en')).toBe('de');
  });
});
