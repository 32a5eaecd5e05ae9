/**
 * The merchant's texts (`texts:` in the config, `explain --texts`): inline overrides, or the file
 * that holds them. One reader for the agent, `script`, `export` and `explain`; each says a file
 * problem in its own words (a ConfigError naming `texts`, explain's `--texts FILE`). Kept apart
 * from the config loader so that `explain` does not load it (and the logger it brings).
 */
import type { CatalogOverrides } from '../guidance/catalog.js';
import { readDataFile } from './data-file.js';
import type { AgentConfig } from './schema.js';

/**
 * The overrides as given, or as read from the file `texts` names. A file that cannot be read or
 * parsed throws a FileProblem (where and why, never what it holds); the overrides themselves are
 * checked where the catalog is created (createCatalog → parseOverrides).
 */
export function loadTexts(texts: AgentConfig['texts']): CatalogOverrides | undefined {
  if (texts === undefined) return undefined;
  if (typeof texts !== 'string') return texts;
  return readDataFile(texts) as CatalogOverrides;
}
