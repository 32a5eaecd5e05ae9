/**
 * What the guidance takes from the agent's config, read one way for every user: the running agent,
 * `pos-agent script` and `pos-agent export --issuer-script --config` show a failure with the same
 * merchant texts, code table and terminal details, so their scripts are the same. (The agent
 * builds its catalog and table with its own warnings, from the same loadTexts.)
 */
import type { TerminalInfo } from '../guidance/script.js';
import { type Catalog, createCatalog } from '../guidance/catalog.js';
import { type CodeRow, type CodeTable, createCodeTable } from '../../protocol/response-codes/index.js';
import { FileProblem } from './data-file.js';
import { ConfigError } from './load.js';
import { loadTexts } from './texts.js';
import type { AgentConfig } from './schema.js';

/** The terminal details the issuer script prints (merchant name, time zone, acquirer). */
export function terminalInfo(cfg: Pick<AgentConfig, 'terminal'>): TerminalInfo {
  return {
    merchantName: cfg.terminal.merchant_name,
    ...(cfg.terminal.timezone !== undefined ? { timezone: cfg.terminal.timezone } : {}),
    ...(cfg.terminal.acquirer !== undefined ? { acquirer: cfg.terminal.acquirer } : {}),
  };
}

/** The catalog (built-ins + the config's texts) and code table (+ its response_codes) of a config. */
export function configGuidance(cfg: AgentConfig): { catalog: Catalog; codes: CodeTable } {
  let texts;
  try {
    texts = loadTexts(cfg.texts);
  } catch (e) {
    // where and why, never what the file holds
    if (e instanceof FileProblem) throw new ConfigError('texts', cfg.texts, e.reason);
    throw e;
  }
  return {
    catalog: createCatalog(texts ? { overrides: texts } : {}),
    codes: createCodeTable(cfg.response_codes as Record<string, Partial<CodeRow>> | undefined),
  };
}
