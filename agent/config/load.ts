/**
 * Loading the configuration: defaults < config file (JSON or YAML) < environment (POS_AGENT_*)
 * < command-line flags. A bad value stops the start with ConfigError naming the key, the value
 * (masked for secrets) and the reason.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import { redactUrl } from '../log.js';
import { type AgentConfig, configSchema, SECRET_KEYS } from './schema.js';

// yaml is loaded on first use (a YAML file given): it is not needed on the agent's run path, and
// its ~70 modules count in the resident memory of a POS board.
const requireLazy = createRequire(import.meta.url);
function parseYaml(text: string): unknown {
  return (requireLazy('yaml') as typeof import('yaml')).parse(text);
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'E_CONFIG';
  readonly exitCode = 2;
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`config ${key}${value === undefined ? '' : ` = ${showValue(key, value)}`}: ${reason}`);
  }
}

function isSecret(key: string): boolean {
  return (SECRET_KEYS as readonly string[]).includes(key);
}

function showValue(key: string, value: unknown): string {
  if (isSecret(key)) return '"***"';
  const s = JSON.stringify(redactUrl(value));
  return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; later wins. */
export function merge(...layers: Tree[]): Tree {
  const out: Tree = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = isTree(prev) && isTree(v) ? merge(prev, v) : v;
    }
  }
  return out;
}

/** Sets a dotted key in a tree: set(t, 'broker.url', 'x'). */
export function setPath(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (!isTree(node[p])) node[p] = {};
    node = node[p] as Tree;
  }
  node[parts[parts.length - 1]!] = value;
}

function getPath(tree: unknown, path: (string | number | symbol)[]): unknown {
  let node = tree;
  for (const p of path) {
    if (!isTree(node)) return undefined;
    node = node[String(p)];
  }
  return node;
}

export function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      '--config',
      file,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(
      '--config',
      file,
      `not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
    );
  }
  if (data === null || data === undefined) return {};
  if (!isTree(data))
    throw new ConfigError('(root)', undefined, 'the config file must hold an object of sections');
  return data;
}

/**
 * Environment overrides: POS_AGENT_<SECTION>_<KEY>=value, e.g. POS_AGENT_BROKER_URL,
 * POS_AGENT_TERMINAL_ID, POS_AGENT_FLEET. Values that look like numbers or booleans are converted.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): Tree {
  const tree: Tree = {};
  const shape = configSchema.shape as Record<string, unknown>;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('POS_AGENT_') || raw === undefined) continue;
    const rest = name.slice('POS_AGENT_'.length).toLowerCase();
    // match the longest section name that prefixes the variable
    const section = Object.keys(shape)
      .filter((s) => rest === s || rest.startsWith(`${s}_`))
      .sort((a, b) => b.length - a.length)[0];
    if (!section) continue;
    const key = rest === section ? section : `${section}.${rest.slice(section.length + 1)}`;
    setPath(tree, key, coerce(raw));
  }
  return tree;
}

function coerce(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** CLI flags as a tree of config keys. */
  flags?: Tree;
}

export function loadConfig(opts: LoadOptions = {}): AgentConfig {
  const fromFile = opts.file ? readConfigFile(opts.file) : {};
  const merged = merge(fromFile, configFromEnv(opts.env ?? {}), opts.flags ?? {});
  return validateConfig(merged);
}

export function validateConfig(tree: Tree): AgentConfig {
  const parsed = configSchema.safeParse(tree);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  let key = issue.path.map(String).join('.') || '(root)';
  let reason = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    key = [...issue.path.map(String), keys[0] ?? '?'].join('.');
    reason = 'unknown key';
  }
  const value =
    issue.code === 'unrecognized_keys' ? getPath(tree, key.split('.')) : getPath(tree, issue.path);
  throw new ConfigError(key, value, reason);
}

/** The effective config for display: secrets masked. */
export function redactConfig(cfg: AgentConfig): Tree {
  const copy = JSON.parse(JSON.stringify(cfg)) as Tree;
  for (const k of SECRET_KEYS) {
    if (getPath(copy, k.split('.')) !== undefined) setPath(copy, k, '***');
  }
  // a password can also sit inside the broker URL (mqtt://user:password@host)
  const url = getPath(copy, ['broker', 'url']);
  if (typeof url === 'string') setPath(copy, 'broker.url', redactUrl(url) as string);
  return copy;
}

/** sha256 of the effective config without secrets, first 16 hex chars (sent in the birth status). */
export function configHash(cfg: AgentConfig): string {
  return createHash('sha256')
    .update(JSON.stringify(redactConfig(cfg)))
    .digest('hex')
    .slice(0, 16);
}
