/**
 * The built-in languages: the one list the catalogs, the config, the export and the CLI take
 * (a catalog per language in ./catalogs, report texts per language in agent/export/i18n.ts).
 * Kept apart from the catalogs so that the config and the CLI read it without loading them.
 */
export const LANGS = Object.freeze(['en', 'zh', 'de', 'fr', 'ru', 'fi'] as const);
export type Lang = (typeof LANGS)[number];

export function isLang(s: string): s is Lang {
  return (LANGS as readonly string[]).includes(s);
}
