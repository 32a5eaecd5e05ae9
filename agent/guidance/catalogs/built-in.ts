/**
 * The built-in message catalogs: one JSON file per language in this folder, data a translator
 * edits without touching code (its shape is CatalogData in types.ts; test/guidance/catalog.test.ts
 * checks every file against it). A language's file is read and parsed on its first use, so a
 * command that shows English never parses the other five: compiling them as code took ~8 ms of
 * every start (docs/startup.md). The files are found from the package root (agent/package.ts),
 * the same in the sources, the compiled tree and the bundle.
 */
import { readFileSync } from 'node:fs';
import { packageRoot } from '../../package.js';
import { LANGS, type Lang } from '../langs.js';
import type { CatalogData } from './types.js';

const loaded = new Map<Lang, CatalogData>();

/** The built-in catalog of `lang`, read on the first call. */
export function builtInCatalog(lang: Lang): CatalogData {
  let data = loaded.get(lang);
  if (data === undefined) {
    data = JSON.parse(
      readFileSync(new URL(`agent/guidance/catalogs/${lang}.json`, packageRoot()), 'utf8'),
    ) as CatalogData;
    loaded.set(lang, data);
  }
  return data;
}

/** Every built-in catalog by language; each is read on its first access. */
export const BUILT_IN: Readonly<Record<Lang, CatalogData>> = Object.freeze(
  Object.defineProperties(
    {},
    Object.fromEntries(LANGS.map((lang) => [lang, { enumerable: true, get: () => builtInCatalog(lang) }])),
  ) as Record<Lang, CatalogData>,
);
